-- The descriptions of schema samtaler: every table and column, in Danish (what it holds, its unit,
-- its grain, when it is NULL), so that psql's \d+, dbt docs and BI tools show them. This file is
-- their one home: a column added by a migration is described here, and a test
-- (SchemaDescriptionTests) fails while any table or column of samtaler or rapport has none.
-- Facts from docs/schema.md, docs/feed.md and the feed contract.

COMMENT ON SCHEMA samtaler IS
'Stjerneskemaet for statistikken over samtaler, som jobcentre (databekendtgørelsens § 27, BEK 442/2023) og a-kasser (§ 87, BEK 355/2021) registrerer: fakta- og dimensionstabeller, skrevet af samtaler load. Intet personnummer, intet navn og ingen fritekst fra feedet: personen er et nøglet pseudonym. Analytikere læser skema rapport, ikke dette.';

------------------------------------------------------------------ the migrator's own records
COMMENT ON TABLE samtaler.schema_migration IS
'De nummererede migrationer (sql/migrations/NNNN_navn.sql), som samtaler migrate har anvendt på lageret. Kornet: én række pr. migration; hver anvendes én gang.';
COMMENT ON COLUMN samtaler.schema_migration.version IS
'Migrationens nummer (NNNN i filnavnet). Lagerets skemaversion er det højeste nummer.';
COMMENT ON COLUMN samtaler.schema_migration.navn IS
'Filnavnet uden .sql, fx 0011_analysts_names_path_sandbox.';
COMMENT ON COLUMN samtaler.schema_migration.sha256 IS
'SHA-256 af migrationsfilens bytes (64 hextegn). samtaler migrate afviser (exit 78) et lager, hvor en anvendt migrations fil siden er ændret. Migrationer anvendt før 0010 blev registreret med en MD5, som migrate erstatter med filens SHA-256.';
COMMENT ON COLUMN samtaler.schema_migration.anvendt IS
'Hvornår migrationen blev anvendt.';

COMMENT ON TABLE samtaler.schema_definition IS
'Definitionsfilerne (sql/definitions/: hver funktion og hvert view i én fil med sin fulde tekst, og disse beskrivelser) som samtaler migrate senest anvendte dem. Kornet: én række pr. fil. Er en fil ny, ændret eller væk, anvendes hele sættet igen i filnavnsorden.';
COMMENT ON COLUMN samtaler.schema_definition.fil IS
'Filnavnet, fx 50_rapport.samtale.sql.';
COMMENT ON COLUMN samtaler.schema_definition.sha256 IS
'SHA-256 af filens bytes (64 hextegn), da sættet sidst blev anvendt.';
COMMENT ON COLUMN samtaler.schema_definition.anvendt IS
'Hvornår sættet sidst blev anvendt.';

COMMENT ON TABLE samtaler.indstilling IS
'Lagerets indstillinger. Kornet: én række pr. indstilling. I dag kun pseudonym_noegle_fingeraftryk: et HMAC af en fast tekst under pseudonymnøglen (aldrig nøglen selv), så en indlæsning med en anden nøgle afvises i stedet for at give alle nye pseudonymer.';
COMMENT ON COLUMN samtaler.indstilling.navn IS
'Indstillingens navn, fx pseudonym_noegle_fingeraftryk.';
COMMENT ON COLUMN samtaler.indstilling.vaerdi IS
'Indstillingens værdi som tekst.';

------------------------------------------------------------------ dimensions
COMMENT ON TABLE samtaler.dim_batch IS
'Indlæsningerne. Kornet: én række pr. kørsel af samtaler load, også kørsler der intet publicerede (status over_taerskel eller fejlet). Hver faktarække peger med batch_key på den kørsel, der skrev den. View: rapport.batch.';
COMMENT ON COLUMN samtaler.dim_batch.batch_key IS
'Kørslens nummer (fra sekvensen samtaler.batch_seq).';
COMMENT ON COLUMN samtaler.dim_batch.startet IS
'Hvornår kørslen begyndte (tidspunkt).';
COMMENT ON COLUMN samtaler.dim_batch.afsluttet IS
'Hvornår kørslen sluttede (tidspunkt); skrives sammen med rækken ved kørslens slutning.';
COMMENT ON COLUMN samtaler.dim_batch.status IS
'publiceret: alle accepterede linjer blev publiceret; over_taerskel: andelen af afviste linjer var over --max-reject-ratio, og intet blev publiceret; fejlet: kørslen fejlede, og intet blev publiceret.';
COMMENT ON COLUMN samtaler.dim_batch.filer IS
'Feedfilerne, som kørslen fik dem på kommandolinjen (stier), i den rækkefølge.';
COMMENT ON COLUMN samtaler.dim_batch.laest IS
'Antal læste linjer (blanke linjer tælles ikke): laest = accepteret + afvist.';
COMMENT ON COLUMN samtaler.dim_batch.accepteret IS
'Antal linjer, der overholdt feed-kontrakten.';
COMMENT ON COLUMN samtaler.dim_batch.afvist IS
'Antal afviste linjer; de står hele i afvisningsfilen uden for databasen, aldrig i databasen.';
COMMENT ON COLUMN samtaler.dim_batch.nye IS
'Antal registreringer set for første gang (ikke annulleringer), alle slags registreringer.';
COMMENT ON COLUMN samtaler.dim_batch.aendrede IS
'Antal registreringer, hvor en nyere opret eller ret afløste den aktuelle version.';
COMMENT ON COLUMN samtaler.dim_batch.annullerede IS
'Antal registreringer, hvis aktuelle version blev en annullering.';
COMMENT ON COLUMN samtaler.dim_batch.uaendrede IS
'Antal accepterede linjer, der intet ændrede: ældre versioner, gentagelser og versioner, som en nyere i samme kørsel afløste.';
COMMENT ON COLUMN samtaler.dim_batch.afvist_pr_regel IS
'Afviste linjer pr. regel som JSON-objekt {"felt: regel": antal}, fx {"cpr: date": 3}; array-indeks er foldet (deltagere[].navn: empty). En linje med flere grunde tæller under hver.';
COMMENT ON COLUMN samtaler.dim_batch.sekunder IS
'Kørslens varighed i sekunder (3 decimaler).';
COMMENT ON COLUMN samtaler.dim_batch.linjer_pr_sekund IS
'Læste linjer pr. sekund: laest / sekunder.';
COMMENT ON COLUMN samtaler.dim_batch.samtaler_version IS
'Versionen af programmet samtaler, der kørte indlæsningen.';

COMMENT ON TABLE samtaler.dim_samtaletype IS
'Samtaletyperne (§ 27 nr. 3; § 87 stk. 1 nr. 4). Kornet: én række pr. kode, med hvem der må registrere den, og hvilke felter den kræver. Fra sql/reference/samtaletyper.csv; nøglerne er stabile, når samtaler migrate indlæser filen igen.';
COMMENT ON COLUMN samtaler.dim_samtaletype.samtaletype_key IS
'Surrogatnøgle; fakta peger hertil med samtaletype_key.';
COMMENT ON COLUMN samtaler.dim_samtaletype.samtaletype IS
'Koden som i feedet, fx JOBSAMTALE, CV_SAMTALE.';
COMMENT ON COLUMN samtaler.dim_samtaletype.betegnelse IS
'Den danske betegnelse, fx Jobsamtale.';
COMMENT ON COLUMN samtaler.dim_samtaletype.fra_jobcenter IS
'Om et jobcenter må registrere typen.';
COMMENT ON COLUMN samtaler.dim_samtaletype.fra_akasse IS
'Om en a-kasse må registrere typen.';
COMMENT ON COLUMN samtaler.dim_samtaletype.kraever_aftale IS
'Om typen kræver en aftale (feedets aftale med forpligtende). For de andre typer må en aftale ikke være forpligtende (§ 27 nr. 8).';
COMMENT ON COLUMN samtaler.dim_samtaletype.kraever_akassedeltagelse IS
'Om typen kræver akasseDeltagelse: kun jobsamtaler efter LAB § 31, stk. 2 (§ 27 nr. 7).';
COMMENT ON COLUMN samtaler.dim_samtaletype.akasse_kraever IS
'Feltet en a-kasse skal angive for typen: cvGodkendelse (CV_SAMTALE) eller raadighedsvurdering (RAADIGHEDSSAMTALE). NULL for de andre typer.';
COMMENT ON COLUMN samtaler.dim_samtaletype.videregives_kg1 IS
'Om jobcenterets samtale af denne type videregives til personens a-kasse, når personen er i kontaktgruppe 1 (§ 27 stk. 5).';
COMMENT ON COLUMN samtaler.dim_samtaletype.gyldig_fra IS
'Første dag koden gælder (inklusive); NULL: ingen begyndelse.';
COMMENT ON COLUMN samtaler.dim_samtaletype.gyldig_til IS
'Sidste dag koden gælder (inklusive); NULL: gælder stadig.';

