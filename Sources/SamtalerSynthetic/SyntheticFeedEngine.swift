// The synthetic feed generator's engine: a registration model of small values (codes are byte
// arrays shared with the tables, texts are template numbers), rendered straight into a reused
// byte buffer. Later versions (ret, annuller, duplicates) wait in a small priority queue keyed by
// the line where they are due, so memory stays bounded however many rows are written.

import SamtalerFeed

extension SyntheticFeed {
    /// A free text: a template with its parameters, rendered on demand.
    struct Tekst {
        var template: Int
        var n: Int = 0
        var stilling: Int = 0
        var kursus: Int = 0
        var kommune: Int = 0
        var fag: Int = 0
    }

    struct Aftale {
        /// 0 absent, 1 false, 2 true (absent only on deliberately invalid lines).
        var forpligtende: UInt8
        /// 0 absent, 1 false, 2 true.
        var saerligIndsats: UInt8
        var tekst: Tekst?
    }

    struct Deltager {
        var first: Int      // -1: empty name (invalid lines only)
        var middle: Int     // -1: none
        var last: Int
        var rolle: [UInt8]
        var form: [UInt8]
    }

    struct Person {
        var kommune: Int
        var akasse: Int
        var kontaktgruppe: Int
        var cpr: [UInt8]
        /// Seeds the person's visitationsgruppe over time (independent of the other draws).
        var visitationSeed: UInt64 = 0
    }

    struct Registrering {
        enum Kind: UInt8 { case samtale, minplan, jobsoegningskrav }
        enum Handling: UInt8 { case opret, ret, annuller }

        var kind: Kind = .samtale
        var handling: Handling = .opret
        // How the sending case system writes its lines.
        var explicitOpret = false
        var nullsForAbsent = false
        var indberetterFirst = false
        var kildesystem = -1
        var annullerWithBody = false

        var jobcenter = true
        var indberetterIndex = 0
        var kode: [UInt8] = []
        var id: [UInt8] = []
        var registreret = Stamp(utc: 0, micros: 0, style: .utcZ, fraction: 0)
        var cpr: [UInt8] = []

        // samtale
        var afholdt = Stamp(utc: 0, micros: 0, style: .date, fraction: 0)
        var typeIndex = 0
        var typeCode: [UInt8] = []
        var formIndex = 0
        var form: [UInt8] = []
        var kontaktgruppe: Int? = nil
        var kontaktgruppeIndex = -1
        var aftale: Aftale? = nil
        var akasseDeltagelse: [UInt8]? = nil
        var visitationsgruppe: [UInt8]? = nil
        var tidligOpfoelgning: Bool? = nil
        var cvFyldestgoerende: Bool? = nil
        var akasseFelt: [UInt8]? = nil
        var akasseFeltValue: [UInt8] = []
        var deltagere: [Deltager] = []

        // minplan
        var jobmaal: [Int] = []
        var plan = Tekst(template: 0)
        var begrundelse = Tekst(template: 0)

        // jobsoegningskrav (fagomraader: >= 0 a stilling, < 0 a fagområde -1-i)
        var fagomraader: [Int] = []
        var geografi = Tekst(template: 0)
        var antalAnsoegninger = 0
        var omfang = -1
        var formaal = -1
        var stillingskilder = -1
    }

    /// Changes applied while rendering a deliberately invalid line.
    struct Edit {
        var omit: [UInt8]? = nil
        var rawKey: [UInt8]? = nil
        var rawValue: [UInt8] = []
    }

    struct Pending {
        var due: Int
        var seq: Int
        var registration: Registrering
    }

    struct Engine {
        let t: Tables
        let rows: Int
        let profile: SyntheticFeedProfile
        let poolSize: Int
        let personSeed: UInt64
        var rng: Rng
        var out: [UInt8] = []
        var needComma = false
        var edit: Edit? = nil
        var heap: [Pending] = []
        var seq = 0
        var stats = SyntheticFeedStats()
        var jobcenterCounters: [Int]
        var akasseCounters: [Int]
        var minplanCounters: [Int]
        var jobsoegningskravCounters: [Int]
        var invalidCounter = 0
        var invalidLeft: Int
        let invalidKinds: [InvalidKind]
        let invalidKindWeights: Weighted

        init(tables: Tables, options: SyntheticFeedOptions) {
            t = tables
            rows = max(0, options.rows)
            profile = options.profile
            poolSize = max(1, rows / 3)
            var s = SplitMix64(seed: options.seed)
            let mainSeed = s.next()
            personSeed = s.next()
            rng = Rng(seed: mainSeed)
            out.reserveCapacity(4096)
            jobcenterCounters = Array(repeating: max(0, options.jobcenterIDOffset), count: tables.kommuneKoder.count)
            akasseCounters = Array(repeating: 0, count: tables.akasseKoder.count)
            minplanCounters = akasseCounters
            jobsoegningskravCounters = akasseCounters
            let share = options.invalidShare.isFinite ? min(1, max(0, options.invalidShare)) : 0
            invalidLeft = min(rows, Int((Double(rows) * share).rounded()))
            let kinds = InvalidKind.available(tables)
            invalidKinds = kinds.map { $0.kind }
            invalidKindWeights = Weighted(kinds.map { $0.weight })
        }

        // MARK: - The loop

