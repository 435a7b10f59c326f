// Random numbers, weighted choices, Copenhagen time, and the code tables of the synthetic feed
// generator, precomputed once from `ReferenceData` (sorted, so no dictionary order leaks into the
// output) as byte arrays ready to be copied into a line.

import SamtalerFeed

extension SyntheticFeed {
    // MARK: - Random numbers

    /// xoshiro256** seeded through SplitMix64: the same seed gives the same numbers on every machine.
    struct Rng {
        var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64

        init(seed: UInt64) {
            var x = SplitMix64(seed: seed)
            s0 = x.next(); s1 = x.next(); s2 = x.next(); s3 = x.next()
            if s0 | s1 | s2 | s3 == 0 { s0 = 1 }
        }

        @inline(__always)
        mutating func next() -> UInt64 {
            let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
            let t = s1 << 17
            s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
            s2 ^= t
            s3 = s3 << 45 | s3 >> 19
            return result
        }

        /// Uniform in 0..<n (n > 0), by the multiply-high method.
        @inline(__always)
        mutating func below(_ n: Int) -> Int {
            Int(next().multipliedFullWidth(by: UInt64(n)).high)
        }

        /// Uniform in lo...hi.
        @inline(__always)
        mutating func range(_ lo: Int, _ hi: Int) -> Int { lo + below(hi - lo + 1) }

        /// True with probability p (integer comparison: exact on every machine).
        @inline(__always)
        mutating func chance(_ p: Double) -> Bool {
            if p <= 0 { return false }
            if p >= 1 { return true }
            return next() >> 11 < UInt64(p * 9_007_199_254_740_992.0)
        }
    }

    /// A weighted choice among indices 0..<weights.count.
    struct Weighted {
        private(set) var cumulative: [UInt64] = []
        init(_ weights: [Int]) {
            var acc: UInt64 = 0
            cumulative.reserveCapacity(weights.count)
            for w in weights { acc += UInt64(max(0, w)); cumulative.append(acc) }
        }
        var total: UInt64 { cumulative.last ?? 0 }
        var isEmpty: Bool { total == 0 }

        @inline(__always)
        func pick(_ rng: inout Rng) -> Int {
            let x = rng.next().multipliedFullWidth(by: total).high
            var lo = 0, hi = cumulative.count - 1
            while lo < hi {
                let mid = (lo + hi) >> 1
                if cumulative[mid] > x { hi = mid } else { lo = mid + 1 }
            }
            return lo
        }
    }

    // MARK: - Copenhagen time (EU rule: summer time from the last Sunday of March 01:00 UTC to the
    // last Sunday of October 01:00 UTC)

    enum Clock {
        @inline(__always)
        static func floorDiv(_ a: Int, _ b: Int) -> Int { a >= 0 ? a / b : -((-a + b - 1) / b) }

        /// Days since the epoch of the last Sunday of a month.
        static func lastSunday(year: Int, month: Int) -> Int {
            let last = CivilDate(year: year, month: month, day: CivilDate.daysIn(month: month, year: year))!
            return last.daysSinceEpoch - (last.isoWeekday % 7)
        }

        /// Summer time as UTC instants [start, end) of a year.
        static func summerTime(year: Int) -> (start: Int, end: Int) {
            (lastSunday(year: year, month: 3) * 86_400 + 3_600, lastSunday(year: year, month: 10) * 86_400 + 3_600)
        }
    }

    /// A timestamp or date value, kept as an instant and rendered in a chosen style.
    struct Stamp {
        enum Style: UInt8 { case date, utcZ, copenhagen, plusZero }
        var utc: Int          // seconds since the epoch
        var micros: Int       // 0..<1_000_000
        var style: Style
        var fraction: UInt8   // 0...6 digits written
    }

    // MARK: - Tables

    struct TypeInfo {
        var code: [UInt8]
        var fraJobcenter: Bool
        var fraAkasse: Bool
        var kraeverAftale: Bool
        var kraeverAkassedeltagelse: Bool
        /// The key an a-kasse must send for this type, and its values with weights.
        var akasseFelt: [UInt8]?
        var akasseFeltValues: [[UInt8]]
        var akasseFeltWeights: Weighted
        /// akasseKraever names a field this generator does not know: cannot be produced validly by an a-kasse.
        var unknownAkasseFelt: Bool
        var validity: Validity
    }

    struct KontaktgruppeInfo {
        var nummer: Int
        var visitationTilladt: Bool
        var cvRegel: Bool
        var videregivesTilAkasse: Bool
        var validity: Validity
    }

    final class Tables {
        let fromDay: Int
        let toDay: Int

