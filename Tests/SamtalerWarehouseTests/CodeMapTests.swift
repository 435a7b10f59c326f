import Testing
@testable import SamtalerWarehouse

/// The dimensions' code → key map of the sending thread (Load/CodeMap.swift): the same answers as
/// a Dictionary for every code in it and for codes that are not, through its growth.
@Suite struct CodeMapTests {
    @Test func answersAsADictionaryDoes() {
        var g: UInt64 = 7
        func next(_ n: Int) -> Int {
            g = g &* 6364136223846793005 &+ 1442695040888963407
            return Int(g >> 33) % n
        }
        let letters = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ_0123456789æøå".unicodeScalars)
        func code() -> String { String(String.UnicodeScalarView((0..<(1 + next(20))).map { _ in letters[next(letters.count)] })) }
        var map = CodeMap(), dictionary: [String: Int] = [:]
        #expect(map.isEmpty && map["A"] == nil)
        for n in 0..<500 {
            let c = n % 7 == 6 ? dictionary.keys.first! : code()   // some codes given again: the later key wins
            map[c] = n
            dictionary[c] = n
            #expect(map.count == dictionary.count)
        }
        for (c, v) in dictionary { #expect(map[c] == v, "\(c)") }
        for _ in 0..<2_000 {
            let c = code()
            #expect(map[c] == dictionary[c], "\(c)")
        }
        #expect(map[""] == nil)
        map[""] = 4
        #expect(map[""] == 4 && map.count == dictionary.count + 1)
    }
}
