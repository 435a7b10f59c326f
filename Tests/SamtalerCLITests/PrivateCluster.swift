import Foundation
import PostgresClient
import SamtalerTestSupport
import Testing

/// A private, throw-away PostgreSQL cluster for tests that stop the server or change its
/// authentication: never the shared server the other tests use.
///
/// It lives in a fresh folder under /tmp (mode 0755, so the `postgres` user can pass through),
/// listens on a unix socket inside that folder only (`listen_addresses = ''`) and on its own port.
/// As root the server runs as `postgres` (initdb refuses root), as scripts/pg.sh does.
/// `destroy()` stops it (immediate) and deletes the folder; call it in a `defer`.
final class PrivateCluster {
    let dir: String
    let data: String
    let socket: String
    let port: Int
    let bindir: String
    private var destroyed = false

    /// The newest installed server's binaries (/usr/lib/postgresql/N/bin), or PG_BINDIR.
    static let bindir: String? = {
        if let b = ProcessInfo.processInfo.environment["PG_BINDIR"], FileManager.default.isExecutableFile(atPath: b + "/initdb") { return b }
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
        return versions.compactMap(Int.init).sorted().reversed().map { "/usr/lib/postgresql/\($0)/bin" }
            .first { FileManager.default.isExecutableFile(atPath: $0 + "/initdb") }
    }()

    static var available: Bool { bindir != nil }

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// Creates and starts the cluster. `hba` lines go first in pg_hba.conf (before the trust line).
    init(config: [String] = [], hba: [String] = []) throws {
        guard let bindir = Self.bindir else { throw Failure(description: "no PostgreSQL server binaries in /usr/lib/postgresql/*/bin") }
        self.bindir = bindir
        var template = Array("/tmp/samtaler-fault-pg-XXXXXX".utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw Failure(description: "mkdtemp failed: \(String(cString: strerror(errno)))")
        }
        dir = String(cString: made)
        data = dir + "/data"
        socket = dir + "/socket"
        port = 54400 + Int.random(in: 0..<500)
        chmod(dir, 0o755)
        if getuid() == 0, let pw = getpwnam("postgres") {
            chown(dir, pw.pointee.pw_uid, pw.pointee.pw_gid)
        }
        do {
            try asOwner(["/bin/mkdir", "-p", data, socket])
            try asOwner([bindir + "/initdb", "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"])
            let conf = (["listen_addresses = ''", "unix_socket_directories = '\(socket)'", "port = \(port)",
                         "fsync = on", "timezone = 'UTC'", "log_min_messages = warning"] + config)
                .joined(separator: "\n") + "\n"
            try append(conf, to: data + "/postgresql.conf")
            if !hba.isEmpty {
                let path = data + "/pg_hba.conf"
                let old = try String(contentsOfFile: path, encoding: .utf8)
                try (hba.joined(separator: "\n") + "\n" + old).write(toFile: path, atomically: false, encoding: .utf8)
            }
            try start()
        } catch {
            destroy()
            throw error
        }
    }

    deinit { destroy() }

    /// A libpq conninfo for a database of this cluster.
    func conninfo(_ db: String, user: String = "postgres", extra: String = "") -> String {
        "host=\(socket) port=\(port) dbname=\(db) user=\(user)" + (extra.isEmpty ? "" : " " + extra)
    }

    func connect(_ db: String = "postgres") throws -> PGConnection { try PGConnection(conninfo(db)) }

    func createDatabase(_ name: String) throws {
        try connect().execute("CREATE DATABASE \(PGConnection.quoteIdentifier(name))")
    }

    func start() throws {
        try asOwner([bindir + "/pg_ctl", "-D", data, "-l", dir + "/server.log", "-w", "-t", "60", "start"])
    }

    /// Stops the server at once, as a crash or a power cut would (`pg_ctl -m immediate`).
    func stopImmediately() throws {
        try asOwner([bindir + "/pg_ctl", "-D", data, "-m", "immediate", "-w", "-t", "60", "stop"])
    }

