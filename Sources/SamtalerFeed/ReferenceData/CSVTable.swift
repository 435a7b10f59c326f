import Foundation

/// A small RFC 4180 reader for the reference data files in `sql/reference/` (UTF-8, header line,
/// double-quoted fields with doubled quotes). Not for the feed: the feed is JSON Lines.
public struct CSVTable: Sendable {
    public let header: [String]
    public let rows: [[String]]
    public let path: String

    /// A table from rows already split into fields (e.g. read back from the warehouse).
    public init(header: [String], rows: [[String]], path: String) {
        self.header = header
        self.rows = rows
        self.path = path
    }

    public init(path: String) throws {
        guard let data = FileManager.default.contents(atPath: path),
              let text = String(data: data, encoding: .utf8) else {
            throw ReferenceDataError(file: path, line: 0, message: "cannot read the file as UTF-8")
        }
        try self.init(text: text, path: path)
    }

    public init(text: String, path: String = "<text>") throws {
        var records: [[String]] = []
        var field = ""
        var record: [String] = []
        var inQuotes = false
        var iterator = text.unicodeScalars.makeIterator()
        var pending: Unicode.Scalar? = nil
        func next() -> Unicode.Scalar? {
            if let p = pending { pending = nil; return p }
            return iterator.next()
        }
        while let c = next() {
            if inQuotes {
                if c == "\"" {
                    if let n = next() {
                        if n == "\"" { field.unicodeScalars.append("\"") } else { inQuotes = false; pending = n }
                    } else { inQuotes = false }
                } else { field.unicodeScalars.append(c) }
            } else if c == "\"" && field.isEmpty {
                inQuotes = true
            } else if c == "," {
                record.append(field); field = ""
            } else if c == "\n" {
                record.append(field); field = ""
                records.append(record); record = []
            } else if c != "\r" {
                field.unicodeScalars.append(c)
            }
        }
        if !field.isEmpty || !record.isEmpty { record.append(field); records.append(record) }
        records.removeAll { $0.count == 1 && $0[0].isEmpty }
        guard let first = records.first else {
            throw ReferenceDataError(file: path, line: 1, message: "the file has no header line")
        }
        for (i, r) in records.enumerated() where r.count != first.count {
            throw ReferenceDataError(file: path, line: i + 1,
                                     message: "expected \(first.count) fields, found \(r.count)")
        }
        header = first
        rows = Array(records.dropFirst())
        self.path = path
    }

    /// The rows as dictionaries keyed by header name.
    public var records: [[String: String]] {
        rows.map { Dictionary(uniqueKeysWithValues: zip(header, $0)) }
    }
}

/// A problem in a reference data file, naming the file and line.
public struct ReferenceDataError: Error, CustomStringConvertible {
    public let file: String
    public let line: Int
    public let message: String
    public var description: String { "\(file):\(line): \(message)" }
}
