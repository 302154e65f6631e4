"""The National Framework hand-written in DuckDB SQL.

Loading reads each CSV file into a table of an in-memory database (`read_csv` with typed
columns and the dd/mm/YYYY date format). Evaluation is one SQL statement: a CTE per dataset
reduces records to children (`GROUP BY LA, CHILD` with `bool_or`, `max`, `arg_max`) and
children to LAs, re-referrals use an `ASOF LEFT JOIN` on the referral date, and the LAs are
pooled into regions and England with `GROUPING SETS`. In SQL a test on NULL is NULL, so each
condition is wrapped in `coalesce(…, false)`: in the framework a test on a missing value is
false.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import numpy as np

from benchmarks.engines import definitions as d
from benchmarks.engines.publication import Counted, publish_counted

NAME = "duckdb"
publish = publish_counted


def load(directory: Path) -> duckdb.DuckDBPyConnection:
    """A new in-memory database with one table per CSV file the framework reads."""
    con = duckdb.connect()
    for dataset in d.datasets_in(directory):
        path = directory / f"{dataset}.csv"
        columns = d.columns_in(path, dataset)
        types = {name: "DATE" if kind == d.DATE else "VARCHAR" for name, kind in columns.items()}
        symbols = ["", *d.POPULATION_MISSING] if dataset == "ons_population" else [""]
        selected = []
        for name, kind in columns.items():
            if kind == d.NUMBER:
                selected.append(f"try_cast(replace({name}, ',', '') AS DOUBLE) AS {name}")
            elif kind == d.BOOLEAN:
                selected.append(
                    f"CASE WHEN lower(trim({name})) IN {_codes(d.TRUE_WORDS)} THEN 1.0 "
                    f"WHEN lower(trim({name})) IN {_codes(d.FALSE_WORDS)} THEN 0.0 END AS {name}")
            else:
                selected.append(name)
        con.execute(
            f"CREATE OR REPLACE TABLE {dataset} AS SELECT {', '.join(selected)} FROM read_csv("
            f"{_text(str(path))}, header = true, dateformat = '%d/%m/%Y', "
            f"nullstr = [{', '.join(_text(s) for s in symbols)}], types = {types})")
    return con


def _text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _codes(codes: tuple[str, ...]) -> str:
    return "(" + ", ".join(_text(c) for c in codes) + ")"


def _date(value: Any) -> str:
    return f"DATE '{value.isoformat()}'"


def _test(condition: str) -> str:
    return f"coalesce({condition}, false)"


def _age(column: str, p: d.Period) -> str:
    """Completed years at the end of the period (NULL when the date is missing)."""
    return (f"({p.end.year} - year({column}) - CASE WHEN month({column}) > {p.end.month} OR "
            f"(month({column}) = {p.end.month} AND day({column}) > {p.end.day}) "
            "THEN 1 ELSE 0 END)")


def _sums(columns: dict[str, str]) -> str:
    return ",\n  ".join(f'sum(CASE WHEN {expr} THEN 1 ELSE 0 END) AS "{name}"'
                        for name, expr in columns.items())


def evaluate(con: duckdb.DuckDBPyConnection, period: int) -> Counted:
    """Every indicator\'s counts for every LA, region and England (`publish` publishes
    them)."""
    p = d.Period.ending(period)
    las = con.execute("SELECT old_la_code, region_code FROM local_authorities ORDER BY rowid"
                      ).fetchall()
    neighbour_rows = {row[0]: list(row[1:]) for row in con.execute(
        f"SELECT old_la_code, {', '.join(d.NEIGHBOUR_COLUMNS)} "
        "FROM statistical_neighbours_2025").fetchall()}
    geography = d.geography_from([r[0] for r in las], [r[1] for r in las], neighbour_rows)
    sexes = {r[0] for r in con.execute("SELECT DISTINCT SEX FROM header").fetchall()}
    has_distance = "PL_DISTANCE" in {r[0] for r in con.execute(
        "SELECT column_name FROM duckdb_columns() WHERE table_name = 'episodes'").fetchall()}
    parts = {"care": _care(p, [c for c in d.SEX_CODES if c in sexes], has_distance),
             "in_need": _in_need(p), "referrals": _referrals(p), "plans": _plans(p),
             "leavers": _care_leavers(p), "sdq": _sdq(p), "ons": _population(p)}
    tables = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    if "pupils" in tables:
        parts["pupils"] = _pupils()
    names = [name for part in parts.values() for name in part[1]]
    joins = "\n".join(f"LEFT JOIN {name} ON {name}.LA = l.old_la_code" for name in parts)
    columns = ", ".join(
        f'coalesce("{n}", 0) AS "{n}"' if n != "population"
        else 'CASE WHEN ons.LA IS NULL THEN 0 ELSE population END AS population'
        for n in names)
    pooled_columns = ", ".join(f'sum("{n}") AS "{n}"' for n in names)
    sql = f"""
