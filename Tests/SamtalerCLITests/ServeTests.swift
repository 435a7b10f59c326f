import Foundation
import PostgresClient
import SamtalerTestSupport
import Synchronization
import Testing

// The web view (`samtaler serve`, docs/web.md), end to end: the built binary serves a migrated and
// loaded sandbox as a login in samtaler_rapport, and the tests speak HTTP to it over a socket.

/// A loaded sandbox and a login in samtaler_rapport, as the web view is meant to run.
func servedWarehouse() throws -> (Sandbox, LoginRole) {
    let (s, feed) = try migratedSandbox()
    let load = try s.run(["load", feed, "--rejects", s.dir + "/r.jsonl"])
    try #require(load.status == 0, "\(load.output)")
    return (s, try LoginRole(in: s.db, groups: ["samtaler_rapport"]))
}

/// Requests sent at once, each from a thread of its own (a blocked request must not hold up the
/// others, as it would on Swift's few cooperative threads).
final class InFlight: Sendable {
    private let replies = Mutex<[Int: Result<HTTPReply, any Error>]>([:])
    let count: Int

    init(port: Int, _ paths: [String]) {
        count = paths.count
        for (i, path) in paths.enumerated() {
            Thread { [self] in
                let r = Result { try HTTPReply.get(port: port, path) }
                replies.withLock { $0[i] = r }
            }.start()
        }
    }

    var answered: Int { replies.withLock { $0.count } }

    /// The statuses, in the order sent, once all have answered (nil where a request failed).
    func statuses(timeout: TimeInterval = 60) -> [Int?] { all(timeout: timeout).map { $0?.status } }

    /// The replies, in the order sent, once all have answered (nil where a request failed).
    func all(timeout: TimeInterval = 60) -> [HTTPReply?] {
        waitUntil(timeout: timeout, every: 20_000) { answered == count }
        return replies.withLock { r in (0..<count).map { try? r[$0]?.get() } }
    }
}

