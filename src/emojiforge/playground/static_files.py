"""The page and its assets, read from the installed package (works offline, no CDN)."""

from __future__ import annotations

import re
from importlib import resources

from emojiforge.webhook import HttpResponse

_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*\.(html|css|js|svg|png)$")
_TYPES = {
    "html": "text/html; charset=utf-8",
    "css": "text/css; charset=utf-8",
    "js": "text/javascript; charset=utf-8",
    "svg": "image/svg+xml",
    "png": "image/png",
}
# Only our own files run on the page; images may also be blob: URLs (downloads).
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' blob: data:; style-src 'self'; script-src 'self'; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
SECURITY_HEADERS = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
}


def static_file(name: str) -> HttpResponse:
    """``name`` from the package's ``static`` folder; 404 for anything else."""
    match = _NAME.match(name)
    file = resources.files("emojiforge.playground").joinpath("static", name)
    if not match or not file.is_file():
        return HttpResponse(404, "not found", {"content-type": "text/plain; charset=utf-8"})
    headers = {
        **SECURITY_HEADERS,
        "content-type": _TYPES[match.group(1)],
        # Small files: always revalidate, so an upgrade never runs a stale script.
        "cache-control": "no-cache",
    }
    if name.endswith(".html"):
        headers["content-security-policy"] = CONTENT_SECURITY_POLICY
    return HttpResponse(200, file.read_bytes(), headers)
