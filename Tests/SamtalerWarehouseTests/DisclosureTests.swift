import Testing
@testable import SamtalerWarehouse

// Disclosure control, order and CSV of the ministry extract, without a database. Every expected
// row is worked out by hand from the contract (/work/shared/spec/ministry-extract.md) and written
// out literally; the comments show the arithmetic.

private let jc101 = Disclosure.Group("jobcenter", "101", "JOBSAMTALE")

private func form(_ f: String) -> Disclosure.Form { f == "I_ALT" ? .iAlt : .code(f) }

/// An input row: true counts.
private func row(_ f: String, _ samtaler: Int, _ personer: Int, in g: Disclosure.Group = jc101) -> Disclosure.InputRow {
    Disclosure.InputRow(group: g, samtaleform: form(f), antalSamtaler: samtaler, antalPersoner: personer)
}

/// An expected published row.
private func pub(_ f: String, _ samtaler: Int?, _ personer: Int?, _ mark: Disclosure.Mark? = nil,
                 in g: Disclosure.Group = jc101) -> Disclosure.OutputRow {
    Disclosure.OutputRow(group: g, samtaleform: form(f), antalSamtaler: samtaler, antalPersoner: personer, diskretion: mark)
}

private let P = Disclosure.Mark.primary
private let S = Disclosure.Mark.secondary

struct DisclosureTests {
    @Test func nothingIsSuppressedWhenEveryRowHasEnoughPersons() {
        let out = Disclosure.apply([row("VIDEO", 7, 6), row("I_ALT", 19, 14), row("PERSONLIGT", 12, 9)], threshold: 5)
        #expect(out == [pub("PERSONLIGT", 12, 9), pub("VIDEO", 7, 6), pub("I_ALT", 19, 14)])
    }

