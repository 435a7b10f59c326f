import SamtalerFeed

/// Codes become dimension keys here, and only here: the surrogate keys of `Dimensions` for a
/// conversation's codes, an indberetter and a pseudonymized person's age band and gender.
extension Dimensions {
    /// The dimension keys of a conversation (nil: a code without a member, which the validator
    /// does not let through; NULL in the warehouse).
    struct SamtaleKeys {
        var samtaletype: Int?
        var samtaleform: Int?
        var kontaktgruppe: Int?
        var visitationsgruppe: Int?
        /// deltagerrolle_key and deltagelsesform_key of each participant, in the feed's order.
        var deltagerroller: [Int]
        var deltagelsesformer: [Int]
    }

    func keys(_ s: Samtale) -> SamtaleKeys {
        SamtaleKeys(samtaletype: samtaletype[s.samtaletype], samtaleform: samtaleform[s.samtaleform],
                    kontaktgruppe: s.kontaktgruppe.flatMap { kontaktgruppe[$0] },
                    visitationsgruppe: s.visitationsgruppe.flatMap { visitationsgruppe[$0] },
                    deltagerroller: s.deltagere.map { deltagerrolle[$0.rolle] ?? 0 },
                    deltagelsesformer: s.deltagere.map { deltagelsesform[$0.deltagelsesform] ?? 0 })
    }

    /// The age band and gender keys of a person (the unknown band and gender when a code has no member).
    func keys(_ p: Pseudonymization.Person) -> (aldersgruppe: Int, koen: Int) {
        (aldersgruppe[p.aldersgruppe] ?? aldersgruppe[reference.aldersgruppe(forAge: nil)] ?? 0,
         koen[p.koen] ?? koen["U"] ?? 0)
    }

    /// The indberetter's key; nil for an a-kasse the dimension does not know yet (the merge adds it).
    func key(_ i: Indberetter) -> Int? {
        switch i.type {
        case .jobcenter: return jobcenter[i.kode]
        case .akasse: return akasse[i.kode]
        }
    }
}
