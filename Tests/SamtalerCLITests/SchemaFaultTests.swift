import Foundation
import PostgresClient
import SamtalerTestSupport
import Testing

/// The schema checks of every command that reads or writes the warehouse, through the binary
/// (the existing tests cover `load` without a schema, and the newer schema only in-process).
@Suite(.serialized) struct SchemaFaultTests {
    @Test func aMissingOrNewerSchemaIsExit78ForEveryCommand() throws {
        let s = try Sandbox()
        #expect(try CLI.run(["keygen", s.keyFile]).status == 0)
        let feed = s.dir + "/feed.jsonl"
        #expect(try CLI.run(["generate", "--rows", "20", "--seed", "2", "--out", feed]).status == 0)
        let commands = [["load", feed, "--rejects", s.dir + "/r.jsonl"], ["report", "volumes"], ["extract", "--period", "2025", "--out", s.dir]]

        // No schema: every command says to run `samtaler migrate`.
        for c in commands.dropFirst() {
            let r = try s.run(c)
            #expect(r.status == 78, "\(c[0]) without a schema: \(r.output)")
            #expect(r.stderr.contains("samtaler migrate"), "\(c[0]): \(r.stderr)")
        }
        #expect(try s.run(["migrate"]).status == 0)
        #expect(try s.run(commands[0]).status == 0)
        let db = try PGConnection("dbname=\(s.db)")
        let facts = try db.scalar("SELECT count(*) FROM samtaler.fact_samtale")

        // A schema newer than this binary: every command refuses and says to upgrade; nothing is written.
        try db.execute("INSERT INTO samtaler.schema_migration (version, navn, sha256) VALUES (999, 'fremtiden', '')")
        for c in commands {
            let r = try s.run(c)
            #expect(r.status == 78, "\(c[0]) on a newer schema: \(r.output)")
            #expect(r.stderr.contains("newer") && r.stderr.contains("upgrade samtaler"), "\(c[0]): \(r.stderr)")
        }
        #expect(try db.scalar("SELECT count(*) FROM samtaler.fact_samtale") == facts)
        #expect(try db.scalar("SELECT count(*) FROM samtaler.dim_batch") == "1")
        #expect(!FileManager.default.fileExists(atPath: s.dir + "/samtaler_2025.csv"))
    }
}
