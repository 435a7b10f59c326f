#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One JSON value as the feed contract sees it (RFC 8259).
///
/// Integers and other numbers are kept apart because the contract does: an integer is written
/// without fraction or exponent (`2`, not `2.0` or `2e0`). Every other valid number keeps its
/// source text, so nothing is lost to binary floating point.
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    /// Written without fraction or exponent, and fits `Int64` (`-0` is `integer(0)`).
    case integer(Int64)
    /// Any other valid JSON number (fraction, exponent, or an integer outside `Int64`): its source text.
    case number(String)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    /// The JSON type name for error messages: "null", "boolean", "integer", "number", "string",
    /// "array" or "object".
    public var typeName: String { kind.typeName }

    /// The kind of node this value is in a `JSONDocument`.
    var kind: JSONDocument.Kind {
        switch self {
        case .null: return .null
        case .bool: return .bool
        case .integer: return .integer
        case .number: return .number
        case .string: return .string
        case .array: return .array
        case .object: return .object
        }
    }

    /// Structural equality; strings and keys compare by their UTF-8 bytes (see `jsonKeysEqual`),
    /// numbers by source text (`.number("1.0") != .number("1.00")`).
    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case let (.bool(a), .bool(b)): return a == b
        case let (.integer(a), .integer(b)): return a == b
        case let (.number(a), .number(b)): return jsonKeysEqual(a, b)
        case let (.string(a), .string(b)): return jsonKeysEqual(a, b)
        case let (.array(a), .array(b)):
            guard a.count == b.count else { return false }
            for (x, y) in zip(a, b) where x != y { return false }
            return true
        case let (.object(a), .object(b)): return a == b
        default: return false
        }
    }
}

/// A JSON object: its members in source order. Keys are unique when it comes from `JSONParser`.
public struct JSONObject: Sendable, Equatable {
    public var members: [(key: String, value: JSONValue)]

    public init(members: [(key: String, value: JSONValue)] = []) {
        self.members = members
    }

    /// The value of the member whose key has exactly these UTF-8 bytes (no Unicode normalization,
    /// as RFC 8259 compares names), or nil. A linear scan: feed objects are small.
    public subscript(key: String) -> JSONValue? {
        for member in members where jsonKeysEqual(member.key, key) {
            return member.value
        }
        return nil
    }

    /// Same members (key bytes and values) in the same order.
    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        guard lhs.members.count == rhs.members.count else { return false }
        for (l, r) in zip(lhs.members, rhs.members) {
            guard jsonKeysEqual(l.key, r.key), l.value == r.value else { return false }
        }
        return true
    }
}

/// Compares two keys by their UTF-8 bytes. Swift's `String ==` uses canonical equivalence
/// ("\u{212A}" == "K"), which JSON does not: those are different names.
@inline(__always)
func jsonKeysEqual(_ a: String, _ b: String) -> Bool {
    guard a.utf8.count == b.utf8.count else { return false }
    var a = a, b = b
    return a.withUTF8 { pa in
        b.withUTF8 { pb in pa.count == 0 || memcmp(pa.baseAddress!, pb.baseAddress!, pa.count) == 0 }
    }
}
