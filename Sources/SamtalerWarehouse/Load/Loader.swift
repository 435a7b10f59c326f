import Foundation
import PostgresClient
import SamtalerFeed
import SamtalerPseudonym

/// What `samtaler load` is asked to do.
public struct LoadOptions: Sendable {
    public var files: [String]
    /// Where rejected lines go; default `samtaler-batch-N.rejects.jsonl` in the current directory.
    public var rejectsPath: String?
    public var summaryJSONPath: String?
    /// The largest share of rejected lines (0...1) that still publishes.
    public var maxRejectRatio: Double = 0.1
    /// Wait for another load to finish (true), or stop at once (false).
    public var waitForLock = true
    /// Give up waiting for the lock after this many seconds (nil: wait as long as it takes).
    public var lockTimeoutSeconds: Int?
    /// Show progress on standard error (the CLI turns it on for a terminal).
    public var showProgress = false
    /// Into a warehouse without conversations, send first-seen conversations straight into the
    /// facts during the stream (FirstLoad). Off: every line goes through staging (tests compare).
    public var directFirstLoad = true
    /// Size of the first load's Bloom filter, 2^n bits; nil: sized from the files
    /// (KeyFilter.forFiles). Tests make it tiny to force false positives.
    public var firstLoadFilterLog2Bits: Int?
    /// How many first-seen conversations wait before they are written, so that a later version
    /// in the same run is folded into them instead of updating a written row (FirstLoad); nil:
    /// sized beside the Bloom filter (FirstLoad.window(beside:)).
    public var firstLoadWindow: Int?
    /// Publish an empty batch when the files hold no line at all (otherwise: exit 65, nothing published).
    public var allowEmpty = false
    /// Threads that validate and pseudonymize side by side (Pipeline); the result is the same for any number.
    public var threads = LoadOptions.defaultThreads
    /// The cores this process may use.
    public static var defaultThreads: Int { max(1, ProcessInfo.processInfo.activeProcessorCount) }

    public init(files: [String]) { self.files = files }
}

/// The nightly load: reads feed files, validates every line, pseudonymizes, streams rows with
/// COPY and publishes them set-based, all in one transaction (one run = one batch).
public final class Loader {
    let conn: PGConnection
    let pseudonymizer: Pseudonymizer
    let log: (String) -> Void
    /// Opens a new session to the same database: used to record a failed run when `conn` was lost.
    let reconnect: (() throws -> PGConnection)?
    public static let keyFingerprintSetting = "pseudonym_noegle_fingeraftryk"

    /// `log` receives progress and notices for the operator (never a personnummer or a name).
    /// `reconnect` opens a fresh session to the same database (e.g. `{ try PGConnection(conninfo) }`);
    /// without it a run whose session is lost leaves no `fejlet` row in the batch table.
    public init(conn: PGConnection, key: PseudonymKey, reconnect: (() throws -> PGConnection)? = nil,
                log: @escaping (String) -> Void = { _ in }) {
        self.conn = conn
        pseudonymizer = Pseudonymizer(key: key)
        self.reconnect = reconnect
        self.log = log
    }

