"""End to end: the clinician report of 12 weeks in Chromium, on screen and printed to A4.

A real hass (scripts/dev.py, as `make run`) makes the demo profile; it is stopped, 12
weeks of walks, pain, stretches and alternatives are written to the profile's Store file
(pain cannot be reported for past days through any action), and it is started again.
Then the page behind create_report's signed link is opened without a login, saved as a
screenshot (docs/report.png with BACKWALK_UPDATE_SCREENSHOTS=1) and printed to PDF; and
the card's Report button opens the same report in a new tab.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
import os
from pathlib import Path
import random
import re
import sys
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
    TIMEOUT_MS,
    browser_tokens,
    dev_free_port,
    ensure_chromium,
    ensure_service_description_imports,
    logged_in_page,
    shrink_png,
)

from custom_components.backwalk.codec import ProfileData, encode  # noqa: E402
from custom_components.backwalk.journal import segment_numbers, segment_path  # noqa: E402
from custom_components.backwalk.model import (  # noqa: E402
    Activity,
    Alternative,
    PainReport,
    Record,
    Stretch,
    Walk,
    new_id,
)
from custom_components.backwalk.store import STORAGE_MINOR_VERSION, STORAGE_VERSION  # noqa: E402

pytestmark = pytest.mark.e2e

ARTIFACTS = REPO / "artifacts"
BERLIN = ZoneInfo("Europe/Berlin")
WEEKS = 12
BAD_WORDS = re.compile(r"\b(NaN|None|undefined|null|Infinity)\b")


def twelve_weeks(today: date) -> list[Record]:
    """A believable recovery: walks building up, pain easing, one bad week."""
    rng = random.Random(17)
    records: list[Record] = []
    first = today - timedelta(days=WEEKS * 7 - 1)
    for offset in range(WEEKS * 7 - 1):  # up to yesterday: nothing lies in the future
        day = first + timedelta(days=offset)
        week = offset // 7
        bad_week = week == 5
        level = max(1, min(9, round(5.2 - week * 0.3 + rng.uniform(-1.2, 0.8))))
        if bad_week and day.weekday() == 2:
            level = 8  # a red flag
        elif bad_week:
            level = max(level, 5)
        morning = datetime.combine(day, time(8, rng.randrange(60)), BERLIN)
        if rng.random() < 0.85:
            records.append(PainReport(new_id(), morning, level))
        if level >= 5:
            records.append(Stretch(new_id(), morning + timedelta(hours=1)))
            if rng.random() < 0.6:
                records.append(
                    Alternative(
                        new_id(),
                        morning + timedelta(hours=3),
                        rng.choice([Activity.SWIMMING, Activity.YOGA]),
                        20,
                    )
                )
        elif day.weekday() in (0, 2, 4, 5) and rng.random() < 0.9:
            minutes = min(35, 6 + week * 2.5 + rng.uniform(-2, 4))
            records.append(
                Walk(
                    new_id(),
                    datetime.combine(day, time(17, 30), BERLIN),
                    round(minutes, 1),
                    distance_km=round(minutes * 0.075, 2),
                )
            )
    return records


def write_history(config_dir: Path, entry_id: str, records: list[Record]) -> None:
    """Write the profile's Store file as backwalk saves it, with no journal to replay."""
    import json

    path = config_dir / ".storage" / f"backwalk.{entry_id}"
    for number in segment_numbers(str(path)):
        Path(segment_path(str(path), number)).unlink()
    document = {
        "version": STORAGE_VERSION,
        "minor_version": STORAGE_MINOR_VERSION,
        "key": f"backwalk.{entry_id}",
        "data": encode(ProfileData(records=records)),
    }
    path.write_text(json.dumps(document), encoding="utf-8")


def save_full_page(page: Any, name: str) -> None:
    """Save the whole page in artifacts/ (and docs/ when refreshing the README's)."""
    ARTIFACTS.mkdir(exist_ok=True)
    target = ARTIFACTS / name
    page.screenshot(path=str(target), full_page=True)
    if os.environ.get("BACKWALK_UPDATE_SCREENSHOTS") == "1":
        shrink_png(target, REPO / "docs" / name)


def pdf_pages(pdf: bytes) -> int:
    """Count the pages of a PDF Chromium printed (its page objects)."""
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))


