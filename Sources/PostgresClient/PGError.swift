/// An error from PostgreSQL or libpq, with the SQLSTATE kept so callers can decide what it means.
///
/// `description` names the SQLSTATE and the server's primary message only; row data that the
/// server may put into DETAIL stays in `detail`, so logs do not carry it by accident.
public struct PGError: Error, CustomStringConvertible, Sendable {
    /// What the client was doing when the error happened.
    public enum Stage: String, Sendable {
        case connect, query, copy
    }

    public let stage: Stage
    /// The five-character SQLSTATE, when the server (or libpq) gave one.
    public let sqlState: String?
    /// The primary message.
    public let message: String
    /// The server's DETAIL, which may contain row values: not part of `description`.
    public let detail: String?
    /// The server's HINT.
    public let hint: String?
    /// The constraint that failed, when there is one.
    public let constraint: String?

    public init(stage: Stage, sqlState: String? = nil, message: String, detail: String? = nil,
                hint: String? = nil, constraint: String? = nil) {
        self.stage = stage
        self.sqlState = sqlState
        self.message = message.trimmingTrailingWhitespace()
        self.detail = detail
        self.hint = hint
        self.constraint = constraint
    }

    /// True when the server or the connection is unavailable: retrying later may succeed.
    /// Class 08 (connection exception), 57P01-57P03 (admin shutdown, crash shutdown, cannot
    /// connect now), 53 (insufficient resources), and a lost connection without SQLSTATE.
    public var isUnavailable: Bool {
        guard let state = sqlState else { return stage == .connect || connectionLost }
        return state.hasPrefix("08") || state.hasPrefix("57P") || state.hasPrefix("53")
    }

    /// True when the connection itself is gone (server stopped, network cut).
    public var connectionLost = false

    /// True for a failed password or a role that may not log in (SQLSTATE 28xxx).
    public var isAuthentication: Bool { sqlState?.hasPrefix("28") ?? false }

    public var description: String {
        var text = message
        if let state = sqlState { text = "\(text) (SQLSTATE \(state))" }
        if let hint { text += "\nhint: \(hint)" }
        return text
    }
}

extension String {
    func trimmingTrailingWhitespace() -> String {
        var s = Substring(self)
        while let last = s.last, last.isWhitespace { s = s.dropLast() }
        return String(s)
    }
}
