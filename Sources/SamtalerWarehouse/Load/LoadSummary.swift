import Foundation

/// What one run of `samtaler load` did. The same figures go to the terminal, to
/// `--summary-json` and to the batch table (`samtaler.dim_batch`).
public struct LoadSummary: Sendable, Equatable {
    public enum Status: String, Sendable {
        /// Every accepted line was published.
        case published = "publiceret"
        /// The rejected share was over `--max-reject-ratio`: nothing was published.
        case overThreshold = "over_taerskel"
    }

    public var batch: Int = 0
    public var files: [String] = []
    public var read = 0
    public var accepted = 0
    public var rejected = 0
    public var rejectedByRule: [String: Int] = [:]
    public var new = 0
    public var changed = 0
    public var withdrawn = 0
    public var unchanged = 0
    public var seconds = 0.0
    /// Of `seconds`: reading, validating and streaming rows with COPY.
    public var streamSeconds = 0.0
    /// Of `seconds`: the set-based merge into the facts.
    public var mergeSeconds = 0.0
    /// After `seconds` (the batch published): writing the conversations again sorted by person
    /// (samtaler.kept_samtale); nil when that failed (reports then read the facts).
    public var keptSeconds: Double?
    /// The years whose blocks of the copy were patched with what the batch changed; nil when the
    /// whole copy was written (after a first load, or when the copy was not up to date as the load
    /// began) or not written.
    public var keptYears: [Int]?
    /// Whether the indexes of the merge's lookups were held in shared buffers (MergeIndexReader); nil
    /// for a first load.
    public var mergeIndexes: MergeIndexes?
    /// The write-ahead log the server wrote from the load's start to its commit, and its WAL
    /// buffers; nil when the server does not say (docs/operations.md, "Memory of the server").
    public var wal: WAL?
    /// First load only: lines that went straight into the facts, as a row or as a later version
    /// folded into one before it was written (the rest were staged).
    public var directLines = 0
    /// First load only: where the accepted lines went (nil for an ordinary load).
    public var firstLoad: FirstLoadPaths?
    public var status: Status = .published
    public var maxRejectRatio = 0.1
    public var rejectsFile: String?
    /// new/changed/withdrawn per kind of registration.
    public var byRegistrering: [String: [String: Int]] = [:]

    /// The indexes of the merge's lookups in shared buffers (samtaler.hold_merge_indexes).
    public struct MergeIndexes: Sendable, Equatable {
        /// They are in shared buffers.
        public var held: Bool
        /// How many relations (indexes and the table of visitation periods).
        public var relations: Int
        /// Their size and the size of shared_buffers, in MB.
        public var megabytes: Int
        public var sharedBuffersMB: Int
        /// Why they are not held.
        public var reason: String?
        /// Seconds the merge waited for them after the feed was read.
        public var waited = 0.0
    }

    /// The write-ahead log of the load, in MB, and the server's `wal_buffers`.
    public struct WAL: Sendable, Equatable {
        public var megabytes: Int
        public var buffersMB: Int

        /// Under this many MB of WAL buffers, a load that writes over `crowded` times as much WAL
        /// waits for WAL writes (an increment right after a checkpoint writes whole index pages:
        /// 125-137 MB into the 10M warehouse; with 16 MB it took 1.87-1.97 s, with 128 MB
        /// 1.63-1.82 s; docs/performance.md, "The increment's WAL").
        static let recommendedMB = 64
        static let crowded = 4

        /// Whether to say that the WAL buffers are small for this load.
        var small: Bool { buffersMB < Self.recommendedMB && megabytes > Self.crowded * buffersMB }
    }

    /// Where a first load's accepted lines went: straight into the facts, or through staging and the
    /// merge, and why (docs/performance.md, "The first load").
    public struct FirstLoadPaths: Sendable, Equatable {
        /// Rows written straight into the facts (conversations, Min Plan, job search).
        public var written = 0
        /// Later versions folded into a row while it waited to be written.
        public var folded = 0
        /// Lines staged because the run had perhaps met their registration: a later version of a
        /// row already written, or a false positive of the Bloom filter.
        public var stagedLaterVersions = 0
        /// Lines staged for another reason: an indberetter without a key that is not an a-kasse
        /// (the validator lets none through).
        public var stagedOther = 0
        /// A-kasser the dimension lacked, added as inferred members during the stream.
        public var inferredAkasser = 0

