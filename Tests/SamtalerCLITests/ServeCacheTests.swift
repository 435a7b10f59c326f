import Foundation
import PostgresClient
import SamtalerTestSupport
import Testing

// The web view's result cache (docs/web.md, The cache): the built binary on a loaded sandbox,
// observed through the X-Samtaler-Cache header and the database's own view of its sessions.

@Suite(.serialized) struct ServeCacheTests {
    static let path = "/rapport/volumes?period=2025&per=quarter&by=samtaletype,region&format=csv"
    static let options = ["report", "volumes", "--period", "2025", "--per", "quarter", "--by", "samtaletype,region", "--format", "csv"]

    /// A second identical request (also spelled as a form sends it) is served from the cache with
    /// the same bytes; after a real load (a new batch) the same URL is made again and has the new
    /// numbers, those of `samtaler report` after the load.
    @Test func aRepeatedRequestIsAHitAndANewLoadMakesItAgainWithTheNewNumbers() throws {
        let (s, reporter) = try servedWarehouse()
        let web = try Served(s, env: reporter.env)
        defer { web.stop() }
        let first = try web.get(Self.path)
        #expect(first.status == 200 && first.headers["x-samtaler-cache"] == "miss")
        let second = try web.get(Self.path)
        #expect(second.status == 200 && second.headers["x-samtaler-cache"] == "hit" && second.body == first.body)
        let spelled = try web.get("/rapport/volumes?period=2025&per=quarter&by=samtaletype&by=region&from=&format=csv")
        #expect(spelled.headers["x-samtaler-cache"] == "hit" && spelled.body == first.body)
        // The page and the download are different answers.
        #expect(try web.get("/rapport/volumes?period=2025&per=quarter&by=samtaletype,region").headers["x-samtaler-cache"] == "miss")

        let batches = try web.get("/rapport/batches?format=csv").text
        let feed = s.dir + "/more.jsonl"
        let g = try CLI.run(["generate", "--rows", "200", "--seed", "31", "--out", feed])
        try #require(g.status == 0, "\(g.output)")
        let load = try s.run(["load", feed, "--rejects", s.dir + "/r2.jsonl"])
        try #require(load.status == 0, "\(load.output)")
        let cli = try s.run(Self.options, env: reporter.env)
        try #require(cli.status == 0)
        #expect(cli.stdout != first.text, "the load changed nothing: the test proves nothing")

        let after = try web.get(Self.path)
        #expect(after.status == 200 && after.headers["x-samtaler-cache"] == "miss")
        #expect(after.text == cli.stdout, "after the load the web view still shows the old numbers")
        #expect(try web.get(Self.path).headers["x-samtaler-cache"] == "hit")
        // The batches report sees the new batch too.
        let batchesAfter = try web.get("/rapport/batches?format=csv")
        #expect(batchesAfter.headers["x-samtaler-cache"] == "miss")
        #expect(batchesAfter.text.components(separatedBy: "\r\n").count == batches.components(separatedBy: "\r\n").count + 1, "\(batchesAfter.text)")
    }

