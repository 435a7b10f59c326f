import Testing
@testable import SamtalerFeed

/// The flat form the validator reads: member lookup from a cursor, blank strings decided from
/// bytes, and the tree built from it (the parser's own tests go through that tree).
@Suite struct JSONDocumentTests {
    private func withDocument<R>(_ text: String, _ body: (JSONDocument) -> R) throws -> R {
        try Array(text.utf8).withUnsafeBytes { raw in try JSONParser.withDocument(raw, body) }
    }

    @Test func memberLookupFromAnyCursorFindsEveryKeyAndOnlyThose() throws {
        let text = #"{"a":1,"bb":[2,{"a":3}],"c\u0064":{"x":4},"e":null,"":5}"#
        try withDocument(text) { d in
            let members = Array(d.children(0))
            #expect(members.count == 5)
            // Every cursor: each member of the object, the object's end, and out-of-range values.
            for cursor in members + [d.end(0), 0, -1, 999] {
                #expect(d.member(0, "a", from: cursor) == members[0])
                #expect(d.member(0, "bb", from: cursor) == members[1])
                #expect(d.member(0, "cd", from: cursor) == members[2])  // unescaped key
                #expect(d.member(0, "e", from: cursor) == members[3])
                #expect(d.member(0, "x", from: cursor) == nil)          // only in a nested object
                #expect(d.member(0, "b", from: cursor) == nil)          // a prefix is not the key
                #expect(d.member(0, "bbb", from: cursor) == nil)
            }
            #expect(d.kind(members[1]) == .array && d.count(members[1]) == 2)
            #expect(d.kind(members[3]) == .null)
        }
    }

    /// The keys' bits (the validator's shortcut past absent keys): every key of the object has its
    /// bit in the object's signature, an escaped key by its unescaped bytes, the empty key too; a
    /// key of a nested object only in that object's.
    @Test func theSignatureHoldsEveryKeyOfItsObject() throws {
        let text = #"{"a":1,"bb":[2,{"a":3}],"c\u0064":{"x":4},"e":null,"":5}"#
        try withDocument(text) { d in
            let members = Array(d.children(0))
            let object = d.keySignature(0), nested = d.keySignature(members[2])
            for key: StaticString in ["a", "bb", "cd", "e", ""] {
                #expect(object & JSONDocument.keySignature(key) != 0, "\(key)")
            }
            #expect(nested == JSONDocument.keySignature("x"))
            #expect(d.keySignature(members[0]) == ~0, "not an object: every key may be there")
        }
    }

    @Test func blankAgreesWithCharacterIsWhitespace() throws {
        let samples = [
            "", " ", "\t\n\r\u{0B}\u{0C}", "\r\n", " a ", "\u{01}", "\u{1F}", "\u{7F}", "\u{A0}", "\u{85}",
            "\u{2028}", "\u{3000} \u{2003}", "\u{0600}a", "\u{0600} ", " \u{0301}", "\u{200B}", "\u{FEFF}",
            "æ", " \u{1680}\u{205F} ", "x\u{0301}", "\u{202F}\t",
        ]
        for s in samples {
            var escaped = ""
            for u in s.unicodeScalars { escaped += "\\u" + String(repeating: "0", count: 4 - String(u.value, radix: 16).count) + String(u.value, radix: 16) }
            for text in ["\"" + escaped + "\"", "\"" + s.replacingControlsForJSON() + "\""] {
                let blank = try withDocument(text) { $0.isBlank(0) }
                #expect(blank == s.allSatisfy(\.isWhitespace), "\(s.unicodeScalars.map { String($0.value, radix: 16) })")
            }
        }
    }

    @Test func theTreeKeepsEveryValue() throws {
        let text = #"{"k":"v\n","n":[-1,2.50,1e3,true,false,null,{}],"o":{"":[]}}"#
        let tree = try withDocument(text) { $0.value() }
        #expect(tree == .object(JSONObject(members: [
            ("k", .string("v\n")),
            ("n", .array([.integer(-1), .number("2.50"), .number("1e3"), .bool(true), .bool(false), .null, .object(JSONObject())])),
            ("o", .object(JSONObject(members: [("", .array([]))]))),
        ])))
    }
}

private extension String {
    /// Raw control characters are not allowed in JSON strings: those are written escaped.
    func replacingControlsForJSON() -> String {
        var out = ""
        for u in unicodeScalars {
            if u.value < 0x20 { out += "\\u00" + (u.value < 0x10 ? "0" : "") + String(u.value, radix: 16) } else { out.unicodeScalars.append(u) }
        }
        return out
    }
}
