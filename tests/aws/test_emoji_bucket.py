"""Emoji in moto's S3, fetched back over HTTP the way Slack fetches them."""

from __future__ import annotations

import urllib.request
from typing import TYPE_CHECKING

import pytest

from emojiforge.aws.emoji_bucket import EmojiBucket
from emojiforge.errors import ImageError
from emojiforge.images.model import Emoji
from tests.aws.conftest import unique_name

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


@pytest.fixture
def bucket(s3: S3Client) -> EmojiBucket:
    name = unique_name("emoji")
    s3.create_bucket(Bucket=name)
    return EmojiBucket(s3, name)


def test_a_presigned_url_serves_the_stored_bytes(bucket: EmojiBucket) -> None:
    key = bucket.put("job_1", "ship_it", PNG, "image/png")
    url = bucket.presigned_url(key, expires_s=60)

    assert url.startswith("http://127.0.0.1:")  # loopback only: moto's server
    with urllib.request.urlopen(url, timeout=5) as response:
        assert response.read() == PNG
        assert response.headers["Content-Type"] == "image/png"


def test_keys_are_per_job_with_the_format_extension(bucket: EmojiBucket) -> None:
    assert bucket.put("job_1", "party", b"GIF89a", "image/gif") == "emoji/job_1/party.gif"
    assert bucket.put("job_2", "party", b"\xff\xd8", "image/jpeg") == "emoji/job_2/party.jpg"


def test_a_format_slack_refuses_is_not_stored(bucket: EmojiBucket) -> None:
    with pytest.raises(ImageError, match="PNG, GIF or JPEG"):
        bucket.put("job_1", "party", b"<svg/>", "image/svg+xml")


def test_a_kept_option_is_fetched_later_by_its_key(bucket: EmojiBucket) -> None:
    emoji = Emoji(data=PNG, format="png", width=128, height=128, frames=1)
    key = bucket.keep("job_1", 1, "ship_it-2", emoji)

    assert key == "emoji/job_1/ship_it-2.png"
    with urllib.request.urlopen(bucket.url(key), timeout=5) as response:
        assert response.read() == PNG
