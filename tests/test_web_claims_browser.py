"""The claimed-counts chart in a real browser: Debian's chromium driven by playwright-core (npm),
against a real `kosovo-kg serve` process holding the shipped graph. The script
(tests/browser/claims_chart.mjs) checks that every claim of the page's table is drawn as a
coloured point inside the chart, one colour per claimant kind, that the filter narrows the
points, that a point leads to its claim page and that the home chart carries the same points;
screenshots go to test-artifacts/screenshots/claims/. Skipped, like test_web_browser.py, only
when chromium, node or playwright-core are missing on a local machine (failed under CI)."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from endpoint_support import run_server
from test_web_browser import CHROMIUM, DUMP, browser_ready  # noqa: F401 (fixture)

from kosovo_kg.settings import PROJECT_ROOT

SCRIPT = PROJECT_ROOT / "tests" / "browser" / "claims_chart.mjs"
SHOTS = PROJECT_ROOT / "test-artifacts" / "screenshots" / "claims"


def test_claims_chart_in_chromium(browser_ready: None, tmp_path: Path) -> None:  # noqa: F811
    SHOTS.mkdir(parents=True, exist_ok=True)
    for old in SHOTS.glob("*.png"):
        old.unlink()
    with run_server(tmp_path / "srv", {"KOSOVO_KG_WORKERS": "1"}, DUMP.read_bytes()) as server:
        done = subprocess.run(
            ["node", str(SCRIPT), server.url, str(SHOTS), str(tmp_path / "profile")],
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            timeout=300,
            env={**os.environ, "CHROMIUM": CHROMIUM},
        )
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    failed = [c for c in report["checks"] if not c["ok"]]
    assert not failed, json.dumps(failed, indent=1)
    assert len(report["checks"]) >= 10
    assert all(u.startswith(server.url + "/") for u in report["requests"])
    assert {Path(s).stem for s in report["screenshots"]} == {
        "claims-chart",
        "claims-chart-wikipedia",
    }
    for shot in report["screenshots"]:
        assert Path(shot).stat().st_size > 5000, shot