        mutating func run(emit: (_ line: [UInt8], _ invalid: Bool) throws -> Void) throws -> SyntheticFeedStats {
            for i in 0..<rows {
                if invalidLeft > 0 && rng.below(rows - i) < invalidLeft {
                    invalidLeft -= 1
                    let kind = makeInvalid(lineIndex: i)
                    stats.invalid += 1
                    stats.invalidByKind[kind.rawValue, default: 0] += 1
                    stats.lines += 1
                    try emit(out, true)
                    continue
                }
                if let top = heap.first, top.due <= i {
                    let p = popPending()
                    render(p.registration)
                    count(p.registration)
                    try emit(out, false)
                    continue
                }
                switch profile {
                case .bench: newRegistration(lineIndex: i)
                case .allNew: newOnly(lineIndex: i)
                case .corrections: newWithLaterVersion(lineIndex: i)
                }
                try emit(out, false)
            }
            return stats
        }

        mutating func count(_ r: Registrering) {
            stats.lines += 1
            switch r.kind {
            case .samtale: stats.samtaler += 1
            case .minplan: stats.minplaner += 1
            case .jobsoegningskrav: stats.jobsoegningskrav += 1
            }
            switch r.handling {
            case .opret: break
            case .ret: stats.corrections += 1
            case .annuller: stats.withdrawals += 1
            }
        }

        /// A new registration of the bench feed's mix: 3 % Min Plan drafts, 3 % job search
        /// requirements, the rest conversations, 87.2 % of them from jobcentre.
        mutating func makeRegistration(day: Int) -> Registrering {
            let u = rng.below(1000)
            if u < 30 { return makeMinplan(day: day) }
            if u < 60 { return makeJobsoegningskrav(day: day) }
            return makeSamtale(day: day, jobcenter: rng.below(1000) < 872)
        }

        /// A new registration, and maybe later versions of it: renders the line to write now.
        mutating func newRegistration(lineIndex i: Int) {
            let day = baseDay(i)
            let r = makeRegistration(day: day)
            var now = r
            let v = rng.below(10_000)
            if v < 400 {
                // ~4 %: corrected later.
                let ret = makeRet(r)
                if rng.chance(0.15) {
                    // The correction arrives before the original (with the later registreret).
                    now = ret
                    schedule(r, due: i + rng.range(1, 3000))
                } else {
                    let due = i + rng.range(1, 3000)
                    schedule(ret, due: due)
                    if rng.chance(0.12) {
                        // The old version is sent again after the newer one.
                        schedule(r, due: due + rng.range(1, 2000))
                    }
                }
            } else if v < 500 {
                // ~1 %: withdrawn later; sometimes brought back by a newer correction.
                let a = makeAnnullering(r)
                let due = i + rng.range(1, 3000)
                schedule(a, due: due)
                if rng.chance(0.1) {
                    var back = makeRet(r)
                    back.registreret = laterStamp(after: a.registreret, jobcenter: r.jobcenter)
                    schedule(back, due: due + rng.range(1, 2000))
                }
            } else if v < 550 {
                // ~0.5 %: an identical duplicate later.
                schedule(r, due: i + rng.range(1, 3000))
            }
            render(now)
            count(now)
        }

        /// The all-new shape: a conversation in its only version, 65 % from jobcentre.
        mutating func newOnly(lineIndex i: Int) {
            let r = makeSamtale(day: baseDay(i), jobcenter: rng.below(1000) < 650)
            render(r)
            count(r)
        }

        /// The correction-heavy shape: a new registration, and for 3 in 7 one later version (a
        /// withdrawal one time in six), written before or after the original with equal chance.
        mutating func newWithLaterVersion(lineIndex i: Int) {
            let r = makeRegistration(day: baseDay(i))
            var now = r
            if rng.below(7) < 3 {
                let later = rng.below(6) == 0 ? makeAnnullering(r) : makeRet(r)
                let due = i + (rng.below(10) == 0 ? rng.range(3_000, 40_000) : rng.range(1, 3_000))
                if rng.below(2) == 0 {
                    now = later
                    schedule(r, due: due)
                } else {
                    schedule(later, due: due)
                }
            }
            render(now)
            count(now)
        }

        // MARK: - Pending versions (a binary heap on (due, seq))

        mutating func schedule(_ r: Registrering, due: Int) {
            seq += 1
            heap.append(Pending(due: due, seq: seq, registration: r))
            var c = heap.count - 1
            while c > 0 {
                let p = (c - 1) >> 1
                if Engine.less(heap[c], heap[p]) { heap.swapAt(c, p); c = p } else { break }
            }
        }

        mutating func popPending() -> Pending {
            let top = heap[0]
            let last = heap.removeLast()
            if !heap.isEmpty {
                heap[0] = last
                var p = 0
                while true {
                    let l = 2 * p + 1, r = l + 1
                    var m = p
                    if l < heap.count && Engine.less(heap[l], heap[m]) { m = l }
                    if r < heap.count && Engine.less(heap[r], heap[m]) { m = r }
                    if m == p { break }
                    heap.swapAt(p, m)
                    p = m
                }
            }
            return top
        }

        static func less(_ a: Pending, _ b: Pending) -> Bool { a.due < b.due || (a.due == b.due && a.seq < b.seq) }

        // MARK: - Dates and times

