// Word lists and weights for the synthetic feed generator.
//
// Code lists (samtaletyper, samtaleformer, kommuner, a-kasser, roles, kontaktgrupper, ...) are
// NOT here: they come from `ReferenceData`. This file holds only what the reference data does not
// describe: names, free-text fragments, and how common each code is (a weight keyed by code, with
// a default for codes this file does not know, so a new code from a law change still appears).

extension SyntheticFeed {
    enum Vocabulary {
        // MARK: Weights keyed by code (relative; unlisted codes get the default)

        /// Approximate inhabitants in hundreds (2024), keyed by kommunekode.
        static let kommuneWeights: [String: Int] = [
            "101": 6600, "147": 1040, "151": 520, "153": 390, "155": 150, "157": 750, "159": 700,
            "161": 240, "163": 300, "165": 280, "167": 540, "169": 580, "173": 570, "175": 410,
            "183": 240, "185": 440, "187": 170, "190": 410, "201": 260, "210": 410, "217": 630,
            "219": 530, "223": 250, "230": 570, "240": 440, "250": 460, "253": 510, "259": 620,
            "260": 320, "265": 900, "269": 240, "270": 410, "306": 330, "316": 730, "320": 380,
            "326": 490, "329": 360, "330": 800, "336": 230, "340": 300, "350": 290, "360": 400,
            "370": 840, "376": 600, "390": 450, "400": 390, "410": 400, "420": 410, "430": 520,
            "440": 240, "450": 320, "461": 2100, "479": 590, "480": 290, "482": 120, "492": 60,
            "510": 550, "530": 270, "540": 740, "550": 370, "561": 1160, "563": 35, "573": 500,
            "575": 430, "580": 590, "607": 520, "615": 970, "621": 950, "630": 1200, "657": 900,
            "661": 590, "665": 190, "671": 210, "706": 430, "707": 370, "710": 500, "727": 240,
            "730": 990, "740": 970, "741": 37, "746": 640, "751": 3650, "756": 420, "760": 560,
            "766": 470, "773": 200, "779": 460, "787": 430, "791": 980, "810": 360, "813": 580,
            "820": 370, "825": 18, "840": 300, "846": 420, "849": 380, "851": 2220, "860": 640,
        ]
        static let kommuneDefaultWeight = 400

        /// Rough relative size of the (illustrative) a-kasser, keyed by a-kassekode.
        static let akasseWeights: [String: Int] = [
            "10": 150, "11": 90, "14": 40, "15": 60, "17": 20, "19": 70, "21": 30, "22": 40, "24": 100,
            "26": 60, "28": 70, "31": 15, "33": 25, "35": 15, "37": 15, "40": 30, "44": 50, "52": 40,
            "58": 25, "77": 20,
        ]
        static let akasseDefaultWeight = 30
        /// Candidates for a valid a-kassekode that is not in the reference data (the first one
        /// missing from it is used), so the loader's inferred-member path is exercised.
        static let unknownAkasseCandidates = ["913", "914", "915", "916", "917", "918", "919", "9999"]

        /// Samtaletype weights per indberetter type (per mille-ish).
        static let jobcenterTypeWeights: [String: Int] = [
            "JOBSAMTALE": 430, "JOBSAMTALE_31_2": 90, "INTEGRATIONSSAMTALE": 60, "FLEKSJOBOPFOELGNING": 45,
            "OPFOELGNINGSSAMTALE": 120, "HENVISNING": 35, "ANDEN_SAMTALE": 110,
            "INFOMOEDE_MED_MOEDEPLIGT": 60, "INFOMOEDE_UDEN_MOEDEPLIGT": 40,
        ]
        static let akasseTypeWeights: [String: Int] = [
            "CV_SAMTALE": 300, "RAADIGHEDSSAMTALE": 150, "JOBSAMTALE_AKASSE": 400, "ANDEN_SAMTALE": 150,
        ]
        static let typeDefaultWeight = 30

        /// Samtaleform weights at the start and at the end of the date range (linear in between):
        /// video and digital conversations grow.
        static let formWeights: [String: (start: Int, end: Int)] = [
            "PERSONLIGT": (560, 410), "TELEFONISK": (250, 220), "VIDEO": (70, 160), "DIGITALT": (50, 130),
            "BREV": (25, 22), "MOEDE_PAA_ARBEJDE": (25, 33), "ANDET": (20, 25),
        ]
        static let formDefaultWeight = (start: 20, end: 20)

