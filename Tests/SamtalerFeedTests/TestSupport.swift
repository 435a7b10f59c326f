import Foundation
@testable import SamtalerFeed

/// The repository's own reference data (sql/reference), the same files `samtaler migrate` loads.
enum Fixtures {
    static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    /// The shared folder beside the repository (`shared/spec`, `shared/seeds`): `../shared` of
    /// a clone, further up from a git worktree in a folder of its own (`wt/NAME`).
    static let shared: String = {
        var url = URL(fileURLWithPath: root)
        for _ in 0..<4 {
            url.deleteLastPathComponent()
            let candidate = url.appendingPathComponent("shared")
            if FileManager.default.fileExists(atPath: candidate.appendingPathComponent("spec/feed.md").path) { return candidate.path }
        }
        return root + "/../shared"
    }()

    static let reference: ReferenceData = try! ReferenceData.load(directory: root + "/sql/reference")
    /// The instant the tests' loads "started": registreret may lie at most 5 minutes after it.
    static let loadStarted = try! Timestamp.parse("2026-01-01T00:00:00Z").get()
    static let validator = Validator(reference: reference, loadStarted: loadStarted)
    /// For the synthetic generator's lines: its default period ends 2025-12-31, and its
    /// corrections are registered into 2026; a load in 2030 has them all in the past.
    static let generatedFeedValidator = Validator(reference: reference, loadStarted: try! Timestamp.parse("2030-01-01T00:00:00Z").get())

    /// A JSON line from a dictionary (keys sorted, so lines are stable).
    static func line(_ object: [String: Any]) -> [UInt8] {
        Array(try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]))
    }

    static func validate(_ object: [String: Any]) -> Validator.Outcome {
        validate(bytes: line(object))
    }

    static func validate(bytes: [UInt8]) -> Validator.Outcome {
        bytes.withUnsafeBytes { validator.validate(line: $0) }
    }

    static func validate(text: String) -> Validator.Outcome { validate(bytes: Array(text.utf8)) }

    /// A valid jobcenter jobsamtale.
    static var jobcenter: [String: Any] {
        ["registrering": "samtale", "id": "JC101-2025-000001", "registreret": "2025-03-04T10:15:00+01:00",
         "indberetter": ["type": "jobcenter", "kode": "101"], "cpr": "0101901234", "afholdt": "2025-03-04",
         "samtaletype": "JOBSAMTALE", "samtaleform": "VIDEO", "kontaktgruppe": 2,
         "aftale": ["forpligtende": true, "saerligIndsats": false, "tekst": "..."], "visitationsgruppe": "JOBPARAT",
         "deltagere": [["navn": "A. Hansen", "rolle": "TOLK", "deltagelsesform": "TELEFONISK"]]]
    }

    /// A valid a-kasse cv-samtale.
    static var akasse: [String: Any] {
        ["registrering": "samtale", "id": "AK-77-1", "registreret": "2025-03-05T09:00:00+01:00",
         "indberetter": ["type": "akasse", "kode": "77"], "cpr": "120385-4321", "afholdt": "2025-03-05T08:30:00+01:00",
         "samtaletype": "CV_SAMTALE", "samtaleform": "PERSONLIGT", "aftale": ["forpligtende": true, "saerligIndsats": false],
         "cvGodkendelse": "GODKENDT"]
    }

    static var minplan: [String: Any] {
        ["registrering": "minplan", "id": "MP-24-1", "registreret": "2025-03-05T09:00:00Z",
         "indberetter": ["type": "akasse", "kode": "24"], "cpr": "1203854321",
         "jobmaal": ["Lagermedarbejder", "Chauffør"], "plan": "Søge job", "begrundelse": "Erfaring"]
    }

    static var jobsoegningskrav: [String: Any] {
        ["registrering": "jobsoegningskrav", "id": "JK-24-1", "registreret": "2025-03-05T09:00:00Z",
         "indberetter": ["type": "akasse", "kode": "24"], "cpr": "1203854321",
         "fagomraader": ["Lager"], "geografi": "Region Midtjylland", "antalAnsoegninger": 5,
         "omfang": "Fuldtid, 37 timer om ugen", "formaal": "Ordinær beskæftigelse hurtigst muligt",
         "stillingskilder": "Jobnet og virksomhedernes egne sider"]
    }
}

extension Validator.Outcome {
    var registration: Registrering? {
        if case .accepted(let r) = self { return r }
        return nil
    }
    var reasons: [Reason] {
        if case .rejected(_, let r) = self { return r }
        return []
    }
    /// "field: rule" of every reason.
    var keys: [String] { reasons.map { "\($0.field): \($0.rule)" } }
    /// "field: rule (source)" of every reason.
    var cited: [String] { reasons.map { "\($0.field): \($0.rule) (\($0.source))" } }
}