        /// The conversation day for a line: the file runs through the date range, with some jitter,
        /// mostly on weekdays.
        mutating func baseDay(_ i: Int) -> Int {
            let span = t.toDay - t.fromDay
            var d = t.fromDay + (rows > 0 ? Int(Int64(i) * Int64(span + 1) / Int64(rows)) : 0)
            d += rng.range(-3, 3)
            let wd = ((d % 7 + 7 + 3) % 7) + 1
            if wd >= 6 && !rng.chance(0.04) { d += wd == 6 ? -1 : 1 }
            return min(max(d, t.fromDay), t.toDay)
        }

        /// afholdt and registreret of a new conversation.
        mutating func conversationTimes(day: Int, jobcenter: Bool, _ r: inout Registrering) {
            var utc = 0
            var late = false
            if !jobcenter && rng.chance(0.02) {
                // Late in the evening (UTC) on a month's last day: the Copenhagen date is the 1st.
                let c = CivilDate(daysSinceEpoch: day)
                let last = day - c.day + CivilDate.daysIn(month: c.month, year: c.year)
                if last + 1 <= t.toDay {
                    let off = t.copenhagenOffset(last * 86_400 + 22 * 3_600)
                    utc = last * 86_400 + 86_400 - off + 60 * rng.below(off / 60)
                    late = true
                }
            }
            if !late {
                let local = jobcenter ? 8 * 3_600 + 900 * rng.below(32) : 8 * 3_600 + 300 * rng.below(102)
                utc = t.instant(day: day, localSeconds: local)
                if !jobcenter && rng.chance(0.2) { utc += rng.below(60) }
            }
            if jobcenter {
                let u = rng.below(100)
                r.afholdt = Stamp(utc: utc, micros: 0, style: u < 80 ? .date : (u < 97 ? .copenhagen : .utcZ), fraction: 0)
            } else {
                let style: Stamp.Style
                if late {
                    style = rng.chance(0.8) ? .utcZ : .copenhagen
                } else {
                    style = rng.below(100) < 62 ? .copenhagen : .utcZ
                }
                let frac: UInt8 = rng.chance(0.1) ? 3 : 0
                r.afholdt = Stamp(utc: utc, micros: frac > 0 ? rng.below(1_000) * 1_000 : 0, style: style, fraction: frac)
            }
            let u = rng.below(100)
            var reg: Int
            if late || u < 55 {
                reg = utc + 60 * rng.range(5, 240) + rng.below(60)
            } else {
                let days = u < 88 ? rng.range(1, 3) : rng.range(4, 10)
                reg = t.instant(day: t.copenhagenDay(utc) + days, localSeconds: rng.range(7 * 3_600 + 1_800, 18 * 3_600))
                reg += rng.below(60)
            }
            if reg <= utc { reg = utc + 300 }
            r.registreret = registreretStamp(reg, jobcenter: jobcenter)
        }

        mutating func registreretStamp(_ utc: Int, jobcenter: Bool) -> Stamp {
            let u = rng.below(100)
            let micros = rng.below(1_000_000)
            if jobcenter {
                if u < 60 { return Stamp(utc: utc, micros: micros, style: .copenhagen, fraction: 0) }
                if u < 80 { return Stamp(utc: utc, micros: micros, style: .utcZ, fraction: 0) }
                if u < 92 { return Stamp(utc: utc, micros: micros, style: .utcZ, fraction: 3) }
                return Stamp(utc: utc, micros: micros, style: .copenhagen, fraction: UInt8(rng.range(1, 6)))
            }
            if u < 40 { return Stamp(utc: utc, micros: micros, style: .utcZ, fraction: 3) }
            if u < 70 { return Stamp(utc: utc, micros: micros, style: .copenhagen, fraction: 0) }
            if u < 88 { return Stamp(utc: utc, micros: micros, style: .utcZ, fraction: 0) }
            if u < 97 { return Stamp(utc: utc, micros: micros, style: .copenhagen, fraction: 6) }
            return Stamp(utc: utc, micros: micros, style: .plusZero, fraction: UInt8(rng.range(1, 6)))
        }

        /// A registreret for a later version: hours to weeks after `s`.
        mutating func laterStamp(after s: Stamp, jobcenter: Bool) -> Stamp {
            var utc: Int
            let local = s.utc + t.copenhagenOffset(s.utc)
            let hour = (local - Clock.floorDiv(local, 86_400) * 86_400) / 3_600
            if hour < 14 && rng.chance(0.5) {
                utc = s.utc + rng.range(600, 4 * 3_600)   // later the same working day
            } else {
                utc = t.instant(day: t.copenhagenDay(s.utc) + rng.range(1, 20), localSeconds: rng.range(7 * 3_600, 18 * 3_600))
            }
            if utc <= s.utc + 60 { utc = s.utc + 3_600 }
            return registreretStamp(utc, jobcenter: jobcenter)
        }

        // MARK: - Persons

