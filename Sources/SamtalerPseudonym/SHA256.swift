import COpenSSL

/// The SHA-256 of `bytes` as 64 lowercase hexadecimal digits (OpenSSL's one-shot `SHA256`).
/// Used for the checksum in the ministry extract's manifest.
public func sha256Hex(_ bytes: [UInt8]) -> String {
    var digest = [UInt8](repeating: 0, count: Int(SHA256_DIGEST_LENGTH))
    // An empty input still needs a valid pointer.
    let data = bytes.isEmpty ? [0] : bytes
    data.withUnsafeBufferPointer { b in
        _ = SHA256(b.baseAddress, bytes.count, &digest)
    }
    let hex = Array("0123456789abcdef".utf8)
    var out: [UInt8] = []
    out.reserveCapacity(64)
    for x in digest { out.append(hex[Int(x >> 4)]); out.append(hex[Int(x & 15)]) }
    return String(decoding: out, as: UTF8.self)
}
