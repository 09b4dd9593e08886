"""The card in each of its languages, in a real browser against a real Home Assistant.

The user picks a language as the profile page does; the card shows its words in that
language (fetched from i18n/<language>.json beside the card) and its times the way the
language writes them. One screenshot per language lands in artifacts/ (and in docs/ with
BACKWALK_UPDATE_SCREENSHOTS=1), so long German words are seen, not guessed.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
import re
import time
from typing import Any

import pytest
from test_card_browser import (
    BROWSER_ARGS,
    PROFILE,
    TIMEOUT_MS,
    Profile,
    browser_tokens,
    clock,
    dev,  # scripts/dev.py, on the path test_card_browser sets
    device_of,
    ensure_chromium,
    ensure_service_description_imports,
    hass_with_frontend,
    logged_in_page,
    normalized,
    open_dashboard,
    save_screenshot,
    seed_walks,
    wait_for,
)

pytestmark = pytest.mark.e2e

# A label, a button and the "not reported" of each language, as a native speaker reads
# them; and whether the language writes times with AM/PM (Intl's convention for it).
LANGUAGES: dict[str, dict[str, Any]] = {
    "en": {
        "label": "Walks this week",
        "button": "Start walk",
        "not_reported": "not reported",
        "am_pm": True,
    },
    "de": {
        "label": "Spaziergänge diese Woche",
        "button": "Spaziergang starten",
        "not_reported": "nicht angegeben",
        "am_pm": False,
    },
    "fr": {
        "label": "Marches cette semaine",
        "button": "Commencer la marche",
        "not_reported": "non indiquée",
        "am_pm": False,
    },
    "nl": {
        "label": "Wandelingen deze week",
        "button": "Wandeling starten",
        "not_reported": "niet doorgegeven",
        "am_pm": False,
    },
    "es": {
        "label": "Paseos esta semana",
        "button": "Empezar paseo",
        "not_reported": "sin indicar",
        "am_pm": False,
    },
}


def choose_language(page: Any, language: str) -> None:
    """Pick the user's language as the profile page does (and wait until it is in use).

    The frontend saves the choice in the user's data and applies every value it hears
    back from there. It reads those echoes concurrently, so the echo of the previous
    choice can land after this one and undo it: choose again until the page and the
    stored value agree, and still agree a moment later.
    """
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    while True:
        page.evaluate(
            """(language) => document.querySelector('home-assistant').dispatchEvent(
                new CustomEvent('hass-language-select', {detail: language}))""",
            language,
        )
        for _ in range(2):
            time.sleep(0.5)
            if not page.evaluate(
                """async (language) => {
                    const hass = document.querySelector('home-assistant').hass;
                    const stored = await hass.callWS(
                        {type: 'frontend/get_user_data', key: 'language'});
                    return hass.locale.language === language
                        && hass.language === language
                        && stored?.value?.language === language;
                }""",
                language,
            ):
                break
        else:
            return
        assert time.monotonic() < deadline, f"the frontend never kept {language}"


def make_dashboard(page: Any, device_id: str) -> None:
    """A storage dashboard holding the card, made as the dashboards page makes it."""
    page.evaluate(
        """async (deviceId) => {
            const hass = document.querySelector('home-assistant').hass;
            await hass.callWS({type: 'lovelace/dashboards/create',
                url_path: 'backwalk-test', title: 'backwalk', icon: 'mdi:walk',
                mode: 'storage', show_in_sidebar: true, require_admin: false});
            await hass.callWS({type: 'lovelace/config/save', url_path: 'backwalk-test',
                config: {views: [{title: 'Walks', path: 'walks',
                    cards: [{type: 'custom:backwalk-card', device_id: deviceId}]}]}});
        }""",
        device_id,
    )


def test_card_speaks_each_language(tmp_path: Path) -> None:
    """Each language's words and clock in the card; nothing sticks out at a phone's width."""
    chromium = ensure_chromium()
    ensure_service_description_imports()
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=TIMEOUT_MS)
    with hass_with_frontend(tmp_path) as (base, token), sync_playwright() as playwright:
        api = dev.Api(base, token)
        profile = Profile(api)
        seed_walks(api)
        device_id = device_of(api, f"sensor.{PROFILE}_walking_minutes_this_week")
        next_walk = datetime.fromisoformat(profile.value("sensor.next_scheduled_walk"))
        tokens = browser_tokens(base)
        browser = playwright.chromium.launch(
            executable_path=chromium, args=BROWSER_ARGS
        )
        errors: list[str] = []
        try:
            page = logged_in_page(
                browser, tokens, viewport={"width": 900, "height": 900}
            )
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.goto(f"{base}/lovelace/0")
            page.wait_for_function(
                "() => document.querySelector('home-assistant')?.hass?.connected === true",
                timeout=TIMEOUT_MS,
            )
            make_dashboard(page, device_id)
            open_dashboard(page, base)
            card = page.get_by_test_id("bw-card")
            for language, words in LANGUAGES.items():
                # Changed while the card is shown: it follows at once.
                choose_language(page, language)
                expect(card.locator(".stat .label").first).to_have_text(words["label"])
                expect(card).to_have_attribute("lang", language)
                expect(page.get_by_test_id("bw-start-walk")).to_have_text(
                    words["button"]
                )
                expect(page.get_by_test_id("bw-pain-today")).to_have_text(
                    words["not_reported"]
                )
                # The next walk's time as the language writes it (24 hours but English).
                upcoming = normalized(page.get_by_test_id("bw-next-walk").inner_text())
                assert clock(next_walk, am_pm=words["am_pm"]) in upcoming, upcoming
                shown = card.inner_text()
                # No key of the word files, no placeholder left unfilled.
                assert not re.search(r"\b[a-z]+_[a-z_]+\b|[{}]", shown), shown
                save_screenshot(card, f"card-{language}.png")

                # A fresh page in this language at a phone's width: the longer words fit.
                phone = logged_in_page(
                    browser, tokens, viewport={"width": 360, "height": 780}
                )
                open_dashboard(phone, base)
                phone_card = phone.get_by_test_id("bw-card")
                expect(phone.get_by_test_id("bw-start-walk")).to_have_text(
                    words["button"]
                )
                assert phone.evaluate(
                    "(card) => card.scrollWidth <= card.clientWidth + 1",
                    phone_card.element_handle(),
                )
                save_screenshot(phone_card, f"card-phone-{language}.png", docs=False)
                phone.context.close()

            # A language without a file falls back to its base language, then English.
            # (Latin American Spanish: a regional language the frontend itself has, so
            # the card is handed "es-419"; it hands "de-CH" over as plain "de".)
            for language, label in (("es-419", "es"), ("it", "en")):
                choose_language(page, language)
                expect(card.locator(".stat .label").first).to_have_text(
                    LANGUAGES[label]["label"]
                )
                # Marked as the language it is in, for hyphenation and screen readers.
                expect(card).to_have_attribute("lang", label)

            # A pain day in German, the longest words, with its alternatives in a sentence.
            threshold = profile.state("sensor.pain_status")["attributes"][
                "pain_day_threshold"
            ]
            choose_language(page, "de")
            api.request(
                "POST", "/api/services/backwalk/report_pain", {"level": threshold}
            )
            expect(card).to_have_attribute("data-view", "pain_day")
            expect(page.get_by_test_id("bw-alternatives")).to_contain_text(
                "Schwimmen, Heimtrainer oder sanftes Yoga"
            )
            save_screenshot(card, "card-pain-day-de.png", docs=False)
            choose_language(page, "en")  # the frontend's default, for what follows
            wait_for(lambda: "Today is a pain day" in card.inner_text(), "English")
        finally:
            browser.close()
        assert not [error for error in errors if "backwalk" in error.lower()], errors
