#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import CZlib

/// A feed file that cannot be read: missing, unreadable, a directory, or corrupt gzip.
public struct FeedReadError: Error, Sendable, CustomStringConvertible {
    public let path: String
    /// Names the path, e.g. "feed.jsonl.gz: gzip data is corrupt after 12345 bytes (invalid stored block lengths)".
    public let message: String

    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { message }
}

/// Reads one feed file (JSON Lines, gzip-compressed when the name ends in ".gz") line by line
/// with bounded memory: one read chunk, one inflate chunk and at most `maxLineBytes` of a line
/// that spans chunks.
public final class FeedReader {
    public let path: String
    /// Bytes read from the file so far (compressed bytes for .gz).
    public private(set) var bytesRead: Int = 0
    /// The file's size in bytes (compressed size for .gz).
    public let fileSize: Int

    let maxLineBytes: Int
    let chunkSize: Int
    let isGzip: Bool
    private let fd: Int32

    public convenience init(path: String, maxLineBytes: Int = 1 << 20) throws(FeedReadError) {
        try self.init(path: path, maxLineBytes: maxLineBytes, chunkSize: 1 << 20)
    }

    /// `chunkSize` is the size of each read (and of each inflate output); tests make it tiny.
    init(path: String, maxLineBytes: Int, chunkSize: Int) throws(FeedReadError) {
        self.path = path
        self.maxLineBytes = max(0, maxLineBytes)
        self.chunkSize = max(1, chunkSize)
        self.isGzip = path.hasSuffix(".gz")
        var fd: Int32
        repeat {
            fd = open(path, O_RDONLY | O_CLOEXEC)
        } while fd < 0 && errno == EINTR
        guard fd >= 0 else {
            let code = errno
            throw FeedReadError(path: path, message: "\(path): cannot open: \(FeedReader.describeErrno(code))")
        }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let code = errno
            close(fd)
            throw FeedReadError(path: path, message: "\(path): cannot stat: \(FeedReader.describeErrno(code))")
        }
        if info.st_mode & S_IFMT == S_IFDIR {
            close(fd)
            throw FeedReadError(path: path, message: "\(path): is a directory, not a feed file")
        }
        self.fd = fd
        self.fileSize = Int(info.st_size)
    }

    deinit {
        close(fd)
    }

    static func describeErrno(_ code: Int32) -> String {
        guard let text = strerror(code) else { return "error \(code)" }
        return String(cString: text)
    }

    /// Calls `body` for every non-blank line, in order, with its 1-based line number (counting
    /// every line of the file, blank ones too) and its bytes (without the LF, and without a CR
    /// directly before the LF). A line longer than `maxLineBytes` is passed with `truncated: true`
    /// and only its first `maxLineBytes` bytes (the rest is skipped without being held in memory).
    /// The UTF-8 BOM (EF BB BF) is removed only at the very start of the (decompressed) file. A
    /// line that is empty or only spaces/tabs is blank: skipped, not passed. A lone CR elsewhere is
    /// data. The last line may lack an LF. The buffer is only valid during the call.
    ///
    /// Each call reads the file from its start again. Throws `FeedReadError` for read errors and
    /// corrupt or truncated gzip data, and rethrows whatever `body` throws (stopping there).
    public func forEachLine(_ body: (_ lineNumber: Int, _ bytes: UnsafeRawBufferPointer, _ truncated: Bool) throws -> Void) throws {
        if lseek(fd, 0, SEEK_SET) < 0 {
            let code = errno
            throw FeedReadError(path: path, message: "\(path): cannot seek: \(FeedReader.describeErrno(code))")
        }
        bytesRead = 0
        var splitter = LineSplitter(maxLineBytes: maxLineBytes)
        let input = UnsafeMutableRawPointer.allocate(byteCount: chunkSize, alignment: 16)
        defer { input.deallocate() }
        if isGzip {
            try inflateAll(input, &splitter, body)
        } else {
            while true {
                let count = try readChunk(input)
                if count == 0 { break }
                try splitter.feed(UnsafeRawBufferPointer(start: input, count: count), body)
            }
        }
        try splitter.finish(body)
    }

    /// Reads up to `chunkSize` bytes; 0 at the end of the file.
    private func readChunk(_ buffer: UnsafeMutableRawPointer) throws(FeedReadError) -> Int {
        while true {
            let count = read(fd, buffer, chunkSize)
            if count >= 0 {
                bytesRead += count
                return count
            }
            let code = errno
            if code == EINTR { continue }
            throw FeedReadError(path: path, message: "\(path): read failed after \(bytesRead) bytes: \(FeedReader.describeErrno(code))")
        }
    }

    private func inflateAll(_ input: UnsafeMutableRawPointer, _ splitter: inout LineSplitter,
                            _ body: (Int, UnsafeRawBufferPointer, Bool) throws -> Void) throws {
        // zlib keeps a pointer back to the stream, so it must not move: allocate it.
        let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        defer { stream.deallocate() }
        guard samtaler_inflateInit2(stream, 15 + 32) == Z_OK else {  // 15 + 32: gzip or zlib header, detected
            throw FeedReadError(path: path, message: "\(path): cannot start gzip decompression")
        }
        defer { inflateEnd(stream) }
        let output = UnsafeMutableRawPointer.allocate(byteCount: chunkSize, alignment: 16)
        defer { output.deallocate() }
        let outputBytes = output.assumingMemoryBound(to: Bytef.self)

        var endOfFile = false
        var inMember = false  // some input of the current member has been given to zlib
        var members = 0
        while true {
            if stream.pointee.avail_in == 0, !endOfFile {
                let count = try readChunk(input)
                if count == 0 {
                    endOfFile = true
                } else {
                    stream.pointee.next_in = input.assumingMemoryBound(to: Bytef.self)
                    stream.pointee.avail_in = uInt(count)
                }
            }
            if stream.pointee.avail_in == 0, endOfFile, !inMember {
                if members == 0 {
                    throw FeedReadError(path: path, message: "\(path): not gzip data (the file is empty)")
                }
                return
            }
            if stream.pointee.avail_in > 0 { inMember = true }
            stream.pointee.next_out = outputBytes
            stream.pointee.avail_out = uInt(chunkSize)
            let status = inflate(stream, Z_NO_FLUSH)
            let produced = chunkSize - Int(stream.pointee.avail_out)
            if produced > 0 {
                try splitter.feed(UnsafeRawBufferPointer(start: output, count: produced), body)
            }
            switch status {
            case Z_OK:
                continue
            case Z_STREAM_END:
                // One gzip member is complete; another may follow (multi-member files, `cat a.gz b.gz`).
                members += 1
                inMember = false
                guard inflateReset(stream) == Z_OK else {
                    throw corrupt(stream, detail: "cannot restart after member \(members)")
                }
            case Z_BUF_ERROR:
                // No progress without more input: read more, or the member ends early.
                if stream.pointee.avail_in == 0 {
                    if endOfFile {
                        throw FeedReadError(path: path, message: "\(path): gzip data is truncated after \(bytesRead) bytes")
                    }
                } else {
                    throw corrupt(stream, detail: nil)
                }
            default:  // Z_DATA_ERROR, Z_NEED_DICT, Z_STREAM_ERROR, Z_MEM_ERROR
                throw corrupt(stream, detail: nil)
            }
        }
    }

    private func corrupt(_ stream: UnsafeMutablePointer<z_stream>, detail: String?) -> FeedReadError {
        let consumed = bytesRead - Int(stream.pointee.avail_in)
        var reason = detail ?? ""
        if reason.isEmpty, let msg = stream.pointee.msg { reason = String(cString: msg) }
        let suffix = reason.isEmpty ? "" : " (\(reason))"
        return FeedReadError(path: path, message: "\(path): gzip data is corrupt after \(consumed) bytes\(suffix)")
    }
}

