"""Which speakers a reminder is spoken on, from where the person is."""

from __future__ import annotations

import pytest

from custom_components.backwalk.model.presence import (
    Reason,
    SpeakerChoice,
    area_from_state,
    choose_speakers,
    is_home,
    occupied_areas,
)

AREAS = {"study": "Study", "living_room": "Living Room", "kitchen": "Kitchen"}
SPEAKERS = {
    "media_player.study": "study",
    "media_player.living_room": "living_room",
    "media_player.tv": "living_room",
    "media_player.portable": None,
}


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        ("home", True),
        ("not_home", False),
        ("Work", False),  # a zone's name
        ("unknown", None),
        ("unavailable", None),
        (None, None),
        ("", None),
    ],
)
def test_is_home(state: str | None, expected: bool | None) -> None:
    assert is_home(state) is expected


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        ("Study", "study"),  # Bermuda and ESPresense: the area's name
        ("study", "study"),  # some setups: its id
        ("  living room ", "living_room"),
        ("LIVING_ROOM", "living_room"),
        ("not_home", None),
        ("home", None),  # at home, in no room it knows
        ("unknown", None),
        ("unavailable", None),
        ("Garage", None),  # a room with no area
        (None, None),
    ],
)
def test_area_from_state(state: str | None, expected: str | None) -> None:
    assert area_from_state(state, AREAS) == expected


def test_occupied_areas_counts_sensors_that_are_on_and_have_an_area() -> None:
    sensors = [
        ("study", "on"),
        ("kitchen", "off"),
        (None, "on"),
        ("living_room", "unavailable"),
    ]
    assert occupied_areas(sensors) == frozenset({"study"})
    assert occupied_areas([]) == frozenset()


def test_away_speaks_nowhere() -> None:
    # Even when a room sensor still names a room: the person entity wins.
    assert choose_speakers(SPEAKERS, False, ["study"]) == SpeakerChoice((), Reason.AWAY)


def test_in_the_study_only_the_study_speaker() -> None:
    assert choose_speakers(SPEAKERS, True, ["study"]) == SpeakerChoice(
        ("media_player.study",), Reason.IN_AREA, ("study",)
    )


def test_an_area_with_two_speakers_uses_both() -> None:
    choice = choose_speakers(SPEAKERS, None, ["living_room"])
    assert choice.speakers == ("media_player.living_room", "media_player.tv")
    assert choice.reason is Reason.IN_AREA


def test_several_occupied_areas_speak_in_each() -> None:
    choice = choose_speakers(SPEAKERS, True, ["study", "living_room", "study"])
    assert set(choice.speakers) == {
        "media_player.study",
        "media_player.living_room",
        "media_player.tv",
    }
    assert choice.areas == ("living_room", "study")


def test_a_room_without_a_speaker_speaks_nowhere() -> None:
    # Nobody in another room hears it: the phone and notifications still carry it.
    assert choose_speakers(SPEAKERS, True, ["kitchen"]) == SpeakerChoice(
        (), Reason.IN_AREA, ("kitchen",)
    )


@pytest.mark.parametrize("home", [True, None])
def test_no_presence_speaks_everywhere(home: bool | None) -> None:
    assert choose_speakers(SPEAKERS, home, []) == SpeakerChoice(
        tuple(SPEAKERS), Reason.NO_PRESENCE
    )


def test_two_people_in_two_rooms_never_hear_each_other() -> None:
    ana = choose_speakers(SPEAKERS, True, [area_from_state("Study", AREAS) or ""])
    ben = choose_speakers(SPEAKERS, True, [area_from_state("Living Room", AREAS) or ""])
    assert not set(ana.speakers) & set(ben.speakers)
    assert ana.speakers == ("media_player.study",)


def test_a_name_wins_over_another_areas_id() -> None:
    """The study (id study) renamed Office, a new Study made: Study is the new one."""
    areas = {"study": "Office", "study_2": "Study"}
    assert area_from_state("Study", areas) == "study_2"
    assert area_from_state("study", areas) == "study_2"  # case does not matter
    assert area_from_state("Office", areas) == "study"
    assert area_from_state("study_2", areas) == "study_2"  # an id still names it
