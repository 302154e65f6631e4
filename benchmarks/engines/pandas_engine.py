"""The National Framework hand-written in pandas, as an analyst would write it.

Records become per-child flags with boolean masks and `groupby(["LA", "CHILD"])`, children
are counted per LA with one `groupby("LA")` per dataset, and regions and England are the
sums of the LAs (`groupby(region)` and `sum`). The definitions are those of
`definitions` (read from the framework file by hand); the statistics, suppression and
comparators are `publication.publish`, shared by every hand-written engine.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from benchmarks.engines import definitions as d
from benchmarks.engines.publication import Counted, publish_counted

Frames = dict[str, pd.DataFrame]
NAME = "pandas"
publish = publish_counted


def load(directory: Path) -> Frames:
    """Every CSV file the framework reads, with dd/mm/YYYY dates parsed and types applied."""
    frames = {}
    for dataset in d.datasets_in(directory):
        path = directory / f"{dataset}.csv"
        columns = d.columns_in(path, dataset)
        dates = [name for name, kind in columns.items() if kind == d.DATE]
        na = ["", *d.POPULATION_MISSING] if dataset == "ons_population" else [""]
        frame = pd.read_csv(path, engine="pyarrow", usecols=list(columns),
                            dtype={n: "str" for n, kind in columns.items() if kind != d.DATE},
                            keep_default_na=False, na_values=na, parse_dates=dates,
                            date_format="%d/%m/%Y")
        for name, kind in columns.items():
            if kind == d.DATE and not pd.api.types.is_datetime64_any_dtype(frame[name]):
                frame[name] = pd.to_datetime(frame[name], format="%d/%m/%Y", errors="coerce")
            elif kind == d.NUMBER:
                frame[name] = pd.to_numeric(frame[name].str.replace(",", ""), errors="coerce")
            elif kind == d.BOOLEAN:
                lowered = frame[name].str.strip().str.lower()
                frame[name] = np.where(lowered.isin(d.TRUE_WORDS), 1.0,
                                       np.where(lowered.isin(d.FALSE_WORDS), 0.0, np.nan))
        frames[dataset] = frame
    return frames


def evaluate(frames: Frames, period: int) -> Counted:
    """Every indicator\'s counts for every LA, region and England (`publish` publishes
    them)."""
    p = d.Period.ending(period)
    las = frames["local_authorities"]
    sn = frames["statistical_neighbours_2025"]
    neighbour_rows = {row[0]: list(row[1:]) for row in
                      sn[["old_la_code", *d.NEIGHBOUR_COLUMNS]].itertuples(index=False)}
    geography = d.geography_from(las["old_la_code"].tolist(), las["region_code"].tolist(),
                                 neighbour_rows)
    index = pd.Index(geography.la_codes)
    parts = [_care(frames, p), _need(frames, p), _protection(frames["child_protection_plans"], p),
             _care_leavers(frames["oc3"], p), _sdq(frames["oc2"], p)]
    if "pupils" in frames:
        parts.append(_pupils(frames))
    per_la = pd.concat([part.reindex(index, fill_value=0) for part in parts], axis=1)
    population = _population(frames["ons_population"], p).reindex(index, fill_value=0.0)
    per_la["population"] = population
    regions = per_la.groupby(pd.Series(geography.region_of, index=index)).sum()
    pooled = pd.concat([per_la, regions.reindex(list(geography.region_codes)),
                        per_la.sum().to_frame().T])
    return geography, d.cell_counts(
        {name: pooled[name].to_numpy(np.float64) for name in pooled.columns})


def _in(dates: pd.Series, p: d.Period) -> pd.Series:
    return (dates >= pd.Timestamp(p.start)) & (dates <= pd.Timestamp(p.end))


def _age(dob: pd.Series, p: d.Period) -> pd.Series:
    """Completed years at the end of the period (NaN when the date of birth is missing)."""
    before_birthday = (dob.dt.month > p.end.month) | (
        (dob.dt.month == p.end.month) & (dob.dt.day > p.end.day))
    return p.end.year - dob.dt.year - before_birthday.astype("float64")


def _known(codes: pd.Series, group: tuple[str, ...], negated: bool = False) -> pd.Series:
    """A code test: false when the code is missing, `not in` included."""
    inside = codes.isin(group)
    return (codes.notna() & ~inside) if negated else inside


def _counts(la: pd.Series, columns: dict[str, pd.Series]) -> pd.DataFrame:
    """Per-LA sums of boolean (or numeric) columns."""
    return pd.DataFrame(columns).groupby(la.to_numpy()).sum()


def _moving(e: pd.DataFrame) -> pd.Series:
    """Episodes that may start a placement: not a temporary placement, nor the return from
    one (the episode after a temporary placement, back in the PLACE held before it)."""
    e = e.sort_values(["LA", "CHILD", "DECOM"], kind="stable")
    child = e.groupby(["LA", "CHILD"], sort=False).ngroup()
    first = child.ne(child.shift())
    temporary = e["PLACE"].isin(d.TEMPORARY)
    after = temporary.shift(fill_value=False) & ~first
    position = pd.Series(np.arange(len(e)), index=e.index, dtype="float64")
    usual_at = position.where(~temporary).groupby(child).ffill().groupby(child).shift()
    usual = pd.Series(e["PLACE"].to_numpy()[usual_at.fillna(0).astype("int64")],
                      index=e.index).where(usual_at.notna())
    elsewhere = usual.notna() & (e["PLACE"].isna() | usual.ne(e["PLACE"]))
    return ~(temporary | (after & ~elsewhere))


def _care(frames: Frames, p: d.Period) -> pd.DataFrame:
    """The SSDA903 indicators on the header: looked after, starting, ceasing, placements."""
    end = pd.Timestamp(p.end)
    start = pd.Timestamp(p.start)
    e = frames["episodes"]
    e = e[e["CHILD"].notna()]
    ls_ok = _known(e["LS"], d.SHORT_BREAKS, negated=True)
    at_end = (e["DECOM"] <= end) & (e["DEC"].isna() | (e["DEC"] > end))
    at_end_counted = at_end & ls_ok
    at_start = (e["DECOM"] < start) & (e["DEC"].isna() | (e["DEC"] >= start))
    ceases = _in(e["DEC"], p) & e["REC"].isin(d.LEFT_CARE) & ls_ok
    distance = e["PL_DISTANCE"] if "PL_DISTANCE" in e else pd.Series(np.nan, index=e.index)
    moving = _moving(e)
    flags = pd.DataFrame({
        "LA": e["LA"], "CHILD": e["CHILD"],
        "cla": at_end_counted,
        "started": (e["RNE"] == "S") & _in(e["DECOM"], p) & ls_ok,
        "ceased": ceases,
        "placements": (e["RNE"].isin(d.PLACEMENT_CHANGE) & moving & _in(e["DECOM"], p)
                       ).astype("int64") + at_start.astype("int64"),
        "foster": at_end_counted & e["PLACE"].isin(d.FOSTER),
        "homes": at_end_counted & e["PLACE"].isin(d.SECURE_AND_CHILDRENS_HOMES),
        "independent": at_end_counted & e["PLACE"].isin(d.INDEPENDENT_AND_SUPPORTED),
        "far": at_end_counted & (distance > d.FAR_MILES) & (distance < d.UNKNOWN_DISTANCE),
        "last_start": e["DECOM"].where((e["RNE"] == "S") & (e["DECOM"] <= end)),
        "last_carer": e["DECOM"].where(e["RNE"].isin(d.NEW_CARER) & moving
                                       & (e["DECOM"] <= end)),
    })
    child = flags.groupby(["LA", "CHILD"]).agg(
        cla=("cla", "any"), started=("started", "any"), ceased=("ceased", "any"),
        placements=("placements", "sum"), foster=("foster", "any"), homes=("homes", "any"),
        independent=("independent", "any"), far=("far", "any"),
        last_start=("last_start", "max"), last_carer=("last_carer", "max"))
    # `last(REC of episodes where ceases_care_in_year by DEC)`: the latest ceasing episode,
    # the later row on a tie (a stable sort keeps the file order).
    last = (e.loc[ceases, ["LA", "CHILD", "DEC", "REC"]].sort_values("DEC", kind="stable")
            .drop_duplicates(["LA", "CHILD"], keep="last").set_index(["LA", "CHILD"])["REC"])
    child["last_rec"] = last
    u = frames["uasc"]
    u = u[u["CHILD"].notna() & (u["DUC"].isna() | (u["DUC"] > end))]
    child = child.join(u.groupby(["LA", "CHILD"]).size().rename("uasc") > 0, how="outer")
    h = frames["header"].join(child, on=["LA", "CHILD"])
    flag = {name: h[name].fillna(False).astype(bool) for name in
            ("cla", "started", "ceased", "foster", "homes", "independent", "far", "uasc")}
    cla = flag["cla"]
    under_16 = _age(h["DOB"], p) < 16
    stable_den = cla & under_16 & (h["last_start"] <= pd.Timestamp(p.end_minus_2y6m))
    three = cla & (h["placements"] >= 3)
    columns = {
        "cla_started_rate_per_10k||num": flag["started"],
        "cla_rate_per_10k||num": cla,
        "uasc_rate_per_10k||num": cla & flag["uasc"],
        "ceased_sgo||den": flag["ceased"],
        "ceased_sgo||num": flag["ceased"] & h["last_rec"].isin(d.SPECIAL_GUARDIANSHIP),
        "ceased_cao||den": flag["ceased"],
        "ceased_cao||num": flag["ceased"] & h["last_rec"].isin(d.CHILD_ARRANGEMENTS),
        "placements_3plus||den": cla,
        "placements_3plus||num": three,
        "long_term_stability||den": stable_den,
        "long_term_stability||num": stable_den
        & (h["last_carer"] <= pd.Timestamp(p.end_minus_2y)),
        "placed_20_miles||den": cla,
        "placed_20_miles||num": cla & flag["far"],
        "foster_care||den": cla, "foster_care||num": cla & flag["foster"],
        "secure_and_childrens_homes||den": cla,
        "secure_and_childrens_homes||num": cla & flag["homes"],
        "independent_and_supported||den": cla,
        "independent_and_supported||num": cla & flag["independent"],
    }
    present = set(h["SEX"].dropna().unique())
    for code in (c for c in d.SEX_CODES if c in present):
        sex = h["SEX"] == code
        columns[f"placements_3plus|SEX: {code}|den"] = cla & sex
        columns[f"placements_3plus|SEX: {code}|num"] = three & sex
    return _counts(h["LA"], columns)


def _need(frames: Frames, p: d.Period) -> pd.DataFrame:
    """Children in need at 31 March, and re-referrals within 12 months."""
    end = pd.Timestamp(p.end)
    c = frames["cin_details"]
    is_open = (c["CINreferralDate"] <= end) & (
        c["CINclosureDate"].isna() | (c["CINclosureDate"] > end)) & (c["ReferralNFA"] != 1)
    # Episodes of need open on 31 March, as DfE counts children in need (`At31_episodes`).
    in_need = _counts(c["LA"], {"cin_rate_per_10k||num": is_open})
    # The latest earlier referral date of the same child: one integer key per child, its
    # distinct referral dates in order, each with the one before it.
    referrals = frames["cin_details"]
    key = referrals.groupby(["LA", "LAchildID"], sort=False).ngroup()
    dates = pd.DataFrame({"key": key, "CINreferralDate": referrals["CINreferralDate"]})
    dates = (dates[(key >= 0) & dates["CINreferralDate"].notna()].drop_duplicates()
             .sort_values(["key", "CINreferralDate"]))
    dates["previous"] = dates["CINreferralDate"].shift().where(
        dates["key"].eq(dates["key"].shift()))
    in_year = _in(referrals["CINreferralDate"], p)
    cohort = pd.DataFrame({"LA": referrals["LA"], "key": key,
                           "CINreferralDate": referrals["CINreferralDate"]})[in_year]
    cohort = cohort.merge(dates, on=["key", "CINreferralDate"], how="left")
    again = cohort["previous"] >= cohort["CINreferralDate"] - pd.DateOffset(months=12)
    referrals = _counts(cohort["LA"], {"rereferrals_12m||den": pd.Series(True, cohort.index),
                                       "rereferrals_12m||num": again})
    return pd.concat([in_need, referrals], axis=1)


def _protection(plans: pd.DataFrame, p: d.Period) -> pd.DataFrame:
    """Child protection plans: second or subsequent, and open for two years or more."""
    end = pd.Timestamp(p.end)
    starting = _in(plans["CPPstartDate"], p)
    is_open = (plans["CPPstartDate"] <= end) & (
        plans["CPPendDate"].isna() | (plans["CPPendDate"] > end))
    return _counts(plans["LA"], {
        "cpp_second_or_subsequent||den": starting,
        "cpp_second_or_subsequent||num": starting & (plans["NumberOfPreviousCPP"] >= 1),
        "cpp_2_years_plus||den": is_open,
        "cpp_2_years_plus||num": is_open
        & (plans["CPPstartDate"] <= pd.Timestamp(p.end_minus_2y)),
    })


def _care_leavers(oc3: pd.DataFrame, p: d.Period) -> pd.DataFrame:
    """Care leavers aged 17-18 and 19-21 in education, employment or training, and suitably
    accommodated."""
    age = _age(oc3["DOB"], p)
    counted = _known(oc3["IN_TOUCH"], d.EXCLUDED_CARE_LEAVERS, negated=True)
    columns = {}
    for band, (low, high) in {"17_18": (17, 18), "19_21": (19, 21)}.items():
        cohort = counted & (age >= low) & (age <= high)
        known = cohort & ~oc3["ACCOM"].isin(d.SUITABILITY_NOT_KNOWN)
        for what, base, column, group in (("eet", cohort, "ACTIV", d.EET),
                                          ("suitable", known, "ACCOM", d.SUITABLE)):
            columns[f"care_leavers_{band}_{what}||den"] = base
            columns[f"care_leavers_{band}_{what}||num"] = base & oc3[column].isin(group)
    return _counts(oc3["LA"], columns)


def _sdq(oc2: pd.DataFrame, p: d.Period) -> pd.DataFrame:
    """The SDQ scores of children aged 5 to 16: count, sum and sum of squares per LA."""
    age = _age(oc2["DOB"], p)
    score = oc2["SDQ_SCORE"]
    cohort = score.notna() & (age >= 5) & (age <= 16)
    kept = score.where(cohort, 0.0)
    return _counts(oc2["LA"], {"sdq_mean||num": cohort, "sdq_mean||total": kept,
                               "sdq_mean||total_sq": kept * kept})


def _population(ons: pd.DataFrame, p: d.Period) -> pd.Series:
    """The ONS estimate of each LA for the previous mid-year (missing if only unknowns)."""
    rows = ons[(ons["time_period"] == p.population_year) & ons["old_la_code"].notna()]
    return rows.groupby("old_la_code")["population_estimate"].sum(min_count=1)


def _pupils(frames: Frames) -> pd.DataFrame:
    """All pupils against children looked after for 12 months (found by their UPN in the
    header of a child in OC2): persistent absence and Attainment 8."""
    h = frames["header"]
    oc2 = frames["oc2"].loc[frames["oc2"]["CHILD"].notna(), ["LA", "CHILD"]].drop_duplicates()
    looked_after = (h[h["CHILD"].notna() & h["UPN"].notna()].merge(oc2, on=["LA", "CHILD"])
                    [["LA", "UPN"]].drop_duplicates().assign(cla=True))
    pupils = frames["pupils"].merge(looked_after, on=["LA", "UPN"], how="left")
    cla = pupils["cla"].eq(True)
    sampled = pupils["sampled"] == 1
    compulsory = pupils["NCyearActual"].isin(d.COMPULSORY_SCHOOL_AGE)
    absent = pupils["OverallAbsence"] * 10 >= pupils["SessionsPossible"]
    year_11 = pupils["NCyearActual"].isin(d.YEAR_11) & pupils["Attainment8"].notna()
    columns = {"all_pupils_persistent_absence||den": sampled & compulsory,
               "all_pupils_persistent_absence||num": sampled & compulsory & absent,
               "cla_persistent_absence||den": compulsory & cla,
               "cla_persistent_absence||num": compulsory & cla & absent}
    for name, cohort in (("all_pupils_attainment8", sampled & year_11),
                         ("cla_attainment8", year_11 & cla)):
        kept = pupils["Attainment8"].where(cohort, 0.0)
        columns |= {f"{name}||num": cohort, f"{name}||total": kept,
                    f"{name}||total_sq": kept * kept}
    return _counts(pupils["LA"], columns)
