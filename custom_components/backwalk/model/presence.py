"""Where a reminder is heard: on the speakers of the room the person is in, or none.

The Home Assistant side reads the person, the room-presence source and each speaker's
area from the registries; the choice made from them lives here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

# A person entity's state at home; any other known state (not_home, a zone's name) is away.
HOME = "home"
# States that say nothing about where someone is.
_NOT_KNOWN = frozenset({"", "unknown", "unavailable", "none"})
# What room-presence sources report when they see the person in no room.
_NO_ROOM = frozenset({"not_home", "away", "home"})


class Reason(StrEnum):
    """Why a reminder went where it went."""

    AWAY = "away"  # the person is out: spoken nowhere, pushed to the phone
    IN_AREA = "in_area"  # spoken only in the room the person is in
    NO_PRESENCE = "no_presence"  # nothing says where: every chosen speaker


@dataclass(frozen=True, slots=True)
class SpeakerChoice:
    """The speakers a reminder is spoken on, and why."""

    speakers: tuple[str, ...]
    reason: Reason
    # The areas the person is in (by id) when presence said so; empty otherwise.
    areas: tuple[str, ...] = ()


def is_home(person_state: str | None) -> bool | None:
    """Whether a person entity's state says home: None when it says nothing."""
    if person_state is None or person_state.strip().lower() in _NOT_KNOWN:
        return None
    return person_state == HOME


def area_from_state(state: str | None, area_names: Mapping[str, str]) -> str | None:
    """Return the area id a room-presence state names, by id or name, or None.

    Bermuda and ESPresense report an area's name ("Study"), some setups its id
    ("study"); case and spaces around it do not matter. Anything else (not_home,
    unknown, a room with no area) says nothing about the person's area.
    """
    if state is None:
        return None
    wanted = state.strip().casefold()
    if wanted in _NOT_KNOWN or wanted in _NO_ROOM:
        return None
    # A name first: an area keeps its id when renamed, so a new area may be called
    # what an older one's id still says ("study", renamed Office; Study is study_2).
    for area_id, name in area_names.items():
        if wanted == name.strip().casefold():
            return area_id
    return next(
        (area_id for area_id in area_names if wanted == area_id.casefold()), None
    )


def occupied_areas(sensors: Iterable[tuple[str | None, str | None]]) -> frozenset[str]:
    """Return the areas whose occupancy or motion sensor is on.

    `sensors` holds (area id, state) for each chosen binary sensor; one without an
    area says nothing about a room.
    """
    return frozenset(area for area, state in sensors if area and state == "on")


def choose_speakers(
    speaker_areas: Mapping[str, str | None],
    home: bool | None,
    person_areas: Iterable[str],
) -> SpeakerChoice:
    """Choose the speakers to say a reminder on.

    `speaker_areas` maps each chosen speaker to its area (None: in none). Away, no
    speaker: a reminder spoken in an empty house helps no one. With the person's
    area known, only that area's speakers, so that nobody in another room hears it
    (none when the room has no speaker). Otherwise every speaker, as without presence.
    """
    if home is False:
        return SpeakerChoice((), Reason.AWAY)
    areas = tuple(sorted(set(person_areas)))
    if not areas:
        return SpeakerChoice(tuple(speaker_areas), Reason.NO_PRESENCE)
    chosen = tuple(
        speaker for speaker, area in speaker_areas.items() if area in set(areas)
    )
    return SpeakerChoice(chosen, Reason.IN_AREA, areas)
