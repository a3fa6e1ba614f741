"""Emoji served by the local server under tokenised, expiring URLs.

``admin.emoji.add`` takes a URL Slack can fetch, not bytes. In AWS that is an
S3 presigned URL; on one machine it is this: the file is kept under the data
folder and served at ``/files/<key>?expires=…&signature=…``, where the
signature is an HMAC of key and expiry, so only links we handed out work,
and only for a few minutes.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import parse_qs

from emojiforge.images.model import Emoji
from emojiforge.webhook import HttpRequest, HttpResponse

PREFIX = "/files/"
_KEY = re.compile(r"^[a-f0-9]{32}\.(png|gif)$")


class SignedFiles:
    def __init__(
        self,
        folder: Path,
        secret: bytes,
        public_base_url: str,
        *,
        ttl_s: float = 900.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.folder = folder
        self.secret = secret
        self.base = public_base_url.rstrip("/")
        self.ttl_s = ttl_s
        self.clock = clock

    def keep(self, job_id: str, index: int, name: str, emoji: Emoji) -> str:
        """``KeptOptions``: the file stays under the data folder; its key is
        content-addressed, so a redelivered job rewrites the same file."""
        return self._write(name, emoji)

    def url(self, key: str) -> str:
        """A link to the file under ``key``, valid for ``ttl_s`` from now."""
        expires = int(self.clock() + self.ttl_s)
        return f"{self.base}{PREFIX}{key}?expires={expires}&signature={self._sign(key, expires)}"

    def _write(self, name: str, emoji: Emoji) -> str:
        digest = hashlib.sha256(name.encode() + emoji.data).hexdigest()[:32]
        key = f"{digest}.{emoji.format}"
        self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / key).write_bytes(emoji.data)
        return key

    def serve(self, method: str, path: str, request: HttpRequest) -> HttpResponse | None:
        if method != "GET" or not path.startswith(PREFIX):
            return None
        key = path[len(PREFIX) :]
        query = parse_qs(request.query)
        expires = (query.get("expires") or ["0"])[0]
        signature = (query.get("signature") or [""])[0]
        if not _KEY.match(key) or not expires.isdigit():
            return HttpResponse(404, "not found")
        valid = hmac.compare_digest(signature, self._sign(key, int(expires)))
        if not valid or int(expires) < self.clock():
            return HttpResponse(403, "link expired or invalid")
        file = self.folder / key
        if not file.is_file():
            return HttpResponse(404, "not found")
        content_type = "image/png" if key.endswith(".png") else "image/gif"
        return HttpResponse(200, file.read_bytes(), {"content-type": content_type})

    def _sign(self, key: str, expires: int) -> str:
        message = f"{key}:{expires}".encode()
        return hmac.new(self.secret, message, hashlib.sha256).hexdigest()
