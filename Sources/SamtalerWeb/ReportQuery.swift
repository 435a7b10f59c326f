import SamtalerWarehouse

/// A report page's query string as the options of `samtaler report`: the same names and values
/// (`period`, `from`, `to`, `per`, `by`, `mark`, `date`, `format`, `as-of-batch`, and revisions'
/// `from-batch`, `to-batch`, `threshold`, `changed`), checked afterwards by the
/// same code (`ReportOptions.parse`). What is particular to the web is only how a form sends them:
/// an empty field means the option is not given, and a field sent more than once (the form's
/// breakdown selects, the marks' checkboxes) is a comma-separated list.
enum ReportQuery {
    /// The parameters a report page takes; `excel` is `format=excel` here.
    static let parameters: [ReportOptions.Parameter] = [.period, .from, .to, .per, .by, .date, .mark, .format,
                                                        .asOfBatch, .fromBatch, .toBatch, .threshold, .changed]

    /// A query parameter that is not one of `parameters`.
    struct UnknownParameter: Error {
        /// The name as given, for the page (escaped there), never for the log.
        let name: String
        var danish: String { "Rapporterne kender ikke parameteren «\(name)». Mulige: \(ReportQuery.parameters.map(\.rawValue).joined(separator: ", "))." }
    }

    /// The options for report `name` from the query's (name, value) pairs.
    static func options(name: String, query: [(key: String, value: String)]) throws(UnknownParameter) -> ReportOptions {
        var values: [ReportOptions.Parameter: [String]] = [:]
        for (key, value) in query {
            guard let p = ReportOptions.Parameter(rawValue: key), parameters.contains(p) else { throw UnknownParameter(name: key) }
            if !value.isEmpty { values[p, default: []].append(value) }
        }
        func value(_ p: ReportOptions.Parameter) -> String? { values[p].map { $0.joined(separator: ",") } }
        var o = ReportOptions(name: name)
        o.period = value(.period)
        o.from = value(.from)
        o.to = value(.to)
        o.per = value(.per) ?? o.per
        o.by = value(.by)
        o.date = value(.date)
        o.mark = value(.mark)
        o.format = value(.format) ?? "html"
        (o.asOfBatch, o.fromBatch, o.toBatch, o.threshold) = (value(.asOfBatch), value(.fromBatch), value(.toBatch), value(.threshold))
        o.changed = value(.changed) != nil
        return o
    }

    /// The query string that asks for `o` again (the form's current choices), with `format` when given.
    static func string(_ o: ReportOptions, format: String? = nil) -> String {
        var pairs: [(String, String?)] = [("period", o.period), ("from", o.from), ("to", o.to)]
        if let name = Reports.Name(rawValue: o.name), ReportOptions.takes(name, .per) { pairs.append(("per", o.per)) }
        pairs += [("by", o.by), ("date", o.date), ("mark", o.mark), ("as-of-batch", o.asOfBatch), ("from-batch", o.fromBatch),
                  ("to-batch", o.toBatch), ("threshold", o.threshold), ("changed", o.changed ? "1" : nil), ("format", format)]
        return pairs.compactMap { k, v in v.map { "\(k)=\(percentEncoded($0))" } }.joined(separator: "&")
    }

    /// A value for a URL's query: everything but letters, digits and `-._~` percent-encoded.
    static func percentEncoded(_ s: String) -> String {
        var out = ""
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(b))
            default:
                out += "%" + String(b, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return out
    }
}

extension String {
    func leftPadded(to n: Int) -> String { String(repeating: "0", count: max(0, n - count)) + self }
}
