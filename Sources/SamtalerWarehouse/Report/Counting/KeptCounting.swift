import PostgresClient

/// Volumes counted from the kept copy (samtaler.kept_samtale, migration 0013): the current
/// conversations once more as byte strings, one per year and pseudonym block, each sorted by
/// person (the layout: sql/definitions/44_samtaler.kept_rad.sql). A report reads the blocks of
/// its years at memory speed, where reading the facts costs the server about a microsecond a row,
/// and finds each person's rows side by side: a row is its person's first in a group exactly when
/// no earlier row of the same person and year has that group, so every level but the grand total
/// is counted without a sort and without a set of persons. The grand total counts each block's
/// persons over the years (the blocks of one pseudonym byte share no person with another's).
///
/// The period is the first group, so every group but the grand total lies within one year. The
/// groups' keys are computed by the same SQL expressions as in the other strategies, once for
/// every value of the field they depend on (`KeptField`), never per row. Two connections read
/// the even and the odd blocks at once. Memory: one block at a time, the persons of a pseudonym
/// byte over the years, and the groups. docs/performance.md, "Every period: the kept copy".
struct KeptCounting: Counting {
    let conn: PGConnection
    let second: PGConnection?
    let filter: ReportFilter
    /// Dense slots up to this many full groups (`KeptTally`); the tests also count with none.
    var denseLimit = KeptTally.denseLimit

    func rollup(_ query: GroupedQuery) throws -> [RollupRow] {
        let (keys, tally) = try count(query)
        return try query.rows(of: tally.groups(), columns: keys.columns, conn)
    }

    /// The query's groups and the samtaleform counted from the copy; the conversations of each
    /// full group (period, breakdowns, form) rolled up in SQL as the halves' counts are
    /// (`GroupedQuery.formsRolledUp`). A conversation without a samtaleform is in no row, as in
    /// SQL (its inner join with dim_samtaleform).
    func forms(_ query: GroupedQuery) throws -> PGResult {
        let (keys, tally) = try count(query.withForm)
        var counts: [[String?]: Int] = [:]
        for g in tally.groups() where g.niveau == 0 {
            let values = g.keys.enumerated().map { c, code in code.flatMap { keys.columns[c].values[Int($0)] } }
            guard let form = values.last, form != nil else { continue }
            counts[values, default: 0] += g.conversations
        }
        return try query.formsRolledUp(counts, conn)
    }

    /// The query's groups counted from the blocks of the filter's years (on two connections
    /// when there is a second).
    func count(_ query: GroupedQuery) throws -> (KeptKeys, KeptTally) {
        defer { _ = try? second?.execute("COMMIT") }
        let keys = try KeptKeys(query, filter, conn)
        let years = (filter.from / 10000, filter.to / 10000)
        guard let second else {
            return (keys, try KeptTally.read(conn, keys, years: years, parity: nil, denseLimit: denseLimit))
        }
        let both = try atOnce(conn, second, (first: 0, second: 1)) { conn, parity in
            try KeptTally.read(conn, keys, years: years, parity: parity, denseLimit: denseLimit)
        }
        var tally = both.first
        try tally.absorb(both.second)
        return (keys, tally)
    }
}

extension GroupedQuery {
    /// The query's groups and then the samtaleform: what forms counts from the kept copy.
    var withForm: GroupedQuery {
        var fine = self
        fine.groups.append(Reports.Breakdown.samtaleform.grouping)
        return fine
    }
}

