// How the definitions' granularities, breakdowns and marks are grouped, labelled and sorted in
// SQL (fixed text: never user input). `f` is the fact, `i` its indberetter, `d` dim_dato.
extension Reports.Mark {
    /// The mark's digit in samtaler.fact_samtale.status_key (migration 0004): its place value and radix.
    var digit: (unit: Int, radix: Int) {
        switch self {
        case .tidligOpfoelgning: return (1, 3)
        case .cvFyldestgoerende: return (3, 3)
        case .videregivetTilAkasse: return (9, 2)
        case .forpligtendeAftale: return (18, 3)
        case .saerligIndsats: return (54, 3)
        case .akasseDeltagelse: return (162, 3)
        case .cvGodkendelse: return (486, 4)
        case .raadighedsvurdering: return (1944, 4)
        }
    }
}

extension Reports.Granularity {
    /// The period label column of dim_dato (alias d).
    var column: String {
        switch self {
        case .month: return "d.periode_maaned"
        case .quarter: return "d.periode_kvartal"
        case .year: return "d.periode_aar"
        }
    }

    /// The period as an integer computed from the fact's date key (YYYYMMDD): 202503, 20251
    /// (2025Q1) or 2025, labelled like dim_dato's period columns.
    var grouping: Grouping {
        switch self {
        case .month: return Grouping(key: "f.afholdt_dato_key / 100",
                                     label: "(KEY / 100)::text || '-' || lpad((KEY % 100)::text, 2, '0')", sort: "KEY")
        case .quarter: return Grouping(key: "f.afholdt_dato_key / 10000 * 10 + (f.afholdt_dato_key / 100 % 100 + 2) / 3",
                                       label: "(KEY / 10)::text || 'Q' || (KEY % 10)::text", sort: "KEY")
        case .year: return Grouping(key: "f.afholdt_dato_key / 10000", label: "KEY::text", sort: "KEY")
        }
    }
}

extension Reports.Breakdown {
    /// How the facts are grouped for this breakdown and how the groups are labelled and sorted.
    var grouping: Grouping {
        switch self {
        case .samtaletype:
            // Sorted by name, as a rank over the dozen names: integers compare without the collation.
            return Grouping(key: "f.samtaletype_key",
                            join: "(SELECT samtaletype_key, samtaletype, rank() OVER (ORDER BY samtaletype) AS orden FROM samtaler.dim_samtaletype) t ON t.samtaletype_key = KEY",
                            label: "t.samtaletype", sort: "t.orden")
        case .samtaleform:
            return Grouping(key: "f.samtaleform_key", join: "samtaler.dim_samtaleform s ON s.samtaleform_key = KEY",
                            label: "s.samtaleform", sort: "s.star_gruppe_orden * 100 + s.samtaleform_key")
        case .indberettertype:
            return Grouping(key: "i.indberettertype", usesIndberetter: true, keyIsText: true, label: "KEY", sort: "KEY")
        case .indberetter:
            return Grouping(key: "f.indberetter_key", join: "samtaler.dim_indberetter i ON i.indberetter_key = KEY",
                            label: "i.indberetterkode || ' ' || i.navn",
                            sort: "(CASE i.indberettertype WHEN 'jobcenter' THEN 0 ELSE 1 END) * 100000 + i.indberetterkode::int")
        case .region:
            return Grouping(key: "i.regionskode", usesIndberetter: true, keyIsText: true,
                            join: "(SELECT DISTINCT ON (regionskode) regionskode, regionsnavn FROM samtaler.dim_indberetter WHERE regionskode IS NOT NULL ORDER BY regionskode) r ON r.regionskode = KEY",
                            label: "coalesce(r.regionsnavn, 'A-kasse (ingen region)')", sort: "coalesce(KEY, '9999')")
        case .kontaktgruppe:
            return Grouping(key: "f.kontaktgruppe_key", join: "samtaler.dim_kontaktgruppe k ON k.kontaktgruppe_key = KEY",
                            label: "coalesce('Kontaktgruppe ' || k.kontaktgruppe, 'Ingen kontaktgruppe')", sort: "coalesce(k.kontaktgruppe, 99)")
        case .aldersgruppe:
            return Grouping(key: "f.aldersgruppe_key", join: "samtaler.dim_aldersgruppe a ON a.aldersgruppe_key = KEY",
                            label: "a.aldersgruppe", sort: "a.orden")
        case .koen:
            return Grouping(key: "f.koen_key", join: "samtaler.dim_koen g ON g.koen_key = KEY", label: "g.betegnelse", sort: "KEY")
        case .visitationsgruppe:
            return Grouping(key: "f.visitationsgruppe_key", join: "samtaler.dim_visitationsgruppe vg ON vg.visitationsgruppe_key = KEY",
                            label: "coalesce(vg.betegnelse, 'Ingen visitationsgruppe')", sort: "coalesce(KEY, 99)")
        case .mark(let m):
            // One digit of the status key, labelled by the status with only that digit set.
            let alias = "st_" + m.rawValue
            return Grouping(key: "f.status_key / \(m.digit.unit) % \(m.digit.radix)",
                            join: "samtaler.dim_samtalestatus \(alias) ON \(alias).status_key = KEY * \(m.digit.unit)",
                            label: "\(alias).\(m.rawValue)", sort: "\(alias).\(m.rawValue)_orden")
        }
    }
}
