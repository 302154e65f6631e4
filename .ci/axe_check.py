#!/usr/bin/env python3
"""Accessibility check: axe-core in headless Chromium on every page of the docs site and the
HTML reports; fails on any serious or critical violation.

    python .ci/axe_check.py --axe node_modules/axe-core/axe.min.js --report DIR FOLDER...

Every `*.html` file under each FOLDER (folders whose names start with `_` left out: Sphinx's
sources and static files) is served from 127.0.0.1 and opened in headless Chromium at two
widths, a desktop's (1280 CSS pixels) and a phone's (360: WCAG 1.4.10, reflow), and axe-core
is run on it with its default rules (WCAG 2.0 to 2.2 A and AA, and best practice). Chromium
is driven over the DevTools protocol on a pipe (`--remote-debugging-pipe`: JSON messages
ended by a NUL byte on file descriptors 3 and 4), so nothing beyond the standard library and
the browser is needed; its network is closed (no host name resolves, no background traffic).

Pages are shared among `--jobs` browsers (one per processor, at most four), each run from a
thread of its own. DIR receives `axe-report.json` (every violation with the elements it
concerns, and what axe could not decide, page by page) and `axe-summary.txt` (what is
printed). The exit status is 1 when a page has a serious or critical violation, 2 when the
check itself cannot run.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import functools
import http.server
import json
import os
import select
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

FAILING = ("critical", "serious")
"""The impacts that fail the check; moderate and minor ones are reported only."""

WIDTHS = {"desktop": (1280, 900), "phone": (360, 740)}
"""Viewports each page is checked at (CSS pixels): reflow problems show only when narrow."""

FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
    "--disable-background-networking", "--disable-component-update", "--disable-default-apps",
    "--disable-extensions", "--disable-sync", "--no-first-run", "--no-default-browser-check",
    "--metrics-recording-only", "--mute-audio", "--hide-scrollbars",
    # A closed network: every host name fails to resolve; pages are served from 127.0.0.1.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
    "--remote-debugging-pipe",
)

TIMEOUT = 60.0
"""Seconds any one step (a page load, an axe run) may take."""


class CheckError(Exception):
    """The check could not run (no browser, a page that would not load): exit 2."""


class Browser:
    """Headless Chromium driven over the DevTools protocol on a pipe."""

    def __init__(self, executable: str, profile: Path, log: Path) -> None:
        commands_read, self._commands = os.pipe()
        self._replies, replies_write = os.pipe()
        # Chromium reads commands on fd 3 and writes replies on fd 4; bash puts the pipes
        # there from copies numbered 10 or above, so that neither redirection can undo the
        # other, and `exec` leaves no shell behind.
        given = [fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10) for fd in (commands_read,
                                                                       replies_write)]
        os.close(commands_read)
        os.close(replies_write)
        launcher = ["bash", "-c", 'exec "$0" "$@" 3<&"$AXE_IN" 4>&"$AXE_OUT"', executable,
                    *FLAGS, f"--user-data-dir={profile}", "about:blank"]
        env = {**os.environ, "AXE_IN": str(given[0]), "AXE_OUT": str(given[1])}
        with log.open("ab") as errors:
            self._process = subprocess.Popen(
                launcher, pass_fds=given, env=env, stdin=subprocess.DEVNULL, stdout=errors,
                stderr=errors)
        for fd in given:
            os.close(fd)
        self._buffer = b""
        self._next = 0
        self._events: list[dict[str, Any]] = []

    def close(self) -> None:
        """Ask the browser to quit, and make sure it has."""
        with contextlib.suppress(CheckError, OSError):
            self.send("Browser.close")
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        os.close(self._commands)
        os.close(self._replies)

    def send(self, method: str, params: Mapping[str, Any] | None = None,
             session: str | None = None) -> dict[str, Any]:
        """Send a command and wait for its reply (events meanwhile are kept for `wait_for`)."""
        self._next += 1
        message: dict[str, Any] = {"id": self._next, "method": method, "params": params or {}}
        if session is not None:
            message["sessionId"] = session
        os.write(self._commands, json.dumps(message).encode() + b"\0")
        while True:
            reply = self._receive()
            if reply.get("id") == self._next:
                if "error" in reply:
                    msg = f"{method}: {reply['error'].get('message', reply['error'])}"
                    raise CheckError(msg)
                result: dict[str, Any] = reply.get("result", {})
                return result
            if "method" in reply:
                self._events.append(reply)

    def wait_for(self, event: str, session: str) -> None:
        """Wait until the browser reports `event` for `session`."""
        while True:
            for index, seen in enumerate(self._events):
                if seen["method"] == event and seen.get("sessionId") == session:
                    del self._events[: index + 1]
                    return
            self._events.append(self._receive())

    def _receive(self) -> dict[str, Any]:
        deadline = time.monotonic() + TIMEOUT
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            ready, _, _ = select.select([self._replies], [], [], max(left, 0))
            if not ready:
                msg = f"the browser did not answer within {TIMEOUT:g} s"
                raise CheckError(msg)
            chunk = os.read(self._replies, 1 << 20)
            if not chunk:
                msg = "the browser quit (see chromium-*.log beside the report)"
                raise CheckError(msg)
            self._buffer += chunk
        message, _, self._buffer = self._buffer.partition(b"\0")
        parsed: dict[str, Any] = json.loads(message)
        return parsed


class Page:
    """One browser tab: load a URL at a width, run axe on it."""

    def __init__(self, browser: Browser, axe: str) -> None:
        self._browser = browser
        self._axe = axe
        target = browser.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        self._session = browser.send("Target.attachToTarget",
                                     {"targetId": target, "flatten": True})["sessionId"]
        self._send("Page.enable")
        self._send("Runtime.enable")

    def _send(self, method: str, params: Mapping[str, Any] | None = None) -> dict[str, Any]:
        return self._browser.send(method, params, self._session)

    def check(self, url: str, size: tuple[int, int]) -> dict[str, Any]:
        """axe-core's results for the page at `url`, seen in a viewport of `size`."""
        width, height = size
        self._send("Emulation.setDeviceMetricsOverride",
                   {"width": width, "height": height, "deviceScaleFactor": 1,
                    "mobile": width < 600})
        navigation = self._send("Page.navigate", {"url": url})
        if navigation.get("errorText"):
            msg = f"cannot load {url}: {navigation['errorText']}"
            raise CheckError(msg)
        self._browser.wait_for("Page.loadEventFired", self._session)
        self._evaluate(self._axe)
        run = ("axe.run(document, {resultTypes: ['violations', 'incomplete']})"
               ".then(r => JSON.stringify({violations: r.violations, incomplete: r.incomplete,"
               " passes: r.passes.length, engine: r.testEngine.version}))")
        results: dict[str, Any] = json.loads(self._evaluate(run))
        return results

    def _evaluate(self, expression: str) -> Any:
        reply = self._send("Runtime.evaluate", {"expression": expression, "awaitPromise": True,
                                                "returnByValue": True})
        if "exceptionDetails" in reply:
            details = reply["exceptionDetails"]
            msg = f"script failed: {details.get('exception', {}).get('description', details)}"
            raise CheckError(msg)
        return reply["result"].get("value")


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """Serve silently: the report says what was checked."""