        // Indberettere
        let kommuneKoder: [[UInt8]]
        let kommuneNavne: [[UInt8]]
        let regionsNavne: [[UInt8]]
        let kommuneWeights: Weighted
        let akasseKoder: [[UInt8]]          // reference a-kasser, then the unknown one last
        let akasseWeights: Weighted         // membership, the unknown code rare
        let unknownAkasse: Int              // index of the code missing from the reference data
        let knownKommuneSet: Set<String>
        let knownAkasseSet: Set<String>

        // Samtaler
        let types: [TypeInfo]
        let jobcenterTypesInsured: Weighted     // for kontaktgruppe passed on to the a-kasse (kg 1)
        let jobcenterTypesOther: Weighted
        let akasseTypes: Weighted
        let forms: [[UInt8]]
        let formStart: [Int]
        let formEnd: [Int]
        let kontaktgrupper: [KontaktgruppeInfo]
        let kontaktgruppeWeights: Weighted
        let insuredKontaktgruppe: Int?          // index of the kg with cvRegel (kg 1), if any
        let visitationsgrupper: [[UInt8]]
        let visitationsgruppeWeights: Weighted
        let roller: [[UInt8]]
        let rolleJobcenter: Weighted
        let rolleAkasse: Weighted
        let rolleFraJobcenter: [Bool]
        let rolleFraAkasse: [Bool]
        let akassekonsulent: Int?               // a role only jobcentre send (AKASSEKONSULENT)
        let deltagelsesformer: [[UInt8]]
        let deltagelsesformWeights: Weighted
        let formToDeltagelsesform: [Int?]
        let deltog: [UInt8]
        let deltogIkke: [UInt8]

        // Text
        let firstNames: [[UInt8]]
        let middleNames: [[UInt8]]
        let lastNames: [[UInt8]]
        let stillinger: [[UInt8]]
        let fagomraader: [[UInt8]]
        let kurser: [[UInt8]]
        let omfang: [[UInt8]]
        let formaal: [[UInt8]]
        let stillingskilder: [[UInt8]]
        let kildesystemer: [[UInt8]]
        let templates: [[UInt8]]
        let bindingJobcenter: Range<Int>
        let practical: Range<Int>
        let bindingAkasse: Range<Int>
        let planTemplates: Range<Int>
        let begrundelseTemplates: Range<Int>
        let geografiTemplates: Range<Int>

        // Summer time per year, cached for the years of interest.
        private let dstBaseYear: Int
        private let dstStart: [Int]
        private let dstEnd: [Int]