    /// Stops the server (if it runs) and deletes the folder. Safe to call more than once.
    func destroy() {
        guard !destroyed else { return }
        destroyed = true
        if FileManager.default.fileExists(atPath: data + "/postmaster.pid") {
            _ = try? asOwner([bindir + "/pg_ctl", "-D", data, "-m", "immediate", "-w", "-t", "60", "stop"])
        }
        try? FileManager.default.removeItem(atPath: dir)
    }

    /// The server log (for failure messages).
    var log: String { (try? String(contentsOfFile: dir + "/server.log", encoding: .utf8)) ?? "" }

    /// Runs a command as the cluster's owner (`postgres` when the tests run as root).
    ///
    /// With posix_spawn and every descriptor above 2 closed in the child, not Foundation's
    /// Process: the server that `pg_ctl start` leaves running would inherit the descriptor by which
    /// Process notices its child's end (so it never would), or those of other tests' children.
    private func asOwner(_ command: [String]) throws {
        var runuser = "/usr/sbin/runuser"
        if !FileManager.default.isExecutableFile(atPath: runuser) { runuser = "/sbin/runuser" }
        let argv = getuid() == 0 ? [runuser, "-u", "postgres", "--"] + command : command
        let outPath = "/tmp/.samtaler-fault-pg-\(UUID().uuidString).out"
        defer { unlink(outPath) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        // glibc's GNU extensions (2.29, 2.34), which Swift's Glibc module does not declare.
        let libc = dlopen(nil, RTLD_NOW)
        typealias AddChdir = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32
        typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
        if let f = dlsym(libc, "posix_spawn_file_actions_addchdir_np") { _ = unsafeBitCast(f, to: AddChdir.self)(&actions, "/tmp") }
        guard let closeFrom = dlsym(libc, "posix_spawn_file_actions_addclosefrom_np") else {
            throw Failure(description: "this C library lacks posix_spawn_file_actions_addclosefrom_np (glibc 2.34 or later)")
        }
        _ = unsafeBitCast(closeFrom, to: AddCloseFrom.self)(&actions, 3)
        let cargs: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        defer { for p in cargs { free(p) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, argv[0], &actions, nil, cargs, environ)
        guard rc == 0 else { throw Failure(description: "cannot start \(argv[0]): \(String(cString: strerror(rc)))") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            guard errno == EINTR else { throw Failure(description: "waitpid: \(String(cString: strerror(errno)))") }
        }
        let exited = status & 0x7f == 0, code = (status >> 8) & 0xff
        guard exited && code == 0 else {
            let text = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
            throw Failure(description: "\(command.joined(separator: " ")) failed (status \(status)): \(text)\n\(log.suffix(2000))")
        }
    }

    private func append(_ text: String, to path: String) throws {
        guard let h = FileHandle(forWritingAtPath: path) else { throw Failure(description: "cannot open \(path)") }
        defer { try? h.close() }
        try h.seekToEnd()
        try h.write(contentsOf: Data(text.utf8))
    }
}

extension PrivateCluster {
    /// What every server-fault test starts with: a scratch folder inside the cluster's own (so
    /// `destroy()` deletes it too), a pseudonym key made by the binary, and the warehouse
    /// `databases`, created and migrated. Returns the folder and the key's environment.
    func prepareWarehouses(_ databases: [String]) throws -> (work: String, key: [String: String]) {
        let work = dir + "/work"
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        let keygen = try ChildProcess.run(["keygen", work + "/pseudonym.key"])
        try #require(keygen.status == 0, "\(keygen.output)")
        for db in databases {
            try createDatabase(db)
            let m = try ChildProcess.run(["migrate", "--database", conninfo(db)])
            try #require(m.status == 0, "migrate \(db): \(m.output)")
        }
        return (work, ["SAMTALER_PSEUDONYM_KEY_FILE": work + "/pseudonym.key"])
    }
}