def _serve(folders: Sequence[Path]) -> tuple[list[http.server.ThreadingHTTPServer], list[str]]:
    """Serve each folder from a port of its own on 127.0.0.1 (so that links stay inside it);
    the servers and each folder's base URL."""
    servers, bases = [], []
    for folder in folders:
        handler = functools.partial(_Quiet, directory=str(folder))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        bases.append(f"http://127.0.0.1:{server.server_address[1]}/")
    return servers, bases


def pages(folder: Path) -> Iterator[str]:
    """The HTML pages under `folder`, as paths relative to it, in order; folders named
    `_…` (sources, static files, images) are left out."""
    for path in sorted(folder.rglob("*.html")):
        relative = path.relative_to(folder)
        if not any(part.startswith("_") for part in relative.parts[:-1]):
            yield relative.as_posix()


def failures(report: Mapping[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """(page, width, violation) for every violation whose impact fails the check.

    >>> failures({"pages": [{"page": "a.html", "width": "phone", "violations": [
    ...     {"id": "x", "impact": "minor"}, {"id": "y", "impact": "serious"}]}]})
    [('a.html', 'phone', {'id': 'y', 'impact': 'serious'})]
    """
    return [(entry["page"], entry["width"], violation) for entry in report["pages"]
            for violation in entry["violations"] if violation.get("impact") in FAILING]


def summary(report: Mapping[str, Any]) -> str:
    """The report for people: each rule violated, its impact, how many pages, and where.

    >>> print(summary({"engine": "4.0", "seconds": 1.0, "pages": [{"page": "a.html",
    ...     "width": "desktop", "violations": [{"id": "region", "impact": "moderate",
    ...     "help": "All page content should be contained by landmarks",
    ...     "nodes": [{"target": ["#x"]}]}], "incomplete": []}]}))
    axe-core 4.0: 1 page checked (1 at each of 1 width) in 1.0 s
    moderate  region: All page content should be contained by landmarks
              a.html (desktop): #x
    0 serious or critical violations
    """
    entries = report["pages"]
    widths = sorted({entry["width"] for entry in entries})
    count = len({entry["page"] for entry in entries})
    lines = [f"axe-core {report['engine']}: {len(entries)} page{'s' * (len(entries) != 1)} "
             f"checked ({count} at each of {len(widths)} width{'s' * (len(widths) != 1)}) in "
             f"{report['seconds']:.1f} s"]
    rules: dict[tuple[str, str, str], list[str]] = {}
    order = {"critical": 0, "serious": 1, "moderate": 2, "minor": 3}
    for entry in entries:
        for violation in entry["violations"]:
            key = (violation.get("impact") or "minor", violation["id"], violation["help"])
            targets = ", ".join(" ".join(map(str, node["target"]))
                                for node in violation["nodes"][:3])
            more = len(violation["nodes"]) - 3
            rules.setdefault(key, []).append(
                f"{entry['page']} ({entry['width']}): {targets}"
                + (f" and {more} more" if more > 0 else ""))
    for (impact, rule, text), where in sorted(rules.items(),
                                              key=lambda item: (order.get(item[0][0], 4),
                                                                item[0][1])):
        lines.append(f"{impact:<9} {rule}: {text}")
        lines += [f"          {place}" for place in where]
    undecided = sorted({v["id"] for entry in entries for v in entry.get("incomplete", ())})
    if undecided:
        lines.append(f"for a person to review (axe could not decide): {', '.join(undecided)}")
    lines.append(f"{len(failures(report))} serious or critical violations")
    return "\n".join(lines)


def check(folders: Sequence[Path], axe: Path, out: Path, executable: str, jobs: int = 1
          ) -> dict[str, Any]:
    """Run axe on every page of every folder at every width, in `jobs` browsers at once; the
    report, in page order (also written to `out`)."""
    started = time.perf_counter()
    servers, bases = _serve(folders)
    work = [(f"{folder.name}/{name}", base + name, width)
            for folder, base in zip(folders, bases, strict=True)
            for name in pages(folder) for width in WIDTHS]
    script = axe.read_text("utf-8")
    found: dict[int, dict[str, Any]] = {}

    def worker(number: int) -> None:
        profile = Path(tempfile.mkdtemp(prefix="axe-profile-"))
        browser = Browser(executable, profile, out / f"chromium-{number}.log")
        try:
            page = Page(browser, script)
            for index in range(number, len(work), jobs):
                shown, url, width = work[index]
                results = page.check(url, WIDTHS[width])
                found[index] = {"page": shown, "width": width, **results}
        finally:
            browser.close()
            shutil.rmtree(profile, ignore_errors=True)

    try:
        with ThreadPoolExecutor(max_workers=jobs) as pool:
            for done in [pool.submit(worker, number) for number in range(jobs)]:
                done.result()
    finally:
        for server in servers:
            server.shutdown()
    entries = [found[index] for index in range(len(work))]
    report = {"engine": entries[0].pop("engine") if entries else "",
              "seconds": round(time.perf_counter() - started, 1), "jobs": jobs,
              "failing_impacts": list(FAILING), "widths": WIDTHS,
              "pages": [{k: v for k, v in e.items() if k != "engine"} for e in entries]}
    (out / "axe-report.json").write_text(json.dumps(report, indent=1) + "\n", "utf-8")
    return report


def main(argv: Sequence[str] | None = None) -> int:
    """Check the folders; 0 when no page has a serious or critical violation."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folders", nargs="+", type=Path, metavar="FOLDER",
                        help="a folder of HTML pages (a built site, or reports)")
    parser.add_argument("--axe", type=Path, required=True, metavar="FILE",
                        help="axe-core's axe.min.js (npm install axe-core)")
    parser.add_argument("--report", type=Path, required=True, metavar="DIR",
                        help="where to write axe-report.json and axe-summary.txt")
    parser.add_argument("--chromium", default=shutil.which("chromium") or "chromium",
                        help="the browser to run (default: chromium on the PATH)")
    parser.add_argument("--jobs", type=int, default=min(os.cpu_count() or 1, 4),
                        help="browsers run at once (default: one per processor, at most 4)")
    args = parser.parse_args(argv)
    missing = [str(p) for p in (*args.folders, args.axe) if not p.exists()]
    if missing or shutil.which(args.chromium) is None:
        print(f"axe_check: cannot run: missing {', '.join(missing) or args.chromium}",
              file=sys.stderr)
        return 2
    if not any(next(pages(folder), None) for folder in args.folders):
        print("axe_check: cannot run: no HTML page in the folders given", file=sys.stderr)
        return 2
    args.report.mkdir(parents=True, exist_ok=True)
    try:
        report = check(args.folders, args.axe, args.report, args.chromium, max(args.jobs, 1))
    except CheckError as error:
        print(f"axe_check: cannot run: {error}", file=sys.stderr)
        return 2
    text = summary(report)
    (args.report / "axe-summary.txt").write_text(text + "\n", "utf-8")
    print(text)
    return 1 if failures(report) else 0


if __name__ == "__main__":
    sys.exit(main())
