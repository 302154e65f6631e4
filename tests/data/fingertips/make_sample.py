"""Write `injury_admissions.csv`: a sample of OHID Fingertips' export of indicator 90284 with
the export's real header and layout and made-up values.

Run from the repository root (`python tests/data/fingertips/make_sample.py`); the output is
the same every time. The layout is that of the export DfE's Children's Social Care Dashboard
reads (`data-raw/region_hospital_admissions_2324.csv`, dfe-analytical-services/
CSC_outcomes_and_enablers): one row per area, sex, category and financial year; England
(E92000001, twice for Persons, as the export prints it: once with no parent and once with
England as parent), the nine regions (E12…, "Regions (statistical)"), the upper-tier
authorities ("Counties & UAs (from Apr 2023)") by their ONS codes, Persons, Male and Female
rows for England and the regions, and England's deprivation deciles as categories.

The values are invented: each authority's children aged 0 to 14 are 83% of DfE's published
estimate of its children aged 0 to 17 (mid-2023 and mid-2024), and its admissions a rate
near 72 per 10,000 that varies by authority and year. As Fingertips publishes them: the
value and its limits (Byar's method, 95% and 99.8%) come from the exact count, the `Count`
of a region or authority is rounded to the nearest 5, and England's is exact; a count of 1
to 7 is withheld with its value; City of London is published with Hackney and the Isles of
Scilly with Cornwall (blank, with the export's note).
"""

from __future__ import annotations

import csv
import math
import random
from pathlib import Path

HERE = Path(__file__).parent
DFE = HERE.parents[2] / "frameworks" / "data" / "dfe"
HEADER = (
    "Indicator ID", "Indicator Name", "Parent Code", "Parent Name", "Area Code", "Area Name",
    "Area Type", "Sex", "Age", "Category Type", "Category", "Time period", "Value",
    "Lower CI 95.0 limit", "Upper CI 95.0 limit", "Lower CI 99.8 limit", "Upper CI 99.8 limit",
    "Count", "Denominator", "Value note", "Recent Trend",
    "Compared to England value or percentiles",
    "Compared to Regions (statistical) value or percentiles", "Time period Sortable",
    "New data", "Compared to goal", "Time period range")
NAME = ("Hospital admissions caused by unintentional and deliberate injuries in children "
        "(aged 0 to 14 years)")
LONDON = {"E13000001", "E13000002"}
COMBINED = {"E09000001": ("E09000012", "Value for Hackney and City of London combined"),
            "E06000053": ("E06000052", "Value for Cornwall and Isles of Scilly combined")}
Z = {0.95: 1.959963984540054, 0.998: 3.090232306167813}


def byars(count: float, population: float, level: float) -> tuple[float, float]:
    """Byar's limits of a rate per 10,000 (counts here are all 10 or more)."""
    z = Z[level]
    lower = count * (1 - 1 / (9 * count) - z / (3 * math.sqrt(count))) ** 3
    upper = (count + 1) * (1 - 1 / (9 * (count + 1)) + z / (3 * math.sqrt(count + 1))) ** 3
    return lower / population * 10_000, upper / population * 10_000


def judged(low: float, high: float, england: float) -> str:
    return "Similar" if low <= england <= high else "Worse" if low > england else "Better"


