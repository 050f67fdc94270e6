"""A local preview server for the built site, on 127.0.0.1 only.

With live reload on, every HTML response (never the file on disk) gets one external script tag,
/__sitegen/reload.js, served by this server: the page's CSP allows only 'self' scripts, so no
inline code. The script polls /__sitegen/version and reloads the tab when a rebuild finished,
and shows the errors of the last build (/__sitegen/errors) over the page, as text: an editor
looking at the site sees why a page did not change, or is gone, without the terminal.
"""

from __future__ import annotations

import functools
import json
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

RELOAD_JS = "/__sitegen/reload.js"
VERSION_URL = "/__sitegen/version"
ERRORS_URL = "/__sitegen/errors"
ERRORS_BOX = "sitegen-errors"  # the id of the element that shows them
SCRIPT_TAG = f'<script src="{RELOAD_JS}" defer></script>'.encode()
# Styles are set through the CSSOM: the page's CSP forbids style attributes and <style>.
# Error lines are set as text, never as markup: they quote seed and record text.
_JS = f"""// sitegen serve: reload this tab after each rebuild; show the last build's errors.
(function () {{
  var seen = null;
  function poll() {{
    fetch("{VERSION_URL}", {{cache: "no-store"}})
      .then(function (r) {{ return r.text(); }})
      .then(function (v) {{
        if (seen !== null && v !== seen) {{ location.reload(); return; }}
        seen = v;
        setTimeout(poll, 300);
      }})
      .catch(function () {{ setTimeout(poll, 1000); }});
  }}
  function show(lines) {{
    if (!lines.length) {{ return; }}
    var box = document.createElement("section");
    box.id = "{ERRORS_BOX}";
    box.setAttribute("role", "alert");
    var head = document.createElement("strong");
    head.textContent = "sitegen serve: the last build reported " + lines.length +
      (lines.length === 1 ? " error" : " errors") + " (also in the terminal)";
    var hide = document.createElement("button");
    hide.type = "button";
    hide.textContent = "Hide";
    hide.addEventListener("click", function () {{ box.remove(); }});
    var text = document.createElement("pre");
    text.textContent = lines.join("\\n");
    Object.assign(box.style, {{
      position: "fixed", left: "0", right: "0", bottom: "0", maxHeight: "50vh",
      overflow: "auto", zIndex: "2147483647", padding: "12px 16px", background: "#fff4f4",
      color: "#5c0000", borderTop: "3px solid #b00020", font: "15px/1.4 system-ui, sans-serif"
    }});
    Object.assign(hide.style, {{marginLeft: "1em"}});
    Object.assign(text.style, {{
      margin: "8px 0 0", whiteSpace: "pre-wrap", font: "13px/1.4 ui-monospace, monospace"
    }});
    box.append(head, hide, text);
    document.body.appendChild(box);
  }}
  // The errors and the version they go with, read together: a build ending between two
  // requests would leave this tab showing errors it never reloads away.
  fetch("{ERRORS_URL}", {{cache: "no-store"}})
    .then(function (r) {{ return r.json(); }})
    .then(function (state) {{ seen = state.version; show(state.errors); poll(); }})
    .catch(function () {{ poll(); }});
}})();
""".encode()

# At most this many error lines go to the page (the terminal has them all).
ERRORS_SHOWN = 50


class BuildVersion:
    """A counter of rebuilds that changed the site's files or its errors, which the reload
    script watches, and the last build's errors."""

    def __init__(self) -> None:
        self._value = 0
        self._errors: tuple[str, ...] = ()
        self._lock = threading.Lock()

    def bump(self) -> None:
        with self._lock:
            self._value += 1

    def report(self, errors: Sequence[str], reload: bool = False) -> None:
        """Note the last build's errors; open tabs reload (and show them) when they changed,
        or with `reload` (the build wrote pages: they reload once, with its errors)."""
        shown = tuple(errors[:ERRORS_SHOWN])
        if len(errors) > ERRORS_SHOWN:
            shown += (f"... and {len(errors) - ERRORS_SHOWN} more",)
        with self._lock:
            if reload or shown != self._errors:
                self._errors = shown
                self._value += 1

    def state(self) -> tuple[int, tuple[str, ...]]:
        """Return the version and its errors, read together."""
        with self._lock:
            return self._value, self._errors

    @property
    def value(self) -> int:
        with self._lock:
            return self._value

    @property
    def errors(self) -> tuple[str, ...]:
        with self._lock:
            return self._errors


