"""The release artefact: `python -m build` makes an sdist and a wheel that carry what serving needs,
and the wheel, installed into a fresh virtual environment outside the checkout, serves the bundled
graph (`serve` over HTTP, `query`, `stats`, `publish` into a real `oxigraph serve`).

Offline: the build runs without isolation (setuptools and build are test dependencies), the wheel
is installed with `--no-deps --no-index`, and the fresh environment sees this environment's
dependencies through a .pth line naming its site-packages (a path line: the editable install's
finder in there is not activated, so `kosovo_kg` comes from the wheel).
"""

from __future__ import annotations

import http.client
import json
import os
import subprocess
import sys
import sysconfig
import tarfile
import urllib.parse
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from endpoint_support import serving
from engine_support import oxigraph_serve

import kosovo_kg
from kosovo_kg.settings import PROJECT_ROOT

CHECKOUT = Path(__file__).resolve().parents[1]
DUMP = CHECKOUT / "data" / "generated" / "kosovo-kg.nq"
QUADS = sum(1 for line in DUMP.read_text(encoding="utf-8").splitlines() if line[:1] == "<")
OFFLINE = ("--no-deps", "--no-index")
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
WHERE = "import kosovo_kg.settings as s; print(s.__file__); print(s.PROJECT_ROOT)"
# what serving needs, as the checkout lays it out (the wheel has it under kosovo_kg/_bundled/)
NEEDED = (
    "ontology/kosovo-kg.ttl",
    "shapes/kosovo-kg.shapes.ttl",
    "queries/count-claims.rq",
    "data/generated/kosovo-kg.nq",
    "data/sources/manifest.json",
    "data/sources/reference/countries.csv",
    "node_modules/@zazuko/yasgui/build/yasgui.min.js",
    "node_modules/world-atlas/countries-110m.json",
)


@dataclass
class Installed:
    sdist: Path
    wheel: Path
    bin: Path
    home: Path  # HOME, XDG_STATE_HOME and working folder of every command: outside the checkout
    env: dict[str, str]

    def run(self, *args: str, timeout: float = 600) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(self.bin / "kosovo-kg"), *args],
            cwd=self.home,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    if not (CHECKOUT / "node_modules" / "@zazuko" / "yasgui").is_dir():
        pytest.skip("node_modules/ is missing (run `npm ci`): the wheel would lack the front end")
    root = tmp_path_factory.mktemp("wheel")
    dist = root / "dist"
    built = subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(dist), str(CHECKOUT)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    version = kosovo_kg.__version__
    sdist = dist / f"kosovo_kg-{version}.tar.gz"
    wheel = dist / f"kosovo_kg-{version}-py3-none-any.whl"
    venv = root / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "-q",
            *OFFLINE,
            str(wheel),
        ],
        check=True,
        timeout=600,
    )
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    ours = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (Path(site) / "test-dependencies.pth").write_text("\n".join(sorted(ours)) + "\n")
    home = root / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KOSOVO_KG_", "PYTHON"))}
    env.update({"HOME": str(home), "XDG_STATE_HOME": str(home / "state")})
    return Installed(sdist, wheel, venv / "bin", home, env)


def test_sdist_and_wheel_carry_what_serving_needs(installed):
    with tarfile.open(installed.sdist) as sdist:
        top = f"kosovo_kg-{kosovo_kg.__version__}/"
        in_sdist = {name.removeprefix(top) for name in sdist.getnames()}
    with zipfile.ZipFile(installed.wheel) as wheel:
        in_wheel = set(wheel.namelist())
    for name in NEEDED:
        assert name in in_sdist, name
        assert "kosovo_kg/_bundled/" + name in in_wheel, name
    assert "setup.py" in in_sdist and "MANIFEST.in" in in_sdist
    assert "kosovo_kg/web/templates/base.html" in in_wheel
    assert not any(name.startswith(("tests/", "kosovo_kg/_bundled/var")) for name in in_wheel)
    with zipfile.ZipFile(installed.wheel) as wheel:
        bundled = wheel.read("kosovo_kg/_bundled/data/generated/kosovo-kg.nq")
    assert bundled == DUMP.read_bytes()


def test_the_installed_package_reads_its_own_files_not_the_checkout(installed):
    where = subprocess.run(
        [str(installed.bin / "python"), "-c", WHERE],
        cwd=installed.home,
        env=installed.env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    venv = installed.bin.parent
    assert all(Path(p).is_relative_to(venv) for p in where), where
    assert Path(where[1]).name == "_bundled"
    assert PROJECT_ROOT == CHECKOUT  # and this (editable) install still reads the checkout


def test_query_and_stats_run_on_the_bundled_graph(installed):
    done = installed.run("query", "--format", "csv", COUNT)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["n", str(QUADS)]
    stats = installed.run("stats", "--json")  # SHACL with the bundled shapes too
    assert stats.returncode == 0, stats.stderr
    result = json.loads(stats.stdout)
    assert result["triples"] == QUADS
    assert result["shacl_violations"] == 0


def test_publish_loads_the_bundled_graph_into_an_engine(installed):
    with oxigraph_serve(["serve"]) as (url, _):
        done = installed.run("publish", "--to", f"{url}/store")
        assert done.returncode == 0, done.stderr
        assert f"{QUADS} triples" in done.stderr
        conn = http.client.HTTPConnection("127.0.0.1", urllib.parse.urlsplit(url).port, timeout=60)
        conn.request("POST", "/query", COUNT.encode(), {"Content-Type": "application/sparql-query"})
        reply = conn.getresponse()
        body = reply.read()
    assert reply.status == 200, body
    assert json.loads(body)["results"]["bindings"][0]["n"]["value"] == str(QUADS)


def test_serve_answers_queries_pages_and_assets_from_the_bundled_files(installed):
    command = [str(installed.bin / "kosovo-kg")]
    env = {**installed.env, "KOSOVO_KG_WORKERS": "1"}
    with serving(command, env, installed.home / "serve.log", cwd=installed.home) as server:
        assert server.count() == QUADS  # a query over HTTP
        saved = server.get(path="/queries/count-claims?category=Withdrawals")
        assert saved.status == 200, saved.text
        assert saved.json()["results"]["bindings"]  # a saved query from the wheel
        for path in ("/", "/ontology", "/assets/yasgui.min.js", "/assets/countries-110m.json"):
            reply = server.get(path=path, accept="*/*")
            assert reply.status == 200, (path, reply.body[:500])
        turtle = server.get(path="/ontology", accept="text/turtle")
        assert turtle.status == 200 and b"Recognition" in turtle.body  # the bundled ontology
    state = installed.home / "state" / "kosovo-kg"
    assert (state / "assets" / "yasgui.min.js").is_file()  # var_dir: outside the package