COMMENT ON TABLE samtaler.dim_samtaleform IS
'Samtaleformerne (§ 27 nr. 4; § 87 stk. 1 nr. 5) med STARs gruppering. Kornet: én række pr. kode. Fra sql/reference/samtaleformer.csv.';
COMMENT ON COLUMN samtaler.dim_samtaleform.samtaleform_key IS
'Surrogatnøgle; fakta peger hertil med samtaleform_key.';
COMMENT ON COLUMN samtaler.dim_samtaleform.samtaleform IS
'Koden som i feedet, fx PERSONLIGT, VIDEO, MOEDE_PAA_ARBEJDE.';
COMMENT ON COLUMN samtaler.dim_samtaleform.betegnelse IS
'Den danske betegnelse, fx Personligt fremmøde.';
COMMENT ON COLUMN samtaler.dim_samtaleform.star_gruppe IS
'Gruppen STAR offentliggør efter: Fysisk fremmøde, Telefonisk, Video, Digitalt eller Andet.';
COMMENT ON COLUMN samtaler.dim_samtaleform.star_gruppe_orden IS
'Sorteringsorden for star_gruppe: 1 Fysisk fremmøde … 5 Andet.';

COMMENT ON TABLE samtaler.dim_deltagerrolle IS
'Rollerne for andre deltagere i en samtale (§ 27 nr. 10; § 87 stk. 1 nr. 9). Kornet: én række pr. kode. Fra sql/reference/deltagerroller.csv.';
COMMENT ON COLUMN samtaler.dim_deltagerrolle.deltagerrolle_key IS
'Surrogatnøgle; fact_samtale_deltager peger hertil.';
COMMENT ON COLUMN samtaler.dim_deltagerrolle.deltagerrolle IS
'Koden som i feedet, fx TOLK, MENTOR, AKASSEKONSULENT.';
COMMENT ON COLUMN samtaler.dim_deltagerrolle.betegnelse IS
'Den danske betegnelse, fx Tolk.';
COMMENT ON COLUMN samtaler.dim_deltagerrolle.fra_jobcenter IS
'Om et jobcenter må angive rollen.';
COMMENT ON COLUMN samtaler.dim_deltagerrolle.fra_akasse IS
'Om en a-kasse må angive rollen (AKASSEKONSULENT kun fra jobcentre).';

COMMENT ON TABLE samtaler.dim_deltagelsesform IS
'Formerne en anden deltager deltog i samtalen på. Kornet: én række pr. kode. Fra sql/reference/deltagelsesformer.csv.';
COMMENT ON COLUMN samtaler.dim_deltagelsesform.deltagelsesform_key IS
'Surrogatnøgle; fact_samtale_deltager peger hertil.';
COMMENT ON COLUMN samtaler.dim_deltagelsesform.deltagelsesform IS
'Koden som i feedet, fx PERSONLIGT, TELEFONISK.';
COMMENT ON COLUMN samtaler.dim_deltagelsesform.betegnelse IS
'Den danske betegnelse, fx Telefonisk.';

COMMENT ON TABLE samtaler.dim_kontaktgruppe IS
'Kontaktgrupperne (1–8 og 10–29) med de regler, der afhænger af dem. Kornet: én række pr. kontaktgruppe. Fra sql/reference/kontaktgrupper.csv.';
COMMENT ON COLUMN samtaler.dim_kontaktgruppe.kontaktgruppe_key IS
'Surrogatnøgle; fakta peger hertil med kontaktgruppe_key.';
COMMENT ON COLUMN samtaler.dim_kontaktgruppe.kontaktgruppe IS
'Kontaktgruppens nummer som i feedet (1–8, 10–29).';
COMMENT ON COLUMN samtaler.dim_kontaktgruppe.betegnelse IS
'Betegnelsen, fx Kontaktgruppe 2.';
COMMENT ON COLUMN samtaler.dim_kontaktgruppe.visitation_tilladt IS
'Om en visitationsgruppe må registreres for personer i gruppen (2, 3, 12, 17 og 26–29; § 27 nr. 9).';
COMMENT ON COLUMN samtaler.dim_kontaktgruppe.cv_regel IS
'Om cvFyldestgoerende må registreres (kontaktgruppe 1; § 27 stk. 4).';
COMMENT ON COLUMN samtaler.dim_kontaktgruppe.videregives_til_akasse IS
'Om jobcenterets samtaler af visse typer videregives til personens a-kasse (kontaktgruppe 1; § 27 stk. 5).';
COMMENT ON COLUMN samtaler.dim_kontaktgruppe.gyldig_fra IS
'Første dag koden gælder (inklusive); NULL: ingen begyndelse.';
COMMENT ON COLUMN samtaler.dim_kontaktgruppe.gyldig_til IS
'Sidste dag koden gælder (inklusive); NULL: gælder stadig.';

COMMENT ON TABLE samtaler.dim_visitationsgruppe IS
'Visitationsgrupperne (§ 27 nr. 9). Kornet: én række pr. kode. Fra sql/reference/visitationsgrupper.csv.';
COMMENT ON COLUMN samtaler.dim_visitationsgruppe.visitationsgruppe_key IS
'Surrogatnøgle; fact_samtale og fact_visitation peger hertil.';
COMMENT ON COLUMN samtaler.dim_visitationsgruppe.visitationsgruppe IS
'Koden som i feedet, fx JOBPARAT, AKTIVITETSPARAT, KATEGORI_1.';
COMMENT ON COLUMN samtaler.dim_visitationsgruppe.betegnelse IS
'Den danske betegnelse, fx Jobparat.';

COMMENT ON TABLE samtaler.dim_aldersgruppe IS
'Aldersgrupperne. Kornet: én række pr. gruppe, heraf Ukendt for den ukendte person (personnummer 0000000000) og for en person, der ikke var født på dagen. Fra sql/reference/aldersgrupper.csv.';
COMMENT ON COLUMN samtaler.dim_aldersgruppe.aldersgruppe_key IS
'Surrogatnøgle; fakta peger hertil med aldersgruppe_key.';
COMMENT ON COLUMN samtaler.dim_aldersgruppe.aldersgruppe IS
'Gruppens navn, fx Under 16, 25-29, 65 og derover, Ukendt.';
COMMENT ON COLUMN samtaler.dim_aldersgruppe.fra_alder IS
'Laveste alder i gruppen, i hele år (inklusive); NULL for Ukendt.';
COMMENT ON COLUMN samtaler.dim_aldersgruppe.til_alder IS
'Højeste alder i gruppen, i hele år (inklusive); NULL for Ukendt.';
COMMENT ON COLUMN samtaler.dim_aldersgruppe.orden IS
'Sorteringsorden: Under 16 først, Ukendt sidst.';