    @Test func oneSuppressedFormRowHidesTheRemainingFormRowWithTheFewestConversations() {
        // TELEFONISK has 2 persons < 5: P. The I_ALT row (25 persons) is published, so TELEFONISK's
        // 3 conversations would be 42 - 20 - 8 - 11. The remaining form rows have 20, 8 and 11
        // conversations: VIDEO (8) gets S, although DIGITALT has fewer persons (5 < 6): the rule
        // looks at antal_samtaler.
        let out = Disclosure.apply([
            row("PERSONLIGT", 20, 15), row("TELEFONISK", 3, 2), row("VIDEO", 8, 6), row("DIGITALT", 11, 5), row("I_ALT", 42, 25),
        ], threshold: 5)
        #expect(out == [
            pub("DIGITALT", 11, 5), pub("PERSONLIGT", 20, 15), pub("TELEFONISK", nil, nil, P), pub("VIDEO", nil, nil, S),
            pub("I_ALT", 42, 25),
        ])
    }

    @Test func aTieForTheSecondarySuppressionGoesToTheFormFirstInByteOrder() {
        // TELEFONISK: 1 person, P. Remaining: PERSONLIGT 9, VIDEO 9, BREV 30 conversations.
        // PERSONLIGT and VIDEO tie at 9; "PERSONLIGT" < "VIDEO" in byte order, so PERSONLIGT gets S.
        let out = Disclosure.apply([
            row("VIDEO", 9, 7), row("PERSONLIGT", 9, 8), row("TELEFONISK", 2, 1), row("BREV", 30, 20), row("I_ALT", 50, 33),
        ], threshold: 5)
        #expect(out == [
            pub("BREV", 30, 20), pub("PERSONLIGT", nil, nil, S), pub("TELEFONISK", nil, nil, P), pub("VIDEO", 9, 7),
            pub("I_ALT", 50, 33),
        ])
    }

    @Test func twoSuppressedFormRowsNeedNoSecondarySuppression() {
        // TELEFONISK (2 persons) and VIDEO (3) are both P; the total gives only their sum (6).
        let out = Disclosure.apply([row("PERSONLIGT", 20, 15), row("TELEFONISK", 2, 2), row("VIDEO", 4, 3), row("I_ALT", 26, 18)],
                                   threshold: 5)
        #expect(out == [pub("PERSONLIGT", 20, 15), pub("TELEFONISK", nil, nil, P), pub("VIDEO", nil, nil, P), pub("I_ALT", 26, 18)])
    }

    @Test func aSuppressedTotalNeedsNoSecondarySuppression() {
        // VIDEO: 2 persons, P. PERSONLIGT had only unknown persons (0): not P. The I_ALT row has
        // 2 distinct persons: P too. With the total hidden, VIDEO cannot be computed: no S, and
        // PERSONLIGT stays published.
        let out = Disclosure.apply([row("VIDEO", 3, 2), row("PERSONLIGT", 6, 0), row("I_ALT", 9, 2)], threshold: 5)
        #expect(out == [pub("PERSONLIGT", 6, 0), pub("VIDEO", nil, nil, P), pub("I_ALT", nil, nil, P)])
    }

    @Test func rowsWithZeroPersonsAreNotPrimarySuppressed() {
        // Only unknown persons: 3 conversations, 0 persons, on the form row and the total.
        let out = Disclosure.apply([row("PERSONLIGT", 3, 0), row("I_ALT", 3, 0)], threshold: 5)
        #expect(out == [pub("PERSONLIGT", 3, 0), pub("I_ALT", 3, 0)])
    }

    @Test func aRowWithZeroPersonsCanBeTheSecondarySuppression() {
        // VIDEO: 2 persons, P. Remaining: ANDET 1 conversation (0 persons), PERSONLIGT 40. The rule
        // takes the fewest conversations, whatever the persons: ANDET gets S.
        let out = Disclosure.apply([row("VIDEO", 2, 2), row("ANDET", 1, 0), row("PERSONLIGT", 40, 30), row("I_ALT", 43, 32)],
                                   threshold: 5)
        #expect(out == [pub("ANDET", nil, nil, S), pub("PERSONLIGT", 40, 30), pub("VIDEO", nil, nil, P), pub("I_ALT", 43, 32)])
    }

    @Test func groupsAreSuppressedIndependently() {
        // Group 101: TELEFONISK P, then VIDEO (5 < 30) S. Group 147: nothing small, nothing hidden.
        // A single-form group whose only row is P has a P total too: nothing is left to hide.
        let g147 = Disclosure.Group("jobcenter", "147", "JOBSAMTALE")
        let g151 = Disclosure.Group("jobcenter", "151", "JOBSAMTALE")
        let out = Disclosure.apply([
            row("TELEFONISK", 1, 1), row("VIDEO", 5, 5), row("PERSONLIGT", 30, 25), row("I_ALT", 36, 28),
            row("TELEFONISK", 6, 6, in: g147), row("VIDEO", 5, 5, in: g147), row("I_ALT", 11, 11, in: g147),
            row("BREV", 4, 4, in: g151), row("I_ALT", 4, 4, in: g151),
        ], threshold: 5)
        #expect(out == [
            pub("PERSONLIGT", 30, 25), pub("TELEFONISK", nil, nil, P), pub("VIDEO", nil, nil, S), pub("I_ALT", 36, 28),
            pub("TELEFONISK", 6, 6, in: g147), pub("VIDEO", 5, 5, in: g147), pub("I_ALT", 11, 11, in: g147),
            pub("BREV", nil, nil, P, in: g151), pub("I_ALT", nil, nil, P, in: g151),
        ])
    }

    @Test(arguments: [2, 5, 11])
    func theThresholdSuppressesBelowItAndPublishesAtIt(threshold: Int) {
        // threshold - 1 persons: P (on the form row and the total); threshold persons: published.
        let below = Disclosure.Group("jobcenter", "101", "JOBSAMTALE")
        let at = Disclosure.Group("jobcenter", "147", "JOBSAMTALE")
        let t = threshold
        let out = Disclosure.apply([
            row("VIDEO", t + 3, t - 1, in: below), row("I_ALT", t + 3, t - 1, in: below),
            row("VIDEO", t + 3, t, in: at), row("I_ALT", t + 3, t, in: at),
        ], threshold: t)
        #expect(out == [
            pub("VIDEO", nil, nil, P, in: below), pub("I_ALT", nil, nil, P, in: below),
            pub("VIDEO", t + 3, t, in: at), pub("I_ALT", t + 3, t, in: at),
        ])
    }

    @Test func thresholdOneSuppressesNothing() {
        let out = Disclosure.apply([row("VIDEO", 1, 1), row("TELEFONISK", 1, 1), row("I_ALT", 2, 2)], threshold: 1)
        #expect(out == [pub("TELEFONISK", 1, 1), pub("VIDEO", 1, 1), pub("I_ALT", 2, 2)])
    }

    @Test func rowsSortInByteOrderWithTheTotalLast() {
        let a12 = Disclosure.Group("akasse", "12", "CV_SAMTALE")
        let a12anden = Disclosure.Group("akasse", "12", "ANDEN_SAMTALE")
        let a1234 = Disclosure.Group("akasse", "1234", "CV_SAMTALE")
        let a3 = Disclosure.Group("akasse", "3", "CV_SAMTALE")
        let j101 = Disclosure.Group("jobcenter", "101", "JOBSAMTALE")
        let input = [
            row("I_ALT", 3, 3, in: j101), row("VIDEO", 3, 3, in: j101),
            row("PERSONLIGT", 1, 1, in: a3), row("I_ALT", 1, 1, in: a3),
            row("VIDEO", 1, 1, in: a12), row("I_ALT", 3, 3, in: a12), row("BREV", 1, 1, in: a12), row("PERSONLIGT", 1, 1, in: a12),
            row("I_ALT", 1, 1, in: a1234), row("DIGITALT", 1, 1, in: a1234),
            row("PERSONLIGT", 2, 2, in: a12anden), row("I_ALT", 2, 2, in: a12anden),
        ]
        // "akasse" < "jobcenter"; "12" < "1234" < "3" (bytes, not numbers); "ANDEN_SAMTALE" <
        // "CV_SAMTALE"; forms BREV < PERSONLIGT < VIDEO, then I_ALT although "I_ALT" < "PERSONLIGT".
        let expected = [
            pub("PERSONLIGT", 2, 2, in: a12anden), pub("I_ALT", 2, 2, in: a12anden),
            pub("BREV", 1, 1, in: a12), pub("PERSONLIGT", 1, 1, in: a12), pub("VIDEO", 1, 1, in: a12), pub("I_ALT", 3, 3, in: a12),
            pub("DIGITALT", 1, 1, in: a1234), pub("I_ALT", 1, 1, in: a1234),
            pub("PERSONLIGT", 1, 1, in: a3), pub("I_ALT", 1, 1, in: a3),
            pub("VIDEO", 3, 3, in: j101), pub("I_ALT", 3, 3, in: j101),
        ]
        #expect(Disclosure.apply(input, threshold: 1) == expected)
        // The order does not depend on the input's order.
        #expect(Disclosure.apply(input.reversed(), threshold: 1) == expected)
        var rotated = input
        rotated.append(contentsOf: rotated.prefix(5)); rotated.removeFirst(5)
        #expect(Disclosure.apply(rotated, threshold: 1) == expected)
    }

    @Test func byteOrderIsNotNumericNorLocaleOrder() {
        #expect(Disclosure.bytesPrecede("12", "3"))
        #expect(Disclosure.bytesPrecede("3", "30"))
        #expect(Disclosure.bytesPrecede("Z", "a"))        // uppercase before lowercase
        #expect(Disclosure.bytesPrecede("Z", "Å"))        // ASCII before any multi-byte UTF-8
        #expect(!Disclosure.bytesPrecede("3", "12"))
        #expect(!Disclosure.bytesPrecede("3", "3"))
    }

    @Test func csvFieldsAreQuotedOnlyWhenNeeded() {
        #expect(Disclosure.csvField("VIDEO") == "VIDEO")
        #expect(Disclosure.csvField("") == "")
        #expect(Disclosure.csvField("a,b") == "\"a,b\"")
        #expect(Disclosure.csvField("sagde \"ja\"") == "\"sagde \"\"ja\"\"\"")
        #expect(Disclosure.csvField("to\nlinjer") == "\"to\nlinjer\"")
        #expect(Disclosure.csvField("cr\rhere") == "\"cr\rhere\"")
        #expect(Disclosure.csvField("Ærø; 'x'") == "Ærø; 'x'")
    }

    @Test func theCSVHasTheExactHeaderNoBOMAndANewlineAfterEveryLine() {
        let odd = Disclosure.Group("akasse", "7,\"x\"", "CV_SAMTALE")  // not a real code: shows the quoting in place
        let rows = Disclosure.apply([row("PERSONLIGT", 6, 5, in: odd), row("VIDEO", 2, 1, in: odd), row("I_ALT", 8, 6, in: odd)],
                                    threshold: 5)
        let bytes = Disclosure.csv(periode: "2025Q1", rows: rows)
        #expect(Array(bytes.prefix(3)) != [0xEF, 0xBB, 0xBF])
        #expect(String(decoding: bytes, as: UTF8.self) == #"""
            periode,indberettertype,indberetterkode,samtaletype,samtaleform,antal_samtaler,antal_personer,diskretion
            2025Q1,akasse,"7,""x""",CV_SAMTALE,PERSONLIGT,,,S
            2025Q1,akasse,"7,""x""",CV_SAMTALE,VIDEO,,,P
            2025Q1,akasse,"7,""x""",CV_SAMTALE,I_ALT,8,6,

            """#)
        #expect(String(decoding: Disclosure.csv(periode: "2025-03", rows: []), as: UTF8.self) == Disclosure.header + "\n")
    }

    @Test func theWorkedExampleOfTheDocs() {
        // docs/extract.md, "A worked example": keep the two in step.
        let j101 = Disclosure.Group("jobcenter", "101", "JOBSAMTALE")
        let a3 = Disclosure.Group("akasse", "3", "CV_SAMTALE")
        let a12 = Disclosure.Group("akasse", "12", "JOBSAMTALE_AKASSE")
        let rows = Disclosure.apply([
            row("PERSONLIGT", 40, 31, in: j101), row("TELEFONISK", 12, 9, in: j101), row("VIDEO", 6, 4, in: j101),
            row("DIGITALT", 7, 7, in: j101), row("I_ALT", 65, 46, in: j101),
            row("PERSONLIGT", 3, 3, in: a3), row("TELEFONISK", 2, 0, in: a3), row("I_ALT", 5, 3, in: a3),
            row("PERSONLIGT", 9, 8, in: a12), row("I_ALT", 9, 8, in: a12),
        ], threshold: 5)
        #expect(String(decoding: Disclosure.csv(periode: "2025Q1", rows: rows), as: UTF8.self) == """
            periode,indberettertype,indberetterkode,samtaletype,samtaleform,antal_samtaler,antal_personer,diskretion
            2025Q1,akasse,12,JOBSAMTALE_AKASSE,PERSONLIGT,9,8,
            2025Q1,akasse,12,JOBSAMTALE_AKASSE,I_ALT,9,8,
            2025Q1,akasse,3,CV_SAMTALE,PERSONLIGT,,,P
            2025Q1,akasse,3,CV_SAMTALE,TELEFONISK,2,0,
            2025Q1,akasse,3,CV_SAMTALE,I_ALT,,,P
            2025Q1,jobcenter,101,JOBSAMTALE,DIGITALT,,,S
            2025Q1,jobcenter,101,JOBSAMTALE,PERSONLIGT,40,31,
            2025Q1,jobcenter,101,JOBSAMTALE,TELEFONISK,12,9,
            2025Q1,jobcenter,101,JOBSAMTALE,VIDEO,,,P
            2025Q1,jobcenter,101,JOBSAMTALE,I_ALT,65,46,

            """)
        #expect(rows.count(where: \.isSuppressed) == 4)
    }
}
