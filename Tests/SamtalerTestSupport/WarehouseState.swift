import Foundation
import PostgresClient
import Testing

/// Fingerprints of a warehouse's content, to tell "exactly as before" from anything else, and the
/// sessions of its database.
public enum WarehouseState {
    /// One digest per table of schema samtaler (but the fixed calendar, and the kept copy sorted by
    /// person, which is written after a batch is published and may lag behind it: KeptCountingTests
    /// hold it to the facts) over every column of every row: equal only when the content is exactly
    /// equal, surrogate keys and batch table included.
    public static func exact(_ c: PGConnection) throws -> String {
        let tables = try c.execute("""
            SELECT tablename FROM pg_tables WHERE schemaname = 'samtaler' AND tablename <> 'dim_dato'
              AND tablename NOT LIKE 'kept\\_%' ORDER BY 1
            """)
        return try (0..<tables.rowCount).map { i in
            let t = tables.value(i, 0)!
            return t + " " + (try c.scalar("SELECT \(digest("t::text")) FROM samtaler.\(t) t") ?? "")
        }.joined(separator: "\n")
    }

    /// SQL for the row count and an order-independent sum of the rows' MD5s.
    public static func digest(_ text: String) -> String {
        "count(*) || ' ' || coalesce(sum(('x' || substr(md5(\(text)), 1, 15))::bit(60)::bigint), 0)"
    }

    /// The published content without surrogate keys and batch numbers (which legitimately differ
    /// between two warehouses given the same files, or after runs that were rolled back).
    public static func published(_ c: PGConnection) throws -> String {
        let indberetter = "JOIN samtaler.dim_indberetter i ON i.indberetter_key = f.indberetter_key"
        let parts = [
            ("samtale", """
                SELECT \(digest("x")) FROM (
                  SELECT (to_jsonb(f) - 'samtale_key' - 'batch_key' - 'indberetter_key')::text || i.indberettertype || i.indberetterkode
                         || coalesce(d.deltagere, '') AS x
                  FROM samtaler.fact_samtale f \(indberetter)
                  LEFT JOIN (SELECT samtale_key, string_agg(deltager_nr || ':' || deltagerrolle_key || ':' || deltagelsesform_key, ',' ORDER BY deltager_nr) AS deltagere
                             FROM samtaler.fact_samtale_deltager GROUP BY samtale_key) d ON d.samtale_key = f.samtale_key) s
                """),
            ("minplan", "SELECT \(digest("(to_jsonb(f) - 'minplan_key' - 'batch_key' - 'indberetter_key')::text || i.indberettertype || i.indberetterkode")) FROM samtaler.fact_minplan f \(indberetter)"),
            ("jobsoegningskrav", "SELECT \(digest("(to_jsonb(f) - 'jobsoegningskrav_key' - 'batch_key' - 'indberetter_key')::text || i.indberettertype || i.indberetterkode")) FROM samtaler.fact_jobsoegningskrav f \(indberetter)"),
            ("indberetter", "SELECT \(digest("(to_jsonb(i) - 'indberetter_key' - 'udledt_batch_key')::text")) FROM samtaler.dim_indberetter i"),
            ("indstilling", "SELECT \(digest("t::text")) FROM samtaler.indstilling t"),
        ]
        return try parts.map { name, sql in name + " " + (try c.scalar(sql) ?? "") }.joined(separator: "\n")
    }

    /// The batch table without keys and times, in batch order.
    public static func batches(_ c: PGConnection) throws -> [String] {
        let r = try c.execute("""
            SELECT concat_ws(' ', status, array_to_string(filer, ','), laest, accepteret, afvist, nye, aendrede, annullerede, uaendrede, afvist_pr_regel::text)
            FROM samtaler.dim_batch ORDER BY batch_key
            """)
        return (0..<r.rowCount).map { r.value($0, 0) ?? "" }
    }

    /// The fact tables of schema samtaler (fact_*), by name.
    public static func factTables(_ c: PGConnection) throws -> [String] {
        let r = try c.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'samtaler' AND tablename LIKE 'fact\\_%' ORDER BY 1")
        return (0..<r.rowCount).compactMap { r.value($0, 0) }
    }

    /// Sessions of the warehouse's database other than `c`'s.
    public static func otherSessions(_ c: PGConnection) throws -> Int {
        Int(try c.scalar("""
            SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()
            """) ?? "") ?? -1
    }

    /// Waits until every other session of the database has ended (a killed client's backend ends
    /// when it notices the lost connection and has rolled back).
    public static func waitAlone(_ c: PGConnection, timeout: TimeInterval = 60) throws {
        if !(try waitUntil(timeout: timeout, every: 10_000) { try otherSessions(c) == 0 }) {
            Issue.record("a session of the killed load is still there after \(timeout) s")
        }
    }

    /// True while some other session of the database runs a statement containing `needle`.
    public static func running(_ needle: String, _ c: PGConnection, state: String = "active") throws -> Bool {
        try c.scalar("""
            SELECT count(*) FROM pg_stat_activity
            WHERE datname = current_database() AND pid <> pg_backend_pid() AND state = $2 AND position($1 in query) > 0
            """, [needle, state]) != "0"
    }

    /// Waits until another session runs a statement containing `needle`, while `child` runs.
    public static func waitForStatement(_ needle: String, in c: PGConnection, while child: ChildProcess, timeout: TimeInterval = 60) throws -> Bool {
        var seen = false
        try waitUntil(timeout: timeout) {
            seen = try running(needle, c)
            return seen || !child.isRunning
        }
        return seen
    }
}
