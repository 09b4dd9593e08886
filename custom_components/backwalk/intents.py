"""Assist (voice) intents: log a walk, report pain, ask today's target and the week.

The sentences live in custom_sentences/en/backwalk.yaml, which users copy into their
configuration. Answers are short English speech; every refusal is spoken, never raised.
"""

from __future__ import annotations

from collections.abc import Sequence
import math
from typing import Any, override

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import config_validation as cv, intent
import voluptuous as vol

from .const import ATTR_LEVEL, ATTR_MINUTES, CONF_NAME, DOMAIN
from .errors import GENERIC_ERROR, async_error_message
from .model import PainStatus, Snapshot, Source
from .runtime import BackwalkConfigEntry, ProfileRuntime

INTENT_LOG_WALK = "BackwalkLogWalk"
INTENT_REPORT_PAIN = "BackwalkReportPain"
INTENT_TARGET_TODAY = "BackwalkTargetToday"
INTENT_WEEK_STATUS = "BackwalkWeekStatus"

SLOT_NAME = "name"

# G15: what a red-flag answer says instead of any suggestion to move.
RED_FLAG_ADVICE = (
    "That is severe pain. If you have serious symptoms, get medical help at once."
)
# G7: on a pain day, a gentler low-impact activity instead of a walk.
PAIN_DAY_ADVICE = (
    "If walking hurts today, try swimming, a stationary bike or yoga instead."
)

_NAME_SCHEMA = {vol.Optional(SLOT_NAME): cv.string}
# A number as a sentence or a language model gives it; the model reads it by the same
# rule as every other way in (a pain level of 7.9 is refused, not rounded).
_NUMBER = vol.Any(int, float, str)
# A sentence such as "{name} walked 20 minutes" also matches "I walked 20 minutes".
_PRONOUNS = frozenset({"i", "me", "my", "mine", "we", "us", "our"})


class VoiceError(Exception):
    """A refusal to speak back as it is."""

    def __init__(self, speech: str) -> None:
        """Remember what to say."""
        super().__init__(speech)
        self.speech = speech


def spoken_number(value: float) -> str:
    """Say a number: whole numbers without a decimal point, others to one place."""
    if math.isclose(value, round(value), abs_tol=0.05):
        return str(round(value))
    return f"{value:.1f}"


def minutes_phrase(value: float) -> str:
    """'1 minute', '20 minutes', '12.5 minutes'."""
    number = spoken_number(value)
    return f"{number} minute" if number == "1" else f"{number} minutes"


def days_phrase(days: int) -> str:
    """'1 day', '3 days'."""
    return "1 day" if days == 1 else f"{days} days"


def _names(entries: Sequence[BackwalkConfigEntry]) -> str:
    titles = sorted(entry.title for entry in entries)
    if len(titles) == 1:
        return titles[0]
    return f"{', '.join(titles[:-1])} or {titles[-1]}"


def _normalize(name: str) -> str:
    name = name.strip().strip('.,!?;:"').strip().casefold()
    for suffix in ("'s", "\u2019s"):
        name = name.removesuffix(suffix)
    return " ".join(name.split())


def _loaded_entries(hass: HomeAssistant) -> list[BackwalkConfigEntry]:
    return [
        entry
        for entry in hass.config_entries.async_entries(DOMAIN)
        if entry.state is ConfigEntryState.LOADED
    ]


def resolve_voice_profile(hass: HomeAssistant, name: str | None) -> ProfileRuntime:
    """Find the profile a sentence is for: by spoken name, else the only one loaded."""
    loaded = _loaded_entries(hass)
    if not loaded:
        raise VoiceError("There is no backwalk profile set up yet.")
    spoken = (name or "").strip()
    wanted = _normalize(spoken)
    if wanted and wanted not in _PRONOUNS:
        for entry in loaded:
            candidates = {entry.title, str(entry.data.get(CONF_NAME, ""))}
            if wanted in {_normalize(candidate) for candidate in candidates}:
                runtime: ProfileRuntime = entry.runtime_data
                return runtime
        raise VoiceError(
            f"I don't know a backwalk profile called {spoken}. "
            f"Say it for {_names(loaded)}."
        )
    if len(loaded) > 1:
        raise VoiceError(
            f"Which profile is this for? Say it again for {_names(loaded)}."
        )
    only: ProfileRuntime = loaded[0].runtime_data
    return only