        static let deltagelsesformWeights: [String: Int] = [
            "PERSONLIGT": 45, "TELEFONISK": 25, "VIDEO": 15, "DIGITALT": 8, "BREV": 2, "MOEDE_PAA_ARBEJDE": 3, "ANDET": 2,
        ]
        static let rolleWeights: [String: Int] = [
            "AKASSEKONSULENT": 10, "TOLK": 22, "MENTOR": 15, "BISIDDER": 16, "STOETTE_KONTAKTPERSON": 15,
            "PARTSREPRAESENTANT": 5, "HANDICAPHJAELPER": 5, "ANDEN": 10,
        ]
        static let rolleDefaultWeight = 5

        /// Kontaktgruppe weights keyed by number: 1 (insured unemployed) and 2 common.
        static let kontaktgruppeWeights: [Int: Int] = [1: 340, 2: 190, 3: 120, 6: 30, 12: 35, 17: 25, 26: 15]
        static let kontaktgruppeDefaultWeight = 12

        static let visitationsgruppeWeights: [String: Int] = [
            "JOBPARAT": 40, "AKTIVITETSPARAT": 30, "UDDANNELSESPARAT": 10, "AABENLYST_UDDANNELSESPARAT": 6,
            "KATEGORI_1": 5, "KATEGORI_2": 5, "KATEGORI_3": 4,
        ]
        static let visitationsgruppeDefaultWeight = 5

        /// Values of the a-kasse fields named by `Samtaletype.akasseKraever` (the contract's lists).
        static let akasseFeltValues: [String: [(String, Int)]] = [
            "cvGodkendelse": [("GODKENDT", 70), ("KLAR_TIL_KVALITETSSIKRING", 20), ("IKKE_GODKENDT", 10)],
            "raadighedsvurdering": [("STAAR_TIL_RAADIGHED", 80), ("TVIVL_OM_RAADIGHED", 15), ("STAAR_IKKE_TIL_RAADIGHED", 5)],
        ]
        /// akasseDeltagelse values (the contract's list).
        static let akasseDeltagelse = (deltog: "DELTOG", deltogIkke: "DELTOG_IKKE")

        // MARK: Names (deltagere)

        static let firstNames = [
            "Mette", "Anne", "Kirsten", "Hanne", "Helle", "Susanne", "Lene", "Marianne", "Camilla", "Louise",
            "Maria", "Charlotte", "Pia", "Tina", "Sofie", "Ida", "Emma", "Freja", "Julie", "Karen", "Inge",
            "Bodil", "Signe", "Nanna", "Maja", "Laura", "Cecilie", "Birgitte", "Dorthe", "Trine", "Line",
            "Åse", "Fatima", "Amina", "Peter", "Jens", "Lars", "Michael", "Henrik", "Thomas", "Søren", "Jan",
            "Niels", "Morten", "Anders", "Rasmus", "Jesper", "Martin", "Christian", "Mads", "Frederik",
            "Mikkel", "Jonas", "Kasper", "Ole", "Hans", "Bjørn", "Jørgen", "Poul", "Torben", "Erik", "Mohammed",
            "Ali", "Ahmad", "Piotr", "Jakob", "Emil", "Oliver", "Magnus", "Kristian",
        ]
        static let middleNames = ["Marie", "Louise", "Holm", "Skov", "Juul", "Kjær", "Bach", "Lund", "Due", "Friis"]
        static let lastNames = [
            "Nielsen", "Jensen", "Hansen", "Pedersen", "Andersen", "Christensen", "Larsen", "Sørensen",
            "Rasmussen", "Jørgensen", "Petersen", "Madsen", "Kristensen", "Olsen", "Thomsen", "Christiansen",
            "Poulsen", "Johansen", "Møller", "Mortensen", "Knudsen", "Jakobsen", "Mikkelsen", "Olesen",
            "Frederiksen", "Laursen", "Henriksen", "Lund", "Schmidt", "Eriksen", "Holm", "Kristiansen",
            "Clausen", "Simonsen", "Svendsen", "Andreasen", "Iversen", "Østergaard", "Jeppesen",
            "Vestergaard", "Nissen", "Lauridsen", "Kjær", "Jespersen", "Mogensen", "Skov", "Dam", "Hassan",
            "Yilmaz", "Nowak", "Ahmed", "Bach", "Friis", "Ravn",
        ]

        // MARK: Free-text fragments