@Suite(.serialized) struct ServeTests {
    /// `/` lists every report of the registry, and each one it links answers 200 with a page that
    /// holds the form, a table and the report's title; `/healthz` answers 200.
    @Test func everyRouteAnswersWithItsStatusAndContentType() throws {
        let (s, reporter) = try servedWarehouse()
        let web = try Served(s, env: reporter.env)
        defer { web.stop() }

        let health = try web.get("/healthz")
        #expect(health.status == 200 && health.contentType == "text/plain; charset=utf-8" && health.text == "ok\n")

        let index = try web.get("/")
        #expect(index.status == 200 && index.contentType == "text/html; charset=utf-8")
        #expect(index.text.contains("<html lang=\"da\">") && index.text.contains("Samtaler og personer"))
        let links = matches(of: #"href="(/rapport/[a-z]+)""#, in: index.text)
        // Every report the command line knows (its --help lists them) is on the page.
        let help = try CLI.run(["report", "--help"]).stdout
        for name in ["volumes", "forms", "participants", "coverage", "marks", "visitation", "transitions", "minplan", "jobsoegningskrav", "batches",
                     "revisions", "timeliness"] {
            #expect(help.contains(name) && links.contains("/rapport/\(name)"), "/ does not link the \(name) report")
        }
        for link in links {
            // (revisions compares the warehouse's one batch with itself: no delivery was recorded.)
            let page = try web.get(link + "?period=2025" + (link == "/rapport/revisions" ? "&from-batch=1" : ""))
            #expect(page.status == 200 && page.contentType == "text/html; charset=utf-8", "\(link): \(page.status) \(page.text.prefix(300))")
            #expect(page.text.contains("<form class=\"valg\" method=\"get\" action=\"\(link)\">") && page.text.contains("<label for=\"period\">"), "\(link)")
            #expect(page.text.contains("<table>") && page.text.contains("<h1>"), "\(link): no table")
            #expect(page.headers["content-security-policy"]?.contains("default-src 'none'") == true && !page.text.contains("<script"))
        }

        let volumes = try web.get("/rapport/volumes?period=2025&per=quarter&by=samtaletype,region")
        #expect(volumes.status == 200)
        for text in ["<th>Kvartal</th><th>Samtaletype</th><th>Region</th><th>Samtaler</th><th>Personer</th>", "<svg", "Jobsamtale",
                     "<option value=\"quarter\" selected>", "<option value=\"samtaletype\" selected>", "<option value=\"region\" selected>",
                     "value=\"2025\"", "format=excel"] {
            #expect(volumes.text.contains(text), "the volumes page lacks \(text)")
        }
        // A form sends each breakdown as its own by=; the same page as by=a,b.
        let repeated = try web.get("/rapport/volumes?period=2025&per=quarter&by=samtaletype&by=region&by=&from=&to=")
        #expect(repeated.status == 200 && repeated.text == volumes.text)

        let missing = try web.get("/nowhere")
        #expect(missing.status == 404 && missing.contentType == "text/html; charset=utf-8" && missing.text.contains("Ikke fundet"))
        #expect(try web.get("/rapport/nosuchreport").status == 404)
        let log = web.stop()
        #expect(log.stderr.contains("GET /rapport/volumes 200"), "\(log.stderr)")
    }

    /// With `format`, a report page's URL downloads exactly the bytes `samtaler report` writes for
    /// the same options, in every format, for every report.
    static let downloads: [(String, [(String, String)])] = [
        ("volumes", [("period", "2025"), ("per", "quarter"), ("by", "samtaletype,region")]),
        ("forms", [("period", "2025Q1"), ("by", "indberettertype")]),
        ("participants", [("period", "2025"), ("per", "year")]),
        ("coverage", [("period", "2025-03")]),
        ("marks", [("period", "2025"), ("per", "year"), ("mark", "cv_godkendelse,raadighedsvurdering"), ("by", "region")]),
        ("visitation", [("date", "2025-06-30"), ("by", "region")]),
        ("transitions", [("from", "2025-02-01"), ("to", "2025-08-31")]),
        ("minplan", [("period", "2025")]),
        ("jobsoegningskrav", []),
        ("batches", []),
        ("revisions", [("period", "2025Q1"), ("from-batch", "1"), ("threshold", "1"), ("changed", "1")]),
        ("timeliness", [("period", "2025"), ("by", "indberettertype")]),
        ("volumes", [("period", "2025"), ("as-of-batch", "1")]),
    ]

    @Test func downloadsAreTheBytesSamtalerReportWrites() throws {
        let (s, reporter) = try servedWarehouse()
        let web = try Served(s, env: reporter.env)
        defer { web.stop() }
        for (name, options) in Self.downloads {
            for format in ["csv", "excel", "json", "html", "table"] {
                let query = (options + [("format", format)]).map { "\($0)=\($1)" }.joined(separator: "&")
                let reply = try web.get("/rapport/\(name)?\(query)")
                var args = ["report", name] + options.flatMap { $0 == "changed" ? ["--changed"] : ["--\($0)", $1] }
                args += format == "excel" ? ["--format", "csv", "--excel"] : ["--format", format]
                // The bytes as written (a String of standard output would drop Excel's byte-order mark).
                let file = s.dir + "/\(name).\(format)"
                let cli = try s.run(args + ["--out", file], env: reporter.env)
                try #require(cli.status == 0, "\(args): \(cli.output)")
                let written = [UInt8](try Data(contentsOf: URL(fileURLWithPath: file)))
                #expect(reply.status == 200, "\(name) \(format): \(reply.status)")
                #expect(written.count > 100 && reply.body == written, "\(name) \(format): the download differs from samtaler report's output")
                if format == "excel" { #expect(reply.body.starts(with: [0xEF, 0xBB, 0xBF])) }
                let type = ["csv": "text/csv", "excel": "text/csv", "json": "application/json", "html": "text/html", "table": "text/plain"][format]!
                #expect(reply.contentType == type + "; charset=utf-8", "\(name) \(format): \(reply.contentType)")
                #expect(reply.headers["content-disposition"]?.hasPrefix("attachment; filename=\"\(name)") == true)
            }
        }
    }

    /// Parameters are checked by the command line's code: 400, a Danish message naming the
    /// parameter, the form still there; nothing of the server's inside.
    static let badQueries = [
        ("period=2025-13", "«period»"), ("period=2025Q5", "«period»"), ("per=week", "«per»"), ("by=kommune", "«by»"),
        ("by=samtaletype,samtaletype", "«by»"), ("from=2025-01-01", "«to»"), ("from=2025-02-30&to=2025-03-01", "«from»"),
        ("from=2025-03-01&to=2025-01-01", "slutter"), ("period=2025&from=2025-01-01&to=2025-01-31", "period eller from/to"),
        ("date=2025-06-30", "«date»"), ("mark=cv_godkendelse", "«mark»"), ("format=xml", "«format»"), ("foo=1", "«foo»"),
        ("as-of-batch=0", "«as-of-batch»"), ("from-batch=1", "«from-batch»"), ("changed=1", "«changed»"),
        // Checked by the warehouse: batch 9 was never published.
        ("as-of-batch=9", "latest published batch is 1"),
    ]

    @Test func badParametersAre400WithADanishMessageNamingTheParameter() throws {
        let (s, reporter) = try servedWarehouse()
        let web = try Served(s, env: reporter.env)
        defer { web.stop() }
        for (query, says) in Self.badQueries {
            let reply = try web.get("/rapport/volumes?\(query)")
            #expect(reply.status == 400, "\(query): \(reply.status)")
            #expect(reply.contentType == "text/html; charset=utf-8")
            #expect(reply.text.contains("<p class=\"fejl\" role=\"alert\">") && reply.text.contains(says), "\(query): \(reply.text)")
            #expect(reply.text.contains("<form class=\"valg\""))
            for leak in ["SQLSTATE", "SELECT", "samtaler.fact", "Error", "error:"] { #expect(!reply.text.contains(leak), "\(query): \(leak)") }
        }
    }

    /// SQL in parameters and path tricks (`..`, encoded `/`) are refused, nothing is read from a
    /// file, the warehouse is exactly as before, and the log holds no query (what a person typed).
    @Test func sqlInParametersAndPathTricksAreRefusedWithTheWarehouseIntact() throws {
        let (s, reporter) = try servedWarehouse()
        let db = try PGConnection("dbname=\(s.db)")
        try db.execute("CREATE TABLE public.x (i int)")
        let before = try WarehouseState.exact(db)
        let web = try Served(s, env: reporter.env)
        defer { web.stop() }
        let attacks: [(String, Int)] = [
            ("/rapport/volumes?by=samtaletype;DROP%20TABLE%20x", 400),
            ("/rapport/volumes?by=samtaletype)%3B%20DROP%20TABLE%20x%3B%20--", 400),
            ("/rapport/volumes?period=2025'%3B%20DROP%20TABLE%20x%3B%20--", 400),
            ("/rapport/volumes?from=2025-01-01'%3B%20DROP%20TABLE%20x%3B%20--&to=2025-12-31", 400),
            ("/rapport/marks?mark=cv_godkendelse%27%20OR%20%271%27%3D%271", 400),
            ("/rapport/volumes%3BDROP%20TABLE%20x", 404),
            ("/rapport/volumes;DROP TABLE x", 400),   // not even a request line
            ("/rapport/..%2F..%2F..%2Fetc%2Fpasswd", 404),
            ("/rapport/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd", 404),
            ("/rapport/../../../etc/passwd", 404),
            ("/../../../etc/passwd", 404),
            ("/rapport/volumes/../../../../etc/passwd", 404),
            ("/rapport/volumes%2F..%2F..%2Fsql%2Fdefinitions%2F90_grants.sql", 404),
            ("/%2e%2e/%2e%2e/Package.swift", 404),
            ("/rapport/volumes?by=0101901234", 400),
        ]
        for (path, status) in attacks {
            let reply = try web.get(path)
            #expect(reply.status == status, "\(path): \(reply.status)")
            for leak in ["root:", "GRANT", "PackageDescription", "SQLSTATE"] { #expect(!reply.text.contains(leak), "\(path) shows \(leak)") }
        }
        #expect(try db.scalar("SELECT to_regclass('public.x') IS NOT NULL") == "t", "the canary table is gone")
        #expect(try WarehouseState.exact(db) == before)
        let log = web.stop().stderr
        #expect(!log.contains("DROP") && !log.contains("0101901234") && !log.contains("passwd"), "the log holds what was typed: \(log)")
        #expect(log.contains("GET (anden sti) 404") && log.contains("GET /rapport/volumes 400"))
    }

    /// More requests than connections: with 2 connections held by queries that wait for a lock,
    /// 3 more requests wait, and get 503 when the wait times out; the 2 answer once the lock goes.
    /// With a longer wait, all 4 of 4 answer: the 2 in line got a connection when one came free.
    /// At no moment does the server hold more than its 2 connections.
    @Test func thePoolLetsExcessRequestsWaitAndTurnsThemAwayAfterTheTimeout() throws {
        let (s, reporter) = try servedWarehouse()
        let locker = try PGConnection("dbname=\(s.db)")
        let path = "/rapport/volumes?period=2025&by=samtaletype"
        // The server's sessions, seen from outside the locker's transaction (whose view of
        // pg_stat_activity stays as it was at its first look).
        let watcher = try PGConnection("dbname=\(s.db)")
        func sessions() throws -> Int {
            Int(try watcher.scalar("SELECT count(*) FROM pg_stat_activity WHERE usename = $1 AND datname = $2", [reporter.name, s.db]) ?? "") ?? -1
        }

        /// A server with 2 connections and `wait` seconds in line, `count` requests sent while the
        /// facts and their kept copy are locked (queries on them wait for the lock; volumes reads
        /// the copy alone when it is current), `held` run then; the statuses of the requests once
        /// the lock is gone.
        func whileLocked(wait: String, count: Int, _ held: (InFlight) throws -> Void) throws -> [Int?] {
            // Identical requests: without the cache, which would run them as one (ServeCacheTests).
            let web = try Served(s, ["--connections", "2", "--wait-timeout", wait, "--cache", "0"], env: reporter.env)
            defer { web.stop() }
            try locker.holdReportTables()
            let requests = InFlight(port: web.port, Array(repeating: path, count: count))
            do { try held(requests) } catch { _ = try? locker.execute("COMMIT"); throw error }
            try locker.execute("COMMIT")
            return requests.statuses()
        }

        let timedOut = try whileLocked(wait: "1", count: 5) { requests in
            #expect(waitUntil(timeout: 30, every: 20_000) { requests.answered == 3 }, "the requests in line did not time out")
            usleep(300_000)
            #expect(requests.answered == 3, "a request held by the lock answered")
            let open = try sessions()
            #expect(open == 2)
        }
        #expect(timedOut.filter { $0 == 200 }.count == 2 && timedOut.filter { $0 == 503 }.count == 3, "\(timedOut)")
        let waited = try whileLocked(wait: "60", count: 4) { requests in
            #expect(waitUntil(timeout: 20, every: 20_000) { (try? sessions()) == 2 }, "sessions: \((try? sessions()) ?? -1)")
            usleep(1_500_000)
            #expect(requests.answered == 0)
            let open = try sessions()
            #expect(open == 2, "the pool opened more than its 2 connections")
        }
        #expect(waited == [200, 200, 200, 200])
    }

    /// Every query has a time limit: one that waits longer is cancelled, the reader gets 503 in
    /// Danish without the server's detail, and the next request is served again.
    @Test func aQueryOverTheStatementTimeoutIs503AndTheServerGoesOn() throws {
        let (s, reporter) = try servedWarehouse()
        let web = try Served(s, ["--statement-timeout", "0.5", "--connections", "1"], env: reporter.env)
        defer { web.stop() }
        let locker = try PGConnection("dbname=\(s.db)")
        try locker.holdReportTables()
        let started = Date()
        let slow = try web.get("/rapport/volumes?period=2025")
        #expect(slow.status == 503 && Date().timeIntervalSince(started) < 10)
        #expect(slow.text.contains("tog for lang tid") && !slow.text.contains("SQLSTATE") && !slow.text.contains("statement"), "\(slow.text)")
        try locker.execute("COMMIT")
        #expect(try web.get("/rapport/volumes?period=2025").status == 200)
        #expect(web.stop().stderr.contains("cancelled"))
    }

    /// /healthz follows the database: 200 while it answers, 503 once the database is gone.
    @Test func healthzIs503WhenTheDatabaseDoesNotAnswer() throws {
        let (s, reporter) = try servedWarehouse()
        let web = try Served(s, env: reporter.env)
        defer { web.stop() }
        #expect(try web.get("/healthz").status == 200)
        try PGConnection("dbname=postgres").execute("DROP DATABASE \(s.db) WITH (FORCE)")
        let down = try web.get("/healthz")
        #expect(down.status == 503 && down.text.contains("svarer ikke"))
        let report = try web.get("/rapport/volumes?period=2025")
        #expect(report.status == 500 || report.status == 503, "\(report.status)")
        #expect(!report.text.contains("does not exist") && !report.text.contains("SQLSTATE"))
    }

    /// Anything but this machine: a warning that there is no login and a proxy with
    /// authentication belongs in front.
    @Test func listeningBeyondThisMachineWarnsThatThereIsNoLogin() throws {
        let (s, reporter) = try servedWarehouse()
        let local = try Served(s, env: reporter.env)
        let quiet = local.stop().stderr
        #expect(!quiet.contains("no login"), "\(quiet)")
        let open = try Served(s, ["--host", "0.0.0.0"], env: reporter.env)
        let said = open.stop().stderr
        #expect(said.contains("warning: listening on 0.0.0.0") && said.contains("no login") && said.contains("reverse proxy with authentication"), "\(said)")
    }
}