        public init() {}

        public var staged: Int { stagedLaterVersions + stagedOther }
    }

    public var linesPerSecond: Double { seconds > 0 ? Double(read) / seconds : 0 }
    public var published: Bool { status == .published }

    /// The summary as a JSON object (keys sorted, so the file is stable).
    public func json() -> String {
        func obj(_ d: [String: Int]) -> String {
            "{" + d.keys.sorted().map { "\(JSONText.string($0)):\(d[$0]!)" }.joined(separator: ",") + "}"
        }
        var parts: [String] = []
        parts.append("\"batch\":\(batch)")
        parts.append("\"status\":\(JSONText.string(status.rawValue))")
        parts.append("\"published\":\(published)")
        parts.append("\"files\":[" + files.map(JSONText.string).joined(separator: ",") + "]")
        parts.append("\"read\":\(read)")
        parts.append("\"accepted\":\(accepted)")
        parts.append("\"rejected\":\(rejected)")
        parts.append("\"rejected_by_rule\":" + obj(rejectedByRule))
        parts.append("\"new\":\(new)")
        parts.append("\"changed\":\(changed)")
        parts.append("\"withdrawn\":\(withdrawn)")
        parts.append("\"unchanged\":\(unchanged)")
        parts.append("\"by_registrering\":{" + byRegistrering.keys.sorted().map { "\(JSONText.string($0)):\(obj(byRegistrering[$0]!))" }.joined(separator: ",") + "}")
        parts.append("\"max_reject_ratio\":\(maxRejectRatio)")
        parts.append("\"rejects_file\":" + (rejectsFile.map(JSONText.string) ?? "null"))
        parts.append("\"seconds\":" + String(format: "%.3f", seconds))
        parts.append("\"stream_seconds\":" + String(format: "%.3f", streamSeconds))
        parts.append("\"merge_seconds\":" + String(format: "%.3f", mergeSeconds))
        parts.append("\"kept_seconds\":" + (keptSeconds.map { String(format: "%.3f", $0) } ?? "null"))
        parts.append("\"kept_years\":" + (keptYears.map { "[" + $0.map(String.init).joined(separator: ",") + "]" } ?? "null"))
        parts.append("\"merge_indexes\":" + (mergeIndexes.map { m in
            "{\"held\":\(m.held),\"relations\":\(m.relations),\"megabytes\":\(m.megabytes),\"shared_buffers_mb\":\(m.sharedBuffersMB),\"reason\":"
                + (m.reason.map(JSONText.string) ?? "null") + ",\"waited_seconds\":" + String(format: "%.3f", m.waited) + "}"
        } ?? "null"))
        parts.append("\"wal\":" + (wal.map { "{\"megabytes\":\($0.megabytes),\"buffers_mb\":\($0.buffersMB)}" } ?? "null"))
        parts.append("\"direct_lines\":\(directLines)")
        parts.append("\"first_load\":" + (firstLoad.map { f in
            obj(["written": f.written, "folded": f.folded, "staged_later_versions": f.stagedLaterVersions,
                 "staged_other": f.stagedOther, "inferred_akasser": f.inferredAkasser])
        } ?? "null"))
        parts.append("\"lines_per_second\":" + String(format: "%.1f", linesPerSecond))
        return "{" + parts.joined(separator: ",") + "}\n"
    }

    /// What was written of the kept copy: "every year", "nothing changed", "blocks of 2016, 2026 patched".
    static func years(_ years: [Int]?) -> String {
        guard let years else { return "every year written" }
        return years.isEmpty ? "nothing changed" : "blocks of " + years.map(String.init).joined(separator: ", ") + " patched"
    }