WITH {', '.join(f'{name} AS ({query})' for name, (query, _) in parts.items())},
la AS (
  SELECT l.rowid AS position, l.old_la_code AS LA, l.region_code AS region, {columns}
  FROM local_authorities l {joins}
)
SELECT {pooled_columns}
FROM la
GROUP BY GROUPING SETS ((position, LA, region), (region), ())
ORDER BY grouping(region), grouping(LA), position, region
"""
    result = con.execute(sql).fetchnumpy()
    pooled = {name: np.ma.filled(np.ma.asarray(result[name], dtype=np.float64), np.nan)
              for name in names}
    return geography, d.cell_counts(pooled)


def _care(p: d.Period, sexes: list[str], has_distance: bool) -> tuple[str, list[str]]:
    """The SSDA903 indicators on the header: looked after, starting, ceasing, placements."""
    start, end = _date(p.start), _date(p.end)
    distance = "PL_DISTANCE" if has_distance else "CAST(NULL AS DOUBLE)"
    # Temporary placements, and returns from them: the episode after a temporary placement,
    # unless the latest earlier settled placement had another PLACE ('?': no PLACE).
    marked = f"""
  SELECT *, rowid AS row, {_test(f"PLACE IN {_codes(d.TEMPORARY)}")} AS temporary
  FROM episodes WHERE CHILD IS NOT NULL"""
    window = "PARTITION BY LA, CHILD ORDER BY DECOM, row"
    usual = (f"last_value(CASE WHEN NOT temporary THEN coalesce(PLACE, '?') END IGNORE NULLS) "
             f"OVER ({window} ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)")
    settled = f"""
  SELECT *, NOT (temporary OR (coalesce(lag(temporary) OVER ({window}), false)
    AND NOT {_test(f"{usual} <> '?' AND (PLACE IS NULL OR {usual} <> PLACE)")})) AS moving
  FROM ({marked})"""
    episode = f"""
  SELECT LA, CHILD, row, DECOM, DEC, RNE, PLACE, REC, moving, {distance} AS distance,
    {_test("DECOM <= " + end + " AND (DEC IS NULL OR DEC > " + end + ")")}
      AND {_test(f"LS IS NOT NULL AND LS NOT IN {_codes(d.SHORT_BREAKS)}")} AS counted,
    {_test(f"LS IS NOT NULL AND LS NOT IN {_codes(d.SHORT_BREAKS)}")} AS ls_ok,
    {_test(f"DECOM < {start} AND (DEC IS NULL OR DEC >= {start})")} AS at_start,
    {_test(f"DEC BETWEEN {start} AND {end} AND REC IN {_codes(d.LEFT_CARE)}")}
      AND {_test(f"LS IS NOT NULL AND LS NOT IN {_codes(d.SHORT_BREAKS)}")} AS ceases
  FROM ({settled})"""
    starts = _test(f"RNE IN {_codes(d.PLACEMENT_CHANGE)} AND moving "
                   f"AND DECOM BETWEEN {start} AND {end}")
    child = f"""
  SELECT LA, CHILD,
    bool_or(counted) AS cla,
    bool_or({_test(f"RNE = 'S' AND DECOM BETWEEN {start} AND {end}")} AND ls_ok) AS started,
    bool_or(ceases) AS ceased,
    sum(CASE WHEN {starts} THEN 1 ELSE 0 END + CASE WHEN at_start THEN 1 ELSE 0 END)
      AS placements,
    bool_or(counted AND {_test(f"PLACE IN {_codes(d.FOSTER)}")}) AS foster,
    bool_or(counted AND {_test(f"PLACE IN {_codes(d.SECURE_AND_CHILDRENS_HOMES)}")}) AS homes,
    bool_or(counted AND {_test(f"PLACE IN {_codes(d.INDEPENDENT_AND_SUPPORTED)}")})
      AS independent,
    bool_or(counted AND {_test(f"distance > {d.FAR_MILES} AND distance < {d.UNKNOWN_DISTANCE}")})
      AS far,
    max(CASE WHEN {_test(f"RNE = 'S' AND DECOM <= {end}")} THEN DECOM END) AS last_start,
    max(CASE WHEN {_test(f"RNE IN {_codes(d.NEW_CARER)} AND moving AND DECOM <= {end}")}
      THEN DECOM END) AS last_carer,
    arg_max(REC, {{'dec': DEC, 'row': row}}) FILTER (WHERE ceases) AS last_rec
  FROM ({episode}) GROUP BY LA, CHILD"""
    uasc = f"""
  SELECT DISTINCT LA, CHILD, true AS uasc FROM uasc
  WHERE CHILD IS NOT NULL AND (DUC IS NULL OR {_test(f"DUC > {end}")})"""
    flags = ("cla", "started", "ceased", "foster", "homes", "independent", "far", "uasc")
    header = f"""
  SELECT h.LA, h.SEX, h.DOB, c.placements, c.last_start, c.last_carer, c.last_rec,
    {', '.join(f'coalesce({flag}, false) AS {flag}' for flag in flags)}
  FROM header h
  LEFT JOIN ({child}) c ON c.LA = h.LA AND c.CHILD = h.CHILD
  LEFT JOIN ({uasc}) u ON u.LA = h.LA AND u.CHILD = h.CHILD"""
    stable = (f"cla AND {_test(_age('DOB', p) + ' < 16')} "
              f"AND {_test(f'last_start <= {_date(p.end_minus_2y6m)}')}")
    three = f"cla AND {_test('placements >= 3')}"
    columns = {
        "cla_started_rate_per_10k||num": "started",
        "cla_rate_per_10k||num": "cla",
        "uasc_rate_per_10k||num": "cla AND uasc",
        "ceased_sgo||den": "ceased",
        "ceased_sgo||num": f"ceased AND {_test(f'last_rec IN {_codes(d.SPECIAL_GUARDIANSHIP)}')}",
        "ceased_cao||den": "ceased",
        "ceased_cao||num": f"ceased AND {_test(f'last_rec IN {_codes(d.CHILD_ARRANGEMENTS)}')}",
        "placements_3plus||den": "cla",
        "placements_3plus||num": three,
        "long_term_stability||den": stable,
        "long_term_stability||num":
            f"{stable} AND {_test(f'last_carer <= {_date(p.end_minus_2y)}')}",
        "placed_20_miles||den": "cla",
        "placed_20_miles||num": "cla AND far",
        "foster_care||den": "cla", "foster_care||num": "cla AND foster",
        "secure_and_childrens_homes||den": "cla",
        "secure_and_childrens_homes||num": "cla AND homes",
        "independent_and_supported||den": "cla",
        "independent_and_supported||num": "cla AND independent",
    }
    for code in sexes:
        columns[f"placements_3plus|SEX: {code}|den"] = f"cla AND {_test(f'SEX = {_text(code)}')}"
        columns[f"placements_3plus|SEX: {code}|num"] = \
            f"{three} AND {_test(f'SEX = {_text(code)}')}"
    return f"SELECT LA, {_sums(columns)} FROM ({header}) GROUP BY LA", list(columns)


def _in_need(p: d.Period) -> tuple[str, list[str]]:
    """Children in need at 31 March: episodes of need open that day, as DfE counts them
    (`At31_episodes`)."""
    end = _date(p.end)
    is_open = _test(f"CINreferralDate <= {end} AND (CINclosureDate IS NULL OR "
                    f"CINclosureDate > {end}) AND coalesce(ReferralNFA <> 1, true)")
    name = "cin_rate_per_10k||num"
    return f'SELECT LA, count_if({is_open}) AS "{name}" FROM cin_details GROUP BY LA', [name]


def _referrals(p: d.Period) -> tuple[str, list[str]]:
    """Referrals in the year, and those with an earlier referral within 12 months."""
    return f"""
  SELECT r.LA, count(*) AS "rereferrals_12m||den",
    count_if(e.previous >= CAST(r.CINreferralDate - INTERVAL 12 MONTH AS DATE))
      AS "rereferrals_12m||num"
  FROM (SELECT LA, LAchildID, CINreferralDate FROM cin_details
        WHERE CINreferralDate BETWEEN {_date(p.start)} AND {_date(p.end)}) r
  ASOF LEFT JOIN (SELECT LA, LAchildID, CINreferralDate AS previous FROM cin_details
                  WHERE LAchildID IS NOT NULL AND CINreferralDate IS NOT NULL) e
    ON e.LA = r.LA AND e.LAchildID = r.LAchildID AND r.CINreferralDate > e.previous
  GROUP BY r.LA""", ["rereferrals_12m||den", "rereferrals_12m||num"]


def _plans(p: d.Period) -> tuple[str, list[str]]:
    """Child protection plans: second or subsequent, and open for two years or more."""
    end = _date(p.end)
    starting = _test(f"CPPstartDate BETWEEN {_date(p.start)} AND {end}")
    is_open = _test(f"CPPstartDate <= {end} AND (CPPendDate IS NULL OR CPPendDate > {end})")
    columns = {
        "cpp_second_or_subsequent||den": starting,
        "cpp_second_or_subsequent||num": f"{starting} AND {_test('NumberOfPreviousCPP >= 1')}",
        "cpp_2_years_plus||den": is_open,
        "cpp_2_years_plus||num":
            f"{is_open} AND {_test(f'CPPstartDate <= {_date(p.end_minus_2y)}')}",
    }
    return f"SELECT LA, {_sums(columns)} FROM child_protection_plans GROUP BY LA", list(columns)


def _care_leavers(p: d.Period) -> tuple[str, list[str]]:
    """Care leavers aged 17-18 and 19-21: in education, employment or training; suitably
    accommodated."""
    counted = _test(f"IN_TOUCH IS NOT NULL AND IN_TOUCH NOT IN {_codes(d.EXCLUDED_CARE_LEAVERS)}")
    age = _age("DOB", p)
    columns = {}
    for band, (low, high) in {"17_18": (17, 18), "19_21": (19, 21)}.items():
        cohort = f"{counted} AND {_test(f'{age} BETWEEN {low} AND {high}')}"
        known = f"{cohort} AND NOT {_test(f'ACCOM IN {_codes(d.SUITABILITY_NOT_KNOWN)}')}"
        for what, base, column, group in (("eet", cohort, "ACTIV", d.EET),
                                          ("suitable", known, "ACCOM", d.SUITABLE)):
            columns[f"care_leavers_{band}_{what}||den"] = base
            columns[f"care_leavers_{band}_{what}||num"] = \
                f"{base} AND {_test(f'{column} IN {_codes(group)}')}"
    return f"SELECT LA, {_sums(columns)} FROM oc3 GROUP BY LA", list(columns)


def _sdq(p: d.Period) -> tuple[str, list[str]]:
    """SDQ scores of children aged 5 to 16: count, sum and sum of squares per LA."""
    age = _age("DOB", p)
    cohort = f"SDQ_SCORE IS NOT NULL AND {_test(f'{age} BETWEEN 5 AND 16')}"
    return f"""
  SELECT LA, count_if({cohort}) AS "sdq_mean||num",
    coalesce(sum(SDQ_SCORE) FILTER (WHERE {cohort}), 0) AS "sdq_mean||total",
    coalesce(sum(SDQ_SCORE * SDQ_SCORE) FILTER (WHERE {cohort}), 0) AS "sdq_mean||total_sq"
  FROM oc2 GROUP BY LA""", ["sdq_mean||num", "sdq_mean||total", "sdq_mean||total_sq"]


def _population(p: d.Period) -> tuple[str, list[str]]:
    """The ONS estimate of each LA for the previous mid-year (NULL if only unknowns)."""
    return f"""
  SELECT old_la_code AS LA, sum(population_estimate) AS population
  FROM ons_population
  WHERE time_period = {p.population_year} AND old_la_code IS NOT NULL
  GROUP BY old_la_code""", ["population"]


def _pupils() -> tuple[str, list[str]]:
    """All pupils against children looked after for 12 months (found by their UPN in the
    header of a child in OC2): persistent absence and Attainment 8."""
    sampled = _test("sampled = 1")
    compulsory = _test(f"NCyearActual IN {_codes(d.COMPULSORY_SCHOOL_AGE)}")
    absent = _test("OverallAbsence * 10 >= SessionsPossible")
    year_11 = f"{_test(f'NCyearActual IN {_codes(d.YEAR_11)}')} AND Attainment8 IS NOT NULL"
    columns = {"all_pupils_persistent_absence||den": f"{sampled} AND {compulsory}",
               "all_pupils_persistent_absence||num": f"{sampled} AND {compulsory} AND {absent}",
               "cla_persistent_absence||den": f"{compulsory} AND cla",
               "cla_persistent_absence||num": f"{compulsory} AND cla AND {absent}"}
    selected = [_sums(columns)]
    for name, cohort in (("all_pupils_attainment8", f"{sampled} AND {year_11}"),
                         ("cla_attainment8", f"{year_11} AND cla")):
        selected += [f'count_if({cohort}) AS "{name}||num"',
                     f'coalesce(sum(Attainment8) FILTER (WHERE {cohort}), 0) AS "{name}||total"',
                     f"coalesce(sum(Attainment8 * Attainment8) FILTER (WHERE {cohort}), 0) "
                     f'AS "{name}||total_sq"']
        columns |= {f"{name}||{part}": "" for part in ("num", "total", "total_sq")}
    return f"""
  SELECT p.LA, {", ".join(selected)}
  FROM pupils p
  LEFT JOIN (SELECT DISTINCT h.LA, h.UPN, true AS cla FROM header h
             JOIN (SELECT DISTINCT LA, CHILD FROM oc2 WHERE CHILD IS NOT NULL) o
               ON o.LA = h.LA AND o.CHILD = h.CHILD
             WHERE h.UPN IS NOT NULL) c
    ON c.LA = p.LA AND c.UPN = p.UPN
  GROUP BY p.LA""", list(columns)
