"""A fake Slack Web API on a real HTTP server, for tests that talk to it with slack_sdk.

    with FakeSlack(existing_emoji={"partyparrot"}) as slack:
        client = WebClient(token=slack.token, base_url=slack.base_url)
        ...
        assert slack.calls_to("chat.postMessage")

It answers like Slack: HTTP 200 with ``{"ok": true, ...}`` or ``{"ok": false,
"error": ...}``; it reads form-encoded, multipart and JSON bodies plus the query
string (slack_sdk uses all four); it checks the bearer token. Every request is
kept in ``calls``, including the ones that failed, so tests can count retries.
Faults are queued per method with ``fail_next``.
"""

from __future__ import annotations

import email.parser
import email.policy
import itertools
import json
import threading
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, NamedTuple
from urllib.parse import parse_qsl, urlsplit

BOT_TOKEN = "xoxb-test-bot"
ADMIN_TOKEN = "xoxp-test-admin"
BOT_SCOPES = "chat:write,commands,emoji:read,files:write,im:write,reactions:write"
ADMIN_SCOPES = "admin.teams:write"
# slack_sdk sends these parameters as JSON strings inside form bodies.
_JSON_VALUED = {"blocks", "attachments", "view", "files"}


class Call(NamedTuple):
    method: str  # a Web API method, or "upload" / "response_url" for the other endpoints
    params: dict[str, Any]
    files: dict[str, bytes]


@dataclass(frozen=True)
class _Fault:
    status: int
    error: str | None
    retry_after: int | None


class _Reply(NamedTuple):
    status: int
    body: dict[str, Any]
    headers: dict[str, str]