        /// Person `index` of the pool: the same index always gives the same person (no storage).
        func person(_ index: Int) -> Person {
            var r = Rng(seed: personSeed ^ (UInt64(index) &* 0x9E37_79B9_7F4A_7C15))
            let kommune = t.kommuneWeights.pick(&r)
            let akasse = t.akasseWeights.pick(&r)
            let kg = t.kontaktgruppeWeights.pick(&r)
            let year = r.range(1955, 2008)
            let month = r.range(1, 12)
            let day = r.range(1, CivilDate.daysIn(month: month, year: year))
            let male = r.below(2) == 0
            let yy = year % 100
            // Digit 7 consistent with the century rule.
            let d7 = year < 2000 ? (r.chance(0.9) ? r.below(4) : (r.below(2) == 0 ? 4 : 9)) : r.range(4, 9)
            var d = [day / 10, day % 10, month / 10, month % 10, yy / 10, yy % 10, d7, 0, 0, 0]
            var done = false
            if r.chance(0.8) {
                // Passes modulus 11 (older numbers); the rest need not (valid since 2007).
                let w = [4, 3, 2, 7, 6, 5, 4, 3, 2]
                for _ in 0..<60 {
                    d[7] = r.below(10); d[8] = r.below(10)
                    var s = 0
                    for k in 0..<9 { s += w[k] * d[k] }
                    let d10 = (11 - s % 11) % 11
                    if d10 <= 9 && (d10 % 2 == 1) == male { d[9] = d10; done = true; break }
                }
            }
            if !done {
                d[7] = r.below(10); d[8] = r.below(10)
                d[9] = 2 * r.below(5) + (male ? 1 : 0)
            }
            var cpr: [UInt8] = []
            cpr.reserveCapacity(11)
            let dash = r.chance(0.3)
            for k in 0..<10 {
                if k == 6 && dash { cpr.append(0x2D) }
                cpr.append(UInt8(0x30 + d[k]))
            }
            return Person(kommune: kommune, akasse: akasse, kontaktgruppe: kg, cpr: cpr,
                          visitationSeed: personSeed &+ (UInt64(index) &* 0xD1B5_4A32_D192_ED03))
        }

        mutating func randomPerson() -> Person { person(rng.below(poolSize)) }

        /// A person's visitationsgruppe on a day (a table index): reassessed every 120 days, when
        /// it stays the same four times in five, so persons keep their group for months and some
        /// move between groups (what the visitation history and its transitions report show).
        func visitationsgruppe(of p: Person, day: Int) -> Int {
            var r = Rng(seed: p.visitationSeed)
            var g = t.visitationsgruppeWeights.pick(&r)
            let first = t.fromDay / 120
            for block in first..<max(first, day / 120) {
                var b = Rng(seed: p.visitationSeed ^ (UInt64(block) &* 0x9E37_79B9_7F4A_7C15))
                if b.chance(0.2) { g = t.visitationsgruppeWeights.pick(&b) }
            }
            return g
        }

        // MARK: - Building registrations

        mutating func setIndberetter(_ r: inout Registrering, jobcenter: Bool, person p: Person) {
            r.jobcenter = jobcenter
            if jobcenter {
                r.indberetterIndex = p.kommune
                r.kode = t.kommuneKoder[p.kommune]
                r.explicitOpret = p.kommune % 4 == 0
                r.kildesystem = p.kommune % 5 == 1 ? p.kommune % t.kildesystemer.count : -1
                r.nullsForAbsent = false
                r.indberetterFirst = false
            } else {
                r.indberetterIndex = p.akasse
                r.kode = t.akasseKoder[p.akasse]
                r.explicitOpret = true
                r.nullsForAbsent = p.akasse % 3 == 0
                r.indberetterFirst = p.akasse % 2 == 0
                r.kildesystem = p.akasse % 4 == 1 ? (p.akasse + 1) % t.kildesystemer.count : -1
            }
        }

        mutating func pickForm(day: Int) -> Int {
            let span = max(1, t.toDay - t.fromDay)
            let k = min(max(0, day - t.fromDay), span)
            var total = 0
            for i in 0..<t.forms.count { total += t.formStart[i] * (span - k) + t.formEnd[i] * k }
            if total <= 0 { return rng.below(t.forms.count) }
            var x = rng.below(total)
            for i in 0..<t.forms.count {
                let w = t.formStart[i] * (span - k) + t.formEnd[i] * k
                if x < w { return i }
                x -= w
            }
            return t.forms.count - 1
        }

        mutating func tekst(_ range: Range<Int>, kommune: Int) -> Tekst {
            Tekst(template: range.lowerBound + rng.below(range.count), n: rng.range(2, 10),
                  stilling: rng.below(t.stillinger.count), kursus: rng.below(t.kurser.count),
                  kommune: kommune, fag: rng.below(t.fagomraader.count))
        }

        mutating func makeDeltager(jobcenter: Bool, rolle forced: Int? = nil, formIndex: Int) -> Deltager {
            let rolle = forced ?? (jobcenter ? t.rolleJobcenter : t.rolleAkasse).pick(&rng)
            let form: Int
            if let same = t.formToDeltagelsesform[formIndex], rng.chance(0.65) { form = same } else { form = t.deltagelsesformWeights.pick(&rng) }
            return Deltager(first: rng.below(t.firstNames.count), middle: rng.chance(0.12) ? rng.below(t.middleNames.count) : -1,
                            last: rng.below(t.lastNames.count), rolle: t.roller[rolle], form: t.deltagelsesformer[form])
        }