// Part of the choice (`Reports.volumesCounting`, `Reports.formsCounting`).
extension Reports {
    /// Counting from the kept copy, when it can give the report: the current facts (not as of a
    /// batch), every group computed from the kept fields with the period first, the copy written
    /// by the last published batch and not changed since (a statement on fact_samtale clears its
    /// stamp), and the filter's days at least 1/`keptReadsPerRow` of the days of the years it
    /// touches (the copy is read a whole year at a time; for a few days the facts' date index
    /// reads less). nil otherwise.
    func keptCounting(_ query: GroupedQuery, _ filter: ReportFilter) throws -> KeptCounting? {
        let fields = query.groups.map(KeptField.of)
        guard options.keptCopy, filter.asOf == nil, filter.blocks == nil, query.groups.count <= DistinctRollup.maxColumns,
              !fields.contains(where: { $0 == nil }), fields.first == KeptField.dato else { return nil }
        let state = try conn.execute("""
            WITH years AS (SELECT DISTINCT aar FROM samtaler.kept_samtale WHERE aar BETWEEN $1 AND $2)
            SELECT k.batch_key IS NOT NULL AND k.batch_key = (SELECT max(batch_key) FROM samtaler.dim_batch WHERE status = 'publiceret'),
                   (SELECT count(*) FROM years y JOIN samtaler.dim_dato d
                      ON d.dato_key BETWEEN greatest(y.aar * 10000 + 101, $3::int) AND least(y.aar * 10000 + 1231, $4::int)),
                   (SELECT count(*) FROM years y JOIN samtaler.dim_dato d ON d.dato_key BETWEEN y.aar * 10000 + 101 AND y.aar * 10000 + 1231)
            FROM samtaler.kept_samtale_batch k
            """, [String(filter.from / 10000), String(filter.to / 10000), String(filter.from), String(filter.to)])
        guard state.rowCount == 1, state.value(0, 0) == "t", let days = state.int(0, 1), let yearDays = state.int(0, 2),
              days * Self.keptReadsPerRow >= yearDays else { return nil }
        return KeptCounting(conn: conn, second: try secondConnection(), filter: filter)
    }

    /// How many kept rows reading costs about what one row of the facts costs (measured on the
    /// 10M warehouse: about 40 ns a kept row against 1.2 µs a fact row on the server, with
    /// margin: docs/performance.md). With it a month or more is counted from the copy.
    static let keptReadsPerRow = 15
}

/// A field of the kept copy's rows that a report's group can be computed from: where it lies in
/// a row, the fact column it copies, and every value it can take (its dimension's keys).
enum KeptField: CaseIterable, Equatable {
    case dato, indberetter, samtaletype, samtaleform, kontaktgruppe, visitationsgruppe, aldersgruppe, koen, status

    /// The bytes of one kept row (sql/definitions/44_samtaler.kept_rad.sql).
    static let rowBytes = 38

    /// The fact column (of samtaler.fact_samtale) the field copies.
    var column: String {
        switch self {
        case .dato: return "afholdt_dato_key"
        case .indberetter: return "indberetter_key"
        case .samtaletype: return "samtaletype_key"
        case .samtaleform: return "samtaleform_key"
        case .kontaktgruppe: return "kontaktgruppe_key"
        case .visitationsgruppe: return "visitationsgruppe_key"
        case .aldersgruppe: return "aldersgruppe_key"
        case .koen: return "koen_key"
        case .status: return "status_key"
        }
    }

    /// Where the field lies in a row: after the 16 bytes of the pseudonym, two of 4 bytes, then
    /// seven of 2 (a key that was NULL is -1).
    var offset: Int {
        switch self {
        case .dato: return 16
        case .indberetter: return 20
        case .samtaletype: return 24
        case .samtaleform: return 26
        case .kontaktgruppe: return 28
        case .visitationsgruppe: return 30
        case .aldersgruppe: return 32
        case .koen: return 34
        case .status: return 36
        }
    }