    public func run(_ options: LoadOptions) throws(WarehouseError) -> LoadSummary {
        guard (0...1).contains(options.maxRejectRatio) else {
            throw .usage("--max-reject-ratio must be a fraction from 0 to 1, got \(options.maxRejectRatio)")
        }
        guard !options.files.isEmpty else { throw .usage("no feed files given") }
        guard (1...256).contains(options.threads) else { throw .usage("--threads must be from 1 to 256, got \(options.threads)") }
        for f in options.files { try Self.checkReadable(f) }
        var summaryFile: OutputFile?
        if let p = options.summaryJSONPath { summaryFile = try OutputFile(path: p) }

        try Migrator.checkSchema(conn)
        let dimensions: Dimensions
        do {
            // The lock first: the key check below and everything after it see no other writer.
            try acquireLock(options)
            dimensions = try Dimensions.read(conn)
            try checkKeyFingerprint()
        } catch {
            throw WarehouseError.wrap(error, doing: "preparing the load")
        }
        defer { _ = try? conn.execute("SELECT pg_advisory_unlock($1)", [String(Migrator.writerLockKey)]) }

        let started = Date()
        var summary = LoadSummary()
        summary.files = options.files
        summary.maxRejectRatio = options.maxRejectRatio
        var inTransaction = false
        var keptChanges: String?
        var keptDelta: KeptUpkeep.Delta?
        // Where the write-ahead log stood, and the server's WAL buffers (the summary's `wal` line);
        // outside the transaction, so a server that refuses says nothing and the load goes on.
        let walStart = try? conn.execute("SELECT pg_current_wal_insert_lsn()::text, pg_size_bytes(current_setting('wal_buffers')) / 1048576")
        do {
            try conn.execute("BEGIN")
            inTransaction = true
            summary.batch = Int(try conn.scalar("SELECT nextval('samtaler.batch_seq')") ?? "") ?? 0
            // Whether the kept copy holds the facts as they are now: stamped, and locked (until this
            // transaction ends no other statement changes the facts; the trigger of every such
            // statement updates this row). Then only the blocks this batch changes are patched.
            let keptWasWhole = try conn.execute("SELECT batch_key FROM samtaler.kept_samtale_batch FOR UPDATE").value(0, 0) != nil
            let rejectsPath = options.rejectsPath ?? "samtaler-batch-\(summary.batch).rejects.jsonl"
            let rejects = try RejectsFile(path: rejectsPath)
            summary.rejectsFile = rejectsPath
            try conn.execute("SELECT samtaler.create_stage()")
            let encoder = StageRowEncoder(dimensions: dimensions, pseudonymizer: pseudonymizer)
            let first = try options.directFirstLoad && FirstLoad.applies(conn)
                ? FirstLoad(conn: conn, encoder: encoder, batch: summary.batch,
                            filter: options.firstLoadFilterLog2Bits.map { KeyFilter(log2Bits: $0) } ?? KeyFilter.forFiles(options.files),
                            window: options.firstLoadWindow) : nil
            // Into facts that hold rows: the indexes the merge looks keys up in are read into
            // memory on a second session while this one reads the feed (MergeIndexReader).
            let mergeIndexes = first == nil ? MergeIndexReader(reconnect: reconnect) : nil
            let stage = first == nil ? try conn.copyIn("COPY pg_temp.samtaler_stage (\(StageRowEncoder.columns)) FROM STDIN") : nil
            // This thread reads; `threads` workers validate and pseudonymize chunks of lines side by
            // side (on a first load's direct path they encode the fact rows too); one more encodes
            // and sends them in the order read, writes the rejects and counts (Pipeline): each
            // accepted line goes to the first load or to staging.
            // The contract's rule `future` is judged against this run's start (`started`, the batch's
            // `startet`): registreret may lie at most 5 minutes after it.
            let preparation = Preparation(validator: Validator(reference: dimensions.reference, loadStarted: Timestamp(started)),
                                          pseudonymization: encoder.pseudonymization, direct: first == nil ? nil : encoder)
            let counts = LineCounts()
            let files = options.files
            let pipeline = Pipeline<LineChunk, PreparedChunk>(
                workers: options.threads, capacity: 2 * options.threads + 2,
                transform: { preparation.prepare($0) }
            ) { prepared in
                let chunk = prepared.lines
                try chunk.bytes.withUnsafeBytes { all in
                    for (line, outcome) in zip(chunk.lines, prepared.outcomes) {
                        counts.read += 1
                        let raw = UnsafeRawBufferPointer(rebasing: all[line.start..<line.start + line.count])
                        switch outcome {
                        case .accepted(let p):
                            counts.accepted += 1
                            try stage?.withBuffer { encoder.encode(p, seq: chunk.seq(line), into: &$0) }
                        case .direct(let d):
                            counts.accepted += 1
                            try first?.add(d, rows: prepared.rows, seq: chunk.seq(line)) {
                                guard let p = preparation.prepared(line: raw, truncated: line.truncated) else {
                                    throw WarehouseError.internal("line \(line.number) of \(files[chunk.file]) was accepted and is not now")
                                }
                                return p
                            }
                        case .rejected(let id, let reasons):
                            counts.rejected += 1
                            for key in Set(reasons.map(\.key)) { counts.rejectedByRule[key, default: 0] += 1 }
                            try rejects.write(file: files[chunk.file], line: line.number, id: id, reasons: reasons,
                                              raw: raw,
                                              truncated: line.truncated)
                        }
                    }
                }
                first?.endChunk(lines: chunk.lines.count)
            }
            do {
                defer { counts.add(to: &summary) }
                do {
                    try read(options, started: started) { try pipeline.put($0) }
                    try pipeline.finish()
                } catch {
                    pipeline.cancel()
                    throw error
                }
            }
            try stage?.finish()
            try first?.finish()
            summary.directLines = first?.directLines ?? 0
            summary.firstLoad = first?.paths
            summary.streamSeconds = Date().timeIntervalSince(started)
            if summary.read == 0 && !options.allowEmpty {
                throw WarehouseError.data("""
                    no registration to load: \(options.files.joined(separator: ", ")) \(options.files.count == 1 ? "is" : "are") \
                    empty or hold\(options.files.count == 1 ? "s" : "") only blank lines. Nothing was published; a delivery that \
                    may be empty is loaded with --allow-empty
                    """)
            }

            let share = summary.read > 0 ? Double(summary.rejected) / Double(summary.read) : 0
            if share > options.maxRejectRatio {
                try conn.execute("ROLLBACK")
                inTransaction = false
                summary.status = .overThreshold
                summary.seconds = Date().timeIntervalSince(started)
                try recordBatch(summary)
                try rejects.commit()
                try summaryFile?.write(summary.json())
                return summary
            }

            summary.mergeIndexes = mergeIndexes?.wait()
            let mergeStarted = Date()
            // The merge is one statement without progress of its own (about a second per 100,000
            // staged lines): say what is happening while it runs.
            let publishing = options.showProgress ? ProgressLine() : nil
            let staged = first.map { $0.staged.rows } ?? summary.accepted
            publishing?.note("  merging \(LoadSummary.thousands(staged)) staged lines into the warehouse (one transaction) ...")
            do {
                defer { publishing?.finish() }
                // A first load builds the visitation history of everyone after the merge
                // (finish_first_load), so the merge leaves it alone.
                let merged = try conn.execute("SELECT registrering, new, changed, withdrawn FROM samtaler.merge_stage($1, $2)",
                                              [String(summary.batch), first == nil ? "true" : "false"])
                for i in 0..<merged.rowCount {
                    summary.byRegistrering[merged.value(i, 0) ?? "?"] =
                        ["new": merged.int(i, 1) ?? 0, "changed": merged.int(i, 2) ?? 0, "withdrawn": merged.int(i, 3) ?? 0]
                }
                if let first {
                    // The merge compared staged versions with facts of this same run; into an empty
                    // warehouse every registration is new or withdrawn. The visitation history is
                    // built for every person (the direct rows bypassed the merge that builds it).
                    publishing?.note("  building the visitation history of every person ...")
                    let done = try conn.execute("SELECT new, withdrawn FROM samtaler.finish_first_load($1)", [String(summary.batch)])
                    summary.byRegistrering["samtale"] = ["new": done.int(0, 0) ?? 0, "changed": 0, "withdrawn": done.int(0, 1) ?? 0]
                    summary.byRegistrering.merge(try first.counts()) { $1 }
                }
            }
            summary.mergeSeconds = Date().timeIntervalSince(mergeStarted)
            // What the batch changes in the kept copy, read while its temporary tables exist; none
            // after a first load (its direct rows bypassed the merge: the copy is written whole) or
            // when the copy was not up to date as the load began (written whole too).
            if first == nil && keptWasWhole { keptDelta = try KeptUpkeep.delta(conn, batch: summary.batch) }
            for counts in summary.byRegistrering.values {
                summary.new += counts["new"] ?? 0
                summary.changed += counts["changed"] ?? 0
                summary.withdrawn += counts["withdrawn"] ?? 0
            }
            summary.unchanged = summary.accepted - summary.new - summary.changed - summary.withdrawn
            summary.seconds = Date().timeIntervalSince(started)
            try recordBatch(summary)
            // The key is recorded with the first data it wrote, in the same transaction.
            try recordKeyFingerprint()
            // Both output files are written whole (and synced) before the data are published, so a
            // full disk fails the run instead of a published batch without its rejects or summary.
            // The rejects file gets its name here: nothing is lost if COMMIT fails.
            try rejects.commit()
            try summaryFile?.prepare(summary.json())
            // The count of statements that changed the facts, this batch's included: the copy is
            // stamped after it is written only if no other statement changed them since COMMIT.
            keptChanges = try conn.scalar("SELECT aendringer FROM samtaler.kept_samtale_batch")
            try conn.execute("COMMIT")
            inTransaction = false
        } catch {
            var sessionUsable = true
            if inTransaction { do { try conn.execute("ROLLBACK") } catch { sessionUsable = false } }
            var failed = summary
            failed.seconds = Date().timeIntervalSince(started)
            recordFailedBatch(failed, ownSessionUsable: sessionUsable)
            summaryFile?.discard()
            switch error {
            case WarehouseError.output(let m): throw WarehouseError.output("\(m); nothing was published")
            case let e as WarehouseError: throw e
            case let e as PGError: throw WarehouseError.from(e, doing: "loading batch \(summary.batch); nothing was published")
            case let e as FeedReadError: throw WarehouseError.input("\(e.description); nothing was published")
            default: throw WarehouseError.internal("loading batch \(summary.batch): \(error); nothing was published")
            }
        }
        // Published: the WAL written up to the commit.
        if let start = walStart?.value(0, 0), let buffers = walStart?.int(0, 1),
           let written = try? conn.scalar("SELECT pg_wal_lsn_diff(pg_current_wal_insert_lsn(), $1)::bigint / 1048576", [start]),
           let megabytes = Int(written) {
            summary.wal = LoadSummary.WAL(megabytes: megabytes, buffersMB: buffers)
        }
        // Then the kept copy sorted by person, still under the lock (no other load changes the
        // facts meanwhile); the summary file is written again with its time.
        let kept = KeptUpkeep(conn: conn, reconnect: reconnect, log: log)
            .keep(batch: summary.batch, delta: keptDelta, changes: keptChanges, progress: options.showProgress)
        summary.keptSeconds = kept.seconds
        summary.keptYears = kept.years
        do {
            try summaryFile?.prepare(summary.json())
            try summaryFile?.commit()
        } catch {
            throw .output("batch \(summary.batch) was published, but the summary file could not be written: \(error)")
        }
        return summary
    }

