import ArgumentParser
import PostgresClient
import SamtalerWarehouse

struct MigrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Create or update the warehouse schema and load the reference data.",
        discussion: """
            In one transaction: applies the numbered SQL files of sql/migrations/ that the
            warehouse has not had yet (tables, indexes, data changes), in order, recording
            each with its SHA-256; then the files of sql/definitions/ (every function and
            view, one file each), whenever one of them differs from what was recorded. Then
            loads sql/reference/*.csv (code lists, kommuner with regions, a-kasser,
            kontaktgrupper) into the dimensions: keys stay stable, names and flags follow the
            files. Safe to run again at any time; it waits while a load is running.

            A migration file that was changed after it was applied is refused (exit 78,
            naming the file): put the change in a new migration instead.

            The sql/ folder is found beside the binary, or from $SAMTALER_SQL_DIR.
            """)

    @OptionGroup var db: DatabaseOptions

    func run() throws {
        try runReportingErrors {
            let conn = try PGConnection.open(db.database)
            let report = try Migrator(conn: conn, sqlDirectory: try SQLDirectory.locate()).run(log: { note($0) })
            print("schema version \(Migrator.schemaVersion): \(report.applied.count) migration(s) applied, "
                  + "\(report.alreadyApplied) already in place; \(report.definitionsApplied.count) definition file(s) applied; "
                  + "\(report.referenceRows) reference rows loaded")
        }
    }
}
