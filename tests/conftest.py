"""Shared fixtures. Seed fixtures first; add others below."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

SeedFactory = Callable[..., Path]


def pytest_configure(config: pytest.Config) -> None:
    # Hypothesis, while explaining a failure, touches mypy_extensions.TypedDict, which warns; with
    # filterwarnings = error that would turn a readable failure into an INTERNALERROR.
    config.addinivalue_line(
        "filterwarnings", "ignore:mypy_extensions.TypedDict is deprecated:DeprecationWarning"
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """Return an empty project root with a seeds/ directory."""
    (tmp_path / "seeds").mkdir()
    return tmp_path


@pytest.fixture
def seed(project: Path) -> SeedFactory:
    """Return a factory that writes a seed from a dedented string (or raw bytes) into seeds/."""

    def write(text: str | bytes, name: str = "q.txt") -> Path:
        path = project / "seeds" / name
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(textwrap.dedent(text).lstrip("\n"), "utf-8")
        return path

    return write