    /// Every value of the field as a query of one column: its dimension's keys, and NULL where
    /// the fact column may be NULL. Dates only within the filter's days and the copy's years (a
    /// range of the key per year: dim_dato has two centuries, and scanning them took 28 ms).
    func domain(_ filter: ReportFilter) -> String {
        switch self {
        case .dato: return "SELECT d.dato_key FROM (SELECT DISTINCT aar FROM samtaler.kept_samtale) y JOIN samtaler.dim_dato d "
            + "ON d.dato_key BETWEEN greatest(y.aar * 10000 + 101, \(filter.from)) AND least(y.aar * 10000 + 1231, \(filter.to))"
        case .indberetter: return "SELECT indberetter_key FROM samtaler.dim_indberetter"
        case .samtaletype: return "SELECT samtaletype_key FROM samtaler.dim_samtaletype UNION ALL SELECT NULL"
        case .samtaleform: return "SELECT samtaleform_key FROM samtaler.dim_samtaleform UNION ALL SELECT NULL"
        case .kontaktgruppe: return "SELECT kontaktgruppe_key FROM samtaler.dim_kontaktgruppe UNION ALL SELECT NULL"
        case .visitationsgruppe: return "SELECT visitationsgruppe_key FROM samtaler.dim_visitationsgruppe UNION ALL SELECT NULL"
        case .aldersgruppe: return "SELECT aldersgruppe_key FROM samtaler.dim_aldersgruppe UNION ALL SELECT NULL"
        case .koen: return "SELECT koen_key FROM samtaler.dim_koen UNION ALL SELECT NULL"
        case .status: return "SELECT status_key FROM samtaler.dim_samtalestatus"
        }
    }

    /// The field a grouping's key is computed from: the indberetter for a key over `i`, else the
    /// one fact column its key names; nil when it names none or several (not from the kept copy).
    static func of(_ grouping: Grouping) -> KeptField? {
        if grouping.usesIndberetter { return .indberetter }
        let named = allCases.filter { grouping.key.contains("f.\($0.column)") }
        return named.count == 1 ? named[0] : nil
    }
}

/// The report's groups as codes, for every value of the kept fields its groups use: per column,
/// a table from a field's value to the column's code (the DistinctRollup.Column's), computed by
/// the grouping's own SQL expression over the field's values.
struct KeptKeys: @unchecked Sendable {
    /// Per column: the field, and the code of each of its values by `index`.
    let fields: [KeptField]
    let codes: [[UInt32]]
    /// The same tables one after the other (column c's from `bases[c]`), for the counting loop.
    let flat: [UInt32], bases: [Int]
    /// The columns' codes and values, for labelling the groups (`GroupedQuery.rows`).
    let columns: [DistinctRollup.Column]
    /// The filter's first and last day (YYYYMMDD) and year.
    let from: Int32, to: Int32, firstYear: Int

    static let none = UInt32.max

    init(_ query: GroupedQuery, _ filter: ReportFilter, _ conn: PGConnection) throws {
        from = Int32(filter.from)
        to = Int32(filter.to)
        firstYear = filter.from / 10000
        // Each row's groups are packed in 64 bits, `DistinctRollup.bitsPerColumn` a column.
        guard query.groups.count <= DistinctRollup.maxColumns else {
            throw WarehouseError.internal("report: over \(DistinctRollup.maxColumns) groups cannot be counted from the kept copy")
        }
        var fields: [KeptField] = [], codes: [[UInt32]] = [], columns: [DistinctRollup.Column] = []
        for g in query.groups {
            guard let field = KeptField.of(g) else { throw WarehouseError.internal("report: a group the kept copy cannot give") }
            var column = DistinctRollup.Column(isText: g.keyIsText)
            let join = g.usesIndberetter ? "LEFT JOIN samtaler.dim_indberetter i ON i.indberetter_key = f.\(field.column)" : ""
            let res = try conn.execute("SELECT f.\(field.column), (\(g.key))::text FROM (\(field.domain(filter))) AS f(\(field.column)) \(join)")
            var table: [UInt32] = []
            var yearOfCode: [UInt32: Int] = [:]
            for i in 0..<res.rowCount {
                let raw = res.int(i, 0) ?? -1
                let at = Self.index(field, raw: raw, firstYear: firstYear)
                guard at >= 0 else { throw WarehouseError.internal("report: kept field \(field) has the value \(raw)") }
                if at >= table.count { table += [UInt32](repeating: Self.none, count: at + 1 - table.count) }
                let code = column.code(value: res.value(i, 1))
                guard code < 1 << DistinctRollup.bitsPerColumn else { throw WarehouseError.internal("report: over 65,535 values in one column") }
                table[at] = code
                // A person is deduplicated within one year's rows only: a period must not span two
                // years (month, quarter and year do not; an ISO week would).
                if field == .dato, yearOfCode.updateValue(raw / 10000, forKey: code).map({ $0 != raw / 10000 }) == true {
                    throw WarehouseError.internal("report: a period that spans two years cannot be counted from the kept copy")
                }
            }
            fields.append(field)
            codes.append(table)
            columns.append(column)
        }
        self.fields = fields
        self.codes = codes
        self.columns = columns
        flat = codes.flatMap { $0 }
        bases = codes.reduce(into: [0]) { $0.append($0.last! + $1.count) }
    }

