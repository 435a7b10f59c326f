import Foundation
import Testing
@testable import SamtalerFeed

struct PersonnummerTests {
    static func person(_ s: String) -> Personnummer? {
        if case .success(.person(let p)) = Personnummer.parse(s) { return p }
        return nil
    }

    /// Digit 7 and the two-digit year give the century (the contract's table).
    @Test(arguments: [
        ("0101370123", 1937), ("0101993123", 1999),            // 0-3: 19YY
        ("0101364123", 2036), ("0101374123", 1937),            // 4: 20YY when YY <= 36
        ("0101369123", 2036), ("0101379123", 1937),            // 9: likewise
        ("0101575123", 2057), ("0101585123", 1858),            // 5-8: 20YY when YY <= 57, else 18YY
        ("0101008123", 2000), ("0101998123", 1899),
    ])
    func century(_ cpr: String, _ year: Int) {
        #expect(Self.person(cpr)?.birthDate.year == year)
    }

    @Test(arguments: [
        ("2902000234", false),   // 29 Feb 1900 does not exist
        ("2902004234", true),    // 29 Feb 2000 does
        ("2902960234", true),    // 1996 is a leap year
        ("2902970234", false),
        ("3104901234", false),   // 31 April
        ("0000901234", false),   // day 0
        ("3212901234", false),   // month 12 ok, day 32 not
        ("3112901234", true),
    ])
    func realDates(_ cpr: String, _ valid: Bool) {
        #expect((Self.person(cpr) != nil) == valid)
    }

    @Test func genderFromTheLastDigitAndModulus11IsNotARule() {
        #expect(Self.person("0101901235")?.gender == .male)
        #expect(Self.person("0101901234")?.gender == .female)
        // 070761-4285 passes modulus 11; 010190-1235 fails it: both are valid personnumre.
        #expect(Self.person("070761-4285") != nil)
        #expect(Self.person("010190-1235") != nil)
    }

    @Test func unknownPersonAndFormats() {
        #expect(Personnummer.parse("0000000000") == .success(.unknown))
        #expect(Personnummer.parse("000000-0000") == .success(.unknown))
        #expect(Personnummer.parse("0101901234") != .failure(.format))
        #expect(Personnummer.parse("010190-1234") != .failure(.format))
        for bad in ["", "010190123", "01019012345", "0101901-234", "０１０１９０１２３４", "010190 1234", "-101901234"] {
            #expect(Personnummer.parse(bad) == .failure(.format), "\(bad)")
        }
    }

    @Test func ageOnADate() {
        let birth = CivilDate(year: 1990, month: 3, day: 4)!
        #expect(birth.age(on: CivilDate(year: 2025, month: 3, day: 3)!) == 34)
        #expect(birth.age(on: CivilDate(year: 2025, month: 3, day: 4)!) == 35)
        #expect(Fixtures.reference.aldersgruppe(forAge: 35) == "35-39")
        #expect(Fixtures.reference.aldersgruppe(forAge: -1) == "Ukendt")
        #expect(Fixtures.reference.aldersgruppe(forAge: nil) == "Ukendt")
        #expect(Fixtures.reference.aldersgruppe(forAge: 170) == "65 og derover")
    }
}