    /// Reads every file and hands its non-blank lines, in chunks, to `put`.
    private func read(_ options: LoadOptions, started: Date, put: (LineChunk) throws -> Void) throws {
        let progress = options.showProgress ? ProgressLine() : nil
        var lines = 0
        for (fileIndex, path) in options.files.enumerated() {
            let reader: FeedReader
            do { reader = try FeedReader(path: path, maxLineBytes: Validator.maxLineBytes) } catch {
                throw WarehouseError.input(error.description)
            }
            var chunk = LineChunk(file: fileIndex)
            try reader.forEachLine { number, bytes, truncated in
                chunk.append(number: number, bytes, truncated: truncated)
                if chunk.isFull {
                    try put(chunk)
                    chunk = LineChunk(file: fileIndex)
                }
                lines += 1
                if lines & 0x3FFF == 0, let progress {
                    progress.show(file: path, index: fileIndex, of: options.files.count, lines: lines,
                                  fraction: reader.fileSize > 0 ? Double(reader.bytesRead) / Double(reader.fileSize) : 0,
                                  elapsed: Date().timeIntervalSince(started))
                }
            }
            if !chunk.lines.isEmpty { try put(chunk) }
        }
        progress?.finish()
    }

    /// Records a run that failed as a `fejlet` batch row. Its facts never come with it: they were
    /// in the transaction that was rolled back (or died with the session), and the row is written
    /// on its own, in autocommit. On the loader's session when it survived the failure, else on a
    /// fresh one, so that a lost session (pg_terminate_backend, a proxy or timeout dropping it)
    /// still leaves a trace. Should COMMIT have gone through after all, its `publiceret` row is
    /// kept (same batch key, ON CONFLICT DO NOTHING). Failing to record is a warning only: the
    /// run's own error is what the operator must see.
    private func recordFailedBatch(_ s: LoadSummary, ownSessionUsable: Bool) {
        var problem: (any Error)?
        if ownSessionUsable {
            do { try recordBatch(s, failed: true); return } catch { problem = error }
        }
        if let reconnect {
            do {
                let fresh = try reconnect()
                defer { fresh.close() }
                try recordBatch(s, failed: true, on: fresh)
                return
            } catch { problem = error }
        }
        let reason = problem.map { ($0 as? PGError)?.description ?? "\($0)" } ?? "the session was lost"
        log("samtaler: warning: the failed run could not be recorded in samtaler.dim_batch (status fejlet): \(reason)")
    }

