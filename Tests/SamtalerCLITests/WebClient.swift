import Foundation
import PostgresClient
import SamtalerTestSupport
import Testing

/// `samtaler serve` running as a child process on a port the system chose (`--port 0`), for the
/// web view's end-to-end tests; `stop()` ends it with SIGTERM and returns what it wrote.
final class Served {
    let child: ChildProcess
    let port: Int
    var base: String { "http://127.0.0.1:\(port)" }

    struct Failure: Error, CustomStringConvertible { let description: String }

    /// Starts `samtaler serve` on sandbox `s`'s database with `args` added, as the login of `env`.
    init(_ s: Sandbox, _ args: [String] = [], env: [String: String] = [:]) throws {
        let child = try ChildProcess(["serve", "--port", "0", "--database", "dbname=\(s.db)"] + args, env: env, in: s.dir)
        self.child = child
        var found: Int?
        waitUntil(timeout: 60, every: 20_000) {
            found = Self.port(in: child.stdoutSoFar)
            return found != nil || !child.isRunning
        }
        guard let found else {
            child.kill()
            let r = child.wait(timeout: 5)
            throw Failure(description: "samtaler serve did not start (exit \(r.status)): \(r.output)")
        }
        port = found
    }

    /// The port in "listening on http://127.0.0.1:PORT/".
    static func port(in output: String) -> Int? {
        guard let r = output.range(of: "listening on http://") else { return nil }
        let rest = output[r.upperBound...]
        guard let colon = rest.firstIndex(of: ":") else { return nil }
        return Int(rest[rest.index(after: colon)...].prefix { $0.isNumber })
    }

    func get(_ path: String) throws -> HTTPReply { try HTTPReply.get(port: port, path) }

    @discardableResult
    func stop() -> ChildProcess.Result {
        if child.isRunning { child.process.terminate() }
        return child.wait(timeout: 30)
    }

    deinit { child.kill() }
}

/// One HTTP/1.1 exchange over a plain socket to 127.0.0.1, the path sent exactly as given (no
/// client normalizes `..` or `%2F` away), the answer read to the end (`Connection: close`).
struct HTTPReply: Sendable {
    var status: Int
    var headers: [String: String]
    var body: [UInt8]
    var text: String { String(decoding: body, as: UTF8.self) }
    var contentType: String { headers["content-type"] ?? "" }

    struct Failure: Error, CustomStringConvertible { let description: String }

    static func get(port: Int, _ path: String, timeout: TimeInterval = 60) throws -> HTTPReply {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket: \(errno)") }
        defer { close(fd) }
        var tv = timeval(tv_sec: Int(timeout), tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw Failure(description: "connect to port \(port): errno \(errno)") }
        let request = Array("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n\r\n".utf8)
        guard request.withUnsafeBytes({ send(fd, $0.baseAddress, $0.count, 0) }) == request.count else {
            throw Failure(description: "send failed: errno \(errno)")
        }
        var raw: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n == 0 { break }
            guard n > 0 else { throw Failure(description: "recv failed (errno \(errno)) after \(raw.count) bytes") }
            raw += buffer[0..<n]
        }
        return try parse(raw)
    }

    /// Status line, headers (names lowercased) and the body (a chunked body joined).
    static func parse(_ raw: [UInt8]) throws -> HTTPReply {
        let separator: [UInt8] = [13, 10, 13, 10]
        guard let end = (0..<max(0, raw.count - 3)).first(where: { Array(raw[$0..<$0 + 4]) == separator }) else {
            throw Failure(description: "no end of headers in \(raw.count) bytes")
        }
        let lines = String(decoding: raw[..<end], as: UTF8.self).components(separatedBy: "\r\n")
        let parts = lines[0].split(separator: " ")
        guard parts.count >= 2, let status = Int(parts[1]) else { throw Failure(description: "bad status line \(lines[0])") }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        var body = Array(raw[(end + 4)...])
        if headers["transfer-encoding"]?.lowercased() == "chunked" {
            var out: [UInt8] = [], i = 0
            while let lineEnd = (i..<max(i, body.count - 1)).first(where: { body[$0] == 13 && body[$0 + 1] == 10 }),
                  let size = Int(String(decoding: body[i..<lineEnd], as: UTF8.self).split(separator: ";")[0], radix: 16), size > 0 {
                out += body[(lineEnd + 2)..<(lineEnd + 2 + size)]
                i = lineEnd + 2 + size + 2
            }
            body = out
        }
        return HTTPReply(status: status, headers: headers, body: body)
    }
}

extension PGConnection {
    /// Begins a transaction that holds what the web view's reports read (the facts and their kept
    /// copy: volumes reads the copy alone when it is current), so that a report started now waits
    /// until `COMMIT`. One place for the tests that hold requests so (ServeTests, ServeCacheTests).
    func holdReportTables() throws {
        try execute("BEGIN")
        try execute("LOCK TABLE samtaler.fact_samtale, samtaler.kept_samtale IN ACCESS EXCLUSIVE MODE")
    }
}
