// The synthetic feed generator: realistic registration files (JSON Lines, `shared/spec/feed.md`)
// for demos, tests and benchmarks of the loader, with a known share of deliberately invalid lines.
//
// Deterministic: the same options and reference data give byte-identical output on any machine
// (own PRNG, integer arithmetic for every choice, reference data iterated in sorted order).

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import SamtalerFeed

public struct SyntheticFeedOptions: Sendable {
    /// Number of lines to write (exactly).
    public var rows: Int
    public var seed: UInt64
    /// First conversation date (Copenhagen).
    public var from: CivilDate
    /// Last conversation date (Copenhagen).
    public var to: CivilDate
    /// Share of deliberately invalid lines (0...1); the count is `rows * invalidShare` rounded.
    public var invalidShare: Double
    /// Jobcentre number their registrations per kommune and year from this + 1, so that feeds
    /// of the same year loaded one after the other bring new registrations, not corrections.
    public var jobcenterIDOffset = 0
    /// How registrations and their versions are mixed (`SyntheticFeedProfile`).
    public var profile: SyntheticFeedProfile = .bench

    public init(rows: Int, seed: UInt64,
                from: CivilDate = CivilDate(year: 2024, month: 1, day: 1)!,
                to: CivilDate = CivilDate(year: 2025, month: 12, day: 31)!,
                invalidShare: Double = 0.01) {
        self.rows = rows
        self.seed = seed
        self.from = from
        self.to = to
        self.invalidShare = invalidShare
    }
}

/// The shape of a feed: which registrations it holds and how their versions arrive. Every shape is
/// valid under the feed contract (but the lines `invalidShare` asks for) and deterministic by seed.
public enum SyntheticFeedProfile: String, CaseIterable, Sendable {
    /// The project's bench feed, the default (the same bytes for the same seed as before shapes
    /// existed): conversations with 6 % Min Plan drafts and job search requirements, a-kasser on
    /// about 18 % of lines; about 4 % of registrations corrected later (15 % of those corrections
    /// arriving before their original), 1 % withdrawn, 0.5 % sent twice; a person's
    /// visitationsgruppe reassessed every 120 days.
    case bench
    /// Every registration new, in one version (no `ret`, no `annuller`, no duplicate):
    /// conversations only, a-kasser on 35 % of lines, participants on about 30 %, and a
    /// visitationsgruppe drawn at random on 40 % of the jobcenter lines whose kontaktgruppe allows
    /// one, so persons change group often.
    case allNew = "all-new"
    /// Correction-heavy: the bench feed's mix of registrations, of which 3 in 7 get a later
    /// version, so 30 % of lines are later versions (one in six a withdrawal); half of those
    /// arrive before their original, most within 3,000 lines of it, one in ten up to 40,000
    /// lines away.
    case corrections
}

public struct SyntheticFeedStats: Sendable, Equatable {
    /// Lines written (== rows).
    public var lines = 0
    /// Lines deliberately made invalid (each must be rejected by a loader that follows the contract).
    public var invalid = 0
    /// Valid lines by registrering (every valid line, whatever its handling).
    public var samtaler = 0
    public var minplaner = 0
    public var jobsoegningskrav = 0
    /// Valid `ret` lines and valid `annuller` lines.
    public var corrections = 0
    public var withdrawals = 0
    /// Invalid lines by kind, e.g. "broken_json": 3, "cpr_date": 5.
    public var invalidByKind: [String: Int] = [:]

    public init() {}

    /// Valid lines: `lines == valid + invalid`.
    public var valid: Int { samtaler + minplaner + jobsoegningskrav }
}

public struct SyntheticFeedError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public init(message: String) { self.message = message }
    public var description: String { message }
}

public enum SyntheticFeed {
    /// The names of the kinds of deliberately invalid lines (keys of `invalidByKind`).
    public static var invalidKindNames: [String] { InvalidKind.allCases.map(\.rawValue) }

    /// Writes exactly `options.rows` lines to `path` (plain JSON Lines, LF line ends) and returns what it wrote.
    public static func write(to path: String, options: SyntheticFeedOptions, reference: ReferenceData) throws -> SyntheticFeedStats {
        let fd = syntheticFeedOpen(path)
        guard fd >= 0 else { throw SyntheticFeedError(message: "\(path): cannot open for writing (errno \(errno))") }
        var closed = false
        defer { if !closed { _ = close(fd) } }
        let chunk = 1 << 20
        var buffer: [UInt8] = []
        buffer.reserveCapacity(chunk + 64 * 1024)
        let stats = try generate(options: options, reference: reference) { line, _ in
            buffer.append(contentsOf: line)
            buffer.append(0x0A)
            if buffer.count >= chunk {
                try syntheticFeedWriteAll(fd, buffer, path: path)
                buffer.removeAll(keepingCapacity: true)
            }
        }
        try syntheticFeedWriteAll(fd, buffer, path: path)
        closed = true
        if close(fd) != 0 { throw SyntheticFeedError(message: "\(path): close failed (errno \(errno))") }
        return stats
    }

    /// Same, line by line, for tests: calls `emit` with each line's bytes (without LF) and whether
    /// it is a deliberately invalid line.
    public static func generate(options: SyntheticFeedOptions, reference: ReferenceData,
                                emit: (_ line: [UInt8], _ invalid: Bool) throws -> Void) throws -> SyntheticFeedStats {
        guard options.rows >= 0 else { throw SyntheticFeedError(message: "rows must not be negative") }
        guard !(options.to < options.from) else { throw SyntheticFeedError(message: "'from' (\(options.from)) is after 'to' (\(options.to))") }
        guard options.invalidShare.isFinite, (0...1).contains(options.invalidShare) else {
            throw SyntheticFeedError(message: "invalidShare must be between 0 and 1")
        }
        if options.rows == 0 { return SyntheticFeedStats() }
        let tables = try Tables(reference: reference, options: options)
        var engine = Engine(tables: tables, options: options)
        return try engine.run(emit: emit)
    }
}

private func syntheticFeedOpen(_ path: String) -> Int32 {
    open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
}

private func syntheticFeedWriteAll(_ fd: Int32, _ bytes: [UInt8], path: String) throws {
    try bytes.withUnsafeBytes { raw in
        guard var p = raw.baseAddress else { return }
        var left = raw.count
        while left > 0 {
            let n = write(fd, p, left)
            if n < 0 {
                if errno == EINTR { continue }
                throw SyntheticFeedError(message: "\(path): write failed (errno \(errno))")
            }
            p += n
            left -= n
        }
    }
}