    /// Where a field's value has its code: a date by year (from the filter's first), month and
    /// day; a key (-1 for NULL) one place up.
    @inline(__always)
    static func index(_ field: KeptField, raw: Int, firstYear: Int) -> Int {
        guard field == .dato else { return raw + 1 }
        return (raw / 10000 - firstYear) * 372 + (raw / 100 % 100 - 1) * 31 + raw % 100 - 1
    }
}

/// The counts of one part of the kept copy's blocks: conversations per full group, distinct
/// persons per group at each level, and the distinct persons of all (the grand total). A group is
/// a slot: where the columns' codes span few enough groups (`denseLimit`), its place in arrays
/// of every combination (no hashing per row); otherwise its number in a hash table per level.
struct KeptTally {
    let n: Int
    /// The codes each column can take (dense slots), nil: slots from `ids`.
    let radices: [Int]?
    /// Hash slots: per level l (1...n), the groups of the first l columns (packed codes).
    var ids: [DistinctRollup.GroupIDs]
    /// Per slot of the full groups, their conversations; per level l (1...n), per slot, persons.
    /// 32 bits a count: every period of month x samtaletype x indberetter has some 220,000 full
    /// groups, and with 64-bit counts the two reading threads' slots (8 MB) did not fit in this
    /// machine's 8 MB of cache. No count exceeds the rows counted, kept below 2^32 (`rowsCounted`).
    var conversations: [UInt32]
    var persons: [[UInt32]]
    var allPersons = 0
    /// The rows counted (this part's and those absorbed).
    private(set) var rowsCounted = 0

    /// Dense slots up to this many full groups (4 bytes each for conversations and for persons).
    static let denseLimit = 1 << 22

    init(columns: [DistinctRollup.Column], denseLimit: Int = KeptTally.denseLimit) {
        n = columns.count
        let radix = columns.map { $0.values.count }
        let sizes = (0...n).map { l in radix.prefix(l).reduce(1, *) }
        radices = sizes[n] <= denseLimit ? radix : nil
        ids = [DistinctRollup.GroupIDs](repeating: DistinctRollup.GroupIDs(), count: n + 1)
        if radices != nil {
            conversations = [UInt32](repeating: 0, count: sizes[n])
            persons = sizes.map { [UInt32](repeating: 0, count: $0) }
        } else {
            conversations = []
            persons = [[UInt32]](repeating: [], count: n + 1)
        }
    }

    /// The slot of a group of the first l columns: `dense` (its place among all combinations)
    /// or its number in the level's hash table (`packed`: its codes).
    @inline(__always)
    private mutating func slot(_ l: Int, packed: UInt64, dense: Int) -> Int {
        if radices != nil { return dense }
        let id = Int(ids[l].id(packed))
        if id == persons[l].count {
            persons[l].append(0)
            if l == n { conversations.append(0) }
        }
        return id
    }

