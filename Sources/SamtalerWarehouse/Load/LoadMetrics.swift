import Foundation

/// The figures of one `samtaler load` run in the Prometheus text format, for node_exporter's
/// textfile collector (`--metrics-file`): how a nightly cron or systemd job is watched. The file
/// is replaced whole (written beside it, then renamed), so the collector never reads half a file.
///
/// `samtaler_load_last_success_timestamp_seconds` is carried over from the file's previous
/// version when this run did not publish: an alert on its age fires when the nightly job keeps
/// failing.
public enum LoadMetrics {
    /// The file's text. `summary` is nil when the run stopped before it had one (a missing file,
    /// an unreachable database); `exitCode` is the command's; `now` the end of the run.
    public static func text(summary: LoadSummary?, exitCode: Int32, now: Date, previousSuccess: Double?) -> String {
        var out = ""
        func metric(_ name: String, _ help: String, _ samples: [(labels: String, value: String)]) {
            out += "# HELP samtaler_load_\(name) \(help)\n# TYPE samtaler_load_\(name) gauge\n"
            for s in samples { out += "samtaler_load_\(name)\(s.labels) \(s.value)\n" }
        }
        let published = summary?.published == true && exitCode == 0
        let lastSuccess = published ? now.timeIntervalSince1970 : previousSuccess
        metric("last_run_timestamp_seconds", "When the last run ended (Unix time).", [("", seconds(now.timeIntervalSince1970))])
        metric("exit_code", "The last run's exit code (0 published; docs/operations.md lists the others).", [("", String(exitCode))])
        metric("published", "1 when the last run published its batch, else 0.", [("", published ? "1" : "0")])
        if let lastSuccess {
            metric("last_success_timestamp_seconds", "When a run last published a batch (Unix time).", [("", seconds(lastSuccess))])
        }
        if let s = summary {
            metric("batch", "The last run's batch number (samtaler.dim_batch.batch_key).", [("", String(s.batch))])
            metric("lines_read", "Lines the last run read (blank lines not counted).", [("", String(s.read))])
            metric("lines_accepted", "Lines the last run accepted.", [("", String(s.accepted))])
            metric("lines_rejected", "Lines the last run rejected.", [("", String(s.rejected))])
            metric("lines_rejected_by_rule", "Rejected lines of the last run per broken rule (a line may break several).",
                   s.rejectedByRule.keys.sorted().map { ("{rule=\"\(escape($0))\"}", String(s.rejectedByRule[$0]!)) })
            metric("registrations", "Registrations the last run made new, changed or withdrew, or left unchanged.", [
                ("{change=\"new\"}", String(s.new)), ("{change=\"changed\"}", String(s.changed)),
                ("{change=\"withdrawn\"}", String(s.withdrawn)), ("{change=\"unchanged\"}", String(s.unchanged)),
            ])
            metric("seconds", "How long the last run took.", [("", seconds(s.seconds))])
            if s.published {
                // Written after the batch was published; 0 means the reports read the facts (slower,
                // the same numbers) until the next load writes it (docs/operations.md).
                metric("kept_copy_written", "1 when the copy sorted by person was written after the batch was published.",
                       [("", s.keptSeconds == nil ? "0" : "1")])
                if let k = s.keptSeconds {
                    metric("kept_copy_seconds", "How long writing the copy sorted by person took, after the batch was published.", [("", seconds(k))])
                }
            }
        }
        return out
    }

    /// Writes the file for this run, keeping the previous last-success time when it did not publish.
    public static func write(path: String, summary: LoadSummary?, exitCode: Int32, now: Date = Date()) throws(WarehouseError) {
        let previous = (try? String(contentsOfFile: path, encoding: .utf8)).flatMap(previousSuccess)
        let text = text(summary: summary, exitCode: exitCode, now: now, previousSuccess: previous)
        let temporary = path + ".tmp"
        try FileWriting.writeSynced(temporary, Array(text.utf8), exclusive: false, shownAs: path)
        guard rename(temporary, path) == 0 else {
            let reason = FileWriting.errnoText()
            unlink(temporary)
            throw .output("cannot write \(path): \(reason)")
        }
    }

    /// The last-success time in a file this type wrote.
    static func previousSuccess(_ text: String) -> Double? {
        let prefix = "samtaler_load_last_success_timestamp_seconds "
        return text.split(separator: "\n").first { $0.hasPrefix(prefix) }.flatMap { Double($0.dropFirst(prefix.count)) }
    }

    private static func seconds(_ t: Double) -> String { String(format: "%.3f", t) }

    /// A label value as the text format writes it: backslash, quote and newline escaped.
    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
    }
}
