/// Disclosure control, row order and CSV rendering of the ministry statistics extract.
///
/// Pure Swift, no database: `MinistryExtract` feeds it the aggregated rows of one extract.
/// Every rule cites the output contract, /work/shared/spec/ministry-extract.md ("contract"), and
/// docs/extract.md explains the choices where the contract leaves room.
public enum Disclosure {
    /// Contract, "Disclosure control": the default threshold.
    public static let defaultThreshold = 5

    /// Contract, "The CSV": the one header line, exactly.
    public static let header = "periode,indberettertype,indberetterkode,samtaletype,samtaleform,antal_samtaler,antal_personer,diskretion"

    /// The samtaleform of a row: a feed code, or the group's total.
    public enum Form: Hashable, Sendable, CustomStringConvertible {
        /// A code of the feed (`VIDEO`, `PERSONLIGT`, ...).
        case code(String)
        /// The group's total row, written `I_ALT` (contract, column samtaleform).
        case iAlt

        public var description: String {
            switch self {
            case .code(let c): return c
            case .iAlt: return "I_ALT"
            }
        }
    }

    /// The diskretion mark (contract, column diskretion).
    public enum Mark: String, Hashable, Sendable {
        /// `P`: primary suppression.
        case primary = "P"
        /// `S`: secondary suppression.
        case secondary = "S"
    }

    /// The group a row belongs to: (indberettertype, indberetterkode, samtaletype).
    public struct Group: Hashable, Sendable {
        public var indberettertype: String
        public var indberetterkode: String
        public var samtaletype: String

        public init(_ indberettertype: String, _ indberetterkode: String, _ samtaletype: String) {
            self.indberettertype = indberettertype
            self.indberetterkode = indberetterkode
            self.samtaletype = samtaletype
        }
    }

    /// One aggregated row before disclosure control: true counts.
    public struct InputRow: Hashable, Sendable {
        public var group: Group
        public var samtaleform: Form
        public var antalSamtaler: Int
        public var antalPersoner: Int

        public init(group: Group, samtaleform: Form, antalSamtaler: Int, antalPersoner: Int) {
            self.group = group
            self.samtaleform = samtaleform
            self.antalSamtaler = antalSamtaler
            self.antalPersoner = antalPersoner
        }
    }

    /// One row as published: the numbers are nil when suppressed, and then `diskretion` says why.
    public struct OutputRow: Hashable, Sendable, CustomStringConvertible {
        public var group: Group
        public var samtaleform: Form
        public var antalSamtaler: Int?
        public var antalPersoner: Int?
        public var diskretion: Mark?

        public init(group: Group, samtaleform: Form, antalSamtaler: Int?, antalPersoner: Int?, diskretion: Mark?) {
            self.group = group
            self.samtaleform = samtaleform
            self.antalSamtaler = antalSamtaler
            self.antalPersoner = antalPersoner
            self.diskretion = diskretion
        }

        public var isSuppressed: Bool { diskretion != nil }

        public var description: String {
            "\(group.indberettertype),\(group.indberetterkode),\(group.samtaletype),\(samtaleform),"
                + "\(antalSamtaler.map(String.init) ?? ""),\(antalPersoner.map(String.init) ?? ""),\(diskretion?.rawValue ?? "")"
        }
    }

    // MARK: - Suppression

    /// Applies primary, then secondary suppression, and returns the rows in the contract's order.
    ///
    /// `rows` are the rows of one extract: one per (group, samtaleform) with at least one
    /// conversation, plus one `I_ALT` row per group. `threshold` must be at least 1.
    public static func apply(_ rows: [InputRow], threshold: Int = defaultThreshold) -> [OutputRow] {
        precondition(threshold >= 1, "the disclosure threshold must be at least 1")
        var out = rows.map { r in
            isPrimarySuppressed(r, threshold: threshold)
                ? OutputRow(group: r.group, samtaleform: r.samtaleform, antalSamtaler: r.antalSamtaler, antalPersoner: r.antalPersoner, diskretion: .primary)
                : OutputRow(group: r.group, samtaleform: r.samtaleform, antalSamtaler: r.antalSamtaler, antalPersoner: r.antalPersoner, diskretion: nil)
        }
        applySecondary(&out)
        // Contract, "Disclosure control": a suppressed row has both numbers empty.
        for i in out.indices where out[i].isSuppressed {
            out[i].antalSamtaler = nil
            out[i].antalPersoner = nil
        }
        return sorted(out)
    }

    /// Primary rule. Contract, "Disclosure control", first bullet: antal_personer at least 1 and
    /// below the threshold is suppressed (`I_ALT` rows too); third bullet: 0 persons (only
    /// unknown persons) is never suppressed by this rule.
    public static func isPrimarySuppressed(_ row: InputRow, threshold: Int) -> Bool {
        row.antalPersoner >= 1 && row.antalPersoner < threshold
    }