        init(reference: ReferenceData, options: SyntheticFeedOptions) throws {
            typealias V = Vocabulary
            fromDay = options.from.daysSinceEpoch
            toDay = options.to.daysSinceEpoch
            func overlaps(_ v: Validity) -> Bool {
                if let f = v.from, options.to < f { return false }
                if let t = v.to, t < options.from { return false }
                return true
            }

            // Kommuner sorted by code.
            let kommuner = reference.kommuner.keys.sorted().compactMap { reference.kommuner[$0] }.filter { overlaps($0.validity) }
            guard !kommuner.isEmpty else { throw SyntheticFeedError(message: "the reference data has no kommune valid in the date range") }
            kommuneKoder = kommuner.map { Tables.escaped($0.kode) }
            kommuneNavne = kommuner.map { Tables.escaped($0.navn) }
            regionsNavne = kommuner.map { Tables.escaped($0.regionsnavn) }
            kommuneWeights = Weighted(kommuner.map { V.kommuneWeights[$0.kode] ?? V.kommuneDefaultWeight })
            knownKommuneSet = Set(reference.kommuner.keys)
            knownAkasseSet = Set(reference.akasser.keys)

            // A-kasser sorted by numeric code, then one valid code missing from the reference data.
            let akasser = reference.akasser.keys.sorted { ($0.count, $0) < ($1.count, $1) }
                .compactMap { reference.akasser[$0] }.filter { overlaps($0.validity) && Tables.isValidAkassekode($0.kode) }
            guard !akasser.isEmpty else { throw SyntheticFeedError(message: "the reference data has no a-kasse valid in the date range") }
            guard let unknown = V.unknownAkasseCandidates.first(where: { reference.akasser[$0] == nil }) else {
                throw SyntheticFeedError(message: "no free a-kassekode for the inferred-member case")
            }
            var akasseCodes = akasser.map { Tables.escaped($0.kode) }
            var akasseW = akasser.map { V.akasseWeights[$0.kode] ?? V.akasseDefaultWeight }
            // ~0.1 % of all lines: a-kasse lines are ~18 % of the feed, so ~0.55 % of members.
            let knownTotal = akasseW.reduce(0, +)
            akasseW.append(max(1, knownTotal * 55 / 10_000))
            akasseCodes.append(Array(unknown.utf8))
            unknownAkasse = akasseCodes.count - 1
            akasseKoder = akasseCodes
            akasseWeights = Weighted(akasseW)

            // Samtaletyper sorted by code.
            var typeList: [TypeInfo] = []
            for code in reference.samtaletyper.keys.sorted() {
                let t = reference.samtaletyper[code]!
                guard overlaps(t.validity) else { continue }
                var feltValues: [[UInt8]] = []
                var feltWeights: [Int] = []
                var unknownFelt = false
                if let felt = t.akasseKraever {
                    if let values = V.akasseFeltValues[felt] {
                        feltValues = values.map { Array($0.0.utf8) }
                        feltWeights = values.map { $0.1 }
                    } else {
                        unknownFelt = true
                    }
                }
                typeList.append(TypeInfo(code: Tables.escaped(t.kode), fraJobcenter: t.fraJobcenter, fraAkasse: t.fraAkasse,
                                         kraeverAftale: t.kraeverAftale, kraeverAkassedeltagelse: t.kraeverAkassedeltagelse,
                                         akasseFelt: t.akasseKraever.map { Tables.escaped($0) },
                                         akasseFeltValues: feltValues, akasseFeltWeights: Weighted(feltWeights),
                                         unknownAkasseFelt: unknownFelt, validity: t.validity))
            }
            types = typeList

            // Kontaktgrupper sorted by number.
            kontaktgrupper = reference.kontaktgrupper.keys.sorted().compactMap { reference.kontaktgrupper[$0] }
                .filter { overlaps($0.validity) }
                .map { KontaktgruppeInfo(nummer: $0.nummer, visitationTilladt: $0.visitationTilladt, cvRegel: $0.cvRegel,
                                         videregivesTilAkasse: $0.videregivesTilAkasse, validity: $0.validity) }
            guard !kontaktgrupper.isEmpty else { throw SyntheticFeedError(message: "the reference data has no kontaktgruppe") }
            kontaktgruppeWeights = Weighted(kontaktgrupper.map { V.kontaktgruppeWeights[$0.nummer] ?? V.kontaktgruppeDefaultWeight })
            insuredKontaktgruppe = kontaktgrupper.firstIndex { $0.cvRegel }
            let hasInsured = kontaktgrupper.contains { $0.videregivesTilAkasse }

            func typeName(_ t: TypeInfo) -> String { String(decoding: t.code, as: UTF8.self) }
            jobcenterTypesInsured = Weighted(typeList.map { $0.fraJobcenter ? (V.jobcenterTypeWeights[typeName($0)] ?? V.typeDefaultWeight) : 0 })
            jobcenterTypesOther = Weighted(typeList.map {
                guard $0.fraJobcenter else { return 0 }
                if $0.kraeverAkassedeltagelse && hasInsured { return 0 }   // the fælles jobsamtale: insured only
                return V.jobcenterTypeWeights[typeName($0)] ?? V.typeDefaultWeight
            })
            akasseTypes = Weighted(typeList.map {
                guard $0.fraAkasse, !$0.unknownAkasseFelt, !$0.kraeverAkassedeltagelse else { return 0 }
                return V.akasseTypeWeights[typeName($0)] ?? V.typeDefaultWeight
            })
            guard !jobcenterTypesInsured.isEmpty, !jobcenterTypesOther.isEmpty || !hasInsured, !akasseTypes.isEmpty else {
                throw SyntheticFeedError(message: "the reference data lacks samtaletyper for jobcentre or a-kasser")
            }

            // Samtaleformer sorted by code.
            let formCodes = reference.samtaleformer.keys.sorted()
            guard !formCodes.isEmpty else { throw SyntheticFeedError(message: "the reference data has no samtaleform") }
            forms = formCodes.map { Tables.escaped($0) }
            formStart = formCodes.map { (V.formWeights[$0] ?? V.formDefaultWeight).start }
            formEnd = formCodes.map { (V.formWeights[$0] ?? V.formDefaultWeight).end }

            let vCodes = reference.visitationsgrupper.keys.sorted()
            visitationsgrupper = vCodes.map { Tables.escaped($0) }
            visitationsgruppeWeights = Weighted(vCodes.map { V.visitationsgruppeWeights[$0] ?? V.visitationsgruppeDefaultWeight })

            let rCodes = reference.deltagerroller.keys.sorted()
            let rInfo = rCodes.map { reference.deltagerroller[$0]! }
            roller = rCodes.map { Tables.escaped($0) }
            rolleFraJobcenter = rInfo.map { $0.fraJobcenter }
            rolleFraAkasse = rInfo.map { $0.fraAkasse }
            // Jobcentre name the a-kasse consultant through the fælles jobsamtale, not at random.
            let konsulent = rCodes.firstIndex(of: "AKASSEKONSULENT") ?? rInfo.firstIndex { $0.fraJobcenter && !$0.fraAkasse }
            akassekonsulent = konsulent
            rolleJobcenter = Weighted(zip(rCodes, rInfo).map { $1.fraJobcenter ? (V.rolleWeights[$0] ?? V.rolleDefaultWeight) : 0 })
            rolleAkasse = Weighted(zip(rCodes, rInfo).map { $1.fraAkasse ? (V.rolleWeights[$0] ?? V.rolleDefaultWeight) : 0 })

            let dCodes = reference.deltagelsesformer.keys.sorted()
            deltagelsesformer = dCodes.map { Tables.escaped($0) }
            deltagelsesformWeights = Weighted(dCodes.map { V.deltagelsesformWeights[$0] ?? 2 })
            formToDeltagelsesform = formCodes.map { dCodes.firstIndex(of: $0) }
            deltog = Array(V.akasseDeltagelse.deltog.utf8)
            deltogIkke = Array(V.akasseDeltagelse.deltogIkke.utf8)

            firstNames = V.firstNames.map { Tables.escaped($0) }
            middleNames = V.middleNames.map { Tables.escaped($0) }
            lastNames = V.lastNames.map { Tables.escaped($0) }
            stillinger = V.stillinger.map { Tables.escaped($0) }
            fagomraader = V.fagomraader.map { Tables.escaped($0) }
            kurser = V.kurser.map { Tables.escaped($0) }
            omfang = V.omfang.map { Tables.escaped($0) }
            formaal = V.formaal.map { Tables.escaped($0) }
            stillingskilder = V.stillingskilder.map { Tables.escaped($0) }
            kildesystemer = V.kildesystemer.map { Tables.escaped($0) }

            var all: [[UInt8]] = []
            func add(_ list: [String]) -> Range<Int> {
                let start = all.count
                all.append(contentsOf: list.map { Tables.escaped($0, keepingPlaceholders: true) })
                return start..<all.count
            }
            bindingJobcenter = add(V.bindingJobcenter)
            practical = add(V.practical)
            bindingAkasse = add(V.bindingAkasse)
            planTemplates = add(V.plan)
            begrundelseTemplates = add(V.begrundelse)
            geografiTemplates = add(V.geografi)
            templates = all

            dstBaseYear = options.from.year - 2
            var starts: [Int] = [], ends: [Int] = []
            for y in dstBaseYear...(options.to.year + 3) {
                let s = Clock.summerTime(year: y)
                starts.append(s.start); ends.append(s.end)
            }
            dstStart = starts
            dstEnd = ends
        }