    /// Reads the blocks of `years` (all of them, or those of one `parity`: 0 even, 1 odd) and
    /// counts them with `keys`, in dense slots up to `denseLimit` full groups.
    static func read(_ conn: PGConnection, _ keys: KeptKeys, years: (Int, Int), parity: Int?, denseLimit: Int) throws -> KeptTally {
        var tally = KeptTally(columns: keys.columns, denseLimit: denseLimit)
        var reader = PGBinaryRowReader()
        var failure: Error?
        // The persons of the current pseudonym byte, year after year (each year's sorted, 2 words
        // a person), and where each year's end.
        var block = -1
        var persons: [UInt64] = [], yearEnds: [Int] = [], spare: [UInt64] = []
        let scratch = KeptScratch(keys)
        let spansYears = years.0 != years.1
        func closeBlock() {
            if spansYears && block != 256 { tally.allPersons += KeptTally.distinct(&persons, ends: yearEnds, spare: &spare) }
            persons.removeAll(keepingCapacity: true)
            yearEnds.removeAll(keepingCapacity: true)
        }
        let which = parity.map { " AND blok % 2 = \($0)" } ?? ""
        try conn.copyOut("""
            COPY (SELECT blok, data FROM samtaler.kept_samtale WHERE aar BETWEEN \(years.0) AND \(years.1)\(which)
                  ORDER BY blok, aar) TO STDOUT (FORMAT binary)
            """) { message in
            guard failure == nil else { return }
            do {
                guard var row = try reader.row(message) else { return }
                guard row.count == 2, let b = try row.field(), b.count == 2, let data = try row.field() else {
                    throw WarehouseError.internal("kept copy: a row that is not (blok, data)")
                }
                let blok = Int(PGCopyBinary.bigEndian(b, as: Int16.self))
                if blok != block { closeBlock(); block = blok }
                try tally.count(UnsafeRawBufferPointer(rebasing: data), keys, anonymous: blok == 256,
                                collect: spansYears, met: &persons, scratch: scratch)
                if spansYears { yearEnds.append(persons.count) }
            } catch {
                failure = error
            }
        }
        if let failure { throw failure }
        closeBlock()
        return tally
    }

