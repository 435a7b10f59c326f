import PostgresClient

/// Conversations and distinct persons per group under ROLLUP, counted in the client.
///
/// PostgreSQL 15 computes `count(DISTINCT person)` under `ROLLUP` by sorting each group's persons
/// at every level (2.2 s for 900k conversations on this machine, docs/performance.md). Here the
/// period's rows (group keys and pseudonym) are read once with COPY, sorted once by person and
/// keys, and counted in one pass: a row is the first of its person in a group of `l` leading keys
/// exactly when the person differs from the previous row's or one of those keys does. So every
/// level's distinct count comes from the same sort, and the result is exact. The groups (a few
/// thousand rows) go back to SQL, which labels and orders them as before (GroupedQuery).
struct DistinctRollup {
    /// A column's values as small codes: SQL NULL is code 0. Integers (most keys) are looked up
    /// as numbers, other text as strings.
    struct Column {
        var intCodes: [Int64: UInt32] = [:]
        var textCodes: [String: UInt32] = [:]
        /// The value of each code as SQL text (nil: NULL).
        var values: [String?] = [nil]

        mutating func code(_ field: Slice<UnsafeRawBufferPointer>) -> UInt32 {
            if field.count == 2 && field.first == UInt8(ascii: "\\") && field.last == UInt8(ascii: "N") { return 0 }
            if let number = DistinctRollup.integer(field) {
                if let c = intCodes[number] { return c }
                let c = UInt32(values.count)
                intCodes[number] = c
                values.append(String(number))
                return c
            }
            let text = DistinctRollup.text(field)
            if let c = textCodes[text] { return c }
            let c = UInt32(values.count)
            textCodes[text] = c
            values.append(text)
            return c
        }
    }

    /// One conversation with a known person: the pseudonym's 128 bits and the group's code.
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

    /// At most this many key columns: each column's code takes 16 bits of a row's group.
    static let maxColumns = 4
    static let bitsPerColumn: UInt64 = 16

    init(keyCount: Int, expectedRows: Int = 0) {
        precondition(keyCount >= 1 && keyCount <= Self.maxColumns)
        columns = Array(repeating: Column(), count: keyCount)
        rows.reserveCapacity(expectedRows)
    }

    /// Adds one COPY text row: the key columns, then the pseudonym (a uuid, or \\N for an
    /// unknown person).
    mutating func add(copyRow line: UnsafeRawBufferPointer) throws(WarehouseError) {
        var end = line.count
        if end > 0 && line[end - 1] == UInt8(ascii: "\n") { end -= 1 }
        var start = 0
        var column = 0
        var group: UInt64 = 0
        var person: (hi: UInt64, lo: UInt64)?
        for i in 0...end where i == end || line[i] == UInt8(ascii: "\t") {
            let field = line[start..<i]
            start = i + 1
            if column < columns.count {
                let code = columns[column].code(field)
                guard code < 1 << Self.bitsPerColumn else { throw .internal("report: over 65,535 values in one column") }
                group = group << Self.bitsPerColumn | UInt64(code)
            } else if column == columns.count {
                person = Self.uuid(field)
            }
            column += 1
        }
        guard column == columns.count + 1 else {
            throw .internal("report rows: \(column) fields where \(columns.count + 1) were expected")
        }
        if let person {
            rows.append(Row(hi: person.hi, lo: person.lo, group: group))
        } else {
            anonymous.append(group)
        }
    }

    /// Counts every level. Call once, after the last row.
    mutating func groups() -> [Group] {
        let n = columns.count
        // The group of the first l columns: the row's group shifted right past the others.
        func prefix(_ group: UInt64, _ l: Int) -> UInt64 {
            l == 0 ? 0 : group >> (Self.bitsPerColumn * UInt64(n - l))
        }
        rows.sort()

        // conversations[g] for the full groups; persons[l][prefix] for groups of l leading keys.
        var conversations: [UInt64: Int] = [:]
        var persons = [[UInt64: Int]](repeating: [:], count: n + 1)
        var previous: Row?
        for row in rows {
            conversations[row.group, default: 0] += 1
            // The shortest prefix (in keys) at which this row is its person's first.
            var first = 0
            if let p = previous, p.hi == row.hi, p.lo == row.lo {
                first = n + 1   // same person, same full group: first nowhere
                for l in 1...n where prefix(p.group, l) != prefix(row.group, l) { first = l; break }
            }
            if first <= n {
                for l in first...n { persons[l][prefix(row.group, l), default: 0] += 1 }
            }
            previous = row
        }
        rows = []
        for g in anonymous { conversations[g, default: 0] += 1 }
        anonymous = []

        // Conversations of each prefix group (sums of the full groups), every level.
        let mask: UInt64 = (1 << Self.bitsPerColumn) - 1
        var result: [Group] = []
        for l in stride(from: n, through: 0, by: -1) {
            var sums: [UInt64: Int] = [:]
            for (g, c) in conversations { sums[prefix(g, l), default: 0] += c }
            if l == 0 && sums.isEmpty { sums[0] = 0 }   // ROLLUP's () row exists for no rows too
            for (p, count) in sums {
                var keys = [UInt32?](repeating: nil, count: n)
                for i in 0..<l {
                    keys[i] = UInt32(p >> (Self.bitsPerColumn * UInt64(l - 1 - i)) & mask)
                }
                result.append(Group(keys: keys, conversations: count, persons: persons[l][p] ?? 0,
                                    niveau: (1 << (n - l)) - 1))
            }
        }
        return result
    }

