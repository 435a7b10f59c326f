import Testing
@testable import SamtalerFeed
import SamtalerSynthetic

// MARK: Helpers

private func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

private func parse(_ text: String, maxDepth: Int = 32) throws(JSONParseError) -> JSONValue {
    try JSONParser.parse(bytes(text), maxDepth: maxDepth)
}

/// The error for these bytes, or nil when they parse.
private func error(_ input: [UInt8], maxDepth: Int = 32) -> JSONParseError? {
    do {
        _ = try JSONParser.parse(input, maxDepth: maxDepth)
        return nil
    } catch {
        return error
    }
}

private func error(_ text: String, maxDepth: Int = 32) -> JSONParseError? {
    error(bytes(text), maxDepth: maxDepth)
}

private func parseObject(_ text: String) throws(JSONParseError) -> JSONObject {
    let input = bytes(text)
    let result: Result<JSONObject, JSONParseError> = input.withUnsafeBytes { raw in
        Result { () throws(JSONParseError) -> JSONObject in try JSONParser.parseObject(raw) }
    }
    return try result.get()
}

/// Writes a value back as JSON text (for round-trip checks).
private func serialize(_ value: JSONValue) -> String {
    switch value {
    case .null: return "null"
    case .bool(let b): return b ? "true" : "false"
    case .integer(let i): return String(i)
    case .number(let text): return text
    case .string(let s): return quote(s)
    case .array(let elements): return "[" + elements.map(serialize).joined(separator: ",") + "]"
    case .object(let object):
        return "{" + object.members.map { quote($0.key) + ":" + serialize($0.value) }.joined(separator: ",") + "}"
    }
}

private func quote(_ s: String) -> String {
    var out = "\""
    for scalar in s.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        default:
            if scalar.value < 0x20 {
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
    }
    return out + "\""
}

private let exampleLines = [
    #"{"registrering":"samtale","id":"JC101-2025-000001","registreret":"2025-03-04T10:15:00+01:00","indberetter":{"type":"jobcenter","kode":"101"},"cpr":"0101901234","afholdt":"2025-03-04","samtaletype":"JOBSAMTALE","samtaleform":"VIDEO","kontaktgruppe":2,"aftale":{"forpligtende":true,"saerligIndsats":false,"tekst":"..."},"visitationsgruppe":"JOBPARAT","deltagere":[{"navn":"A. Hansen","rolle":"TOLK","deltagelsesform":"TELEFONISK"}]}"#,
    #"{"registrering":"samtale","id":"AK-77-1","registreret":"2025-03-05T09:00:00+01:00","indberetter":{"type":"akasse","kode":"77"},"cpr":"120385-4321","afholdt":"2025-03-05T08:30:00+01:00","samtaletype":"CV_SAMTALE","samtaleform":"PERSONLIGT","aftale":{"forpligtende":true,"saerligIndsats":false},"cvGodkendelse":"GODKENDT"}"#,
    #"{"registrering":"samtale","id":"JC101-2025-000001","handling":"annuller","registreret":"2025-03-06T12:00:00+01:00","indberetter":{"type":"jobcenter","kode":"101"}}"#,
]

// MARK: Valid documents

@Suite struct JSONParserValidTests {
    @Test(arguments: [
        ("null", JSONValue.null),
        ("true", .bool(true)),
        ("false", .bool(false)),
        ("0", .integer(0)),
        ("42", .integer(42)),
        ("\"\"", .string("")),
        ("\"abc\"", .string("abc")),
        ("[]", .array([])),
        ("{}", .object(JSONObject())),
        ("[1,\"a\",null,true,false,2.5]", .array([.integer(1), .string("a"), .null, .bool(true), .bool(false), .number("2.5")])),
        (" \t\r\n [ 1 , [ ] , { } ] \t\r\n ", .array([.integer(1), .array([]), .object(JSONObject())])),
        ("{\"a\":{\"b\":[1,{\"c\":null}]}}",
         .object(JSONObject(members: [("a", .object(JSONObject(members: [("b", .array([.integer(1), .object(JSONObject(members: [("c", .null)]))]))])))]))),
        ("{ \"k\" : \"v\" , \"n\" : -1 }", .object(JSONObject(members: [("k", .string("v")), ("n", .integer(-1))]))),
        ("\"æøå 😀\"", .string("æøå 😀")),
    ] as [(String, JSONValue)])
    func validDocument(_ input: String, _ expected: JSONValue) throws {
        #expect(try parse(input) == expected)
    }

