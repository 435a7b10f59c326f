#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a line is not valid JSON (RFC 8259) as the feed contract reads it.
public struct JSONParseError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The bytes are not well-formed UTF-8 (overlong, surrogate, > U+10FFFF, truncated, stray byte).
        case invalidUTF8
        /// Anything the RFC 8259 grammar does not allow.
        case syntax
        /// An object has this key twice (compared after unescaping, byte for byte).
        case duplicateKey(String)
        /// Arrays and objects are nested deeper than `maxDepth`.
        case tooDeep
        /// Valid JSON, but `parseObject` needs an object at the top level.
        case notAnObject
    }

    public let kind: Kind
    /// Byte offset in the input (0-based) where the problem was found.
    public let offset: Int
    /// Short English, e.g. "unexpected ',' at byte 17 (expected a value)", "duplicate key \"id\" at byte 40".
    public let message: String

    public init(kind: Kind, offset: Int, message: String) {
        self.kind = kind
        self.offset = offset
        self.message = message
    }

    public var description: String { message }
}

/// A strict RFC 8259 parser working directly on UTF-8 bytes.
///
/// - The whole input is checked to be well-formed UTF-8 first.
/// - Whitespace is only space, tab, LF and CR; literals are `true`, `false`, `null` exactly.
/// - Numbers follow the RFC grammar; one without fraction or exponent that fits `Int64` becomes
///   `.integer`, every other one `.number` with its source text.
/// - Strings may not hold raw control characters (< 0x20); surrogate escapes must pair up.
/// - A key repeated in one object (after unescaping) is an error, at any depth.
/// - Nesting is limited by `maxDepth` and parsed without recursion, so no input can exhaust the stack.
/// - No input traps: every read is bounds-checked and integer accumulation is overflow-checked.
public enum JSONParser {
    /// Parses one complete JSON text (whitespace around allowed; nothing else after it) and hands
    /// its flat form to `body`, which must not keep it: it points into `bytes`.
    static func withDocument<R>(_ bytes: UnsafeRawBufferPointer, maxDepth: Int = 32,
                                _ body: (JSONDocument) -> R) throws(JSONParseError) -> R {
        let result: Result<R, JSONParseError> = bytes.withMemoryRebound(to: UInt8.self) { buffer in
            guard let base = buffer.baseAddress, buffer.count > 0 else {
                return .failure(JSONParseError(kind: .syntax, offset: 0,
                                               message: "unexpected end of input at byte 0 (expected a value)"))
            }
            // Nodes keep 32-bit offsets (a feed line is at most 1 MiB).
            guard buffer.count <= Int(Int32.max) else {
                return .failure(JSONParseError(kind: .syntax, offset: 0, message: "input longer than 2 GiB at byte 0"))
            }
            if let bad = firstInvalidUTF8(base, buffer.count) {
                return .failure(JSONParseError(kind: .invalidUTF8, offset: bad,
                                               message: "invalid UTF-8 at byte \(bad)"))
            }
            var parser = Parser(base, buffer.count, maxDepth: maxDepth)
            do throws(JSONParseError) {
                try parser.parseDocument()
            } catch {
                return .failure(error)
            }
            return .success(body(parser.document))
        }
        return try result.get()
    }

    /// Like `withDocument`, but the top level must be an object (else kind `.notAnObject`).
    static func withObject<R>(_ bytes: UnsafeRawBufferPointer, maxDepth: Int = 32,
                              _ body: (JSONDocument) -> R) throws(JSONParseError) -> R {
        let result: Result<R, JSONParseError> = try withDocument(bytes, maxDepth: maxDepth) { document in
            if document.kind(0) == .object { return .success(body(document)) }
            var start = 0
            while start < bytes.count, isJSONWhitespace(bytes[start]) { start += 1 }
            let name = document.kind(0).typeName
            return .failure(JSONParseError(kind: .notAnObject, offset: start,
                                           message: "expected a JSON object, found \(article(name)) \(name)"))
        }
        return try result.get()
    }

    /// Parses one complete JSON text into a tree of values.
    public static func parse(_ bytes: UnsafeRawBufferPointer, maxDepth: Int = 32) throws(JSONParseError) -> JSONValue {
        try withDocument(bytes, maxDepth: maxDepth) { $0.value() }
    }

