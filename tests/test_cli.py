"""The CLI as a person uses it: files written, one readable line per mistake."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from PIL import Image

from emojiforge.cli import main


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "emojiforge.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_generate_writes_an_animated_emoji_and_prints_its_row(tmp_path, capsys):
    code = main(["generate", "ship it", "--effect", "party", "--out", str(tmp_path)])
    out = capsys.readouterr().out
    assert code == 0
    path = tmp_path / "ship-it.gif"
    assert path.is_file()
    assert "ship-it" in out
    assert f"{path.stat().st_size:,}" in out
    image = Image.open(path)
    assert image.size == (128, 128)
    assert getattr(image, "n_frames", 1) > 1


def test_generate_options_never_overwrite_existing_files(tmp_path, capsys):
    main(["generate", "lgtm", "--out", str(tmp_path)])
    main(["generate", "lgtm", "--options", "2", "--out", str(tmp_path)])
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["lgtm-2.png", "lgtm-3.png", "lgtm.png"]


def test_generate_from_an_image_removes_its_plain_background(tmp_path, capsys):
    source = Image.new("RGB", (600, 300), "white")
    for x in range(200, 400):
        for y in range(50, 250):
            source.putpixel((x, y), (200, 30, 30))
    source_path = tmp_path / "logo.jpg"
    source.save(source_path)
    out = tmp_path / "out"
    assert main(["generate", "logo", "--from", str(source_path), "--out", str(out)]) == 0
    emoji = Image.open(out / "logo.png").convert("RGBA")
    assert emoji.size == (128, 128)
    corner = emoji.getpixel((1, 1))
    assert isinstance(corner, tuple)
    assert corner[3] == 0  # the white background is gone
    pixel = emoji.getpixel((64, 64))
    assert isinstance(pixel, tuple)
    red, green, blue, alpha = pixel
    assert alpha == 255
    assert abs(red - 200) < 12
    assert green < 50
    assert blue < 50


def test_user_mistakes_are_one_line_and_a_nonzero_exit(tmp_path):
    for args, says in [
        (("generate", "x", "--name", "Bad Name!"), "name"),
        (("generate", "x", "--from", "missing.png"), "cannot read"),
        (("generate", "x", "--options", "9"), "between 1 and 4"),
        (("generate", "🙂🙂"), "description"),
        (("job", "job_unknown"), "no job"),
    ]:
        result = (
            run(*args, "--out", str(tmp_path), cwd=tmp_path)
            if args[0] == "generate"
            else run(*args, cwd=tmp_path)
        )
        assert result.returncode == 2, (args, result.stderr)
        assert "Traceback" not in result.stderr
        lines = [line for line in result.stderr.splitlines() if line.startswith("emojiforge:")]
        assert len(lines) == 1
        assert says in lines[0]


def test_a_corrupt_image_is_a_readable_error(tmp_path):
    bad = tmp_path / "bad.png"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 20)
    result = run("generate", "x", "--from", str(bad), "--out", str(tmp_path), cwd=tmp_path)
    assert result.returncode == 2
    assert "could not read the image" in result.stderr


def test_demo_makes_the_sample_set(tmp_path, capsys):
    assert main(["demo", "--out", str(tmp_path)]) == 0
    files = list(tmp_path.iterdir())
    assert len(files) >= 7
    assert all(f.stat().st_size < 131_072 for f in files)
    assert any(f.suffix == ".gif" for f in files)


def test_manifest_needs_an_https_url_and_lists_the_scopes(capsys):
    import yaml

    assert main(["manifest", "--url", "https://emoji.example.com"]) == 0
    manifest = yaml.safe_load(capsys.readouterr().out)
    assert manifest["settings"]["interactivity"]["request_url"].endswith("/slack/events")
    assert "commands" in manifest["oauth_config"]["scopes"]["bot"]
    assert main(["manifest", "--url", "http://insecure.example.com"]) == 2
    assert main(["manifest", "--socket-mode"]) == 0
    socket = yaml.safe_load(capsys.readouterr().out)
    assert socket["settings"]["socket_mode_enabled"] is True
    assert "request_url" not in socket["settings"]["interactivity"]