        /// A valid samtale; `type` and `kontaktgruppe` (table indices) can be forced, also to
        /// combinations the contract forbids (for invalid lines).
        mutating func makeSamtale(day: Int, jobcenter: Bool, type forcedType: Int? = nil, kontaktgruppe forcedKG: Int? = nil,
                                  person given: Person? = nil) -> Registrering {
            let p = given ?? randomPerson()
            var r = Registrering()
            r.kind = .samtale
            setIndberetter(&r, jobcenter: jobcenter, person: p)
            r.cpr = rng.chance(0.002) ? Array((rng.chance(0.8) ? "0000000000" : "000000-0000").utf8) : p.cpr

            var kgIndex = -1
            if jobcenter {
                kgIndex = forcedKG ?? p.kontaktgruppe
            } else if let insured = t.insuredKontaktgruppe, forcedKG == nil, rng.chance(0.2) {
                kgIndex = insured
            } else if let f = forcedKG {
                kgIndex = f
            }
            if kgIndex >= 0 { r.kontaktgruppe = t.kontaktgrupper[kgIndex].nummer; r.kontaktgruppeIndex = kgIndex }

            // Samtaletype (valid at the day when possible).
            let date = CivilDate(daysSinceEpoch: day)
            var ti: Int
            if let f = forcedType {
                ti = f
            } else {
                let table: Weighted
                if jobcenter {
                    table = kgIndex >= 0 && t.kontaktgrupper[kgIndex].videregivesTilAkasse ? t.jobcenterTypesInsured : t.jobcenterTypesOther
                } else {
                    table = t.akasseTypes
                }
                ti = table.pick(&rng)
                var tries = 0
                while !t.types[ti].validity.contains(date) && tries < 20 { ti = table.pick(&rng); tries += 1 }
            }
            let type = t.types[ti]
            r.typeIndex = ti
            r.typeCode = type.code
            r.formIndex = pickForm(day: day)
            r.form = t.forms[r.formIndex]
            conversationTimes(day: day, jobcenter: jobcenter, &r)

            // Aftale.
            let kommune = p.kommune
            if type.kraeverAftale {
                let binding = rng.chance(0.86)
                let saerlig: UInt8 = rng.chance(0.45) ? (rng.chance(0.12) ? 2 : 1) : 0
                var tx: Tekst? = nil
                if rng.chance(0.88) {
                    tx = tekst(binding ? (jobcenter ? t.bindingJobcenter : t.bindingAkasse) : t.practical, kommune: kommune)
                }
                r.aftale = Aftale(forpligtende: binding ? 2 : 1, saerligIndsats: saerlig, tekst: tx)
            } else if rng.chance(0.2) {
                r.aftale = Aftale(forpligtende: 1, saerligIndsats: rng.chance(0.1) ? 1 : 0,
                                  tekst: rng.chance(0.9) ? tekst(t.practical, kommune: kommune) : nil)
            }

            // Deltagere.
            var konsulentMed = false
            let canAddDeltagere = !(jobcenter ? t.rolleJobcenter : t.rolleAkasse).isEmpty && !t.deltagelsesformer.isEmpty
            if !canAddDeltagere {
                // no roles or forms in the reference data: no deltagere
            } else if type.kraeverAkassedeltagelse, jobcenter, let k = t.akassekonsulent, rng.chance(0.85) {
                r.deltagere.append(makeDeltager(jobcenter: true, rolle: k, formIndex: r.formIndex))
                konsulentMed = true
                if rng.chance(0.1) { r.deltagere.append(makeDeltager(jobcenter: true, formIndex: r.formIndex)) }
            } else if rng.chance(profile == .allNew ? 0.29 : jobcenter ? 0.25 : 0.12) {
                let u = rng.below(100)
                let n = u < 70 ? 1 : (u < 92 ? 2 : 3)
                for _ in 0..<n { r.deltagere.append(makeDeltager(jobcenter: jobcenter, formIndex: r.formIndex)) }
            }
            if type.kraeverAkassedeltagelse {
                r.akasseDeltagelse = konsulentMed ? (rng.chance(0.96) ? t.deltog : t.deltogIkke) : (rng.chance(0.85) ? t.deltogIkke : t.deltog)
            }

            // Persongruppe and visitation.
            if kgIndex >= 0 {
                let kg = t.kontaktgrupper[kgIndex]
                if jobcenter && kg.visitationTilladt && !t.visitationsgrupper.isEmpty {
                    if profile == .allNew {
                        // At random, not the person's own course: the group changes often.
                        if rng.chance(0.4) { r.visitationsgruppe = t.visitationsgrupper[t.visitationsgruppeWeights.pick(&rng)] }
                    } else if rng.chance(0.22) {
                        r.visitationsgruppe = t.visitationsgrupper[visitationsgruppe(of: p, day: day)]
                    }
                }
                if kg.cvRegel && rng.chance(jobcenter ? 0.05 : 0.06) {
                    r.cvFyldestgoerende = rng.chance(0.25)
                }
            }
            if rng.chance(0.02) { r.tidligOpfoelgning = rng.chance(0.9) }
            if !jobcenter, let felt = type.akasseFelt, !type.unknownAkasseFelt, !type.akasseFeltValues.isEmpty {
                r.akasseFelt = felt
                r.akasseFeltValue = type.akasseFeltValues[type.akasseFeltWeights.pick(&rng)]
            }

            // Id.
            if jobcenter {
                jobcenterCounters[p.kommune] += 1
                r.id = idBytes("JC", r.kode, year: CivilDate(daysSinceEpoch: t.copenhagenDay(r.afholdt.utc)).year,
                               counter: jobcenterCounters[p.kommune])
            } else {
                akasseCounters[p.akasse] += 1
                r.id = idBytes("AK", r.kode, year: nil, counter: akasseCounters[p.akasse])
            }
            return r
        }

        /// registreret of an a-kasse registration that is not a conversation: office hours.
        mutating func officeStamp(day: Int) -> Stamp {
            let utc = t.instant(day: day, localSeconds: 8 * 3_600 + rng.below(9 * 3_600))
            return registreretStamp(utc, jobcenter: false)
        }

