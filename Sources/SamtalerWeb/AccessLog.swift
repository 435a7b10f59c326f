import Foundation
import Hummingbird
import SamtalerWarehouse

/// The cross-cutting part of every response: one log line per request, and the headers that keep
/// a page to itself. A log line holds the method, the route, the status and the time, never the
/// query (what a person typed) nor a path that is not one of the routes; no personal data.
/// An error no route turned into a page becomes a Danish page without detail (no stack trace).
struct AccessLog<Context: RequestContext>: RouterMiddleware {
    /// No script, nothing from elsewhere: the pages are HTML, inline CSS and inline SVG.
    static var securityHeaders: HTTPFields {
        [.contentSecurityPolicy: "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'",
         .xContentTypeOptions: "nosniff", HTTPFields.Element.Name("Referrer-Policy")!: "no-referrer", .cacheControl: "no-store"]
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        var response: Response
        do {
            response = try await next(request, context)
        } catch let e as HTTPError where e.status == .notFound || e.status == .methodNotAllowed {
            response = WebServer.notFound()
        } catch {
            response = WebServer.failure(error)
        }
        for field in Self.securityHeaders where response.headers[field.name] == nil { response.headers.append(field) }
        let ms = (ContinuousClock.now - started).components
        let millis = ms.seconds * 1000 + ms.attoseconds / 1_000_000_000_000_000
        serverLog("\(request.method) \(Self.route(request.uri.path)) \(response.status.code) \(millis) ms")
        return response
    }

    /// The path as the log may show it: a route of the server, or `(anden sti)`.
    static func route(_ path: String) -> String {
        if path == "/" || path == "/healthz" { return path }
        if path.hasPrefix("/rapport/"), Reports.Name(rawValue: String(path.dropFirst("/rapport/".count))) != nil { return path }
        return "(anden sti)"
    }
}

/// Writes one line to the server's log (standard error).
func serverLog(_ line: String) {
    FileHandle.standardError.write(Data("samtaler serve: \(line)\n".utf8))
}
