import Foundation
import PostgresClient
import SamtalerTestSupport
import Testing

// `samtaler serve --suppress N` (docs/web.md, Small numbers): the built binary on a loaded
// sandbox; the unsuppressed numbers come from `samtaler report`, which is byte for byte the
// unsuppressed download (ServeTests).

/// The records of an RFC 4180 file (CRLF lines, quoted fields with commas), by `separator`.
private func csvRows(_ text: String, separator: Character = ",") -> [[String]] {
    var rows: [[String]] = [], row: [String] = [], field = "", quoted = false, previousQuote = false
    for ch in text.replacingOccurrences(of: "\u{FEFF}", with: "") {
        if quoted {
            if ch == "\"" { quoted = false; previousQuote = true } else { field.append(ch) }
            continue
        }
        switch ch {
        case "\"": if previousQuote { field.append("\"") }; quoted = true
        case separator: row.append(field); field = ""
        case "\r\n", "\n": row.append(field); rows.append(row); row = []; field = ""
        default: field.append(ch)
        }
        previousQuote = false
    }
    return rows
}

@Suite(.serialized) struct ServeSuppressTests {
    static let volumes = [("period", "2025"), ("per", "year"), ("by", "samtaletype,region")]

    /// With --suppress 5, every count from 1 to 4 of the report is hidden in the CSV download and
    /// in the page's table (empty and marked P, "–" on the page); where a group's total is shown,
    /// no group has exactly one hidden member (it could be recomputed), so S marks were needed;
    /// the rows and every other number are those of `samtaler report`; the page says from which
    /// threshold numbers are hidden.
    @Test func smallCountsAreHiddenInPagesAndDownloadsAsTheExtractHidesThem() throws {
        // Enough lines for groups of large numbers with a small one among them (where S is needed).
        let (s, feed) = try migratedSandbox(rows: 3000)
        let load = try s.run(["load", feed, "--rejects", s.dir + "/r.jsonl"])
        try #require(load.status == 0, "\(load.output)")
        let reporter = try LoginRole(in: s.db, groups: ["samtaler_rapport"])
        let web = try Served(s, ["--suppress", "5"], env: reporter.env)
        defer { web.stop() }
        let query = Self.volumes.map { "\($0)=\($1)" }.joined(separator: "&")
        let cli = try s.run(["report", "volumes"] + Self.volumes.flatMap { ["--\($0)", $1] } + ["--format", "csv"], env: reporter.env)
        try #require(cli.status == 0, "\(cli.output)")
        let plain = csvRows(cli.stdout)
        let reply = try web.get("/rapport/volumes?\(query)&format=csv")
        try #require(reply.status == 200)
        let hidden = csvRows(reply.text)

        // The same columns with diskretion before niveau, the same rows in the same order.
        #expect(plain[0] == ["periode", "samtaletype", "samtaletype_betegnelse", "region", "samtaler", "personer", "niveau"])
        #expect(hidden[0] == ["periode", "samtaletype", "samtaletype_betegnelse", "region", "samtaler", "personer", "diskretion", "niveau"])
        try #require(plain.count == hidden.count)
        var small = 0, primary = 0, secondary = 0
        for (p, h) in zip(plain.dropFirst(), hidden.dropFirst()) {
            #expect(Array(p[0..<4]) == Array(h[0..<4]) && p[6] == h[7])
            for c in [4, 5] {
                let n = Int(p[c])!
                if (1...4).contains(n) {
                    small += 1
                    #expect(h[c] == "" && h[6] == "P", "\(p) → \(h)")
                } else if h[c] == "" {
                    #expect(h[6] == "S" || h[6] == "P", "\(h)")   // the row's other count may be the small one
                } else {
                    #expect(h[c] == p[c])
                }
                if let shown = Int(h[c]) { #expect(!(1...4).contains(shown), "\(h)") }
            }
            if h[6] == "P" { primary += 1 }
            if h[6] == "S" { secondary += 1 }
        }
        #expect(small > 5 && primary > 0 && secondary > 0, "small \(small), P \(primary), S \(secondary): the sandbox no longer tests this")

        // The extract's secondary rule: under a shown total, never exactly one hidden member.
        for c in [4, 5] {
            var members: [[String]: (hidden: Int, total: String?)] = [:]
            for h in hidden.dropFirst() {
                let key = [h[0], h[1]]
                if h[3] == "I alt" { members[key, default: (0, nil)].total = h[c] } else if h[c] == "" { members[key, default: (0, nil)].hidden += 1 }
            }
            for (key, m) in members where m.total != "" {
                #expect(m.hidden != 1, "\(key): one hidden count under the shown total \(m.total ?? "?") can be recomputed")
            }
        }

        // The page: no count cell from 1 to 4 where the unsuppressed page has them; it says why.
        let page = try web.get("/rapport/volumes?\(query)")
        let smallCell = #"(<td class="n">[1-4]</td>)"#
        #expect(page.status == 200 && matches(of: smallCell, in: page.text).isEmpty, "the page shows a small count")
        #expect(page.text.contains("Små tal er skjult") && page.text.contains("antal under 5") && page.text.contains("fra 1 til 4"))
        #expect(page.text.contains("<th>Diskretion</th>") && page.text.contains("<td>P</td>"))
        let open = try Served(s, env: reporter.env)
        defer { open.stop() }
        let unsuppressed = try open.get("/rapport/volumes?\(query)").text
        #expect(!matches(of: smallCell, in: unsuppressed).isEmpty && !unsuppressed.contains("Små tal er skjult"))

        // JSON and Excel downloads too: a hidden count is null, or an empty field.
        let json = try web.get("/rapport/volumes?\(query)&format=json").text
        #expect(json.contains("\"diskretion\":\"P\"") || json.contains("\"diskretion\": \"P\""), "\(json.prefix(400))")
        #expect(matches(of: #""(samtaler|personer)": ?[1-4][,}]"#, in: json).isEmpty, "the JSON shows a small count")
        let excel = csvRows(try web.get("/rapport/volumes?\(query)&format=excel").text, separator: ";")
        #expect(excel.count == hidden.count && excel.dropFirst().allSatisfy { r in [4, 5].allSatisfy { !(1...4).map(String.init).contains(r[$0]) } })
    }
}