        /// The UTC offset in Copenhagen at an instant, in seconds.
        @inline(__always)
        func copenhagenOffset(_ utc: Int) -> Int {
            let year = CivilDate(daysSinceEpoch: Clock.floorDiv(utc, 86_400)).year
            let i = year - dstBaseYear
            let s: Int, e: Int
            if i >= 0 && i < dstStart.count { s = dstStart[i]; e = dstEnd[i] } else { (s, e) = Clock.summerTime(year: year) }
            return utc >= s && utc < e ? 7_200 : 3_600
        }

        /// Days since the epoch of the Copenhagen calendar day of an instant.
        @inline(__always)
        func copenhagenDay(_ utc: Int) -> Int { Clock.floorDiv(utc + copenhagenOffset(utc), 86_400) }

        /// The instant of a Copenhagen wall-clock time between 03:00 and 24:00 on a day.
        @inline(__always)
        func instant(day: Int, localSeconds: Int) -> Int {
            // At 03:00 local or later the offset is the one of that day's noon.
            let noon = day * 86_400 + 12 * 3_600 - 3_600
            return day * 86_400 + localSeconds - copenhagenOffset(noon)
        }

        /// A string as JSON string content (without quotes): escapes `"`, `\` and control characters.
        static func escaped(_ s: String, keepingPlaceholders: Bool = false) -> [UInt8] {
            var out: [UInt8] = []
            for b in s.utf8 {
                switch b {
                case 0x01...0x06 where keepingPlaceholders: out.append(b)
                case 0x22: out += [0x5C, 0x22]
                case 0x5C: out += [0x5C, 0x5C]
                case 0x0A: out += [0x5C, 0x6E]
                case 0x0D: out += [0x5C, 0x72]
                case 0x09: out += [0x5C, 0x74]
                case 0x00..<0x20:
                    let hex: [UInt8] = Array("0123456789abcdef".utf8)
                    out += [0x5C, 0x75, 0x30, 0x30, hex[Int(b >> 4)], hex[Int(b & 15)]]
                default: out.append(b)
                }
            }
            return out
        }

        static func isValidAkassekode(_ s: String) -> Bool {
            let b = Array(s.utf8)
            return (1...4).contains(b.count) && b.allSatisfy { $0 >= 0x30 && $0 <= 0x39 } && b[0] != 0x30
        }
    }
}
