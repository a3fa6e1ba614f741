"""Generated emoji in S3, and links Slack can fetch them from.

``admin.emoji.add`` takes a URL, not bytes, and the bucket is private: a
presigned GET lets Slack fetch one object for a few minutes and nothing else.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from emojiforge.errors import ImageError

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

    from emojiforge.images.model import Emoji

# Slack takes exactly these emoji formats.
EXTENSIONS = {"image/png": "png", "image/gif": "gif", "image/jpeg": "jpg"}
# Slack fetches at once; fifteen minutes covers a retried call, not much more.
DEFAULT_EXPIRES_S = 900


class EmojiBucket:
    def __init__(self, client: S3Client, bucket: str) -> None:
        self._client = client
        self._bucket = bucket

    def put(self, job_id: str, name: str, emoji_bytes: bytes, content_type: str) -> str:
        """Store one emoji under ``emoji/<job id>/<name>.<ext>``; return its key.

        Keyed by job, so a retried job overwrites its own files and two jobs
        choosing the same name never collide.
        """
        extension = EXTENSIONS.get(content_type)
        if extension is None:
            raise ImageError(f"Slack emoji must be PNG, GIF or JPEG, not {content_type}")
        key = f"emoji/{job_id}/{name}.{extension}"
        self._client.put_object(
            Bucket=self._bucket, Key=key, Body=emoji_bytes, ContentType=content_type
        )
        return key

    def presigned_url(self, key: str, expires_s: int = DEFAULT_EXPIRES_S) -> str:
        """A GET URL for ``key`` valid ``expires_s`` seconds; it stops working
        sooner if the signing credentials (e.g. a Lambda role session) expire."""
        return self._client.generate_presigned_url(
            "get_object",
            Params={"Bucket": self._bucket, "Key": key},
            ExpiresIn=expires_s,
        )

    # KeptOptions (see emojiforge.kept_options): the bucket keeps the options of a
    # several-option job until its lifecycle rule expires them.

    def keep(self, job_id: str, index: int, name: str, emoji: Emoji) -> str:
        return self.put(job_id, name, emoji.data, f"image/{emoji.format}")

    def url(self, key: str) -> str:
        return self.presigned_url(key)
