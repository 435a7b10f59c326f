import ArgumentParser
import PostgresClient
import SamtalerWarehouse

struct MigrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Create or update the warehouse schema and load the reference data.",
        discussion: """
            Applies the numbered SQL files of sql/migrations/ that the warehouse has not
            had yet, in order, each in its own transaction, and records them in
            samtaler.schema_migration. Then loads sql/reference/*.csv (code lists,
            kommuner with regions, a-kasser, kontaktgrupper) into the dimensions: keys
            stay stable, names and flags follow the files. Safe to run again at any time;
            it waits while a load is running.

            The sql/ folder is found beside the binary, or from $SAMTALER_SQL_DIR.
            """)

    @OptionGroup var db: DatabaseOptions

    func run() throws {
        try runReportingErrors {
            let conn = try PGConnection.open(db.database)
            let report = try Migrator(conn: conn, sqlDirectory: try SQLDirectory.locate()).run(log: { note($0) })
            print("schema version \(Migrator.schemaVersion): \(report.applied.count) migration(s) applied, "
                  + "\(report.alreadyApplied) already in place; \(report.referenceRows) reference rows loaded")
        }
    }
}