    public static func parse(_ bytes: [UInt8], maxDepth: Int = 32) throws(JSONParseError) -> JSONValue {
        let result: Result<JSONValue, JSONParseError> = bytes.withUnsafeBytes { raw in
            do throws(JSONParseError) {
                return .success(try parse(raw, maxDepth: maxDepth))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    /// Convenience: parse and require the top level to be an object (else kind `.notAnObject`).
    public static func parseObject(_ bytes: UnsafeRawBufferPointer, maxDepth: Int = 32) throws(JSONParseError) -> JSONObject {
        let value = try withObject(bytes, maxDepth: maxDepth) { $0.value() }
        guard case .object(let object) = value else { preconditionFailure("withObject hands over objects only") }
        return object
    }

    private static func article(_ word: String) -> String {
        word.first.map { "aeiou".contains($0) } == true ? "an" : "a"
    }

    /// The offset of the first byte that does not start a well-formed UTF-8 sequence (Unicode
    /// Table 3-7: no overlongs, no surrogates, nothing above U+10FFFF, no truncated sequence), or nil.
    static func firstInvalidUTF8(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int? {
        var i = 0
        while i < n {
            // ASCII fast path, eight bytes at a time.
            while i &+ 8 <= n {
                let word = UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self)
                if word & 0x8080_8080_8080_8080 != 0 { break }
                i &+= 8
            }
            guard i < n else { return nil }
            let b0 = p[i]
            if b0 < 0x80 {
                i &+= 1
            } else if b0 < 0xC2 {
                return i  // continuation byte without a lead, or overlong 2-byte lead (C0, C1)
            } else if b0 < 0xE0 {
                guard i &+ 1 < n, isContinuation(p[i &+ 1]) else { return i }
                i &+= 2
            } else if b0 < 0xF0 {
                guard i &+ 2 < n else { return i }
                let b1 = p[i &+ 1]
                let low: UInt8 = b0 == 0xE0 ? 0xA0 : 0x80   // E0 80..9F would be overlong
                let high: UInt8 = b0 == 0xED ? 0x9F : 0xBF  // ED A0..BF would be a surrogate
                guard b1 >= low, b1 <= high, isContinuation(p[i &+ 2]) else { return i }
                i &+= 3
            } else if b0 < 0xF5 {
                guard i &+ 3 < n else { return i }
                let b1 = p[i &+ 1]
                let low: UInt8 = b0 == 0xF0 ? 0x90 : 0x80   // F0 80..8F would be overlong
                let high: UInt8 = b0 == 0xF4 ? 0x8F : 0xBF  // F4 90.. would be above U+10FFFF
                guard b1 >= low, b1 <= high, isContinuation(p[i &+ 2]), isContinuation(p[i &+ 3]) else { return i }
                i &+= 4
            } else {
                return i  // F5..FF never appear in UTF-8
            }
        }
        return nil
    }

    @inline(__always)
    private static func isContinuation(_ b: UInt8) -> Bool { b & 0xC0 == 0x80 }
}

@inline(__always)
private func isJSONWhitespace(_ c: UInt8) -> Bool {
    c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09
}

@inline(__always)
private func isDigit(_ c: UInt8) -> Bool { c &- 0x30 < 10 }

/// A key hashed and compared by its UTF-8 bytes, for duplicate detection in large objects.
private struct KeyBytes: Hashable {
    let bytes: [UInt8]
}

/// An open array or object while parsing.
private struct Frame {
    /// The container's node.
    var node: Int
    var isObject: Bool
    /// Elements (members) finished so far.
    var count: Int32 = 0
    /// Built only once an object has many keys, so duplicate detection stays linear.
    var keySet: Set<KeyBytes>?
    /// An object's keys so far as bits (JSONDocument.keySignature): a key whose bit is not set
    /// is new without a search. Stored in the object's node when it closes.
    var keys: UInt64 = 0
}

private struct Parser {
    let p: UnsafePointer<UInt8>
    let n: Int
    let maxDepth: Int
    var i = 0
    var document: JSONDocument
    var frames: [Frame] = []
    /// The key just read in an object, for the member value that follows it.
    var pendingKey: JSONDocument.Bytes?

    /// Objects with fewer keys than this are checked for duplicates by linear scan, larger ones with a set.
    static let linearKeyLimit = 16

    init(_ p: UnsafePointer<UInt8>, _ n: Int, maxDepth: Int) {
        self.p = p
        self.n = n
        self.maxDepth = maxDepth
        document = JSONDocument(base: p)
        frames.reserveCapacity(8)
    }

    // MARK: Errors

    /// How a byte reads in a message: `','`, `byte 0x01`, or `end of input`.
    func describe(_ at: Int) -> String {
        guard at < n else { return "end of input" }
        let c = p[at]
        if c > 0x20, c < 0x7F { return "'\(Character(Unicode.Scalar(c)))'" }
        return "byte 0x" + hex(c)
    }

    func hex(_ c: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return String([digits[Int(c >> 4)], digits[Int(c & 0x0F)]])
    }

    func unexpected(_ at: Int, expected: String) -> JSONParseError {
        JSONParseError(kind: .syntax, offset: at, message: "unexpected \(describe(at)) at byte \(at) (expected \(expected))")
    }

    func syntax(_ at: Int, _ message: String) -> JSONParseError {
        JSONParseError(kind: .syntax, offset: at, message: "\(message) at byte \(at)")
    }

    // MARK: Document

    @inline(__always)
    mutating func skipWhitespace() {
        while i < n, isJSONWhitespace(p[i]) { i &+= 1 }
    }

    /// Appends a node for a value that starts here; a member of an object takes the pending key.
    @inline(__always)
    mutating func append(_ kind: JSONDocument.Kind) -> Int {
        let index = document.nodes.count
        var node = JSONDocument.Node(kind: kind, end: Int32(truncatingIfNeeded: index &+ 1))
        if let key = pendingKey {
            node.key = key
            node.hasKey = true
            pendingKey = nil
        }
        document.nodes.append(node)
        return index
    }

    mutating func parseDocument() throws(JSONParseError) {
        parsing: while true {
            // Here a value is expected: at the top, after '[', after ',' in an array, or after ':'.
            skipWhitespace()
            guard i < n else { throw unexpected(i, expected: "a value") }
            switch p[i] {
            case UInt8(ascii: "{"):
                guard frames.count < maxDepth else { throw tooDeep() }
                i &+= 1
                let node = append(.object)
                skipWhitespace()
                if i < n, p[i] == UInt8(ascii: "}") {
                    i &+= 1
                } else {
                    frames.append(Frame(node: node, isObject: true))
                    try parseKeyAndColon()
                    continue parsing
                }
            case UInt8(ascii: "["):
                guard frames.count < maxDepth else { throw tooDeep() }
                i &+= 1
                let node = append(.array)
                skipWhitespace()
                if i < n, p[i] == UInt8(ascii: "]") {
                    i &+= 1
                } else {
                    frames.append(Frame(node: node, isObject: false))
                    continue parsing
                }
            case UInt8(ascii: "\""):
                let node = append(.string)
                document.nodes[node].value = try parseString()
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                try parseNumber()
            case UInt8(ascii: "t"):
                try expectLiteral("true")
                let node = append(.bool)
                document.nodes[node].flag = true
            case UInt8(ascii: "f"):
                try expectLiteral("false")
                _ = append(.bool)
            case UInt8(ascii: "n"):
                try expectLiteral("null")
                _ = append(.null)
            default:
                throw unexpected(i, expected: "a value")
            }

            // A complete value: count it in its container, closing containers as they end.
            while true {
                let f = frames.count &- 1
                guard f >= 0 else {
                    skipWhitespace()
                    guard i == n else { throw unexpected(i, expected: "end of input after the JSON value") }
                    return
                }
                frames[f].count &+= 1
                let isObject = frames[f].isObject
                skipWhitespace()
                let closer = isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")
                guard i < n else {
                    throw unexpected(i, expected: isObject ? "',' or '}'" : "',' or ']'")
                }
                let c = p[i]
                if c == UInt8(ascii: ",") {
                    i &+= 1
                    if isObject { try parseKeyAndColon() }
                    continue parsing
                }
                guard c == closer else {
                    throw unexpected(i, expected: isObject ? "',' or '}'" : "',' or ']'")
                }
                i &+= 1
                let top = frames.removeLast()
                document.nodes[top.node].end = Int32(truncatingIfNeeded: document.nodes.count)
                document.nodes[top.node].value.count = top.count
                if top.isObject { document.nodes[top.node].integer = Int64(bitPattern: top.keys) }
            }
        }
    }

    func tooDeep() -> JSONParseError {
        JSONParseError(kind: .tooDeep, offset: i, message: "nesting deeper than \(maxDepth) at byte \(i)")
    }

    /// In an object, after '{' or ',': a key, checked for duplicates, then ':'.
    mutating func parseKeyAndColon() throws(JSONParseError) {
        skipWhitespace()
        guard i < n, p[i] == UInt8(ascii: "\"") else { throw unexpected(i, expected: "a string key") }
        let keyOffset = i
        let key = try parseString()
        try addKey(key, at: keyOffset)
        skipWhitespace()
        guard i < n, p[i] == UInt8(ascii: ":") else { throw unexpected(i, expected: "':'") }
        i &+= 1
    }

    func keyBytes(_ key: JSONDocument.Bytes) -> [UInt8] { document.withBytes(key) { Array($0) } }

    mutating func addKey(_ key: JSONDocument.Bytes, at offset: Int) throws(JSONParseError) {
        let f = frames.count &- 1
        guard f >= 0 else { return }
        let object = frames[f].node
        let signature = document.withBytes(key) { JSONDocument.keySignature($0) }
        let seenBefore = frames[f].keys & signature != 0
        frames[f].keys |= signature
        let duplicate: Bool
        if frames[f].count < Parser.linearKeyLimit {
            guard seenBefore else { pendingKey = key; return }
            var found = false
            var k = object &+ 1
            let nodes = document.nodes.count
            while k < nodes {
                let other = document.nodes[k].key
                if other.count == key.count, document.withBytes(other, { a in
                    document.withBytes(key) { b in a.count == 0 || memcmp(a.baseAddress!, b.baseAddress!, a.count) == 0 }
                }) {
                    found = true
                    break
                }
                k = document.end(k)
            }
            duplicate = found
        } else {
            var set: Set<KeyBytes>
            if let built = frames[f].keySet {
                set = built
            } else {
                // The object is still open (its `end` not yet set): its members run to the last node.
                set = []
                var k = object &+ 1
                while k < document.nodes.count {
                    set.insert(KeyBytes(bytes: keyBytes(document.nodes[k].key)))
                    k = document.end(k)
                }
            }
            frames[f].keySet = nil  // keep the set uniquely referenced while inserting
            duplicate = !set.insert(KeyBytes(bytes: keyBytes(key))).inserted
            frames[f].keySet = set
        }
        if duplicate {
            let text = document.withBytes(key) { String(decoding: $0, as: UTF8.self) }
            throw JSONParseError(kind: .duplicateKey(text), offset: offset,
                                 message: "duplicate key \(quoted(text)) at byte \(offset)")
        }
        pendingKey = key
    }

    /// A key for a message: in quotes, control characters escaped, long keys shortened.
    func quoted(_ key: String) -> String {
        var out = "\""
        var count = 0
        for scalar in key.unicodeScalars {
            if count == 64 { out += "…"; break }
            count += 1
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    out += "\\u00" + hex(UInt8(truncatingIfNeeded: scalar.value))
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    // MARK: Scalars

    mutating func expectLiteral(_ literal: StaticString) throws(JSONParseError) {
        let count = literal.utf8CodeUnitCount
        let start = i
        guard n &- start >= count else { throw syntax(start, "invalid literal") }
        let lp = literal.utf8Start
        var k = 0
        while k < count {
            guard p[start &+ k] == lp[k] else { throw syntax(start, "invalid literal") }
            k &+= 1
        }
        i = start &+ count
    }

    /// At '"': where the string's (unescaped) bytes are, with `i` just past the closing quote.
    mutating func parseString() throws(JSONParseError) -> JSONDocument.Bytes {
        let open = i
        i &+= 1
        let start = i
        // Fast path: no escapes; the bytes stay where they are. Eight bytes at a time while none
        // of them is a quote, a backslash or a control character (found by the usual bit tricks).
        // A borrow only runs upwards from a byte that matches, so the lowest flagged byte is the
        // first that does: the loop below starts at it and decides.
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        while i &+ 8 <= n {
            let w = UInt64(littleEndian: UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self))
            let quote = w ^ (ones &* 0x22), backslash = w ^ (ones &* 0x5C)
            let found = (((quote &- ones) & ~quote) | ((backslash &- ones) & ~backslash) | ((w &- ones &* 0x20) & ~w)) & highs
            if found != 0 {
                i &+= found.trailingZeroBitCount &>> 3
                break
            }
            i &+= 8
        }
        while i < n {
            let c = p[i]
            if c == UInt8(ascii: "\"") {
                let bytes = JSONDocument.Bytes(start: Int32(truncatingIfNeeded: start),
                                               count: Int32(truncatingIfNeeded: i &- start))
                i &+= 1
                return bytes
            }
            if c == UInt8(ascii: "\\") { break }
            if c < 0x20 { throw controlCharacter(i) }
            i &+= 1
        }
        guard i < n else { throw syntax(open, "unterminated string starting") }

        // Slow path: copy runs of plain bytes to `decoded`, decode escapes in between.
        let decodedStart = document.decoded.count
        var runStart = start
        while true {
            guard i < n else { throw syntax(open, "unterminated string starting") }
            let c = p[i]
            if c == UInt8(ascii: "\"") {
                appendRun(runStart, i)
                i &+= 1
                return JSONDocument.Bytes(start: Int32(truncatingIfNeeded: decodedStart),
                                          count: Int32(truncatingIfNeeded: document.decoded.count &- decodedStart),
                                          inDecoded: true)
            } else if c == UInt8(ascii: "\\") {
                appendRun(runStart, i)
                try decodeEscape()
                runStart = i
            } else if c < 0x20 {
                throw controlCharacter(i)
            } else {
                i &+= 1
            }
        }
    }

    func controlCharacter(_ at: Int) -> JSONParseError {
        syntax(at, "raw control character 0x\(hex(p[at])) in string (must be escaped)")
    }

    @inline(__always)
    mutating func appendRun(_ start: Int, _ end: Int) {
        if end > start {
            document.decoded.append(contentsOf: UnsafeBufferPointer(start: p + start, count: end &- start))
        }
    }

    /// At '\\': appends the escaped character's UTF-8 to `document.decoded`, `i` just past the escape.
    mutating func decodeEscape() throws(JSONParseError) {
        let escape = i
        guard i &+ 1 < n else { throw syntax(escape, "unterminated escape") }
        let e = p[i &+ 1]
        i &+= 2
        switch e {
        case UInt8(ascii: "\""): document.decoded.append(0x22)
        case UInt8(ascii: "\\"): document.decoded.append(0x5C)
        case UInt8(ascii: "/"): document.decoded.append(0x2F)
        case UInt8(ascii: "b"): document.decoded.append(0x08)
        case UInt8(ascii: "f"): document.decoded.append(0x0C)
        case UInt8(ascii: "n"): document.decoded.append(0x0A)
        case UInt8(ascii: "r"): document.decoded.append(0x0D)
        case UInt8(ascii: "t"): document.decoded.append(0x09)
        case UInt8(ascii: "u"):
            let unit = try hex4(escape)
            var scalar = unit
            if unit >= 0xD800, unit <= 0xDBFF {
                // A high surrogate must be followed directly by an escaped low surrogate.
                guard i &+ 1 < n, p[i] == UInt8(ascii: "\\"), p[i &+ 1] == UInt8(ascii: "u") else {
                    throw syntax(escape, "unpaired surrogate escape \\u\(hex(UInt8(unit >> 8)))\(hex(UInt8(unit & 0xFF)))")
                }
                let second = i
                i &+= 2
                let low = try hex4(second)
                guard low >= 0xDC00, low <= 0xDFFF else {
                    throw syntax(escape, "unpaired surrogate escape \\u\(hex(UInt8(unit >> 8)))\(hex(UInt8(unit & 0xFF)))")
                }
                scalar = 0x10000 &+ ((unit &- 0xD800) << 10) &+ (low &- 0xDC00)
            } else if unit >= 0xDC00, unit <= 0xDFFF {
                throw syntax(escape, "unpaired surrogate escape \\u\(hex(UInt8(unit >> 8)))\(hex(UInt8(unit & 0xFF)))")
            }
            appendUTF8(scalar)
        default:
            throw syntax(escape, "invalid escape \\\(describeEscapeByte(e))")
        }
    }

    func describeEscapeByte(_ c: UInt8) -> String {
        c > 0x20 && c < 0x7F ? String(Character(Unicode.Scalar(c))) : "<0x\(hex(c))>"
    }

    /// Four hex digits at `i` (of the escape that starts at `escape`); `i` moves past them.
    mutating func hex4(_ escape: Int) throws(JSONParseError) -> UInt32 {
        guard n &- i >= 4 else { throw syntax(escape, "invalid \\u escape (needs four hex digits)") }
        var value: UInt32 = 0
        var k = 0
        while k < 4 {
            let c = p[i &+ k]
            let d: UInt32
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = UInt32(c &- 0x30)
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = UInt32(c &- 0x61 &+ 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = UInt32(c &- 0x41 &+ 10)
            default: throw syntax(escape, "invalid \\u escape (needs four hex digits)")
            }
            value = value << 4 | d
            k &+= 1
        }
        i &+= 4
        return value
    }

    mutating func appendUTF8(_ v: UInt32) {
        if v < 0x80 {
            document.decoded.append(UInt8(truncatingIfNeeded: v))
        } else if v < 0x800 {
            document.decoded.append(UInt8(truncatingIfNeeded: 0xC0 | v >> 6))
            document.decoded.append(UInt8(truncatingIfNeeded: 0x80 | v & 0x3F))
        } else if v < 0x10000 {
            document.decoded.append(UInt8(truncatingIfNeeded: 0xE0 | v >> 12))
            document.decoded.append(UInt8(truncatingIfNeeded: 0x80 | v >> 6 & 0x3F))
            document.decoded.append(UInt8(truncatingIfNeeded: 0x80 | v & 0x3F))
        } else {
            document.decoded.append(UInt8(truncatingIfNeeded: 0xF0 | v >> 18))
            document.decoded.append(UInt8(truncatingIfNeeded: 0x80 | v >> 12 & 0x3F))
            document.decoded.append(UInt8(truncatingIfNeeded: 0x80 | v >> 6 & 0x3F))
            document.decoded.append(UInt8(truncatingIfNeeded: 0x80 | v & 0x3F))
        }
    }

    /// At '-' or a digit: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
    mutating func parseNumber() throws(JSONParseError) {
        let start = i
        let negative = p[i] == UInt8(ascii: "-")
        if negative { i &+= 1 }
        guard i < n, isDigit(p[i]) else { throw unexpected(i, expected: "a digit") }
        let limit: UInt64 = negative ? 1 << 63 : UInt64(Int64.max)
        var magnitude: UInt64 = 0
        var overflow = false
        if p[i] == UInt8(ascii: "0") {
            i &+= 1
            if i < n, isDigit(p[i]) { throw syntax(start, "leading zero in number") }
        } else {
            while i < n, isDigit(p[i]) {
                let d = UInt64(p[i] &- 0x30)
                if !overflow {
                    if magnitude > (limit &- d) / 10 { overflow = true } else { magnitude = magnitude &* 10 &+ d }
                }
                i &+= 1
            }
        }
        var isInteger = true
        if i < n, p[i] == UInt8(ascii: ".") {
            isInteger = false
            i &+= 1
            guard i < n, isDigit(p[i]) else { throw unexpected(i, expected: "a digit after '.'") }
            while i < n, isDigit(p[i]) { i &+= 1 }
        }
        if i < n, p[i] == UInt8(ascii: "e") || p[i] == UInt8(ascii: "E") {
            isInteger = false
            i &+= 1
            if i < n, p[i] == UInt8(ascii: "+") || p[i] == UInt8(ascii: "-") { i &+= 1 }
            guard i < n, isDigit(p[i]) else { throw unexpected(i, expected: "a digit in the exponent") }
            while i < n, isDigit(p[i]) { i &+= 1 }
        }
        if isInteger, !overflow {
            let node = append(.integer)
            document.nodes[node].integer = negative ? Int64(bitPattern: 0 &- magnitude) : Int64(bitPattern: magnitude)
        } else {
            let node = append(.number)
            document.nodes[node].value = JSONDocument.Bytes(start: Int32(truncatingIfNeeded: start),
                                                            count: Int32(truncatingIfNeeded: i &- start))
        }
    }
}
