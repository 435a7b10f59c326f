#!/usr/bin/env python3
"""The DuckDB route of make bench (issue 15): a peer of `samtaler load` for a first load.

Reads the feed with DuckDB's read_json (newline-delimited), picks each registration's current
version by the loader's rules, makes the same pseudonyms and dimension keys, writes CSV and COPYs
it into the warehouse's tables in one transaction. It validates nothing (the bench feeds have no
invalid lines): a line the contract rejects would be loaded or break the run.

The rules, as sql/definitions/30_samtaler.merge_stage.sql and Load/FirstLoad.swift apply them:
  - of all versions of a registration (natural key: registrering, indberetter type and kode, id)
    the one with the latest registreret is current; on a tie the line loaded first;
  - a withdrawal (handling annuller) is a version like any other and leaves a tombstone whose
    attributes are empty;
  - foerste_registreret is the earliest registreret of the versions that were not withdrawals;
  - the visitation history (sql/definitions/20_samtaler.recompute_visitation.sql): a group takes
    effect from the Copenhagen date of foerste_registreret; on one day the registration registered
    last counts (then the higher natural key); consecutive days of one group make one period.
The transformations (Load/StageRow.swift, Load/Pseudonymization.swift, SamtalerFeed/Validation):
  - person_pseudonym and registrering_noegle: HMAC-SHA256 under the key file's 32 bytes over
    "person:" + the ten digits and "registrering:" + "registrering|type|kode|id", the first 16
    bytes as a uuid; HMAC built from DuckDB's sha256 by RFC 2104 (sha256(K^opad || sha256(K^ipad || m)));
    the unknown person (0000000000) has none;
  - the age band on the conversation's day (Min Plan and job search: the Copenhagen day of
    registreret), from the birth date by the personnummer's century rule; gender from digit 10;
  - afholdt: a date, or a timestamp (kept as afholdt_tid) whose Copenhagen day is the date;
  - aftale_med_tekst: tekst present and not empty (NULL without an aftale); akasse_deltog:
    DELTOG / DELTOG_IKKE; videregivet_til_akasse: a jobcenter's conversation with a kontaktgruppe
    passed on to the a-kasse and a samtaletype that is passed on;
  - an a-kasse the dimension lacks becomes an inferred member (samtaler.infer_akasse).

Usage: duckdb_route.py --database CONNINFO --key KEYFILE --work DIR FEED [FEED ...]
Needs the Python packages duckdb and psycopg (scripts/bench.sh installs them in .venv-bench).
Prints when each step ended on standard error and the total seconds on standard output.
"""

import argparse
import os
import queue
import sys
import threading
import time

import duckdb
import psycopg

FEED_COLUMNS = {
    "registrering": "VARCHAR", "id": "VARCHAR", "handling": "VARCHAR", "registreret": "VARCHAR",
    "indberetter": "STRUCT(type VARCHAR, kode VARCHAR)", "cpr": "VARCHAR", "afholdt": "VARCHAR",
    "samtaletype": "VARCHAR", "samtaleform": "VARCHAR", "kontaktgruppe": "INTEGER",
    "aftale": "STRUCT(forpligtende BOOLEAN, saerligIndsats BOOLEAN, tekst VARCHAR)",
    "akasseDeltagelse": "VARCHAR", "visitationsgruppe": "VARCHAR", "tidligOpfoelgning": "BOOLEAN",
    "cvFyldestgoerende": "BOOLEAN", "cvGodkendelse": "VARCHAR", "raadighedsvurdering": "VARCHAR",
    "deltagere": "STRUCT(navn VARCHAR, rolle VARCHAR, deltagelsesform VARCHAR)[]",
    "jobmaal": "VARCHAR[]", "fagomraader": "VARCHAR[]", "antalAnsoegninger": "INTEGER",
    "omfang": "VARCHAR", "formaal": "VARCHAR", "stillingskilder": "VARCHAR",
}

