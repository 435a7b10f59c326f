import ArgumentParser
import SamtalerPseudonym

struct KeygenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keygen",
        abstract: "Make a new pseudonym key file (mode 0600).",
        discussion: """
            Writes 32 random bytes as 64 hex digits. The key turns every personnummer into
            a pseudonym (HMAC-SHA256); it is never stored in the database. Keep it with
            the same care as a password, back it up, and use the same key for every load:
            a new key gives every person a new pseudonym, and the loader refuses a key the
            warehouse does not know.

            Use it with:  export SAMTALER_PSEUDONYM_KEY_FILE=FILE An existing file is
            never overwritten.
            """)

    @Argument(help: "Where to write the key.")
    var file: String

    func run() throws {
        do {
            _ = try PseudonymKey.generate(to: file)
            print("wrote a new pseudonym key to \(file) (mode 0600)")
            print("use it with: export \(PseudonymKey.fileVariable)=\(file)")
        } catch {
            note("samtaler: error: \(error)")
            throw ExitCode(73)
        }
    }
}