        mutating func makeMinplan(day: Int, person given: Person? = nil) -> Registrering {
            let p = given ?? randomPerson()
            var r = Registrering()
            r.kind = .minplan
            setIndberetter(&r, jobcenter: false, person: p)
            r.cpr = p.cpr
            r.registreret = officeStamp(day: day)
            r.jobmaal = jobmaal()
            r.plan = tekst(t.planTemplates, kommune: p.kommune)
            r.begrundelse = tekst(t.begrundelseTemplates, kommune: p.kommune)
            minplanCounters[p.akasse] += 1
            r.id = idBytes("MP", r.kode, year: nil, counter: minplanCounters[p.akasse])
            return r
        }

        mutating func jobmaal() -> [Int] {
            let u = rng.below(100)
            let n = u < 35 ? 1 : (u < 65 ? 2 : (u < 85 ? 3 : (u < 95 ? 4 : 5)))
            var list: [Int] = []
            while list.count < n {
                let s = rng.below(t.stillinger.count)
                if !list.contains(s) { list.append(s) }
            }
            return list
        }

        mutating func makeJobsoegningskrav(day: Int, person given: Person? = nil) -> Registrering {
            let p = given ?? randomPerson()
            var r = Registrering()
            r.kind = .jobsoegningskrav
            setIndberetter(&r, jobcenter: false, person: p)
            r.cpr = p.cpr
            r.registreret = officeStamp(day: day)
            let u = rng.below(100)
            let n = u < 30 ? 1 : (u < 60 ? 2 : (u < 80 ? 3 : (u < 90 ? 4 : (u < 96 ? 5 : 6))))
            while r.fagomraader.count < n {
                let f = rng.chance(0.4) ? -1 - rng.below(t.fagomraader.count) : rng.below(t.stillinger.count)
                if !r.fagomraader.contains(f) { r.fagomraader.append(f) }
            }
            r.geografi = tekst(t.geografiTemplates, kommune: p.kommune)
            r.geografi.n = rng.range(1, 3)
            r.antalAnsoegninger = rng.chance(0.05) ? 0 : min(rng.range(1, 30), rng.range(1, 30))
            // Required since feed contract v2 (§ 87 stk. 3 nr. 5-7).
            r.omfang = rng.below(t.omfang.count)
            r.formaal = rng.below(t.formaal.count)
            r.stillingskilder = rng.below(t.stillingskilder.count)
            jobsoegningskravCounters[p.akasse] += 1
            r.id = idBytes("JK", r.kode, year: nil, counter: jobsoegningskravCounters[p.akasse])
            return r
        }

        /// "JC101-2025-000123", "AK24-000045": never 10 digits in a row, never a personnummer.
        func idBytes(_ prefix: StaticString, _ kode: [UInt8], year: Int?, counter: Int) -> [UInt8] {
            var b: [UInt8] = []
            b.reserveCapacity(20)
            prefix.withUTF8Buffer { b.append(contentsOf: $0) }
            b.append(contentsOf: kode)
            b.append(0x2D)
            if let y = year { Engine.appendPadded(&b, y, 4); b.append(0x2D) }
            Engine.appendPadded(&b, counter, 6)
            return b
        }

        // MARK: - Later versions

        mutating func makeRet(_ r: Registrering) -> Registrering {
            var x = r
            x.handling = .ret
            x.registreret = laterStamp(after: r.registreret, jobcenter: r.jobcenter)
            switch r.kind {
            case .samtale:
                var choice = rng.below(6)
                if choice == 5 && r.akasseDeltagelse == nil { choice = 0 }
                if choice == 1 && !(r.jobcenter && r.kontaktgruppeIndex >= 0 && t.kontaktgrupper[r.kontaktgruppeIndex].visitationTilladt
                                    && t.visitationsgrupper.count > 1) { choice = 0 }
                if choice == 3 && (r.deltagere.count >= 3 || (r.jobcenter ? t.rolleJobcenter : t.rolleAkasse).isEmpty || t.deltagelsesformer.isEmpty) { choice = 0 }
                if choice == 4 && t.copenhagenDay(r.afholdt.utc) <= t.fromDay { choice = 0 }
                switch choice {
                case 1:
                    var v = t.visitationsgrupper[t.visitationsgruppeWeights.pick(&rng)]
                    while v == r.visitationsgruppe { v = t.visitationsgrupper[rng.below(t.visitationsgrupper.count)] }
                    x.visitationsgruppe = v
                case 2:
                    let kommune = r.aftale?.tekst?.kommune ?? 0
                    if var a = x.aftale {
                        a.tekst = tekst(a.forpligtende == 2 ? (r.jobcenter ? t.bindingJobcenter : t.bindingAkasse) : t.practical, kommune: kommune)
                        x.aftale = a
                    } else {
                        x.aftale = Aftale(forpligtende: 1, saerligIndsats: 0, tekst: tekst(t.practical, kommune: kommune))
                    }
                case 3:
                    x.deltagere.append(makeDeltager(jobcenter: r.jobcenter, formIndex: r.formIndex))
                case 4:
                    // A typing error in the date corrected: one day earlier (still not after registreret).
                    x.afholdt.utc -= 86_400
                case 5:
                    x.akasseDeltagelse = r.akasseDeltagelse == t.deltog ? t.deltogIkke : t.deltog
                default:
                    if t.forms.count > 1 {
                        var f = pickForm(day: t.copenhagenDay(r.afholdt.utc))
                        while f == r.formIndex { f = rng.below(t.forms.count) }
                        x.formIndex = f
                        x.form = t.forms[f]
                    } else {
                        x.tidligOpfoelgning = !(r.tidligOpfoelgning ?? false)
                    }
                }
            case .minplan:
                if rng.chance(0.5) { x.jobmaal = jobmaal() } else { x.plan.template = t.planTemplates.lowerBound + (r.plan.template - t.planTemplates.lowerBound + 1) % t.planTemplates.count }
            case .jobsoegningskrav:
                var a = rng.range(0, 30)
                while a == r.antalAnsoegninger { a = rng.range(0, 30) }
                x.antalAnsoegninger = a
            }
            return x
        }

