"""How the command line shows the progress of a long step (generating national data, reading
and evaluating it): a bar on a terminal, drawn by rich when it is installed (the `progress`
extra; a well-kept library, and the only place outcomespec uses it), and otherwise one line
when the step begins and one when it ends, so that logs and pipes get text, not animation.

A step is a context manager that gives a function to call with (done, total) as the work
advances; a step that cannot count its work never calls it, and shows the time it takes.

>>> import io
>>> log = io.StringIO()
>>> with plain_steps(log)("counting sheep") as advance:
...     advance(1, 2)
>>> log.getvalue().splitlines()[0]
'counting sheep …'
"""

from __future__ import annotations

import importlib.util
import os
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import TextIO

Advance = Callable[[int, int], None]
"""Told (units done, units in all) as a step advances."""

Steps = Callable[[str], AbstractContextManager[Advance]]
"""Begins a step of the description given; the context is the step."""


def steps_for(stream: TextIO) -> Steps:
    """Bars on `stream` when it is a terminal (not `TERM=dumb`) and rich is installed;
    otherwise a line as each step begins and ends."""
    terminal = stream.isatty() and os.environ.get("TERM") != "dumb"
    if terminal and importlib.util.find_spec("rich") is not None:
        return _bar_steps(stream)
    return plain_steps(stream)


def plain_steps(stream: TextIO) -> Steps:
    """A line as each step begins, and one with its time as it ends."""
    @contextmanager
    def step(description: str) -> Iterator[Advance]:
        stream.write(f"{description} …\n")
        stream.flush()
        began = time.perf_counter()
        yield lambda done, total: None
        stream.write(f"  done in {time.perf_counter() - began:.1f} s\n")
    return step


def _bar_steps(stream: TextIO) -> Steps:
    """A bar per step, left on the screen when done (with the time it took)."""
    from rich.console import Console  # noqa: PLC0415 — an optional package, on a terminal only
    from rich.progress import (  # noqa: PLC0415
        BarColumn,
        Progress,
        SpinnerColumn,
        TaskProgressColumn,
        TextColumn,
        TimeElapsedColumn,
    )

    console = Console(file=stream)

    @contextmanager
    def step(description: str) -> Iterator[Advance]:
        with Progress(SpinnerColumn(finished_text="✓"), TextColumn("{task.description}"),
                      BarColumn(), TaskProgressColumn(), TimeElapsedColumn(),
                      console=console) as bar:
            task = bar.add_task(description, total=None)
            yield lambda done, total: bar.update(task, completed=done, total=total)
            if bar.tasks[0].total is None:  # a step that could not count: mark it whole
                bar.update(task, total=1, completed=1)
    return step