    /// A COPY text field's value, with COPY's backslash escapes undone (not \\N: the caller's).
    static func text(_ field: Slice<UnsafeRawBufferPointer>) -> String {
        guard field.contains(UInt8(ascii: "\\")) else { return String(decoding: field, as: UTF8.self) }
        var out: [UInt8] = []
        var escaped = false
        for b in field {
            if escaped {
                switch b {
                case UInt8(ascii: "t"): out.append(9)
                case UInt8(ascii: "n"): out.append(10)
                case UInt8(ascii: "r"): out.append(13)
                default: out.append(b)
                }
                escaped = false
            } else if b == UInt8(ascii: "\\") {
                escaped = true
            } else {
                out.append(b)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// A field that is an integer in canonical form (no leading zero or plus), else nil: such
    /// text and the number's own text are the same value.
    static func integer(_ field: Slice<UnsafeRawBufferPointer>) -> Int64? {
        var digits = field[...]
        let negative = digits.first == UInt8(ascii: "-")
        if negative { digits = digits.dropFirst() }
        guard (1...18).contains(digits.count), digits.first != UInt8(ascii: "0") || digits.count == 1 else { return nil }
        var v: Int64 = 0
        for b in digits {
            guard b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") else { return nil }
            v = v * 10 + Int64(b - UInt8(ascii: "0"))
        }
        return negative ? (v == 0 ? nil : -v) : v
    }

    /// A uuid in its text form (32 hex digits and 4 hyphens), or nil for \N.
    static func uuid(_ field: Slice<UnsafeRawBufferPointer>) -> (hi: UInt64, lo: UInt64)? {
        var hi: UInt64 = 0, lo: UInt64 = 0, digits = 0
        for b in field {
            let v: UInt8
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): v = b &- UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): v = b &- UInt8(ascii: "a") &+ 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): v = b &- UInt8(ascii: "A") &+ 10
            default: continue   // hyphens; \N has no hex digit
            }
            if digits < 16 { hi = hi << 4 | UInt64(v) } else { lo = lo << 4 | UInt64(v) }
            digits += 1
        }
        return digits == 32 ? (hi, lo) : nil
    }
}

extension GroupedQuery {
    /// The groups' conversations (`samtaler`), distinct persons (`personer`) and GROUPING()
    /// bits (`niveau`) under ROLLUP of all groups, counted by DistinctRollup from the rows that
    /// `filter` selects, then labelled and ordered by this query's outer part. `filter` holds
    /// no parameters (COPY takes none): the caller puts in numbers it made itself.
    ///
    /// nil when the client should not count: more than four key columns, or more than `maxRows`
    /// rows by the planner's estimate. The rows are held while they are counted (24 bytes each),
    /// and over a whole warehouse PostgreSQL's own count is as fast (docs/performance.md).
    func rollupCountedInClient(_ conn: PGConnection, filter: String, maxRows: Int) throws -> PGResult? {
        guard groups.count <= DistinctRollup.maxColumns else { return nil }
        let rowsSQL = "SELECT \((groups.map(\.key) + ["f.person_pseudonym"]).joined(separator: ", ")) "
            + "FROM \(fact) \(joins.joined(separator: " ")) WHERE \(filter)"
        let estimate = Self.estimatedRows(try conn.scalar("EXPLAIN " + rowsSQL) ?? "")
        guard let estimate, estimate <= maxRows else { return nil }
        var rollup = DistinctRollup(keyCount: groups.count, expectedRows: estimate + estimate / 8)
        var failure: WarehouseError?
        try conn.copyOut("COPY (\(rowsSQL)) TO STDOUT") { line in
            if failure == nil { do throws(WarehouseError) { try rollup.add(copyRow: line) } catch { failure = error } }
        }
        if let failure { throw failure }
        let counted = rollup.groups()

        // The groups go back as arrays, one per column, for the outer query to label and order.
        var params: [String?] = []
        var columns: [String] = []
        for (c, group) in groups.enumerated() {
            let values = rollup.columns[c].values
            params.append(Self.arrayLiteral(counted.map { $0.keys[c].flatMap { values[Int($0)] } }, quoted: group.keyIsText))
            columns.append("$\(c + 1)::\(group.keyIsText ? "text" : "bigint")[]")
        }
        params.append(Self.arrayLiteral(counted.map { String($0.conversations) }, quoted: false))
        params.append(Self.arrayLiteral(counted.map { String($0.persons) }, quoted: false))
        params.append(Self.arrayLiteral(counted.map { String($0.niveau) }, quoted: false))
        let n = groups.count
        columns += ["$\(n + 1)::bigint[]", "$\(n + 2)::bigint[]", "$\(n + 3)::integer[]"]
        let names = (0..<n).map { "k\($0)" } + ["samtaler", "personer", "niveau"]
        return try conn.execute(outerSQL(from: "SELECT * FROM unnest(\(columns.joined(separator: ", "))) AS u(\(names.joined(separator: ", ")))"),
                                params)
    }

    /// The row estimate of the top node of an EXPLAIN in text ("... rows=123 width=..."), or nil.
    static func estimatedRows(_ planLine: String) -> Int? {
        guard let r = planLine.range(of: " rows=") else { return nil }
        return Int(planLine[r.upperBound...].prefix { $0.isNumber })
    }

    /// An array literal for a parameter: {a,b,NULL}; text elements quoted, as the array input
    /// syntax requires.
    static func arrayLiteral(_ values: [String?], quoted: Bool) -> String {
        "{" + values.map { v in
            guard let v else { return "NULL" }
            guard quoted else { return v }
            var out = "\""
            for ch in v {
                if ch == "\"" || ch == "\\" { out.append("\\") }
                out.append(ch)
            }
            return out + "\""
        }.joined(separator: ",") + "}"
    }
}
