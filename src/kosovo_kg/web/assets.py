"""Front-end assets from the npm registry, copied where the server serves them (not committed).

`npm ci` puts the packages in `node_modules/`; `copy_assets` copies the few dist files the pages
use into `<var_dir>/assets/` (served at /assets/...). Without them the pages fall back to plain
forms. `kosovo-kg serve` runs the copy when `node_modules/` holds the packages.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from kosovo_kg.settings import PROJECT_ROOT

NODE_MODULES = PROJECT_ROOT / "node_modules"
# served name -> path inside node_modules
FILES = {
    "yasgui.min.js": "@zazuko/yasgui/build/yasgui.min.js",
    "yasgui.min.css": "@zazuko/yasgui/build/yasgui.min.css",
    "countries-110m.json": "world-atlas/countries-110m.json",
}


def assets_dir(var_dir: Path) -> Path:
    return Path(var_dir) / "assets"


def copy_assets(var_dir: Path, node_modules: Path | None = None) -> list[str]:
    """Copy the dist files found in `node_modules`; return the names now served."""
    node_modules = NODE_MODULES if node_modules is None else node_modules
    target = assets_dir(var_dir)
    copied = []
    for name, source in FILES.items():
        path = node_modules / source
        if not path.is_file():
            continue
        target.mkdir(parents=True, exist_ok=True)
        dest = target / name
        if not dest.exists() or dest.stat().st_mtime < path.stat().st_mtime:
            tmp = dest.with_suffix(dest.suffix + ".tmp")
            shutil.copyfile(path, tmp)
            tmp.replace(dest)
        copied.append(name)
    return copied


def available(var_dir: Path) -> set[str]:
    target = assets_dir(var_dir)
    return {name for name in FILES if (target / name).is_file()}