/// Cuts a byte stream into lines as the feed contract defines them (see `FeedReader.forEachLine`).
/// A line that lies wholly inside one chunk is passed without copying; one that spans chunks is
/// assembled in `carry`, which never holds more than `maxLineBytes` bytes.
struct LineSplitter {
    let maxLineBytes: Int
    private(set) var lineNumber = 0

    /// The start of the stream is still being checked for a BOM; `head` holds the bytes seen so far.
    private var atStart = true
    private var head: [UInt8] = []

    /// The line in progress that spans chunks: its first `maxLineBytes` bytes, its full length,
    /// where its first byte other than space/tab is, and whether its last byte is CR.
    private var carry: [UInt8] = []
    private var lineLength = 0
    private var firstNonBlank: Int? = nil
    private var endsWithCR = false

    private static let lf: UInt8 = 0x0A
    private static let cr: UInt8 = 0x0D

    init(maxLineBytes: Int) {
        self.maxLineBytes = max(0, maxLineBytes)
    }

    mutating func feed(_ chunk: UnsafeRawBufferPointer,
                       _ body: (Int, UnsafeRawBufferPointer, Bool) throws -> Void) rethrows {
        guard let base = chunk.baseAddress, chunk.count > 0 else { return }
        var start = 0
        if atStart {
            let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
            while start < chunk.count, head.count < 3 {
                head.append(chunk[start])
                start += 1
                if head.last != bom[head.count - 1] { break }
            }
            if head == bom {
                atStart = false
                head = []
            } else if head.count < 3, head.last == bom[head.count - 1], start == chunk.count {
                return  // still a possible BOM: wait for more bytes
            } else {
                atStart = false
                let pending = head
                head = []
                try pending.withUnsafeBytes { try split($0, body) }
            }
        }
        if start < chunk.count {
            try split(UnsafeRawBufferPointer(start: base + start, count: chunk.count - start), body)
        }
    }