    private func recordBatch(_ summary: LoadSummary, failed: Bool = false, on connection: PGConnection? = nil) throws {
        let conn = connection ?? self.conn
        var s = summary
        if s.batch == 0 {   // the run failed before it got its number
            s.batch = Int(try conn.scalar("SELECT nextval('samtaler.batch_seq')") ?? "") ?? 0
        }
        let byRule = "{" + s.rejectedByRule.keys.sorted().map { "\(JSONText.string($0)):\(s.rejectedByRule[$0]!)" }.joined(separator: ",") + "}"
        let files = "{" + s.files.map { "\"" + $0.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\"" }.joined(separator: ",") + "}"
        try conn.execute("""
            INSERT INTO samtaler.dim_batch (batch_key, startet, afsluttet, status, filer, laest, accepteret, afvist, nye, aendrede,
                annullerede, uaendrede, afvist_pr_regel, sekunder, linjer_pr_sekund, samtaler_version)
            VALUES ($1, clock_timestamp() - make_interval(secs => $2::double precision), clock_timestamp(), $3, $4::text[], $5, $6, $7, $8, $9, $10, $11, $12::jsonb, $2::numeric, $13::numeric, $14)
            ON CONFLICT (batch_key) DO NOTHING
            """, [String(s.batch), String(format: "%.3f", s.seconds), failed ? "fejlet" : s.status.rawValue, files,
                  String(s.read), String(s.accepted), String(s.rejected), String(s.new), String(s.changed), String(s.withdrawn),
                  String(s.unchanged), byRule, String(format: "%.1f", s.linesPerSecond), SamtalerVersion.current])
    }