# The dimensions the route needs from the warehouse: DuckDB table (code, key, ...) and the query that fills it.
DIMENSIONS = {
    "d_indberetter (type VARCHAR, kode VARCHAR, key INTEGER)":
        "SELECT indberettertype, indberetterkode, indberetter_key FROM samtaler.dim_indberetter",
    "d_samtaletype (code VARCHAR, key INTEGER, videregives_kg1 BOOLEAN)":
        "SELECT samtaletype, samtaletype_key, videregives_kg1 FROM samtaler.dim_samtaletype",
    "d_samtaleform (code VARCHAR, key INTEGER)": "SELECT samtaleform, samtaleform_key FROM samtaler.dim_samtaleform",
    "d_kontaktgruppe (code INTEGER, key INTEGER, videregives BOOLEAN)":
        "SELECT kontaktgruppe, kontaktgruppe_key, videregives_til_akasse FROM samtaler.dim_kontaktgruppe",
    "d_visitationsgruppe (code VARCHAR, key INTEGER)": "SELECT visitationsgruppe, visitationsgruppe_key FROM samtaler.dim_visitationsgruppe",
    "d_deltagerrolle (code VARCHAR, key INTEGER)": "SELECT deltagerrolle, deltagerrolle_key FROM samtaler.dim_deltagerrolle",
    "d_deltagelsesform (code VARCHAR, key INTEGER)": "SELECT deltagelsesform, deltagelsesform_key FROM samtaler.dim_deltagelsesform",
    "d_aldersgruppe (key INTEGER, fra INTEGER, til INTEGER)": "SELECT aldersgruppe_key, fra_alder, til_alder FROM samtaler.dim_aldersgruppe",
    "d_koen (code VARCHAR, key INTEGER)": "SELECT koen, koen_key FROM samtaler.dim_koen",
}
# The envelope's keys; an annuller line's other keys are ignored (feed contract, Versions).
ENVELOPE = ("registrering", "id", "handling", "registreret", "indberetter")

# The fact tables and the columns each CSV carries, in order.
TABLES = {
    "fact_samtale": "samtale_key, registrering_noegle, indberetter_key, registreret, annulleret, person_pseudonym, "
                    "afholdt_dato_key, afholdt_tid, samtaletype_key, samtaleform_key, kontaktgruppe_key, visitationsgruppe_key, "
                    "aldersgruppe_key, koen_key, aftale_forpligtende, aftale_saerlig_indsats, aftale_med_tekst, akasse_deltog, "
                    "tidlig_opfoelgning, cv_fyldestgoerende, cv_godkendelse, raadighedsvurdering, videregivet_til_akasse, "
                    "foerste_registreret, antal_deltagere, batch_key",
    "fact_samtale_deltager": "samtale_key, deltager_nr, deltagerrolle_key, deltagelsesform_key, batch_key",
    "fact_minplan": "minplan_key, registrering_noegle, indberetter_key, registreret, annulleret, person_pseudonym, "
                    "registreret_dato_key, aldersgruppe_key, koen_key, antal_jobmaal, batch_key",
    "fact_jobsoegningskrav": "jobsoegningskrav_key, registrering_noegle, indberetter_key, registreret, annulleret, person_pseudonym, "
                             "registreret_dato_key, aldersgruppe_key, koen_key, antal_fagomraader, antal_ansoegninger, med_omfang, "
                             "med_formaal, med_stillingskilder, batch_key",
    "fact_visitation": "person_pseudonym, gyldig_fra, gyldig_til, visitationsgruppe_key, forrige_visitationsgruppe_key, "
                       "indberetter_key, samtale_key, batch_key",
}
KEY_COLUMN = {"fact_samtale": "samtale_key", "fact_minplan": "minplan_key", "fact_jobsoegningskrav": "jobsoegningskrav_key"}


