import CZlib
import Foundation
import Testing
@testable import SamtalerFeed

// MARK: Helpers

/// One line as the reader passes it.
private struct Line: Equatable, CustomStringConvertible {
    var number: Int
    var bytes: [UInt8]
    var truncated: Bool

    init(_ number: Int, _ text: String, truncated: Bool = false) {
        self.init(number, Array(text.utf8), truncated: truncated)
    }

    init(_ number: Int, _ bytes: [UInt8], truncated: Bool = false) {
        self.number = number
        self.bytes = bytes
        self.truncated = truncated
    }

    var description: String {
        "\(number):\(String(decoding: bytes, as: UTF8.self).debugDescription)\(truncated ? " (truncated)" : "")"
    }
}

/// A fresh directory per test (tests run in parallel), removed on deinit.
private final class TempDir {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("feedreader-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    @discardableResult
    func write(_ name: String, _ bytes: [UInt8]) throws -> String {
        let path = path(name)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// Writes a gzip file with one member per element of `members` (zlib's gz* API; mode "ab"
    /// appends a new member).
    @discardableResult
    func writeGzip(_ name: String, members: [[UInt8]]) throws -> String {
        let path = path(name)
        try? FileManager.default.removeItem(atPath: path)
        for (index, member) in members.enumerated() {
            guard let file = gzopen(path, index == 0 ? "wb" : "ab") else { throw GzipWriteError() }
            if !member.isEmpty {
                let written = member.withUnsafeBytes { gzwrite(file, $0.baseAddress, UInt32($0.count)) }
                guard written == Int32(member.count) else { throw GzipWriteError() }
            }
            guard gzclose(file) == Z_OK else { throw GzipWriteError() }
        }
        return path
    }

    func read(_ path: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: URL(fileURLWithPath: path))) }
}

private struct GzipWriteError: Error {}

private func readLines(_ path: String, maxLineBytes: Int = 1 << 20, chunkSize: Int = 1 << 20) throws -> [Line] {
    let reader = try FeedReader(path: path, maxLineBytes: maxLineBytes, chunkSize: chunkSize)
    var lines: [Line] = []
    try reader.forEachLine { number, bytes, truncated in
        lines.append(Line(number, Array(bytes), truncated: truncated))
    }
    return lines
}

/// The contract, written as plainly as possible, to compare the reader against.
private func referenceLines(_ data: [UInt8], maxLineBytes: Int) -> [Line] {
    var data = data[...]
    if data.starts(with: [0xEF, 0xBB, 0xBF]) { data = data.dropFirst(3) }
    var pieces = data.split(separator: 0x0A, omittingEmptySubsequences: false).map(Array.init)
    let lastTerminated = pieces.last?.isEmpty ?? true
    if lastTerminated { pieces.removeLast() }  // after the final LF (or an empty file): no line
    var lines: [Line] = []
    for (index, piece) in pieces.enumerated() {
        var content = piece
        let terminated = index < pieces.count - 1 || lastTerminated
        if terminated, content.last == 0x0D { content.removeLast() }
        if content.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
        lines.append(Line(index + 1, Array(content.prefix(maxLineBytes)), truncated: content.count > maxLineBytes))
    }
    return lines
}

private let chunkSizes = [1, 2, 3, 4, 5, 7, 16, 1 << 20]
private let bom: [UInt8] = [0xEF, 0xBB, 0xBF]

private func utf8(_ s: String) -> [UInt8] { Array(s.utf8) }

// MARK: Line splitting

@Suite struct FeedReaderLineTests {
    @Test(arguments: chunkSizes)
    func plainLines(chunkSize: Int) throws {
        let dir = try TempDir()
        let path = try dir.write("a.jsonl", utf8("{\"a\":1}\n{\"b\":2}\n{\"c\":3}\n"))
        #expect(try readLines(path, chunkSize: chunkSize) == [Line(1, "{\"a\":1}"), Line(2, "{\"b\":2}"), Line(3, "{\"c\":3}")])
    }

    @Test(arguments: chunkSizes)
    func crlf(chunkSize: Int) throws {
        let dir = try TempDir()
        let path = try dir.write("a.jsonl", utf8("one\r\ntwo\r\n\r\nthree\r\n"))
        #expect(try readLines(path, chunkSize: chunkSize) == [Line(1, "one"), Line(2, "two"), Line(4, "three")])
    }