    private func checkKeyFingerprint() throws {
        let mine = pseudonymizer.fingerprint
        if let stored = try conn.scalar("SELECT vaerdi FROM samtaler.indstilling WHERE navn = $1", [Self.keyFingerprintSetting]) {
            guard stored == mine else {
                throw WarehouseError.configuration("""
                    the pseudonym key is not the one this warehouse was loaded with: the same person would get a new pseudonym.
                    Use the original key file (SAMTALER_PSEUDONYM_KEY_FILE); a new key needs a new warehouse.
                    """)
            }
        }
    }

    /// Inside the publishing transaction: remembers the key's fingerprint the first time.
    private func recordKeyFingerprint() throws {
        try conn.execute("INSERT INTO samtaler.indstilling (navn, vaerdi) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                         [Self.keyFingerprintSetting, pseudonymizer.fingerprint])
    }

    /// Two loads never interleave: a session advisory lock, held until the run ends.
    private func acquireLock(_ options: LoadOptions) throws {
        let key = String(Migrator.writerLockKey)
        if try conn.scalar("SELECT pg_try_advisory_lock($1)", [key]) == "t" { return }
        let holder = try conn.scalar("""
            SELECT 'process ' || a.pid || coalesce(' (' || a.application_name || ', since ' || to_char(a.backend_start, 'YYYY-MM-DD HH24:MI:SS TZ') || ')', '')
            FROM pg_locks l JOIN pg_stat_activity a USING (pid)
            WHERE l.locktype = 'advisory' AND l.granted AND ((l.classid::bigint << 32) | l.objid::bigint) = $1::bigint
            LIMIT 1
            """, [key]) ?? "another session"
        guard options.waitForLock else {
            throw WarehouseError.unavailable("another load or migration holds the warehouse (database \(holder)); nothing was loaded. Run again when it has finished, or use --wait")
        }
        log("waiting for another load or migration to finish (database \(holder)) ...")
        if let t = options.lockTimeoutSeconds { try conn.execute("SET lock_timeout = '\(max(t, 1))s'") }
        do {
            try conn.execute("SELECT pg_advisory_lock($1)", [key])
        } catch {
            // A typed PGError: 55P03 is lock_timeout expiring.
            if error.sqlState == "55P03" {
                throw WarehouseError.unavailable("gave up waiting \(options.lockTimeoutSeconds ?? 0) s for the warehouse lock held by \(holder); nothing was loaded")
            }
            throw error
        }
        try conn.execute("SET lock_timeout = 0")
    }

    static func checkReadable(_ path: String) throws(WarehouseError) {
        var st = stat()
        guard stat(path, &st) == 0 else { throw .input("\(path): \(FileWriting.errnoText())") }
        guard (st.st_mode & S_IFMT) == S_IFREG else { throw .input("\(path): not a regular file") }
        guard access(path, R_OK) == 0 else { throw .input("\(path): \(FileWriting.errnoText())") }
    }
}

/// An output file that is created (and so checked) before the work, and written whole at the end:
/// under a temporary name, synced (so a full disk shows here), then renamed.
final class OutputFile {
    let path: String
    private let temporaryPath: String
    private var prepared = false

