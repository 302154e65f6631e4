"""Progress of long steps: a bar on a terminal, plain lines in a log or a pipe."""

from __future__ import annotations

import io

import pytest

from outcomespec.cli.progress import steps_for


class _Terminal(io.StringIO):
    """A stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True


def test_a_log_gets_a_line_as_each_step_begins_and_ends() -> None:
    """Not a terminal: the description with an ellipsis, then the time it took."""
    log = io.StringIO()
    with steps_for(log)("generating returns 2021-2025") as advance:
        advance(3, 4)
    first, second = log.getvalue().splitlines()
    assert first == "generating returns 2021-2025 …"
    assert second.startswith("  done in ")
    assert second.endswith(" s")


def test_a_terminal_gets_a_bar_that_ends_full(monkeypatch: pytest.MonkeyPatch) -> None:
    """On a terminal the step is a bar (rich) left at 100% when done, even a step that
    could not count its work."""
    pytest.importorskip("rich")
    monkeypatch.setenv("TERM", "xterm")
    screen = _Terminal()
    steps = steps_for(screen)
    with steps("counting") as advance:
        advance(1, 2)
        advance(2, 2)
    with steps("waiting"):
        pass
    text = screen.getvalue()
    assert "counting" in text
    assert "waiting" in text
    assert text.count("100%") >= 2
    assert "…\n" not in text


def test_a_dumb_terminal_gets_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    """`TERM=dumb` (an editor's console, say) gets the plain lines."""
    monkeypatch.setenv("TERM", "dumb")
    screen = _Terminal()
    with steps_for(screen)("counting"):
        pass
    assert screen.getvalue().startswith("counting …\n")