COMMENT ON TABLE samtaler.dim_koen IS
'Køn. Kornet: én række pr. kode: M (mand: ulige sidste ciffer i personnummeret), K (kvinde: lige), U (ukendt: den ukendte person). Fra sql/reference/koen.csv.';
COMMENT ON COLUMN samtaler.dim_koen.koen_key IS
'Surrogatnøgle; fakta peger hertil med koen_key.';
COMMENT ON COLUMN samtaler.dim_koen.koen IS
'Koden: M, K eller U.';
COMMENT ON COLUMN samtaler.dim_koen.betegnelse IS
'Mand, Kvinde eller Ukendt.';

COMMENT ON TABLE samtaler.dim_indberetter IS
'Indberetterne: jobcenteret i hver kommune (med region) og a-kasserne. Kornet: én række pr. (indberettertype, indberetterkode); kommunekoder og a-kassekoder er to kodelister, der kan have samme kode. Fra sql/reference/kommuner.csv og akasser.csv (a-kassernes navne er illustrative, til STARs register erstatter filen), og fra feedet: en a-kassekode, der ikke står i akasser.csv, bliver et udledt medlem.';
COMMENT ON COLUMN samtaler.dim_indberetter.indberetter_key IS
'Surrogatnøgle; fakta peger hertil med indberetter_key.';
COMMENT ON COLUMN samtaler.dim_indberetter.indberettertype IS
'jobcenter eller akasse.';
COMMENT ON COLUMN samtaler.dim_indberetter.indberetterkode IS
'Kommunekoden (tre cifre, fx 101) for et jobcenter; a-kassekoden (1–4 cifre) for en a-kasse. Tekst.';
COMMENT ON COLUMN samtaler.dim_indberetter.navn IS
'Kommunens navn for et jobcenter (fx København); a-kassens navn. En udledt a-kasse hedder Ukendt a-kasse NNN, til referencedata navngiver den.';
COMMENT ON COLUMN samtaler.dim_indberetter.regionskode IS
'Regionens kode (1081–1085) for et jobcenter; NULL for en a-kasse, som ikke har en region.';
COMMENT ON COLUMN samtaler.dim_indberetter.regionsnavn IS
'Regionens navn for et jobcenter, fx Region Hovedstaden; NULL for en a-kasse (rapport-views skriver A-kasse (ingen region)).';
COMMENT ON COLUMN samtaler.dim_indberetter.udledt IS
'true: en a-kasse, hvis kode kom fra feedet uden at stå i akasser.csv, og som venter på et navn (samtaler report coverage viser dem); false når referencedata kender indberetteren.';
COMMENT ON COLUMN samtaler.dim_indberetter.udledt_batch_key IS
'Kørslen (dim_batch), der udledte a-kassen fra feedet; NULL for en indberetter, der kom fra referencedata.';
COMMENT ON COLUMN samtaler.dim_indberetter.gyldig_fra IS
'Første dag indberetteren gælder (inklusive); NULL: ingen begyndelse.';
COMMENT ON COLUMN samtaler.dim_indberetter.gyldig_til IS
'Sidste dag indberetteren gælder (inklusive); NULL: gælder stadig.';

COMMENT ON TABLE samtaler.dim_dato IS
'Kalenderen. Kornet: én række pr. dag fra 1900-01-01 til 2099-12-31. Nøglen er datoen som heltal ÅÅÅÅMMDD (fx 20250304). Lavet af migration 0001.';
COMMENT ON COLUMN samtaler.dim_dato.dato_key IS
'Datoen som heltal ÅÅÅÅMMDD, fx 20250304; faktatabellernes *_dato_key peger hertil.';
COMMENT ON COLUMN samtaler.dim_dato.dato IS
'Datoen.';
COMMENT ON COLUMN samtaler.dim_dato.aar IS
'Kalenderåret, fx 2025.';
COMMENT ON COLUMN samtaler.dim_dato.kvartal IS
'Kvartalet, 1–4.';
COMMENT ON COLUMN samtaler.dim_dato.maaned IS
'Måneden, 1–12.';
COMMENT ON COLUMN samtaler.dim_dato.iso_aar IS
'ISO 8601-året, som dagens uge hører til; kan afvige fra aar omkring nytår.';
COMMENT ON COLUMN samtaler.dim_dato.iso_uge IS
'ISO 8601-ugenummeret, 1–53.';
COMMENT ON COLUMN samtaler.dim_dato.ugedag IS
'Ugedagen efter ISO 8601: 1 mandag … 7 søndag.';
COMMENT ON COLUMN samtaler.dim_dato.periode_maaned IS
'Måneden som tekst ÅÅÅÅ-MM, fx 2025-03.';
COMMENT ON COLUMN samtaler.dim_dato.periode_kvartal IS
'Kvartalet som tekst ÅÅÅÅQn, fx 2025Q1.';
COMMENT ON COLUMN samtaler.dim_dato.periode_aar IS
'Året som tekst ÅÅÅÅ, fx 2025.';

COMMENT ON TABLE samtaler.dim_samtalestatus IS
'En samtales otte markeringer og statusser som én dimension (junk-dimension). Kornet: én række pr. kombination, 3·3·2·3·3·3·4·4 = 7.776. Hver markering har en læsbar værdi og en orden: 1, 2, 3 for de værdier feedet kan give, 9 for ikke angivet eller ikke relevant. Lavet af migration 0004.';
COMMENT ON COLUMN samtaler.dim_samtalestatus.status_key IS
'Kombinationens nummer, 0–7775: hvert ciffer i et blandet talsystem er én markering. fact_samtale.status_key peger hertil.';
COMMENT ON COLUMN samtaler.dim_samtalestatus.tidlig_opfoelgning IS
'Persongruppemarkeringen Tidlig opfølgning - fast track (§ 27 stk. 3): Markeret, Angivet: ikke markeret eller Ikke angivet.';
COMMENT ON COLUMN samtaler.dim_samtalestatus.tidlig_opfoelgning_orden IS
'Sorteringsorden for tidlig_opfoelgning: 1 Markeret, 2 Angivet: ikke markeret, 9 Ikke angivet.';
COMMENT ON COLUMN samtaler.dim_samtalestatus.cv_fyldestgoerende IS
'Cv''ens tilstrækkelighed for kontaktgruppe 1 (§ 27 stk. 4): Fyldestgørende, Ikke længere fyldestgørende eller Ikke oplyst.';
COMMENT ON COLUMN samtaler.dim_samtalestatus.cv_fyldestgoerende_orden IS
'Sorteringsorden for cv_fyldestgoerende: 1 Fyldestgørende, 2 Ikke længere fyldestgørende, 9 Ikke oplyst.';
COMMENT ON COLUMN samtaler.dim_samtalestatus.videregivet_til_akasse IS
'Videregivet til a-kasse (kontaktgruppe 1, § 27 stk. 5) eller Ikke videregivet.';
COMMENT ON COLUMN samtaler.dim_samtalestatus.videregivet_til_akasse_orden IS
'Sorteringsorden for videregivet_til_akasse: 1 Videregivet til a-kasse, 9 Ikke videregivet.';
COMMENT ON COLUMN samtaler.dim_samtalestatus.forpligtende_aftale IS
'Aftalen: Forpligtende, Ikke forpligtende eller Ingen aftale.';
COMMENT ON COLUMN samtaler.dim_samtalestatus.forpligtende_aftale_orden IS
'Sorteringsorden for forpligtende_aftale: 1 Forpligtende, 2 Ikke forpligtende, 9 Ingen aftale.';
COMMENT ON COLUMN samtaler.dim_samtalestatus.saerlig_indsats IS
'Aftalens særlige indsats: Særlig indsats, Ikke særlig indsats eller Ikke oplyst (også når der ingen aftale er).';
COMMENT ON COLUMN samtaler.dim_samtalestatus.saerlig_indsats_orden IS
'Sorteringsorden for saerlig_indsats: 1 Særlig indsats, 2 Ikke særlig indsats, 9 Ikke oplyst.';
COMMENT ON COLUMN samtaler.dim_samtalestatus.akasse_deltagelse IS
'A-kassens deltagelse i en jobsamtale efter LAB § 31, stk. 2 (§ 27 nr. 7): A-kassen deltog, A-kassen deltog ikke eller Ikke relevant (andre samtaletyper).';
COMMENT ON COLUMN samtaler.dim_samtalestatus.akasse_deltagelse_orden IS
'Sorteringsorden for akasse_deltagelse: 1 A-kassen deltog, 2 A-kassen deltog ikke, 9 Ikke relevant.';
COMMENT ON COLUMN samtaler.dim_samtalestatus.cv_godkendelse IS
'A-kassens godkendelse af cv''et ved en cv-samtale (§ 87 stk. 1 nr. 6): Klar til kvalitetssikring, Godkendt, Ikke godkendt eller Ikke relevant (andre samtaler).';
COMMENT ON COLUMN samtaler.dim_samtalestatus.cv_godkendelse_orden IS
'Sorteringsorden for cv_godkendelse: 1 Klar til kvalitetssikring, 2 Godkendt, 3 Ikke godkendt, 9 Ikke relevant.';
COMMENT ON COLUMN samtaler.dim_samtalestatus.raadighedsvurdering IS
'A-kassens vurdering ved en rådighedssamtale (§ 87 stk. 1 nr. 8): Står til rådighed, Tvivl om rådighed, Står ikke til rådighed eller Ikke relevant (andre samtaler).';
COMMENT ON COLUMN samtaler.dim_samtalestatus.raadighedsvurdering_orden IS
'Sorteringsorden for raadighedsvurdering: 1 Står til rådighed, 2 Tvivl om rådighed, 3 Står ikke til rådighed, 9 Ikke relevant.';

