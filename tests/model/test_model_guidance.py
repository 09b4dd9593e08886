"""The guidance facts and the templates every message is written from."""

from __future__ import annotations

import re
from string import Formatter

import pytest

from custom_components.backwalk.model import (
    ACTIVITY_NAMES,
    GUIDANCE,
    TEMPLATES,
    Activity,
    Template,
)
from custom_components.backwalk.model.guidance import (
    HEALING_ONLY_TIPS,
    STRETCH_AREAS,
    TIP_KEYS,
    WEATHER_REASONS,
    join_words,
)

# Every placeholder a template may use, with a value of the kind the planner passes.
VALUES: dict[str, object] = {
    "name": "Ana",
    "minutes": 25,
    "activities": "swimming or gentle yoga",
    "stretches": join_words(STRETCH_AREAS),
    "time": "07:30",
    "walks_done": 2,
    "walks_needed": 3,
    "why": "It is icy this morning",
}
EXERCISE_WORDS = re.compile(
    r"walk|stretch|swim|bike|bicycl|yoga|exercis|jog|move|activit", re.IGNORECASE
)
# Plain words and punctuation a voice reads naturally; a colon only inside a clock time.
SPEAKABLE = re.compile(r"(?:[A-Za-z0-9 ,.'?]|(?<=\d):(?=\d))+")


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


@pytest.mark.parametrize("key", sorted(TEMPLATES))
def test_every_template_cites_guidance(key: str) -> None:
    template = TEMPLATES[key]
    assert template.key == key
    assert template.guidance
    assert len(set(template.guidance)) == len(template.guidance)
    for guidance in template.guidance:
        assert guidance in GUIDANCE


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


@pytest.mark.parametrize("key", sorted(TEMPLATES))
def test_templates_render_and_read_well(key: str) -> None:
    template = TEMPLATES[key]
    assert placeholders(template.text) <= set(VALUES)
    assert placeholders(template.spoken) <= set(VALUES)
    text, spoken = template.render(**VALUES)
    assert "{" not in text
    assert "}" not in text
    assert 1 <= sentences(text) <= 3
    # A smart speaker gets one or two short sentences of plain words.
    assert SPEAKABLE.fullmatch(spoken), spoken
    assert 1 <= sentences(spoken) <= 2
    assert len(spoken) <= 110


def test_speakable_refuses_symbols() -> None:
    assert SPEAKABLE.fullmatch("Walk at 07:30, Ana.")
    for spoken in ("Walk (gently).", "Tip: walk.", "Walk \N{RUNNER}.", "5 & 6"):
        assert not SPEAKABLE.fullmatch(spoken)


def test_render_fills_both_forms() -> None:
    template = Template("demo", ("G9",), "Hello {name}.", "Hi {name}.")
    assert template.render(name="Ana") == ("Hello Ana.", "Hi Ana.")
    with pytest.raises(KeyError):
        template.render()


def test_red_flag_suggests_no_exercise_at_all() -> None:
    template = TEMPLATES["red_flag"]
    text, spoken = template.render(**VALUES)
    for message in (template.text, template.spoken, text, spoken):
        assert not EXERCISE_WORDS.search(message), message
    # It does send the person to care for serious symptoms (G15).
    assert "emergency" in text
    assert "emergency" in spoken


def test_exercise_words_are_detected() -> None:
    # The red-flag check above must be able to fail.
    for key in ("stretch", "alternative", "tip_pace"):
        assert EXERCISE_WORDS.search(TEMPLATES[key].text)


def test_stretch_names_every_area_and_the_minutes() -> None:
    assert STRETCH_AREAS == ("neck", "arms", "hips", "legs", "hamstrings", "ankles")
    text, spoken = TEMPLATES["stretch"].render(**VALUES)
    for area in STRETCH_AREAS:
        assert area in text
    assert "25 minutes" in text
    assert "25 minutes" in spoken
    assert "07:30" in text


def test_alternative_lists_the_activities() -> None:
    text, spoken = TEMPLATES["alternative"].render(**VALUES)
    assert "swimming or gentle yoga" in text
    assert "swimming or gentle yoga" in spoken


def test_footer_says_not_medical_advice() -> None:
    text, spoken = TEMPLATES["not_medical_advice"].render()
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
    assert dict(ACTIVITY_NAMES) == {
        "swimming": "swimming",
        "stationary_bike": "a stationary bike",
        "yoga": "gentle yoga",
    }
    assert set(ACTIVITY_NAMES) <= {activity.value for activity in Activity}


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
    assert join_words(words, conjunction) == expected


def test_weather_reasons_read_as_spoken_words() -> None:
    assert set(WEATHER_REASONS) == {
        "ice",
        "snow",
        "storm",
        "severe",
        "heavy_rain",
        "heat",
    }
    for reason in WEATHER_REASONS.values():
        why = reason.format(when="this morning")
        assert SPEAKABLE.fullmatch(why), why
        _, spoken = TEMPLATES["weather_indoors"].render(**{**VALUES, "why": why})
        assert len(spoken) <= 110, spoken
