import Foundation
import Testing
@testable import SamtalerWarehouse

struct PrivacyTests {
    /// pg_dump of the whole warehouse holds none of the feed's personnumre, names or free text.
    @Test func aDumpOfTheWarehouseHoldsNoPersonnummerNameOrFreeText() throws {
        let w = try TestWarehouse()
        let secrets = ["0707614285", "070761-4285", "Kirsten Fiskbæk", "Borgeren aftaler at søge 5 job om ugen",
                       "Planen er hemmelig", "Begrundelsen er hemmelig", "Jobmålet er hemmeligt", "Fagområdet Hemmelig",
                       "Geografien Hemmelig", "Omfanget er hemmeligt", "Formålet er hemmeligt", "Kilderne er hemmelige", "1203854321"]
        let lines = [
            Line.samtale(id: "S1", cpr: "0707614285",
                         extra: #","deltagere":[{"navn":"Kirsten Fiskbæk","rolle":"BISIDDER","deltagelsesform":"PERSONLIGT"}]"#),
            Line.samtale(id: "S2", cpr: "070761-4285", form: "BREV"),
            #"{"registrering":"minplan","id":"MP1","registreret":"2025-03-05T09:00:00Z","indberetter":{"type":"akasse","kode":"24"},"cpr":"1203854321","jobmaal":["Jobmålet er hemmeligt"],"plan":"Planen er hemmelig","begrundelse":"Begrundelsen er hemmelig"}"#,
            #"{"registrering":"jobsoegningskrav","id":"JK1","registreret":"2025-03-05T09:00:00Z","indberetter":{"type":"akasse","kode":"24"},"cpr":"1203854321","fagomraader":["Fagområdet Hemmelig"],"geografi":"Geografien Hemmelig","antalAnsoegninger":5,"omfang":"Omfanget er hemmeligt","formaal":"Formålet er hemmeligt","stillingskilder":"Kilderne er hemmelige"}"#,
            // A rejected line: its personnummer must not reach the database either.
            Line.samtale(id: "S3", kommune: "999", cpr: "0707614285"),
        ]
        let s = try w.load([w.file("f.jsonl", lines)])
        #expect(s.accepted == 4 && s.rejected == 1)
        let dump = try pgDump(w.name)
        #expect(dump.contains("fact_samtale"))   // the dump is real
        #expect(dump.contains("CV_SAMTALE"))
        for secret in secrets {
            #expect(!dump.contains(secret), "the dump contains \(secret)")
        }
        // Nor the ids as sent (the natural key is kept only as a keyed hash).
        #expect(!dump.contains("\tS1\t") && !dump.contains("MP1"))
    }
}

func pgDump(_ database: String) throws -> String {
    let candidates = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql"))?.sorted().reversed()
        .map { "/usr/lib/postgresql/\($0)/bin/pg_dump" } ?? []
    let exe = (candidates + ["/usr/bin/pg_dump"]).first { FileManager.default.isExecutableFile(atPath: $0) } ?? "/usr/bin/pg_dump"
    let p = Process()
    p.executableURL = URL(fileURLWithPath: exe)
    p.arguments = ["--no-owner", database]
    let out = Pipe()
    p.standardOutput = out
    try p.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    guard p.terminationStatus == 0 else { throw WarehouseError.internal("pg_dump failed with \(p.terminationStatus)") }
    return String(decoding: data, as: UTF8.self)
}