------------------------------------------------------------------ facts
COMMENT ON TABLE samtaler.fact_samtale IS
'Afholdte samtaler (§ 27; § 87 stk. 1). Kornet: den aktuelle version af én registrering; den naturlige nøgle (registrering, indberetter, feedets id) gemmes kun som nøglet hash. Af alle versioner er den med seneste registreret aktuel. En annulleret registrering står tilbage som gravsten (annulleret = true, samtalens egne kolonner NULL), så en ældre version, der kommer senere, ikke genopliver den; rapport-views udelader gravsten. Ingen fremmednøgler: indlæsningen slår hver nøgle op i dimensionerne.';
COMMENT ON COLUMN samtaler.fact_samtale.samtale_key IS
'Surrogatnøgle for registreringen; den bevares, når en nyere version afløser den aktuelle. Hedder samtale_id i rapport-views.';
COMMENT ON COLUMN samtaler.fact_samtale.registrering_noegle IS
'Den naturlige nøgle (registrering, indberettertype, indberetterkode, id) som nøglet HMAC-SHA256 under pseudonymnøglen, afkortet til 128 bit (uuid). Feedets id gemmes ikke.';
COMMENT ON COLUMN samtaler.fact_samtale.indberetter_key IS
'Jobcenteret eller a-kassen, der registrerede samtalen (dim_indberetter).';
COMMENT ON COLUMN samtaler.fact_samtale.registreret IS
'Hvornår sagssystemet registrerede den aktuelle version (feedets registreret; tidspunkt).';
COMMENT ON COLUMN samtaler.fact_samtale.annulleret IS
'true: den aktuelle version er en annullering, en gravsten. Samtalen tæller ingen steder, og samtalens egne kolonner (person, dato, type, markeringer …) er NULL.';
COMMENT ON COLUMN samtaler.fact_samtale.person_pseudonym IS
'Personen som nøglet HMAC-SHA256 af personnummerets ti cifre under den hemmelige pseudonymnøgle (som ikke er i databasen), afkortet til 128 bit (uuid): samme person, samme pseudonym. NULL for den ukendte person (0000000000) og for gravsten.';
COMMENT ON COLUMN samtaler.fact_samtale.afholdt_dato_key IS
'Dagen samtalen blev holdt, i dansk tid (Europe/Copenhagen), som ÅÅÅÅMMDD (dim_dato). NULL for gravsten.';
COMMENT ON COLUMN samtaler.fact_samtale.afholdt_tid IS
'Tidspunktet samtalen blev holdt, når feedet gav et tidspunkt (altid for a-kasser). NULL når jobcenteret kun gav en dato, og for gravsten.';
COMMENT ON COLUMN samtaler.fact_samtale.samtaletype_key IS
'Samtaletypen (dim_samtaletype). NULL for gravsten.';
COMMENT ON COLUMN samtaler.fact_samtale.samtaleform_key IS
'Samtaleformen (dim_samtaleform). NULL for gravsten.';
COMMENT ON COLUMN samtaler.fact_samtale.kontaktgruppe_key IS
'Personens kontaktgruppe (dim_kontaktgruppe). NULL når samtalen ikke har en (jobcentre skal angive den, a-kasser kan), og for gravsten.';
COMMENT ON COLUMN samtaler.fact_samtale.visitationsgruppe_key IS
'Visitationsgruppen registreringen satte (§ 27 nr. 9; dim_visitationsgruppe). NULL når ingen blev registreret, og for gravsten.';
COMMENT ON COLUMN samtaler.fact_samtale.aldersgruppe_key IS
'Personens aldersgruppe på samtalens dag (dim_aldersgruppe); Ukendt for den ukendte person. NULL for gravsten.';
COMMENT ON COLUMN samtaler.fact_samtale.koen_key IS
'Personens køn (dim_koen); U for den ukendte person. NULL for gravsten.';
COMMENT ON COLUMN samtaler.fact_samtale.aftale_forpligtende IS
'Feedets aftale.forpligtende: om samtalen endte med en forpligtende aftale (§ 27 nr. 5 og 8). NULL når samtalen ikke har en aftale.';
COMMENT ON COLUMN samtaler.fact_samtale.aftale_saerlig_indsats IS
'Feedets aftale.saerligIndsats. NULL når det ikke er angivet, eller samtalen ikke har en aftale.';
COMMENT ON COLUMN samtaler.fact_samtale.aftale_med_tekst IS
'Om aftalen havde en tekst; teksten gemmes aldrig. NULL når samtalen ikke har en aftale.';
COMMENT ON COLUMN samtaler.fact_samtale.akasse_deltog IS
'Feedets akasseDeltagelse ved en jobsamtale efter LAB § 31, stk. 2 (§ 27 nr. 7): true DELTOG, false DELTOG_IKKE. NULL for de andre samtaletyper.';
COMMENT ON COLUMN samtaler.fact_samtale.tidlig_opfoelgning IS
'Persongruppemarkeringen Tidlig opfølgning - fast track (§ 27 stk. 3): true markeret, false angivet som ikke markeret. NULL: ikke angivet.';
COMMENT ON COLUMN samtaler.fact_samtale.cv_fyldestgoerende IS
'Feedets cvFyldestgoerende for kontaktgruppe 1 (§ 27 stk. 4): true fyldestgørende, false ikke længere fyldestgørende. NULL: ikke oplyst.';
COMMENT ON COLUMN samtaler.fact_samtale.cv_godkendelse IS
'A-kassens cvGodkendelse ved en cv-samtale (§ 87 stk. 1 nr. 6): KLAR_TIL_KVALITETSSIKRING, GODKENDT eller IKKE_GODKENDT. NULL for andre samtaler.';
COMMENT ON COLUMN samtaler.fact_samtale.raadighedsvurdering IS
'A-kassens vurdering ved en rådighedssamtale (§ 87 stk. 1 nr. 8): STAAR_TIL_RAADIGHED, TVIVL_OM_RAADIGHED eller STAAR_IKKE_TIL_RAADIGHED. NULL for andre samtaler.';
COMMENT ON COLUMN samtaler.fact_samtale.videregivet_til_akasse IS
'true når jobcenteret videregiver samtalen til personens a-kasse (§ 27 stk. 5): kontaktgruppe 1 og en samtaletype, der videregives (dim_samtaletype.videregives_kg1); ellers false. NULL for gravsten.';
COMMENT ON COLUMN samtaler.fact_samtale.antal_deltagere IS
'Antal andre deltagere i samtalen (feedets deltagere, 0–20); 0 for gravsten.';
COMMENT ON COLUMN samtaler.fact_samtale.batch_key IS
'Kørslen (dim_batch), der gjorde den aktuelle version aktuel: en nyere version, en annullering, eller en ældre version der kom sent og flyttede foerste_registreret.';
COMMENT ON COLUMN samtaler.fact_samtale.foerste_registreret IS
'Det tidligste registreret blandt registreringens versioner, der ikke var annulleringer: hvornår den først blev registreret. En visitationsgruppe gælder fra denne dag (dansk tid), også efter en rettelse. NULL så længe kun annulleringer kendes.';
COMMENT ON COLUMN samtaler.fact_samtale.status_key IS
'Samtalens otte markeringer og statusser som én nøgle (dim_samtalestatus). Genereret af faktaens egne kolonner, så de to aldrig er uenige.';