def test_report_in_a_real_browser(tmp_path: Path) -> None:
    """The page renders and prints to 1-2 A4 pages; the card's button opens it."""
    chromium = ensure_chromium()
    ensure_service_description_imports()
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=TIMEOUT_MS)
    port = dev_free_port()
    config_dir = tmp_path / "config"
    config_dir.mkdir(parents=True)
    (config_dir / "configuration.yaml").write_text(
        BROWSER_CONFIGURATION.format(port=port)
    )
    log_file = tmp_path / "hass.log"
    try:
        with dev.running_hass(config_dir, port, log_file, timeout=120) as (base, token):
            entry = dev.ensure_demo_profile(base, token)
        today = datetime.now(BERLIN).date()
        write_history(config_dir, entry["entry_id"], twelve_weeks(today))
        with dev.running_hass(config_dir, port, log_file, timeout=120) as (base, token):
            api = dev.Api(base, token)
            report: dict[str, Any] = api.request(
                "POST", "/api/services/backwalk/create_report?return_response", {}
            )["service_response"]
            assert report["end"] == today.isoformat()
            assert len(report["weeks"]) == WEEKS
            assert report["walks"] > 15
            assert report["red_flag_days"]
            assert report["pain_trend"] == "improving"
            # Before playwright starts: dev.websocket runs its own event loop.
            dev.ensure_demo_dashboard(base, token, entry)
            tokens = browser_tokens(base)
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=chromium, args=BROWSER_ARGS
                )
                try:
                    check_page(browser, base, report)
                    check_card_button(browser, base, tokens, report)
                finally:
                    browser.close()
    except Exception as err:
        log_tail = log_file.read_text(errors="replace")[-5000:]
        raise AssertionError(f"{err}\nHome Assistant log:\n{log_tail}") from err


def check_page(browser: Any, base: str, report: dict[str, Any]) -> None:
    """Open the signed link without a login; screenshot, text, requests, PDF."""
    context = browser.new_context(
        viewport={"width": 820, "height": 1160}, timezone_id="Europe/Berlin"
    )
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    response = page.goto(f"{base}{report['url']}")
    assert response is not None
    assert response.status == 200
    text = page.inner_text("body")
    assert "Walking and back pain report" in text
    assert "Demo" in text  # the onboarded administrator owns an unlinked profile
    assert not BAD_WORDS.search(text), BAD_WORDS.search(text)
    assert not BAD_WORDS.search(page.content())
    assert page.locator("svg").count() == 2
    assert page.locator("svg .threshold").count() == 1
    assert page.locator("svg rect.bar").count() == WEEKS
    # The page fetched nothing but itself.
    assert requests == [f"{base}{report['url']}"], requests
    # Every number the summary states is the action's.
    total = round(report["walk_minutes"])
    assert f"{total}\nwalking minutes" in text or f"{total} walking minutes" in text
    save_full_page(page, "report.png")
    pdf = page.pdf(format="A4", print_background=True)
    (ARTIFACTS / "report.pdf").write_bytes(pdf)
    assert pdf.startswith(b"%PDF")
    assert 1 <= pdf_pages(pdf) <= 2, pdf_pages(pdf)
    context.close()


def check_card_button(
    browser: Any, base: str, tokens: dict[str, Any], report: dict[str, Any]
) -> None:
    """The card's Report button opens the last 12 weeks' page in a new tab."""
    page = logged_in_page(browser, tokens, viewport={"width": 900, "height": 900})
    page.goto(f"{base}/{dev.DEMO_DASHBOARD}")
    page.wait_for_function(
        "() => !document.getElementById('ha-launch-screen')", timeout=TIMEOUT_MS
    )
    button = page.locator('[data-testid="bw-report"]').first
    button.wait_for(timeout=TIMEOUT_MS)
    page.locator("backwalk-card").first.screenshot(
        path=str(ARTIFACTS / "card-report-button.png")
    )
    with page.context.expect_page(timeout=TIMEOUT_MS) as opened:
        button.click()
    tab = opened.value
    tab.wait_for_url(re.compile(r"/api/backwalk/report/"), timeout=TIMEOUT_MS)
    tab.wait_for_load_state()
    assert f"start={report['start']}" in tab.url
    assert f"end={report['end']}" in tab.url
    assert "authSig=" in tab.url
    assert "Walking and back pain report" in tab.inner_text("body")
    tab.screenshot(path=str(ARTIFACTS / "report-from-card.png"))
    page.context.close()


def test_pdf_page_count_reads_chromium_output() -> None:
    """The page counter counts /Page objects, not the /Pages tree."""
    sample = b"<< /Type /Pages /Count 2 >> << /Type /Page >> << /Type/Page/Parent 1 >>"
    assert pdf_pages(sample) == 2