def _pain_answer(name: str, level: int, snapshot: Snapshot) -> str:
    noted = f"Noted pain level {level} for {name}."
    if snapshot.pain_status is PainStatus.RED_FLAG:
        # G15: never suggest exercise, only medical help.
        return f"{noted} {RED_FLAG_ADVICE}"
    if snapshot.red_flag_today:
        return (
            f"{noted} You reported severe pain earlier today. "
            "If you have serious symptoms, get medical help at once."
        )
    if snapshot.pain_status is PainStatus.PAIN_DAY:
        return f"{noted} Today counts as a pain day. {PAIN_DAY_ADVICE}"
    if snapshot.pain_status is PainStatus.NONE:
        return f"{noted} Glad your back feels good."
    return f"{noted} Today's walking target is {minutes_phrase(snapshot.target_minutes_today)}."


def _target_answer(name: str, snapshot: Snapshot) -> str:
    if snapshot.red_flag_today:
        # G15: no target to chase after severe pain today.
        return (
            f"{name} reported severe pain today, so there is no walking target. "
            "If you have serious symptoms, get medical help at once."
        )
    answer = (
        f"{name}'s target today is a {spoken_number(snapshot.target_minutes_today)}"
        " minute walk."
    )
    if snapshot.minutes_today > 0:
        answer += f" {name} has walked {minutes_phrase(snapshot.minutes_today)} today."
    if snapshot.pain_day:
        answer += f" Today is a pain day. {PAIN_DAY_ADVICE}"
    return answer


def _week_answer(name: str, snapshot: Snapshot) -> str:
    walks = snapshot.walks_this_week
    answer = (
        f"{name} has walked {minutes_phrase(snapshot.minutes_this_week)} this week"
        f" in {walks} {'walk' if walks == 1 else 'walks'}"
    )
    if snapshot.weekly_goal_met:
        answer += (
            f", which meets the weekly goal of "
            f"{minutes_phrase(snapshot.weekly_goal_minutes)}."
        )
    else:
        answer += (
            f". The weekly goal is {minutes_phrase(snapshot.weekly_goal_minutes)}."
        )
    if snapshot.current_streak:
        answer += f" The current streak is {days_phrase(snapshot.current_streak)}."
    else:
        answer += " There is no current streak."
    return answer


class _BackwalkIntentHandler(intent.IntentHandler):
    """Resolve the profile, answer, and turn every refusal into speech."""

    invalid_slots_speech = GENERIC_ERROR
    response_type = intent.IntentResponseType.ACTION_DONE

    @property
    @override
    def slot_schema(self) -> dict[Any, Any] | None:
        """The name slot every backwalk intent takes."""
        return dict(_NAME_SCHEMA)

    @override
    async def async_handle(self, intent_obj: intent.Intent) -> intent.IntentResponse:
        """Answer the intent, or speak why not."""
        response = intent_obj.create_response()
        try:
            slots = self.async_validate_slots(intent_obj.slots)
        except vol.Invalid:
            response.async_set_error(
                intent.IntentResponseErrorCode.FAILED_TO_HANDLE,
                self.invalid_slots_speech,
            )
            return response
        values = {key: slot["value"] for key, slot in slots.items()}
        try:
            name = values.get(SLOT_NAME)
            runtime = resolve_voice_profile(
                intent_obj.hass, name if isinstance(name, str) else None
            )
            speech = await self.async_answer(runtime, values)
        except VoiceError as err:
            response.async_set_error(
                intent.IntentResponseErrorCode.FAILED_TO_HANDLE, err.speech
            )
            return response
        except HomeAssistantError as err:
            # A slot that is no number at all gets the spoken hint, not the written rule.
            spoken = (
                self.invalid_slots_speech
                if err.translation_key == "not_a_number"
                else await async_error_message(
                    intent_obj.hass, intent_obj.language, err
                )
            )
            response.async_set_error(
                intent.IntentResponseErrorCode.FAILED_TO_HANDLE, spoken
            )
            return response
        response.response_type = self.response_type
        response.async_set_speech(speech)
        return response

    async def async_answer(
        self, runtime: ProfileRuntime, values: dict[str, Any]
    ) -> str:
        """Do the intent's work for one profile and return what to say."""
        raise NotImplementedError


