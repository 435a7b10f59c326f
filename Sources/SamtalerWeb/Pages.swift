import SamtalerWarehouse

/// The web view's pages: server-rendered HTML in Danish, no script, usable with the keyboard
/// (every field has a label, tables have header cells), readable when printed (the navigation,
/// the form and the links are not printed). A report's title, charts, table and notes are written
/// by `HTMLReport`, the code that writes `samtaler report --format html`.
enum Pages {
    private static let style = HTMLReport.style + """

        nav{margin-bottom:1em} nav a{color:#1f5f8b}
        form.valg{background:#f6f8fa;border:1px solid #ddd;padding:.8em 1em;margin:1em 0;display:flex;flex-wrap:wrap;gap:.6em 1.4em;align-items:flex-end}
        form.valg fieldset{border:0;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:.4em 1em}
        form.valg legend{font-weight:600;padding:0;margin-bottom:.2em}
        form.valg label{display:block;font-size:.85em;color:#333;margin-bottom:.15em}
        form.valg input,form.valg select,form.valg button{font:inherit;padding:.2em .4em}
        form.valg .mark label{display:inline;font-size:.9em;margin-right:.8em}
        button{background:#1f5f8b;color:#fff;border:1px solid #1f5f8b;border-radius:3px;cursor:pointer}
        a:focus,input:focus,select:focus,button:focus{outline:3px solid #e07b39;outline-offset:1px}
        p.fejl{border-left:4px solid #b24747;background:#fbeaea;padding:.5em .8em}
        dl.rapporter dt{font-weight:600;margin-top:.8em} dl.rapporter dd{margin-left:0;color:#444}
        p.hent a{margin-right:.8em}
        @media print{nav,form.valg,p.hent{display:none} body{margin:0;max-width:none} svg{max-width:100%;height:auto}}
        """