    init(path: String) throws(WarehouseError) {
        self.path = path
        temporaryPath = path + ".tmp-\(getpid())"
        let fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .output("cannot create \(path): \(FileWriting.errnoText())") }
        close(fd)
    }

    deinit { discard() }

    /// Writes and syncs the whole text under the temporary name.
    func prepare(_ text: String) throws(WarehouseError) {
        prepared = true
        try FileWriting.writeSynced(temporaryPath, Array(text.utf8), exclusive: false, shownAs: path)
    }

    /// Gives the prepared file its real name.
    func commit() throws(WarehouseError) {
        guard rename(temporaryPath, path) == 0 else {
            let reason = FileWriting.errnoText()
            discard()
            throw .output("cannot write \(path): \(reason)")
        }
        prepared = false
    }

    /// Removes a prepared file that will not be used.
    func discard() {
        if prepared { unlink(temporaryPath) }
        prepared = false
    }

    func write(_ text: String) throws(WarehouseError) {
        try prepare(text)
        try commit()
    }
}

/// One self-overwriting progress line on standard error.
final class ProgressLine {
    private var last = Date.distantPast

    func show(file: String, index: Int, of count: Int, lines: Int, fraction: Double, elapsed: Double) {
        let now = Date()
        guard now.timeIntervalSince(last) >= 0.25 else { return }
        last = now
        let rate = elapsed > 0 ? Int(Double(lines) / elapsed) : 0
        let name = (file as NSString).lastPathComponent
        let text = String(format: "\r  file %d/%d %@  %3.0f%%  %@ lines  %@ lines/s ", index + 1, count, name,
                          min(fraction, 1) * 100, LoadSummary.thousands(lines), LoadSummary.thousands(rate))
        FileHandle.standardError.write(Data(text.utf8))
    }

    /// A fixed line, e.g. while a long statement runs.
    func note(_ text: String) { FileHandle.standardError.write(Data(("\r\u{1B}[K" + text).utf8)) }

    func finish() { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
}

/// The version of this program, recorded with every batch.
public enum SamtalerVersion {
    public static let current = "0.1.0"
}
