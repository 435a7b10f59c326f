import SamtalerFeed

/// Lines of one feed file in the order read, copied out of the reader's buffer so that a worker
/// thread can validate them while the reader goes on (Pipeline).
struct LineChunk: Sendable {
    struct Line: Sendable {
        /// The line's number in its file (1-based, counting blank lines).
        var number: Int
        var start: Int
        var count: Int
        var truncated: Bool
    }
    /// The file's position among the run's files.
    let file: Int
    var bytes: [UInt8] = []
    var lines: [Line] = []

    /// Lines per chunk: enough that handing chunks between threads costs nothing measurable,
    /// few enough that `capacity` chunks in flight stay a few megabytes.
    static let lineCount = 512

    init(file: Int) {
        self.file = file
        bytes.reserveCapacity(LineChunk.lineCount * 400)
        lines.reserveCapacity(LineChunk.lineCount)
    }

    mutating func append(number: Int, _ line: UnsafeRawBufferPointer, truncated: Bool) {
        lines.append(Line(number: number, start: bytes.count, count: line.count, truncated: truncated))
        bytes.append(contentsOf: line)
    }

    var isFull: Bool { lines.count >= LineChunk.lineCount }

    /// The load order of a line: its file, then its line number (what `seq` in staging holds).
    func seq(_ line: Line) -> Int64 { Int64(file) << 40 | Int64(line.number) }
}

/// An accepted line, pseudonymized: what the consuming thread encodes and sends. The person's
/// pseudonym and the registration's keyed natural key are the costly part (two HMACs), made on
/// the worker threads.
struct Prepared: Sendable {
    let registrering: Registrering
    /// The keyed hash of the natural key (Pseudonymization.naturalKey).
    let noegle: [UInt8]
    /// The person the registration concerns, on the day it concerns them (nil for a withdrawal).
    let person: Pseudonymization.Person?
    /// That day (Pseudonymization.subject): the fact's date key.
    let day: CivilDate?
}

/// What a worker makes of a chunk: for each line, in order, the prepared registration or the
/// reasons it was rejected.
struct PreparedChunk: Sendable {
    enum Outcome: Sendable {
        case accepted(Prepared)
        case rejected(id: String?, reasons: [Reason])
    }
    let lines: LineChunk
    let outcomes: [Outcome]
}

/// The part of a load that depends on nothing but the line itself: validating it against the
/// contract and pseudonymizing what it holds. Runs on the worker threads.
struct Preparation: Sendable {
    let validator: Validator
    let pseudonymization: Pseudonymization

    func prepare(_ chunk: LineChunk) -> PreparedChunk {
        var outcomes: [PreparedChunk.Outcome] = []
        outcomes.reserveCapacity(chunk.lines.count)
        chunk.bytes.withUnsafeBytes { all in
            for line in chunk.lines {
                let bytes = UnsafeRawBufferPointer(rebasing: all[line.start..<line.start + line.count])
                switch validator.validate(line: bytes, truncated: line.truncated) {
                case .accepted(let r):
                    let subject = Pseudonymization.subject(r)
                    outcomes.append(.accepted(Prepared(registrering: r, noegle: pseudonymization.naturalKey(r),
                                                       person: subject.map { pseudonymization.person($0.person, on: $0.day) },
                                                       day: subject?.day)))
                case .rejected(let id, let reasons):
                    outcomes.append(.rejected(id: id, reasons: reasons))
                }
            }
        }
        return PreparedChunk(lines: chunk, outcomes: outcomes)
    }
}
