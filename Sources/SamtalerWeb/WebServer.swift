import Foundation
import HTTPTypes
import Hummingbird
import PostgresClient
import SamtalerWarehouse

/// The analysts' web view (`samtaler serve`): the reports of the command line as pages with a
/// form, their downloads byte for byte as `samtaler report` writes them, and a health check.
///
/// Read-only by construction: every session is `default_transaction_read_only` with a
/// `statement_timeout`, the login is meant to be in `samtaler_rapport`, and requests reach the
/// database only as a checked `Reports.Request` (no SQL is made from input). Nothing is read from
/// the file system for a request.
public struct WebServer: Sendable {
    public struct Settings: Sendable {
        public var host = "127.0.0.1"
        public var port = 8080
        /// libpq conninfo or URL; nil: the PG* variables.
        public var conninfo: String?
        /// The most queries at once (connections of the pool).
        public var connections = 4
        /// How long a request waits for a connection before it gets 503.
        public var waitTimeout: Duration = .seconds(10)
        /// The longest a statement may run.
        public var statementTimeout: Duration = .seconds(30)
        /// `--suppress N`: counts from 1 to N-1 hidden as the ministry extract hides them; nil: every number shown.
        public var suppress: Int?
        /// The most answers the result cache keeps (0: no cache) and the most bytes.
        public var cacheEntries = 64
        public var cacheBytes = 64 << 20
        public init() {}
    }

    let settings: Settings
    let pool: DatabasePool
    let cache: ResultCache

    public init(_ settings: Settings) {
        self.settings = settings
        cache = ResultCache(entries: settings.cacheEntries, bytes: settings.cacheBytes)
        pool = DatabasePool(conninfo: settings.conninfo, size: settings.connections,
                            waitTimeout: settings.waitTimeout, statementTimeout: settings.statementTimeout)
    }

    /// Whether `host` is this machine only (no warning needed).
    public static func isLocal(_ host: String) -> Bool {
        ["127.0.0.1", "localhost", "::1", "[::1]"].contains(host.lowercased())
    }

