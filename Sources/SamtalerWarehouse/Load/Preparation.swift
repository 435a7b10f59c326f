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

/// An accepted line, pseudonymized: what the consuming thread encodes and sends into staging (on
/// a first load's direct path the worker encodes it itself: DirectLine). The person's
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

/// An accepted line on a first load's direct path (FirstLoad), as the sending thread needs it: what
/// decides where it goes and, encoded already, the row it becomes. Small, so that handing it to the
/// sending thread copies little (a `Prepared` holds the whole registration).
struct DirectLine: Sendable {
    let key: RegistreringKey
    let registreret: Timestamp
    let annulleret: Bool
    let indberetter: Indberetter
    let fact: StageRowEncoder.DirectFact
}

/// What a worker makes of a chunk: for each line, in order, the prepared registration (on a first
/// load's direct path its direct line) or the reasons it was rejected.
struct PreparedChunk: Sendable {
    enum Outcome: Sendable {
        case accepted(Prepared)
        /// Accepted, on a first load's direct path.
        case direct(DirectLine)
        case rejected(id: String?, reasons: [Reason])
    }
    let lines: LineChunk
    let outcomes: [Outcome]
    /// The direct lines' rows, back to back (`StageRowEncoder.directFact`).
    let rows: [UInt8]
}

/// The part of a load that depends on nothing but the line itself: validating it against the
/// contract and pseudonymizing what it holds, and on a first load's direct path (`direct`, the
/// load's encoder) encoding the fact row it becomes. Runs on the worker threads. A class: the
/// sending thread's closure that prepares a line again holds it without copying the reference
/// data (which costs a reference count per table, each line).
final class Preparation: Sendable {
    let validator: Validator
    let pseudonymization: Pseudonymization
    let direct: StageRowEncoder?

    init(validator: Validator, pseudonymization: Pseudonymization, direct: StageRowEncoder?) {
        self.validator = validator
        self.pseudonymization = pseudonymization
        self.direct = direct
    }

    func prepare(_ chunk: LineChunk) -> PreparedChunk {
        var outcomes: [PreparedChunk.Outcome] = []
        outcomes.reserveCapacity(chunk.lines.count)
        var rows: [UInt8] = []
        if direct != nil { rows.reserveCapacity(chunk.lines.count * 256) }   // a row and its participants: 150-250 bytes
        chunk.bytes.withUnsafeBytes { all in
            for line in chunk.lines {
                let bytes = UnsafeRawBufferPointer(rebasing: all[line.start..<line.start + line.count])
                switch validator.validate(line: bytes, truncated: line.truncated) {
                case .accepted(let r):
                    let p = prepared(r)
                    if let direct {
                        outcomes.append(.direct(DirectLine(key: RegistreringKey(p.noegle), registreret: r.registreret,
                                                           annulleret: r.annulleret, indberetter: r.indberetter,
                                                           fact: direct.directFact(p, into: &rows))))
                    } else {
                        outcomes.append(.accepted(p))
                    }
                case .rejected(let id, let reasons):
                    outcomes.append(.rejected(id: id, reasons: reasons))
                }
            }
        }
        return PreparedChunk(lines: chunk, outcomes: outcomes, rows: rows)
    }

    /// A line `prepare` made a `DirectLine` of, prepared again as a whole: for the few that go
    /// through staging after all (FirstLoad). Nil if it is not accepted (it was).
    func prepared(line: UnsafeRawBufferPointer, truncated: Bool) -> Prepared? {
        guard case .accepted(let r) = validator.validate(line: line, truncated: truncated) else { return nil }
        return prepared(r)
    }

    private func prepared(_ r: Registrering) -> Prepared {
        let subject = Pseudonymization.subject(r)
        return Prepared(registrering: r, noegle: pseudonymization.naturalKey(r),
                        person: subject.map { pseudonymization.person($0.person, on: $0.day) }, day: subject?.day)
    }
}
