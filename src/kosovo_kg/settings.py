"""The one settings table.

Every setting has a name, an environment variable, a CLI flag, a type, a default and a line of
documentation. `docs/settings.md` is generated from this table and a test keeps the two in step.
Precedence: CLI flag > environment variable > default.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Setting:
    name: str
    type: type
    default: Any
    doc: str

    @property
    def env(self) -> str:
        return "KOSOVO_KG_" + self.name.upper()

    @property
    def flag(self) -> str:
        return "--" + self.name.replace("_", "-")

    def parse(self, raw: str) -> Any:
        if self.type is bool:
            value = raw.strip().lower()
            if value in {"1", "true", "yes", "on"}:
                return True
            if value in {"0", "false", "no", "off", ""}:
                return False
            raise ValueError(f"{self.env}: expected a boolean, got {raw!r}")
        if self.type is tuple:
            return tuple(part.strip() for part in raw.split(",") if part.strip())
        if self.type is Path:
            return Path(raw)
        try:
            return self.type(raw)
        except ValueError as exc:
            raise ValueError(f"{self.env}: expected {self.type.__name__}, got {raw!r}") from exc


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "base_iri",
        str,
        "https://w3id.org/kosovo-kg/",
        "Base IRI of every IRI the project mints (ontology, states, events, claims, graphs).",
    ),
    Setting(
        "data_dir",
        Path,
        PROJECT_ROOT / "data",
        "Folder with the pinned sources (`sources/`, `curated/`) and the generated dump.",
    ),
    Setting(
        "var_dir",
        Path,
        PROJECT_ROOT / "var",
        "Folder for built stores and build reports (not in git).",
    ),
)

SETTINGS_BY_NAME = {s.name: s for s in SETTINGS}


@dataclass(frozen=True)
class Settings:
    values: Mapping[str, Any] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Any:
        try:
            return self.values[name]
        except KeyError:
            raise AttributeError(name) from None


def load_settings(
    overrides: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None
) -> Settings:
    """Resolve every setting: overrides (CLI flags) > environment > default."""
    environ = os.environ if environ is None else environ
    overrides = {k: v for k, v in (overrides or {}).items() if v is not None}
    unknown = set(overrides) - set(SETTINGS_BY_NAME)
    if unknown:
        raise KeyError(f"unknown setting(s): {', '.join(sorted(unknown))}")
    values: dict[str, Any] = {}
    for setting in SETTINGS:
        if setting.name in overrides:
            values[setting.name] = overrides[setting.name]
        elif setting.env in environ:
            values[setting.name] = setting.parse(environ[setting.env])
        else:
            values[setting.name] = setting.default
    base = values["base_iri"]
    if not base.endswith(("/", "#")):
        raise ValueError(f"base_iri must end with '/' or '#': {base!r}")
    return Settings(values)
