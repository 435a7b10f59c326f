import Foundation
import Testing
@testable import SamtalerPseudonym

struct PseudonymTests {
    static func bytes(_ hex: String) -> [UInt8] {
        var out: [UInt8] = []
        var it = hex.makeIterator()
        while let a = it.next(), let b = it.next() { out.append(UInt8(String([a, b]), radix: 16)!) }
        return out
    }
    static func hex(_ b: [UInt8]) -> String { b.map { String(format: "%02x", $0) }.joined() }

    /// RFC 4231 test cases 1, 2 and 6: HMAC-SHA256 is what it claims to be.
    @Test(arguments: [
        ("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "4869205468657265",
         "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
        ("4a656665", "7768617420646f2079612077616e7420666f72206e6f7468696e673f",
         "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
        (String(repeating: "aa", count: 131),
         "54657374205573696e67204c6172676572205468616e20426c6f636b2d53697a65204b6579202d2048617368204b6579204669727374",
         "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"),
    ])
    func rfc4231(key: String, data: String, mac: String) {
        let p = Pseudonymizer(rawKeyForTesting: Self.bytes(key))
        #expect(Self.hex(p.hmacSHA256(Self.bytes(data))) == mac)
    }

    @Test func pseudonymIsKeyedDeterministicAndDomainSeparated() throws {
        let k1 = try PseudonymKey(hex: String(repeating: "11", count: 32))
        let k2 = try PseudonymKey(hex: String(repeating: "22", count: 32))
        let cpr = Array("0101901234".utf8)
        let a = Pseudonymizer(key: k1)
        #expect(a.person(digits: cpr) == a.person(digits: cpr))
        #expect(a.person(digits: cpr).count == 16)
        #expect(a.person(digits: cpr) != Pseudonymizer(key: k2).person(digits: cpr))
        #expect(a.person(digits: cpr) != a.person(digits: Array("0101901235".utf8)))
        #expect(a.person(digits: cpr) != a.registration(cpr))
        // Worked out independently with Python:
        // hmac.new(bytes([0x11]*32), b'person:0101901234', hashlib.sha256).hexdigest()[:32]
        #expect(Self.hex(a.person(digits: cpr)) == "6d998f26d4b6c8ace31d915042c0977f")
        #expect(a.fingerprint != Pseudonymizer(key: k2).fingerprint)
    }

    @Test func keyParsingRejectsShortOrNonHexKeys() {
        #expect(throws: PseudonymKey.Problem.self) { try PseudonymKey(hex: "abcd") }
        #expect(throws: PseudonymKey.Problem.self) { try PseudonymKey(hex: String(repeating: "zz", count: 32)) }
        #expect((try? PseudonymKey(hex: " " + String(repeating: "Ab", count: 32) + "\n")) != nil)
    }

    @Test func keygenWritesMode0600AndNeverOverwrites() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("samtaler-key-\(UUID())").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/k"
        let key = try PseudonymKey.generate(to: path)
        let attrs = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attrs[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let again = try PseudonymKey.fromFile(path)
        #expect(again.hex == key.hex)
        #expect(throws: (any Error).self) { try PseudonymKey.generate(to: path) }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == key.hex + "\n")
    }

    @Test func looseKeyFileIsRefused() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("samtaler-key-\(UUID())").path
        _ = try PseudonymKey.generate(to: path)
        defer { try? FileManager.default.removeItem(atPath: path) }
        chmod(path, 0o644)
        #expect {
            try PseudonymKey.fromFile(path)
        } throws: { error in
            guard case PseudonymKey.Problem.loosePermissions = error else { return false }
            return "\(error)".contains("chmod 600")
        }
    }

    @Test func environmentPrefersTheFileAndExplainsAMissingKey() throws {
        #expect {
            try PseudonymKey.fromEnvironment([:])
        } throws: { error in "\(error)".contains("samtaler keygen") }
        let hex = String(repeating: "3c", count: 32)
        #expect(try PseudonymKey.fromEnvironment([PseudonymKey.valueVariable: hex]).hex == hex)
    }
}
