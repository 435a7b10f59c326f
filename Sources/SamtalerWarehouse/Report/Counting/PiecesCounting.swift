import PostgresClient
import SamtalerFeed

/// A period too large to hold at once (`CountingOptions.clientRowLimit`), counted in pieces of
/// whole report periods (`Reports.pieces`, in date order): each piece read and counted on its
/// own, two at a time when there is a `second` connection (in this report's snapshot; its
/// transaction ends here). Every group but the grand total lies within one period, so within
/// one piece, and comes out of its piece as it is, in order; the grand total adds up the
/// pieces' conversations and counts the persons of all pieces from their pseudonyms (kept
/// sorted, 16 bytes per person). Holds two pieces' rows at a time.
struct PiecesCounting: Counting {
    let conn: PGConnection
    let second: PGConnection?
    /// The report's filter, which the pieces cover.
    let filter: ReportFilter
    /// The pieces of the report's filter, consecutive days of whole periods, in date order.
    let pieces: [ReportFilter]
    /// The planner's estimate of each piece's rows, to reserve room for them.
    let expectedRows: Int

    func rollup(_ query: GroupedQuery) throws -> [RollupRow] {
        defer { _ = try? second?.execute("COMMIT") }
        let all = (1 << query.groups.count) - 1
        var result: [RollupRow] = []
        var conversations = 0
        var persons = PersonSet()
        // Each piece is read, counted and labelled on the connection that reads it (both in this
        // report's snapshot), so two pieces are counted at once too.
        func count(_ conn: PGConnection, _ filter: ReportFilter) throws -> (rows: [RollupRow], persons: [UInt64]) {
            var rollup = try query.readRollup(conn, filter, expected: expectedRows)
            rollup.keepPersons = true
            let rows = try query.rows(of: &rollup, conn)
            return (rows, rollup.persons)
        }
        func take(_ piece: (rows: [RollupRow], persons: [UInt64])) {
            for row in piece.rows {
                if row.niveau == all { conversations += row.conversations } else { result.append(row) }
            }
            persons.merge(sorted: piece.persons)
        }
        var i = 0
        while i < pieces.count {
            if let second, i + 1 < pieces.count {
                let both = try atOnce(conn, second, (pieces[i], pieces[i + 1]), count)
                take(both.first)
                take(both.second)
                i += 2
            } else {
                take(try count(conn, pieces[i]))
                i += 1
            }
        }
        result.append(RollupRow(labels: [String?](repeating: nil, count: query.groups.count), conversations: conversations,
                                persons: persons.count, niveau: all))
        return result
    }

    /// forms is not counted in pieces (a large period is counted in halves): SQL counts it.
    func forms(_ query: GroupedQuery) throws -> PGResult {
        try SQLCounting(conn: conn, filter: filter).forms(query)
    }
}

// Making the pieces: part of the choice (`Reports.volumesCounting`).
extension Reports {
    /// A filter too large to count at once (`clientRowLimit`), in pieces of whole report periods
    /// (months, quarters or years: `per`) of about `chunkRows` conversations each, in date order.
    /// The pieces cut the days from the filter's first to its last conversation into equal parts
    /// at the nearest period starts, so a piece holds about its share of the rows when they are
    /// spread evenly over time; nil when that gives fewer than two pieces or a piece whose share
    /// is over `clientRowLimit` (SQL then counts it all).
    func pieces(_ filter: ReportFilter, per: Granularity, rows: Int) throws -> [ReportFilter]? {
        let wanted = (rows + options.chunkRows - 1) / max(options.chunkRows, 1)
        guard wanted >= 2 else { return nil }
        guard let (first, last) = try days(filter) else { return nil }
        // The starts of the report's periods after the one of the first conversation, up to the last.
        let months = per.months
        var starts: [CivilDate] = []
        var y = first.year, m = (first.month - 1) / months * months + 1
        while true {
            m += months
            if m > 12 { m -= 12; y += 1 }
            guard let start = CivilDate(year: y, month: m, day: 1), start <= last else { break }
            starts.append(start)
        }
        let from = first.daysSinceEpoch, span = last.daysSinceEpoch - from + 1
        var cuts: [CivilDate] = []
        for i in 1..<wanted {
            let target = from + span * i / wanted
            // The targets rise, so do their nearest starts: a repeated one is left out.
            if let start = starts.min(by: { abs($0.daysSinceEpoch - target) < abs($1.daysSinceEpoch - target) }),
               cuts.last != start {
                cuts.append(start)
            }
        }
        guard !cuts.isEmpty else { return nil }
        let edges = [first] + cuts + [last.adding(days: 1)]
        for (a, b) in zip(edges, edges.dropFirst()) where (b.daysSinceEpoch - a.daysSinceEpoch) * rows / span > options.clientRowLimit {
            return nil
        }
        return filter.cut(at: cuts)
    }
}

