import PostgresClient

/// Conversations and distinct persons per group under ROLLUP, counted in the client.
///
/// PostgreSQL 15 computes `count(DISTINCT person)` under `ROLLUP` by sorting each group's persons
/// at every level (2.2 s for 900k conversations on this machine, docs/performance.md). Here the
/// period's rows (group keys and pseudonym) are read once with a binary COPY, sorted once by person and
/// keys, and counted in one pass: a row is the first of its person in a group of `l` leading keys
/// exactly when the person differs from the previous row's or one of those keys does. So every
/// level's distinct count comes from the same sort, and the result is exact. Each column's few
/// distinct keys are labelled and ranked in SQL, and the groups are put in the report's order
/// here (`Report/Counting`).
struct DistinctRollup {
    /// A column's values as small codes: SQL NULL is code 0.
    struct Column {
        let isText: Bool
        var intCodes: [Int64: UInt32] = [:]
        var textCodes: [String: UInt32] = [:]
        /// The value of each code as SQL text (nil: NULL).
        var values: [String?] = [nil]

        /// The code of a field of COPY's binary format: a big-endian integer of 2, 4 or 8 bytes,
        /// or UTF-8 text; nil is NULL.
        mutating func code(_ field: Slice<UnsafeRawBufferPointer>?) throws(WarehouseError) -> UInt32 {
            guard let field else { return 0 }
            if isText { return code(text: String(decoding: field, as: UTF8.self)) }
            switch field.count {
            case 2: return code(number: Int64(PGCopyBinary.bigEndian(field, as: Int16.self)))
            case 4: return code(number: Int64(PGCopyBinary.bigEndian(field, as: Int32.self)))
            case 8: return code(number: PGCopyBinary.bigEndian(field, as: Int64.self))
            default: throw .internal("report rows: an integer key of \(field.count) bytes")
            }
        }

        /// The code of a value as `values` holds it (SQL text; nil is NULL).
        mutating func code(value: String?) -> UInt32 {
            guard let value else { return 0 }
            return isText ? code(text: value) : code(number: Int64(value)!)
        }

        mutating func code(text: String) -> UInt32 {
            if let c = textCodes[text] { return c }
            let c = UInt32(values.count)
            textCodes[text] = c
            values.append(text)
            return c
        }

        mutating func code(number: Int64) -> UInt32 {
            // The facts lie in date order, so a period repeats row after row; dimension keys
            // are small numbers. Both are answered without hashing.
            if number == lastNumber { return lastCode }
            let c: UInt32
            if number >= 0 && number < Self.smallLimit, smallCodes[Int(number)] != 0 {
                c = smallCodes[Int(number)]
            } else if let known = intCodes[number] {
                c = known
            } else {
                c = UInt32(values.count)
                intCodes[number] = c
                values.append(String(number))
                if number >= 0 && number < Self.smallLimit { smallCodes[Int(number)] = c }
            }
            lastNumber = number
            lastCode = c
            return c
        }

        /// Integer keys below this have their code in `smallCodes` (0: not seen; code 0 is NULL).
        static let smallLimit: Int64 = 4096
        var smallCodes: [UInt32] = []
        var lastNumber: Int64?
        var lastCode: UInt32 = 0

        init(isText: Bool) {
            self.isText = isText
            if !isText { smallCodes = [UInt32](repeating: 0, count: Int(Self.smallLimit)) }
        }
    }

    /// Numbers the distinct groups (their packed codes) in the order they first appear: open
    /// addressing with a multiplicative hash, cheaper per row than a Dictionary's seeded hash.
    struct GroupIDs {
        private(set) var groups: [UInt64] = []
        private var slots = [UInt32](repeating: .max, count: 1 << 12)

        mutating func id(_ group: UInt64) -> UInt32 {
            var mask = slots.count - 1
            var i = Int(truncatingIfNeeded: (group &* 0x9E37_79B9_7F4A_7C15) >> 32) & mask
            while true {
                let s = slots[i]
                if s == .max { break }
                if groups[Int(s)] == group { return s }
                i = (i + 1) & mask
            }
            let id = UInt32(groups.count)
            groups.append(group)
            if groups.count * 2 > slots.count {   // keep it at most half full
                slots = [UInt32](repeating: .max, count: slots.count * 2)
                mask = slots.count - 1
                for (k, g) in groups.enumerated() {
                    var j = Int(truncatingIfNeeded: (g &* 0x9E37_79B9_7F4A_7C15) >> 32) & mask
                    while slots[j] != .max { j = (j + 1) & mask }
                    slots[j] = UInt32(k)
                }
            } else {
                slots[i] = id
            }
            return id
        }
    }

