import COpenSSL
import Foundation

/// The secret key behind every pseudonym. It lives in a file (mode 0600) or an environment variable,
/// never in the database and never in a log.
public struct PseudonymKey: Sendable {
    /// 32 random bytes.
    fileprivate let bytes: [UInt8]

    public static let fileVariable = "SAMTALER_PSEUDONYM_KEY_FILE"
    public static let valueVariable = "SAMTALER_PSEUDONYM_KEY"

    /// Why a key could not be had. The messages say what to do; none contains the key.
    public enum Problem: Error, CustomStringConvertible, Sendable {
        case missing
        case unreadable(path: String, reason: String)
        case loosePermissions(path: String, mode: String)
        case malformed(source: String)

        public var description: String {
            switch self {
            case .missing:
                return """
                no pseudonym key: set \(PseudonymKey.fileVariable) to the path of a key file \
                (or \(PseudonymKey.valueVariable) to the key itself).
                Make a key once with:  samtaler keygen /etc/samtaler/pseudonym.key
                and keep it safe: the same key must be used for every load, or the same person gets a new pseudonym.
                """
            case .unreadable(let path, let reason):
                return "cannot read the pseudonym key file \(path): \(reason)"
            case .loosePermissions(let path, let mode):
                return "the pseudonym key file \(path) has mode \(mode): others can read it. Run: chmod 600 \(path)"
            case .malformed(let source):
                return "the pseudonym key in \(source) is not 64 hexadecimal digits (32 bytes); make one with: samtaler keygen FILE"
            }
        }
    }

    /// Parses a key written as 64 hex digits (surrounding white space ignored).
    public init(hex: String, source: String = "the key") throws(Problem) {
        let t = hex.trimmingCharacters(in: .whitespacesAndNewlines)
        guard t.utf8.count == 64 else { throw .malformed(source: source) }
        var out: [UInt8] = []
        out.reserveCapacity(32)
        var it = t.utf8.makeIterator()
        while let h = it.next(), let l = it.next() {
            guard let hv = hexValue(h), let lv = hexValue(l) else { throw .malformed(source: source) }
            out.append(hv << 4 | lv)
        }
        bytes = out
    }

    /// A new random key from the operating system's CSPRNG.
    public static func random() throws -> PseudonymKey {
        var b = [UInt8](repeating: 0, count: 32)
        guard RAND_bytes(&b, 32) == 1 else { throw Problem.malformed(source: "the random generator") }
        return PseudonymKey(raw: b)
    }

    private init(raw: [UInt8]) { bytes = raw }

    /// The key as 64 lowercase hex digits, for writing a key file.
    public var hex: String { bytes.map { String(format: "%02x", $0) }.joined() }

    /// Reads the key from the environment: the file variable first, then the value variable.
    public static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment) throws(Problem) -> PseudonymKey {
        if let path = env[fileVariable], !path.isEmpty { return try fromFile(path) }
        if let value = env[valueVariable], !value.isEmpty { return try PseudonymKey(hex: value, source: valueVariable) }
        throw .missing
    }

    /// Reads a key file, refusing one that group or others may read.
    public static func fromFile(_ path: String) throws(Problem) -> PseudonymKey {
        var st = stat()
        guard stat(path, &st) == 0 else { throw .unreadable(path: path, reason: String(cString: strerror(errno))) }
        if st.st_mode & 0o077 != 0 {
            throw .loosePermissions(path: path, mode: String(st.st_mode & 0o777, radix: 8))
        }
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw .unreadable(path: path, reason: "not readable as text")
        }
        return try PseudonymKey(hex: text, source: path)
    }

    /// Writes a new random key to `path` with mode 0600; refuses to overwrite an existing file.
    public static func generate(to path: String) throws -> PseudonymKey {
        let key = try random()
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else {
            throw Problem.unreadable(path: path, reason: errno == EEXIST ? "the file exists already (a key is never overwritten)"
                                                                      : String(cString: strerror(errno)))
        }
        defer { close(fd) }
        let text = Array((key.hex + "\n").utf8)
        guard write(fd, text, text.count) == text.count, fsync(fd) == 0 else {
            throw Problem.unreadable(path: path, reason: String(cString: strerror(errno)))
        }
        return key
    }
}