    /// Secondary rule. Contract, "Disclosure control", second bullet: in a group whose `I_ALT`
    /// row is not suppressed, when exactly one form row is suppressed, the remaining form row
    /// with the smallest antal_samtaler is suppressed too (`S`); a tie goes to the samtaleform
    /// first in byte order. One pass over primary marks only: `S` marks cause no further `S`.
    /// Expects the true counts still in `rows` (it compares antal_samtaler).
    static func applySecondary(_ rows: inout [OutputRow]) {
        var byGroup: [Group: [Int]] = [:]
        for i in rows.indices { byGroup[rows[i].group, default: []].append(i) }
        for members in byGroup.values {
            // The I_ALT row is always made; a group without one (never from MinistryExtract) is
            // treated as though its total were published, the cautious reading.
            if let total = members.first(where: { rows[$0].samtaleform == .iAlt }), rows[total].isSuppressed { continue }
            let forms = members.filter { rows[$0].samtaleform != .iAlt }
            guard forms.filter({ rows[$0].diskretion == .primary }).count == 1 else { continue }
            let candidates = forms.filter { rows[$0].diskretion == nil }
            let chosen = candidates.min { a, b in
                let x = rows[a], y = rows[b]
                if x.antalSamtaler! != y.antalSamtaler! { return x.antalSamtaler! < y.antalSamtaler! }
                return bytesPrecede(x.samtaleform.description, y.samtaleform.description)
            }
            if let chosen { rows[chosen].diskretion = .secondary }
        }
    }

    // MARK: - Order

    /// Contract, "The CSV", Rows: strings compare in byte order, as PostgreSQL's `COLLATE "C"`
    /// (`12` before `3`).
    public static func bytesPrecede(_ a: String, _ b: String) -> Bool {
        a.utf8.lexicographicallyPrecedes(b.utf8)
    }

    /// Contract, "The CSV", Rows: by indberettertype, indberetterkode, samtaletype (byte order),
    /// then within a group the form rows by samtaleform (byte order) and the `I_ALT` row last.
    public static func precedes(_ a: OutputRow, _ b: OutputRow) -> Bool {
        let ga = a.group, gb = b.group
        if ga.indberettertype != gb.indberettertype { return bytesPrecede(ga.indberettertype, gb.indberettertype) }
        if ga.indberetterkode != gb.indberetterkode { return bytesPrecede(ga.indberetterkode, gb.indberetterkode) }
        if ga.samtaletype != gb.samtaletype { return bytesPrecede(ga.samtaletype, gb.samtaletype) }
        switch (a.samtaleform, b.samtaleform) {
        case (.code(let x), .code(let y)): return bytesPrecede(x, y)
        case (.code, .iAlt): return true
        case (.iAlt, _): return false
        }
    }

    /// The rows in the contract's order (a total order on the row keys, so the result does not
    /// depend on the input order).
    public static func sorted(_ rows: [OutputRow]) -> [OutputRow] { rows.sorted(by: precedes) }

    // MARK: - CSV

    /// Contract, "The CSV": a field is quoted (RFC 4180: double quotes, inner quotes doubled)
    /// only when it holds a comma, a double quote, CR or LF.
    public static func csvField(_ s: String) -> String {
        guard s.utf8.contains(where: { $0 == 44 || $0 == 34 || $0 == 13 || $0 == 10 }) else { return s }
        var out = "\""
        for ch in s.unicodeScalars {
            if ch == "\"" { out += "\"\"" } else { out.unicodeScalars.append(ch) }
        }
        return out + "\""
    }

    /// Contract, "The CSV": one line of the file, without its `\n`. Numbers are plain decimal
    /// integers; a suppressed number is an empty field.
    public static func csvLine(periode: String, _ row: OutputRow) -> String {
        [periode, row.group.indberettertype, row.group.indberetterkode, row.group.samtaletype, row.samtaleform.description,
         row.antalSamtaler.map { String($0) } ?? "", row.antalPersoner.map { String($0) } ?? "", row.diskretion?.rawValue ?? ""]
            .map(csvField).joined(separator: ",")
    }

    /// Contract, "The CSV": the whole file's bytes: UTF-8 without a byte-order mark, the header,
    /// then the rows as given, every line (the last one too) ending in one `\n`.
    public static func csv(periode: String, rows: [OutputRow]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(64 * (rows.count + 1))
        out.append(contentsOf: header.utf8)
        out.append(10)
        for r in rows {
            out.append(contentsOf: csvLine(periode: periode, r).utf8)
            out.append(10)
        }
        return out
    }
}
