"""Error and diagnostic types. Every problem carries the file (and line) it is about."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


class SitegenError(Exception):
    """Base class for every error sitegen raises on purpose."""


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """A warning or error about one place in one file."""

    path: str
    line: int | None
    message: str
    severity: Literal["warning", "error"] = "warning"

    def __reduce__(self) -> tuple[type, tuple[object, ...]]:
        return Diagnostic, (self.path, self.line, self.message, self.severity)

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.severity}: {self.message}"


# How every warning about a person's edit that a build kept begins (the CLI always shows them).
KEPT_EDIT = "kept your edit"


class SeedError(SitegenError):
    """A seed file that cannot be turned into a question."""

    def __init__(self, path: str, line: int | None, message: str) -> None:
        self.path = path
        self.line = line
        self.message = message
        super().__init__(str(self.diagnostic))

    @property
    def diagnostic(self) -> Diagnostic:
        return Diagnostic(self.path, self.line, self.message, "error")


class RecordError(SeedError):
    """A record in content/ that is not valid YAML or does not follow the schema."""


class ConfigError(SeedError):
    """An invalid sitegen.toml."""