    @Test(arguments: chunkSizes)
    func loneCRIsData(chunkSize: Int) throws {
        let dir = try TempDir()
        let path = try dir.write("a.jsonl", utf8("a\rb\nc\r\r\n\rd\nlast\r"))
        #expect(try readLines(path, chunkSize: chunkSize) == [
            Line(1, "a\rb"), Line(2, "c\r"), Line(3, "\rd"), Line(4, "last\r"),  // no LF after the final CR: it stays
        ])
    }

    @Test(arguments: chunkSizes)
    func bomOnlyAtTheVeryStart(chunkSize: Int) throws {
        let dir = try TempDir()
        let path = try dir.write("a.jsonl", bom + utf8("{}\n") + bom + utf8("{}\n"))
        #expect(try readLines(path, chunkSize: chunkSize) == [Line(1, "{}"), Line(2, bom + utf8("{}"))])
    }

    @Test(arguments: chunkSizes)
    func bomEdgeCases(chunkSize: Int) throws {
        let dir = try TempDir()
        let cases: [([UInt8], [Line])] = [
            (bom, []),                                           // only a BOM
            (bom + utf8("\n\n"), []),                            // BOM, then blank lines
            (bom + utf8("x"), [Line(1, "x")]),
            (bom + bom, [Line(1, bom)]),                         // a second BOM is data
            (utf8("\n") + bom + utf8("x\n"), [Line(2, bom + utf8("x"))]),
            ([0xEF, 0xBB], [Line(1, [0xEF, 0xBB])]),             // a partial BOM is data
            ([0xEF], [Line(1, [0xEF])]),
            ([0xEF, 0xBB, 0x41, 0x0A], [Line(1, [0xEF, 0xBB, 0x41])]),
            ([0xEF, 0x0A, 0x41], [Line(1, [0xEF]), Line(2, "A")]),
            (utf8(" ") + bom, [Line(1, utf8(" ") + bom)]),
            ([0xBB, 0xBF], [Line(1, [0xBB, 0xBF])]),
        ]
        for (index, (data, expected)) in cases.enumerated() {
            let path = try dir.write("bom\(index).jsonl", data)
            #expect(try readLines(path, chunkSize: chunkSize) == expected, "case \(index)")
        }
    }

    @Test(arguments: chunkSizes)
    func blankLinesCountButAreSkipped(chunkSize: Int) throws {
        let dir = try TempDir()
        let path = try dir.write("a.jsonl", utf8("\n  \n\t\n a\n\r\n \t\r\nb\n \t \n"))
        #expect(try readLines(path, chunkSize: chunkSize) == [Line(4, " a"), Line(7, "b")])
    }

    @Test(arguments: chunkSizes)
    func missingFinalLF(chunkSize: Int) throws {
        let dir = try TempDir()
        let path = try dir.write("a.jsonl", utf8("a\nb"))
        #expect(try readLines(path, chunkSize: chunkSize) == [Line(1, "a"), Line(2, "b")])
        let blankLast = try dir.write("b.jsonl", utf8("a\n  "))
        #expect(try readLines(blankLast, chunkSize: chunkSize) == [Line(1, "a")])
    }

    @Test func emptyFile() throws {
        let dir = try TempDir()
        let path = try dir.write("empty.jsonl", [])
        #expect(try readLines(path) == [])
        let reader = try FeedReader(path: path)
        #expect(reader.fileSize == 0)
    }

    @Test(arguments: chunkSizes)
    func longLinesAreTruncatedWithTheFlag(chunkSize: Int) throws {
        let dir = try TempDir()
        let ten = "0123456789"
        let text = [
            ten + ten + "abcde",                          // 1: 25 bytes
            ten,                                          // 2: exactly the limit
            ten + "x",                                    // 3: one over
            ten + "\r",                                   // 4: CRLF: the CR does not count
            String(repeating: " ", count: 30),            // 5: blank however long
            String(repeating: " ", count: 20) + "x",      // 6: long, not blank
            "short",                                      // 7
            ten + "\r",                                   // 8: last line without LF: the CR is data
        ].joined(separator: "\n")
        let path = try dir.write("long.jsonl", utf8(text))
        #expect(try readLines(path, maxLineBytes: 10, chunkSize: chunkSize) == [
            Line(1, ten, truncated: true),
            Line(2, ten),
            Line(3, ten, truncated: true),
            Line(4, ten),
            Line(6, String(repeating: " ", count: 10), truncated: true),
            Line(7, "short"),
            Line(8, ten, truncated: true),
        ])
    }

    @Test func hugeLineIsNotHeldInMemory() throws {
        let dir = try TempDir()
        var data = [UInt8](repeating: UInt8(ascii: "a"), count: 5 << 20)
        data.append(0x0A)
        data.append(contentsOf: utf8("{}\n"))
        let path = try dir.write("huge.jsonl", data)
        let lines = try readLines(path, maxLineBytes: 1000, chunkSize: 4096)
        #expect(lines.count == 2)
        #expect(lines.first?.bytes.count == 1000)
        #expect(lines.first?.truncated == true)
        #expect(lines.last == Line(2, "{}"))
    }

    @Test func linesSpanningChunkBoundariesMatchTheReference() throws {
        let dir = try TempDir()
        var rng = FeedFuzzRNG(seed: 7)
        let alphabet: [UInt8] = [0x61, 0x62, 0x20, 0x20, 0x09, 0x0D, 0x0A, 0x0A, 0x0A, 0xEF, 0xBB, 0xBF, 0x7B, 0x7D]
        for round in 0..<300 {
            var data = (0..<Int(rng.next() % 80)).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] }
            if rng.next() % 3 == 0 { data = bom + data }
            let maxLineBytes = Int(rng.next() % 12)
            let chunkSize = Int(rng.next() % 9) + 1
            let path = try dir.write("r\(round).jsonl", data)
            let expected = referenceLines(data, maxLineBytes: maxLineBytes)
            #expect(try readLines(path, maxLineBytes: maxLineBytes, chunkSize: chunkSize) == expected,
                    "round \(round): \(data) max \(maxLineBytes) chunk \(chunkSize)")
        }
    }

    @Test func bufferAndProgress() throws {
        let dir = try TempDir()
        let data = utf8(String(repeating: "{\"id\":\"x\"}\n", count: 1000))
        let path = try dir.write("p.jsonl", data)
        let reader = try FeedReader(path: path, maxLineBytes: 100, chunkSize: 1000)
        #expect(reader.path == path)
        #expect(reader.fileSize == data.count)
        #expect(reader.bytesRead == 0)
        var progress: [Int] = []
        var count = 0
        try reader.forEachLine { number, bytes, truncated in
            count += 1
            #expect(number == count)
            #expect(Array(bytes) == utf8("{\"id\":\"x\"}"))
            #expect(!truncated)
            progress.append(reader.bytesRead)
        }
        #expect(count == 1000)
        #expect(reader.bytesRead == data.count)
        #expect(progress == progress.sorted())
        #expect(progress.first ?? 0 < data.count)
        // Reading again starts over.
        var again = 0
        try reader.forEachLine { _, _, _ in again += 1 }
        #expect(again == 1000)
    }

    @Test func errorsFromTheBodyStopReading() throws {
        struct Stop: Error {}
        let dir = try TempDir()
        let path = try dir.write("a.jsonl", utf8("a\nb\nc\n"))
        var seen: [Int] = []
        #expect(throws: Stop.self) {
            try FeedReader(path: path).forEachLine { number, _, _ in
                seen.append(number)
                if number == 2 { throw Stop() }
            }
        }
        #expect(seen == [1, 2])
    }

    @Test func feedLinesParse() throws {
        let dir = try TempDir()
        let text = """
        {"registrering":"samtale","id":"AK-77-1","registreret":"2025-03-05T09:00:00+01:00","indberetter":{"type":"akasse","kode":"77"},"cpr":"120385-4321","afholdt":"2025-03-05T08:30:00+01:00","samtaletype":"CV_SAMTALE","samtaleform":"PERSONLIGT","aftale":{"forpligtende":true,"saerligIndsats":false},"cvGodkendelse":"GODKENDT"}\r

        {"registrering":"samtale","id":"JC101-2025-000001","handling":"annuller","registreret":"2025-03-06T12:00:00+01:00","indberetter":{"type":"jobcenter","kode":"101"}}
        """
        let path = try dir.write("feed.jsonl", bom + utf8(text))
        var ids: [Int: JSONValue] = [:]
        try FeedReader(path: path).forEachLine { number, bytes, _ in
            ids[number] = try JSONParser.parseObject(bytes)["id"]
        }
        #expect(ids == [1: .string("AK-77-1"), 3: .string("JC101-2025-000001")])
    }
}