class FakeSlack:
    def __init__(
        self,
        *,
        token: str = BOT_TOKEN,
        admin_token: str = ADMIN_TOKEN,
        existing_emoji: Iterable[str] = (),
        enterprise: bool = False,
        team_id: str = "T0ACME",
        bot_user_id: str = "UBOT",
        workspace_url: str = "https://acme.slack.com/",
        bot_scopes: str = BOT_SCOPES,
    ) -> None:
        self.token = token
        self.admin_token = admin_token
        self.enterprise = enterprise
        self.team_id = team_id
        self.bot_user_id = bot_user_id
        self.workspace_url = workspace_url
        self.bot_scopes = bot_scopes
        self.emoji: dict[str, str] = {
            name: f"https://emoji.slack-edge.com/{team_id}/{name}/0.png" for name in existing_emoji
        }
        self.calls: list[Call] = []
        self.uploads: dict[str, bytes] = {}  # file id -> bytes received at its upload URL
        self.messages: list[dict[str, Any]] = []  # every message that was actually posted
        self.added_emoji: dict[str, str] = {}  # name -> URL given to admin.emoji.add
        self.reactions: list[dict[str, Any]] = []
        self.views: dict[str, dict[str, Any]] = {}  # view id -> latest view
        self.response_posts: list[tuple[str, dict[str, Any]]] = []
        self._faults: dict[str, deque[_Fault]] = {}
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        # A short poll interval makes stop() quick: shutdown waits for the next poll.
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    # -- lifecycle ---------------------------------------------------------------

    @property
    def root_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def base_url(self) -> str:
        return f"{self.root_url}/api/"

    def response_url(self, key: str = "1") -> str:
        """A ``response_url`` whose posts land in ``response_posts``."""
        return f"{self.root_url}/response/{key}"

    def start(self) -> FakeSlack:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> FakeSlack:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- inspection and fault injection ------------------------------------------

    def calls_to(self, method: str) -> list[Call]:
        with self._lock:
            return [call for call in self.calls if call.method == method]

    def fail_next(
        self,
        method: str,
        *,
        status: int = 200,
        error: str | None = None,
        retry_after: int | None = None,
        times: int = 1,
    ) -> None:
        """Make the next ``times`` calls to ``method`` fail.

        ``status=429`` answers ``ratelimited`` with a ``Retry-After`` header (1 s
        unless given); ``status=500`` answers a server error; ``error=...`` with
        the default status answers HTTP 200 ``{"ok": false, "error": ...}`` as
        Slack does for most refusals. ``method="upload"`` fails the upload URL.
        """
        if status == 429 and retry_after is None:
            retry_after = 1
        fault = _Fault(status=status, error=error, retry_after=retry_after)
        with self._lock:
            self._faults.setdefault(method, deque()).extend([fault] * times)

    # -- request handling (runs on server threads) -------------------------------

    def _record(self, call: Call) -> None:
        with self._lock:
            self.calls.append(call)

    def _next_id(self, prefix: str) -> str:
        with self._lock:
            return f"{prefix}{next(self._ids):06d}"

    def _take_fault(self, method: str) -> _Fault | None:
        with self._lock:
            queue = self._faults.get(method)
            return queue.popleft() if queue else None

    def handle_api(self, method: str, params: dict[str, Any], token: str | None) -> _Reply:
        fault = self._take_fault(method)
        if fault is not None:
            return _fault_reply(fault)
        if token is None:
            return _error("not_authed")
        if token not in (self.token, self.admin_token):
            return _error("invalid_auth")
        handler = self._methods().get(method)
        if handler is None:
            return _Reply(404, {"ok": False, "error": "unknown_method"}, {})
        try:
            body = handler(params, token)
        except _SlackRefusal as refusal:
            return _error(refusal.error)
        headers = {"x-oauth-scopes": self._scopes(token)} if method == "auth.test" else {}
        return _Reply(200, {"ok": True, **body}, headers)

    def handle_upload(self, file_id: str, data: bytes) -> tuple[int, str]:
        fault = self._take_fault("upload")
        if fault is not None:
            return fault.status, "upload failed"
        with self._lock:
            self.uploads[file_id] = data
        return 200, f"OK - {len(data)}"

    def handle_response_url(self, key: str, payload: dict[str, Any]) -> None:
        with self._lock:
            self.response_posts.append((key, payload))

    def _scopes(self, token: str) -> str:
        return ADMIN_SCOPES if token == self.admin_token else self.bot_scopes

    def _methods(self) -> dict[str, Callable[[dict[str, Any], str], dict[str, Any]]]:
        return {
            "auth.test": self._auth_test,
            "views.open": self._view,
            "views.update": self._view,
            "views.push": self._view,
            "chat.postMessage": self._post_message,
            "chat.postEphemeral": self._post_ephemeral,
            "chat.update": self._chat_update,
            "conversations.open": self._conversations_open,
            "files.getUploadURLExternal": self._get_upload_url,
            "files.completeUploadExternal": self._complete_upload,
            "emoji.list": self._emoji_list,
            "reactions.add": self._reactions_add,
            "admin.emoji.add": self._admin_emoji_add,
        }

    def _auth_test(self, params: dict[str, Any], token: str) -> dict[str, Any]:
        return {
            "url": self.workspace_url,
            "team": "Acme",
            "team_id": self.team_id,
            "user_id": self.bot_user_id,
            "is_enterprise_install": self.enterprise,
        }

    def _view(self, params: dict[str, Any], token: str) -> dict[str, Any]:
        view = dict(_required(params, "view"))
        view_id = str(params.get("view_id") or self._next_id("V"))
        view["id"] = view_id
        view["hash"] = self._next_id("h.")
        with self._lock:
            self.views[view_id] = view
        return {"view": view}

    def _post_message(self, params: dict[str, Any], token: str) -> dict[str, Any]:
        channel = str(_required(params, "channel"))
        if not (params.get("text") or params.get("blocks")):
            raise _SlackRefusal("no_text")
        ts = self._next_ts()
        self._keep_message("chat.postMessage", channel, ts, params)
        return {"channel": channel, "ts": ts, "message": {"text": params.get("text"), "ts": ts}}

    def _post_ephemeral(self, params: dict[str, Any], token: str) -> dict[str, Any]:
        channel = str(_required(params, "channel"))
        _required(params, "user")
        ts = self._next_ts()
        self._keep_message("chat.postEphemeral", channel, ts, params)
        return {"message_ts": ts}

    def _chat_update(self, params: dict[str, Any], token: str) -> dict[str, Any]:
        channel, ts = str(_required(params, "channel")), str(_required(params, "ts"))
        return {"channel": channel, "ts": ts, "text": params.get("text", "")}

    def _conversations_open(self, params: dict[str, Any], token: str) -> dict[str, Any]:
        users = str(_required(params, "users"))
        # A stable DM id per user, so tests can predict it: U123 -> D123.
        return {"channel": {"id": "D" + users.split(",")[0][1:]}}

    def _get_upload_url(self, params: dict[str, Any], token: str) -> dict[str, Any]:
        _required(params, "filename")
        _required(params, "length")
        file_id = self._next_id("F")
        return {"upload_url": f"{self.root_url}/upload/{file_id}", "file_id": file_id}

    def _complete_upload(self, params: dict[str, Any], token: str) -> dict[str, Any]:
        files = _required(params, "files")
        with self._lock:
            missing = [f["id"] for f in files if f["id"] not in self.uploads]
        if missing:
            raise _SlackRefusal("file_not_found")
        shared = [
            {
                "id": f["id"],
                "title": f.get("title") or "",
                "permalink": f"{self.workspace_url}files/{self.bot_user_id}/{f['id']}/",
            }
            for f in files
        ]
        channel = params.get("channel_id")
        if channel:
            # Sharing files posts a message carrying them (and the initial comment).
            posted = {**params, "file_ids": [f["id"] for f in files]}
            self._keep_message("files.completeUploadExternal", channel, self._next_ts(), posted)
        return {"files": shared}

    def _emoji_list(self, params: dict[str, Any], token: str) -> dict[str, Any]:
        with self._lock:
            return {"emoji": dict(self.emoji)}

    def _reactions_add(self, params: dict[str, Any], token: str) -> dict[str, Any]:
        reaction = {key: _required(params, key) for key in ("channel", "timestamp", "name")}
        with self._lock:
            if reaction in self.reactions:
                raise _SlackRefusal("already_reacted")
            self.reactions.append(reaction)
        return {}

    def _admin_emoji_add(self, params: dict[str, Any], token: str) -> dict[str, Any]:
        if token != self.admin_token:
            raise _SlackRefusal("not_allowed_token_type")
        if not self.enterprise:
            raise _SlackRefusal("missing_scope")
        name, url = str(_required(params, "name")), str(_required(params, "url"))
        with self._lock:
            if name in self.emoji:
                raise _SlackRefusal("error_name_taken")
            self.emoji[name] = url
            self.added_emoji[name] = url
        return {}

    def _next_ts(self) -> str:
        return f"1700000000.{self._next_id('')}"

    def _keep_message(self, method: str, channel: str, ts: str, params: dict[str, Any]) -> None:
        with self._lock:
            self.messages.append({**params, "method": method, "channel": channel, "ts": ts})


