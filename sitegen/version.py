"""The code version every cached result and stored no-op report is valid for: the source of
every sitegen module and the installed release of each library whose behaviour reaches a page.

Libraries are found without importing them (a no-op build must not load Jinja, markdown-it or
PyYAML just to learn nothing changed): their release is read off the name of their
`*.dist-info` (or `*.egg-info`) entry beside the package.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import os
from pathlib import Path

from sitegen import cache

# import name -> distribution name as written in its dist-info folder (lower case, "_" for "-")
LIBRARIES = {
    "jinja2": "jinja2",
    "markupsafe": "markupsafe",
    "markdown_it": "markdown_it_py",
    "mdurl": "mdurl",
    "cmarkgfm": "cmarkgfm",
    "yaml": "pyyaml",
}

_SOURCES = Path(__file__).resolve().parent


def code_version() -> str:
    """Return a version covering every sitegen module and the libraries' releases."""
    libraries = (f"{name} {installed_release(name)}" for name in LIBRARIES)
    sources = (p.read_text("utf-8") for p in sorted(_SOURCES.glob("*.py")))
    return cache.code_version(*libraries, *sources)


def installed_release(module: str) -> str:
    """Return the names of the metadata entries of a library's distribution (they carry its
    release), or a digest of its code when it has none; "missing" when it is not installed."""
    spec = importlib.util.find_spec(module)
    if spec is None or spec.origin is None:
        return "missing"
    origin = Path(spec.origin)
    folder = origin.parent.parent if spec.submodule_search_locations else origin.parent
    wanted = LIBRARIES.get(module, module)
    names = sorted(
        name
        for name in _listing(str(folder))
        if name.endswith((".dist-info", ".egg-info"))
        and name.split("-", 1)[0].lower().replace(".", "_") == wanted
    )
    if names:
        return " ".join(names)
    return hashlib.blake2b(origin.read_bytes(), digest_size=16).hexdigest()


@functools.cache
def _listing(folder: str) -> tuple[str, ...]:
    try:
        return tuple(os.listdir(folder))
    except OSError:
        return ()