COMMENT ON TABLE samtaler.fact_samtale_deltager IS
'Andre deltagere i samtalerne (§ 27 nr. 10; § 87 stk. 1 nr. 9). Kornet: én deltager i én aktuel, ikke annulleret samtale. Kun rolle og deltagelsesform; navnet gemmes aldrig.';
COMMENT ON COLUMN samtaler.fact_samtale_deltager.samtale_key IS
'Samtalen (fact_samtale.samtale_key).';
COMMENT ON COLUMN samtaler.fact_samtale_deltager.deltager_nr IS
'Deltagerens nummer i samtalen: 1, 2, … i feedets rækkefølge.';
COMMENT ON COLUMN samtaler.fact_samtale_deltager.deltagerrolle_key IS
'Deltagerens rolle (dim_deltagerrolle).';
COMMENT ON COLUMN samtaler.fact_samtale_deltager.deltagelsesform_key IS
'Formen deltageren deltog på (dim_deltagelsesform).';
COMMENT ON COLUMN samtaler.fact_samtale_deltager.batch_key IS
'Kørslen (dim_batch), der gjorde samtalens aktuelle version aktuel (som fact_samtale.batch_key).';

COMMENT ON TABLE samtaler.fact_minplan IS
'A-kassernes udkast til »Min Plan« (§ 87 stk. 2). Kornet: den aktuelle version af én registrering; annulleret markerer en gravsten. Kun antallet af jobmål; planens og begrundelsens tekst gemmes aldrig.';
COMMENT ON COLUMN samtaler.fact_minplan.minplan_key IS
'Surrogatnøgle for registreringen; den bevares, når en nyere version afløser den aktuelle.';
COMMENT ON COLUMN samtaler.fact_minplan.registrering_noegle IS
'Den naturlige nøgle (registrering, indberettertype, indberetterkode, id) som nøglet HMAC-SHA256 under pseudonymnøglen, afkortet til 128 bit (uuid). Feedets id gemmes ikke.';
COMMENT ON COLUMN samtaler.fact_minplan.indberetter_key IS
'A-kassen, der registrerede udkastet (dim_indberetter).';
COMMENT ON COLUMN samtaler.fact_minplan.registreret IS
'Hvornår sagssystemet registrerede den aktuelle version (tidspunkt).';
COMMENT ON COLUMN samtaler.fact_minplan.annulleret IS
'true: den aktuelle version er en annullering, en gravsten; den tæller ingen steder, og registreringens egne kolonner er NULL.';
COMMENT ON COLUMN samtaler.fact_minplan.person_pseudonym IS
'Personen som nøglet HMAC-SHA256 af personnummerets ti cifre under pseudonymnøglen (128 bit, uuid), som i fact_samtale. NULL for den ukendte person og for gravsten.';
COMMENT ON COLUMN samtaler.fact_minplan.registreret_dato_key IS
'Registreringsdagen i dansk tid som ÅÅÅÅMMDD (dim_dato). NULL for gravsten.';
COMMENT ON COLUMN samtaler.fact_minplan.aldersgruppe_key IS
'Personens aldersgruppe på registreringsdagen (dim_aldersgruppe). NULL for gravsten.';
COMMENT ON COLUMN samtaler.fact_minplan.koen_key IS
'Personens køn (dim_koen). NULL for gravsten.';
COMMENT ON COLUMN samtaler.fact_minplan.antal_jobmaal IS
'Antal jobmål i udkastet (1–20). NULL for gravsten.';
COMMENT ON COLUMN samtaler.fact_minplan.batch_key IS
'Kørslen (dim_batch), der skrev den aktuelle version.';

COMMENT ON TABLE samtaler.fact_jobsoegningskrav IS
'A-kassernes krav til personens jobsøgning (§ 87 stk. 3). Kornet: den aktuelle version af én registrering; annulleret markerer en gravsten. Kun antal og markeringer; kravenes tekst gemmes aldrig.';
COMMENT ON COLUMN samtaler.fact_jobsoegningskrav.jobsoegningskrav_key IS
'Surrogatnøgle for registreringen; den bevares, når en nyere version afløser den aktuelle.';
COMMENT ON COLUMN samtaler.fact_jobsoegningskrav.registrering_noegle IS
'Den naturlige nøgle (registrering, indberettertype, indberetterkode, id) som nøglet HMAC-SHA256 under pseudonymnøglen, afkortet til 128 bit (uuid). Feedets id gemmes ikke.';
COMMENT ON COLUMN samtaler.fact_jobsoegningskrav.indberetter_key IS
'A-kassen, der registrerede kravene (dim_indberetter).';
COMMENT ON COLUMN samtaler.fact_jobsoegningskrav.registreret IS
'Hvornår sagssystemet registrerede den aktuelle version (tidspunkt).';
COMMENT ON COLUMN samtaler.fact_jobsoegningskrav.annulleret IS
'true: den aktuelle version er en annullering, en gravsten; den tæller ingen steder, og registreringens egne kolonner er NULL.';
COMMENT ON COLUMN samtaler.fact_jobsoegningskrav.person_pseudonym IS
'Personen som nøglet HMAC-SHA256 af personnummerets ti cifre under pseudonymnøglen (128 bit, uuid), som i fact_samtale. NULL for den ukendte person og for gravsten.';
COMMENT ON COLUMN samtaler.fact_jobsoegningskrav.registreret_dato_key IS
'Registreringsdagen i dansk tid som ÅÅÅÅMMDD (dim_dato). NULL for gravsten.';
COMMENT ON COLUMN samtaler.fact_jobsoegningskrav.aldersgruppe_key IS
'Personens aldersgruppe på registreringsdagen (dim_aldersgruppe). NULL for gravsten.';
COMMENT ON COLUMN samtaler.fact_jobsoegningskrav.koen_key IS
'Personens køn (dim_koen). NULL for gravsten.';
COMMENT ON COLUMN samtaler.fact_jobsoegningskrav.antal_fagomraader IS
'Antal fagområder og stillingsbetegnelser, personen skal søge inden for (§ 87 stk. 3 nr. 3; 1–50). NULL for gravsten.';
COMMENT ON COLUMN samtaler.fact_jobsoegningskrav.antal_ansoegninger IS
'Antal ansøgninger, personen skal uploade pr. periode (0–100). NULL for gravsten.';
COMMENT ON COLUMN samtaler.fact_jobsoegningskrav.med_omfang IS
'Om kravene beskriver det øvrige omfang (feedets omfang, § 87 stk. 3 nr. 5); teksten gemmes ikke. NULL for gravsten.';
COMMENT ON COLUMN samtaler.fact_jobsoegningskrav.med_formaal IS
'Om kravene angiver formålet, ordinær beskæftigelse hurtigst muligt (feedets formaal, § 87 stk. 3 nr. 6); teksten gemmes ikke. NULL for gravsten.';
COMMENT ON COLUMN samtaler.fact_jobsoegningskrav.med_stillingskilder IS
'Om kravene angiver, hvor stillingerne kan findes (feedets stillingskilder, § 87 stk. 3 nr. 7); teksten gemmes ikke. NULL for gravsten.';
COMMENT ON COLUMN samtaler.fact_jobsoegningskrav.batch_key IS
'Kørslen (dim_batch), der skrev den aktuelle version.';