class _SiteHandler(SimpleHTTPRequestHandler):
    def __init__(
        self, *args: Any, directory: str, quiet: bool, version: BuildVersion | None, **kwargs: Any
    ) -> None:
        self.quiet = quiet
        self.version = version
        self._cache_said = False  # this response set its Cache-Control itself
        super().__init__(*args, directory=directory, **kwargs)

    def do_GET(self) -> None:
        self._serve(super().do_GET)

    def do_HEAD(self) -> None:
        # As GET, without the body: a page's length is that of the page with the script.
        self._serve(super().do_HEAD)

    def _serve(self, as_on_disk: Callable[[], None]) -> None:
        if self.version is None:
            as_on_disk()
            return
        path = self.path.split("?", 1)[0]
        if path == RELOAD_JS:
            self._send(200, "text/javascript; charset=utf-8", _JS)
        elif path == VERSION_URL:
            self._send(200, "text/plain; charset=utf-8", str(self.version.value).encode())
        elif path == ERRORS_URL:
            value, errors = self.version.state()
            state = json.dumps({"version": str(value), "errors": list(errors)}).encode()
            self._send(200, "application/json; charset=utf-8", state)
        else:
            target = Path(self.translate_path(path))
            if target.is_dir() and path.endswith("/"):
                target = target / "index.html"
            if target.suffix == ".html" and target.is_file():
                self._send(200, "text/html; charset=utf-8", _inject(target.read_bytes()))
            else:
                as_on_disk()

    def send_head(self) -> Any:
        # Never "304 Not Modified": the check compares whole seconds, so a file a rebuild
        # wrote again within the second a tab fetched it in (the search listing that drops a
        # removed question) was answered 304, and the tab kept the old copy. Files here come
        # from this machine: sending them again costs nothing a reader notices.
        del self.headers["If-Modified-Since"]
        return super().send_head()

    def _send(self, code: int, kind: str, body: bytes) -> None:
        self.send_response(code)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self._cache_said = True
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def end_headers(self) -> None:
        # Files served as they are (the stylesheet, images) are asked for again each time,
        # answered 304 while unchanged: without this, a tab reloaded after a CSS edit kept
        # the stylesheet it had (the browser took its copy as fresh for a while).
        if self.version is not None and not self._cache_said:
            self.send_header("Cache-Control", "no-cache")
        self._cache_said = False
        super().end_headers()

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory) / "404.html"
        if code == 404 and page.is_file():
            body = page.read_bytes()
            self._send(404, "text/html; charset=utf-8", _inject(body) if self.version else body)
            return
        super().send_error(code, message, explain)

    def log_message(self, format: str, *args: Any) -> None:
        # Not the reload script's polls (three a second from each open tab): they buried
        # the build's errors in the terminal.
        machinery = getattr(self, "path", "").startswith("/__sitegen/")  # none on a bad request
        if not self.quiet and not machinery:
            super().log_message(format, *args)


def _inject(html: bytes) -> bytes:
    """Return the page with the reload script tag before </body> (or at the end)."""
    at = html.rfind(b"</body>")
    return html + SCRIPT_TAG if at < 0 else html[:at] + SCRIPT_TAG + html[at:]


def make_server(
    directory: Path, port: int, quiet: bool = False, version: BuildVersion | None = None
) -> ThreadingHTTPServer:
    """Return a server for `directory` bound to 127.0.0.1 (port 0 picks a free port); with a
    `version`, HTML responses get the live-reload script."""
    handler = functools.partial(
        _SiteHandler, directory=str(directory), quiet=quiet, version=version
    )
    return ThreadingHTTPServer(("127.0.0.1", port), handler)


@contextmanager
def serving(server: ThreadingHTTPServer) -> Iterator[str]:
    """Run `server` on a background thread and yield its root URL; stop it on exit."""
    threading.Thread(target=server.serve_forever, daemon=True).start()
    host, port = server.server_address[:2]
    try:
        yield f"http://{host!s}:{port}/"
    finally:
        server.shutdown()
        server.server_close()