// MARK: Gzip

@Suite struct FeedReaderGzipTests {
    private let text = utf8("{\"a\":1}\r\n\n  \n{\"b\":2}\n" + String(repeating: "{\"filler\":\"0123456789\"}\n", count: 500) + "last")

    @Test(arguments: chunkSizes)
    func gzipReadsLikePlain(chunkSize: Int) throws {
        let dir = try TempDir()
        let plain = try dir.write("feed.jsonl", bom + text)
        let gz = try dir.writeGzip("feed.jsonl.gz", members: [bom + text])
        let expected = try readLines(plain)
        #expect(expected.count == 503)
        #expect(try readLines(gz, maxLineBytes: 1 << 20, chunkSize: chunkSize) == expected)
        #expect(try readLines(gz, maxLineBytes: 5, chunkSize: chunkSize) == referenceLines(bom + text, maxLineBytes: 5))
    }

    @Test func progressCountsCompressedBytes() throws {
        let dir = try TempDir()
        let gz = try dir.writeGzip("feed.jsonl.gz", members: [text])
        let reader = try FeedReader(path: gz)
        let size = try dir.read(gz).count
        #expect(reader.fileSize == size)
        #expect(size < text.count)
        try reader.forEachLine { _, _, _ in }
        #expect(reader.bytesRead == size)
    }

