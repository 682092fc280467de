"""The reading pages in a real browser: Debian's chromium driven by playwright-core (npm), against
a real `kosovo-kg serve` process holding the shipped graph. The script (tests/browser/pages.mjs)
opens each kind of page, runs a saved query through its form and a query in the editor, records
every request URL (none may leave the server) and writes screenshots to
test-artifacts/screenshots/. Skipped only when chromium, node or playwright-core are missing on
a local machine; under CI (CI set) their absence fails the test."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from endpoint_support import run_server

from kosovo_kg.settings import PROJECT_ROOT

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
SCRIPT = PROJECT_ROOT / "tests" / "browser" / "pages.mjs"
WORKBENCH = PROJECT_ROOT / "tests" / "browser" / "workbench.mjs"
SHOTS = PROJECT_ROOT / "test-artifacts" / "screenshots"
DUMP = PROJECT_ROOT / "data" / "generated" / "kosovo-kg.nq"
EXPECTED_SHOTS = {
    "home",
    "home-map",
    "home-serbia-2019",
    "state-PLW",
    "ontology",
    "event",
    "saved-query-form",
    "editor",
    "editor-nojs",
    "sparql-results",
    "claims-chart",
    "claims-chart-wikipedia",
}


def _missing() -> str | None:
    if not Path(CHROMIUM).exists():
        return f"no chromium at {CHROMIUM} (apt-get install -y chromium)"
    if shutil.which("node") is None:
        return "no node on PATH"
    for package in ("playwright-core", "@zazuko/yasgui"):
        if not (PROJECT_ROOT / "node_modules" / package / "package.json").exists():
            return f"npm package {package} is not installed (npm ci)"
    return None


@pytest.fixture(scope="module")
def browser_ready() -> None:
    reason = _missing()
    if reason is None:
        return
    if os.environ.get("CI"):
        pytest.fail(f"browser tests cannot run under CI: {reason}")
    pytest.skip(f"browser tests skipped: {reason}")


def _run(script: Path, shots: Path, tmp_path: Path) -> tuple[dict, str]:
    """Run a browser script against a fresh server; its report (every check passed) and URL."""
    shots.mkdir(parents=True, exist_ok=True)
    for old in shots.glob("*.png"):
        old.unlink()
    with run_server(tmp_path / "srv", {"KOSOVO_KG_WORKERS": "2"}, DUMP.read_bytes()) as server:
        done = subprocess.run(
            ["node", str(script), server.url, str(shots), str(tmp_path / "profile")],
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            timeout=600,
            env={**os.environ, "CHROMIUM": CHROMIUM},
        )
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    failed = [c for c in report["checks"] if not c["ok"]]
    assert not failed, json.dumps(failed, indent=1)
    return report, server.url


def test_pages_in_chromium(browser_ready: None, tmp_path: Path) -> None:
    report, url = _run(SCRIPT, SHOTS, tmp_path)
    names = {c["name"] for c in report["checks"]}
    assert {"editor: results shown", "saved-query form: result row"} <= names
    assert "no request leaves the server" in names
    # every request went to the server under test, and the pages' assets were among them
    assert all(u.startswith(url + "/") for u in report["requests"])
    assert any(u.endswith("/assets/yasgui.min.js") for u in report["requests"])
    assert {Path(s).stem for s in report["screenshots"]} == EXPECTED_SHOTS
    for shot in report["screenshots"]:
        assert Path(shot).stat().st_size > 5000, shot


def test_workbench_in_chromium(browser_ready: None, tmp_path: Path) -> None:
    """Issue 17's items at desktop and phone sizes, with JavaScript on and off."""
    report, url = _run(WORKBENCH, SHOTS / "workbench", tmp_path)
    names = {c["name"] for c in report["checks"]}
    for tag in ("desktop", "desktop-nojs", "phone", "phone-nojs", "narrow"):
        assert {
            f"{tag}: home lists no Kosovo row",
            f"{tag}: claim page titled by what it says",
            f"{tag}: /sparql has the site menu",
            f'{tag}: search "dacic" finds Dačić',
            f"{tag}: home takes a year",
            f"{tag}: form takes a month",
            f"{tag}: /?date=2019-12-31 fits the screen",
            f"{tag}: chart labels readable",
            f"{tag}: editor example runs like the saved query",
            f"{tag}: map legend complete",
            f"{tag}: state timeline per claimant",
        } <= names, tag
    assert {
        "desktop: search suggestions as you type",
        "phone: search suggestions as you type",
    } <= names
    assert all(u.startswith(url + "/") for u in report["requests"])
    for shot in report["screenshots"]:
        assert Path(shot).stat().st_size > 5000, shot