        mutating func makeAnnullering(_ r: Registrering) -> Registrering {
            var x = r
            x.handling = .annuller
            x.registreret = laterStamp(after: r.registreret, jobcenter: r.jobcenter)
            x.annullerWithBody = rng.chance(0.2)
            return x
        }

        // MARK: - Rendering

        @inline(__always) mutating func sep() {
            if needComma { out.append(0x2C) } else { needComma = true }
        }

        /// Starts `"k":` and returns true when the value is to be written (edits may drop the key
        /// or write a raw value instead).
        @inline(__always)
        mutating func key(_ k: StaticString) -> Bool {
            if edit != nil { return editedKey(k.withUTF8Buffer { Array($0) }) }
            sep()
            out.append(0x22)
            k.withUTF8Buffer { out.append(contentsOf: $0) }
            out.append(0x22); out.append(0x3A)
            return true
        }

        mutating func key(_ k: [UInt8]) -> Bool {
            if edit != nil { return editedKey(k) }
            sep()
            out.append(0x22); out.append(contentsOf: k); out.append(0x22); out.append(0x3A)
            return true
        }

        mutating func editedKey(_ k: [UInt8]) -> Bool {
            let e = edit!
            if let o = e.omit, o == k { return false }
            sep()
            out.append(0x22); out.append(contentsOf: k); out.append(0x22); out.append(0x3A)
            if let rk = e.rawKey, rk == k { out.append(contentsOf: e.rawValue); return false }
            return true
        }

        @inline(__always) mutating func lit(_ s: StaticString) {
            s.withUTF8Buffer { out.append(contentsOf: $0) }
        }

        @inline(__always) mutating func str(_ b: [UInt8]) {
            out.append(0x22); out.append(contentsOf: b); out.append(0x22)
        }

        @inline(__always) mutating func bool(_ v: Bool) { if v { lit("true") } else { lit("false") } }

        mutating func int(_ n: Int) { Engine.appendInt(&out, n) }

        static func appendInt(_ b: inout [UInt8], _ n: Int) {
            if n < 0 { b.append(0x2D); appendInt(&b, -n); return }
            var div = 1
            while div <= n / 10 { div *= 10 }
            while div > 0 { b.append(UInt8(0x30 + (n / div) % 10)); div /= 10 }
        }

        static func appendPadded(_ b: inout [UInt8], _ n: Int, _ width: Int) {
            var w = 1, p = 10
            while p <= n && w < 19 { p &*= 10; w += 1 }
            for _ in w..<max(w, width) { b.append(0x30) }
            appendInt(&b, n)
        }

        @inline(__always) mutating func two(_ n: Int) {
            out.append(UInt8(0x30 + n / 10)); out.append(UInt8(0x30 + n % 10))
        }

        mutating func stamp(_ s: Stamp) {
            out.append(0x22)
            stampText(s)
            out.append(0x22)
        }

        mutating func stampText(_ s: Stamp) {
            let off = (s.style == .copenhagen || s.style == .date) ? t.copenhagenOffset(s.utc) : 0
            let local = s.utc + off
            let days = Clock.floorDiv(local, 86_400)
            let sec = local - days * 86_400
            let c = CivilDate(daysSinceEpoch: days)
            Engine.appendPadded(&out, c.year, 4)
            out.append(0x2D); two(c.month); out.append(0x2D); two(c.day)
            if s.style == .date { return }
            out.append(0x54)
            two(sec / 3_600); out.append(0x3A); two(sec / 60 % 60); out.append(0x3A); two(sec % 60)
            if s.fraction > 0 {
                out.append(0x2E)
                var div = 1
                for _ in 0..<(6 - Int(s.fraction)) { div *= 10 }
                Engine.appendPadded(&out, s.micros / div, Int(s.fraction))
            }
            switch s.style {
            case .utcZ: out.append(0x5A)
            case .plusZero: lit("+00:00")
            case .copenhagen: if off == 7_200 { lit("+02:00") } else { lit("+01:00") }
            case .date: break
            }
        }

        mutating func tekstValue(_ x: Tekst) {
            out.append(0x22)
            for b in t.templates[x.template] {
                switch b {
                case 1: int(x.n)
                case 2: out.append(contentsOf: t.stillinger[x.stilling])
                case 3: out.append(contentsOf: t.kurser[x.kursus])
                case 4: out.append(contentsOf: t.kommuneNavne[x.kommune])
                case 5: out.append(contentsOf: t.regionsNavne[x.kommune])
                case 6: out.append(contentsOf: t.fagomraader[x.fag])
                default: out.append(b)
                }
            }
            out.append(0x22)
        }

