import Foundation
import PostgresClient
import SamtalerTestSupport
import Testing
@testable import SamtalerWarehouse

/// The indexes of the merge's lookups held in shared buffers (samtaler.hold_merge_indexes,
/// Load/MergeIndexReader.swift; docs/performance.md, "The increment into 100M").
@Suite(.serialized) struct MergeIndexesTests {
    /// The relations the function holds: the natural keys' indexes and the visitation history's.
    static let relations = [
        "samtaler.fact_samtale_registrering_noegle_key", "samtaler.fact_minplan_registrering_noegle_key",
        "samtaler.fact_jobsoegningskrav_registrering_noegle_key", "samtaler.fact_samtale_visitation_person",
        "samtaler.fact_visitation", "samtaler.fact_visitation_pkey", "samtaler.fact_visitation_fra",
    ]

    /// Blocks of `relation` in this database's shared buffers, and its size in blocks.
    static func buffered(_ w: TestWarehouse, _ relation: String) throws -> (inBuffers: Int, blocks: Int) {
        let r = try w.conn.execute("""
            SELECT (SELECT count(*) FROM pg_buffercache b
                    WHERE b.relfilenode = pg_relation_filenode($1::regclass) AND b.relforknumber = 0
                      AND b.reldatabase = (SELECT oid FROM pg_database WHERE datname = current_database())),
                   pg_relation_size($1::regclass) / 8192
            """, [relation])
        return (r.int(0, 0) ?? -1, r.int(0, 1) ?? -1)
    }

    /// An increment's load holds them (a first load does not try: nothing to look up), and says so.
    /// Indexes built again are not in shared buffers (the build writes past them); the function
    /// reads every block of each back in.
    @Test func anIncrementHoldsTheLookupIndexesInSharedBuffers() throws {
        let w = try TestWarehouse()
        // Autovacuum would read the rebuilt indexes below back into shared buffers by itself.
        for t in ["fact_samtale", "fact_minplan", "fact_jobsoegningskrav", "fact_visitation"] {
            try w.conn.execute("ALTER TABLE samtaler.\(t) SET (autovacuum_enabled = off)")
        }
        let feed = try generateFeed(w.dir + "/a.jsonl", rows: 3_000, seed: 71)
        let first = try w.load([feed])
        #expect(first.mergeIndexes == nil)
        let second = try w.load([try generateFeed(w.dir + "/b.jsonl", rows: 500, seed: 72)])
        let m = try #require(second.mergeIndexes)
        #expect(m.held && m.relations == Self.relations.count && m.reason == nil && m.sharedBuffersMB >= 128, "\(m)")
        #expect(second.text().contains("the merge's \(Self.relations.count) indexes and tables held in memory"), "\(second.text())")
        #expect(second.json().contains("\"merge_indexes\":{\"held\":true,\"relations\":\(Self.relations.count),"), "\(second.json())")
        // The WAL the load wrote, beside the server's WAL buffers.
        let wal = try #require(second.wal)
        #expect(wal.buffersMB == (try w.int("SELECT (pg_size_bytes(current_setting('wal_buffers')) / 1048576)::int")))
        #expect(wal.megabytes >= 0 && second.json().contains("\"wal\":{\"megabytes\":\(wal.megabytes),\"buffers_mb\":\(wal.buffersMB)}"))
        #expect(second.text().contains("wal        \(wal.megabytes) MB written by the server during the load; WAL buffers"), "\(second.text())")

        try w.conn.execute("CREATE EXTENSION IF NOT EXISTS pg_buffercache")
        for t in ["fact_samtale", "fact_minplan", "fact_jobsoegningskrav", "fact_visitation"] { try w.conn.execute("REINDEX TABLE samtaler.\(t)") }
        // (The table fact_visitation stays in shared buffers: the rebuild of its index read it.)
        for r in Self.relations where r != "samtaler.fact_visitation" {
            let b = try Self.buffered(w, r)
            #expect(b.blocks > 0 && b.inBuffers == 0, "\(r) after its rewrite: \(b)")
        }
        let held = try w.conn.execute("SELECT held, relations FROM samtaler.hold_merge_indexes()")
        #expect(held.value(0, 0) == "t" && held.int(0, 1) == Self.relations.count)
        for r in Self.relations {
            let b = try Self.buffered(w, r)
            #expect(b.inBuffers == b.blocks, "\(r): \(b.inBuffers) of \(b.blocks) blocks in shared buffers")
        }
    }

    /// The summary says when the server's WAL buffers are small for the load (under 64 MB, and the
    /// load wrote over four times as much), and only then.
    @Test func smallWALBuffersAreNamedInTheSummary() {
        var s = LoadSummary()
        s.wal = LoadSummary.WAL(megabytes: 125, buffersMB: 16)
        #expect(s.text().contains("WAL buffers 16 MB: small for this load, which waited for WAL writes; set wal_buffers to 64-128MB"), "\(s.text())")
        #expect(s.json().contains("\"wal\":{\"megabytes\":125,\"buffers_mb\":16}"))
        for (mb, buffers) in [(125, 128), (60, 16), (125, 64)] {
            s.wal = LoadSummary.WAL(megabytes: mb, buffersMB: buffers)
            #expect(!s.text().contains("small for this load") && s.text().contains("WAL buffers \(buffers) MB\n"), "\(s.text())")
        }
        s.wal = nil
        #expect(!s.text().contains("wal ") && s.json().contains("\"wal\":null"))
    }

    /// Without pg_prewarm the load goes on and its summary says why the indexes were not held.
    @Test func withoutTheExtensionTheLoadSaysSoAndPublishes() throws {
        let w = try TestWarehouse()
        try w.load([try generateFeed(w.dir + "/a.jsonl", rows: 1_000, seed: 73)])
        try w.conn.execute("DROP EXTENSION pg_prewarm")
        let s = try w.load([try generateFeed(w.dir + "/b.jsonl", rows: 300, seed: 74)])
        #expect(s.published && s.new > 0)
        let m = try #require(s.mergeIndexes)
        #expect(!m.held && m.reason == "the extension pg_prewarm is not installed in this database", "\(m)")
        #expect(s.text().contains("lookups    the merge's indexes not held in memory: the extension pg_prewarm is not installed"), "\(s.text())")
    }
}
