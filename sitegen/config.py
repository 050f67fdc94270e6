"""Site settings from the optional sitegen.toml at the project root (every key has a default),
and the directories one run works on."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from sitegen.errors import ConfigError

CONFIG_FILE = "sitegen.toml"

DEFAULT_DISCLAIMER = (
    "These answers are for educational purposes and should not be relied upon as a substitute"
    " for medical advice you may receive from your physician. If you have a medical emergency,"
    " please call 911. These answers do not constitute or initiate a patient/doctor relationship."
)


@dataclass(frozen=True, slots=True)
class Config:
    """Every setting, with its default. Paths are relative to the project root."""

    title: str = "Doctor Answers"
    description: str = (
        "Patients' questions about cosmetic and medical treatments, answered by doctors."
    )
    base_url: str = "http://127.0.0.1:8000/"
    language: str = "en"
    disclaimer: str = DEFAULT_DISCLAIMER
    source_name: str = "RealSelf"
    seeds_dir: str = "seeds"
    content_dir: str = "content"
    output_dir: str = "public"
    templates_dir: str = "templates"
    static_dir: str = "static"
    page_size: int = 50
    qapage_markup: bool = True
    search: bool = True  # Pagefind index, /search/ page and the header search box
    search_shard_size: int = 20_000  # questions per Pagefind index (its memory grows with it)

    @property
    def base_path(self) -> str:
        """Return the path part of base_url, always ending in '/' ("/" or "/qa/")."""
        path = urlsplit(self.base_url).path or "/"
        return path if path.endswith("/") else path + "/"


_TOML_PLACE = re.compile(r"\(at line (\d+), column (\d+)\)$")


def load_config(root: Path) -> Config:
    """Read sitegen.toml from `root` if it exists; raise ConfigError naming the bad key."""
    path = root / CONFIG_FILE
    if not path.exists():
        return Config()
    where = CONFIG_FILE  # as a build names its files: from the project's root
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except UnicodeDecodeError:
        raise ConfigError(where, None, "not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        # tomllib puts the place at the end of its message: "Invalid value (at line 3, column 7)"
        place = _TOML_PLACE.search(str(exc))
        if place is None:
            raise ConfigError(where, None, f"not valid TOML: {exc}") from None
        message = f"not valid TOML: {str(exc)[: place.start()].rstrip()} (column {place[2]})"
        raise ConfigError(where, int(place[1]), message) from None
    return config_from_dict(data, where)


def config_from_dict(data: dict[str, Any], where: str = CONFIG_FILE) -> Config:
    """Return a Config from a parsed settings table, checking names and types."""
    known = {f.name: f for f in fields(Config)}
    defaults = Config()
    values: dict[str, Any] = {}
    for key, value in data.items():
        if key not in known:
            raise ConfigError(where, None, f"unknown setting {key!r}")
        expected = type(getattr(defaults, key))
        if type(value) is not expected:
            raise ConfigError(where, None, f"setting {key!r} must be {expected.__name__}")
        values[key] = value
    config = replace(defaults, **values)
    scheme = urlsplit(config.base_url).scheme
    if scheme not in {"http", "https"} or any(c.isspace() or ord(c) < 32 for c in config.base_url):
        raise ConfigError(where, None, "setting 'base_url' must be an http(s) URL")
    if config.page_size < 1:
        raise ConfigError(where, None, "setting 'page_size' must be at least 1")
    if config.search_shard_size < 1:
        raise ConfigError(where, None, "setting 'search_shard_size' must be at least 1")
    if not config.base_url.endswith("/"):
        config = replace(config, base_url=config.base_url + "/")
    return config


@dataclass(frozen=True, slots=True)
class Paths:
    """The directories one run works on."""

    root: Path
    seeds: Path
    content: Path
    output: Path
    templates: Path
    static: Path

    @classmethod
    def from_config(
        cls,
        root: Path,
        config: Config,
        seeds: Path | None = None,
        content: Path | None = None,
        output: Path | None = None,
    ) -> Paths:
        return cls(
            root=root,
            seeds=seeds or root / config.seeds_dir,
            content=content or root / config.content_dir,
            output=output or root / config.output_dir,
            templates=root / config.templates_dir,
            static=root / config.static_dir,
        )