    /// The summary for a person at a terminal.
    public func text() -> String {
        var lines: [String] = []
        let verdict = published ? "published" : "NOT published: rejected share over --max-reject-ratio \(maxRejectRatio)"
        lines.append("batch \(batch): \(verdict)")
        lines.append("files      \(files.count): " + files.joined(separator: ", "))
        lines.append("read       " + Self.thousands(read))
        lines.append("accepted   " + Self.thousands(accepted))
        let share = read > 0 ? String(format: " (%.2f%%)", 100 * Double(rejected) / Double(read)) : ""
        lines.append("rejected   " + Self.thousands(rejected) + share)
        for (rule, n) in rejectedByRule.sorted(by: { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }) {
            lines.append("  " + Self.thousands(n).leftPadded(9) + "  " + rule)
        }
        if published {
            lines.append("new        " + Self.thousands(new))
            lines.append("changed    " + Self.thousands(changed))
            lines.append("withdrawn  " + Self.thousands(withdrawn))
            lines.append("unchanged  " + Self.thousands(unchanged) + " (accepted lines that changed nothing)")
        }
        if let rejectsFile { lines.append("rejects    " + rejectsFile) }
        lines.append(String(format: "seconds    %.2f (read, check and stream %.2f; merge %.2f)", seconds, streamSeconds, mergeSeconds))
        if published {
            lines.append("kept copy  " + (keptSeconds.map { String(format: "%.2f s after publishing, ", $0) + Self.years(keptYears) + " (the conversations sorted by person, for reports)" }
                                          ?? "not written: reports read the facts until the next load"))
        }
        if let m = mergeIndexes {
            lines.append("lookups    " + (m.held
                ? "the merge's \(m.relations) indexes and tables held in memory, " + Self.thousands(m.megabytes) + " MB of "
                  + Self.thousands(m.sharedBuffersMB) + " MB shared buffers" + String(format: " (the merge waited %.2f s for them)", m.waited)
                : "the merge's indexes not held in memory: " + (m.reason ?? "unknown") + " (docs/operations.md, \"Memory of the server\")"))
        }
        if let w = wal {
            lines.append("wal        " + Self.thousands(w.megabytes) + " MB written by the server during the load; WAL buffers "
                         + Self.thousands(w.buffersMB) + " MB" + (w.small
                ? ": small for this load, which waited for WAL writes; set wal_buffers to \(WAL.recommendedMB)-128MB (docs/operations.md, \"Memory of the server\")"
                : ""))
        }
        if let f = firstLoad {
            lines.append("first load " + Self.thousands(directLines) + " lines went straight into the facts (" + Self.thousands(f.folded)
                         + " of them later versions folded into a waiting row), " + Self.thousands(f.staged) + " through staging"
                         + (f.inferredAkasser > 0 ? "; \(f.inferredAkasser) a-kasser inferred" : ""))
        }
        lines.append("lines/s    " + Self.thousands(Int(linesPerSecond.rounded())))
        return lines.joined(separator: "\n") + "\n"
    }

    /// 1234567 → "1,234,567".
    public static func thousands(_ n: Int, separator: UInt8 = UInt8(ascii: ",")) -> String {
        var out: [UInt8] = []
        appendThousands(n, separator: separator, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// The same, appended to `out` as bytes.
    public static func appendThousands(_ n: Int, separator: UInt8 = UInt8(ascii: ","), to out: inout [UInt8]) {
        if n < 0 { out.append(UInt8(ascii: "-")) }
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &digits) { d in
            // The digits from the last: UInt.max has 20.
            var m = n.magnitude, count = 0
            repeat {
                d[count] = UInt8(ascii: "0") + UInt8(m % 10)
                m /= 10
                count += 1
            } while m > 0
            for i in stride(from: count - 1, through: 0, by: -1) {
                out.append(d[i])
                if i > 0 && i % 3 == 0 { out.append(separator) }
            }
        }
    }
}

extension String {
    func leftPadded(_ width: Int) -> String { count >= width ? self : String(repeating: " ", count: width - count) + self }
}

/// A run's line counts, made on the load's consuming thread (Pipeline) and added to the summary
/// once every thread has ended.
final class LineCounts: @unchecked Sendable {
    var read = 0
    var accepted = 0
    var rejected = 0
    var rejectedByRule: [String: Int] = [:]

    func add(to s: inout LoadSummary) {
        s.read += read
        s.accepted += accepted
        s.rejected += rejected
        s.rejectedByRule.merge(rejectedByRule, uniquingKeysWith: +)
    }
}
