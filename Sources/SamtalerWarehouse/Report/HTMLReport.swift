import Foundation

/// One self-contained HTML file: inline CSS, inline SVG charts, no scripts and no external assets,
/// readable offline in any browser.
public enum HTMLReport {
    static let palette = ["#1f5f8b", "#e07b39", "#4c9a5f", "#8e5ea2", "#c9b037", "#b24747", "#5b8db8", "#7a7a7a"]

    /// Text as HTML text or an attribute's value.
    public static func escape(_ s: String) -> String {
        var out = ""
        for ch in s {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(ch)
            }
        }
        return out
    }

    /// The whole file: a document around `heading` and `content`.
    static func render(_ t: ReportTable) -> String {
        """
            <!DOCTYPE html>
            <html xmlns="http://www.w3.org/1999/xhtml" lang="da"><head><meta charset="utf-8"/><title>\(escape(t.title))</title>
            <style>
            \(style)
            </style></head><body>

            """ + heading(t) + content(t) + "</body></html>\n"
    }

    /// The report's style sheet (without `<style>`), for the file and for the web view's pages.
    public static let style = """
        body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:2em;color:#222;max-width:1200px}
        h1{font-size:1.5em;margin-bottom:.2em} p.sub{color:#555;margin-top:0}
        table{border-collapse:collapse;font-size:.9em;margin:1em 0} th,td{padding:.25em .7em;border-bottom:1px solid #ddd}
        th{text-align:left;background:#f3f3f3} td.n{text-align:right;font-variant-numeric:tabular-nums}
        tr.l1 td{font-weight:600;background:#fafafa} tr.l2 td{font-weight:700;border-top:2px solid #888}
        figure{margin:1.5em 0} figcaption{font-weight:600;margin-bottom:.4em} .notes{color:#555;font-size:.9em}
        """

    /// The title and the line under it.
    public static func heading(_ t: ReportTable) -> String {
        "<h1>\(escape(t.title))</h1>\n<p class=\"sub\">\(escape(t.subtitle))</p>\n"
    }

    /// The charts, the table and the notes: the part of a page that holds the report, the same in
    /// the file `samtaler report --format html` writes and in the web view.
    public static func content(_ t: ReportTable) -> String {
        var h = ""
        for var chart in t.charts where !chart.categories.isEmpty {
            chart.categories = chart.categories.map(t.human)
            chart.series = chart.series.map { (t.human($0.name), $0.values) }
            h += "<figure>\n<figcaption>\(escape(chart.title))</figcaption>\n"
            h += chart.style == .stackedShares ? stacked(chart) : bars(chart)
            h += "</figure>\n"
        }
        h += "<table>\n<thead><tr>" + t.columns.map { "<th>\(escape($0.label))</th>" }.joined() + "</tr></thead>\n<tbody>\n"
        for r in t.rows {
            h += "<tr class=\"l\(r.level)\">" + zip(t.columns, t.humanCells(r)).map { col, text in
                "<td\(col.kind == .text ? "" : " class=\"n\"")>\(escape(text))</td>"
            }.joined() + "</tr>\n"
        }
        h += "</tbody></table>\n"
        if !t.notes.isEmpty { h += "<div class=\"notes\">" + t.notes.map { "<p>\(escape($0))</p>" }.joined() + "</div>\n" }
        return h
    }

    /// 100 % stacked columns, one per category, with a legend.
    static func stacked(_ c: ReportTable.Chart) -> String {
        let n = c.categories.count
        let barW = max(8.0, min(48.0, 900.0 / Double(max(n, 1)) - 6))
        // Each column's slot is wide enough for its label when there are few (dates are long).
        let labelW = n <= 24 ? Double(c.categories.map(\.count).max() ?? 0) * 6.2 : 0
        let slot = max(barW + 6, labelW + 4)
        let left = 50.0, top = 10.0, height = 260.0
        let width = left + Double(n) * slot + 20
        var s = ""
        for pct in stride(from: 0, through: 100, by: 25) {
            let y = top + height * (1 - Double(pct) / 100)
            s += "<line x1=\"\(left)\" x2=\"\(width - 10)\" y1=\"\(y)\" y2=\"\(y)\" stroke=\"#ddd\"/><text x=\"\(left - 6)\" y=\"\(y + 4)\" font-size=\"11\" text-anchor=\"end\">\(pct) %</text>\n"
        }
        for (i, cat) in c.categories.enumerated() {
            let x = left + Double(i) * slot + (slot - barW) / 2
            var y = top + height
            for (k, series) in c.series.enumerated() {
                let v = max(0, series.values[i])
                let bh = height * v
                y -= bh
                s += "<rect class=\"bar\" x=\(q(x)) y=\(q(y)) width=\(q(barW)) height=\(q(bh)) fill=\"\(palette[k % palette.count])\"><title>\(escape(cat)) \(escape(series.name)): \(Danish.share(v))</title></rect>\n"
            }
            if n <= 24 || i % max(1, n / 12) == 0 {
                s += "<text x=\(q(x + barW / 2)) y=\(q(top + height + 14)) font-size=\"10\" text-anchor=\"middle\">\(escape(cat))</text>\n"
            }
        }
        // The legend, wrapped into rows as wide as the chart (at least 600 px), so no name is cut off.
        var legend = ""
        var lx = left, ly = top + height + 40, right = width
        let legendRight = max(width, 600)
        for (k, series) in c.series.enumerated() {
            let w = 24 + Double(series.name.count) * 7
            if lx > left && lx + w > legendRight { lx = left; ly += 20 }
            legend += "<rect x=\(q(lx)) y=\(q(ly)) width=\"12\" height=\"12\" fill=\"\(palette[k % palette.count])\"/><text x=\(q(lx + 16)) y=\(q(ly + 10)) font-size=\"12\">\(escape(series.name))</text>\n"
            lx += w
            right = max(right, lx + 10)
        }
        // Axis titles: the values up the left side, the categories under their labels.
        s += "<text x=\"12\" y=\(q(top + height / 2)) font-size=\"11\" text-anchor=\"middle\" transform=\"rotate(-90 12 \(String(format: "%.1f", top + height / 2)))\">\(escape(c.valueAxisTitle))</text>\n"
        s += "<text x=\(q((left + width) / 2)) y=\(q(top + height + 28)) font-size=\"11\" text-anchor=\"middle\">\(escape(c.categoryTitle))</text>\n"
        let svgWidth = right
        let svgHeight = ly + 30
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(svgWidth))\" height=\"\(Int(svgHeight))\" role=\"img\" aria-label=\"\(escape(c.title))\">\n"
            + s + legend + "</svg>\n"
    }

    /// Horizontal bars, one per category, labelled with their value.
    static func bars(_ c: ReportTable.Chart) -> String {
        let values = c.series.first?.values ?? []
        let maxV = c.style == .shares ? 1 : max(values.max() ?? 1, 1)
        let labelW = 30.0 + Double(c.categories.map(\.count).max() ?? 5) * 7
        let barMax = 600.0, rowH = 20.0
        let height = Double(c.categories.count) * rowH + 30
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(labelW + barMax + 120))\" height=\"\(Int(height))\" role=\"img\" aria-label=\"\(escape(c.title))\">\n"
        // Axis titles: the categories over their labels, the values over the bars.
        s += "<text x=\(q(labelW - 6)) y=\"14\" font-size=\"11\" font-weight=\"600\" text-anchor=\"end\">\(escape(c.categoryTitle))</text>"
        s += "<text x=\(q(labelW)) y=\"14\" font-size=\"11\" font-weight=\"600\">\(escape(c.valueAxisTitle))</text>\n"
        for (i, cat) in c.categories.enumerated() {
            let y = 25 + Double(i) * rowH
            let w = barMax * values[i] / maxV
            let label = c.style == .shares ? Danish.share(values[i])
                : values[i] == values[i].rounded() ? Danish.count(Int(values[i])) : String(format: "%.1f", values[i])
            s += "<text x=\(q(labelW - 6)) y=\(q(y + 13)) font-size=\"11\" text-anchor=\"end\">\(escape(cat))</text>"
            s += "<rect class=\"bar\" x=\(q(labelW)) y=\(q(y + 2)) width=\(q(w)) height=\(q(rowH - 5)) fill=\"\(palette[0])\"><title>\(escape(cat)): \(label)</title></rect>"
            s += "<text x=\(q(labelW + w + 5)) y=\(q(y + 13)) font-size=\"11\">\(label)</text>\n"
        }
        return s + "</svg>\n"
    }

    /// A number as a quoted SVG attribute value.
    private static func q(_ v: Double) -> String { "\"" + String(format: "%.1f", v) + "\"" }
}