        static let stillinger = [
            "lagermedarbejder", "social- og sundhedshjælper", "chauffør", "kontorassistent", "pædagogmedhjælper",
            "butiksassistent", "tømrer", "elektriker", "rengøringsassistent", "kok", "tjener", "salgskonsulent",
            "regnskabsmedarbejder", "it-supporter", "softwareudvikler", "sygeplejerske", "lærer", "bogholder",
            "maskinarbejder", "smed", "murer", "malerarbejder", "gartner", "landbrugsmedhjælper",
            "kundeservicemedarbejder", "receptionist", "projektleder", "ingeniør", "jurist", "økonom",
            "grafisk designer", "frisør", "postbud", "buschauffør", "truckfører", "produktionsmedarbejder",
            "dagplejer", "køkkenmedhjælper", "servicemedarbejder", "vvs-montør",
        ]
        static let fagomraader = [
            "Transport og logistik", "Kontor og administration", "Handel og service", "Bygge og anlæg",
            "Sundhed og omsorg", "IT og telekommunikation", "Industri og produktion", "Hotel og restauration",
            "Undervisning og pædagogik", "Landbrug og gartneri", "Rengøring og ejendomsservice", "Salg og marketing",
        ]
        static let kurser = [
            "truckcertifikat", "dansk som andetsprog", "Excel", "hygiejne", "førstehjælp", "kundeservice",
            "IT for begyndere", "svejsning", "bogføring", "engelsk", "jobsøgning", "projektledelse",
        ]
        static let omfang = ["Fuldtid, 37 timer om ugen", "Deltid, mindst 25 timer om ugen", "Både fuldtid og deltid", "Fuldtid og vikariater"]
        static let formaal = ["At medlemmet hurtigst muligt kommer i ordinær beskæftigelse", "Ordinær beskæftigelse hurtigst muligt"]
        static let stillingskilder = [
            "Jobnet", "Jobnet og LinkedIn", "Jobnet, Jobindex og virksomhedernes egne hjemmesider",
            "Uopfordrede ansøgninger til virksomheder i lokalområdet", "Vikarbureauer og Jobnet",
        ]
        static let kildesystemer = ["Sagssystem A 4.2", "Sagssystem B 2024.3", "Sagssystem C 11.0"]

        // Templates: \u{1} a number, \u{2} a stilling, \u{3} a kursus, \u{4} a kommunenavn,
        // \u{5} a regionsnavn, \u{6} a fagområde.
        static let bindingJobcenter = [
            "Borgeren søger \u{1} job om ugen som \u{2}",
            "Borgeren søger job som \u{2} og opdaterer cv på Jobnet inden næste samtale",
            "Borgeren starter i virksomhedspraktik som \u{2} i \u{1} uger",
            "Borgeren deltager i kursus i \u{3}",
            "Borgeren kontakter \u{1} virksomheder om ugen om job som \u{2}",
            "Borgeren søger \u{1} job om ugen som \u{2} og deltager i kursus i \u{3}",
            "Løntilskud som \u{2} undersøges. Næste samtale om \u{1} uger",
            "Borgeren søger job inden for \u{6} og møder til samtale hos \u{1} virksomheder",
        ]
        static let practical = [
            "Borgeren medbringer lønsedler til næste samtale",
            "Næste samtale holdes som video om \u{1} uger",
            "Der bestilles tolk til næste samtale",
            "Borgeren sender lægeerklæring inden \u{1} dage",
            "Ingen yderligere aftaler",
            "Sagsbehandler undersøger muligheden for kursus i \u{3}",
        ]
        static let bindingAkasse = [
            "Medlemmet søger mindst \u{1} job om ugen som \u{2}",
            "Medlemmet opdaterer cv'et med erfaring som \u{2}",
            "Medlemmet er vejledt om rådighedsreglerne og søger \u{1} job om ugen",
            "Medlemmet tager kursus i \u{3} og søger job som \u{2}",
            "Medlemmet søger job inden for \u{6} i \u{4} og omegn",
        ]
        static let plan = [
            "Jobsøgning som \u{2} suppleret med kursus i \u{3}",
            "Aktiv jobsøgning som \u{2} med \u{1} ansøgninger om ugen",
            "Virksomhedspraktik som \u{2} i \u{1} uger efterfulgt af jobsøgning",
            "Opkvalificering med kursus i \u{3} og jobsøgning inden for \u{6}",
        ]
        static let begrundelse = [
            "Medlemmet har erfaring som \u{2}, og der er gode jobmuligheder inden for faget",
            "Kursus i \u{3} styrker medlemmets muligheder for job som \u{2}",
            "Der er mangel på arbejdskraft inden for \u{6} i \u{5}",
            "Medlemmet ønsker at skifte til job som \u{2}",
        ]
        static let geografi = [
            "\u{4} og omegn",
            "Inden for \u{1} timers transporttid fra bopælen",
            "\u{5}",
            "Hele landet",
        ]
    }
}