COMMENT ON TABLE samtaler.fact_visitation IS
'Personernes visitationsgruppe over tid (§ 27 stk. 2). Kornet: én periode for én person i én visitationsgruppe, fra den dag en registrering satte gruppen, til dagen før en senere registrering satte en anden; følgende registreringer af samme gruppe giver én periode. Afledt af de aktuelle samtaler: hver indlæsning beregner historikken for de personer, den berørte, forfra. Personer i en gruppe på dag D: gyldig_fra <= D AND (gyldig_til IS NULL OR gyldig_til >= D).';
COMMENT ON COLUMN samtaler.fact_visitation.person_pseudonym IS
'Personens pseudonym, som i fact_samtale. Den ukendte person har ingen historik.';
COMMENT ON COLUMN samtaler.fact_visitation.gyldig_fra IS
'Periodens første dag: dagen i dansk tid, hvor registreringen først blev registreret (fact_samtale.foerste_registreret); en rettelse flytter ikke dagen.';
COMMENT ON COLUMN samtaler.fact_visitation.gyldig_til IS
'Periodens sidste dag (inklusive). NULL: gælder stadig; feedet siger aldrig, hvornår en gruppe ophører, så personens sidste periode står åben.';
COMMENT ON COLUMN samtaler.fact_visitation.visitationsgruppe_key IS
'Visitationsgruppen i perioden (dim_visitationsgruppe).';
COMMENT ON COLUMN samtaler.fact_visitation.forrige_visitationsgruppe_key IS
'Gruppen i personens forrige periode (dim_visitationsgruppe); NULL for personens første registrerede gruppe. Sat: periodens start er et skift mellem grupper.';
COMMENT ON COLUMN samtaler.fact_visitation.indberetter_key IS
'Jobcenteret, hvis registrering startede perioden (dim_indberetter).';
COMMENT ON COLUMN samtaler.fact_visitation.samtale_key IS
'Samtalen, hvis registrering startede perioden (fact_samtale).';
COMMENT ON COLUMN samtaler.fact_visitation.batch_key IS
'Kørslen (dim_batch), der sidst beregnede perioden.';

------------------------------------------------------------------ kept history (migration 0012)

COMMENT ON TABLE samtaler.hist_samtale IS
'Afløste versioner af samtalerne i fact_samtale (§ 27; § 87 stk. 1). Kornet: én version af én registrering, som var aktuel fra kørslen batch_key til kørslen til_batch_key, der afløste den med en nyere version, en annullering eller et senere modtaget ældre versions tidligere foerste_registreret. Den aktuelle version står kun i fact_samtale. Samme pseudonymiserede kolonner som fact_samtale, intet mere. Lageret lige efter kørsel N: samtaler.samtale_som_af(N).';
COMMENT ON COLUMN samtaler.hist_samtale.samtale_key IS
'Surrogatnøgle for registreringen; den bevares, når en nyere version afløser den aktuelle. Hedder samtale_id i rapport-views.';
COMMENT ON COLUMN samtaler.hist_samtale.registrering_noegle IS
'Den naturlige nøgle (registrering, indberettertype, indberetterkode, id) som nøglet HMAC-SHA256 under pseudonymnøglen, afkortet til 128 bit (uuid). Feedets id gemmes ikke.';
COMMENT ON COLUMN samtaler.hist_samtale.indberetter_key IS
'Jobcenteret eller a-kassen, der registrerede samtalen (dim_indberetter).';
COMMENT ON COLUMN samtaler.hist_samtale.registreret IS
'Hvornår sagssystemet registrerede denne version (feedets registreret; tidspunkt).';
COMMENT ON COLUMN samtaler.hist_samtale.annulleret IS
'true: denne version er en annullering, en gravsten. Samtalen tæller ingen steder, og samtalens egne kolonner (person, dato, type, markeringer …) er NULL.';
COMMENT ON COLUMN samtaler.hist_samtale.person_pseudonym IS
'Personen som nøglet HMAC-SHA256 af personnummerets ti cifre under den hemmelige pseudonymnøgle (som ikke er i databasen), afkortet til 128 bit (uuid): samme person, samme pseudonym. NULL for den ukendte person (0000000000) og for gravsten.';
COMMENT ON COLUMN samtaler.hist_samtale.afholdt_dato_key IS
'Dagen samtalen blev holdt, i dansk tid (Europe/Copenhagen), som ÅÅÅÅMMDD (dim_dato). NULL for gravsten.';
COMMENT ON COLUMN samtaler.hist_samtale.afholdt_tid IS
'Tidspunktet samtalen blev holdt, når feedet gav et tidspunkt (altid for a-kasser). NULL når jobcenteret kun gav en dato, og for gravsten.';
COMMENT ON COLUMN samtaler.hist_samtale.samtaletype_key IS
'Samtaletypen (dim_samtaletype). NULL for gravsten.';
COMMENT ON COLUMN samtaler.hist_samtale.samtaleform_key IS
'Samtaleformen (dim_samtaleform). NULL for gravsten.';
COMMENT ON COLUMN samtaler.hist_samtale.kontaktgruppe_key IS
'Personens kontaktgruppe (dim_kontaktgruppe). NULL når samtalen ikke har en (jobcentre skal angive den, a-kasser kan), og for gravsten.';
COMMENT ON COLUMN samtaler.hist_samtale.visitationsgruppe_key IS
'Visitationsgruppen registreringen satte (§ 27 nr. 9; dim_visitationsgruppe). NULL når ingen blev registreret, og for gravsten.';
COMMENT ON COLUMN samtaler.hist_samtale.aldersgruppe_key IS
'Personens aldersgruppe på samtalens dag (dim_aldersgruppe); Ukendt for den ukendte person. NULL for gravsten.';
COMMENT ON COLUMN samtaler.hist_samtale.koen_key IS
'Personens køn (dim_koen); U for den ukendte person. NULL for gravsten.';
COMMENT ON COLUMN samtaler.hist_samtale.aftale_forpligtende IS
'Feedets aftale.forpligtende: om samtalen endte med en forpligtende aftale (§ 27 nr. 5 og 8). NULL når samtalen ikke har en aftale.';
COMMENT ON COLUMN samtaler.hist_samtale.aftale_saerlig_indsats IS
'Feedets aftale.saerligIndsats. NULL når det ikke er angivet, eller samtalen ikke har en aftale.';
COMMENT ON COLUMN samtaler.hist_samtale.aftale_med_tekst IS
'Om aftalen havde en tekst; teksten gemmes aldrig. NULL når samtalen ikke har en aftale.';
COMMENT ON COLUMN samtaler.hist_samtale.akasse_deltog IS
'Feedets akasseDeltagelse ved en jobsamtale efter LAB § 31, stk. 2 (§ 27 nr. 7): true DELTOG, false DELTOG_IKKE. NULL for de andre samtaletyper.';
COMMENT ON COLUMN samtaler.hist_samtale.tidlig_opfoelgning IS
'Persongruppemarkeringen Tidlig opfølgning - fast track (§ 27 stk. 3): true markeret, false angivet som ikke markeret. NULL: ikke angivet.';
COMMENT ON COLUMN samtaler.hist_samtale.cv_fyldestgoerende IS
'Feedets cvFyldestgoerende for kontaktgruppe 1 (§ 27 stk. 4): true fyldestgørende, false ikke længere fyldestgørende. NULL: ikke oplyst.';
COMMENT ON COLUMN samtaler.hist_samtale.cv_godkendelse IS
'A-kassens cvGodkendelse ved en cv-samtale (§ 87 stk. 1 nr. 6): KLAR_TIL_KVALITETSSIKRING, GODKENDT eller IKKE_GODKENDT. NULL for andre samtaler.';
COMMENT ON COLUMN samtaler.hist_samtale.raadighedsvurdering IS
'A-kassens vurdering ved en rådighedssamtale (§ 87 stk. 1 nr. 8): STAAR_TIL_RAADIGHED, TVIVL_OM_RAADIGHED eller STAAR_IKKE_TIL_RAADIGHED. NULL for andre samtaler.';
COMMENT ON COLUMN samtaler.hist_samtale.videregivet_til_akasse IS
'true når jobcenteret videregiver samtalen til personens a-kasse (§ 27 stk. 5): kontaktgruppe 1 og en samtaletype, der videregives (dim_samtaletype.videregives_kg1); ellers false. NULL for gravsten.';
COMMENT ON COLUMN samtaler.hist_samtale.antal_deltagere IS
'Antal andre deltagere i samtalen (feedets deltagere, 0–20); 0 for gravsten.';
COMMENT ON COLUMN samtaler.hist_samtale.batch_key IS
'Kørslen (dim_batch), der gjorde denne version aktuel.';
COMMENT ON COLUMN samtaler.hist_samtale.foerste_registreret IS
'Det tidligste registreret blandt registreringens versioner, der ikke var annulleringer: hvornår den først blev registreret. En visitationsgruppe gælder fra denne dag (dansk tid), også efter en rettelse. NULL så længe kun annulleringer kendes.';
COMMENT ON COLUMN samtaler.hist_samtale.status_key IS
'Versionens otte markeringer og statusser som én nøgle (dim_samtalestatus): kopieret fra fact_samtale.status_key, da versionen blev afløst.';
COMMENT ON COLUMN samtaler.hist_samtale.til_batch_key IS
'Kørslen (dim_batch), der afløste eller annullerede denne version: versionen var aktuel fra og med batch_key til (ikke med) til_batch_key.';