    /// A whole page around `body`.
    static func page(title: String, _ body: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="da"><head><meta charset="utf-8"/><meta name="viewport" content="width=device-width, initial-scale=1"/>
        <title>\(HTMLReport.escape(title)) – samtaler</title>
        <style>
        \(style)
        </style></head><body>
        \(body)
        </body></html>

        """
    }

    /// `/`: every report of the registry (the command line's), each with its Danish explanation.
    static func index() -> String {
        var h = "<main>\n<h1>Samtaler: rapporter</h1>\n<p class=\"sub\">Statistik over jobcentres og a-kassers samtaler med borgerne. "
            + "Vælg en rapport; på dens side vælger du periode og opdelinger, og du kan hente tallene til Excel.</p>\n<dl class=\"rapporter\">\n"
        for name in Reports.Name.allCases {
            let about = name.about
            h += "<dt><a href=\"/rapport/\(name.rawValue)\">\(HTMLReport.escape(about.title))</a></dt>"
                + "<dd>\(HTMLReport.escape(about.summary)) <code>samtaler report \(name.rawValue)</code></dd>\n"
        }
        h += "</dl>\n<p class=\"sub\">Samtaler, der er annulleret, tæller ikke; en rettet samtale tæller én gang. "
            + "Perioder er danske kalenderdage.</p>\n</main>"
        return page(title: "Rapporter", h)
    }

    /// A report page: the form with the current choices, then the report or what is wrong.
    static func report(_ name: Reports.Name, options o: ReportOptions, table: ReportTable?, problem: String?, suppress: Int? = nil) -> String {
        var h = "<nav><a href=\"/\">Alle rapporter</a></nav>\n<main>\n"
        h += table.map(HTMLReport.heading) ?? "<h1>\(HTMLReport.escape(name.about.title))</h1>\n"
        if let suppress {
            h += "<p class=\"diskretion\"><strong>Små tal er skjult:</strong> antal under \(suppress) vises ikke, "
                + "i siden og i filerne (se noten under tabellen).</p>\n"
        }
        h += form(name, o)
        if let problem { h += "<p class=\"fejl\" role=\"alert\">\(HTMLReport.escape(problem))</p>\n" }
        if let table {
            let links = [("csv", "CSV"), ("excel", "Excel (CSV med semikolon)"), ("json", "JSON"), ("html", "HTML-fil")].map { format, label in
                "<a href=\"/rapport/\(name.rawValue)?\(HTMLReport.escape(ReportQuery.string(o, format: format)))\" download>\(label)</a>"
            }
            h += "<p class=\"hent\">Hent tallene: " + links.joined() + "</p>\n"
            h += HTMLReport.content(table)
        }
        return page(title: table?.title ?? name.about.title, h + "</main>")
    }

    /// The choices of `samtaler report`'s options as a form that asks for this page again (GET).
    static func form(_ name: Reports.Name, _ o: ReportOptions) -> String {
        func text(_ id: String, _ label: String, _ value: String?, type: String = "text", hint: String? = nil) -> String {
            "<div><label for=\"\(id)\">\(label)</label><input type=\"\(type)\" id=\"\(id)\" name=\"\(id)\" value=\"\(HTMLReport.escape(value ?? ""))\""
                + (hint.map { " placeholder=\"\($0)\"" } ?? "") + "/></div>"
        }
        func select(_ id: String, name field: String, _ label: String, _ options: [(value: String, label: String)], chosen: String?) -> String {
            "<div><label for=\"\(id)\">\(label)</label><select id=\"\(id)\" name=\"\(field)\">"
                + options.map { "<option value=\"\($0.value)\"\($0.value == chosen ? " selected" : "")>\(HTMLReport.escape($0.label))</option>" }.joined()
                + "</select></div>"
        }
        var h = "<form class=\"valg\" method=\"get\" action=\"/rapport/\(name.rawValue)\">\n"
        h += "<fieldset><legend>Periode</legend>"
            + text("period", "Måned, kvartal eller år", o.period, hint: "2025, 2025Q1 eller 2025-03")
            + text("from", "eller fra dag", o.from, type: "date") + text("to", "til dag", o.to, type: "date")
        if ReportOptions.takes(name, .date) { h += text("date", "eller én dag", o.date, type: "date") }
        h += "</fieldset>\n"
        if ReportOptions.takes(name, .per) {
            h += select("per", name: "per", "Rækker pr.", Reports.Granularity.allCases.map { ($0.rawValue, $0.label.lowercased()) },
                        chosen: Reports.Granularity(word: o.per)?.rawValue ?? o.per) + "\n"
        }
        if ReportOptions.takes(name, .by) {
            // One select per breakdown, in order; the page asks with by=a&by=b, the same as by=a,b.
            let chosen = ReportOptions.words(o.by)
            let choices = [("", "(ingen)")] + name.breakdowns.map { ($0.rawValue, $0.label) }
            h += "<fieldset><legend>Opdelt efter</legend>"
            for i in 0..<3 {
                h += select("by\(i + 1)", name: "by", "\(i + 1). opdeling", choices, chosen: i < chosen.count ? chosen[i] : "")
            }
            h += "</fieldset>\n"
        }
        if ReportOptions.takes(name, .mark) {
            let chosen = Set(ReportOptions.words(o.mark))
            h += "<fieldset class=\"mark\"><legend>Markeringer (ingen valgt: alle)</legend>"
            for m in Reports.Mark.allCases {
                h += "<span><input type=\"checkbox\" id=\"mark-\(m.rawValue)\" name=\"mark\" value=\"\(m.rawValue)\"\(chosen.contains(m.rawValue) ? " checked" : "")/>"
                    + "<label for=\"mark-\(m.rawValue)\">\(HTMLReport.escape(m.label))</label></span> "
            }
            h += "</fieldset>\n"
        }
        // The kept history (docs/history.md): the warehouse as of a batch; revisions' two states.
        h += "<fieldset><legend>Lageret som det stod</legend>"
            + text("as-of-batch", "lige efter kørsel (tom: nu)", o.asOfBatch, type: "number")
        if ReportOptions.takes(name, .fromBatch) {
            h += text("from-batch", "Kørsel A (tom: seneste leverance)", o.fromBatch, type: "number")
                + text("to-batch", "Kørsel B (tom: seneste)", o.toBatch, type: "number")
                + text("threshold", "Diskretionstærskel (tom: 5)", o.threshold, type: "number")
                + "<div class=\"mark\"><input type=\"checkbox\" id=\"changed\" name=\"changed\" value=\"1\"\(o.changed ? " checked" : "")/>"
                + "<label for=\"changed\">Kun ændrede rækker</label></div>"
        }
        h += "</fieldset>\n"
        return h + "<div><button type=\"submit\">Vis rapporten</button></div>\n</form>\n"
    }

    /// A page that says what went wrong, in Danish, with no detail of the server's.
    static func problem(title: String, _ message: String) -> String {
        page(title: title, "<nav><a href=\"/\">Alle rapporter</a></nav>\n<main>\n<h1>\(HTMLReport.escape(title))</h1>\n"
             + "<p class=\"fejl\" role=\"alert\">\(HTMLReport.escape(message))</p>\n</main>")
    }
}
