"""Activity recognition: whether a sensor's state says the person walks.

Pure: the Home Assistant side feeds a state string and its attributes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .common import finite_number, set_field as _set
from .errors import ModelError

DEFAULT_MIN_CONFIDENCE = 50
# Home Assistant's "no information" states; "unknown" is also the iOS activity state
# when the phone cannot tell.
_NO_INFORMATION = frozenset({"", "unknown", "unavailable"})
# The iOS companion app reports CMMotionActivity's confidence as a word.
_IOS_CONFIDENCE = {"low": 25, "medium": 50, "high": 100}


def _state_key(state: str) -> str:
    return state.strip().lower()


# --- activity sources ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ActivitySource:
    """An entity whose state says whether the person walks.

    `walking_states` are compared case-insensitively; `min_confidence` is 0..100 and
    0 means the confidence is not looked at.
    """

    entity_id: str
    walking_states: frozenset[str]
    min_confidence: int = DEFAULT_MIN_CONFIDENCE

    def __post_init__(self) -> None:
        """Normalise the states and refuse a source that could never be right."""
        if not isinstance(self.entity_id, str) or not self.entity_id:
            raise ModelError("invalid_activity_source", field="entity_id")
        # A bare string would silently become a set of its letters.
        given: object = self.walking_states
        if isinstance(given, str):
            raise ModelError("invalid_activity_source", field="walking_states")
        states = frozenset(_state_key(state) for state in self.walking_states)
        # "unknown" as a walking state would turn missing data into walks.
        if not states or states & _NO_INFORMATION:
            raise ModelError("invalid_activity_source", field="walking_states")
        confidence = self.min_confidence
        if not isinstance(confidence, int) or isinstance(confidence, bool):
            raise ModelError("invalid_activity_source", field="min_confidence")
        if not 0 <= confidence <= 100:
            raise ModelError("invalid_activity_source", field="min_confidence")
        _set(self, "walking_states", states)


def ios_activity(
    entity_id: str, min_confidence: int = DEFAULT_MIN_CONFIDENCE
) -> ActivitySource:
    """Return the iOS companion app's `sensor.<phone>_activity` as a source."""
    return ActivitySource(entity_id, frozenset({"walking"}), min_confidence)


def android_activity(
    entity_id: str, min_confidence: int = DEFAULT_MIN_CONFIDENCE
) -> ActivitySource:
    """Return the Android companion app's `sensor.<phone>_detected_activity` as a source."""
    return ActivitySource(entity_id, frozenset({"walking", "on_foot"}), min_confidence)


def custom_activity(
    entity_id: str, states: Iterable[str], min_confidence: int = 0
) -> ActivitySource:
    """Return any other entity (a treadmill plug's "on", say) as a source."""
    if isinstance(states, str):
        # custom_activity(entity, "on") means the one state, not "o" and "n".
        states = (states,)
    return ActivitySource(entity_id, frozenset(states), min_confidence)


def _percent(value: object) -> int | None:
    number = finite_number(value)
    # A value outside 0..100 is not a confidence we understand; no data beats bad data.
    if number is None or not 0 <= number <= 100:
        return None
    return round(number)


def confidence_of(state: str, attributes: Mapping[str, Any]) -> int | None:
    """Return how sure the sensor is of `state`, 0..100, or None when it does not say.

    Tried in order: the iOS word ("Low"/"Medium"/"High") in `confidence`; the Android
    per-activity percentage in the attribute named like the state (lower case, also
    with spaces as underscores); a numeric `confidence`.
    """
    named = attributes.get("confidence")
    if isinstance(named, str) and (word := _state_key(named)) in _IOS_CONFIDENCE:
        return _IOS_CONFIDENCE[word]
    key = _state_key(state)
    for name in (key, key.replace(" ", "_")):
        level = _percent(attributes.get(name))
        if level is not None:
            return level
    return _percent(named)


def is_walking(
    source: ActivitySource, state: str, attributes: Mapping[str, Any]
) -> bool | None:
    """Interpret one state of `source`: walking, not walking, or None for no information."""
    key = _state_key(state)
    if key in _NO_INFORMATION:
        return None
    if key not in source.walking_states:
        return False
    if source.min_confidence == 0:
        return True
    confidence = confidence_of(state, attributes)
    # No confidence data is not a refusal: many sensors never report one.
    return confidence is None or confidence >= source.min_confidence
