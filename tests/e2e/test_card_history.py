"""End to end: the card's History view, Home Assistant's statistics graphs of a year.

A real hass (scripts/dev.py, as `make run`) makes the demo profile; it is stopped, a year
of walks and three months of pain are written to the profile's Store file, and it is
started again with the recorder. backwalk imports its long-term statistics 30 seconds
after the start; then Chromium opens a dashboard with the card, its History button shows
the two statistics graphs with data (docs/card-history.png with
BACKWALK_UPDATE_SCREENSHOTS=1), and Back returns to today's view. Started once more
without the recorder, the History view says why there is nothing to show.
"""

from __future__ import annotations

import contextlib
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
import random
import sys
import time as clock
from typing import Any
from zoneinfo import ZoneInfo

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "scripts"))
sys.path.insert(0, str(REPO))

import dev  # noqa: E402
from test_card_browser import (  # noqa: E402
    BROWSER_ARGS,
    BROWSER_CONFIGURATION,
    MINUTES_ENTITY,
    TIMEOUT_MS,
    browser_tokens,
    dev_free_port,
    device_of,
    ensure_chromium,
    ensure_service_description_imports,
    logged_in_page,
    save_screenshot,
)
from test_report_browser import write_history  # noqa: E402

from custom_components.backwalk.model import PainReport, Record, Walk, new_id  # noqa: E402
from custom_components.backwalk.statistics import statistic_ids  # noqa: E402

pytestmark = pytest.mark.e2e

ARTIFACTS = REPO / "artifacts"
BERLIN = ZoneInfo("Europe/Berlin")
DASHBOARD = "backwalk-history"
# statistics.py's START_DELAY, and time for the recorder to commit the rows.
IMPORT_TIMEOUT = 150


def a_year(today: date) -> list[Record]:
    """Walks building up over a year with a bad month; pain, easing, in the last 3 months.

    On some days pain is reported morning and evening, so a day's mean and highest differ.
    """
    rng = random.Random(365)
    records: list[Record] = []
    first = today - timedelta(days=364)
    for offset in range(364):  # up to yesterday: nothing lies in the future
        day = first + timedelta(days=offset)
        week = offset // 7
        setback = 30 <= week < 34
        if day.weekday() in (0, 2, 4, 5) and rng.random() < (0.4 if setback else 0.9):
            minutes = 8.0 if setback else min(40, 10 + week * 0.6 + rng.uniform(-3, 4))
            records.append(
                Walk(
                    new_id(),
                    datetime.combine(day, time(17, 30), BERLIN),
                    round(minutes, 1),
                    distance_km=round(minutes * 0.075, 2),
                )
            )
        days_ago = (today - day).days
        if days_ago <= 90 and rng.random() < 0.85:
            level = round(1.5 + days_ago / 30 + rng.uniform(-1.2, 1.2))
            morning = datetime.combine(day, time(8, rng.randrange(60)), BERLIN)
            records.append(PainReport(new_id(), morning, max(0, min(7, level))))
            if rng.random() < 0.5:
                evening = morning + timedelta(hours=12)
                later = level + rng.choice((1, 2))
                records.append(PainReport(new_id(), evening, max(0, min(7, later))))
    return records


def wait_for_statistics(base: str, token: str, ids: tuple[str, ...]) -> None:
    """Wait until the recorder holds rows of every statistic (imported after the start)."""
    start = (datetime.now(UTC) - timedelta(days=400)).isoformat()

    deadline = clock.monotonic() + IMPORT_TIMEOUT
    while True:
        (found,) = dev.websocket(
            base,
            token,
            {
                "type": "recorder/statistics_during_period",
                "start_time": start,
                "statistic_ids": list(ids),
                "period": "month",
                "types": ["change", "mean"],
            },
        )
        if all(found.get(statistic_id) for statistic_id in ids):
            return
        if clock.monotonic() > deadline:
            raise AssertionError(f"no rows of the long-term statistics {ids}: {found}")
        clock.sleep(2)


def make_dashboard(base: str, token: str, device_id: str) -> None:
    """A dashboard holding only the card, in storage mode, as the dashboards page makes it."""
    (dashboards,) = dev.websocket(base, token, {"type": "lovelace/dashboards/list"})
    if not any(board["url_path"] == DASHBOARD for board in dashboards):
        dev.websocket(
            base,
            token,
            {
                "type": "lovelace/dashboards/create",
                "url_path": DASHBOARD,
                "title": "backwalk history",
                "icon": "mdi:walk",
                "mode": "storage",
                "show_in_sidebar": True,
                "require_admin": False,
            },
        )
    config = {
        "title": "backwalk",
        "views": [
            {
                "title": "Walks",
                "path": "walks",
                "cards": [{"type": "custom:backwalk-card", "device_id": device_id}],
            }
        ],
    }
    dev.websocket(
        base,
        token,
        {"type": "lovelace/config/save", "url_path": DASHBOARD, "config": config},
    )


def open_card(
    browser: Any, base: str, tokens: dict[str, Any], errors: list[str]
) -> Any:
    """Open the dashboard in a new page (card-wide, as on a tablet); return the page."""
    page = logged_in_page(browser, tokens, viewport={"width": 600, "height": 1400})
    page.on(
        "console",
        lambda message: (
            errors.append(message.text) if message.type == "error" else None
        ),
    )
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{base}/{DASHBOARD}/walks")
    page.wait_for_function(
        "() => !document.getElementById('ha-launch-screen')", timeout=TIMEOUT_MS
    )
    return page