    /// The kept history's choices are part of the key (as of a batch is another answer), and an
    /// extract made changes what revisions compares with by default: made again, not served old.
    @Test func asOfABatchAndANewDeliveryAreOtherAnswers() throws {
        let (s, reporter) = try servedWarehouse()
        let web = try Served(s, env: reporter.env)
        defer { web.stop() }
        let none = try web.get("/rapport/revisions?period=2025")
        #expect(none.status == 400 && none.text.contains("give --from-batch"), "\(none.status) \(none.text.prefix(300))")
        func extract() throws { try #require(try s.run(["extract", "--period", "2025", "--out", s.dir], env: reporter.env).status == 0) }
        try extract()
        let feed = s.dir + "/more.jsonl"
        try #require(try CLI.run(["generate", "--rows", "200", "--seed", "31", "--out", feed]).status == 0)
        try #require(try s.run(["load", feed, "--rejects", s.dir + "/r2.jsonl"]).status == 0)

        #expect(try web.get("/rapport/volumes?period=2025&format=csv").headers["x-samtaler-cache"] == "miss")
        let asOf = try web.get("/rapport/volumes?period=2025&as-of-batch=1&format=csv")
        #expect(asOf.status == 200 && asOf.headers["x-samtaler-cache"] == "miss")
        let path = "/rapport/revisions?period=2025&format=json"
        let since1 = try web.get(path)
        #expect(since1.status == 200 && since1.text.contains("efter A: kørsel 1 (seneste leverance, udtræk nr. 1)"), "\(since1.text.prefix(400))")
        #expect(try web.get(path).headers["x-samtaler-cache"] == "hit")
        // A new delivery, no new batch: revisions now compares with it.
        try extract()
        let since2 = try web.get(path)
        #expect(since2.headers["x-samtaler-cache"] == "miss" && since2.text.contains("efter A: kørsel 2 (seneste leverance, udtræk nr. 2)"),
                "\(since2.text.prefix(400))")
        let cli = try s.run(["report", "revisions", "--period", "2025", "--format", "json"], env: reporter.env)
        #expect(cli.status == 0 && since2.text == cli.stdout)
    }

    /// Five identical requests at once run the report once: while the facts and their kept copy
    /// are locked (volumes reads the copy alone when it is current), only one of the server's
    /// sessions waits for the lock, though two connections are free; once the lock goes, one
    /// answer was made (`miss`) and four waited for it (`shared`), all the same bytes.
    @Test func identicalRequestsAtOnceRunTheReportOnce() throws {
        let (s, reporter) = try servedWarehouse()
        let web = try Served(s, ["--connections", "3"], env: reporter.env)
        defer { web.stop() }
        let locker = try PGConnection("dbname=\(s.db)")
        let watcher = try PGConnection("dbname=\(s.db)")
        func waitingForTheLock() -> Int {
            Int((try? watcher.scalar("SELECT count(*) FROM pg_stat_activity WHERE usename = $1 AND wait_event_type = 'Lock'", [reporter.name])) ?? "") ?? -1
        }
        try locker.holdReportTables()
        let requests = InFlight(port: web.port, Array(repeating: Self.path, count: 5))
        #expect(waitUntil(timeout: 20, every: 20_000) { waitingForTheLock() == 1 })
        usleep(1_000_000)
        #expect(waitingForTheLock() == 1, "more than one session runs the same report")
        #expect(requests.answered == 0)
        try locker.execute("COMMIT")
        let replies = requests.all()
        let sources = replies.map { $0?.headers["x-samtaler-cache"] ?? "-" }
        #expect(sources.filter { $0 == "miss" }.count == 1 && sources.filter { $0 == "shared" }.count == 4, "\(sources)")
        #expect(Set(replies.map { $0?.body ?? [] }).count == 1 && replies.allSatisfy { $0?.status == 200 })
    }

    /// Bounded: with --cache 2, a third answer pushes out the least recently used one; with
    /// --cache 0 nothing is kept.
    @Test func theCacheKeepsAtMostItsCountLeastRecentlyUsedFirst() throws {
        let (s, reporter) = try servedWarehouse()
        let web = try Served(s, ["--cache", "2"], env: reporter.env)
        defer { web.stop() }
        let a = "/rapport/volumes?period=2025", b = "/rapport/forms?period=2025", c = "/rapport/participants?period=2025"
        func source(_ p: String) throws -> String { try web.get(p).headers["x-samtaler-cache"] ?? "-" }
        #expect(try [source(a), source(b), source(a), source(c), source(a), source(b)] == ["miss", "miss", "hit", "miss", "hit", "miss"])
        web.stop()
        let off = try Served(s, ["--cache", "0"], env: reporter.env)
        defer { off.stop() }
        #expect(try [off.get(a), off.get(a)].map { $0.headers["x-samtaler-cache"] } == ["off", "off"])
    }
}
