import SamtalerFeed
import SamtalerPseudonym

/// Where the personnummer ends: it becomes a keyed pseudonym, an age band on the day the
/// registration concerns and a gender, and only those go on. The natural key of a registration
/// becomes a keyed hash here too. The only user of the pseudonym key in a load.
struct Pseudonymization: Sendable {
    let pseudonymizer: Pseudonymizer
    let reference: ReferenceData

    /// A person as the warehouse keeps them: codes of the age band and gender dimensions, and the
    /// pseudonym (nil for the unknown person, `0000000000`).
    struct Person: Sendable {
        var pseudonym: [UInt8]?
        var aldersgruppe: String
        var koen: String
    }

    func person(_ p: Personnummer.Parsed, on date: CivilDate) -> Person {
        switch p {
        case .unknown:
            return Person(pseudonym: nil, aldersgruppe: reference.aldersgruppe(forAge: nil), koen: "U")
        case .person(let cpr):
            return Person(pseudonym: pseudonymizer.person(digits: cpr.digits),
                          aldersgruppe: reference.aldersgruppe(forAge: cpr.birthDate.age(on: date)), koen: cpr.gender.rawValue)
        }
    }

    /// The person a registration concerns and the day it concerns them: a conversation's person on
    /// the day it was held; Min Plan's and job search requirements' on the day they were
    /// registered; none for a withdrawal.
    static func subject(_ r: Registrering) -> (person: Personnummer.Parsed, day: CivilDate)? {
        switch r.body {
        case .samtale(let s)?: (s.person, s.afholdtDato)
        case .minplan(let m)?: (m.person, r.registreret.copenhagenDate)
        case .jobsoegningskrav(let j)?: (j.person, r.registreret.copenhagenDate)
        case nil: nil
        }
    }


    /// The keyed hash of a registration's natural key (registrering, indberetter type and kode, id).
    func naturalKey(_ r: Registrering) -> [UInt8] {
        var text: [UInt8] = []
        text.reserveCapacity(96)
        text.append(contentsOf: r.registrering.rawValue.utf8)
        text.append(UInt8(ascii: "|"))
        text.append(contentsOf: r.indberetter.type.rawValue.utf8)
        text.append(UInt8(ascii: "|"))
        text.append(contentsOf: r.indberetter.kode.utf8)
        text.append(UInt8(ascii: "|"))
        text.append(contentsOf: r.id.utf8)
        return pseudonymizer.registration(text)
    }
}
