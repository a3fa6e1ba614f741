"""Writing emoji to a folder without clobbering or escaping it."""

from __future__ import annotations

from pathlib import Path

from emojiforge.images.model import Emoji
from emojiforge.names import validate_name


def write_emoji(folder: Path, name: str, emoji: Emoji) -> Path:
    """Write ``<name>.<ext>`` inside ``folder``. The name is validated first, so
    nothing like ``../x`` can leave the folder."""
    safe = validate_name(name)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{safe}.{emoji.extension}"
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_bytes(emoji.data)
    tmp.replace(path)  # atomic: a reader never sees half a file
    return path