/// Distinct persons over several pieces of a report: their pseudonyms, sorted, as two halves
/// each (high, low 64 bits), in 16 parts by the top four bits, so that adding a piece's persons
/// copies one part at a time (memory: the persons' 16 bytes each and one part's worth more).
struct PersonSet {
    private var parts = [[UInt64]](repeating: [], count: 16)
    private(set) var count = 0

    /// Adds the persons of `other` (sorted, distinct, as `DistinctRollup.persons`).
    mutating func merge(sorted other: [UInt64]) {
        var from = 0
        while from < other.count {
            let part = Int(other[from] >> 60)
            var to = from
            while to < other.count && Int(other[to] >> 60) == part { to += 2 }
            count -= parts[part].count / 2
            parts[part] = Self.union(parts[part][...], other[from..<to])
            count += parts[part].count / 2
            from = to
        }
    }

    /// The persons of two sorted, distinct lists (two words a person), sorted and distinct: each
    /// person once.
    static func union(_ keys: ArraySlice<UInt64>, _ other: ArraySlice<UInt64>) -> [UInt64] {
        keys.withUnsafeBufferPointer { a in
            other.withUnsafeBufferPointer { b in
                [UInt64](unsafeUninitializedCapacity: a.count + b.count) { out, written in
                    written = union(a, b, into: out.baseAddress)
                }
            }
        }
    }

    /// The same over two lists in memory, written into `into` (room for both): the union's
    /// length in words. With `into` nil nothing is written and the length is returned
    /// (KeptTally.distinct counts the last pair so).
    static func union(_ a: UnsafeBufferPointer<UInt64>, _ b: UnsafeBufferPointer<UInt64>,
                      into: UnsafeMutablePointer<UInt64>?) -> Int {
        var i = 0, j = 0, end = 0
        // Without branches on the comparison (the persons are random: a branch on which list
        // goes next is mispredicted half the time): the heads compared as 128-bit numbers by a
        // subtraction's borrows, the lesser taken by a mask, both when they are the same person.
        while i < a.count && j < b.count {
            let a0 = a[i], a1 = a[i + 1], b0 = b[j], b1 = b[j + 1]
            let low = a1.subtractingReportingOverflow(b1)
            let high = a0.subtractingReportingOverflow(b0)
            let carried = high.partialValue.subtractingReportingOverflow(low.overflow ? 1 : 0)
            let less = UInt64(unsafeBitCast(high.overflow, to: UInt8.self) | unsafeBitCast(carried.overflow, to: UInt8.self))
            let same = UInt64(unsafeBitCast((a0 ^ b0) | (a1 ^ b1) == 0, to: UInt8.self))
            let take = 0 &- less   // all ones when a's head is the lesser
            if let into {
                (into + end).initialize(to: (a0 & take) | (b0 & ~take))
                (into + end + 1).initialize(to: (a1 & take) | (b1 & ~take))
            }
            i &+= Int(truncatingIfNeeded: (less | same) << 1)
            j &+= Int(truncatingIfNeeded: (less ^ 1) << 1)   // the same person: once
            end &+= 2
        }
        if let into {   // the rest of one list (a list that is left has a base)
            if i < a.count { (into + end).initialize(from: a.baseAddress! + i, count: a.count - i) }
            if j < b.count { (into + end + a.count - i).initialize(from: b.baseAddress! + j, count: b.count - j) }
        }
        return end + (a.count - i) + (b.count - j)
    }
}
