import Foundation

/// Writing files whole and durably, for every file the warehouse hands to people: the load's
/// rejects and summary files and the ministry extract. A full disk or a file-size limit shows
/// up here, as an error naming the file, before anything is published.
enum FileWriting {
    /// The text of the current `errno`.
    static func errnoText() -> String { String(cString: strerror(errno)) }

    /// Writes all of `bytes` to `fd`, retrying short writes and interrupted calls.
    /// Returns nil, or why it failed.
    static func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> String? {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Foundation.write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 && errno == EINTR { continue }
            // A write of nothing would loop for ever: report it as the full disk it is.
            guard n > 0 else { return n < 0 ? errnoText() : String(cString: strerror(ENOSPC)) }
            offset += n
        }
        return nil
    }

    /// Creates `path` (`exclusive`: it must not exist yet; otherwise it is truncated), writes all
    /// bytes, syncs and closes it. Errors name the file as `shownAs`.
    static func writeSynced(_ path: String, _ bytes: [UInt8], exclusive: Bool, shownAs: String? = nil) throws(WarehouseError) {
        let name = shownAs ?? path
        let fd = open(path, O_WRONLY | O_CREAT | (exclusive ? O_EXCL : O_TRUNC) | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .output("cannot create \(name): \(errnoText())") }
        if let reason = writeAll(fd, bytes) {
            close(fd)
            throw .output("cannot write \(name): \(reason)")
        }
        guard fsync(fd) == 0 else {
            let reason = errnoText()
            close(fd)
            throw .output("cannot sync \(name): \(reason)")
        }
        guard close(fd) == 0 else { throw .output("cannot close \(name): \(errnoText())") }
    }
}