    /// Counts one block: its rows in runs of one person. Each person with a row in the filter's
    /// days is added to `met` when `collect` (for the grand total over years), else counted here.
    /// `scratch` is the slots' memory, kept from block to block (fresh arrays for each block cost
    /// the kernel a page fault every 4 KB and every write a uniqueness check: `clear_page` 2.5 %
    /// and `swift_isUniquelyReferenced` 3.9 % of every period's samples).
    mutating func count(_ data: UnsafeRawBufferPointer, _ keys: KeptKeys, anonymous: Bool,
                        collect: Bool, met: inout [UInt64], scratch: KeptScratch) throws {
        let width = KeptField.rowBytes
        guard data.count % width == 0 else { throw WarehouseError.internal("kept copy: a block of \(data.count) bytes") }
        let rows = data.count / width
        guard rows > 0 else { return }
        try noteCounted(rows)
        let n = n
        let shift = UInt64(DistinctRollup.bitsPerColumn)
        let unused = 64 - Int(shift) * n   // the high bits no column uses
        let from = keys.from, to = keys.to, firstYear = keys.firstYear
        let dense = radices != nil
        scratch.reserve(rows: rows, levels: n + 1)
        // The slots to count, per level (0: the full groups' conversations; l: persons at level l),
        // gathered first and added after: the rows of a block hit their groups in random order, and
        // a tight loop of additions lets the processor wait for many of those cache misses at once
        // (the counting of every period of the 10M warehouse spent a third of its time on them).
        let slots = scratch.slots, filled = scratch.filled, prefix = scratch.prefix
        var run = scratch.run
        defer { scratch.run = run }
        let columns = scratch.columns, flat = scratch.flat
        for l in 0...n { filled[l] = l * rows }
        var i = 0
        while i < rows {
            let at = i * width
            let hi = data.loadUnaligned(fromByteOffset: at, as: UInt64.self)
            let lo = data.loadUnaligned(fromByteOffset: at + 8, as: UInt64.self)
            var j = i
            var runCount = 0
            // The person's rows (in block 256 every row is one unknown person's own).
            repeat {
                let r = j * width
                j += 1
                let day = Int32(bigEndian: data.loadUnaligned(fromByteOffset: r + 16, as: Int32.self))
                if day < from || day > to { continue }
                var group: UInt64 = 0
                for c in 0..<n {
                    let column = columns[c]
                    let raw: Int = column.wide
                        ? Int(Int32(bigEndian: data.loadUnaligned(fromByteOffset: r + column.offset, as: Int32.self)))
                        : Int(Int16(bigEndian: data.loadUnaligned(fromByteOffset: r + column.offset, as: Int16.self)))
                    let x = column.dated ? KeptKeys.index(.dato, raw: raw, firstYear: firstYear) : raw + 1
                    let code = UInt(bitPattern: x) < UInt(column.size) ? flat[column.base + x] : KeptKeys.none
                    guard code != KeptKeys.none else {
                        throw WarehouseError.internal("kept copy: \(keys.fields[c]) \(raw) is no value of its dimension")
                    }
                    group = group << shift | UInt64(code)
                    prefix[c + 1] = prefix[c] &* column.radix &+ Int(code)
                }
                let full = dense ? prefix[n] : slot(n, packed: group, dense: 0)
                slots[filled[0]] = Int32(truncatingIfNeeded: full)
                filled[0] += 1
                if anonymous { continue }
                // The longest prefix (in columns) this row shares with an earlier row of the
                // person: it is the person's first in the groups of every longer prefix.
                var shared = 0
                for e in 0..<runCount {
                    let x = run.base[e] ^ group
                    let same = x == 0 ? n : (x.leadingZeroBitCount - unused) / Int(shift)
                    if same > shared { shared = same; if shared == n { break } }
                }
                if shared < n {
                    slots[filled[n]] = Int32(truncatingIfNeeded: full)
                    filled[n] += 1
                    if shared < n - 1 {
                        for l in (shared + 1)..<n {
                            let s = dense ? prefix[l] : slot(l, packed: group >> (shift * UInt64(n - l)), dense: 0)
                            slots[filled[l]] = Int32(truncatingIfNeeded: s)
                            filled[l] += 1
                        }
                    }
                }
                run.append(group, at: runCount)
                runCount += 1
            } while j < rows && !anonymous
                && data.loadUnaligned(fromByteOffset: j * width, as: UInt64.self) == hi
                && data.loadUnaligned(fromByteOffset: j * width + 8, as: UInt64.self) == lo
            if !anonymous && runCount > 0 {
                if collect {
                    met.append(UInt64(bigEndian: hi))
                    met.append(UInt64(bigEndian: lo))
                } else {
                    allPersons += 1
                }
            }
            i = j
        }
        conversations.withUnsafeMutableBufferPointer { c in
            let c = c.baseAddress!
            for k in 0..<filled[0] { c[Int(slots[k])] &+= 1 }
        }
        for l in 1...n {
            persons[l].withUnsafeMutableBufferPointer { p in
                let p = p.baseAddress!
                for k in (l * rows)..<filled[l] { p[Int(slots[k])] &+= 1 }
            }
        }
    }

    /// Notes `more` rows counted. Up to 2^32 - 1 rows in all (40 times the national volume of
    /// twenty years) no 32-bit count can overflow; beyond, an error instead of a wrapped count.
    private mutating func noteCounted(_ more: Int) throws {
        rowsCounted += more
        guard rowsCounted <= Int(UInt32.max) else {
            throw WarehouseError.internal("report: over \(UInt32.max) conversations to count from the kept copy")
        }
    }

    /// Adds the counts of another part's blocks (no pseudonym byte in both: no person in both).
    mutating func absorb(_ other: KeptTally) throws {
        try noteCounted(other.rowsCounted)
        if radices != nil {
            for k in conversations.indices { conversations[k] &+= other.conversations[k] }
            for l in 1...n { for k in persons[l].indices { persons[l][k] &+= other.persons[l][k] } }
        } else {
            for l in 1...n {
                for (k, packed) in other.ids[l].groups.enumerated() {
                    let id = slot(l, packed: packed, dense: 0)
                    persons[l][id] &+= other.persons[l][k]
                    if l == n { conversations[id] &+= other.conversations[k] }
                }
            }
        }
        allPersons += other.allPersons
    }

