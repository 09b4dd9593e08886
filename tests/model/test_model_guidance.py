"""The guidance facts and the templates every message is written from, in every language."""

from __future__ import annotations

from datetime import time
import re
from string import Formatter

import pytest

from custom_components.backwalk.model import (
    ACTIVITY_KEYS,
    GUIDANCE,
    LANGUAGES,
    TEMPLATES,
    Activity,
    Messages,
    Template,
    activities,
    stretches,
)
from custom_components.backwalk.model.guidance import (
    HEALING_ONLY_TIPS,
    STRETCH_AREAS,
    TIP_KEYS,
    WEATHER_HAZARDS,
    weather_reason,
)
from tests.model.languages import (
    CARE_WORDS,
    CATALOG,
    ENGLISH,
    EVERY_LANGUAGE,
    EXERCISE_WORDS,
)


def values(messages: Messages) -> dict[str, object]:
    """Every placeholder a template may use, as the planner fills it in `messages`."""
    walk = time(7, 30)
    return {
        "name": "Ana",
        "minutes": messages.number(25),
        "activities": activities(messages, ("swimming", "yoga")),
        "stretches": stretches(messages),
        "time": messages.clock(walk),
        "walks_done": messages.number(2),
        "walks_needed": messages.number(3),
        "why": weather_reason(messages, "ice", "morning"),
    }


def spoken_values(messages: Messages) -> dict[str, object]:
    return {**values(messages), "time": messages.spoken_clock(time(7, 30))}


# Plain words and punctuation a voice reads naturally, in any of the languages; a
# colon only inside a clock time, a hyphen only inside a word ("avez-vous").
SPEAKABLE = re.compile(
    r"(?:[^\W_]|[ ,.'?¿¡!]|(?<=\d):(?=\d)|(?<=[^\W\d_])-(?=[^\W\d_]))+"
)
LANGUAGE_IDS = [messages.language for messages in EVERY_LANGUAGE]


def sentences(text: str) -> int:
    return len(re.findall(r"[.?!](\s|$)", text))


def placeholders(text: str) -> set[str]:
    return {field for _, field, _, _ in Formatter().parse(text) if field is not None}


def test_guidance_has_every_fact_once() -> None:
    assert list(GUIDANCE) == [f"G{number}" for number in range(1, 16)]
    for fact in GUIDANCE.values():
        # One short sentence each.
        assert fact.endswith(".")
        assert sentences(fact) == 1
        assert len(fact) <= 160


def test_guidance_cannot_be_changed() -> None:
    with pytest.raises(TypeError):
        GUIDANCE["G16"] = "made up"  # type: ignore[index]
    with pytest.raises(TypeError):
        TEMPLATES["new"] = TEMPLATES["stretch"]  # type: ignore[index]


def test_required_templates_exist() -> None:
    assert {
        "stretch",
        "tip_pace",
        "tip_posture",
        "tip_flat",
        "tip_shoes",
        "tip_treadmill",
        "alternative",
        "red_flag",
        "check_in",
        "not_medical_advice",
    } <= set(TEMPLATES)


@pytest.mark.parametrize("messages", EVERY_LANGUAGE, ids=LANGUAGE_IDS)
def test_every_message_cites_guidance(messages: Messages) -> None:
    """Each language's guidance messages are exactly the cited templates."""
    written = {
        key.split(".")[1] for key in messages.strings if key.startswith("guidance.")
    }
    assert written == set(TEMPLATES)
    for key, template in TEMPLATES.items():
        assert template.key == key
        assert template.guidance
        assert len(set(template.guidance)) == len(template.guidance)
        for guidance in template.guidance:
            assert guidance in GUIDANCE
        assert template.text(messages)
        assert template.spoken(messages)


@pytest.mark.parametrize(
    ("key", "cited"),
    [
        ("stretch", {"G10", "G13"}),
        ("tip_pace", {"G9"}),
        ("tip_posture", {"G11"}),
        ("tip_flat", {"G8"}),
        ("tip_shoes", {"G14"}),
        ("tip_treadmill", {"G12"}),
        ("alternative", {"G7"}),
        ("red_flag", {"G15"}),
        ("check_in", {"G10"}),
        ("not_medical_advice", {"G15"}),
        ("weather_indoors", {"G8", "G12"}),
        ("weather_alternative", {"G7"}),
        ("weather_flat_ground", {"G8"}),
    ],
)
def test_templates_cite_their_facts(key: str, cited: set[str]) -> None:
    assert set(TEMPLATES[key].guidance) == cited


@pytest.mark.parametrize("messages", EVERY_LANGUAGE, ids=LANGUAGE_IDS)
@pytest.mark.parametrize("key", sorted(TEMPLATES))
def test_templates_render_and_read_well(messages: Messages, key: str) -> None:
    template = TEMPLATES[key]
    assert placeholders(template.text(messages)) <= set(values(messages))
    assert placeholders(template.spoken(messages)) <= set(values(messages))
    text, _ = template.render(messages, **values(messages))
    _, spoken = template.render(messages, **spoken_values(messages))
    assert "{" not in text
    assert "}" not in text
    assert 1 <= sentences(text) <= 3
    # A smart speaker gets one or two short sentences of plain words.
    assert SPEAKABLE.fullmatch(spoken), spoken
    assert 1 <= sentences(spoken) <= 2
    assert len(spoken) <= 130, spoken


