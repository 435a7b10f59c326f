import Foundation
import PostgresClient

/// Rows set aside during the stream and sent with COPY after it: libpq runs one COPY at a time
/// on a connection, and the load is one transaction on one connection. The rows stay in memory
/// up to 1 MiB and go to an anonymous temporary file beyond that (unlinked at once, so nothing is
/// left behind whatever happens to the process), which keeps the load's memory flat.
final class SpoolFile {
    private var fd: Int32 = -1
    private var buffer: [UInt8] = []
    private let directory: String
    static let memoryLimit = 1 << 20
    /// Rows written (the caller counts them).
    var rows = 0

    init() {
        let tmp = ProcessInfo.processInfo.environment["TMPDIR"] ?? ""
        directory = tmp.isEmpty ? "/tmp" : tmp
        buffer.reserveCapacity(Self.memoryLimit + 4096)
    }

    deinit { if fd >= 0 { close(fd) } }

    /// Lets the caller append rows in place.
    func withBuffer(_ body: (inout [UInt8]) -> Void) throws(WarehouseError) {
        body(&buffer)
        if buffer.count >= Self.memoryLimit { try spill() }
    }

    private func spill() throws(WarehouseError) {
        if fd < 0 {
            var template = Array((directory + "/samtaler-spool-XXXXXX").utf8CString)
            fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
            guard fd >= 0 else { throw .output("cannot create a temporary file in \(directory): \(FileWriting.errnoText())") }
            template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        }
        if let reason = FileWriting.writeAll(fd, buffer) {
            throw .output("cannot write a temporary file in \(directory) (TMPDIR): \(reason)")
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Sends every row written, in order, into `copy` (the caller finishes the COPY).
    func replay(into copy: PGCopyWriter) throws {
        if fd >= 0 {
            guard lseek(fd, 0, SEEK_SET) == 0 else { throw WarehouseError.output("cannot read back a temporary file in \(directory): \(FileWriting.errnoText())") }
            var chunk = [UInt8](repeating: 0, count: Self.memoryLimit)
            while true {
                let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
                if n < 0 && errno == EINTR { continue }
                guard n >= 0 else { throw WarehouseError.output("cannot read back a temporary file in \(directory): \(FileWriting.errnoText())") }
                if n == 0 { break }
                try chunk.withUnsafeBytes { try copy.write(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
            }
        }
        try copy.write(buffer)
    }
}