COMMENT ON TABLE samtaler.hist_minplan IS
'Afløste versioner af udkastene til »Min Plan« i fact_minplan (§ 87 stk. 2). Kornet: én version af én registrering, aktuel fra kørslen batch_key til kørslen til_batch_key. Den aktuelle version står kun i fact_minplan. Lageret lige efter kørsel N: samtaler.minplan_som_af(N).';
COMMENT ON COLUMN samtaler.hist_minplan.minplan_key IS
'Surrogatnøgle for registreringen; den bevares, når en nyere version afløser den aktuelle.';
COMMENT ON COLUMN samtaler.hist_minplan.registrering_noegle IS
'Den naturlige nøgle (registrering, indberettertype, indberetterkode, id) som nøglet HMAC-SHA256 under pseudonymnøglen, afkortet til 128 bit (uuid). Feedets id gemmes ikke.';
COMMENT ON COLUMN samtaler.hist_minplan.indberetter_key IS
'A-kassen, der registrerede udkastet (dim_indberetter).';
COMMENT ON COLUMN samtaler.hist_minplan.registreret IS
'Hvornår sagssystemet registrerede denne version (tidspunkt).';
COMMENT ON COLUMN samtaler.hist_minplan.annulleret IS
'true: denne version er en annullering, en gravsten; den tæller ingen steder, og registreringens egne kolonner er NULL.';
COMMENT ON COLUMN samtaler.hist_minplan.person_pseudonym IS
'Personen som nøglet HMAC-SHA256 af personnummerets ti cifre under pseudonymnøglen (128 bit, uuid), som i fact_samtale. NULL for den ukendte person og for gravsten.';
COMMENT ON COLUMN samtaler.hist_minplan.registreret_dato_key IS
'Registreringsdagen i dansk tid som ÅÅÅÅMMDD (dim_dato). NULL for gravsten.';
COMMENT ON COLUMN samtaler.hist_minplan.aldersgruppe_key IS
'Personens aldersgruppe på registreringsdagen (dim_aldersgruppe). NULL for gravsten.';
COMMENT ON COLUMN samtaler.hist_minplan.koen_key IS
'Personens køn (dim_koen). NULL for gravsten.';
COMMENT ON COLUMN samtaler.hist_minplan.antal_jobmaal IS
'Antal jobmål i udkastet (1–20). NULL for gravsten.';
COMMENT ON COLUMN samtaler.hist_minplan.batch_key IS
'Kørslen (dim_batch), der gjorde denne version aktuel.';
COMMENT ON COLUMN samtaler.hist_minplan.til_batch_key IS
'Kørslen (dim_batch), der afløste eller annullerede denne version: versionen var aktuel fra og med batch_key til (ikke med) til_batch_key.';

COMMENT ON TABLE samtaler.hist_jobsoegningskrav IS
'Afløste versioner af kravene til jobsøgning i fact_jobsoegningskrav (§ 87 stk. 3). Kornet: én version af én registrering, aktuel fra kørslen batch_key til kørslen til_batch_key. Den aktuelle version står kun i fact_jobsoegningskrav. Lageret lige efter kørsel N: samtaler.jobsoegningskrav_som_af(N).';
COMMENT ON COLUMN samtaler.hist_jobsoegningskrav.jobsoegningskrav_key IS
'Surrogatnøgle for registreringen; den bevares, når en nyere version afløser den aktuelle.';
COMMENT ON COLUMN samtaler.hist_jobsoegningskrav.registrering_noegle IS
'Den naturlige nøgle (registrering, indberettertype, indberetterkode, id) som nøglet HMAC-SHA256 under pseudonymnøglen, afkortet til 128 bit (uuid). Feedets id gemmes ikke.';
COMMENT ON COLUMN samtaler.hist_jobsoegningskrav.indberetter_key IS
'A-kassen, der registrerede kravene (dim_indberetter).';
COMMENT ON COLUMN samtaler.hist_jobsoegningskrav.registreret IS
'Hvornår sagssystemet registrerede denne version (tidspunkt).';
COMMENT ON COLUMN samtaler.hist_jobsoegningskrav.annulleret IS
'true: denne version er en annullering, en gravsten; den tæller ingen steder, og registreringens egne kolonner er NULL.';
COMMENT ON COLUMN samtaler.hist_jobsoegningskrav.person_pseudonym IS
'Personen som nøglet HMAC-SHA256 af personnummerets ti cifre under pseudonymnøglen (128 bit, uuid), som i fact_samtale. NULL for den ukendte person og for gravsten.';
COMMENT ON COLUMN samtaler.hist_jobsoegningskrav.registreret_dato_key IS
'Registreringsdagen i dansk tid som ÅÅÅÅMMDD (dim_dato). NULL for gravsten.';
COMMENT ON COLUMN samtaler.hist_jobsoegningskrav.aldersgruppe_key IS
'Personens aldersgruppe på registreringsdagen (dim_aldersgruppe). NULL for gravsten.';
COMMENT ON COLUMN samtaler.hist_jobsoegningskrav.koen_key IS
'Personens køn (dim_koen). NULL for gravsten.';
COMMENT ON COLUMN samtaler.hist_jobsoegningskrav.antal_fagomraader IS
'Antal fagområder og stillingsbetegnelser, personen skal søge inden for (§ 87 stk. 3 nr. 3; 1–50). NULL for gravsten.';
COMMENT ON COLUMN samtaler.hist_jobsoegningskrav.antal_ansoegninger IS
'Antal ansøgninger, personen skal uploade pr. periode (0–100). NULL for gravsten.';
COMMENT ON COLUMN samtaler.hist_jobsoegningskrav.med_omfang IS
'Om kravene beskriver det øvrige omfang (feedets omfang, § 87 stk. 3 nr. 5); teksten gemmes ikke. NULL for gravsten.';
COMMENT ON COLUMN samtaler.hist_jobsoegningskrav.med_formaal IS
'Om kravene angiver formålet, ordinær beskæftigelse hurtigst muligt (feedets formaal, § 87 stk. 3 nr. 6); teksten gemmes ikke. NULL for gravsten.';
COMMENT ON COLUMN samtaler.hist_jobsoegningskrav.med_stillingskilder IS
'Om kravene angiver, hvor stillingerne kan findes (feedets stillingskilder, § 87 stk. 3 nr. 7); teksten gemmes ikke. NULL for gravsten.';
COMMENT ON COLUMN samtaler.hist_jobsoegningskrav.batch_key IS
'Kørslen (dim_batch), der gjorde denne version aktuel.';
COMMENT ON COLUMN samtaler.hist_jobsoegningskrav.til_batch_key IS
'Kørslen (dim_batch), der afløste eller annullerede denne version: versionen var aktuel fra og med batch_key til (ikke med) til_batch_key.';