    @Test(arguments: chunkSizes)
    func multiMember(chunkSize: Int) throws {
        let dir = try TempDir()
        // A line split across members, an empty member, and a BOM only in the first member.
        let members = [bom + utf8("one\ntw"), utf8(""), utf8("o\n") + bom + utf8("three\n"), utf8("\nfive")]
        let gz = try dir.writeGzip("multi.jsonl.gz", members: members)
        #expect(try readLines(gz, maxLineBytes: 1 << 20, chunkSize: chunkSize) == [
            Line(1, "one"), Line(2, "two"), Line(3, bom + utf8("three")), Line(5, "five"),
        ])
        // The same by concatenating two gzip files, as `cat a.gz b.gz > c.gz` does.
        let a = try dir.read(try dir.writeGzip("a.gz", members: [utf8("a\n")]))
        let b = try dir.read(try dir.writeGzip("b.gz", members: [utf8("b\n")]))
        let cat = try dir.write("cat.jsonl.gz", a + b)
        #expect(try readLines(cat, maxLineBytes: 1 << 20, chunkSize: chunkSize) == [Line(1, "a"), Line(2, "b")])
    }

    @Test func gzipWrittenByTheGzipTool() throws {
        let tool = ["/usr/bin/gzip", "/bin/gzip"].first { FileManager.default.isExecutableFile(atPath: $0) }
        guard let tool else { return }
        let dir = try TempDir()
        let plain = try dir.write("tool.jsonl", text)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = ["-k", "-9", plain]
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(try readLines(plain + ".gz", maxLineBytes: 1 << 20, chunkSize: 100) == readLines(plain))
    }

    private func expectReadError(_ path: String, contains fragments: [String], chunkSize: Int = 1 << 20,
                                 sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            _ = try readLines(path, chunkSize: chunkSize)
            Issue.record("no error for \(path)", sourceLocation: sourceLocation)
        } catch let error as FeedReadError {
            #expect(error.path == path, sourceLocation: sourceLocation)
            #expect(error.description == error.message, sourceLocation: sourceLocation)
            #expect(error.message.hasPrefix(path + ": "), sourceLocation: sourceLocation)
            for fragment in fragments {
                #expect(error.message.contains(fragment), "\(error.message)", sourceLocation: sourceLocation)
            }
        } catch {
            Issue.record("unexpected error \(error)", sourceLocation: sourceLocation)
        }
    }

    @Test(arguments: [1, 7, 1 << 20])
    func corruptGzip(chunkSize: Int) throws {
        let dir = try TempDir()
        let good = try dir.read(try dir.writeGzip("good.gz", members: [text]))

        // Not gzip at all.
        expectReadError(try dir.write("plain.jsonl.gz", text), contains: ["gzip data is corrupt after", "incorrect header check"],
                        chunkSize: chunkSize)
        // A damaged CRC in the trailer (last 8 bytes: CRC-32, then size).
        var badCRC = good
        badCRC[badCRC.count - 8] ^= 0xFF
        expectReadError(try dir.write("crc.jsonl.gz", badCRC), contains: ["gzip data is corrupt after", "incorrect data check"],
                        chunkSize: chunkSize)
        // Truncated in the middle and just before the trailer.
        expectReadError(try dir.write("half.jsonl.gz", Array(good.prefix(good.count / 2))), contains: ["gzip data is truncated after"],
                        chunkSize: chunkSize)
        expectReadError(try dir.write("tail.jsonl.gz", Array(good.dropLast(3))), contains: ["truncated"], chunkSize: chunkSize)
        expectReadError(try dir.write("header.jsonl.gz", Array(good.prefix(5))), contains: ["truncated"], chunkSize: chunkSize)
        // Garbage after a complete member (zlib reads two bytes of the would-be header first).
        expectReadError(try dir.write("garbage.jsonl.gz", good + utf8("garbage")),
                        contains: ["gzip data is corrupt after \(good.count + 2) bytes", "incorrect header check"],
                        chunkSize: chunkSize)
        // Empty file.
        expectReadError(try dir.write("empty.jsonl.gz", []), contains: ["empty"], chunkSize: chunkSize)
    }

    @Test func damagedDeflateDataNeverCrashes() throws {
        let dir = try TempDir()
        let good = try dir.read(try dir.writeGzip("good.gz", members: [text]))
        var rng = FeedFuzzRNG(seed: 99)
        for round in 0..<200 {
            var bad = good
            let position = 10 + Int(rng.next() % UInt64(bad.count - 18))
            bad[position] ^= UInt8(truncatingIfNeeded: rng.next() | 1)
            let path = try dir.write("bad\(round).jsonl.gz", bad)
            do {
                _ = try readLines(path, chunkSize: 64)
                Issue.record("damage at \(position) not detected")  // the CRC-32 catches any single-byte change
            } catch let error as FeedReadError {
                #expect(error.message.contains("corrupt") || error.message.contains("truncated"), "\(error.message)")
            }
        }
    }

    @Test func linesPassedBeforeTheDamageAreKept() throws {
        let dir = try TempDir()
        let good = try dir.read(try dir.writeGzip("good.gz", members: [text]))
        let path = try dir.write("half.jsonl.gz", Array(good.prefix(good.count / 2)))
        var count = 0
        #expect(throws: FeedReadError.self) {
            try FeedReader(path: path).forEachLine { _, _, _ in count += 1 }
        }
        #expect(count > 0)
    }
}

// MARK: Opening

@Suite struct FeedReaderOpenTests {
    @Test func missingFile() throws {
        let dir = try TempDir()
        let path = dir.path("missing.jsonl")
        do {
            _ = try FeedReader(path: path)
            Issue.record("opened a missing file")
        } catch {
            #expect(error.path == path)
            #expect(error.message == "\(path): cannot open: No such file or directory")
        }
        #expect(throws: FeedReadError.self) { try FeedReader(path: dir.path("missing.jsonl.gz")) }
    }

    @Test func directory() throws {
        let dir = try TempDir()
        do {
            _ = try FeedReader(path: dir.url.path)
            Issue.record("opened a directory")
        } catch {
            #expect(error.message == "\(dir.url.path): is a directory, not a feed file")
        }
    }

    @Test func unreadableFile() throws {
        guard getuid() != 0 else { return }  // root reads anything
        let dir = try TempDir()
        let path = try dir.write("secret.jsonl", utf8("{}\n"))
        chmod(path, 0)
        do {
            _ = try FeedReader(path: path)
            Issue.record("opened an unreadable file")
        } catch {
            #expect(error.message == "\(path): cannot open: Permission denied")
        }
    }
}