    /// Every group at every level, as DistinctRollup gives them: the full groups, the groups of
    /// each shorter prefix (conversations summed over their full groups), and the grand total.
    func groups() -> [DistinctRollup.Group] {
        let shift = UInt64(DistinctRollup.bitsPerColumn)
        let mask = DistinctRollup.codeMask
        func keys(_ packed: UInt64, _ l: Int) -> [UInt32?] {
            (0..<n).map { k in k < l ? UInt32(packed >> (shift * UInt64(l - 1 - k)) & mask) : nil }
        }
        var result: [DistinctRollup.Group] = []
        if let radix = radices {
            // Level by level from the full groups up: a group's conversations are its children's.
            var counts = conversations.map { Int($0) }
            for l in stride(from: n, through: 1, by: -1) {
                for (k, c) in counts.enumerated() where c > 0 {
                    var packed: UInt64 = 0, rest = k
                    for col in stride(from: l - 1, through: 0, by: -1) {
                        packed |= UInt64(rest % radix[col]) << (shift * UInt64(l - 1 - col))
                        rest /= radix[col]
                    }
                    result.append(DistinctRollup.Group(keys: keys(packed, l), conversations: c, persons: Int(persons[l][k]), niveau: (1 << (n - l)) - 1))
                }
                var up = [Int](repeating: 0, count: counts.count / radix[l - 1])
                for (k, c) in counts.enumerated() where c > 0 { up[k / radix[l - 1]] += c }
                counts = up
            }
        } else {
            for (id, group) in ids[n].groups.enumerated() {
                result.append(DistinctRollup.Group(keys: keys(group, n), conversations: Int(conversations[id]), persons: Int(persons[n][id]), niveau: 0))
            }
            for l in stride(from: n - 1, through: 1, by: -1) {
                // Prefixes met only in conversations without a person have no persons.
                var prefixes = ids[l]
                var sums = [Int](repeating: 0, count: prefixes.groups.count)
                for (id, group) in ids[n].groups.enumerated() {
                    let p = Int(prefixes.id(group >> (shift * UInt64(n - l))))
                    if p == sums.count { sums.append(0) }
                    sums[p] += Int(conversations[id])
                }
                for (p, prefix) in prefixes.groups.enumerated() {
                    result.append(DistinctRollup.Group(keys: keys(prefix, l), conversations: sums[p],
                                                       persons: p < persons[l].count ? Int(persons[l][p]) : 0, niveau: (1 << (n - l)) - 1))
                }
            }
        }
        result.append(DistinctRollup.Group(keys: [UInt32?](repeating: nil, count: n), conversations: conversations.reduce(0) { $0 + Int($1) },
                                           persons: allPersons, niveau: (1 << n) - 1))
        return result
    }