    @Test func typeNames() throws {
        let cases: [(JSONValue, String)] = [
            (.null, "null"), (.bool(true), "boolean"), (.integer(1), "integer"), (.number("1.5"), "number"),
            (.string("x"), "string"), (.array([]), "array"), (.object(JSONObject()), "object"),
        ]
        for (value, name) in cases { #expect(value.typeName == name) }
    }

    @Test func membersKeepSourceOrder() throws {
        let object = try parseObject(#"{"z":1,"a":2,"m":3}"#)
        #expect(object.members.map(\.key) == ["z", "a", "m"])
        #expect(object["a"] == .integer(2))
        #expect(object["missing"] == nil)
    }

    @Test func exampleFeedLinesParse() throws {
        for line in exampleLines {
            let object = try parseObject(line)
            #expect(object["registrering"] == .string("samtale"))
        }
        let first = try parseObject(exampleLines[0])
        #expect(first["kontaktgruppe"] == .integer(2))
        guard case .object(let aftale)? = first["aftale"] else {
            Issue.record("aftale is not an object")
            return
        }
        #expect(aftale["forpligtende"] == .bool(true))
        guard case .array(let deltagere)? = first["deltagere"], case .object(let d)? = deltagere.first else {
            Issue.record("deltagere is not an array of objects")
            return
        }
        #expect(d["navn"] == .string("A. Hansen"))
    }

    @Test func objectEqualityIsOrderSensitiveAndByBytes() {
        let a = JSONObject(members: [("x", .integer(1)), ("y", .integer(2))])
        let b = JSONObject(members: [("y", .integer(2)), ("x", .integer(1))])
        #expect(a != b)
        #expect(a == JSONObject(members: [("x", .integer(1)), ("y", .integer(2))]))
        // KELVIN SIGN is canonically equivalent to "K" for Swift's String ==, not for JSON.
        #expect(JSONObject(members: [("\u{212A}", .null)]) != JSONObject(members: [("K", .null)]))
        #expect(JSONObject(members: [("\u{212A}", .null)])["K"] == nil)
        #expect(JSONValue.string("\u{212A}") != JSONValue.string("K"))
        #expect(JSONValue.number("1.0") != JSONValue.number("1.00"))
        #expect(JSONValue.integer(1) != JSONValue.number("1"))
    }
}

// MARK: Numbers

@Suite struct JSONParserNumberTests {
    @Test(arguments: [
        ("2", JSONValue.integer(2)),
        ("-0", .integer(0)),
        ("0", .integer(0)),
        ("-7", .integer(-7)),
        ("2.0", .number("2.0")),
        ("2e0", .number("2e0")),
        ("2E0", .number("2E0")),
        ("2e+0", .number("2e+0")),
        ("2e-0", .number("2e-0")),
        ("-0.0", .number("-0.0")),
        ("0.5", .number("0.5")),
        ("-1.25e-3", .number("-1.25e-3")),
        ("1E400", .number("1E400")),
        ("9223372036854775807", .integer(Int64.max)),
        ("9223372036854775808", .number("9223372036854775808")),
        ("-9223372036854775808", .integer(Int64.min)),
        ("-9223372036854775809", .number("-9223372036854775809")),
        ("12345678901234567890", .number("12345678901234567890")),
        ("18446744073709551615", .number("18446744073709551615")),
        ("18446744073709551616", .number("18446744073709551616")),
        ("99999999999999999999999999999999", .number("99999999999999999999999999999999")),
        ("[1,-2,3.0]", .array([.integer(1), .integer(-2), .number("3.0")])),
        ("{\"n\":2}", .object(JSONObject(members: [("n", .integer(2))]))),
        ("{\"n\":2.0}", .object(JSONObject(members: [("n", .number("2.0"))]))),
    ] as [(String, JSONValue)])
    func number(_ input: String, _ expected: JSONValue) throws {
        #expect(try parse(input) == expected)
    }

    @Test(arguments: [
        "01", "-01", "00", "+1", ".5", "-.5", "1.", "1.e5", "1e", "1e+", "1e-", "-", "--1", "1.5.2",
        "NaN", "Infinity", "-Infinity", "0x10", "1_000", "1,5", "1 2", "0.1e1.5", "[01]", "{\"a\":01}", "[1.]", "[-]",
    ])
    func invalidNumber(_ input: String) {
        #expect(error(input)?.kind == .syntax)
    }

    @Test func leadingZeroMessage() {
        let e = error("[007]")
        #expect(e?.kind == .syntax)
        #expect(e?.offset == 1)
        #expect(e?.message == "leading zero in number at byte 1")
    }
}

// MARK: Syntax errors

@Suite struct JSONParserSyntaxTests {
    @Test(arguments: [
        // empty and whitespace only
        "", " ", " \t\r\n",
        // literals
        "tru", "True", "TRUE", "nul", "nulll", "falsey", "f", "nil", "undefined",
        // arrays
        "[", "]", "[1", "[1,", "[1,]", "[,1]", "[,]", "[1 2]", "[1;2]", "[1]]", "[[]", "[}",
        // objects
        "{", "}", "{\"a\"", "{\"a\":", "{\"a\":1", "{\"a\":1,", "{\"a\":1,}", "{,}", "{\"a\" 1}", "{\"a\"::1}",
        "{a:1}", "{'a':1}", "{1:1}", "{null:1}", "{\"a\":}", "{\"a\",\"b\"}", "{\"a\":1}}", "{]", "{\"a\":1 \"b\":2}",
        // strings
        "\"abc", "\"", "\"\\", "\"\\\"", "'abc'",
        // escapes
        "\"\\x\"", "\"\\a\"", "\"\\'\"", "\"\\0\"", "\"\\U0041\"", "\"\\u\"", "\"\\u12\"", "\"\\u12G4\"", "\"\\u 123\"",
        "\"\\u-123\"", "\"\\u+123\"",
        // not JSON whitespace
        "\u{0B}1", "\u{0C}1", "\u{A0}1", "1\u{0C}", "\u{FEFF}{}", "[1,\u{2028}2]",
        // comments and other extensions
        "// c\n1", "/* c */ 1", "1 // c", "# c\n1",
        // trailing garbage
        "{} x", "{}{}", "[][]", "1 2", "\"a\"\"b\"", "null,", "true false", "{\"a\":1},", "[1] ]", "0 0",
    ])
    func syntaxError(_ input: String) {
        #expect(error(input)?.kind == .syntax, "input: \(input.debugDescription)")
    }

    @Test(arguments: [
        ("[1,]", 3, "unexpected ']' at byte 3 (expected a value)"),
        ("{\"registrering\":\"x\",,}", 20, "unexpected ',' at byte 20 (expected a string key)"),
        ("", 0, "unexpected end of input at byte 0 (expected a value)"),
        ("[1", 2, "unexpected end of input at byte 2 (expected ',' or ']')"),
        ("{\"a\":1", 6, "unexpected end of input at byte 6 (expected ',' or '}')"),
        ("{\"a\" 1}", 5, "unexpected '1' at byte 5 (expected ':')"),
        ("{} x", 3, "unexpected 'x' at byte 3 (expected end of input after the JSON value)"),
        ("\"ab", 0, "unterminated string starting at byte 0"),
        ("tru", 0, "invalid literal at byte 0"),
        ("\"a\\qb\"", 2, "invalid escape \\q at byte 2"),
        ("[\u{01}]", 1, "unexpected byte 0x01 at byte 1 (expected a value)"),
        ("\"\\uD83D\"", 1, "unpaired surrogate escape \\uD83D at byte 1"),
    ] as [(String, Int, String)])
    func errorOffsetsAndMessages(_ input: String, _ offset: Int, _ message: String) {
        let e = error(input)
        #expect(e?.kind == .syntax)
        #expect(e?.offset == offset)
        #expect(e?.message == message)
        #expect(e?.description == message)
    }
}

// MARK: Strings, escapes and NUL

@Suite struct JSONParserStringTests {
    @Test(arguments: [
        (#""\"\\\/\b\f\n\r\t""#, "\"\\/\u{08}\u{0C}\n\r\t"),
        (#""\u0041\u00e6\u00C6\u20AC""#, "AæÆ€"),
        (#""\uD83D\uDE00""#, "😀"),
        (#""\ud83d\ude00""#, "😀"),
        (#""\uDBFF\uDFFF""#, "\u{10FFFF}"),
        (#""\uD800\uDC00""#, "\u{10000}"),
        (#""a\u0000b""#, "a\u{0}b"),
        (#""\u0000""#, "\u{0}"),
        (#""\u001F\u007F""#, "\u{1F}\u{7F}"),
        (#""\uFFFF\uE000\uD7FF""#, "\u{FFFF}\u{E000}\u{D7FF}"),
        (#""plain text before \n and after""#, "plain text before \n and after"),
        (#""æøå\"ÆØÅ""#, "æøå\"ÆØÅ"),
        (#""\\\\""#, "\\\\"),
        (#""tab\tand emoji 😀 raw""#, "tab\tand emoji 😀 raw"),
        (#""\/""#, "/"),
        (#""/""#, "/"),
    ] as [(String, String)])
    func escapes(_ input: String, _ expected: String) throws {
        let value = try parse(input)
        guard case .string(let s) = value else {
            Issue.record("not a string: \(value)")
            return
        }
        #expect(Array(s.utf8) == Array(expected.utf8))
    }

    @Test(arguments: [
        #""\uD83D""#, #""\uDE00""#, #""\uDE00\uD83D""#, #""\uD83Dx""#, #""\uD83D\u0041""#, #""\uD83D\uD83D""#,
        #""\uD83D\n""#, #""\uDBFF""#, #""\uDC00""#, #""a\uD800b""#, #""\uD83D\""#, #""\uD83D\u""#, #""\uD83D\uDE0""#,
        #"{"\uD800":1}"#,
    ])
    func loneSurrogate(_ input: String) {
        #expect(error(input)?.kind == .syntax, "input: \(input)")
    }

    @Test(arguments: Array(0x00...0x1F) as [UInt8])
    func rawControlCharacterInString(_ c: UInt8) {
        let e = error([0x22, 0x61, c, 0x62, 0x22])
        #expect(e?.kind == .syntax)
        #expect(e?.offset == 2)
    }

    /// Long strings are scanned eight bytes at a time: a control character, a quote or a
    /// backslash is found at every position of a word, next to multi-byte characters.
    @Test func everyPositionOfALongString() throws {
        let filler: [UInt8] = Array("abcdefgh".utf8) + [0xC3, 0xA6] + Array("ijklmnopqrstuvw".utf8)   // "æ" in the middle
        for k in 0..<filler.count {
            for c in Array(0x00...0x1F) as [UInt8] where filler[k] < 0x80 {   // not inside "æ"
                var s = filler
                s[k] = c
                let e = error([0x22] + s + [0x22])
                #expect(e?.kind == .syntax && e?.offset == 1 + k, "control 0x\(String(c, radix: 16)) at \(k)")
            }
            if filler[k] < 0x80 {
                var escaped = filler
                escaped.replaceSubrange(k...k, with: Array("\\n".utf8))
                var plain = filler
                plain[k] = 0x0A
                #expect(try parse(String(decoding: [0x22] + escaped + [0x22], as: UTF8.self)) == .string(String(decoding: plain, as: UTF8.self)))
                var quoted = filler
                quoted[k] = 0x22
                #expect(error([0x22] + quoted + [0x22])?.offset == k + 2, "quote at \(k)")
            }
        }
        #expect(try parse("\"" + String(repeating: "abcdefgh", count: 9) + "\"") == .string(String(repeating: "abcdefgh", count: 9)))
    }

    @Test func rawControlCharacterAfterEscape() {
        #expect(error(bytes("\"a\\nb\tc\""))?.kind == .syntax)
    }

    @Test func nulBytes() throws {
        // NUL is allowed only as \u0000.
        #expect(error([0x22, 0x00, 0x22])?.kind == .syntax)
        #expect(error([0x00])?.kind == .syntax)
        #expect(error([0x31, 0x00])?.kind == .syntax)
        #expect(error([0x7B, 0x7D, 0x00])?.kind == .syntax)
        #expect(error([0x5B, 0x00, 0x5D])?.kind == .syntax)
        let escaped = try parse(#"{"k\u0000":"v\u0000"}"#)
        #expect(escaped == .object(JSONObject(members: [("k\u{0}", .string("v\u{0}"))])))
    }
}

// MARK: Duplicate keys

@Suite struct JSONParserDuplicateKeyTests {
    @Test(arguments: [
        (#"{"a":1,"a":2}"#, "a", 7),
        (#"{"a":1,"b":2,"a":3}"#, "a", 13),
        (#"{"a":1,"a":1}"#, "a", 7),
        (#"{"x":{"b":1,"b":2}}"#, "b", 12),
        (#"[{"ok":1},{"id":1,"id":2}]"#, "id", 18),
        (#"{"a":[{"b":{"c":1,"c":null}}]}"#, "c", 18),
        (#"{"a":1,"\u0061":2}"#, "a", 7),
        (#"{"id":1,"i\u0064":2}"#, "id", 8),
        (#"{"\/":1,"/":2}"#, "/", 8),
        (#"{"😀":1,"\uD83D\uDE00":2}"#, "😀", 10),
        (#"{"":1,"":2}"#, "", 6),
        (#"{"a":{},"a":{}}"#, "a", 8),
    ] as [(String, String, Int)])
    func duplicate(_ input: String, _ key: String, _ offset: Int) {
        let e = error(input)
        #expect(e?.kind == .duplicateKey(key))
        #expect(e?.offset == offset)
    }

    @Test func duplicateMessage() {
        #expect(error(#"{"id":"a","id":"b"}"#)?.message == "duplicate key \"id\" at byte 10")
    }

    @Test(arguments: [
        #"{"a":{"k":1},"b":{"k":2}}"#,
        #"[{"a":1},{"a":1}]"#,
        #"{"a":1,"A":2}"#,
        #"{"a":{"a":{"a":1}}}"#,
        #"{"é":1,"e\u0301":2}"#,  // canonically equivalent, different bytes: different names
        #"{"K":1,"\u212A":2}"#,
    ])
    func notDuplicate(_ input: String) throws {
        _ = try parse(input)
    }

    @Test func manyKeysUseTheSetPathCorrectly() throws {
        let keys = (0..<200).map { "k\($0)" }
        let body = keys.map { "\"\($0)\":0" }.joined(separator: ",")
        let object = try parseObject("{" + body + "}")
        #expect(object.members.count == 200)
        #expect(object["k199"] == .integer(0))
        // A duplicate of an early key, found after the object has grown past the linear limit.
        for dup in ["k0", "k3", "k15", "k16", "k199"] {
            let e = error("{" + body + ",\"\(dup)\":1}")
            #expect(e?.kind == .duplicateKey(dup))
        }
        // A duplicate exactly at the boundary between linear scan and set.
        for n in 14...18 {
            let some = (0..<n).map { "\"k\($0)\":0" }.joined(separator: ",")
            #expect(error("{" + some + ",\"k0\":1}")?.kind == .duplicateKey("k0"))
            #expect(error("{" + some + ",\"k\(n - 1)\":1}")?.kind == .duplicateKey("k\(n - 1)"))
            _ = try parse("{" + some + ",\"new\":1}")
        }
        // Big nested objects do not share key sets.
        let nested = "{\"a\":{" + body + "},\"b\":{" + body + "}," + body + "}"
        let outer = try parseObject(nested)
        #expect(outer.members.count == 202)
    }
}

// MARK: Depth

@Suite struct JSONParserDepthTests {
    private func nestedArrays(_ depth: Int) -> String {
        String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
    }

    @Test func depthLimit() throws {
        _ = try parse(nestedArrays(32))
        let e = error(nestedArrays(33))
        #expect(e?.kind == .tooDeep)
        #expect(e?.offset == 32)
        _ = try parse(nestedArrays(5), maxDepth: 5)
        #expect(error(nestedArrays(6), maxDepth: 5)?.kind == .tooDeep)
        _ = try parse("1", maxDepth: 0)
        #expect(error("[]", maxDepth: 0)?.kind == .tooDeep)
        #expect(error("{}", maxDepth: 0)?.kind == .tooDeep)
    }

    @Test func objectsAndArraysCountTogether() throws {
        let ok = String(repeating: "{\"a\":[", count: 16) + "1" + String(repeating: "]}", count: 16)
        _ = try parse(ok)
        let tooDeep = "[" + ok + "]"
        #expect(error(tooDeep)?.kind == .tooDeep)
    }

    @Test func veryDeepInputDoesNotOverflowTheStack() throws {
        #expect(error(String(repeating: "[", count: 1_000_000))?.kind == .tooDeep)
        #expect(error(String(repeating: "{\"a\":", count: 200_000))?.kind == .tooDeep)
        #expect(error(String(repeating: "[", count: 1_000_000), maxDepth: Int.max)?.kind == .syntax)
        _ = try parse(nestedArrays(1000), maxDepth: 1000)
        #expect(error(nestedArrays(1001), maxDepth: 1000)?.kind == .tooDeep)
    }
}

// MARK: UTF-8

@Suite struct JSONParserUTF8Tests {
    private func quoted(_ content: [UInt8]) -> [UInt8] { [0x22] + content + [0x22] }

    @Test(arguments: [
        [0x80], [0xBF], [0x80, 0x80],                            // continuation without lead
        [0xC0, 0xAF], [0xC1, 0xBF], [0xC0, 0x80],                // overlong 2-byte
        [0xE0, 0x80, 0xAF], [0xE0, 0x9F, 0xBF],                  // overlong 3-byte
        [0xF0, 0x80, 0x80, 0xAF], [0xF0, 0x8F, 0xBF, 0xBF],      // overlong 4-byte
        [0xED, 0xA0, 0x80], [0xED, 0xBF, 0xBF], [0xED, 0xAF, 0xBF],  // UTF-16 surrogates encoded in UTF-8
        [0xED, 0xA0, 0xBD, 0xED, 0xB8, 0x80],                    // CESU-8 surrogate pair
        [0xF4, 0x90, 0x80, 0x80], [0xF7, 0xBF, 0xBF, 0xBF],      // above U+10FFFF
        [0xF5, 0x80, 0x80, 0x80], [0xF8, 0x88, 0x80, 0x80, 0x80], [0xFC, 0x84, 0x80, 0x80, 0x80, 0x80],
        [0xFE], [0xFF], [0xFF, 0xFE],                            // never in UTF-8
        [0xC3, 0x41], [0xE2, 0x82, 0x41], [0xF0, 0x9F, 0x98, 0x41], // truncated, followed by ASCII
        [0xE2, 0x41, 0x82],                                      // bad second byte
    ] as [[UInt8]])
    func invalidInString(_ bad: [UInt8]) {
        let e = error(quoted(bad))
        #expect(e?.kind == .invalidUTF8)
        #expect(e?.offset == 1)
        #expect(e?.message == "invalid UTF-8 at byte 1")
    }

    @Test(arguments: [[0xC3], [0xE2, 0x82], [0xF0, 0x9F, 0x98], [0xF0]] as [[UInt8]])
    func truncatedAtEndOfInput(_ bad: [UInt8]) {
        let input = bytes("\"abc") + bad
        let e = error(input)
        #expect(e?.kind == .invalidUTF8)
        #expect(e?.offset == 4)
    }

    @Test func invalidAnywhereIsReportedBeforeSyntax() {
        // Outside a string, after a syntax error, after many ASCII bytes (the 8-byte fast path).
        #expect(error([0x5B, 0x31, 0x2C, 0xFF, 0x5D])?.kind == .invalidUTF8)
        #expect(error(bytes("}}}") + [0xC0, 0x80])?.kind == .invalidUTF8)
        let long = bytes("{\"registrering\":\"samtale\",\"tekst\":\"") + [0xED, 0xA0, 0x80] + bytes("\"}")
        let e = error(long)
        #expect(e?.kind == .invalidUTF8)
        #expect(e?.offset == 35)
        let afterNonASCII = bytes("\"æøå 😀 abcdefghij") + [0x80] + bytes("\"")
        #expect(error(afterNonASCII)?.offset == afterNonASCII.count - 2)
    }

    @Test(arguments: [
        [0x7F], [0xC2, 0x80], [0xDF, 0xBF], [0xE0, 0xA0, 0x80], [0xED, 0x9F, 0xBF], [0xEE, 0x80, 0x80],
        [0xEF, 0xBF, 0xBF], [0xEF, 0xBB, 0xBF], [0xF0, 0x90, 0x80, 0x80], [0xF4, 0x8F, 0xBF, 0xBF],
    ] as [[UInt8]])
    func validBoundaries(_ good: [UInt8]) throws {
        let value = try JSONParser.parse(quoted(good))
        #expect(value == .string(String(decoding: good, as: UTF8.self)))
    }

    @Test func validatorAgreesWithTheStandardLibrary() {
        // Every 1- and 2-byte sequence, and a sample of 3- and 4-byte ones, judged both ways.
        var rng = FeedFuzzRNG(seed: 0x5A17)
        var inputs: [[UInt8]] = []
        for a in 0...255 { for b in 0...255 { inputs.append([UInt8(a), UInt8(b)]) } }
        for _ in 0..<50_000 {
            let count = Int(rng.next() % 4) + 1
            inputs.append((0..<count).map { _ in UInt8(truncatingIfNeeded: 0x80 | rng.next() % 0x80) | (rng.next() % 4 == 0 ? 0 : 0x40) })
        }
        for input in inputs {
            let mine = input.withUnsafeBufferPointer { buffer in
                JSONParser.firstInvalidUTF8(buffer.baseAddress!, buffer.count) == nil
            }
            let standard = String(validating: input, as: UTF8.self) != nil
            #expect(mine == standard, "\(input)")
        }
    }
}

// MARK: parseObject

@Suite struct JSONParserObjectTests {
    @Test func topLevelMustBeAnObject() throws {
        #expect(try parseObject(" {\"a\":1} ")["a"] == .integer(1))
        for (input, found, offset) in [("[1]", "an array", 0), ("  \"x\"", "a string", 2), ("1.5", "a number", 0),
                                       ("7", "an integer", 0), ("null", "a null", 0), ("true", "a boolean", 0)] {
            do {
                _ = try parseObject(input)
                Issue.record("\(input) parsed as an object")
            } catch {
                #expect(error.kind == .notAnObject)
                #expect(error.offset == offset)
                #expect(error.message == "expected a JSON object, found \(found)")
            }
        }
        do {
            _ = try parseObject("[1,")
            Issue.record("parsed")
        } catch {
            #expect(error.kind == .syntax)
        }
    }

    @Test func rawBufferAPI() throws {
        let input = bytes(exampleLines[1])
        let viaArray = try JSONParser.parse(input)
        let viaRaw: JSONValue = try input.withUnsafeBytes { raw in try JSONParser.parse(raw) }
        #expect(viaArray == viaRaw)
        // An empty buffer without a base address.
        let empty = UnsafeRawBufferPointer(start: nil, count: 0)
        #expect(throws: JSONParseError.self) { try JSONParser.parse(empty) }
    }
}

// MARK: Robustness

/// A deterministic generator so failures reproduce; shared with FeedReaderTests.
typealias FeedFuzzRNG = SplitMix64

@Suite struct JSONParserRobustnessTests {
    @Test func mutatedLinesNeverCrash() throws {
        var rng = FeedFuzzRNG(seed: 20_250_304)
        let seeds = exampleLines.map(bytes) + [
            bytes(#"{"a":[1,2.5e-3,-0,true,false,null,"\u00e6\uD83D\uDE00\n"],"b":{"c":{}}}"#),
            bytes(#"["æøå",{"x":"\"\\\/"},9223372036854775807,-9223372036854775808]"#),
        ]
        let structural = bytes("{}[],:\"\\0123456789-+.eEtrufalsn \t\r\n") + [0x00, 0x1F, 0x80, 0xBF, 0xC3, 0xED, 0xF0, 0xF4, 0xFF]
        var parsed = 0, failed = 0
        for round in 0..<5000 {
            var line = seeds[round % seeds.count]
            for _ in 0..<(Int(rng.next() % 3) + 1) {
                let position = line.isEmpty ? 0 : Int(rng.next() % UInt64(line.count))
                switch rng.next() % 7 {
                case 0: line = Array(line.prefix(position))                                  // truncate
                case 1: if !line.isEmpty { line[position] = UInt8(truncatingIfNeeded: rng.next()) }  // random byte
                case 2: line.insert(structural[Int(rng.next() % UInt64(structural.count))], at: position)
                case 3: if !line.isEmpty { line.remove(at: position) }
                case 4:  // duplicate a key at the top level
                    if line.first == UInt8(ascii: "{") { line.insert(contentsOf: bytes(#""id":"dup","#), at: 1) }
                case 5:  // duplicate a member somewhere inside
                    if let comma = line[position...].firstIndex(of: UInt8(ascii: ",")),
                       let next = line[(comma + 1)...].firstIndex(of: UInt8(ascii: ",")) {
                        line.insert(contentsOf: line[comma..<next], at: next)
                    }
                default:  // random bytes spliced in
                    let junk = (0..<Int(rng.next() % 6)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
                    line.insert(contentsOf: junk, at: position)
                }
            }
            do {
                let value = try JSONParser.parse(line)
                parsed += 1
                // Round trip: what was accepted serializes back to an equal value.
                let again = try JSONParser.parse(bytes(serialize(value)))
                #expect(again == value)
            } catch {
                failed += 1
                #expect(error.offset >= 0 && error.offset <= line.count)
                #expect(!error.message.isEmpty)
            }
            _ = try? line.withUnsafeBytes { raw in try JSONParser.parseObject(raw, maxDepth: 4) }
        }
        #expect(parsed + failed == 5000)
        #expect(parsed > 100)
        #expect(failed > 1000)
    }

    @Test func randomJSONishBytesNeverCrash() {
        var rng = FeedFuzzRNG(seed: 42)
        let alphabet = bytes("{}[],:\"\\u0123456789abcdefABCDEF-+.eE tnulrs\t\n") + [0x00, 0x80, 0xC3, 0xA6, 0xED, 0xF0]
        for _ in 0..<20_000 {
            let count = Int(rng.next() % 24)
            let input = (0..<count).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] }
            switch Result(catching: { () throws(JSONParseError) in try JSONParser.parse(input, maxDepth: 3) }) {
            case .success: break
            case .failure(let e): #expect(e.offset >= 0 && e.offset <= input.count)
            }
        }
    }
}
