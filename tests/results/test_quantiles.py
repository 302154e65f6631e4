"""outcomespec.results.quantiles: edge values, closed forms and agreement with SciPy."""

from __future__ import annotations

import math
from types import ModuleType

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from outcomespec.results.quantiles import chi2_quantile, normal_quantile, t_quantile

probabilities = st.floats(min_value=1e-6, max_value=1.0 - 1e-6)


def _scipy_stats() -> ModuleType:
    """scipy.stats, or skip the test when SciPy is not installed (it is a test-only extra)."""
    return pytest.importorskip("scipy.stats")


def test_quantile_edge_values():
    """p of 0 and 1 give the support's ends, and out-of-range p or df give NaN."""
    assert normal_quantile([0.0, 1.0]).tolist() == [-math.inf, math.inf]
    assert chi2_quantile([0.0, 1.0], 3.0).tolist() == [0.0, math.inf]
    assert t_quantile([0.0, 0.5, 1.0], 4.0).tolist() == [-math.inf, 0.0, math.inf]
    assert np.isnan(normal_quantile([-0.1, 1.1, math.nan])).all()
    assert np.isnan(chi2_quantile([0.5, 0.5], [0.0, -1.0])).all()
    assert np.isnan(t_quantile([0.5, 1.2], [-2.0, 3.0])).all()


def test_scalar_in_gives_float_out():
    """Plain numbers give Python floats, arrays give arrays of the broadcast shape."""
    assert isinstance(normal_quantile(0.3), float)
    assert isinstance(chi2_quantile(0.3, 4), float)
    assert isinstance(t_quantile(0.3, 4), float)
    assert chi2_quantile(np.array([[0.1], [0.9]]), [1.0, 2.0, 3.0]).shape == (2, 3)
    assert t_quantile(0.9, np.array([1.0, 2.0])).shape == (2,)


def test_t_quantile_closed_forms_near_median():
    """t with 1 and 2 df has closed forms; agreement holds right up to the median."""
    p = 0.5 + np.array([1e-15, -3e-13, 1e-9, 2e-7, 0.1, -0.3, 0.4999])
    np.testing.assert_allclose(t_quantile(p, 1.0), np.tan(np.pi * (p - 0.5)), rtol=1e-12)
    two = (2 * p - 1) / np.sqrt(2 * p * (1 - p))
    np.testing.assert_allclose(t_quantile(p, 2.0), two, rtol=1e-12)


@settings(deadline=None)
@given(probabilities)
@example(0.5)
@example(1e-6)
@example(1.0 - 1e-6)
@example(0.02425)
@example(0.5 + 1e-12)
def test_normal_quantile_matches_scipy(p):
    """normal_quantile agrees with scipy.stats.norm.ppf to 1e-9 relative."""
    stats = _scipy_stats()
    np.testing.assert_allclose(normal_quantile(p), stats.norm.ppf(p), rtol=1e-9, atol=0)


@pytest.mark.parametrize("parity", ["even", "odd"])
@settings(deadline=None)
@given(pairs=st.lists(st.tuples(probabilities, st.integers(1, 200)), min_size=1, max_size=20))
def test_chi2_quantile_matches_scipy(parity, pairs):
    """chi2_quantile agrees with scipy.stats.chi2.ppf to 1e-9 relative for df 1..400."""
    stats = _scipy_stats()
    p = np.array([pair[0] for pair in pairs])
    k = np.array([pair[1] for pair in pairs])
    df = 2.0 * k if parity == "even" else 2.0 * k - 1.0
    np.testing.assert_allclose(chi2_quantile(p, df), stats.chi2.ppf(p, df), rtol=1e-9, atol=0)


@settings(deadline=None)
@given(probabilities, st.integers(1, 400))
@example(1e-6, 1)
@example(1.0 - 1e-6, 1)
@example(1e-6, 400)
@example(0.5, 7)
def test_chi2_quantile_scalar_matches_scipy(p, df):
    """chi2_quantile on plain numbers agrees with scipy.stats.chi2.ppf to 1e-9 relative."""
    stats = _scipy_stats()
    assert chi2_quantile(p, df) == pytest.approx(stats.chi2.ppf(p, df), rel=1e-9)


@settings(deadline=None)
@given(pairs=st.lists(st.tuples(probabilities, st.integers(1, 500)), min_size=1, max_size=20))
def test_t_quantile_matches_scipy(pairs):
    """t_quantile agrees with scipy.stats.t.ppf to 1e-9 relative for df 1..500."""
    # SciPy's own t quantile loses relative accuracy within about 1e-6 of the median for small
    # df (see test_t_quantile_closed_forms_near_median), so a 1e-13 absolute tolerance is
    # allowed for quantiles that close to zero.
    stats = _scipy_stats()
    p = np.array([pair[0] for pair in pairs])
    df = np.array([float(pair[1]) for pair in pairs])
    np.testing.assert_allclose(t_quantile(p, df), stats.t.ppf(p, df), rtol=1e-9, atol=1e-13)


@pytest.mark.parametrize("p", [0.975, 0.999, 0.0005, 0.6, 1e-10])
def test_t_quantile_matches_scipy_closely_over_many_df(p):
    """t_quantile agrees with scipy.stats.t.ppf to 1e-12 relative for df 1..5000.

    The range covers the counts of children behind an England-wide mean, both the small df
    solved by Newton's method and the large df taken from the Cornish-Fisher expansion, and a
    few df that are not whole numbers. (These p are far enough from 1/2 for SciPy's own answer
    to be accurate to this tolerance.)
    """
    stats = _scipy_stats()
    df = np.concatenate(
        [np.arange(1.0, 5001.0), [0.5, 1.5, 2.5, 3.7, 10.25, 47.3, 99.9, 1234.5, 4999.5]]
    )
    np.testing.assert_allclose(t_quantile(p, df), stats.t.ppf(p, df), rtol=1e-12, atol=0)


@settings(deadline=None)
@given(probabilities, st.integers(1, 500))
@example(1e-6, 1)
@example(1.0 - 1e-6, 500)
@example(0.975, 2)
@example(0.001, 3)
def test_t_quantile_scalar_matches_scipy(p, df):
    """t_quantile on plain numbers agrees with scipy.stats.t.ppf to 1e-9 relative."""
    stats = _scipy_stats()
    assert t_quantile(p, df) == pytest.approx(stats.t.ppf(p, df), rel=1e-9, abs=1e-13)