    /// At the end of the stream: passes the last line if it lacks an LF.
    mutating func finish(_ body: (Int, UnsafeRawBufferPointer, Bool) throws -> Void) rethrows {
        if atStart {
            atStart = false
            let pending = head
            head = []
            try pending.withUnsafeBytes { try split($0, body) }
        }
        if lineLength > 0 {
            try endCarriedLine(terminated: false, body)
        }
    }

    private mutating func split(_ chunk: UnsafeRawBufferPointer,
                                _ body: (Int, UnsafeRawBufferPointer, Bool) throws -> Void) rethrows {
        guard let base = chunk.baseAddress else { return }
        let count = chunk.count
        var position = 0
        while position < count {
            guard let found = memchr(base + position, Int32(LineSplitter.lf), count - position) else {
                appendToCarry(UnsafeRawBufferPointer(start: base + position, count: count - position))
                return
            }
            let end = UnsafeRawPointer(found) - base
            if lineLength > 0 {
                appendToCarry(UnsafeRawBufferPointer(start: base + position, count: end - position))
                try endCarriedLine(terminated: true, body)
            } else {
                // The whole line is in this chunk: pass it in place.
                lineNumber += 1
                var contentEnd = end
                if contentEnd > position, chunk[contentEnd - 1] == LineSplitter.cr { contentEnd -= 1 }
                var k = position
                while k < contentEnd, chunk[k] == 0x20 || chunk[k] == 0x09 { k += 1 }
                if k < contentEnd {
                    let length = contentEnd - position
                    let truncated = length > maxLineBytes
                    try body(lineNumber, UnsafeRawBufferPointer(start: base + position, count: truncated ? maxLineBytes : length), truncated)
                }
            }
            position = end + 1
        }
    }

    private mutating func appendToCarry(_ segment: UnsafeRawBufferPointer) {
        guard segment.count > 0 else { return }
        if firstNonBlank == nil {
            var k = 0
            while k < segment.count, segment[k] == 0x20 || segment[k] == 0x09 { k += 1 }
            if k < segment.count { firstNonBlank = lineLength + k }
        }
        let room = maxLineBytes - carry.count
        if room > 0 {
            carry.append(contentsOf: UnsafeRawBufferPointer(rebasing: segment.prefix(room)))
        }
        endsWithCR = segment[segment.count - 1] == LineSplitter.cr
        lineLength += segment.count
    }

    private mutating func endCarriedLine(terminated: Bool,
                                         _ body: (Int, UnsafeRawBufferPointer, Bool) throws -> Void) rethrows {
        lineNumber += 1
        let length = lineLength - (terminated && endsWithCR ? 1 : 0)
        let blank = firstNonBlank.map { $0 >= length } ?? true
        let truncated = length > maxLineBytes
        let passed = min(length, maxLineBytes)
        lineLength = 0
        firstNonBlank = nil
        endsWithCR = false
        defer { carry.removeAll(keepingCapacity: true) }
        if !blank {
            try carry.withUnsafeBytes { all in
                try body(lineNumber, UnsafeRawBufferPointer(rebasing: all.prefix(passed)), truncated)
            }
        }
    }
}
