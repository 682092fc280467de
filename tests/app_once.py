"""One GET through the real Flask app and engine over a data folder, then the engine is closed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kosovo_kg.engine import Engine
from kosovo_kg.settings import load_settings
from kosovo_kg.web import create_app


def get_once(data: Path, var: Path, path: str) -> Any:
    settings = load_settings({"data_dir": data, "var_dir": var, "workers": 1}, environ={})
    engine = Engine(settings).start()
    try:
        return create_app(settings, engine=engine).test_client().get(path)
    finally:
        engine.close()