COMMENT ON TABLE samtaler.hist_samtale_deltager IS
'Deltagerne i de afløste versioner af samtalerne (hist_samtale). Kornet: én deltager i én afløst version af én samtale. Kun rolle og deltagelsesform; navnet gemmes aldrig.';
COMMENT ON COLUMN samtaler.hist_samtale_deltager.samtale_key IS
'Samtalen (fact_samtale.samtale_key).';
COMMENT ON COLUMN samtaler.hist_samtale_deltager.deltager_nr IS
'Deltagerens nummer i samtalen: 1, 2, … i feedets rækkefølge.';
COMMENT ON COLUMN samtaler.hist_samtale_deltager.deltagerrolle_key IS
'Deltagerens rolle (dim_deltagerrolle).';
COMMENT ON COLUMN samtaler.hist_samtale_deltager.deltagelsesform_key IS
'Formen deltageren deltog på (dim_deltagelsesform).';
COMMENT ON COLUMN samtaler.hist_samtale_deltager.batch_key IS
'Kørslen (dim_batch), der gjorde denne version aktuel.';
COMMENT ON COLUMN samtaler.hist_samtale_deltager.til_batch_key IS
'Kørslen (dim_batch), der afløste eller annullerede denne version: versionen var aktuel fra og med batch_key til (ikke med) til_batch_key.';

COMMENT ON TABLE samtaler.historik_start IS
'Hvorfra historikken (hist_*) er hel. Kornet: én række. Et lager, der blev indlæst før migration 0012, har ingen afløste versioner fra kørslerne før den: lageret lige efter kørsel N kan kun genskabes for N >= fra_batch.';
COMMENT ON COLUMN samtaler.historik_start.fra_batch IS
'Den seneste kørsel (dim_batch) før migration 0012; 0 for et lager, der fik historikken fra starten.';

COMMENT ON TABLE samtaler.udtraek IS
'Ministeriets udtræk, som samtaler extract har lavet (samtaler extract --list). Kornet: én række pr. udtræk, der blev skrevet (CSV og manifest).';
COMMENT ON COLUMN samtaler.udtraek.udtraek_key IS
'Udtrækkets nummer i rækkefølge.';
COMMENT ON COLUMN samtaler.udtraek.periode IS
'Perioden som givet: en måned 2025-03, et kvartal 2025Q1 eller et år 2025 (manifestets periode).';
COMMENT ON COLUMN samtaler.udtraek.taerskel IS
'Diskretionstærsklen (manifestets taerskel).';
COMMENT ON COLUMN samtaler.udtraek.som_af_batch IS
'Kørslen (dim_batch), hvis tilstand udtrækket viser: lageret lige efter denne kørsel. Med --as-of-batch den angivne kørsel, ellers den seneste publicerede.';
COMMENT ON COLUMN samtaler.udtraek.genskabt IS
'true: lavet med --as-of-batch (en genskabelse af en tidligere tilstand); false: lageret, som det var, da udtrækket blev lavet.';
COMMENT ON COLUMN samtaler.udtraek.raekker IS
'Antal datarækker i CSV-filen (manifestets raekker).';
COMMENT ON COLUMN samtaler.udtraek.undertrykte IS
'Antal rækker med diskretion P eller S (manifestets undertrykte).';
COMMENT ON COLUMN samtaler.udtraek.sha256 IS
'SHA-256 af CSV-filens bytes i små hextegn (manifestets sha256): to udtræk af samme tilstand har samme.';
COMMENT ON COLUMN samtaler.udtraek.batches IS
'Kørslerne, hvis versioner udtrækket tæller (manifestets batches), stigende.';
COMMENT ON COLUMN samtaler.udtraek.genereret IS
'Hvornår udtrækket blev lavet (manifestets genereret).';

------------------------------------------------------------------ the kept copy (migration 0013)
COMMENT ON TABLE samtaler.kept_samtale IS
'De aktuelle samtaler (ikke annullerede, med afholdt dato) endnu en gang, sorteret efter person, så rapporter kan tælle forskellige personer over mange perioder uden at læse fact_samtale (docs/performance.md, "Every period: the kept copy"). Kornet: én række pr. år og pseudonymblok. Holdes ajour, når en indlæsning har publiceret sin kørsel: de blokke, kørslen ændrede, rettes (samtaler.kept_samtale_delta); efter en første indlæsning skrives hele kopien igen (samtaler.keep_samtale); indtil da (og hvis det fejler) læser rapporterne fact_samtale. Ingen kolonner ud over faktatabellens pseudonym og dimensionsnøgler.';
COMMENT ON COLUMN samtaler.kept_samtale.aar IS
'Året for afholdt_dato_key (ÅÅÅÅ).';
COMMENT ON COLUMN samtaler.kept_samtale.blok IS
'Pseudonymets første byte (0–255); 256 for samtaler uden kendt person. En persons samtaler i et år ligger i én blok.';
COMMENT ON COLUMN samtaler.kept_samtale.raekker IS
'Antal samtaler i blokken (længden af data delt med 38).';
COMMENT ON COLUMN samtaler.kept_samtale.data IS
'Blokkens samtaler som rækker af 38 byte, sorteret bytevis (altså efter person): pseudonym (16 byte), afholdt_dato_key og indberetter_key (4 byte hver), samtaletype_key, samtaleform_key, kontaktgruppe_key, visitationsgruppe_key, aldersgruppe_key, koen_key og status_key (2 byte hver, -1 for NULL), alle big-endian. Formatet står i sql/definitions/44_samtaler.kept_rad.sql.';
COMMENT ON TABLE samtaler.kept_samtale_batch IS
'Hvilken kørsel kept_samtale afspejler. Kornet: én række. En rapport bruger kopien kun, når den er den senest publicerede kørsel; ellers læser den fact_samtale.';
COMMENT ON COLUMN samtaler.kept_samtale_batch.batch_key IS
'Kørslen (dim_batch), som kopien afspejler; NULL før første indlæsning, og fra en ændring af fact_samtale, til kopien er skrevet igen.';
COMMENT ON COLUMN samtaler.kept_samtale_batch.aendringer IS
'Antal sætninger, der har ændret fact_samtale (tælles af en trigger). Indlæsningen stempler kun kopien, hvis tallet er det samme som før den skrev kopien.';
