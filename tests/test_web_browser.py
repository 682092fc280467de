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
AXE = PROJECT_ROOT / "tests" / "browser" / "axe.mjs"
AXE_REPORT = PROJECT_ROOT / "test-artifacts" / "axe"
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
    for package in ("playwright-core", "@zazuko/yasgui", "axe-core"):
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
    for tag in ("desktop", "phone", "narrow"):  # YASGUI's table (JavaScript on)
        assert {
            f"{tag}: search suggestions as you type",
            f"{tag}: editor results link to local pages",
            f"{tag}: editor results show labels beside IRIs",
            f"{tag}: editor datatypes compact",
            f"{tag}: editor result view kept in the address",
            f"{tag}: /editor?example=withdrawals&run=1 fits the screen",
        } <= names, tag
    assert all(u.startswith(url + "/") for u in report["requests"])
    for shot in report["screenshots"]:
        assert Path(shot).stat().st_size > 5000, shot


# every kind of HTML page the site has; the script also checks a page of each linked-data family
AXE_PAGES = {
    "/",
    "/sparql",
    "/editor",
    "/editor?example=perspective-status-at",
    "/queries",
    "/forms",
    "/queries/perspective-status-at/form",
    "/queries/perspective-status-at/form?run=1&date=2019&perspective=serbia&state=PLW",
    "/claims/chart",
    "/id/state/SUR",
    "/id/state/XKX",
    "/id/state/ZZZ",
    "/search?q=dacic",
    "/.well-known/void",
    "/ontology",
}
AXE_FAMILIES = ("claim", "doc", "ref", "agent", "person", "period", "perspective", "event")


def test_axe_on_every_page(browser_ready: None, tmp_path: Path) -> None:
    """axe-core (injected from node_modules) finds no violation on any page, desktop and phone
    with JavaScript on (the editor with YASGUI's results too), and phone with the pages' own
    scripts blocked (as without JavaScript). The report is kept in
    test-artifacts/axe/axe-report.json."""
    report, url = _run(AXE, AXE_REPORT, tmp_path)
    checked = {c["name"] for c in report["checks"] if "axe clean on" in c["name"]}
    for size in ("desktop", "phone", "phone-nojs"):
        pages = {n.split("axe clean on ", 1)[1] for n in checked if n.startswith(size + ":")}
        assert pages >= AXE_PAGES, sorted(AXE_PAGES - pages)
        assert any(p.startswith("/editor?run=1") for p in pages)
        for family in AXE_FAMILIES:
            assert any(p.startswith(f"/id/{family}/") for p in pages), family
        assert any(p.startswith("/graph/") for p in pages)
    findings = json.loads((AXE_REPORT / "axe-report.json").read_text())
    assert len(findings) == len(checked) and not any(findings.values())
    assert all(u.startswith(url + "/") for u in report["requests"])