def test_card_history_in_a_real_browser(tmp_path: Path) -> None:
    """The History view shows a year of weekly minutes and 3 months of daily pain."""
    chromium = ensure_chromium()
    ensure_service_description_imports()
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=TIMEOUT_MS)
    port = dev_free_port()
    config_dir = tmp_path / "config"
    config_dir.mkdir(parents=True)
    configuration = config_dir / "configuration.yaml"
    configuration.write_text(BROWSER_CONFIGURATION.format(port=port))
    log_file = tmp_path / "hass.log"
    errors: list[str] = []
    try:
        with dev.running_hass(config_dir, port, log_file, timeout=120) as (base, token):
            entry = dev.ensure_demo_profile(base, token)
        today = datetime.now(BERLIN).date()
        write_history(config_dir, entry["entry_id"], a_year(today))
        with dev.running_hass(config_dir, port, log_file, timeout=120) as (base, token):
            device_id = device_of(dev.Api(base, token), MINUTES_ENTITY)
            assert device_id
            # Before playwright starts: dev.websocket runs its own event loop.
            make_dashboard(base, token, device_id)
            wait_for_statistics(base, token, statistic_ids(entry["entry_id"]))
            tokens = browser_tokens(base)
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=chromium, args=BROWSER_ARGS
                )
                try:
                    check_history(expect, open_card(browser, base, tokens, errors))
                except Exception:
                    save_failure(browser)
                    raise
                finally:
                    browser.close()

        # Without the recorder there are no long-term statistics: the view says so.
        configuration.write_text(dev.MINIMAL_CONFIGURATION + "frontend:\n")
        with dev.running_hass(config_dir, port, log_file, timeout=120) as (base, token):
            tokens = browser_tokens(base)
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=chromium, args=BROWSER_ARGS
                )
                try:
                    check_without_recorder(
                        expect, open_card(browser, base, tokens, errors)
                    )
                except Exception:
                    save_failure(browser)
                    raise
                finally:
                    browser.close()
    except Exception as err:
        log_tail = log_file.read_text(errors="replace")[-5000:]
        raise AssertionError(f"{err}\nHome Assistant log:\n{log_tail}") from err
    assert not [error for error in errors if "backwalk" in error.lower()], errors


def save_failure(browser: Any) -> None:
    """Keep a picture of every open page, to see what went wrong."""
    ARTIFACTS.mkdir(exist_ok=True)
    pages = [page for context in browser.contexts for page in context.pages]
    for number, page in enumerate(pages):
        with contextlib.suppress(Exception):
            page.screenshot(path=str(ARTIFACTS / f"history-failure-{number}.png"))


def check_history(expect: Any, page: Any) -> None:
    """History shows both graphs drawn from data; Back returns to today's view."""
    card = page.locator("backwalk-card")
    view = card.get_by_test_id("bw-card")
    expect(view).to_have_attribute("data-view", "normal")
    # Nothing is made or fetched for the view before it is opened.
    expect(card.locator("hui-statistics-graph-card")).to_have_count(0)
    card.get_by_test_id("bw-history").click()
    expect(view).to_have_attribute("data-view", "history")
    graphs = card.locator("hui-statistics-graph-card")
    expect(graphs).to_have_count(2)
    expect(graphs.nth(0).locator("h1")).to_contain_text("Walking minutes per week")
    expect(graphs.nth(1).locator("h1")).to_contain_text("Pain per day")
    # statistics-chart draws a chart only for statistics it found rows of; otherwise it
    # says "No statistics found".
    for index in range(2):
        chart = graphs.nth(index).locator("statistics-chart ha-chart-base")
        expect(chart).to_have_count(1)
        expect(chart.locator("canvas, svg").first).to_be_visible()
    expect(card.locator("statistics-chart .info")).to_have_count(0)
    expect(card.get_by_test_id("bw-history-none")).to_have_count(0)
    # The charts animate in: let them settle for the picture.
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(2000)
    save_screenshot(card, "card-history.png")

    graphs.first.evaluate("(graph) => (graph.dataset.testMark = 'kept')")
    card.get_by_test_id("bw-back").click()
    expect(view).to_have_attribute("data-view", "normal")
    expect(card.locator("hui-statistics-graph-card")).to_have_count(0)
    # Opened again, the same graphs come back (kept, not made anew), drawn again.
    card.get_by_test_id("bw-history").click()
    expect(graphs).to_have_count(2)
    expect(graphs.first).to_have_attribute("data-test-mark", "kept")
    expect(card.locator("statistics-chart ha-chart-base")).to_have_count(2)
    page.context.close()


def check_without_recorder(expect: Any, page: Any) -> None:
    """No recorder: a sentence instead of empty graphs."""
    card = page.locator("backwalk-card")
    card.get_by_test_id("bw-history").click()
    expect(card.get_by_test_id("bw-card")).to_have_attribute("data-view", "history")
    note = card.get_by_test_id("bw-history-none")
    expect(note).to_have_text(
        "The history needs Home Assistant's recorder (part of default_config), "
        "which keeps the long-term statistics."
    )
    expect(card.locator("hui-statistics-graph-card")).to_have_count(0)
    save_screenshot(card, "card-history-no-recorder.png", docs=False)
    page.context.close()