private func hexValue(_ c: UInt8) -> UInt8? {
    switch c {
    case 48...57: return c - 48
    case 97...102: return c - 87
    case 65...70: return c - 55
    default: return nil
    }
}

/// Makes pseudonyms: HMAC-SHA256 under the key, truncated to 128 bits (a UUID-sized value that
/// PostgreSQL stores in 16 bytes). Inputs are domain-separated, so a person's pseudonym can never
/// equal a registration key.
///
/// The key is fixed for a run, so the SHA-256 states after absorbing `key ⊕ ipad` and
/// `key ⊕ opad` are computed once (RFC 2104 allows this); each HMAC then costs two short hashes.
public struct Pseudonymizer: @unchecked Sendable {
    private let inner: SHA256_CTX
    private let outer: SHA256_CTX

    public init(key: PseudonymKey) { self.init(keyBytes: key.bytes) }

    private init(keyBytes: [UInt8]) {
        var k = keyBytes
        if k.count > 64 {   // RFC 2104: a key longer than the block is hashed first
            var digest = [UInt8](repeating: 0, count: 32)
            SHA256(k, k.count, &digest)
            k = digest
        }
        k += [UInt8](repeating: 0, count: 64 - k.count)
        var i = SHA256_CTX(), o = SHA256_CTX()
        SHA256_Init(&i)
        SHA256_Init(&o)
        let ipad = k.map { $0 ^ 0x36 }, opad = k.map { $0 ^ 0x5c }
        SHA256_Update(&i, ipad, 64)
        SHA256_Update(&o, opad, 64)
        inner = i
        outer = o
    }

    /// The pseudonym of a person: HMAC over "person:" and the ten digits `DDMMYYSSSS`.
    public func person(digits: [UInt8]) -> [UInt8] { mac(Self.personDomain, digits) }

    /// The key of a registration: HMAC over "registrering:" and `registrering|type|kode|id`, so
    /// that ids (which a case system might build from anything) are never stored as they came.
    public func registration(_ naturalKey: [UInt8]) -> [UInt8] { mac(Self.registrationDomain, naturalKey) }

    /// A fingerprint that lets the warehouse notice a different key without storing the key.
    public var fingerprint: String { mac(Array("samtaler-key-fingerprint".utf8), []).map { String(format: "%02x", $0) }.joined() }

    static let personDomain = Array("person:".utf8)
    static let registrationDomain = Array("registrering:".utf8)

    /// The full 32-byte HMAC-SHA256 of `prefix + message` (tests check it against published vectors).
    public func hmacSHA256(_ message: [UInt8], prefix: [UInt8] = []) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: 32)
        var ctx = inner
        if !prefix.isEmpty { SHA256_Update(&ctx, prefix, prefix.count) }
        if !message.isEmpty { SHA256_Update(&ctx, message, message.count) }
        SHA256_Final(&digest, &ctx)
        ctx = outer
        SHA256_Update(&ctx, digest, 32)
        SHA256_Final(&digest, &ctx)
        return digest
    }

    private func mac(_ domain: [UInt8], _ data: [UInt8]) -> [UInt8] {
        Array(hmacSHA256(data, prefix: domain).prefix(16))
    }

    /// A 16-byte value as PostgreSQL's uuid text form.
    public static func uuidText(_ b: [UInt8]) -> String {
        var s = ""
        s.reserveCapacity(36)
        let hex = Array("0123456789abcdef".utf8)
        var bytes: [UInt8] = []
        for (i, x) in b.enumerated() {
            if i == 4 || i == 6 || i == 8 || i == 10 { bytes.append(UInt8(ascii: "-")) }
            bytes.append(hex[Int(x >> 4)]); bytes.append(hex[Int(x & 15)])
        }
        s = String(decoding: bytes, as: UTF8.self)
        return s
    }
}

extension Pseudonymizer {
    /// For tests: a pseudonymizer with a key given as raw bytes of any length (RFC 4231 vectors).
    public init(rawKeyForTesting key: [UInt8]) { self.init(keyBytes: key) }
}