class _SlackRefusal(Exception):
    def __init__(self, error: str) -> None:
        super().__init__(error)
        self.error = error


def _required(params: dict[str, Any], key: str) -> Any:
    if params.get(key) in (None, ""):
        raise _SlackRefusal("invalid_arguments")
    return params[key]


def _error(error: str) -> _Reply:
    return _Reply(200, {"ok": False, "error": error}, {})


def _fault_reply(fault: _Fault) -> _Reply:
    headers = {} if fault.retry_after is None else {"Retry-After": str(fault.retry_after)}
    if fault.status == 429:
        error = fault.error or "ratelimited"
    elif fault.status >= 500:
        error = fault.error or "internal_error"
    else:
        error = fault.error or "fatal_error"
    return _Reply(fault.status, {"ok": False, "error": error}, headers)


def _handler_for(fake: FakeSlack) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            url = urlsplit(self.path)
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            kind, _, key = url.path.lstrip("/").partition("/")
            if kind == "api":
                self._api(key, url.query, body)
            elif kind == "upload":
                fake._record(Call("upload", {"file_id": key}, {"file": body}))
                status, text = fake.handle_upload(key, body)
                self._send(status, text.encode(), "text/plain")
            elif kind == "response":
                payload = json.loads(body or b"{}")
                fake._record(Call("response_url", {"key": key, **payload}, {}))
                fake.handle_response_url(key, payload)
                self._send(200, b"ok", "text/plain")
            else:
                self._send(404, b"not found", "text/plain")

        do_GET = do_POST

        def _api(self, method: str, query: str, body: bytes) -> None:
            params, files = _parse_body(self.headers.get("Content-Type", ""), body)
            params.update(parse_qsl(query))
            params = {k: _maybe_json(k, v) for k, v in params.items()}
            fake._record(Call(method, params, files))
            reply = fake.handle_api(method, params, _bearer(self.headers.get("Authorization")))
            self._send(
                reply.status, json.dumps(reply.body).encode(), "application/json", reply.headers
            )

        def _send(
            self, status: int, data: bytes, kind: str, headers: dict[str, str] | None = None
        ) -> None:
            self.send_response(status)
            self.send_header("Content-Type", f"{kind}; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            pass  # keep test output clean

    return Handler


def _bearer(header: str | None) -> str | None:
    if header and header.startswith("Bearer "):
        return header.removeprefix("Bearer ").strip()
    return None


def _parse_body(content_type: str, body: bytes) -> tuple[dict[str, Any], dict[str, bytes]]:
    if not body:
        return {}, {}
    if content_type.startswith("application/json"):
        return dict(json.loads(body)), {}
    if content_type.startswith("multipart/form-data"):
        return _parse_multipart(content_type, body)
    return dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True)), {}


def _parse_multipart(content_type: str, body: bytes) -> tuple[dict[str, Any], dict[str, bytes]]:
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode()
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
    params: dict[str, Any] = {}
    files: dict[str, bytes] = {}
    for part in message.iter_parts():  # type: ignore[attr-defined]
        name = str(part.get_param("name", header="content-disposition"))
        payload = part.get_payload(decode=True)
        data = payload if isinstance(payload, bytes) else b""
        if part.get_filename():
            files[name] = data
        else:
            params[name] = data.decode("utf-8")
    return params, files


def _maybe_json(key: str, value: Any) -> Any:
    if key in _JSON_VALUED and isinstance(value, str) and value[:1] in ("[", "{"):
        return json.loads(value)
    return value
