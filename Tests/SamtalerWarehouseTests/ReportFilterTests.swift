import SamtalerFeed
import Testing
@testable import SamtalerWarehouse

/// A report's period is a typed `ReportFilter`; these tests hold the SQL rendered from it to the
/// conditions the reports wrote by hand before (same text, so the same plans), and the planner's
/// estimate read from EXPLAIN's JSON.
@Suite struct ReportFilterTests {
    @Test func rendersTheConditionsTheReportsUsed() throws {
        #expect(ReportFilter.parameterized == "NOT f.annulleret AND f.afholdt_dato_key BETWEEN $1 AND $2")
        let q1 = ReportFilter(try Period.parse("2025Q1"))
        #expect(q1.parameters == ["20250101", "20250331"])
        #expect(q1.sql == "NOT f.annulleret AND f.afholdt_dato_key BETWEEN 20250101 AND 20250331")
        let all = ReportFilter(nil)
        #expect(all.parameters == ["19000101", "20991231"])
        #expect(all.sql == "NOT f.annulleret AND f.afholdt_dato_key BETWEEN 19000101 AND 20991231")
        let range = ReportFilter(try Period.range(from: CivilDate(year: 2024, month: 12, day: 30)!, to: CivilDate(year: 2025, month: 1, day: 2)!))
        #expect(range.parameters == ["20241230", "20250102"])
    }

    @Test func halvesByBlocksAndPiecesByDays() throws {
        let y = ReportFilter(try Period.parse("2025"))
        let (first, second) = y.split(atBlock: 1234)
        #expect(first.sql == "NOT f.annulleret AND f.afholdt_dato_key BETWEEN 20250101 AND 20251231 AND f.ctid < '(1234,0)'")
        #expect(second.sql == "NOT f.annulleret AND f.afholdt_dato_key BETWEEN 20250101 AND 20251231 AND f.ctid >= '(1234,0)'")
        let pieces = y.cut(at: [CivilDate(year: 2025, month: 4, day: 1)!, CivilDate(year: 2025, month: 3, day: 1)!.adding(days: 153)])
        #expect(pieces.map(\.sql) == [
            "NOT f.annulleret AND f.afholdt_dato_key BETWEEN 20250101 AND 20250331",
            "NOT f.annulleret AND f.afholdt_dato_key BETWEEN 20250401 AND 20250731",
            "NOT f.annulleret AND f.afholdt_dato_key BETWEEN 20250801 AND 20251231",
        ])
        #expect(y.cut(at: []) == [y])
    }

    /// Without --as-of-batch a report reads the fact tables by name, as it always did (the same
    /// SQL text); as of a batch, the functions that return the facts' rows as they stood then,
    /// on every piece of the period.
    @Test func readsTheFactsOrTheStateAsOfABatch() throws {
        let now = ReportFilter(try Period.parse("2025Q1"))
        #expect(now.samtale == "samtaler.fact_samtale f")
        #expect([now.facts.deltager, now.facts.minplan, now.facts.jobsoegningskrav, now.facts.visitation]
                == ["samtaler.fact_samtale_deltager", "samtaler.fact_minplan", "samtaler.fact_jobsoegningskrav", "samtaler.fact_visitation"])
        let then = ReportFilter(try Period.parse("2025Q1"), asOf: 17)
        #expect(then.samtale == "samtaler.samtale_som_af(17) f" && then.sql == now.sql && then.parameters == now.parameters)
        #expect([then.facts.deltager, then.facts.minplan, then.facts.jobsoegningskrav, then.facts.visitation]
                == ["samtaler.samtale_deltager_som_af(17)", "samtaler.minplan_som_af(17)", "samtaler.jobsoegningskrav_som_af(17)",
                    "samtaler.visitation_som_af(17)"])
        #expect(then.cut(at: [CivilDate(year: 2025, month: 2, day: 1)!]).allSatisfy { $0.asOf == 17 && $0.samtale == then.samtale })
    }

    @Test func readsThePlannersEstimateFromJSON() {
        let seq = PlanEstimate(json: #"[{"Plan": {"Node Type": "Seq Scan", "Parallel Aware": false, "Plan Rows": 871143, "Plan Width": 4}}]"#)
        #expect(seq == PlanEstimate(nodeType: "Seq Scan", rows: 871143))
        #expect(seq?.scansTheTable == true)
        let index = PlanEstimate(json: #"[{"Plan": {"Node Type": "Index Only Scan", "Parallel Aware": false, "Plan Rows": 1200}}]"#)
        #expect(index?.rows == 1200 && index?.scansTheTable == false)
        let gather = PlanEstimate(json: #"[{"Plan": {"Node Type": "Gather", "Parallel Aware": false, "Plan Rows": 5000000, "Plans": [{"Node Type": "Seq Scan", "Parallel Aware": true}]}}]"#)
        #expect(gather?.rows == 5_000_000 && gather?.scansTheTable == false)
        #expect(PlanEstimate(json: "Seq Scan on fact_samtale f  (cost=0.00..31813.47 rows=871143 width=30)") == nil)
        #expect(PlanEstimate(json: "") == nil)
    }
}
