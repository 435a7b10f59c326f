import Foundation
import SamtalerTestSupport
import Testing

/// The web view in a real browser: Debian's Chromium, headless, as an analyst's browser would
/// get the pages. CI installs it (.ci/run); on a machine without it the test fails and says how to
/// install it, rather than passing unseen.
@Suite struct BrowserTests {
    static let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) }

    /// Runs Chromium headless on `url` with `args`, its own profile in `dir`; returns what it printed.
    static func chromium(_ browser: String, _ args: [String], _ url: String, dir: String) throws -> ChildProcess.Result {
        try ChildProcess.run(["--headless", "--no-sandbox", "--disable-gpu", "--user-data-dir=\(dir)/chromium"] + args + [url],
                             executable: browser, timeout: 90)
    }

    /// Opens `/`, follows its link to the volumes report and asks for it per quarter by
    /// samtaletype as the page's form sends it; the page Chromium renders holds the table with
    /// Danish labels and the SVG charts, and a screenshot shows it drawn.
    @Test func chromiumOpensTheIndexAndFollowsTheVolumesReportWithABreakdown() throws {
        let browser = try #require(Self.chromium, """
            Chromium is not installed; this test needs a real browser: apt-get install -y chromium \
            (as root; .ci/run installs it for CI)
            """)
        let (s, reporter) = try servedWarehouse()
        let web = try Served(s, env: reporter.env)
        defer { web.stop() }

        let index = try Self.chromium(browser, ["--dump-dom"], web.base + "/", dir: s.dir)
        try #require(index.status == 0, "\(index.stderr.suffix(500))")
        let link = try #require(matches(of: #"<a href="(/rapport/volumes)">Samtaler og personer</a>"#, in: index.stdout).first,
                                "the index Chromium rendered has no link to the volumes report: \(index.stdout.prefix(500))")
        // What the report page's form sends for 2025, per quarter, by samtaletype (the empty fields too).
        let url = web.base + link + "?period=2025&from=&to=&per=quarter&by=samtaletype&by=&by="
        let page = try Self.chromium(browser, ["--dump-dom"], url, dir: s.dir)
        try #require(page.status == 0, "\(page.stderr.suffix(500))")
        let dom = page.stdout
        for text in ["<h1>Samtaler og personer</h1>", "<th>Kvartal</th><th>Samtaletype</th><th>Samtaler</th><th>Personer</th>",
                     "<td>2025Q1</td><td>Jobsamtale</td>", "<td>I alt</td>", "<svg", "class=\"bar\"", "<label for=\"period\">",
                     "<option value=\"samtaletype\" selected=\"\">"] {
            #expect(dom.contains(text), "the page Chromium rendered lacks \(text)")
        }
        #expect(!dom.contains("JOBSAMTALE"), "a code instead of its Danish label")
        #expect(matches(of: #"(<svg )"#, in: dom).count == 2, "the volumes page has two charts")

        let png = s.dir + "/volumes.png"
        let shot = try Self.chromium(browser, ["--screenshot=\(png)", "--window-size=1280,1000", "--hide-scrollbars"], url, dir: s.dir)
        #expect(shot.status == 0)
        let data = try Data(contentsOf: URL(fileURLWithPath: png))
        #expect(data.starts(with: [0x89, 0x50, 0x4E, 0x47]) && data.count > 20_000, "the screenshot is \(data.count) bytes")
    }
}