def test_speakable_refuses_symbols() -> None:
    assert SPEAKABLE.fullmatch("Walk at 07:30, Ana.")
    assert SPEAKABLE.fullmatch("Étirez-vous, ¿vale? Schön.")
    for spoken in (
        "Walk (gently).",
        "Tip: walk.",
        "Walk \N{RUNNER}.",
        "5 & 6",
        "5 - 6",
    ):
        assert not SPEAKABLE.fullmatch(spoken)


def test_render_fills_both_forms() -> None:
    template = TEMPLATES["stretch"]
    text, spoken = template.render(ENGLISH, **values(ENGLISH))
    assert text.startswith("Your walk is at 7:30 AM, Ana.")
    assert spoken.startswith("Ana, your walk is at 7:30 AM.")
    with pytest.raises(KeyError):
        template.render(ENGLISH)


@pytest.mark.parametrize("messages", EVERY_LANGUAGE, ids=LANGUAGE_IDS)
def test_red_flag_suggests_no_exercise_at_all(messages: Messages) -> None:
    template = TEMPLATES["red_flag"]
    exercise = EXERCISE_WORDS[messages.language]
    text, spoken = template.render(messages, **values(messages))
    for message in (
        template.text(messages),
        template.spoken(messages),
        text,
        spoken,
        messages("nudge_title.red_flag"),
    ):
        assert not exercise.search(message), message
    # It does send the person to care for serious symptoms (G15).
    assert CARE_WORDS[messages.language] in text
    assert CARE_WORDS[messages.language] in spoken


@pytest.mark.parametrize("messages", EVERY_LANGUAGE, ids=LANGUAGE_IDS)
def test_exercise_words_are_detected(messages: Messages) -> None:
    # The red-flag check above must be able to fail, in every language.
    exercise = EXERCISE_WORDS[messages.language]
    for key in ("stretch", "alternative", "tip_pace"):
        assert exercise.search(TEMPLATES[key].text(messages)), key
        assert exercise.search(TEMPLATES[key].spoken(messages)), key


def test_stretch_names_every_area_and_the_minutes() -> None:
    assert STRETCH_AREAS == ("neck", "arms", "hips", "legs", "hamstrings", "ankles")
    text, spoken = TEMPLATES["stretch"].render(ENGLISH, **values(ENGLISH))
    for area in STRETCH_AREAS:
        assert area in text
    assert "25 minutes" in text
    assert "25 minutes" in spoken
    assert "7:30 AM" in text


@pytest.mark.parametrize("messages", EVERY_LANGUAGE, ids=LANGUAGE_IDS)
def test_stretch_lists_the_areas_in_each_language(messages: Messages) -> None:
    text, _ = TEMPLATES["stretch"].render(messages, **values(messages))
    for area in STRETCH_AREAS:
        assert messages(f"stretch_area.{area}") in text
    assert "25" in text


def test_alternative_lists_the_activities() -> None:
    text, spoken = TEMPLATES["alternative"].render(ENGLISH, **values(ENGLISH))
    assert "swimming or gentle yoga" in text
    assert "swimming or gentle yoga" in spoken


def test_footer_says_not_medical_advice() -> None:
    text, spoken = TEMPLATES["not_medical_advice"].render(ENGLISH)
    assert "not medical advice" in text
    assert "not medical advice" in spoken


def test_tips_rotate_over_the_tip_templates() -> None:
    assert TIP_KEYS == (
        "tip_pace",
        "tip_posture",
        "tip_flat",
        "tip_shoes",
        "tip_treadmill",
    )
    assert frozenset({"tip_flat"}) == HEALING_ONLY_TIPS
    assert all(key in TEMPLATES for key in TIP_KEYS)


def test_activity_names() -> None:
    assert ACTIVITY_KEYS == ("swimming", "stationary_bike", "yoga")
    assert set(ACTIVITY_KEYS) <= {activity.value for activity in Activity}
    assert activities(ENGLISH) == "swimming, a stationary bike or gentle yoga"
    # Unknown or repeated choices fall back to what G7 names.
    assert activities(ENGLISH, ("running", "yoga", "yoga")) == "gentle yoga"
    assert activities(ENGLISH, ("running",)) == activities(ENGLISH)
    assert activities(CATALOG.messages("de"), ("swimming", "yoga")) == (
        "Schwimmen oder sanftes Yoga"
    )


@pytest.mark.parametrize(
    ("words", "conjunction", "expected"),
    [
        ([], "and", ""),
        (["neck"], "and", "neck"),
        (["neck", "arms"], "and", "neck and arms"),
        (["a", "b", "c"], "or", "a, b or c"),
    ],
)
def test_join_words(words: list[str], conjunction: str, expected: str) -> None:
    assert ENGLISH.join(words, conjunction) == expected


def test_every_language_is_shipped() -> None:
    assert CATALOG.languages == tuple(sorted(LANGUAGES))
    assert set(CATALOG.languages) == set(LANGUAGES)


def test_templates_are_plain_data() -> None:
    assert Template("demo", ("G9",)).key == "demo"


@pytest.mark.parametrize("messages", EVERY_LANGUAGE, ids=LANGUAGE_IDS)
def test_weather_reasons_read_as_spoken_words(messages: Messages) -> None:
    assert WEATHER_HAZARDS == ("ice", "snow", "storm", "severe", "heavy_rain", "heat")
    for hazard in WEATHER_HAZARDS:
        for part in ("morning", "afternoon", "evening", "night"):
            why = weather_reason(messages, hazard, part)
            assert SPEAKABLE.fullmatch(why), why
            _, spoken = TEMPLATES["weather_indoors"].render(
                messages, **{**spoken_values(messages), "why": why}
            )
            assert SPEAKABLE.fullmatch(spoken), spoken
            assert len(spoken) <= 130, spoken