    /// Serves until the process gets SIGINT or SIGTERM. `listening` gets the address once the
    /// socket is open (with the port the system chose, for port 0).
    public func run(listening: @escaping @Sendable (String) -> Void) async throws {
        let router = Router()
        router.add(middleware: AccessLog())
        router.get("/") { _, _ in Self.html(Pages.index()) }
        router.get("/healthz") { _, _ in await self.health() }
        router.get("/rapport/:name") { request, context in
            await self.report(context.parameters.get("name") ?? "", query: request.uri.queryParameters.map { (String($0.key), String($0.value)) })
        }
        let host = settings.host
        let app = Application(
            router: router,
            configuration: .init(address: .hostname(host, port: settings.port), serverName: "samtaler"),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? 0
                listening("http://\(host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host):\(port)/")
            })
        try await app.runService()
    }

    // MARK: routes

    /// `/healthz`: 200 when the database answers through the pool, else 503.
    func health() async -> Response {
        do {
            _ = try await pool.run { conn in try conn.scalar("SELECT 1") }
            return Self.text(.ok, "ok\n")
        } catch {
            serverLog("healthz: \(Self.logLine(error))")
            return Self.text(.serviceUnavailable, "Databasen svarer ikke.\n")
        }
    }

    /// `/rapport/<name>?...`: the page, or with `format` the download.
    func report(_ name: String, query: [(key: String, value: String)]) async -> Response {
        let options: ReportOptions
        do { options = try ReportQuery.options(name: name, query: query) } catch {
            guard let n = Reports.Name(rawValue: name) else { return Self.notFound() }
            return Self.html(Pages.report(n, options: ReportOptions(name: name), table: nil, problem: error.danish), status: .badRequest)
        }
        let parsed: ReportOptions.Parsed
        do { parsed = try options.parse() } catch {
            guard !error.isUnknownReport, let n = Reports.Name(rawValue: name) else { return Self.notFound() }
            return Self.html(Pages.report(n, options: options, table: nil, problem: error.danish), status: .badRequest)
        }
        let download = query.contains { $0.key == "format" && !$0.value.isEmpty }
        let threshold = settings.suppress
        let make: @Sendable () async throws -> ResultCache.Answer = { [pool] in
            let request = parsed.request
            var table = try await pool.run { conn in try Reports(conn: conn).run(request) }
            if let threshold { table = Suppression.apply(table, threshold: threshold) }
            guard download else {
                return .init(body: Pages.report(request.name, options: options, table: table, problem: nil, suppress: threshold),
                             type: Self.htmlType, disposition: nil)
            }
            return Self.download(parsed.render(table), parsed: parsed)
        }
        do {
            if cache.isOff { return Self.response(try await make(), cache: "off") }
            // The request as the checked options say it (two spellings of one choice are one key).
            let key = [name, download ? "fil" : "side", ReportQuery.string(options, format: options.format), threshold.map(String.init) ?? "-"]
                .joined(separator: "\u{1F}")
            let generation = try await pool.run { conn in try Self.generation(conn) }
            let (answer, source) = try await cache.answer(key, generation: generation, make: make)
            return Self.response(answer, cache: source.rawValue)
        } catch WarehouseError.usage(let message) {
            // What the options ask for cannot be shown (a batch not published, no delivery to
            // compare with): the form again, with the command line's words.
            return Self.html(Pages.report(parsed.request.name, options: options, table: nil,
                                          problem: "Rapporten kan ikke laves med disse valg: \(message)"), status: .badRequest)
        } catch {
            return Self.failure(error)
        }
    }

    /// What the warehouse's data depend on: the newest batch and how many there are (any status:
    /// the batches report shows the failed loads too). A load adds a batch, so it changes this.
    /// And the extracts recorded: the revisions report compares with the last delivery by default.
    static func generation(_ conn: PGConnection) throws -> String {
        do {
            return try conn.scalar("""
                SELECT coalesce(max(batch_key), 0) || '/' || count(*) || '/' || (SELECT count(*) FROM samtaler.udtraek)
                FROM samtaler.dim_batch
                """) ?? ""
        } catch { throw WarehouseError.wrap(error, doing: "reading the newest batch") }
    }

    // MARK: responses

    static let htmlType = "text/html; charset=utf-8"

    static func html(_ page: String, status: HTTPResponse.Status = .ok) -> Response {
        body(page, status: status, type: htmlType)
    }

    /// A report's answer; `X-Samtaler-Cache` says whether it was made for this request (`miss`),
    /// stored (`hit`), made for an identical request at the same time (`shared`) or not cached (`off`).
    static func response(_ a: ResultCache.Answer, cache: String) -> Response {
        var headers: HTTPFields = [HTTPField.Name("X-Samtaler-Cache")!: cache]
        if let d = a.disposition { headers[.contentDisposition] = d }
        return body(a.body, status: .ok, type: a.type, headers: headers)
    }

    static func text(_ status: HTTPResponse.Status, _ text: String) -> Response {
        body(text, status: status, type: "text/plain; charset=utf-8")
    }

    static func body(_ text: String, status: HTTPResponse.Status, type: String, headers extra: HTTPFields = [:]) -> Response {
        var headers: HTTPFields = [.contentType: type]
        headers.append(contentsOf: extra)
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static func notFound() -> Response {
        html(Pages.problem(title: "Ikke fundet", "Her er ingen side. Rapporterne står på forsiden."), status: .notFound)
    }

    /// The bytes `samtaler report` writes for the same options, as a file to save.
    static func download(_ text: String, parsed: ReportOptions.Parsed) -> ResultCache.Answer {
        let (type, ext): (String, String)
        switch parsed.format {
        case .csv: (type, ext) = ("text/csv; charset=utf-8", "csv")
        case .json: (type, ext) = ("application/json; charset=utf-8", "json")
        case .html: (type, ext) = ("text/html; charset=utf-8", "html")
        case .table: (type, ext) = ("text/plain; charset=utf-8", "txt")
        }
        // The name is made of checked values only: the report's name and the period's text.
        let period = parsed.request.period.map { "-" + $0.text.replacingOccurrences(of: "..", with: "_") } ?? ""
        let file = "\(parsed.request.name.rawValue)\(period)\(parsed.excel ? "-excel" : "").\(ext)"
        return .init(body: text, type: type, disposition: "attachment; filename=\"\(file)\"")
    }

    /// A failure as a page: what it means for the reader, in Danish; the detail goes to the log.
    static func failure(_ error: any Error) -> Response {
        serverLog(logLine(error))
        switch error {
        case DatabasePool.PoolError.busy:
            return html(Pages.problem(title: "Travlt", "Alle forbindelser til databasen er optaget. Prøv igen om lidt."), status: .serviceUnavailable)
        case WarehouseError.unavailable:
            return html(Pages.problem(title: "Databasen svarer ikke",
                                      "Databasen svarer ikke, eller rapporten tog for lang tid. Prøv igen om lidt, eller vælg en kortere periode."),
                        status: .serviceUnavailable)
        default:
            return html(Pages.problem(title: "Fejl", "Rapporten kunne ikke laves. Driften kan se hvorfor i serverens log."), status: .internalServerError)
        }
    }

    /// An error for the server's log: the warehouse's message (no row data: PGError keeps DETAIL out).
    static func logLine(_ error: any Error) -> String {
        switch error {
        case DatabasePool.PoolError.busy: return "every connection busy for the whole wait: 503"
        case let e as WarehouseError: return e.description.replacingOccurrences(of: "\n", with: " ")
        default: return String(describing: type(of: error))
        }
    }
}