def hmac_sql(message_sql):
    """SQL for the first 16 bytes of HMAC-SHA256(key, message) as a uuid (the pads are in table k)."""
    inner = f"unhex(sha256(k.ipad || encode({message_sql})))"
    return f"substr(sha256(k.opad || {inner}), 1, 32)::UUID"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--database", required=True, help="libpq conninfo of a migrated, empty warehouse")
    ap.add_argument("--key", required=True, help="the pseudonym key file (64 hex digits)")
    ap.add_argument("--work", required=True, help="a folder for the CSV files and DuckDB's spill files")
    ap.add_argument("feeds", nargs="+")
    a = ap.parse_args()
    os.makedirs(a.work, exist_ok=True)
    key = bytes.fromhex(open(a.key).read().strip())
    assert len(key) == 32, "the key file holds 64 hex digits"
    started = time.time()

    def step(name):
        print(f"  duckdb route: {name} at {time.time() - started:.2f} s", file=sys.stderr)

    pg = psycopg.connect(a.database)   # one transaction until commit()
    cur = pg.cursor()
    if cur.execute("SELECT EXISTS (SELECT 1 FROM samtaler.fact_samtale)").fetchone()[0]:
        sys.exit("duckdb_route.py: the warehouse has conversations already; the route makes a first load only")
    batch = cur.execute("SELECT nextval('samtaler.batch_seq')").fetchone()[0]

    db = duckdb.connect(config={"threads": os.cpu_count() or 2, "temp_directory": a.work})
    db.execute("SET TimeZone = 'UTC'")
    for table, sql in DIMENSIONS.items():
        rows = cur.execute(sql).fetchall()
        db.execute(f"CREATE TABLE {table}")
        db.executemany(f"INSERT INTO {table.split()[0]} VALUES ({', '.join('?' * len(rows[0]))})", rows)
    pad = key.ljust(64, b"\0")
    db.execute("CREATE TABLE k AS SELECT $1::BLOB AS ipad, $2::BLOB AS opad",
               [bytes(b ^ 0x36 for b in pad), bytes(b ^ 0x5C for b in pad)])

    # Every line, in load order (rowid: files in the order given, lines in file order).
    files = ", ".join("'" + f.replace("'", "''") + "'" for f in a.feeds)
    columns = "{" + ", ".join(f"'{k}': '{v}'" for k, v in FEED_COLUMNS.items()) + "}"
    body = ", ".join(f"CASE WHEN NOT annulleret THEN {c} END AS {c}" for c in FEED_COLUMNS if c not in ENVELOPE)
    db.execute(f"""
        CREATE TABLE line AS
        WITH f AS (SELECT *, coalesce(handling, 'opret') = 'annuller' AS annulleret
                   FROM read_json([{files}], format = 'newline_delimited', columns = {columns})),
        b AS (SELECT registrering, id, annulleret, registreret, indberetter, {body} FROM f)
        SELECT registrering, id, annulleret, registreret::TIMESTAMPTZ AS registreret, indberetter.type AS itype,
               indberetter.kode AS ikode, replace(cpr, '-', '') AS cpr, afholdt, samtaletype, samtaleform, kontaktgruppe, aftale,
               akasseDeltagelse, visitationsgruppe, tidligOpfoelgning, cvFyldestgoerende, cvGodkendelse, raadighedsvurdering,
               deltagere, len(jobmaal) AS antal_jobmaal, len(fagomraader) AS antal_fagomraader, antalAnsoegninger,
               length(omfang) > 0 AS med_omfang, length(formaal) > 0 AS med_formaal, length(stillingskilder) > 0 AS med_stillingskilder
        FROM b""")
    step("read_json")

    # The current version of each registration: latest registreret, the line loaded first on a tie.
    db.execute("""
        CREATE TABLE winner AS
        WITH v AS (
            SELECT registrering, itype, ikode, id, arg_max(rowid, (registreret, -rowid)) AS seq,
                   min(registreret) FILTER (WHERE NOT annulleret) AS foerste_registreret
            FROM line GROUP BY ALL)
        SELECT v.seq, v.foerste_registreret, l.* FROM v JOIN line l ON l.rowid = v.seq""")
    step("versions")

    # An a-kasse the dimension lacks: an inferred member, in the load's transaction.
    for (kode,) in db.execute("""
            SELECT DISTINCT ikode FROM winner w
            WHERE NOT EXISTS (SELECT 1 FROM d_indberetter d WHERE d.type = w.itype AND d.kode = w.ikode) ORDER BY 1""").fetchall():
        k = cur.execute("SELECT samtaler.infer_akasse(%s, %s)", (kode, batch)).fetchone()[0]
        db.execute("INSERT INTO d_indberetter VALUES ('akasse', ?, ?)", [kode, k])

    # A person's pseudonym once per person, not per line.
    db.execute(f"""
        CREATE TABLE person AS
        SELECT cpr, {hmac_sql("'person:' || cpr")} AS person
        FROM (SELECT DISTINCT cpr FROM winner WHERE NOT annulleret AND cpr <> '0000000000') p, k""")
    # The columns every kind shares: keys, pseudonyms, the person's age band and gender on the day
    # the registration concerns (none for a withdrawal).
    db.execute(f"""
        CREATE TABLE row AS
        WITH w AS (
            SELECT w.*, d.key AS indberetter_key,
                   CASE WHEN annulleret THEN NULL
                        WHEN registrering <> 'samtale' THEN timezone('Europe/Copenhagen', registreret)::DATE
                        WHEN length(afholdt) = 10 THEN afholdt::DATE
                        ELSE timezone('Europe/Copenhagen', afholdt::TIMESTAMPTZ)::DATE END AS dag,
                   CASE WHEN NOT annulleret AND cpr <> '0000000000' THEN make_date(
                        CASE WHEN substr(cpr, 7, 1) IN ('0', '1', '2', '3') THEN 1900
                             WHEN substr(cpr, 7, 1) IN ('4', '9') THEN CASE WHEN substr(cpr, 5, 2)::INT <= 36 THEN 2000 ELSE 1900 END
                             ELSE CASE WHEN substr(cpr, 5, 2)::INT <= 57 THEN 2000 ELSE 1800 END END + substr(cpr, 5, 2)::INT,
                        substr(cpr, 3, 2)::INT, substr(cpr, 1, 2)::INT) END AS foedt
            FROM winner w JOIN d_indberetter d ON d.type = w.itype AND d.kode = w.ikode),
        a AS (
            SELECT *, year(dag) - year(foedt) - CASE WHEN month(dag) * 100 + day(dag) < month(foedt) * 100 + day(foedt)
                                                     THEN 1 ELSE 0 END AS alder
            FROM w)
        SELECT a.*,
               {hmac_sql("'registrering:' || registrering || '|' || itype || '|' || ikode || '|' || id")} AS noegle,
               p.person,
               CASE WHEN NOT annulleret THEN coalesce(ag.key, (SELECT key FROM d_aldersgruppe WHERE fra IS NULL)) END AS aldersgruppe_key,
               g.key AS koen_key, strftime(dag, '%Y%m%d')::INT AS dato_key
        FROM a CROSS JOIN k
        LEFT JOIN person p ON p.cpr = a.cpr AND a.foedt IS NOT NULL
        LEFT JOIN d_aldersgruppe ag ON a.alder BETWEEN ag.fra AND ag.til
        LEFT JOIN d_koen g ON NOT a.annulleret
             AND g.code = CASE WHEN a.foedt IS NULL THEN 'U' WHEN substr(a.cpr, 10, 1)::INT % 2 = 1 THEN 'M' ELSE 'K' END""")
    step("pseudonyms and keys")

    first = {t: cur.execute(f"SELECT nextval(pg_get_serial_sequence('samtaler.{t}', '{c}'))").fetchone()[0]
             for t, c in KEY_COLUMN.items()}
    out = {t: os.path.join(a.work, t + ".csv") for t in TABLES}
    # One transaction. The facts' secondary indexes are built after their COPY, as a first load
    # does. Each CSV file is COPYed by a second thread as soon as DuckDB has written it, while
    # DuckDB writes the next (both release Python's lock while they work).
    cur.execute("SELECT samtaler.first_load_drop_indexes()")
    ready = queue.Queue()
    failure = []

    def send():
        try:
            while (t := ready.get()) is not None:
                with open(out[t], "rb") as f, cur.copy(f"COPY samtaler.{t} ({TABLES[t]}) FROM STDIN (FORMAT csv)") as copy:
                    while chunk := f.read(1 << 20):
                        copy.write(chunk)
                step(f"COPY {t} done")
        except Exception as e:   # reported by the main thread
            failure.append(e)
    sender = threading.Thread(target=send)
    sender.start()
    db.execute(f"""
        CREATE TABLE samtale AS
        SELECT {first['fact_samtale']} - 1 + row_number() OVER (ORDER BY seq) AS samtale_key, r.*
        FROM row r WHERE registrering = 'samtale'""")
    db.execute(f"""
        COPY (
            SELECT s.samtale_key, s.noegle, s.indberetter_key, s.registreret, s.annulleret, s.person, s.dato_key,
                   CASE WHEN length(s.afholdt) > 10 THEN s.afholdt::TIMESTAMPTZ END, t.key, f.key, kg.key, vg.key,
                   s.aldersgruppe_key, s.koen_key, s.aftale.forpligtende, s.aftale.saerligIndsats,
                   CASE WHEN s.aftale IS NOT NULL THEN coalesce(length(s.aftale.tekst) > 0, false) END,
                   CASE s.akasseDeltagelse WHEN 'DELTOG' THEN true WHEN 'DELTOG_IKKE' THEN false END,
                   s.tidligOpfoelgning, s.cvFyldestgoerende, s.cvGodkendelse, s.raadighedsvurdering,
                   CASE WHEN NOT s.annulleret THEN s.itype = 'jobcenter' AND coalesce(kg.videregives, false) AND t.videregives_kg1 END,
                   s.foerste_registreret, coalesce(len(s.deltagere), 0), {batch}
            FROM samtale s
            LEFT JOIN d_samtaletype t ON t.code = s.samtaletype
            LEFT JOIN d_samtaleform f ON f.code = s.samtaleform
            LEFT JOIN d_kontaktgruppe kg ON kg.code = s.kontaktgruppe
            LEFT JOIN d_visitationsgruppe vg ON vg.code = s.visitationsgruppe
            ORDER BY s.samtale_key) TO '{out['fact_samtale']}' (HEADER false)""")
    ready.put("fact_samtale")
    db.execute(f"""
        COPY (
            SELECT p.samtale_key, p.nr, r.key, f.key, {batch}
            FROM (SELECT samtale_key, unnest(range(1, len(deltagere) + 1)) AS nr, unnest(deltagere) AS d
                  FROM samtale WHERE len(deltagere) > 0) p
            JOIN d_deltagerrolle r ON r.code = p.d.rolle JOIN d_deltagelsesform f ON f.code = p.d.deltagelsesform
            ORDER BY p.samtale_key, p.nr) TO '{out['fact_samtale_deltager']}' (HEADER false)""")
    ready.put("fact_samtale_deltager")
    db.execute(f"""
        COPY (
            SELECT {first['fact_minplan']} - 1 + row_number() OVER (ORDER BY seq), noegle, indberetter_key, registreret, annulleret,
                   person, dato_key, aldersgruppe_key, koen_key, antal_jobmaal, {batch}
            FROM row WHERE registrering = 'minplan' ORDER BY seq) TO '{out['fact_minplan']}' (HEADER false)""")
    ready.put("fact_minplan")
    db.execute(f"""
        COPY (
            SELECT {first['fact_jobsoegningskrav']} - 1 + row_number() OVER (ORDER BY seq), noegle, indberetter_key, registreret,
                   annulleret, person, dato_key, aldersgruppe_key, koen_key, antal_fagomraader, antalAnsoegninger, med_omfang,
                   med_formaal, med_stillingskilder, {batch}
            FROM row WHERE registrering = 'jobsoegningskrav' ORDER BY seq) TO '{out['fact_jobsoegningskrav']}' (HEADER false)""")
    ready.put("fact_jobsoegningskrav")
    # The visitation history of every person (recompute_visitation's rules).
    db.execute(f"""
        COPY (
            WITH reg AS (
                SELECT s.person, timezone('Europe/Copenhagen', s.foerste_registreret)::DATE AS dag, s.foerste_registreret,
                       s.noegle::VARCHAR AS noegle, vg.key AS gruppe, s.indberetter_key, s.samtale_key
                FROM samtale s JOIN d_visitationsgruppe vg ON vg.code = s.visitationsgruppe
                WHERE s.person IS NOT NULL),
            dag AS (
                SELECT * FROM reg
                QUALIFY row_number() OVER (PARTITION BY person, dag ORDER BY foerste_registreret DESC, noegle DESC) = 1),
            skift AS (SELECT *, lag(gruppe) OVER (PARTITION BY person ORDER BY dag) AS forrige FROM dag),
            start AS (SELECT * FROM skift WHERE forrige IS DISTINCT FROM gruppe)
            SELECT person, dag, lead(dag) OVER (PARTITION BY person ORDER BY dag) - 1, gruppe, forrige, indberetter_key,
                   samtale_key, {batch}
            FROM start ORDER BY person, dag) TO '{out['fact_visitation']}' (HEADER false)""")
    ready.put("fact_visitation")
    counts = {t: db.execute(f"SELECT count(*) FROM row WHERE registrering = '{t.removeprefix('fact_')}'").fetchone()[0]
              for t in KEY_COLUMN}
    lines = db.execute("SELECT count(*) FROM line").fetchone()[0]
    db.close()
    step("CSV written")
    ready.put(None)
    sender.join()
    if failure:
        raise failure[0]
    # Every index first_load_drop_indexes dropped: the four fact tables' and the visitation history's.
    cur.execute("""SELECT samtaler.first_load_build_indexes(ARRAY['samtaler.fact_samtale', 'samtaler.fact_samtale_deltager',
                   'samtaler.fact_minplan', 'samtaler.fact_jobsoegningskrav', 'samtaler.fact_visitation']::regclass[])""")
    for t, c in KEY_COLUMN.items():
        if counts[t] > 0:
            cur.execute(f"SELECT setval(pg_get_serial_sequence('samtaler.{t}', '{c}'), %s)", (first[t] + counts[t] - 1,))
    cur.execute("""
        INSERT INTO samtaler.dim_batch (batch_key, startet, afsluttet, status, filer, laest, accepteret, afvist, nye, aendrede,
            annullerede, uaendrede, afvist_pr_regel, sekunder, linjer_pr_sekund, samtaler_version)
        VALUES (%s, now(), clock_timestamp(), 'publiceret', %s, %s, %s, 0, 0, 0, 0, 0, '{}', 0, 0, 'duckdb-route')""",
                (batch, a.feeds, lines, lines))
    step("indexes and batch")
    pg.commit()
    step("COMMIT")
    print(f"{time.time() - started:.3f}")


if __name__ == "__main__":
    main()