def main() -> None:
    rng = random.Random(90284)
    with (DFE / "local_authorities.csv").open(encoding="utf-8") as stream:
        authorities = [row for row in csv.DictReader(stream) if not row["last_year"]]
    with (DFE / "ons_population.csv").open(encoding="utf-8-sig") as stream:
        children = {(row["old_la_code"], int(row["time_period"])): int(row["population_estimate"])
                    for row in csv.DictReader(stream)
                    if row["geographic_level"] == "Local authority"
                    and row["population_estimate"].isdigit()}
    regions: dict[str, str] = {}
    rows: list[list[str]] = []
    for year in (2023, 2024):
        label, sortable = f"{year}/{(year + 1) % 100:02d}", f"{year}0000"
        exact: dict[str, tuple[int, int]] = {}
        for la in authorities:
            population = round(children[(la["old_la_code"], year)] * 0.83)
            rate = rng.gauss(72, 14) * (1 + rng.uniform(-0.05, 0.05))
            exact[la["new_la_code"]] = (max(0, round(rate * population / 10_000)), population)
        for code, (into, _) in COMBINED.items():
            count, population = exact.pop(code)
            merged = exact[into]
            exact[into] = (merged[0] + count, merged[1] + population)
        by_region: dict[str, list[int]] = {}
        for la in authorities:
            region = "E12000007" if la["region_code"] in LONDON else la["region_code"]
            regions[region] = "London" if region == "E12000007" else la["region_name"]
            if la["new_la_code"] in exact:
                total = by_region.setdefault(region, [0, 0])
                total[0] += exact[la["new_la_code"]][0]
                total[1] += exact[la["new_la_code"]][1]
        count = sum(c for c, _ in exact.values())
        population = sum(p for _, p in exact.values())
        england = count / population * 10_000

        def row(parent: tuple[str, str], code: str, name: str, kind: str, sex: str,
                number: int, people: int, *, rounded: bool = True, category: tuple[str, str]
                = ("", ""), note: str = "", vs_england: str | None = None,
                england: float = england, label: str = label, sortable: str = sortable
                ) -> list[str]:
            value = number / people * 10_000
            (lo95, hi95), (lo998, hi998) = byars(number, people, 0.95), byars(number, people,
                                                                                0.998)
            shown = 5 * round(number / 5) if rounded else number
            compared = vs_england if vs_england is not None else judged(lo95, hi95, england)
            return ["90284", NAME, *parent, code, name, kind, sex, "<15 yrs", *category, label,
                    f"{value:.5f}", f"{lo95:.5f}", f"{hi95:.5f}", f"{lo998:.5f}",
                    f"{hi998:.5f}", str(shown), str(people), note, "", compared,
                    "Not compared", sortable, "", "", "1y"]

        rows.append(row(("", ""), "E92000001", "England", "England", "Persons", count,
                        population, rounded=False, vs_england="Not compared"))
        rows.append(row(("E92000001", "England"), "E92000001", "England", "England", "Persons",
                        count, population, rounded=False, vs_england="Similar"))
        for sex, share in (("Male", 0.57), ("Female", 0.43)):
            rows.append(row(("", ""), "E92000001", "England", "England", sex,
                            round(count * share), round(population * 0.512 if sex == "Male"
                                                        else population * 0.488),
                            rounded=False, vs_england="Not compared"))
        rows.extend(row(("", ""), "E92000001", "England", "England", "Persons",
                        round(count * (0.14 if decile == 1 else 0.07)),
                        round(population / 10), rounded=False,
                        category=("County & UA deprivation deciles in England (IMD2019, "
                                  "4/23 geography)",
                                  f"{'Most' if decile == 1 else 'Least'} deprived decile "
                                  f"(IMD2019)"), vs_england="Not compared")
                    for decile in (1, 10))
        for code in sorted(by_region):
            number, people = by_region[code]
            rows.append(row(("E92000001", "England"), code, f"{regions[code]} region "
                            "(statistical)", "Regions (statistical)", "Persons", number, people))
            for sex, share in (("Male", 0.57), ("Female", 0.43)):
                rows.append(row(("E92000001", "England"), code, f"{regions[code]} region "
                                "(statistical)", "Regions (statistical)", sex,
                                round(number * share), round(people * (0.512 if sex == "Male"
                                                                       else 0.488))))
        for la in sorted(authorities, key=lambda la: la["new_la_code"]):
            code = la["new_la_code"]
            parent = ("E92000001", "England")
            if code in COMBINED:
                rows.append(["90284", NAME, *parent, code, la["la_name"],
                             "Counties & UAs (from Apr 2023)", "Persons", "<15 yrs", "", "",
                             label, "", "", "", "", "", "", "", COMBINED[code][1], "",
                             "Not compared", "Not compared", sortable, "", "", "1y"])
                continue
            number, people = exact[code]
            note = next((n for into, n in COMBINED.values() if into == code), "")
            rows.append(row(parent, code, la["la_name"], "Counties & UAs (from Apr 2023)",
                            "Persons", number, people, note=note))
    with (HERE / "injury_admissions.csv").open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(HEADER)
        writer.writerows(rows)


if __name__ == "__main__":
    main()
