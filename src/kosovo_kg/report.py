"""The build report: warnings (the build went on) and discrepancies, each naming file and line."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Finding:
    kind: str  # warning | discrepancy
    file: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line is not None else self.file
        return f"{self.kind}: {where}: {self.message}"


@dataclass
class BuildReport:
    findings: list[Finding] = field(default_factory=list)
    facts: dict[str, Any] = field(default_factory=dict)

    def warn(self, file: Path | str, line: int | None, message: str) -> None:
        self.findings.append(Finding("warning", Path(file).name, line, message))

    def discrepancy(self, file: Path | str, line: int | None, message: str) -> None:
        self.findings.append(Finding("discrepancy", Path(file).name, line, message))

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.kind == "warning"]

    @property
    def discrepancies(self) -> list[Finding]:
        return [f for f in self.findings if f.kind == "discrepancy"]

    def to_json(self) -> str:
        data = {"facts": self.facts, "findings": [asdict(f) for f in self.findings]}
        return json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True) + "\n"

    def to_text(self) -> str:
        lines = [f"{k}: {v}" for k, v in sorted(self.facts.items())]
        lines += [str(f) for f in self.findings]
        return "\n".join(lines) + "\n"
