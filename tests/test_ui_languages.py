"""Every language of the UI and the card says what English says, with the same placeholders.

translations/<lang>.json (Home Assistant's UI strings) and frontend/i18n/<lang>.json (the
card's words) are checked against English: exactly its keys, and in each string the same
{placeholders} and [%key:...%] references. A language is a file in both folders.
"""

from __future__ import annotations

from collections.abc import Iterator
import copy
from http import HTTPStatus
import json
from pathlib import Path
import re
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.helpers import config_validation as cv
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
import voluptuous as vol

from custom_components.backwalk.card import CARD_FILE, CARD_URL, I18N_DIR, I18N_URL
from custom_components.backwalk.const import DOMAIN

INTEGRATION = CARD_FILE.parent.parent
FOLDERS = {"translations": INTEGRATION / "translations", "card": I18N_DIR}
LANGUAGES = ("de", "en", "es", "fr", "nl")
PLACEHOLDER = re.compile(r"\{(\w+)\}")
REFERENCE = re.compile(r"\[%key:[^%]+%\]")


def _load(path: Path) -> dict[str, Any]:
    texts: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return texts


def _flat(node: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _flat(value, f"{path}.{key}" if path else key)
    else:
        yield path, node


def _marks(text: str) -> tuple[set[str], set[str]]:
    """The placeholders and the key references of a text."""
    return set(PLACEHOLDER.findall(text)), set(REFERENCE.findall(text))


def language_problems(english: dict[str, Any], other: dict[str, Any]) -> list[str]:
    """How `other` differs from English: keys, placeholders, references, empty texts."""
    theirs = dict(_flat(other))
    ours = dict(_flat(english))
    problems = [f"missing {key}" for key in sorted(ours.keys() - theirs.keys())]
    problems += [f"extra {key}" for key in sorted(theirs.keys() - ours.keys())]
    for key in sorted(ours.keys() & theirs.keys()):
        text = theirs[key]
        if not isinstance(text, str) or not text.strip() or text != text.strip():
            problems.append(f"{key}: not a trimmed, non-empty text")
            continue
        if _marks(text) != _marks(ours[key]):
            problems.append(
                f"{key}: {_marks(text)} where English has {_marks(ours[key])}"
            )
        try:
            cv.string_with_no_html(text)
        except vol.Invalid:
            problems.append(f"{key}: HTML (hassfest reads <word> as a tag)")
    return problems


def test_the_five_languages_are_there() -> None:
    for folder in FOLDERS.values():
        assert {path.stem for path in folder.glob("*.json")} >= set(LANGUAGES)


@pytest.mark.parametrize("folder", sorted(FOLDERS))
def test_every_language_says_what_english_says(folder: str) -> None:
    english = _load(FOLDERS[folder] / "en.json")
    problems = []
    for path in sorted(FOLDERS[folder].glob("*.json")):
        if path.stem != "en":
            problems += [
                f"{path.stem}: {p}" for p in language_problems(english, _load(path))
            ]
    assert not problems, "\n".join(problems)


def test_a_missing_extra_or_changed_key_fails() -> None:
    """The check above finds each kind of difference, so its passing means something."""
    english = _load(FOLDERS["translations"] / "en.json")
    german = _load(FOLDERS["translations"] / "de.json")
    assert language_problems(english, german) == []

    missing = copy.deepcopy(german)
    del missing["exceptions"]["walk_overlaps"]
    assert language_problems(english, missing) == [
        "missing exceptions.walk_overlaps.message"
    ]

    extra = copy.deepcopy(german)
    extra["entity"]["sensor"]["pain_today"]["unit_of_measurement"] = "Punkte"
    assert language_problems(english, extra) == [
        "extra entity.sensor.pain_today.unit_of_measurement"
    ]

    renamed = copy.deepcopy(german)
    message = renamed["exceptions"]["walk_overlaps"]
    message["message"] = message["message"].replace("{start}", "{anfang}")
    (problem,) = language_problems(english, renamed)
    assert problem.startswith("exceptions.walk_overlaps.message: ")

    dropped = copy.deepcopy(german)
    dropped["config"]["abort"]["reconfigure_successful"] = ""
    assert language_problems(english, dropped) == [
        "config.abort.reconfigure_successful: not a trimmed, non-empty text"
    ]

    card = _load(FOLDERS["card"] / "en.json")
    french = _load(FOLDERS["card"] / "fr.json")
    assert language_problems(card, french) == []
    (problem,) = language_problems(card, {**french, "walking_since": "En marche"})
    assert problem.startswith("walking_since: ")


def test_the_card_uses_only_words_english_has() -> None:
    """Each key the card asks for is in English's file; each key there is asked for."""
    source = CARD_FILE.read_text(encoding="utf-8")
    english = set(_load(I18N_DIR / "en.json"))
    asked = set(re.findall(r'\b_?(?:t|html)\("(\w+)"', source))
    asked |= set(re.findall(r'\btext: "(\w+)"', source))
    asked |= set(re.findall(r"\bwords\.(\w+)", source))
    asked |= set(re.findall(r'"(said_\w+)"', source))  # what an action says afterwards
    assert {"care_title", "said_walk_logged", "editor_profile"} <= asked
    assert asked <= english, asked - english
    # Each key is in the card as a literal, or made from a prefix: `status_${status}`.
    prefixes = set(re.findall(r"`(\w+_)\$\{", source))
    unused = {
        key
        for key in english
        if f'"{key}"' not in source
        and f".{key}" not in source
        and not any(key.startswith(prefix) for prefix in prefixes)
    }
    assert not unused, unused


async def test_the_card_words_are_served(
    hass: HomeAssistant, hass_client: ClientSessionGenerator
) -> None:
    """The card fetches i18n/<language>.json beside itself; a missing language is a 404."""
    assert await async_setup_component(hass, DOMAIN, {})
    await hass.async_block_till_done()
    client = await hass_client()
    for language in LANGUAGES:
        response = await client.get(f"{I18N_URL}/{language}.json")
        assert response.status == HTTPStatus.OK
        assert json.loads(await response.text()) == _load(I18N_DIR / f"{language}.json")
    response = await client.get(f"{I18N_URL}/xx.json")
    assert response.status == HTTPStatus.NOT_FOUND
    # The card asks relative to its own URL, so the folder must sit beside it.
    assert I18N_URL.rsplit("/", 1)[0] == CARD_URL.rsplit("/", 1)[0]


def test_the_card_has_no_words_of_its_own() -> None:
    """A button or label written into the markup stays English in every language."""
    source = CARD_FILE.read_text(encoding="utf-8")
    # Text between a tag's end and the next tag that is a word, not a ${...} expression.
    literal = re.findall(r">\s*([A-Za-z][A-Za-z' ]*[a-z])\s*</", source)
    assert not literal, literal


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_presence_page_lists_speakers_in_paragraphs_of_their_own(
    language: str,
) -> None:
    """The speaker lists are read at a glance, not hunted for in a long paragraph."""
    texts = _load(FOLDERS["translations"] / f"{language}.json")
    description = texts["options"]["step"]["presence"]["description"]
    paragraphs = description.split("\n\n")
    for placeholder in ("{speaker_areas}", "{speakers_without_area}"):
        (paragraph,) = [p for p in paragraphs if placeholder in p]
        assert paragraph.endswith(placeholder), paragraph
        assert paragraph.startswith("**"), paragraph


@pytest.mark.parametrize("language", LANGUAGES)
def test_pages_point_to_the_pain_page_by_its_menu_name(language: str) -> None:
    """The pages that send a person to the pain page call it what the menu does."""
    steps = _load(FOLDERS["translations"] / f"{language}.json")["options"]["step"]
    name = steps["init"]["menu_options"]["profile"]
    assert steps["profile"]["title"] == name
    assert name in steps["presence"]["description"]  # where the person is chosen
    assert name in steps["reminders"]["description"]  # where the language is chosen
