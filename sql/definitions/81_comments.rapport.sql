-- The descriptions of schema rapport (and of the analysts' sandbox): every view and column, in
-- Danish (what it holds, its unit, its grain, when it is NULL), so that psql's \d+, dbt docs and BI
-- tools show them. Applied after the views (50-59), so a view made again by a migration (DROP VIEW)
-- gets its descriptions back in the same migrate; a test (SchemaDescriptionTests) fails while any
-- view or column has none.
--
-- A column name means one thing in every view (docs/architecture.md, "Names"): the columns that
-- several views share are described once, in the list below, and that text goes on the column in
-- every view of schema rapport that has it. The other columns follow, view by view.

COMMENT ON SCHEMA rapport IS
'Views for analytikere og BI-værktøjer: de aktuelle, ikke annullerede registreringer med læsbare navne og uden pseudonymer. Lagt på databasens search_path (migration 0011), så samtale er rapport.samtale. Læses af samtaler_analytiker (kun dette skema) og samtaler_rapport.';
COMMENT ON SCHEMA sandkasse IS
'Analytikernes sandkasse: medlemmer af samtaler_analytiker må oprette egne tabeller og views her (skriv sandkasse.navn). Hver ejer det, de laver; andre ser det kun, når ejeren giver dem lov (GRANT SELECT). Ikke på search_path.';

------------------------------------------------------------------ the columns several views share
DO $$
DECLARE
    c record;
BEGIN
    FOR c IN
        SELECT v.relname AS view, a.attname AS col, d.tekst
        FROM (VALUES
            ('samtale_id',
             'Samtalens nummer (samtaler.fact_samtale.samtale_key): det samme i rapport.samtale, rapport.deltager og rapport.samtale_markering, og det bevares, når registreringen rettes.'),
            ('afholdt_dato',
             'Dagen samtalen blev holdt, i dansk tid (Europe/Copenhagen).'),
            ('periode_maaned',
             'Måneden som tekst ÅÅÅÅ-MM (fx 2025-03) for rækkens dag (afholdt_dato, for Min Plan og jobsøgningskrav registreret_dato), i dansk tid.'),
            ('periode_kvartal',
             'Kvartalet som tekst ÅÅÅÅQn (fx 2025Q1) for rækkens dag, i dansk tid.'),
            ('periode_aar',
             'Året som tekst ÅÅÅÅ (fx 2025) for rækkens dag, i dansk tid.'),
            ('indberettertype',
             'jobcenter eller akasse: hvilken slags indberetter der registrerede. Sammen med indberetterkode nøglen til rapport.indberetter.'),
            ('indberetterkode',
             'Indberetterens kode: kommunekoden (tre cifre, fx 101) for et jobcenter, a-kassekoden (1–4 cifre) for en a-kasse. De to kodelister kan have samme kode: brug den sammen med indberettertype.'),
            ('indberetter',
             'Indberetterens navn: kommunens for et jobcenter (fx København), a-kassens for en a-kasse (Ukendt a-kasse NNN, til referencedata navngiver den).'),
            ('regionskode',
             'Regionens kode (1081–1085) for et jobcenter; NULL for en a-kasse, som ikke har en region.'),
            ('region',
             'Jobcenterets region, fx Region Hovedstaden; A-kasse (ingen region) for en a-kasse, som rapporterne skriver det, så en gruppering på region (fx pandas groupby, der taber NULL) tager alle rækker med. Aldrig NULL.'),
            ('samtaletype',
             'Samtaletypens kode som i feedet, fx JOBSAMTALE, CV_SAMTALE (§ 27 nr. 3; § 87 stk. 1 nr. 4). Betegnelsen står i samtaler.dim_samtaletype og i rapport.samtale.samtaletype_betegnelse.'),
            ('samtaleform',
             'Samtaleformens kode som i feedet, fx PERSONLIGT, VIDEO (§ 27 nr. 4; § 87 stk. 1 nr. 5).'),
            ('kontaktgruppe',
             'Personens kontaktgruppe, 1–8 eller 10–29. NULL når samtalen ikke har en (jobcentre skal angive den, a-kasser kan).'),
            ('aldersgruppe',
             'Personens aldersgruppe på rækkens dag, fx 25-29 eller 65 og derover; Ukendt for den ukendte person (personnummer 0000000000).'),
            ('koen',
             'Personens køn: M (mand), K (kvinde) eller U (ukendt: den ukendte person).')
        ) AS d(kolonne, tekst)
        JOIN pg_attribute a ON a.attname = d.kolonne AND a.attnum > 0 AND NOT a.attisdropped
        JOIN pg_class v ON v.oid = a.attrelid AND v.relkind = 'v' AND v.relnamespace = 'rapport'::regnamespace
    LOOP
        EXECUTE format('COMMENT ON COLUMN rapport.%I.%I IS %L', c.view, c.col, c.tekst);
    END LOOP;
END $$;

------------------------------------------------------------------ rapport.samtale
COMMENT ON VIEW rapport.samtale IS
'Afholdte samtaler. Kornet: én række pr. aktuel, ikke annulleret samtale (samtaler.fact_samtale uden gravsten), med læsbare navne og uden pseudonym. count(*) tæller samtaler; personer kan ikke tælles her (se rapport.personer_maaned).';
COMMENT ON COLUMN rapport.samtale.aar IS 'Kalenderåret for afholdt_dato, fx 2025.';
COMMENT ON COLUMN rapport.samtale.kvartal IS 'Kvartalet for afholdt_dato, 1–4.';
COMMENT ON COLUMN rapport.samtale.maaned IS 'Måneden for afholdt_dato, 1–12.';
COMMENT ON COLUMN rapport.samtale.iso_aar IS 'ISO 8601-året, som afholdt_datos uge hører til; kan afvige fra aar omkring nytår.';
COMMENT ON COLUMN rapport.samtale.iso_uge IS 'ISO 8601-ugenummeret for afholdt_dato, 1–53.';
COMMENT ON COLUMN rapport.samtale.afholdt_tid IS
'Tidspunktet samtalen blev holdt, når feedet gav et tidspunkt (altid for a-kasser); NULL når jobcenteret kun gav en dato.';
COMMENT ON COLUMN rapport.samtale.indberetter_udledt IS
'true for en a-kasse, hvis kode kom fra feedet uden at stå i referencedata (venter på et navn); ellers false.';
COMMENT ON COLUMN rapport.samtale.samtaletype_betegnelse IS 'Samtaletypens danske betegnelse, fx Jobsamtale.';
COMMENT ON COLUMN rapport.samtale.samtaleform_betegnelse IS 'Samtaleformens danske betegnelse, fx Personligt fremmøde.';
COMMENT ON COLUMN rapport.samtale.star_gruppe IS
'Samtaleformens gruppe, som STAR offentliggør: Fysisk fremmøde, Telefonisk, Video, Digitalt eller Andet.';
COMMENT ON COLUMN rapport.samtale.star_gruppe_orden IS 'Sorteringsorden for star_gruppe: 1 Fysisk fremmøde … 5 Andet.';
COMMENT ON COLUMN rapport.samtale.visitationsgruppe IS
'Visitationsgruppen registreringen satte, som kode, fx JOBPARAT (§ 27 nr. 9); NULL når ingen blev registreret. Personernes grupper over tid: rapport.visitation.';
COMMENT ON COLUMN rapport.samtale.aldersgruppe_orden IS 'Sorteringsorden for aldersgruppe: Under 16 først, Ukendt sidst.';
COMMENT ON COLUMN rapport.samtale.aftale_forpligtende IS
'Om samtalen endte med en forpligtende aftale (§ 27 nr. 5 og 8). NULL når samtalen ikke har en aftale. Læsbart: rapport.samtale_markering.forpligtende_aftale.';
COMMENT ON COLUMN rapport.samtale.aftale_saerlig_indsats IS
'Aftalens saerligIndsats. NULL når det ikke er angivet, eller samtalen ikke har en aftale.';
COMMENT ON COLUMN rapport.samtale.aftale_med_tekst IS
'Om aftalen havde en tekst (teksten gemmes aldrig). NULL når samtalen ikke har en aftale.';
COMMENT ON COLUMN rapport.samtale.akasse_deltog IS
'Ved en jobsamtale efter LAB § 31, stk. 2 (§ 27 nr. 7): true a-kassen deltog, false den deltog ikke. NULL for de andre samtaletyper.';
COMMENT ON COLUMN rapport.samtale.tidlig_opfoelgning IS
'Tidlig opfølgning - fast track (§ 27 stk. 3): true markeret, false angivet som ikke markeret, NULL ikke angivet. Læsbart: rapport.samtale_markering.';
COMMENT ON COLUMN rapport.samtale.cv_fyldestgoerende IS
'Kontaktgruppe 1 (§ 27 stk. 4): true cv''et er fyldestgørende, false ikke længere fyldestgørende, NULL ikke oplyst.';
COMMENT ON COLUMN rapport.samtale.cv_godkendelse IS
'A-kassens godkendelse af cv''et ved en cv-samtale (§ 87 stk. 1 nr. 6), som kode: KLAR_TIL_KVALITETSSIKRING, GODKENDT eller IKKE_GODKENDT. NULL for andre samtaler.';
COMMENT ON COLUMN rapport.samtale.raadighedsvurdering IS
'A-kassens vurdering ved en rådighedssamtale (§ 87 stk. 1 nr. 8), som kode: STAAR_TIL_RAADIGHED, TVIVL_OM_RAADIGHED eller STAAR_IKKE_TIL_RAADIGHED. NULL for andre samtaler.';
COMMENT ON COLUMN rapport.samtale.videregivet_til_akasse IS
'true når jobcenteret videregiver samtalen til personens a-kasse (kontaktgruppe 1 og en af de typer, § 27 stk. 5 nævner); ellers false.';
COMMENT ON COLUMN rapport.samtale.antal_deltagere IS 'Antal andre deltagere i samtalen, 0–20 (de enkelte: rapport.deltager).';
COMMENT ON COLUMN rapport.samtale.ukendt_person IS
'true når personnummeret var 0000000000 (ukendt person): samtalen tæller som samtale, aldrig som person.';
COMMENT ON COLUMN rapport.samtale.registreret IS 'Hvornår sagssystemet registrerede den aktuelle version (tidspunkt).';
COMMENT ON COLUMN rapport.samtale.batch IS 'Kørslen, der skrev den aktuelle version (rapport.batch.batch).';

------------------------------------------------------------------ rapport.deltager
COMMENT ON VIEW rapport.deltager IS
'Andre deltagere i samtalerne (§ 27 nr. 10; § 87 stk. 1 nr. 9). Kornet: én række pr. deltager i en aktuel, ikke annulleret samtale; samtale_id fører til rapport.samtale. Kun rolle og deltagelsesform; navnet gemmes aldrig.';
COMMENT ON COLUMN rapport.deltager.deltager_nr IS 'Deltagerens nummer i samtalen: 1, 2, … i feedets rækkefølge.';
COMMENT ON COLUMN rapport.deltager.deltagerrolle IS 'Rollens kode, fx TOLK, MENTOR, AKASSEKONSULENT.';
COMMENT ON COLUMN rapport.deltager.deltagerrolle_betegnelse IS 'Rollens danske betegnelse, fx Tolk.';
COMMENT ON COLUMN rapport.deltager.deltagelsesform IS 'Kode for formen, deltageren deltog på, fx PERSONLIGT, TELEFONISK.';
COMMENT ON COLUMN rapport.deltager.deltagelsesform_betegnelse IS 'Deltagelsesformens danske betegnelse, fx Telefonisk.';

------------------------------------------------------------------ rapport.personer_maaned
COMMENT ON VIEW rapport.personer_maaned IS
'Samtaler og forskellige personer pr. måned. Kornet: én række pr. måned × indberetter (indberettertype, indberetterkode) × samtaletype × samtaleform, der har samtaler. antal_personer må ikke lægges sammen på tværs af rækker: en person med samtaler i flere rækker tæller i hver.';
COMMENT ON COLUMN rapport.personer_maaned.antal_samtaler IS
'Antal aktuelle, ikke annullerede samtaler i rækken, også den ukendte persons. Kan lægges sammen.';
COMMENT ON COLUMN rapport.personer_maaned.antal_personer IS
'Antal forskellige personer med samtaler i rækken (den ukendte person tæller ikke). Ikke additivt: summen over rækker tæller en person én gang pr. række; personer over flere rækker tælles med samtaler report.';

------------------------------------------------------------------ rapport.indberetter
COMMENT ON VIEW rapport.indberetter IS
'Indberetterne: jobcentrene (med region) og a-kasserne, også de udledte, der venter på et navn. Kornet: én række pr. indberetter (indberettertype, indberetterkode). De andre views'' indberettertype og indberetterkode fører hertil.';
COMMENT ON COLUMN rapport.indberetter.navn IS
'Indberetterens navn: kommunens for et jobcenter, a-kassens for en a-kasse (Ukendt a-kasse NNN for en udledt); i de andre views kolonnen indberetter.';
COMMENT ON COLUMN rapport.indberetter.udledt IS
'true for en a-kasse, hvis kode kom fra feedet uden at stå i referencedata (samtaler report coverage viser dem); ellers false.';
COMMENT ON COLUMN rapport.indberetter.gyldig_fra IS 'Første dag indberetteren gælder (inklusive); NULL: ingen begyndelse.';
COMMENT ON COLUMN rapport.indberetter.gyldig_til IS 'Sidste dag indberetteren gælder (inklusive); NULL: gælder stadig.';

------------------------------------------------------------------ rapport.batch
COMMENT ON VIEW rapport.batch IS
'Indlæsningerne. Kornet: én række pr. kørsel af samtaler load, også kørsler der intet publicerede: hvad hver kørsel læste, accepterede, afviste og ændrede.';
COMMENT ON COLUMN rapport.batch.batch IS 'Kørslens nummer; de andre views'' kolonne batch fører hertil.';
COMMENT ON COLUMN rapport.batch.startet IS 'Hvornår kørslen begyndte (tidspunkt).';
COMMENT ON COLUMN rapport.batch.afsluttet IS 'Hvornår kørslen sluttede (tidspunkt).';
COMMENT ON COLUMN rapport.batch.status IS
'publiceret: alle accepterede linjer blev publiceret; over_taerskel: for mange afviste linjer (over --max-reject-ratio), intet publiceret; fejlet: kørslen fejlede, intet publiceret.';
COMMENT ON COLUMN rapport.batch.laest IS 'Antal læste linjer (blanke tælles ikke): laest = accepteret + afvist.';
COMMENT ON COLUMN rapport.batch.accepteret IS 'Antal linjer, der overholdt feed-kontrakten.';
COMMENT ON COLUMN rapport.batch.afvist IS 'Antal afviste linjer (de står i afvisningsfilen, aldrig i databasen).';
COMMENT ON COLUMN rapport.batch.nye IS 'Antal registreringer set for første gang (ikke annulleringer).';
COMMENT ON COLUMN rapport.batch.aendrede IS 'Antal registreringer, hvor en nyere opret eller ret afløste den aktuelle version.';
COMMENT ON COLUMN rapport.batch.annullerede IS 'Antal registreringer, hvis aktuelle version blev en annullering.';
COMMENT ON COLUMN rapport.batch.uaendrede IS
'Antal accepterede linjer, der intet ændrede: ældre versioner, gentagelser og versioner, som en nyere i samme kørsel afløste.';
COMMENT ON COLUMN rapport.batch.afvist_pr_regel IS
'Afviste linjer pr. regel som JSON-objekt {"felt: regel": antal}; en linje med flere grunde tæller under hver.';
COMMENT ON COLUMN rapport.batch.sekunder IS 'Kørslens varighed i sekunder.';
COMMENT ON COLUMN rapport.batch.linjer_pr_sekund IS 'Læste linjer pr. sekund: laest / sekunder.';
COMMENT ON COLUMN rapport.batch.samtaler_version IS 'Versionen af programmet samtaler, der kørte indlæsningen.';

------------------------------------------------------------------ rapport.minplan
COMMENT ON VIEW rapport.minplan IS
'A-kassernes udkast til »Min Plan« (§ 87 stk. 2). Kornet: én række pr. aktuel, ikke annulleret registrering. Indberetteren er altid en a-kasse. Kun antallet af jobmål; teksten gemmes aldrig.';
COMMENT ON COLUMN rapport.minplan.registreret_dato IS 'Dagen udkastet blev registreret, i dansk tid.';
COMMENT ON COLUMN rapport.minplan.antal_jobmaal IS 'Antal jobmål i udkastet, 1–20.';
COMMENT ON COLUMN rapport.minplan.batch IS 'Kørslen, der skrev den aktuelle version (rapport.batch.batch).';

------------------------------------------------------------------ rapport.jobsoegningskrav
COMMENT ON VIEW rapport.jobsoegningskrav IS
'A-kassernes krav til personens jobsøgning (§ 87 stk. 3). Kornet: én række pr. aktuel, ikke annulleret registrering. Indberetteren er altid en a-kasse. Kun antal og markeringer; teksten gemmes aldrig.';
COMMENT ON COLUMN rapport.jobsoegningskrav.registreret_dato IS 'Dagen kravene blev registreret, i dansk tid.';
COMMENT ON COLUMN rapport.jobsoegningskrav.antal_fagomraader IS
'Antal fagområder og stillingsbetegnelser, personen skal søge inden for (§ 87 stk. 3 nr. 3), 1–50.';
COMMENT ON COLUMN rapport.jobsoegningskrav.antal_ansoegninger IS 'Antal ansøgninger, personen skal uploade pr. periode, 0–100.';
COMMENT ON COLUMN rapport.jobsoegningskrav.med_omfang IS 'Om kravene beskriver det øvrige omfang (§ 87 stk. 3 nr. 5).';
COMMENT ON COLUMN rapport.jobsoegningskrav.med_formaal IS
'Om kravene angiver formålet, ordinær beskæftigelse hurtigst muligt (§ 87 stk. 3 nr. 6).';
COMMENT ON COLUMN rapport.jobsoegningskrav.med_stillingskilder IS 'Om kravene angiver, hvor stillingerne kan findes (§ 87 stk. 3 nr. 7).';
COMMENT ON COLUMN rapport.jobsoegningskrav.batch IS 'Kørslen, der skrev den aktuelle version (rapport.batch.batch).';

------------------------------------------------------------------ rapport.samtale_markering
COMMENT ON VIEW rapport.samtale_markering IS
'Samtalernes otte markeringer og statusser som læsbare værdier. Kornet: én række pr. aktuel, ikke annulleret samtale (samtale_id som i rapport.samtale). Værdierne er tekst, fx Markeret; rapport.samtale har de samme markeringer som true/false og koder.';
COMMENT ON COLUMN rapport.samtale_markering.tidlig_opfoelgning IS
'Tidlig opfølgning - fast track (§ 27 stk. 3): Markeret, Angivet: ikke markeret eller Ikke angivet.';
COMMENT ON COLUMN rapport.samtale_markering.cv_fyldestgoerende IS
'Cv''ets tilstrækkelighed for kontaktgruppe 1 (§ 27 stk. 4): Fyldestgørende, Ikke længere fyldestgørende eller Ikke oplyst.';
COMMENT ON COLUMN rapport.samtale_markering.videregivet_til_akasse IS
'Videregivet til a-kasse (kontaktgruppe 1, § 27 stk. 5) eller Ikke videregivet.';
COMMENT ON COLUMN rapport.samtale_markering.forpligtende_aftale IS 'Aftalen: Forpligtende, Ikke forpligtende eller Ingen aftale.';
COMMENT ON COLUMN rapport.samtale_markering.saerlig_indsats IS
'Aftalens særlige indsats: Særlig indsats, Ikke særlig indsats eller Ikke oplyst (også når der ingen aftale er).';
COMMENT ON COLUMN rapport.samtale_markering.akasse_deltagelse IS
'A-kassens deltagelse i en jobsamtale efter LAB § 31, stk. 2: A-kassen deltog, A-kassen deltog ikke eller Ikke relevant (andre samtaletyper).';
COMMENT ON COLUMN rapport.samtale_markering.cv_godkendelse IS
'A-kassens godkendelse af cv''et ved en cv-samtale: Klar til kvalitetssikring, Godkendt, Ikke godkendt eller Ikke relevant (andre samtaler).';
COMMENT ON COLUMN rapport.samtale_markering.raadighedsvurdering IS
'A-kassens vurdering ved en rådighedssamtale: Står til rådighed, Tvivl om rådighed, Står ikke til rådighed eller Ikke relevant (andre samtaler).';

------------------------------------------------------------------ rapport.visitation
COMMENT ON VIEW rapport.visitation IS
'Personernes visitationsgruppe over tid (§ 27 stk. 2), uden pseudonym. Kornet: én række pr. periode for én (unavngiven) person i én gruppe. Personer i en gruppe på dag D: WHERE gyldig_fra <= D AND (gyldig_til IS NULL OR gyldig_til >= D); skift i en måned: gyldig_fra i måneden og forrige_visitationsgruppe sat. Indberetteren er jobcenteret, hvis registrering startede perioden.';
COMMENT ON COLUMN rapport.visitation.gyldig_fra IS
'Periodens første dag: dagen (dansk tid), hvor registreringen først blev registreret; en rettelse flytter ikke dagen.';
COMMENT ON COLUMN rapport.visitation.gyldig_til IS
'Periodens sidste dag (inklusive). NULL: gælder stadig (feedet siger aldrig, hvornår en gruppe ophører).';
COMMENT ON COLUMN rapport.visitation.visitationsgruppe IS 'Gruppens kode, fx JOBPARAT, KATEGORI_1.';
COMMENT ON COLUMN rapport.visitation.visitationsgruppe_betegnelse IS 'Gruppens danske betegnelse, fx Jobparat.';
COMMENT ON COLUMN rapport.visitation.forrige_visitationsgruppe IS
'Koden for gruppen i personens forrige periode; NULL for personens første registrerede gruppe.';
COMMENT ON COLUMN rapport.visitation.batch IS 'Kørslen, der sidst beregnede perioden (rapport.batch.batch).';

------------------------------------------------------------------ rapport.registreringstid
COMMENT ON VIEW rapport.registreringstid IS
'Hvor hurtigt samtalerne registreres. Kornet: én række pr. måned for afholdt (periode_maaned) × indberetter, der har aktuelle, ikke annullerede samtaler. Dage er kalenderdage i dansk tid fra dagen, samtalen blev holdt, til dagen, den første gang blev registreret (samtaler.fact_samtale.foerste_registreret; en rettelse flytter den ikke). Dagene kan ikke lægges sammen på tværs af rækker; samtaler kan. samtaler report timeliness viser det samme for andre perioder og opdelinger, også som lageret stod efter en kørsel, og hvordan månedernes tal voksede med hver kørsel (foreløbige måneder).';
COMMENT ON COLUMN rapport.registreringstid.samtaler IS
'Antal aktuelle, ikke annullerede samtaler i rækken. Kan lægges sammen.';
COMMENT ON COLUMN rapport.registreringstid.min_dage IS 'Færreste dage fra afholdt til første registrering i rækken.';
COMMENT ON COLUMN rapport.registreringstid.median_dage IS
'Medianen af dagene (percentile_disc(0.5)): det mindste antal dage, inden for hvilket mindst halvdelen af rækkens samtaler var registreret.';
COMMENT ON COLUMN rapport.registreringstid.p90_dage IS
'90 %-fraktilen af dagene (percentile_disc(0.9)): det mindste antal dage, inden for hvilket mindst 90 % af rækkens samtaler var registreret.';
COMMENT ON COLUMN rapport.registreringstid.maks_dage IS 'Flest dage fra afholdt til første registrering i rækken.';
COMMENT ON COLUMN rapport.registreringstid.andel_inden_7_dage IS
'Andelen (0–1) af rækkens samtaler, der første gang blev registreret højst 7 dage efter dagen, de blev holdt.';
COMMENT ON COLUMN rapport.registreringstid.andel_inden_30_dage IS
'Andelen (0–1) af rækkens samtaler, der første gang blev registreret højst 30 dage efter dagen, de blev holdt.';
