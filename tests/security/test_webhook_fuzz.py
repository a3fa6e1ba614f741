"""Whatever arrives at the webhook: never a 5xx, never a job without a valid signature."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from emojiforge.queues.sqlite import SQLiteQueue
from emojiforge.server import LocalServer
from emojiforge.store.sqlite import SQLiteJobStore
from emojiforge.webhook import MAX_BODY_BYTES, HttpRequest, Webhook
from emojiforge.wiring import build_queues, build_store, build_webhook
from tests.conftest import make_settings
from tests.fakes.slack_api import FakeSlack
from tests.slack_payloads import SIGNING_SECRET, interaction, signed, slash_command, submission


@dataclass
class Target:
    webhook: Webhook
    queue: SQLiteQueue
    store: SQLiteJobStore
    slack: FakeSlack

    def footprint(self) -> tuple[int, int, int]:
        """(messages on the queue, jobs recorded, Slack API calls made)."""
        return (
            sum(self.queue.approximate_depth()),
            len(self.store.list(limit=10_000)),
            len(self.slack.calls),
        )


@pytest.fixture(scope="module")
def target(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Target]:
    with FakeSlack() as slack:
        settings_ = make_settings(tmp_path_factory.mktemp("fuzz"), slack)
        queue, dead_letter = build_queues(settings_)
        store = build_store(settings_)
        assert isinstance(queue, SQLiteQueue)
        assert isinstance(store, SQLiteJobStore)
        yield Target(build_webhook(settings_, queue=queue, store=store), queue, store, slack)
        queue.close()
        dead_letter.close()  # type: ignore[attr-defined]
        store.close()


def sign(body: bytes, timestamp: str, secret: str = SIGNING_SECRET) -> str:
    base = b"v0:" + timestamp.encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def view_for_fuzz() -> dict[str, object]:
    from emojiforge.slack.modal import ModalContext, emoji_modal

    return emoji_modal(ModalContext(origin="command", team_id="T0ACME", channel_id="C0GENERAL"))


_DUPLICATE_KEYS = [
    b'{"type":"url_verification","type":"event_callback","challenge":"x"}',
    b'{"type":"event_callback","type":"url_verification","challenge":"x"}',
    b'{"challenge":"a","challenge":{"nested":[1,2]},"type":"url_verification"}',
    b'payload={"type":"view_submission","type":"block_actions"}',
]
_CONTENT_TYPES = [
    "application/x-www-form-urlencoded",
    "application/json",
    "application/json; charset=utf-16",
    "text/plain; charset=latin-1",
    "multipart/form-data; boundary=x",
    "",
    "application/x-www-form-urlencoded; charset=\x7f",
]

text_bodies = st.text(max_size=300).flatmap(
    lambda text: st.sampled_from(["utf-8", "utf-16", "latin-1", "utf-32"]).map(
        lambda encoding: text.encode(encoding, errors="replace")
    )
)
form_bodies = st.dictionaries(
    st.sampled_from(["payload", "command", "text", "trigger_id", "type", "user_id", "x"]),
    st.one_of(st.text(max_size=80), st.just("{}"), st.just("[]"), st.just("null")),
    max_size=4,
).map(lambda fields: "&".join(f"{k}={v}" for k, v in fields.items()).encode())
payload_bodies = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(
            st.sampled_from(
                [
                    "type",
                    "view",
                    "user",
                    "team",
                    "actions",
                    "state",
                    "id",
                    "callback_id",
                    "trigger_id",
                    "private_metadata",
                    "values",
                    "value",
                    "challenge",
                ]
            ),
            inner,
            max_size=5,
        )
    ),
    max_leaves=12,
).map(
    lambda payload: (
        interaction(payload)
        if isinstance(payload, dict)
        else b"payload=" + json.dumps(payload).encode()
    )
)
bodies = st.one_of(
    st.binary(max_size=500),
    text_bodies,
    form_bodies,
    payload_bodies,
    st.sampled_from(_DUPLICATE_KEYS),
    st.sampled_from([slash_command("ship it"), interaction({"type": "view_submission"})]),
    st.integers(min_value=1, max_value=3).map(lambda k: b"a" * (MAX_BODY_BYTES + k)),
)

# Everything but a valid signature over this body with a timestamp within five minutes.
forgeries = st.sampled_from(
    [
        "none",
        "garbage",
        "truncated",
        "stale",
        "future",
        "wrong-secret",
        "text-timestamp",
        "other-body",
        "uppercase",
    ]
)
extra_headers = st.dictionaries(
    st.sampled_from(
        [
            "X-Slack-Retry-Num",
            "X-Slack-Retry-Reason",
            "Content-Length",
            "Host",
            "X-Forwarded-For",
            "Accept-Encoding",
        ]
    ),
    st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=30),
    max_size=3,
)


def forged_headers(kind: str, body: bytes, now: int) -> dict[str, str]:
    ts = str(now)
    good = sign(body, ts)
    headers = {
        "none": {},
        "garbage": {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": "v0=deadbeef"},
        "truncated": {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": good[:-1]},
        "stale": {
            "X-Slack-Request-Timestamp": str(now - 301),
            "X-Slack-Signature": sign(body, str(now - 301)),
        },
        "future": {
            "X-Slack-Request-Timestamp": str(now + 301),
            "X-Slack-Signature": sign(body, str(now + 301)),
        },
        "wrong-secret": {
            "X-Slack-Request-Timestamp": ts,
            "X-Slack-Signature": sign(body, ts, "not-the-secret"),
        },
        "text-timestamp": {"X-Slack-Request-Timestamp": "soon", "X-Slack-Signature": good},
        "other-body": {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": sign(body + b" ", ts)},
        "uppercase": {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": good.upper()},
    }[kind]
    return headers


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    body=bodies, kind=forgeries, content_type=st.sampled_from(_CONTENT_TYPES), extra=extra_headers
)
def test_an_unsigned_or_badly_signed_request_is_refused_and_changes_nothing(
    target, body, kind, content_type, extra
):
    before = target.footprint()
    headers = {
        **extra,
        "Content-Type": content_type,
        **forged_headers(kind, body, int(time.time())),
    }
    response = target.webhook.handle(HttpRequest(body=body, headers=headers))
    assert response.status in (401, 413)
    assert target.footprint() == before


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=bodies, content_type=st.sampled_from(_CONTENT_TYPES), extra=extra_headers)
def test_a_validly_signed_request_of_any_shape_never_gets_a_5xx(target, body, content_type, extra):
    ts = str(int(time.time()))
    headers = {
        **extra,
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": sign(body, ts),
    }
    response = target.webhook.handle(HttpRequest(body=body, headers=headers))
    assert response.status < 500, (response.status, response.body)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    values=st.dictionaries(
        st.sampled_from(
            ["description", "style", "effect", "name", "options", "provider", "destination"]
        ),
        st.text(max_size=600),
        max_size=7,
    ),
    metadata=st.one_of(st.text(max_size=200), st.just('{"channel_id": 5}'), st.just("[]")),
)
def test_a_signed_submission_with_hostile_fields_is_answered_without_a_5xx(
    target, values, metadata
):
    view = {**view_for_fuzz(), "private_metadata": metadata}
    response = target.webhook.handle(signed(submission(view, view_id="VFUZZ", **values)))
    assert response.status < 500, (response.status, response.body)


def test_a_body_over_the_limit_is_413_even_when_validly_signed(target):
    body = b"command=%2Femoji&text=" + b"a" * MAX_BODY_BYTES
    before = target.footprint()
    assert target.webhook.handle(signed(body)).status == 413
    assert target.footprint() == before


def test_the_local_server_refuses_an_oversized_body_before_reading_it(target):
    server = LocalServer(target.webhook, [], port=0)
    server.start()
    try:
        request = urllib.request.Request(
            server.url + "/slack/events", data=b"x" * (MAX_BODY_BYTES + 1), method="POST"
        )
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=10)
        assert refused.value.code == 413
    finally:
        server.stop()