    /// How many distinct persons the sorted lists hold together: `persons` holds them one list
    /// after the other (list k ends at `ends[k]`), each sorted and distinct, two words a person.
    /// Merged two by two, between `persons` and `spare` (kept from block to block), until two
    /// are left, whose union is counted without being written. A block has a list a year, a
    /// dozen or so. On every period of the 10M warehouse (`perf record`): merged into new arrays
    /// about a third as long as the counting loop itself, all at once (the least of a dozen heads
    /// each time) two fifths, this way a quarter.
    static func distinct(_ persons: inout [UInt64], ends: [Int], spare: inout [UInt64]) -> Int {
        var runs = ends
        guard runs.count > 1, runs[runs.count - 1] > 0 else { return (runs.first ?? 0) / 2 }
        if spare.count < runs[runs.count - 1] { spare = [UInt64](repeating: 0, count: runs[runs.count - 1]) }
        return persons.withUnsafeMutableBufferPointer { p in spare.withUnsafeMutableBufferPointer { q in
            var from = p.baseAddress!, into = q.baseAddress!
            while runs.count > 2 {
                var merged: [Int] = []
                var start = 0, end = 0, r = 0
                while r < runs.count {
                    if r + 1 < runs.count {
                        end += PersonSet.union(UnsafeBufferPointer(start: from + start, count: runs[r] - start),
                                               UnsafeBufferPointer(start: from + runs[r], count: runs[r + 1] - runs[r]), into: into + end)
                        start = runs[r + 1]
                        r += 2
                    } else {
                        (into + end).update(from: from + start, count: runs[r] - start)
                        end += runs[r] - start
                        start = runs[r]
                        r += 1
                    }
                    merged.append(end)
                }
                runs = merged
                swap(&from, &into)
            }
            return PersonSet.union(UnsafeBufferPointer(start: from, count: runs[0]),
                                   UnsafeBufferPointer(start: from + runs[0], count: runs[1] - runs[0]), into: nil) / 2
        } }
    }
}

/// The counting's memory, allocated once per read and reused from block to block: a block's slots
/// per level (Int32: dense slots are fewer than 2^31, `KeptTally.denseLimit`), each level's count
/// so far, the row's dense slot at each level, the groups of the current person's rows, and per
/// column where its field lies and its codes. Unchecked: the counting loop indexes it by row.
final class KeptScratch {
    struct Column {
        let offset: Int, wide: Bool, dated: Bool, base: Int, size: Int, radix: Int
    }
    struct Run {
        var base: UnsafeMutablePointer<UInt64>
        var capacity: Int
        /// Stores a group at `k`, growing the run when a person has more rows than it holds.
        mutating func append(_ group: UInt64, at k: Int) {
            if k == capacity {
                let wider = UnsafeMutablePointer<UInt64>.allocate(capacity: capacity * 2)
                wider.initialize(from: base, count: capacity)
                base.deallocate()
                base = wider
                capacity *= 2
            }
            base[k] = group
        }
    }
    private(set) var slots: UnsafeMutablePointer<Int32>
    private var capacity: Int
    let filled: UnsafeMutablePointer<Int>, prefix: UnsafeMutablePointer<Int>
    var run: Run
    let columns: UnsafeMutablePointer<Column>, flat: UnsafeMutablePointer<UInt32>

    init(_ keys: KeptKeys) {
        let n = keys.fields.count
        capacity = 0
        slots = UnsafeMutablePointer<Int32>.allocate(capacity: 1)
        filled = UnsafeMutablePointer<Int>.allocate(capacity: n + 1)
        prefix = UnsafeMutablePointer<Int>.allocate(capacity: n + 1)
        prefix.initialize(repeating: 0, count: n + 1)
        filled.initialize(repeating: 0, count: n + 1)
        run = Run(base: UnsafeMutablePointer<UInt64>.allocate(capacity: 64), capacity: 64)
        columns = UnsafeMutablePointer<Column>.allocate(capacity: max(n, 1))
        for (c, field) in keys.fields.enumerated() {
            (columns + c).initialize(to: Column(offset: field.offset, wide: field.offset < 24, dated: field == .dato, base: keys.bases[c],
                                                size: keys.bases[c + 1] - keys.bases[c], radix: keys.columns[c].values.count))
        }
        flat = UnsafeMutablePointer<UInt32>.allocate(capacity: max(keys.flat.count, 1))
        for (k, code) in keys.flat.enumerated() { (flat + k).initialize(to: code) }
    }

    /// Room for `rows` slots at each of `levels`.
    func reserve(rows: Int, levels: Int) {
        guard rows * levels > capacity else { return }
        slots.deallocate()
        capacity = rows * levels
        slots = UnsafeMutablePointer<Int32>.allocate(capacity: capacity)
    }

    deinit {
        slots.deallocate(); filled.deallocate(); prefix.deallocate()
        run.base.deallocate(); columns.deallocate(); flat.deallocate()
    }
}
