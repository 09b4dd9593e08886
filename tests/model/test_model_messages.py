"""The language files: the same keys and placeholders everywhere, and their rules."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
import json
from pathlib import Path
from string import Formatter

import pytest

from custom_components.backwalk.model import (
    LANGUAGES,
    Catalog,
    base_language,
    load_catalog,
)
from custom_components.backwalk.model.messages import flatten, read_language_file
from tests.model.languages import CATALOG, ENGLISH, MESSAGES_DIR

OTHER_LANGUAGES = [language for language in LANGUAGES if language != "en"]
# How a language writes times, numbers and lists: rules, whose placeholders differ
# by language (German needs no AM/PM), checked against what the code fills in.
FORMAT_PLACEHOLDERS = {
    "hour",
    "hour2",
    "minute",
    "minute2",
    "period",
    "hours",
    "count",
    "day",
    "month",
    "year",
    "date",
    "time",
}


def placeholders(text: str) -> set[str]:
    return {field for _, field, _, _ in Formatter().parse(text) if field is not None}


def shipped(language: str) -> dict[str, str]:
    return read_language_file(MESSAGES_DIR / f"{language}.json")


def test_the_five_languages_are_shipped() -> None:
    files = sorted(path.stem for path in MESSAGES_DIR.glob("*.json"))
    assert files == sorted(LANGUAGES)


@pytest.mark.parametrize("language", OTHER_LANGUAGES)
def test_every_language_has_exactly_the_keys_of_english(language: str) -> None:
    english, other = shipped("en"), shipped(language)
    assert sorted(set(english) - set(other)) == [], "missing"
    assert sorted(set(other) - set(english)) == [], "extra"


@pytest.mark.parametrize("language", OTHER_LANGUAGES)
def test_every_message_has_the_placeholders_of_english(language: str) -> None:
    english, other = shipped("en"), shipped(language)
    for key, text in other.items():
        if key.startswith("format."):
            assert placeholders(text) <= FORMAT_PLACEHOLDERS, key
        elif key.endswith(".one"):
            # "einem Spaziergang": the singular may say the number in words.
            assert placeholders(text) <= placeholders(english[key]), key
        else:
            assert placeholders(text) == placeholders(english[key]), key


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_message_is_empty_but_the_clock_periods(language: str) -> None:
    for key, text in shipped(language).items():
        if key not in {"format.am", "format.pm"}:
            assert text.strip(), key
        assert text == text.strip(), key


@pytest.mark.parametrize("language", LANGUAGES)
def test_format_rules_are_known(language: str) -> None:
    rules = shipped(language)
    assert rules["format.clock"] in {"12", "24"}
    assert rules["format.plural"] in {"one", "below_two"}
    assert rules["format.decimal"] in {".", ","}


@pytest.mark.parametrize(
    ("language", "written", "spoken", "full_hour"),
    [
        ("en", "7:05 PM", "7:05 PM", "1 PM"),
        ("de", "19:05 Uhr", "19 Uhr 5", "13 Uhr"),
        ("fr", "19 h 05", "19 heures 5", "13 heures"),
        ("nl", "19.05 uur", "19 uur 5", "13 uur"),
        ("es", "19:05", "las 19 y 5", "las 13 en punto"),
    ],
)
def test_times_as_each_language_writes_and_says_them(
    language: str, written: str, spoken: str, full_hour: str
) -> None:
    messages = CATALOG.messages(language)
    assert messages.clock(time(19, 5)) == written
    assert messages.spoken_clock(time(19, 5)) == spoken
    assert messages.spoken_clock(time(13)) == full_hour


@pytest.mark.parametrize(
    ("language", "long", "short", "moment"),
    [
        ("en", "2 Nov 2026", "1 Mar", "8 Nov 2026, 7:05 PM"),
        ("de", "2. Nov. 2026", "1. März", "8. Nov. 2026, 19:05 Uhr"),
        ("fr", "2 nov. 2026", "1 mars", "8 nov. 2026 à 19 h 05"),
        ("nl", "2 nov 2026", "1 mrt", "8 nov 2026, 19.05 uur"),
        ("es", "2 nov 2026", "1 mar", "8 nov 2026, 19:05"),
    ],
)
def test_dates_as_each_language_writes_them(
    language: str, long: str, short: str, moment: str
) -> None:
    messages = CATALOG.messages(language)
    assert messages.full_date(date(2026, 11, 2)) == long
    assert messages.short_date(date(2026, 3, 1)) == short
    assert messages.date_time(datetime(2026, 11, 8, 19, 5, tzinfo=UTC)) == moment
    months = {messages.short_date(date(2026, month, 1)) for month in range(1, 13)}
    assert len(months) == 12


def test_the_first_hour_is_singular_where_the_language_says_so() -> None:
    assert CATALOG.messages("fr").spoken_clock(time(1)) == "1 heure"
    assert CATALOG.messages("es").spoken_clock(time(1, 30)) == "la 1 y 30"
    assert ENGLISH.clock(time(0, 15)) == "12:15 AM"
    assert ENGLISH.clock(time(12)) == "12:00 PM"


@pytest.mark.parametrize(
    ("language", "value", "expected"),
    [
        ("en", 12.5, "12.5 minutes"),
        ("de", 12.5, "12,5 Minuten"),
        ("de", 1, "1 Minute"),
        ("fr", 1.5, "1,5 minute"),
        ("fr", 0, "0 minute"),
        ("fr", 2, "2 minutes"),
        ("nl", 1, "1 minuut"),
        ("es", 20, "20 minutos"),
        ("en", 19.97, "20 minutes"),
    ],
)
def test_numbers_and_plurals(language: str, value: float, expected: str) -> None:
    assert CATALOG.messages(language).plural("unit.minutes", value) == expected


def test_a_language_is_found_by_its_region_code_else_english() -> None:
    assert CATALOG.messages("de-CH").language == "de"
    assert CATALOG.messages("nl_BE").language == "nl"
    assert CATALOG.messages("pt-BR").language == "en"
    assert CATALOG.messages(None).language == "en"
    assert base_language("ES") == "es"


def test_a_missing_key_falls_back_to_english_only_for_that_key(tmp_path: Path) -> None:
    (tmp_path / "en.json").write_text(
        json.dumps({"a": "Hello", "b": {"c": "Bye {name}"}}), encoding="utf-8"
    )
    (tmp_path / "xx.json").write_text(json.dumps({"a": "Hallo"}), encoding="utf-8")
    catalog = load_catalog(tmp_path)
    assert isinstance(catalog, Catalog)
    xx = catalog.messages("xx")
    assert xx("a") == "Hallo"
    assert xx("b.c", name="Ana") == "Bye Ana"


def test_a_file_holds_only_text() -> None:
    assert flatten({"a": {"b": "x"}}) == {"a.b": "x"}
    with pytest.raises(TypeError, match=r"a\.b"):
        flatten({"a": {"b": 1}})


# Realistic values for every placeholder a message outside the guidance takes.
REALISTIC: dict[str, object] = {
    "name": "Ana",
    "names": "Alex or Sam",
    "minutes": "20",
    "max": 600,
    "level": 3,
    "days": "3",
    "weeks": "2",
    "walks": "3",
    "goal": "3, 90",
    "activities": "swimming or gentle yoga",
    "activity": "Swimming",
    "distance": "2,5",
    "stretches": "neck and arms",
    "when": "this morning",
    # The clinician report's page.
    "start": "2 Nov 2026",
    "end": "22 Nov 2026",
    "day": "8 Nov",
    "week": "16 Nov 2026",
    "slope": "-0.35",
    "met": "■",
    "not_met": "□",
    "starting": 10,
    "target": 30,
    "now": 15,
    "from_minutes": 10,
    "to_minutes": 15,
    "sessions": 4,
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_renders_with_realistic_values(language: str) -> None:
    messages = CATALOG.messages(language)
    for key in shipped(language):
        if key.startswith(("format.", "guidance.")):
            continue  # rules, and the guidance (rendered in test_model_guidance)
        if key.endswith((".one", ".other")):
            text = messages.plural(
                key.rsplit(".", 1)[0], 1 if key.endswith("one") else 3, **REALISTIC
            )
        else:
            text = messages(key, **REALISTIC)
        assert text
        assert "{" not in text
        assert "}" not in text, key
