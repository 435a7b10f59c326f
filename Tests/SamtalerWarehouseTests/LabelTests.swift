import Foundation
import PostgresClient
import Testing
@testable import SamtalerWarehouse

/// What an analyst reads: the Danish labels of the code lists in every human format, codes and
/// labels side by side in CSV and JSON, Danish numbers, a total named once, and a period without
/// data that says so.
@Suite(.serialized) struct LabelTests {
    @Test func peopleReadLabelsWhereTheFeedHasCodes() throws {
        let f = try ReportFixture()
        let volumes = try f.report(.volumes, period: "2025", by: [.samtaletype])
        let forms = try f.report(.forms, period: "2025")
        for (t, code, label) in [(volumes, "CV_SAMTALE", "Cv-samtale"), (volumes, "JOBSAMTALE", "Jobsamtale"),
                                 (forms, "PERSONLIGT", "Personligt fremmøde"), (forms, "DIGITALT", "Digitalt")] {
            for human in [ReportFormat.table.render(t), ReportFormat.html.render(t)] {
                #expect(human.contains(label), "\(label) missing in \(t.name)")
                #expect(!human.contains(code), "\(code) shown to people in \(t.name)")
            }
        }
        // Charts have axis titles.
        let html = ReportFormat.html.render(forms)
        #expect(html.contains(">Andel</text>") && html.contains(">Måned</text>"))
        #expect(ReportFormat.html.render(volumes).contains(">Samtaletype</text>"))
        // The forms chart's series are labels too.
        #expect(ReportFormat.html.render(forms).contains("Personligt fremmøde</text>") || ReportFormat.html.render(forms).contains(">Personligt fremmøde<"))
    }

    @Test func csvAndJSONCarryCodeAndLabelAndTheLevel() throws {
        let f = try ReportFixture()
        let t = try f.report(.volumes, period: "2025Q1", by: [.samtaletype])
        let csv = ReportFormat.csv.render(t)
        #expect(csv.hasPrefix("periode,samtaletype,samtaletype_betegnelse,samtaler,personer,niveau\r\n"))
        #expect(csv.contains("2025-01,JOBSAMTALE,Jobsamtale,"))
        #expect(csv.contains(",subtotal\r\n") && csv.hasSuffix(",total\r\n"))
        // Summing the detail rows alone gives the total: nothing is counted twice.
        let lines = csv.split(separator: "\r\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        let detail = lines.filter { $0.last == "detalje" }.compactMap { Int($0[3]) }.reduce(0, +)
        #expect(detail == lines.first { $0.last == "total" }.flatMap { Int($0[3]) })

        let json = try JSONSerialization.jsonObject(with: Data(ReportFormat.json.render(t).utf8)) as? [String: Any]
        let rows = json?["rows"] as? [[String: Any]] ?? []
        let jobsamtale = rows.first { $0["samtaletype"] as? String == "JOBSAMTALE" }
        #expect(jobsamtale?["samtaletype_betegnelse"] as? String == "Jobsamtale")
        #expect((json?["columns"] as? [[String: Any]])?.contains { $0["key"] as? String == "samtaletype_betegnelse" } == true)
    }

    @Test func aTotalIsNamedOnceAndNumbersAreDanish() throws {
        let f = try ReportFixture()
        let t = try f.report(.volumes, period: "2025", per: .year, by: [.indberetter])
        let table = ReportFormat.table.render(t)
        let total = table.split(separator: "\n").last { $0.hasPrefix("I alt") }.map(String.init) ?? ""
        #expect(total.components(separatedBy: "I alt").count == 2, "\(total)")
        let participants = ReportFormat.table.render(try f.report(.participants, period: "2025", per: .year))
        #expect(participants.contains("samtaler havde deltagere"))
        #expect(!participants.split(separator: "\n").contains { $0.contains("samtaler havde") && $0.contains(",") })
        #expect(Danish.count(11090) == "11.090")
    }

    @Test func aPeriodWithoutDataSaysSo() throws {
        let f = try ReportFixture()
        for name in [Reports.Name.volumes, .forms, .participants] {
            let t = try f.report(name, period: "1990")
            #expect(t.notes.first?.hasPrefix("Ingen data") == true, "\(name)")
            #expect(ReportFormat.table.render(t).contains("Ingen data: der er intet at tælle for 1990"))
            #expect(try JSONSerialization.jsonObject(with: Data(ReportFormat.json.render(t).utf8)) is [String: Any])
        }
        #expect(try f.report(.volumes, period: "2025").notes.first?.hasPrefix("Ingen data") == false)
    }
}