    /// One conversation with a known person: the pseudonym's 128 bits and its group (the group's
    /// number from `GroupIDs` while reading, its rank among the groups' codes when counting).
    struct Row: Comparable {
        var hi: UInt64, lo: UInt64, group: UInt64
        static func < (a: Row, b: Row) -> Bool {
            a.hi != b.hi ? a.hi < b.hi : a.lo != b.lo ? a.lo < b.lo : a.group < b.group
        }
    }

    /// One group of the result: its keys' codes per column (nil: rolled up), its counts, and
    /// GROUPING()'s bits (1 for each rolled-up column, the last column the lowest bit).
    struct Group {
        var keys: [UInt32?]
        var conversations: Int
        var persons: Int
        var niveau: Int
    }

    var columns: [Column]
    /// Per conversation with a known person: its pseudonym and its group.
    private var rows: [Row] = []
    /// The groups of conversations without a known person (counted, never as persons).
    private var anonymous: [UInt64] = []
    private var groupIDs = GroupIDs()

    /// At most this many key columns: each column's code takes 16 bits of a row's group.
    static let maxColumns = 4
    static let bitsPerColumn: UInt64 = 16
    /// One column's code within a packed group.
    static let codeMask: UInt64 = (1 << bitsPerColumn) - 1

    /// The COPY's messages, read as its binary format (the header comes before the first row).
    private var reader = PGBinaryRowReader()

    /// When set, `groups()` also leaves the distinct persons in `persons`.
    var keepPersons = false
    /// After `groups()` with `keepPersons`: every distinct pseudonym, sorted, as two halves each
    /// (high, low 64 bits).
    private(set) var persons: [UInt64] = []

    /// One column per key, text or integer as its grouping is.
    init(textColumns: [Bool], expectedRows: Int = 0) {
        precondition(textColumns.count >= 1 && textColumns.count <= Self.maxColumns)
        columns = textColumns.map { Column(isText: $0) }
        rows.reserveCapacity(expectedRows)
    }

    /// Adds one message of `COPY … TO STDOUT (FORMAT binary)`: a row of the key columns and the
    /// pseudonym (16 bytes, or NULL for an unknown person), the header before the first, or the
    /// end marker.
    mutating func add(binaryMessage message: UnsafeRawBufferPointer) throws(WarehouseError) {
        let read: PGBinaryRow?
        do throws(PGError) { read = try reader.row(message) } catch { throw Self.wireError(error) }
        guard var row = read else { return }   // the header alone, or the end
        guard row.count == columns.count + 1 else {
            throw .internal("report rows: \(row.count) fields where \(columns.count + 1) were expected")
        }
        func field() throws(WarehouseError) -> Slice<UnsafeRawBufferPointer>? {
            do throws(PGError) { return try row.field() } catch { throw Self.wireError(error) }
        }
        var group: UInt64 = 0
        for c in columns.indices {
            let code = try columns[c].code(try field())
            guard code < 1 << Self.bitsPerColumn else { throw .internal("report: over 65,535 values in one column") }
            group = group << Self.bitsPerColumn | UInt64(code)
        }
        let id = UInt64(groupIDs.id(group))
        if let person = try field() {
            guard person.count == 16 else { throw .internal("report rows: a pseudonym of \(person.count) bytes") }
            rows.append(Row(hi: PGCopyBinary.bigEndian(person.prefix(8), as: UInt64.self),
                            lo: PGCopyBinary.bigEndian(person.suffix(8), as: UInt64.self), group: id))
        } else {
            anonymous.append(id)
        }
    }

