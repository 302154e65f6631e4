"""The synthetic children's homes: a register calibrated to Ofsted's published figures, and
every placement in a home given the URN of a home of its type and owner."""

from __future__ import annotations

import csv
from collections import Counter

import numpy as np
import pytest

from outcomespec.synthetic.generator import GenerationReport, generate
from outcomespec.synthetic.providers import HOMES, PLACES, SECURE, register
from outcomespec.synthetic.reference import load_local_authorities


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> GenerationReport:
    """A year of files for 30 authorities at full scale."""
    return generate(tmp_path_factory.mktemp("homes"), years=(2025,), las=30, scale=1.0,
                    seed=11)


def rows(report: GenerationReport, name: str) -> list[dict[str, str]]:
    with (report.directory / "2025" / f"{name}.csv").open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_the_register_is_calibrated_to_ofsted() -> None:
    """At full scale: Ofsted's 2,880 homes, their 10,818 places within 3%, a quarter of them
    in the North West, 14 secure, and four in five judged good or outstanding (within 3
    points)."""
    las = load_local_authorities()
    homes = register(np.random.default_rng(5), las, 1.0)
    assert len(homes) == HOMES
    assert abs(int(homes.places.sum()) - PLACES) / PLACES < 0.03
    north_west = np.array([las.region_code[i] == "E12000002" for i in homes.la.tolist()])
    assert abs(north_west.mean() - 0.25) < 0.02
    assert int((homes.type == 1).sum()) == SECURE
    assert abs(float((homes.judgement <= 1).mean()) - 0.80) < 0.03
    assert len(set(homes.urn)) == HOMES


def test_every_placement_in_a_home_names_a_home_of_its_type_and_owner(
        written: GenerationReport) -> None:
    """An episode in a children's home (K2) or secure home (K1) has the URN of a registered
    home of that type, owned as its placement provider says; every other episode has none."""
    homes = {r["URN"]: r for r in rows(written, "providers")}
    owner = {"PR1": "LA", "PR2": "LA", "PR4": "PRIVATE", "PR5": "VOLUNTARY"}
    placed = Counter()
    for episode in rows(written, "episodes"):
        if episode["PLACE"] not in ("K1", "K2"):
            assert episode["URN"] == "", episode
            continue
        home = homes[episode["URN"]]
        assert home["TYPE"] == ("SCH" if episode["PLACE"] == "K1" else "CH")
        assert home["SECTOR"] == owner[episode["PLACE_PROVIDER"]]
        placed[episode["URN"]] += 1
    assert len(placed) > len(homes) / 2