class LogWalkIntentHandler(_BackwalkIntentHandler):
    """'I walked for 20 minutes' logs a finished walk."""

    intent_type = INTENT_LOG_WALK
    description = "Logs a finished walk of some minutes in backwalk"
    invalid_slots_speech = "Please say how many minutes you walked, from 1 to 600."

    @property
    @override
    def slot_schema(self) -> dict[Any, Any] | None:
        """Minutes walked, and optionally whose profile."""
        return {vol.Required(ATTR_MINUTES): _NUMBER, **_NAME_SCHEMA}

    @override
    async def async_answer(
        self, runtime: ProfileRuntime, values: dict[str, Any]
    ) -> str:
        """Log the walk; say it was logged and the week's minutes."""
        walk = await runtime.async_log_walk(values[ATTR_MINUTES], source=Source.VOICE)
        snapshot = runtime.state.snapshot
        return (
            f"Logged a {spoken_number(walk.minutes)} minute walk for {runtime.name}."
            " That makes "
            f"{minutes_phrase(snapshot.minutes_this_week)} this week."
        )


class ReportPainIntentHandler(_BackwalkIntentHandler):
    """'My back pain is 4' records a pain level."""

    intent_type = INTENT_REPORT_PAIN
    description = "Records how much the lower back hurts now, from 0 to 10, in backwalk"
    invalid_slots_speech = "Please say a pain level from 0 to 10."

    @property
    @override
    def slot_schema(self) -> dict[Any, Any] | None:
        """Pain level, and optionally whose profile."""
        return {vol.Required(ATTR_LEVEL): _NUMBER, **_NAME_SCHEMA}

    @override
    async def async_answer(
        self, runtime: ProfileRuntime, values: dict[str, Any]
    ) -> str:
        """Record the level; answer by how it stands against the thresholds."""
        report = await runtime.async_report_pain(values[ATTR_LEVEL])
        return _pain_answer(runtime.name, report.level, runtime.state.snapshot)


class TargetTodayIntentHandler(_BackwalkIntentHandler):
    """'What is my walking target today' answers the plan's minutes."""

    intent_type = INTENT_TARGET_TODAY
    description = "Tells today's walking target in minutes from backwalk"
    response_type = intent.IntentResponseType.QUERY_ANSWER

    @override
    async def async_answer(
        self, runtime: ProfileRuntime, values: dict[str, Any]
    ) -> str:
        """Say today's target."""
        return _target_answer(runtime.name, runtime.state.snapshot)


class WeekStatusIntentHandler(_BackwalkIntentHandler):
    """'How much did I walk this week' answers minutes and streak."""

    intent_type = INTENT_WEEK_STATUS
    description = (
        "Tells the minutes walked this week and the current streak from backwalk"
    )
    response_type = intent.IntentResponseType.QUERY_ANSWER

    @override
    async def async_answer(
        self, runtime: ProfileRuntime, values: dict[str, Any]
    ) -> str:
        """Say the week's minutes, walks, goal and streak."""
        return _week_answer(runtime.name, runtime.state.snapshot)


@callback
def async_setup_intents(hass: HomeAssistant) -> None:
    """Register backwalk's intents once; they answer with an error while no profile is loaded."""
    intent.async_register(hass, LogWalkIntentHandler())
    intent.async_register(hass, ReportPainIntentHandler())
    intent.async_register(hass, TargetTodayIntentHandler())
    intent.async_register(hass, WeekStatusIntentHandler())
