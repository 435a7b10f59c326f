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
    /// Per conversation with a known person: its pseudonym; the group is filled in by groups().
    private var rows: [Row] = []
    /// The key codes of those rows, `columns.count` per row.
    private var rowCodes: [UInt32] = []
    /// The key codes of conversations without a known person (counted, never as persons).
    private var anonymousCodes: [UInt32] = []

    init(keyCount: Int) { columns = Array(repeating: Column(), count: keyCount) }

    /// Adds one COPY text row: the key columns, then the pseudonym (a uuid, or \\N for an
    /// unknown person).
    mutating func add(copyRow line: UnsafeRawBufferPointer) throws(WarehouseError) {
        var end = line.count
        if end > 0 && line[end - 1] == UInt8(ascii: "\n") { end -= 1 }
        var start = 0
        var column = 0
        let mark = rowCodes.count
        var codes: [UInt32] = []
        for i in 0...end where i == end || line[i] == UInt8(ascii: "\t") {
            let field = line[start..<i]
            start = i + 1
            if column < columns.count {
                rowCodes.append(columns[column].code(field))
            } else if column == columns.count {
                if let person = Self.uuid(field) {
                    rows.append(Row(hi: person.hi, lo: person.lo, group: 0))
                } else {
                    codes = Array(rowCodes[mark...])
                    rowCodes.removeSubrange(mark...)
                }
            }
            column += 1
        }
        guard column == columns.count + 1 else {
            throw .internal("report rows: \(column) fields where \(columns.count + 1) were expected")
        }
        anonymousCodes += codes
    }

    /// Counts every level. Call once, after the last row.
    mutating func groups() throws(WarehouseError) -> [Group] {
        let n = columns.count
        // Radix of each column (its codes, NULL included) and the weight of each place.
        let radix = columns.map { UInt64($0.values.count) }
        var weight = [UInt64](repeating: 1, count: n + 1)   // weight[l]: all columns from l on
        for l in stride(from: n - 1, through: 0, by: -1) {
            let (w, overflow) = weight[l + 1].multipliedReportingOverflow(by: radix[l])
            guard !overflow else { throw .internal("report: too many combinations of breakdowns to count") }
            weight[l] = w
        }
        func pack(_ codes: ArraySlice<UInt32>) -> UInt64 {
            var g: UInt64 = 0
            for (i, c) in zip(0..<n, codes) { g = g * radix[i] + UInt64(c) }
            return g
        }
        for i in rows.indices { rows[i].group = pack(rowCodes[(i * n)..<(i * n + n)]) }
        rowCodes = []
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
                for l in 0...n where p.group / weight[l] != row.group / weight[l] { first = l; break }
            }
            if first <= n {
                for l in first...n { persons[l][row.group / weight[l], default: 0] += 1 }
            }
            previous = row
        }
        rows = []
        for i in stride(from: 0, to: anonymousCodes.count, by: max(n, 1)) {
            conversations[pack(anonymousCodes[i..<(i + n)]), default: 0] += 1
        }
        anonymousCodes = []

        // Conversations of each prefix group (sums of the full groups), every level.
        var result: [Group] = []
        for l in stride(from: n, through: 0, by: -1) {
            var sums: [UInt64: Int] = [:]
            for (g, c) in conversations { sums[g / weight[l], default: 0] += c }
            if l == 0 && sums.isEmpty { sums[0] = 0 }   // ROLLUP's () row exists for no rows too
            for (prefix, count) in sums {
                var keys = [UInt32?](repeating: nil, count: n)
                var rest = prefix
                for i in stride(from: l - 1, through: 0, by: -1) {
                    keys[i] = UInt32(rest % radix[i])
                    rest /= radix[i]
                }
                result.append(Group(keys: keys, conversations: count, persons: persons[l][prefix] ?? 0,
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
    func rollupCountedInClient(_ conn: PGConnection, filter: String) throws -> PGResult {
        let select = groups.map(\.key) + ["f.person_pseudonym"]
        var rollup = DistinctRollup(keyCount: groups.count)
        var failure: WarehouseError?
        try conn.copyOut("""
            COPY (SELECT \(select.joined(separator: ", ")) FROM \(fact) \(joins.joined(separator: " ")) WHERE \(filter))
            TO STDOUT
            """) { line in
            if failure == nil { do throws(WarehouseError) { try rollup.add(copyRow: line) } catch { failure = error } }
        }
        if let failure { throw failure }
        let counted = try rollup.groups()

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
