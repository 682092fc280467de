"""Build step of the wheel: the files serving needs go into the package, as `kosovo_kg/_bundled/`.

They stay where they are in the checkout (ontology/, shapes/, queries/, data/, ...); an editable
install reads them there (`kosovo_kg.settings.PROJECT_ROOT`), and an installed wheel reads its
copy in `kosovo_kg/_bundled/`, laid out as in the checkout. The sdist carries the same files
(MANIFEST.in), so a wheel built from the sdist has them too. Everything else is in pyproject.toml.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).parent
# folders and files copied, relative to the checkout; the vendored front-end files are the ones
# kosovo_kg.web.assets.FILES serves (with their package.json, which names their licence)
BUNDLED = (
    "ontology",
    "shapes",
    "queries",
    "data/README.md",
    "data/curated",
    "data/sources",
    "data/generated/kosovo-kg.nq",
    "docs/codebook.md",
    "CITATION.cff",
    "LICENSE",
    "node_modules/@zazuko/yasgui/build/yasgui.min.js",
    "node_modules/@zazuko/yasgui/build/yasgui.min.css",
    "node_modules/@zazuko/yasgui/package.json",
    "node_modules/world-atlas/countries-110m.json",
    "node_modules/world-atlas/package.json",
    "node_modules/world-atlas/LICENSE",
)
OPTIONAL = "node_modules/"  # without `npm ci` the pages fall back to plain forms


class BuildWithData(build_py):
    def run(self) -> None:
        super().run()
        if self.editable_mode:  # an editable install reads the checkout's own files
            return
        target = Path(self.build_lib) / "kosovo_kg" / "_bundled"
        for name in BUNDLED:
            source = ROOT / name
            if not source.exists():
                if name.startswith(OPTIONAL):
                    print(f"warning: {name} missing (run `npm ci`); the wheel is built without it")
                    continue
                raise SystemExit(f"error: {name} is missing; it must be in the package")
            dest = target / name
            dest.parent.mkdir(parents=True, exist_ok=True)
            if source.is_dir():
                shutil.copytree(source, dest, dirs_exist_ok=True)
            else:
                shutil.copyfile(source, dest)


setup(cmdclass={"build_py": BuildWithData})
