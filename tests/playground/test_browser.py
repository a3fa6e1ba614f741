"""The page in headless Chromium: describe, watch progress, see, download, get told.

Needs Debian's ``chromium`` (CI installs it in ``.ci/run``) and the ``playwright``
package; Playwright's own browser download is never used.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from emojiforge.errors import InvalidInput
from emojiforge.names import validate_name
from tests.playground.conftest import Playground, running_playground

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
LIGHT_BG, DARK_BG = "rgb(255, 255, 255)", "rgb(26, 29, 33)"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: apt-get install chromium to run browser tests")
    sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield launched
        launched.close()


@pytest.fixture
def held_playground(tmp_path: Path) -> Iterator[Playground]:
    """No worker threads: jobs wait on the queue until the test drains it."""
    with running_playground(tmp_path, worker_threads=False) as playground:
        yield playground


@pytest.fixture
def page(browser: Any, held_playground: Playground) -> Iterator[Any]:
    context = browser.new_context(accept_downloads=True, viewport={"width": 1100, "height": 900})
    context.set_default_timeout(15_000)
    opened = context.new_page()
    opened.goto(held_playground.url + "/")
    opened.wait_for_selector("#style option[value=text]", state="attached")
    yield opened
    context.close()


def rendered_size(page: Any, selector: str) -> tuple[float, float, int]:
    """Width and height on screen, and the decoded image width (0: not loaded)."""
    box = page.locator(selector).first.evaluate(
        "img => [img.getBoundingClientRect().width, img.getBoundingClientRect().height,"
        " img.complete ? img.naturalWidth : 0]"
    )
    return box[0], box[1], box[2]


def test_describe_watch_progress_see_it_as_slack_shows_it_and_download(
    page, held_playground, tmp_path
):
    page.get_by_label("What should the emoji show?").fill("ship it")
    page.get_by_label("Style").select_option("text")
    page.get_by_label("Animation").select_option("party")
    page.get_by_label("How many options?").select_option("2")
    page.get_by_role("button", name="Make it").click()

    # The job waits on the queue: the page shows it queued, and keeps asking.
    page.wait_for_selector("#steps li[data-step=queued].current")
    assert page.locator("#job-status").inner_text() == "Queued…"
    assert held_playground.runner.drain() == 1
    page.wait_for_selector("#steps li[data-step=done].done")
    assert page.locator("#job-status").inner_text().startswith("Done in")

    options = page.locator(".option")
    assert options.count() == 2
    assert options.nth(0).locator(".option-name").inner_text() == ":ship-it:"
    assert "frames" in options.nth(0).locator(".option-facts").inner_text()
    page.wait_for_function(
        "[...document.querySelectorAll('.option img')].every(i => i.complete && i.naturalWidth)"
    )
    for theme, background in (("light", LIGHT_BG), ("dark", DARK_BG)):
        panel = f".option .slack.{theme}"
        assert page.locator(panel).first.evaluate("e => getComputedStyle(e).backgroundColor") == (
            background
        )
        assert rendered_size(page, f"{panel} img.inline") == (22, 22, 128)
        assert rendered_size(page, f"{panel} img.jumbo") == (32, 32, 128)
        assert rendered_size(page, f"{panel} .reaction img")[2] == 128

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "playground.png"), full_page=True)

    with page.expect_download() as download_info:
        options.nth(0).get_by_role("link", name="Download :ship-it:").click()
    download = download_info.value
    assert download.suggested_filename == "ship-it.gif"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    assert saved.read_bytes()[:6] == b"GIF89a"

    recent = page.locator("#recent-jobs tr").first
    assert "ship it" in recent.inner_text()
    assert "delivered" in recent.inner_text()


def test_a_bad_name_is_explained_next_to_the_field_and_nothing_is_queued(page, held_playground):
    page.get_by_label("What should the emoji show?").fill("ship it")
    page.get_by_label("Emoji name").fill("Ship It!")
    page.get_by_role("button", name="Make it").click()

    error = page.locator("#name-error")
    error.wait_for(state="visible")
    with pytest.raises(InvalidInput) as expected:
        validate_name("Ship It!")
    assert error.inner_text() == expected.value.message
    assert page.get_by_label("Emoji name").get_attribute("aria-invalid") == "true"
    assert page.evaluate("document.activeElement.id") == "name"
    assert held_playground.store.list() == []
