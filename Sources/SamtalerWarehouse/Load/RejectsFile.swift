import Foundation
import SamtalerFeed

/// The rejects file: one JSON object per rejected line (file, line, id, reasons, raw line).
/// Each reason is `{"field", "rule", "message", "source"}`; `source` is where the rule comes from
/// (`BEK 442/2023 § 27 nr. 9`, `feed.md: Envelope`): every reason has one (feed contract v2; the
/// key was `regulation`, and optional, before).
///
/// It is the one place a rejected line's personnummer or names may go, so it is created with
/// mode 0600. It is written under a temporary name and renamed when the run ends, so a crash
/// never leaves a half-written file under the real name.
final class RejectsFile {
    let path: String
    private let temporaryPath: String
    private var fd: Int32
    private var buffer: [UInt8] = []

    init(path: String) throws(WarehouseError) {
        self.path = path
        temporaryPath = path + ".tmp-\(getpid())"
        fd = open(temporaryPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw .output("cannot create the rejects file \(path): \(FileWriting.errnoText())")
        }
        fchmod(fd, 0o600)
        buffer.reserveCapacity(1 << 16)
    }

    deinit {
        if fd >= 0 { close(fd); unlink(temporaryPath) }
    }

    func write(file: String, line: Int, id: String?, reasons: [Reason], raw: UnsafeRawBufferPointer, truncated: Bool) throws(WarehouseError) {
        buffer.append(contentsOf: "{\"file\":".utf8)
        JSONText.appendString(file, to: &buffer)
        buffer.append(contentsOf: ",\"line\":\(line),\"id\":".utf8)
        if let id { JSONText.appendString(id, to: &buffer) } else { buffer.append(contentsOf: "null".utf8) }
        buffer.append(contentsOf: ",\"reasons\":[".utf8)
        for (i, r) in reasons.enumerated() {
            if i > 0 { buffer.append(44) }
            buffer.append(contentsOf: "{\"field\":".utf8)
            JSONText.appendString(r.field, to: &buffer)
            buffer.append(contentsOf: ",\"rule\":".utf8)
            JSONText.appendString(r.rule, to: &buffer)
            buffer.append(contentsOf: ",\"message\":".utf8)
            JSONText.appendString(r.message, to: &buffer)
            buffer.append(contentsOf: ",\"source\":".utf8)
            JSONText.appendString(r.source.text, to: &buffer)
            buffer.append(125)
        }
        buffer.append(93)
        if let text = String(validating: raw, as: UTF8.self) {
            buffer.append(contentsOf: ",\"raw\":".utf8)
            JSONText.appendString(text, to: &buffer)
        } else {
            buffer.append(contentsOf: ",\"raw_base64\":\"".utf8)
            buffer.append(contentsOf: Data(raw).base64EncodedString().utf8)
            buffer.append(34)
        }
        if truncated { buffer.append(contentsOf: ",\"raw_truncated\":true".utf8) }
        buffer.append(contentsOf: "}\n".utf8)
        if buffer.count >= 1 << 16 { try flush() }
    }

    private func flush() throws(WarehouseError) {
        if let reason = FileWriting.writeAll(fd, buffer) {
            throw .output("cannot write the rejects file \(path): \(reason)")
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Flushes, syncs to disk and gives the file its real name.
    func commit() throws(WarehouseError) {
        try flush()
        guard fsync(fd) == 0 else { throw .output("cannot sync the rejects file \(path): \(FileWriting.errnoText())") }
        close(fd)
        fd = -1
        guard rename(temporaryPath, path) == 0 else {
            throw .output("cannot rename the rejects file to \(path): \(FileWriting.errnoText())")
        }
    }
}

extension Data {
    init(_ raw: UnsafeRawBufferPointer) { self.init(bytes: raw.baseAddress!, count: raw.count) }
}

/// JSON string escaping for the files the program writes.
public enum JSONText {
    public static func appendString(_ s: String, to out: inout [UInt8]) {
        out.append(34)
        let hex = Array("0123456789abcdef".utf8)
        for b in s.utf8 {
            switch b {
            case 34: out.append(92); out.append(34)
            case 92: out.append(92); out.append(92)
            case 10: out.append(92); out.append(110)
            case 13: out.append(92); out.append(114)
            case 9: out.append(92); out.append(116)
            case 0..<32:
                out.append(contentsOf: [92, 117, 48, 48, hex[Int(b >> 4)], hex[Int(b & 15)]])
            default: out.append(b)
            }
        }
        out.append(34)
    }

    public static func string(_ s: String) -> String {
        var out: [UInt8] = []
        appendString(s, to: &out)
        return String(decoding: out, as: UTF8.self)
    }
}
