/// A Danish personnummer (CPR number), validated as the feed contract says.
///
/// Kept in memory only for as long as it takes to derive the pseudonym, the age band and the
/// gender: it never reaches the warehouse, a log or an error message.
public struct Personnummer: Sendable, Hashable {
    /// The ten digits `DDMMYYSSSS`, without the hyphen.
    public let digits: [UInt8]
    public let birthDate: CivilDate
    public let gender: Gender

    public enum Gender: String, Sendable { case male = "M", female = "K" }

    /// What a personnummer field holds: a person, or the agreed "unknown person" `0000000000`.
    public enum Parsed: Sendable, Hashable {
        case person(Personnummer)
        case unknown
    }

    public enum Problem: Error, Sendable, Equatable {
        /// Not `DDMMYYSSSS` or `DDMMYY-SSSS` of ASCII digits.
        case format
        /// Day and month do not form a real date in the century that digit 7 gives.
        case date
    }

    /// Parses `DDMMYYSSSS` or `DDMMYY-SSSS`. Modulus 11 is deliberately not checked: numbers issued
    /// since 2007 may fail it and are valid.
    public static func parse(_ text: some StringProtocol) -> Result<Parsed, Problem> {
        withUTF8Bytes(text) { parse(bytes: $0) }
    }

    /// `parse` of UTF-8 bytes.
    public static func parse(bytes b: UnsafeBufferPointer<UInt8>) -> Result<Parsed, Problem> {
        guard b.count == 10 || (b.count == 11 && b[6] == UInt8(ascii: "-")) else { return .failure(.format) }
        var d = [UInt8](repeating: 0, count: 10)
        for i in 0..<10 {
            d[i] = b[i < 6 || b.count == 10 ? i : i + 1] &- 48
            if d[i] > 9 { return .failure(.format) }
        }
        if d.allSatisfy({ $0 == 0 }) { return .success(.unknown) }
        let day = Int(d[0]) * 10 + Int(d[1])
        let month = Int(d[2]) * 10 + Int(d[3])
        let yy = Int(d[4]) * 10 + Int(d[5])
        let year: Int
        switch d[6] {
        case 0...3: year = 1900 + yy
        case 4, 9: year = yy <= 36 ? 2000 + yy : 1900 + yy
        default: year = yy <= 57 ? 2000 + yy : 1800 + yy
        }
        guard let birth = CivilDate(year: year, month: month, day: day) else { return .failure(.date) }
        let gender: Gender = d[9] % 2 == 1 ? .male : .female
        for i in 0..<10 { d[i] &+= 48 }
        return .success(.person(Personnummer(digits: d, birthDate: birth, gender: gender)))
    }
}
