import Foundation

/// Finds the project's `sql/` folder (migrations and reference data) at run time.
///
/// Looked for, in order: `$SAMTALER_SQL_DIR`; `../share/samtaler/sql` beside the executable
/// (an installed binary); the nearest `sql/` in the executable's folder or its parents (a build
/// in `.build/`); `sql/` in the current directory.
public enum SQLDirectory {
    public static let variable = "SAMTALER_SQL_DIR"

    public static func locate() throws(WarehouseError) -> String {
        var candidates: [String] = []
        if let env = ProcessInfo.processInfo.environment[variable], !env.isEmpty { candidates.append(env) }
        let exe = URL(fileURLWithPath: CommandLine.arguments.first ?? ".").resolvingSymlinksInPath().deletingLastPathComponent()
        candidates.append(exe.appendingPathComponent("../share/samtaler/sql").standardized.path)
        var dir = exe
        for _ in 0..<6 {
            candidates.append(dir.appendingPathComponent("sql").path)
            dir = dir.deletingLastPathComponent()
        }
        candidates.append(FileManager.default.currentDirectoryPath + "/sql")
        for c in candidates where FileManager.default.fileExists(atPath: c + "/migrations") {
            return c
        }
        throw WarehouseError.configuration("cannot find the sql/ folder with migrations and reference data; set \(variable) to its path")
    }
}