    /// Takes over the rows that another reader of the same columns collected (a part of the
    /// period read on a second connection), its codes and groups mapped to this one's.
    mutating func absorb(_ other: DistinctRollup) {
        precondition(other.columns.count == columns.count)
        let n = columns.count
        let maps = columns.indices.map { c in other.columns[c].values.map { columns[c].code(value: $0) } }
        let ids = other.groupIDs.groups.map { packed -> UInt64 in
            var g: UInt64 = 0
            for c in 0..<n {
                let code = Int(packed >> (Self.bitsPerColumn * UInt64(n - 1 - c)) & Self.codeMask)
                g = g << Self.bitsPerColumn | UInt64(maps[c][code])
            }
            return UInt64(groupIDs.id(g))
        }
        rows.reserveCapacity(rows.count + other.rows.count)
        for r in other.rows { rows.append(Row(hi: r.hi, lo: r.lo, group: ids[Int(r.group)])) }
        for g in other.anonymous { anonymous.append(ids[Int(g)]) }
    }

    /// What is not COPY's binary format, or a message cut short: the report's query is wrong.
    private static func wireError(_ error: PGError) -> WarehouseError { .internal("report rows: \(error.message)") }

    /// Counts every level. Call once, after the last row.
    mutating func groups() -> [Group] {
        let n = columns.count
        // The group of the first l columns: the row's group shifted right past the others.
        func prefix(_ group: UInt64, _ l: Int) -> UInt64 {
            l == 0 ? 0 : group >> (Self.bitsPerColumn * UInt64(n - l))
        }

        // The distinct full groups in order, and for each level the index of each group's prefix
        // among that level's prefixes: the counting below then works on arrays, not hash tables.
        let seen = groupIDs.groups
        let order = seen.indices.sorted { seen[$0] < seen[$1] }
        let sortedGroups = order.map { seen[$0] }
        var rank = [UInt64](repeating: 0, count: seen.count)
        for (r, id) in order.enumerated() { rank[id] = UInt64(r) }
        // prefixIndex[l][rank]: which prefix of l keys the group has (0, 1, 2, … in order).
        var prefixIndex = [[Int32]](repeating: [], count: n + 1)
        var prefixes = [[UInt64]](repeating: [], count: n + 1)   // each level's prefixes, in order
        for l in 0...n {
            var index = [Int32](repeating: 0, count: sortedGroups.count)
            for (i, g) in sortedGroups.enumerated() {
                let p = prefix(g, l)
                if prefixes[l].last != p { prefixes[l].append(p) }
                index[i] = Int32(prefixes[l].count - 1)
            }
            prefixIndex[l] = index
        }
        if sortedGroups.isEmpty { prefixes[0] = [0] }   // ROLLUP's () row exists for no rows too

        // Rows carry their group's rank from here: it sorts as the group's codes do.
        for i in rows.indices { rows[i].group = rank[Int(rows[i].group)] }
        rows.sort()

        // conversations[rank] of the full groups; persons[l][prefix index] at every level.
        var conversations = [Int](repeating: 0, count: sortedGroups.count)
        var persons = prefixes.map { [Int](repeating: 0, count: $0.count) }
        var previous: Row?
        for row in rows {
            let r = Int(row.group)
            conversations[r] += 1
            // The shortest prefix (in keys) at which this row is its person's first.
            var first = 0
            if let p = previous, p.hi == row.hi, p.lo == row.lo {
                first = n + 1   // same person, same full group: first nowhere
                let q = Int(p.group)
                if q != r {
                    for l in 1...n where prefixIndex[l][q] != prefixIndex[l][r] { first = l; break }
                }
            }
            if first <= n {
                for l in first...n { persons[l][Int(prefixIndex[l][r])] += 1 }
            }
            if first == 0 && keepPersons {   // a person not met before (the rows are sorted by person)
                self.persons.append(row.hi)
                self.persons.append(row.lo)
            }
            previous = row
        }
        rows = []
        for id in anonymous { conversations[Int(rank[Int(id)])] += 1 }
        anonymous = []

        // Conversations of each prefix group (sums of the full groups), every level.
        var result: [Group] = []
        for l in stride(from: n, through: 0, by: -1) {
            var sums = [Int](repeating: 0, count: prefixes[l].count)
            for (r, c) in conversations.enumerated() { sums[Int(prefixIndex[l][r])] += c }
            for (i, p) in prefixes[l].enumerated() {
                var keys = [UInt32?](repeating: nil, count: n)
                for k in 0..<l {
                    keys[k] = UInt32(p >> (Self.bitsPerColumn * UInt64(l - 1 - k)) & Self.codeMask)
                }
                result.append(Group(keys: keys, conversations: sums[i], persons: persons[l][i],
                                    niveau: (1 << (n - l)) - 1))
            }
        }
        return result
    }
}
