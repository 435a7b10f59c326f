import PostgresClient
import SamtalerFeed

/// The warehouse's dimensions held in memory for one load: the reference data the validator
/// checks against (read back from the dimensions that `migrate` filled, so the database is the
/// one source of truth) and the surrogate key of every code.
public struct Dimensions: Sendable {
    public var reference: ReferenceData
    var samtaletype = CodeMap()
    var samtaleform = CodeMap()
    var deltagerrolle = CodeMap()
    var deltagelsesform = CodeMap()
    var kontaktgruppe: [Int: Int] = [:]
    var visitationsgruppe = CodeMap()
    var aldersgruppe = CodeMap()
    var koen = CodeMap()
    /// The indberettere's keys by kode, a jobcentre's and an a-kasse's apart (`key(_:)`).
    var jobcenter = CodeMap()
    var akasse = CodeMap()

    /// Reads every dimension.
    public static func read(_ conn: PGConnection) throws -> Dimensions {
        func table(_ sql: String, _ name: String) throws -> CSVTable {
            let r = try conn.execute(sql)
            return CSVTable(header: r.columnNames, rows: r.rows.map { $0.map { $0 ?? "" } }, path: "samtaler." + name)
        }
        let tables: [String: CSVTable] = [
            "kommuner": try table("""
                SELECT indberetterkode AS kommunekode, navn AS kommunenavn, coalesce(regionskode, '') AS regionskode,
                       coalesce(regionsnavn, '') AS regionsnavn, gyldig_fra::text, gyldig_til::text
                FROM samtaler.dim_indberetter WHERE indberettertype = 'jobcenter'
                """, "dim_indberetter"),
            "akasser": try table("""
                SELECT indberetterkode AS akassekode, navn, gyldig_fra::text, gyldig_til::text
                FROM samtaler.dim_indberetter WHERE indberettertype = 'akasse'
                """, "dim_indberetter"),
            "samtaletyper": try table("""
                SELECT samtaletype, betegnelse, fra_jobcenter::text, fra_akasse::text, kraever_aftale::text,
                       kraever_akassedeltagelse::text, coalesce(akasse_kraever, '') AS akasse_kraever, videregives_kg1::text,
                       gyldig_fra::text, gyldig_til::text FROM samtaler.dim_samtaletype
                """, "dim_samtaletype"),
            "samtaleformer": try table("SELECT samtaleform, betegnelse, star_gruppe, star_gruppe_orden::text FROM samtaler.dim_samtaleform", "dim_samtaleform"),
            "deltagerroller": try table("SELECT deltagerrolle, betegnelse, fra_jobcenter::text, fra_akasse::text FROM samtaler.dim_deltagerrolle", "dim_deltagerrolle"),
            "deltagelsesformer": try table("SELECT deltagelsesform, betegnelse FROM samtaler.dim_deltagelsesform", "dim_deltagelsesform"),
            "visitationsgrupper": try table("SELECT visitationsgruppe, betegnelse FROM samtaler.dim_visitationsgruppe", "dim_visitationsgruppe"),
            "kontaktgrupper": try table("""
                SELECT kontaktgruppe::text, betegnelse, visitation_tilladt::text, cv_regel::text, videregives_til_akasse::text,
                       gyldig_fra::text, gyldig_til::text FROM samtaler.dim_kontaktgruppe
                """, "dim_kontaktgruppe"),
            "aldersgrupper": try table("SELECT aldersgruppe, fra_alder::text, til_alder::text, orden::text FROM samtaler.dim_aldersgruppe", "dim_aldersgruppe"),
            "koen": try table("SELECT koen, betegnelse FROM samtaler.dim_koen", "dim_koen"),
        ]
        var d = Dimensions(reference: try ReferenceData(tables: tables))
        func keys(_ sql: String) throws -> CodeMap {
            let r = try conn.execute(sql)
            var m = CodeMap()
            for i in 0..<r.rowCount { if let k = r.value(i, 0), let v = r.int(i, 1) { m[k] = v } }
            return m
        }
        d.samtaletype = try keys("SELECT samtaletype, samtaletype_key FROM samtaler.dim_samtaletype")
        d.samtaleform = try keys("SELECT samtaleform, samtaleform_key FROM samtaler.dim_samtaleform")
        d.deltagerrolle = try keys("SELECT deltagerrolle, deltagerrolle_key FROM samtaler.dim_deltagerrolle")
        d.deltagelsesform = try keys("SELECT deltagelsesform, deltagelsesform_key FROM samtaler.dim_deltagelsesform")
        d.visitationsgruppe = try keys("SELECT visitationsgruppe, visitationsgruppe_key FROM samtaler.dim_visitationsgruppe")
        d.aldersgruppe = try keys("SELECT aldersgruppe, aldersgruppe_key FROM samtaler.dim_aldersgruppe")
        d.koen = try keys("SELECT koen, koen_key FROM samtaler.dim_koen")
        let indberettere = try conn.execute("SELECT indberettertype, indberetterkode, indberetter_key FROM samtaler.dim_indberetter")
        for i in 0..<indberettere.rowCount {
            if let type = indberettere.value(i, 0).flatMap(Indberettertype.init(rawValue:)), let kode = indberettere.value(i, 1),
               let key = indberettere.int(i, 2) {
                switch type {
                case .jobcenter: d.jobcenter[kode] = key
                case .akasse: d.akasse[kode] = key
                }
            }
        }
        let kontaktgrupper = try conn.execute("SELECT kontaktgruppe, kontaktgruppe_key FROM samtaler.dim_kontaktgruppe")
        for i in 0..<kontaktgrupper.rowCount {
            if let n = kontaktgrupper.int(i, 0), let v = kontaktgrupper.int(i, 1) { d.kontaktgruppe[n] = v }
        }
        guard !d.samtaletype.isEmpty, !d.jobcenter.isEmpty, d.koen["U"] != nil else {
            throw WarehouseError.configuration("the dimensions hold no reference data: run `samtaler migrate`")
        }
        return d
    }

    init(reference: ReferenceData) { self.reference = reference }
}
