"""A local preview server for the built site, on 127.0.0.1 only."""

from __future__ import annotations

import functools
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any


class _SiteHandler(SimpleHTTPRequestHandler):
    def __init__(self, *args: Any, directory: str, quiet: bool, **kwargs: Any) -> None:
        self.quiet = quiet
        super().__init__(*args, directory=directory, **kwargs)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory) / "404.html"
        if code == 404 and page.is_file():
            body = page.read_bytes()
            self.send_response(404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)
            return
        super().send_error(code, message, explain)

    def log_message(self, format: str, *args: Any) -> None:
        if not self.quiet:
            super().log_message(format, *args)


def make_server(directory: Path, port: int, quiet: bool = False) -> ThreadingHTTPServer:
    """Return a server for `directory` bound to 127.0.0.1 (port 0 picks a free port)."""
    handler = functools.partial(_SiteHandler, directory=str(directory), quiet=quiet)
    return ThreadingHTTPServer(("127.0.0.1", port), handler)
