"""The National Framework hand-written in polars (lazy queries, joins and group-bys).

The same steps as the pandas engine, in polars' idiom: per-child flags from
`group_by(["LA", "CHILD"])`, per-LA sums with one `group_by("LA")` per dataset, regions and
England as sums of the LAs. polars propagates nulls through comparisons, so every test is
closed with `fill_null(False)`: in the framework a test on a missing value is false.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl

from benchmarks.engines import definitions as d
from benchmarks.engines.publication import Counted, publish_counted

Frames = dict[str, pl.DataFrame]
NAME = "polars"
publish = publish_counted


def load(directory: Path) -> Frames:
    """Every CSV file the framework reads, with dd/mm/YYYY dates parsed and types applied."""
    frames = {}
    for dataset in d.datasets_in(directory):
        path = directory / f"{dataset}.csv"
        columns = d.columns_in(path, dataset)
        na = ["", *d.POPULATION_MISSING] if dataset == "ons_population" else [""]
        frame = pl.read_csv(path, columns=list(columns), infer_schema=False, null_values=na)
        converted = []
        for name, kind in columns.items():
            column = pl.col(name)
            if kind == d.DATE:
                converted.append(column.str.to_date("%d/%m/%Y", strict=False))
            elif kind == d.NUMBER:
                converted.append(column.str.replace_all(",", "").cast(pl.Float64, strict=False))
            elif kind == d.BOOLEAN:
                lowered = column.str.strip_chars().str.to_lowercase()
                converted.append(pl.when(lowered.is_in(d.TRUE_WORDS)).then(1.0)
                                 .when(lowered.is_in(d.FALSE_WORDS)).then(0.0)
                                 .otherwise(None).alias(name))
        frames[dataset] = frame.with_columns(converted) if converted else frame
    return frames


def _test(expr: pl.Expr) -> pl.Expr:
    """A condition: missing is false."""
    return expr.fill_null(False)


def _in(column: str, p: d.Period) -> pl.Expr:
    return _test((pl.col(column) >= p.start) & (pl.col(column) <= p.end))


def _age(column: str, p: d.Period) -> pl.Expr:
    """Completed years at the end of the period (null when the date is missing)."""
    dob = pl.col(column)
    before_birthday = (dob.dt.month() > p.end.month) | (
        (dob.dt.month() == p.end.month) & (dob.dt.day() > p.end.day))
    return p.end.year - dob.dt.year().cast(pl.Int64) - before_birthday.cast(pl.Int64)


def _per_la(frame: pl.LazyFrame, la: str, columns: dict[str, pl.Expr]) -> pl.LazyFrame:
    """Per-LA sums of the conditions (or numbers) `columns`."""
    return (frame.group_by(pl.col(la).alias("LA"))
            .agg([expr.cast(pl.Float64).sum().alias(name) for name, expr in columns.items()]))


def evaluate(frames: Frames, period: int) -> Counted:
    """Every indicator\'s counts for every LA, region and England (`publish` publishes
    them)."""
    p = d.Period.ending(period)
    las = frames["local_authorities"]
    sn = frames["statistical_neighbours_2025"]
    neighbour_rows = {row[0]: list(row[1:]) for row in
                      sn.select("old_la_code", *d.NEIGHBOUR_COLUMNS).iter_rows()}
    geography = d.geography_from(las["old_la_code"].to_list(), las["region_code"].to_list(),
                                 neighbour_rows)
    parts = [_care(frames, p), *_need(frames, p), _protection(frames, p),
             _care_leavers(frames, p), _sdq(frames, p), _population(frames, p)]
    if "pupils" in frames:
        parts.append(_pupils(frames))
    areas = pl.LazyFrame({"LA": list(geography.la_codes), "region": list(geography.region_of)})
    per_la = areas
    for part in parts:
        per_la = per_la.join(part, on="LA", how="left", maintain_order="left")
    per_la_frame = per_la.collect()
    values = [c for c in per_la_frame.columns if c not in ("LA", "region")]
    counted = [c for c in values if c != "population"]
    per_la_frame = per_la_frame.with_columns(pl.col(counted).fill_null(0.0),
                                             pl.col("population").fill_null(0.0))
    regions = (per_la_frame.group_by("region").agg(pl.col(values).sum())
               .sort("region").select(values))
    england = per_la_frame.select(pl.col(values).sum())
    pooled = pl.concat([per_la_frame.select(values), regions, england])
    return geography, d.cell_counts(
        {name: pooled[name].to_numpy().astype(np.float64) for name in values})


NO_PLACE = "\0"
"""Stands for an episode whose PLACE is missing while the usual placement is carried."""


def _moving(e: pl.LazyFrame) -> pl.LazyFrame:
    """Episodes sorted by child and start, with `moving`: not a temporary placement, nor the
    return from one (the episode after a temporary placement, back in the PLACE held before
    it)."""
    keys = ["LA", "CHILD"]
    temporary = _test(pl.col("PLACE").is_in(d.TEMPORARY))
    e = e.sort(*keys, "DECOM", maintain_order=True).with_columns(
        temporary=temporary,
        usual=pl.when(~temporary).then(pl.col("PLACE").fill_null(NO_PLACE))
        .forward_fill().shift(1).over(keys))
    after = pl.col("temporary").shift(1).over(keys).fill_null(False)
    elsewhere = _test((pl.col("usual") != NO_PLACE)
                      & (pl.col("PLACE").is_null() | (pl.col("usual") != pl.col("PLACE"))))
    return e.with_columns(moving=~(pl.col("temporary") | (after & ~elsewhere)))


def _care(frames: Frames, p: d.Period) -> pl.LazyFrame:
    """The SSDA903 indicators on the header: looked after, starting, ceasing, placements."""
    e = _moving(frames["episodes"].lazy().with_row_index("row")
                .filter(pl.col("CHILD").is_not_null()))
    moving = pl.col("moving")
    has_distance = "PL_DISTANCE" in frames["episodes"].columns
    distance = pl.col("PL_DISTANCE") if has_distance else pl.lit(None, dtype=pl.Float64)
    ls_ok = _test(pl.col("LS").is_not_null() & ~pl.col("LS").is_in(d.SHORT_BREAKS))
    at_end = _test((pl.col("DECOM") <= p.end) & (pl.col("DEC").is_null() | (pl.col("DEC") > p.end)))
    counted = at_end & ls_ok
    at_start = _test((pl.col("DECOM") < p.start)
                     & (pl.col("DEC").is_null() | (pl.col("DEC") >= p.start)))
    ceases = _in("DEC", p) & _test(pl.col("REC").is_in(d.LEFT_CARE)) & ls_ok
    flagged = e.with_columns(
        cla=counted,
        started=_test(pl.col("RNE") == "S") & _in("DECOM", p) & ls_ok,
        ceased=ceases,
        placements=(_test(pl.col("RNE").is_in(d.PLACEMENT_CHANGE)) & moving & _in("DECOM", p))
        .cast(pl.Int64) + at_start.cast(pl.Int64),
        foster=counted & _test(pl.col("PLACE").is_in(d.FOSTER)),
        homes=counted & _test(pl.col("PLACE").is_in(d.SECURE_AND_CHILDRENS_HOMES)),
        independent=counted & _test(pl.col("PLACE").is_in(d.INDEPENDENT_AND_SUPPORTED)),
        far=counted & _test((distance > d.FAR_MILES) & (distance < d.UNKNOWN_DISTANCE)),
        last_start=pl.when(_test((pl.col("RNE") == "S") & (pl.col("DECOM") <= p.end)))
        .then(pl.col("DECOM")),
        last_carer=pl.when(_test(pl.col("RNE").is_in(d.NEW_CARER) & moving
                                 & (pl.col("DECOM") <= p.end)))
        .then(pl.col("DECOM")),
    )
    child = flagged.group_by("LA", "CHILD").agg(
        *(pl.col(name).any() for name in ("cla", "started", "ceased", "foster", "homes",
                                          "independent", "far")),
        pl.col("placements").sum(), pl.col("last_start").max(), pl.col("last_carer").max())
    # `last(REC of episodes where ceases_care_in_year by DEC)`, the later row on a tie.
    last = (flagged.filter(pl.col("ceased")).group_by("LA", "CHILD")
            .agg(pl.col("REC").sort_by("DEC", "row").last().alias("last_rec")))
    uasc = (frames["uasc"].lazy()
            .filter(pl.col("CHILD").is_not_null()
                    & (pl.col("DUC").is_null() | _test(pl.col("DUC") > p.end)))
            .select("LA", "CHILD").unique().with_columns(uasc=pl.lit(True)))
    keys = ["LA", "CHILD"]
    h = (frames["header"].lazy().join(child, on=keys, how="left")
         .join(last, on=keys, how="left").join(uasc, on=keys, how="left"))
    flag = {name: _test(pl.col(name)) for name in
            ("cla", "started", "ceased", "foster", "homes", "independent", "far", "uasc")}
    cla = flag["cla"]
    stable_den = cla & _test(_age("DOB", p) < 16) & _test(pl.col("last_start")
                                                         <= p.end_minus_2y6m)
    three = cla & _test(pl.col("placements") >= 3)
    last_rec = pl.col("last_rec")
    columns = {
        "cla_started_rate_per_10k||num": flag["started"],
        "cla_rate_per_10k||num": cla,
        "uasc_rate_per_10k||num": cla & flag["uasc"],
        "ceased_sgo||den": flag["ceased"],
        "ceased_sgo||num": flag["ceased"] & _test(last_rec.is_in(d.SPECIAL_GUARDIANSHIP)),
        "ceased_cao||den": flag["ceased"],
        "ceased_cao||num": flag["ceased"] & _test(last_rec.is_in(d.CHILD_ARRANGEMENTS)),
        "placements_3plus||den": cla,
        "placements_3plus||num": three,
        "long_term_stability||den": stable_den,
        "long_term_stability||num": stable_den & _test(pl.col("last_carer") <= p.end_minus_2y),
        "placed_20_miles||den": cla,
        "placed_20_miles||num": cla & flag["far"],
        "foster_care||den": cla, "foster_care||num": cla & flag["foster"],
        "secure_and_childrens_homes||den": cla,
        "secure_and_childrens_homes||num": cla & flag["homes"],
        "independent_and_supported||den": cla,
        "independent_and_supported||num": cla & flag["independent"],
    }
    present = set(frames["header"]["SEX"].drop_nulls().unique().to_list())
    for code in (c for c in d.SEX_CODES if c in present):
        sex = _test(pl.col("SEX") == code)
        columns[f"placements_3plus|SEX: {code}|den"] = cla & sex
        columns[f"placements_3plus|SEX: {code}|num"] = three & sex
    return _per_la(h, "LA", columns)


def _need(frames: Frames, p: d.Period) -> tuple[pl.LazyFrame, pl.LazyFrame]:
    """Children in need at 31 March, and re-referrals within 12 months."""
    c = frames["cin_details"].lazy()
    keys = ["LA", "LAchildID"]
    is_open = _test((pl.col("CINreferralDate") <= p.end)
                    & (pl.col("CINclosureDate").is_null() | (pl.col("CINclosureDate") > p.end))
                    & (pl.col("ReferralNFA") != 1).fill_null(True))
    # Episodes of need open on 31 March, as DfE counts children in need (`At31_episodes`).
    in_need = _per_la(c, "LA", {"cin_rate_per_10k||num": is_open})
    # The latest earlier referral of the same child: an as-of join on the date, by child.
    earlier = (c.filter(pl.col("LAchildID").is_not_null() & pl.col("CINreferralDate").is_not_null())
               .select(*keys, previous=pl.col("CINreferralDate")).sort("previous"))
    cohort = (c.filter(_in("CINreferralDate", p)).sort("CINreferralDate")
              .join_asof(earlier, left_on="CINreferralDate", right_on="previous", by=keys,
                         strategy="backward", allow_exact_matches=False,
                         check_sortedness=False))
    again = _test(pl.col("previous") >= pl.col("CINreferralDate").dt.offset_by("-12mo"))
    referrals = _per_la(cohort, "LA", {
        "rereferrals_12m||den": pl.col("CINreferralDate").is_not_null(),
        "rereferrals_12m||num": again})
    return in_need, referrals


def _protection(frames: Frames, p: d.Period) -> pl.LazyFrame:
    """Child protection plans: second or subsequent, and open for two years or more."""
    starting = _in("CPPstartDate", p)
    is_open = _test((pl.col("CPPstartDate") <= p.end)
                    & (pl.col("CPPendDate").is_null() | (pl.col("CPPendDate") > p.end)))
    return _per_la(frames["child_protection_plans"].lazy(), "LA", {
        "cpp_second_or_subsequent||den": starting,
        "cpp_second_or_subsequent||num": starting & _test(pl.col("NumberOfPreviousCPP") >= 1),
        "cpp_2_years_plus||den": is_open,
        "cpp_2_years_plus||num": is_open & _test(pl.col("CPPstartDate") <= p.end_minus_2y),
    })


def _care_leavers(frames: Frames, p: d.Period) -> pl.LazyFrame:
    """Care leavers aged 17-18 and 19-21: in education, employment or training; suitably
    accommodated."""
    age = _age("DOB", p)
    counted = _test(pl.col("IN_TOUCH").is_not_null()
                    & ~pl.col("IN_TOUCH").is_in(d.EXCLUDED_CARE_LEAVERS))
    columns = {}
    for band, (low, high) in {"17_18": (17, 18), "19_21": (19, 21)}.items():
        cohort = counted & _test((age >= low) & (age <= high))
        known = cohort & ~_test(pl.col("ACCOM").is_in(d.SUITABILITY_NOT_KNOWN))
        for what, base, column, group in (("eet", cohort, "ACTIV", d.EET),
                                          ("suitable", known, "ACCOM", d.SUITABLE)):
            columns[f"care_leavers_{band}_{what}||den"] = base
            columns[f"care_leavers_{band}_{what}||num"] = base & _test(
                pl.col(column).is_in(group))
    return _per_la(frames["oc3"].lazy(), "LA", columns)


def _sdq(frames: Frames, p: d.Period) -> pl.LazyFrame:
    """SDQ scores of children aged 5 to 16: count, sum and sum of squares per LA."""
    age = _age("DOB", p)
    cohort = pl.col("SDQ_SCORE").is_not_null() & _test((age >= 5) & (age <= 16))
    kept = pl.when(cohort).then(pl.col("SDQ_SCORE")).otherwise(0.0)
    return _per_la(frames["oc2"].lazy(), "LA", {"sdq_mean||num": cohort,
                                                "sdq_mean||total": kept,
                                                "sdq_mean||total_sq": kept * kept})


def _population(frames: Frames, p: d.Period) -> pl.LazyFrame:
    """The ONS estimate of each LA for the previous mid-year (missing if only unknowns)."""
    estimate = pl.col("population_estimate")
    return (frames["ons_population"].lazy()
            .filter(_test(pl.col("time_period") == p.population_year)
                    & pl.col("old_la_code").is_not_null())
            .group_by(pl.col("old_la_code").alias("LA"))
            .agg(pl.when(estimate.is_not_null().any()).then(estimate.sum())
                 .alias("population")))


def _pupils(frames: Frames) -> pl.LazyFrame:
    """All pupils against children looked after for 12 months (found by their UPN in the
    header of a child in OC2): persistent absence and Attainment 8."""
    keys = ["LA", "CHILD"]
    oc2 = frames["oc2"].lazy().filter(pl.col("CHILD").is_not_null()).select(keys).unique()
    looked_after = (frames["header"].lazy()
                    .filter(pl.col("CHILD").is_not_null() & pl.col("UPN").is_not_null())
                    .join(oc2, on=keys).select("LA", "UPN").unique()
                    .with_columns(cla=pl.lit(True)))
    pupils = frames["pupils"].lazy().join(looked_after, on=["LA", "UPN"], how="left")
    cla = _test(pl.col("cla"))
    sampled = _test(pl.col("sampled") == 1)
    compulsory = _test(pl.col("NCyearActual").is_in(d.COMPULSORY_SCHOOL_AGE))
    absent = _test(pl.col("OverallAbsence") * 10 >= pl.col("SessionsPossible"))
    year_11 = _test(pl.col("NCyearActual").is_in(d.YEAR_11)) & pl.col(
        "Attainment8").is_not_null()
    columns = {"all_pupils_persistent_absence||den": sampled & compulsory,
               "all_pupils_persistent_absence||num": sampled & compulsory & absent,
               "cla_persistent_absence||den": compulsory & cla,
               "cla_persistent_absence||num": compulsory & cla & absent}
    for name, cohort in (("all_pupils_attainment8", sampled & year_11),
                         ("cla_attainment8", year_11 & cla)):
        kept = pl.when(cohort).then(pl.col("Attainment8")).otherwise(0.0)
        columns |= {f"{name}||num": cohort, f"{name}||total": kept,
                    f"{name}||total_sq": kept * kept}
    return _per_la(pupils, "LA", columns)
