import Foundation
import Testing

// Helpers shared by the test targets that run the built binary (SamtalerCLITests and
// SamtalerWarehouseTests): one way to run a child process, to wait for a condition, to make a
// scratch folder and a synthetic feed.

/// Where the repository and the built `samtaler` binary are.
public enum TestPaths {
    /// The repository's root folder.
    public static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    /// The binary under test: $SAMTALER_BIN, else the default debug build.
    public static let samtaler: String = ProcessInfo.processInfo.environment["SAMTALER_BIN"] ?? root + "/.build/debug/samtaler"
}

/// A child process (the built binary by default) with its output in files, not pipes, so that it
/// can run in the background and be stopped or killed at any moment without a pipe to drain.
///
/// Its environment is the test's without any pseudonym key, with SAMTALER_SQL_DIR set to the
/// repository's sql/ folder, plus `env`.
public final class ChildProcess {
    public let process = Process()
    private let outPath: String
    private let errPath: String

    public struct Result: Sendable {
        public var status: Int32
        /// Ended by a signal (killed), not by exiting.
        public var signalled: Bool
        public var stdout: String
        public var stderr: String
        public var output: String { stdout + stderr }
    }

    /// Starts `executable` with `args` in `dir` (the test's working directory when nil).
    public init(_ args: [String], env: [String: String] = [:], in dir: String? = nil, executable: String = TestPaths.samtaler) throws {
        let tag = UUID().uuidString
        let outputs = FileManager.default.temporaryDirectory.path
        outPath = outputs + "/.samtaler-test-stdout-\(tag)"
        errPath = outputs + "/.samtaler-test-stderr-\(tag)"
        _ = FileManager.default.createFile(atPath: outPath, contents: nil)
        _ = FileManager.default.createFile(atPath: errPath, contents: nil)
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = args
        var e = ProcessInfo.processInfo.environment
        e["SAMTALER_PSEUDONYM_KEY_FILE"] = nil
        e["SAMTALER_PSEUDONYM_KEY"] = nil
        e["SAMTALER_SQL_DIR"] = TestPaths.root + "/sql"
        for (k, v) in env { e[k] = v }
        process.environment = e
        if let dir { process.currentDirectoryURL = URL(fileURLWithPath: dir) }
        let out = FileHandle(forWritingAtPath: outPath)!, err = FileHandle(forWritingAtPath: errPath)!
        process.standardOutput = out
        process.standardError = err
        defer { try? out.close(); try? err.close() }
        do { try process.run() } catch {
            unlink(outPath)
            unlink(errPath)
            throw error
        }
    }

    /// Runs to the end (see `wait`).
    public static func run(_ args: [String], env: [String: String] = [:], in dir: String? = nil, executable: String = TestPaths.samtaler,
                           timeout: TimeInterval = 120) throws -> Result {
        try ChildProcess(args, env: env, in: dir, executable: executable).wait(timeout: timeout)
    }

    public var isRunning: Bool { process.isRunning }

    /// What the child has written to standard output so far (it may still be running).
    public var stdoutSoFar: String { (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "" }

    /// SIGKILL, if it still runs.
    public func kill() { if process.isRunning { Foundation.kill(process.processIdentifier, SIGKILL) } }

    /// Waits for the end; a child still running after `timeout` seconds is killed and the test fails.
    public func wait(timeout: TimeInterval = 120) -> Result {
        let finished = waitUntil(timeout: timeout, every: 2_000) { !process.isRunning }
        if !finished {
            Issue.record("\(process.arguments?.prefix(2).joined(separator: " ") ?? "") did not finish within \(timeout) s (a deadlock?): killed")
            kill()
            while process.isRunning { usleep(5_000) }
        }
        process.waitUntilExit()
        let out = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
        let err = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
        unlink(outPath)
        unlink(errPath)
        return Result(status: process.terminationStatus, signalled: process.terminationReason == .uncaughtSignal, stdout: out, stderr: err)
    }
}

/// Polls `condition` every `every` microseconds until it holds (true) or `timeout` seconds have passed (false).
@discardableResult
public func waitUntil(timeout: TimeInterval, every: useconds_t = 5_000, _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while true {
        if try condition() { return true }
        if Date() > deadline { return false }
        usleep(every)
    }
}

/// A fresh folder under the temporary directory, named `prefix` and a random part.
public func scratchFolder(_ prefix: String = "samtaler_test_") throws -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent(prefix + UUID().uuidString.prefix(8).lowercased()).path
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
}

/// Writes a synthetic feed with `samtaler generate` (the same rows and seed give the same bytes);
/// fails the test when the generator fails.
@discardableResult
public func generateFeed(_ path: String, rows: Int, seed: Int) throws -> String {
    let r = try ChildProcess.run(["generate", "--rows", String(rows), "--seed", String(seed), "--out", path])
    #expect(r.status == 0, "samtaler generate exited \(r.status): \(r.stderr)")
    return path
}