        mutating func indberetter(_ r: Registrering) {
            if key("indberetter") {
                if r.jobcenter { lit("{\"type\":\"jobcenter\",\"kode\":\"") } else { lit("{\"type\":\"akasse\",\"kode\":\"") }
                out.append(contentsOf: r.kode)
                lit("\"}")
            }
        }

        /// Renders a registration as one line (without LF) into `out`.
        mutating func render(_ r: Registrering) {
            out.removeAll(keepingCapacity: true)
            needComma = false
            out.append(0x7B)
            if r.indberetterFirst { indberetter(r) }
            if key("registrering") {
                switch r.kind {
                case .samtale: lit("\"samtale\"")
                case .minplan: lit("\"minplan\"")
                case .jobsoegningskrav: lit("\"jobsoegningskrav\"")
                }
            }
            if key("id") { str(r.id) }
            if r.handling != .opret || r.explicitOpret {
                if key("handling") {
                    switch r.handling {
                    case .opret: lit("\"opret\"")
                    case .ret: lit("\"ret\"")
                    case .annuller: lit("\"annuller\"")
                    }
                }
            }
            if key("registreret") { stamp(r.registreret) }
            if !r.indberetterFirst { indberetter(r) }
            if r.handling != .annuller || r.annullerWithBody {
                switch r.kind {
                case .samtale: samtaleBody(r)
                case .minplan: minplanBody(r)
                case .jobsoegningskrav: jobsoegningskravBody(r)
                }
                if r.kildesystem >= 0 && key("kildesystem") { str(t.kildesystemer[r.kildesystem]) }
            }
            out.append(0x7D)
        }

        mutating func samtaleBody(_ r: Registrering) {
            if key("cpr") { str(r.cpr) }
            if key("afholdt") { stamp(r.afholdt) }
            if key("samtaletype") { str(r.typeCode) }
            if key("samtaleform") { str(r.form) }
            if let kg = r.kontaktgruppe {
                if key("kontaktgruppe") { int(kg) }
            } else if r.nullsForAbsent {
                if key("kontaktgruppe") { lit("null") }
            }
            if let a = r.aftale, key("aftale") {
                out.append(0x7B)
                var first = true
                if a.forpligtende != 0 { lit("\"forpligtende\":"); bool(a.forpligtende == 2); first = false }
                if a.saerligIndsats != 0 {
                    if !first { out.append(0x2C) }
                    lit("\"saerligIndsats\":"); bool(a.saerligIndsats == 2); first = false
                }
                if let tx = a.tekst {
                    if !first { out.append(0x2C) }
                    lit("\"tekst\":"); tekstValue(tx)
                }
                out.append(0x7D)
            }
            if let v = r.akasseDeltagelse, key("akasseDeltagelse") { str(v) }
            if let v = r.visitationsgruppe {
                if key("visitationsgruppe") { str(v) }
            } else if r.nullsForAbsent {
                if key("visitationsgruppe") { lit("null") }
            }
            if let v = r.tidligOpfoelgning, key("tidligOpfoelgning") { bool(v) }
            if let v = r.cvFyldestgoerende, key("cvFyldestgoerende") { bool(v) }
            if let f = r.akasseFelt, key(f) { str(r.akasseFeltValue) }
            if !r.deltagere.isEmpty {
                if key("deltagere") {
                    out.append(0x5B)
                    for (i, d) in r.deltagere.enumerated() {
                        if i > 0 { out.append(0x2C) }
                        lit("{\"navn\":\"")
                        if d.first >= 0 {
                            out.append(contentsOf: t.firstNames[d.first]); out.append(0x20)
                            if d.middle >= 0 { out.append(contentsOf: t.middleNames[d.middle]); out.append(0x20) }
                            out.append(contentsOf: t.lastNames[d.last])
                        }
                        lit("\",\"rolle\":"); str(d.rolle)
                        lit(",\"deltagelsesform\":"); str(d.form)
                        out.append(0x7D)
                    }
                    out.append(0x5D)
                }
            } else if r.nullsForAbsent {
                if key("deltagere") { lit("[]") }
            }
        }

        mutating func minplanBody(_ r: Registrering) {
            if key("cpr") { str(r.cpr) }
            if key("jobmaal") {
                out.append(0x5B)
                for (i, s) in r.jobmaal.enumerated() {
                    if i > 0 { out.append(0x2C) }
                    str(t.stillinger[s])
                }
                out.append(0x5D)
            }
            if key("plan") { tekstValue(r.plan) }
            if key("begrundelse") { tekstValue(r.begrundelse) }
        }

        mutating func jobsoegningskravBody(_ r: Registrering) {
            if key("cpr") { str(r.cpr) }
            if key("fagomraader") {
                out.append(0x5B)
                for (i, f) in r.fagomraader.enumerated() {
                    if i > 0 { out.append(0x2C) }
                    str(f >= 0 ? t.stillinger[f] : t.fagomraader[-1 - f])
                }
                out.append(0x5D)
            }
            if key("geografi") { tekstValue(r.geografi) }
            if key("antalAnsoegninger") { int(r.antalAnsoegninger) }
            if r.omfang >= 0, key("omfang") { str(t.omfang[r.omfang]) }
            if r.formaal >= 0, key("formaal") { str(t.formaal[r.formaal]) }
            if r.stillingskilder >= 0, key("stillingskilder") { str(t.stillingskilder[r.stillingskilder]) }
        }
    }
}
