"""Assist (voice) intents: log a walk, report pain, ask today's target, week and streak.

The sentences live in custom_sentences/en/backwalk.yaml, which users copy into their
configuration. Answers are short English speech; every refusal is spoken, never raised.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
import math
from typing import Any, override

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import config_validation as cv, intent
import voluptuous as vol

from .const import (
    ALTERNATIVES,
    ATTR_LEVEL,
    ATTR_MINUTES,
    CONF_ALTERNATIVES,
    CONF_NAME,
    CONF_PERSON,
    DOMAIN,
)
from .errors import GENERIC_ERROR, async_error_message
from .model import ACTIVITY_NAMES, MAX_WALK_MINUTES, PainStatus, Snapshot, Source
from .model.guidance import join_words
from .runtime import BackwalkConfigEntry, ProfileRuntime

INTENT_LOG_WALK = "BackwalkLogWalk"
INTENT_REPORT_PAIN = "BackwalkReportPain"
INTENT_TARGET_TODAY = "BackwalkTargetToday"
INTENT_WEEK_STATUS = "BackwalkWeekStatus"
INTENT_STREAK = "BackwalkStreak"

SLOT_NAME = "name"

# A person entity's attribute naming its Home Assistant user (the person integration's
# PersonEntityStateAttribute.USER_ID; read from the state, so person need not load first).
_PERSON_USER_ID = "user_id"

_NAME_SCHEMA = {vol.Optional(SLOT_NAME): cv.string}
# A number as a sentence or a language model gives it; the model reads it by the same
# rule as every other way in (a pain level of 7.9 is refused, not rounded).
_NUMBER = vol.Any(int, float, str)
# A sentence such as "{name} walked 20 minutes" also matches "I walked 20 minutes".
_PRONOUNS = frozenset({"i", "me", "my", "mine", "myself", "we", "us", "our"})


class VoiceError(Exception):
    """A refusal to speak back as it is."""

    def __init__(self, speech: str) -> None:
        """Remember what to say."""
        super().__init__(speech)
        self.speech = speech


@dataclass(frozen=True, slots=True)
class Listener:
    """The profile an answer is about, and whether it is the speaker's own.

    Answers speak to the person whose profile it is ("You have walked 3 days in a
    row") and name the profile only when it is someone else's ("Sam has walked...").
    """

    runtime: ProfileRuntime
    own: bool

    @property
    def name(self) -> str:
        """The profile's name."""
        return self.runtime.name

    def says(self, own: str, other: str) -> str:
        """Pick the words for the speaker's own profile, or for someone else's."""
        return own if self.own else other

    @property
    def they_have(self) -> str:
        """'You have' or 'Sam has', to begin a sentence."""
        return self.says("You have", f"{self.name} has")

    @property
    def their(self) -> str:
        """'your' or "Sam's"."""
        return self.says("your", f"{self.name}'s")

    @property
    def their_first(self) -> str:
        """'Your' or "Sam's", to begin a sentence (a name stays as it was typed)."""
        return self.says("Your", f"{self.name}'s")


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
    return hass.config_entries.async_loaded_entries(DOMAIN)


def linked_user_id(hass: HomeAssistant, entry: BackwalkConfigEntry) -> str | None:
    """Return the user of the person the profile is linked to, if there is one."""
    person = entry.options.get(CONF_PERSON)
    state = hass.states.get(person) if isinstance(person, str) else None
    user_id = state.attributes.get(_PERSON_USER_ID) if state is not None else None
    return user_id if isinstance(user_id, str) and user_id else None


def resolve_voice_profile(
    hass: HomeAssistant, name: str | None, user_id: str | None = None
) -> Listener:
    """Find the profile a sentence is for.

    A spoken name wins. Without one ("I", "my"), the profile linked to the speaking
    user; else the only profile not linked to somebody else. Otherwise ask which.
    """
    loaded = _loaded_entries(hass)
    if not loaded:
        raise VoiceError("There is no backwalk profile set up yet.")
    linked = {entry.entry_id: linked_user_id(hass, entry) for entry in loaded}
    spoken = (name or "").strip()
    wanted = _normalize(spoken)
    if wanted and wanted not in _PRONOUNS:
        for entry in loaded:
            candidates = {entry.title, str(entry.data.get(CONF_NAME, ""))}
            if wanted in {_normalize(candidate) for candidate in candidates}:
                own = user_id is not None and linked[entry.entry_id] == user_id
                return Listener(entry.runtime_data, own=own)
        raise VoiceError(
            f"I don't know a backwalk profile called {spoken}. "
            f"Say it for {_names(loaded)}."
        )
    mine = [entry for entry in loaded if user_id and linked[entry.entry_id] == user_id]
    if not mine:
        # An unknown speaker (a voice satellite has no user) may be anyone; a known
        # one is never the person another user's profile is linked to.
        mine = [
            entry
            for entry in loaded
            if user_id is None or linked[entry.entry_id] is None
        ]
    if not mine:
        raise VoiceError(
            f"No backwalk profile is linked to you. Say it again for {_names(loaded)}."
        )
    if len(mine) > 1:
        raise VoiceError(f"Which profile is this for? Say it again for {_names(mine)}.")
    return Listener(mine[0].runtime_data, own=True)


def preferred_activities(runtime: ProfileRuntime) -> str:
    """List the profile's chosen pain-day alternatives (G7) as a sentence says them.

    None chosen, or none that G7 names, means all of them, as in the reminders.
    """
    chosen = runtime.entry.options.get(CONF_ALTERNATIVES, ALTERNATIVES)
    names = [ACTIVITY_NAMES[key] for key in chosen if key in ACTIVITY_NAMES]
    return join_words(dict.fromkeys(names or ACTIVITY_NAMES.values()), "or")


def _care(listener: Listener) -> str:
    # G15: what a red-flag answer says instead of any suggestion to move.
    who = listener.says("you have", f"{listener.name} has")
    return f"If {who} serious symptoms, get medical help at once."


def _alternatives(listener: Listener) -> str:
    # G7: on a pain day, a gentler low-impact activity instead of a walk.
    activities = preferred_activities(listener.runtime)
    return listener.says(
        f"If walking hurts today, try {activities} instead.",
        f"If walking hurts today, {listener.name} could try {activities} instead.",
    )


def _streak(listener: Listener, days: int) -> str:
    if days > 1:
        return f"{listener.they_have} walked {days} days in a row."
    if days == 1:
        return f"{listener.they_have} a 1 day walking streak."
    return f"{listener.they_have} no walking streak right now."


def _pain_answer(listener: Listener, level: int, snapshot: Snapshot) -> str:
    noted = listener.says(
        f"Noted pain level {level}.", f"Noted pain level {level} for {listener.name}."
    )
    if snapshot.pain_status is PainStatus.RED_FLAG:
        # G15: never suggest exercise, only medical help.
        return f"{noted} That is severe pain. {_care(listener)}"
    if snapshot.red_flag_today:
        # Should the model hold a red flag past a lower report, G15 holds with it.
        reported = listener.says("You", listener.name)
        return (
            f"{noted} {reported} reported severe pain earlier today. {_care(listener)}"
        )
    if snapshot.pain_status is PainStatus.PAIN_DAY:
        return f"{noted} Today counts as a pain day. {_alternatives(listener)}"
    if snapshot.pain_status is PainStatus.NONE:
        return f"{noted} Glad {listener.their} back feels good."
    return f"{noted} Today's walking target is {minutes_phrase(snapshot.target_minutes_today)}."


def _target_answer(listener: Listener, snapshot: Snapshot) -> str:
    if snapshot.red_flag_today:
        # G15: no target to chase after severe pain today.
        reported = listener.says("You", listener.name)
        return (
            f"{reported} reported severe pain today, so there is no walking target. "
            f"{_care(listener)}"
        )
    answer = (
        f"{listener.their_first} target today is a {spoken_number(snapshot.target_minutes_today)}"
        " minute walk."
    )
    if snapshot.minutes_today > 0:
        answer += (
            f" {listener.they_have} walked"
            f" {minutes_phrase(snapshot.minutes_today)} today."
        )
    if snapshot.pain_day:
        answer += f" Today is a pain day. {_alternatives(listener)}"
    return answer


def _week_answer(listener: Listener, snapshot: Snapshot) -> str:
    walks = snapshot.walks_this_week
    # G10: the goal is walks ("three or four times a week") and their minutes.
    needed = snapshot.weekly_walks_needed
    goal = (
        f"{needed} {'walk' if needed == 1 else 'walks'},"
        f" {minutes_phrase(snapshot.weekly_goal_minutes)} in all"
    )
    answer = (
        f"{listener.they_have} walked {minutes_phrase(snapshot.minutes_this_week)}"
        f" this week in {walks} {'walk' if walks == 1 else 'walks'}"
    )
    if snapshot.weekly_goal_met:
        answer += f", which meets {listener.their} weekly goal of {goal}."
    else:
        answer += f". {listener.their_first} weekly goal is {goal}."
    return f"{answer} {_streak(listener, snapshot.current_streak)}"


def _streak_answer(listener: Listener, snapshot: Snapshot) -> str:
    # The streak first: it is what was asked.
    answer = _streak(listener, snapshot.current_streak)
    if snapshot.longest_streak > snapshot.current_streak:
        longest = days_phrase(snapshot.longest_streak)
        answer += f" {listener.their_first} longest was {longest}."
    if snapshot.weekly_streak > 1:
        answer += (
            f" {listener.they_have} met {listener.their} weekly goal"
            f" {snapshot.weekly_streak} weeks in a row."
        )
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
            listener = resolve_voice_profile(
                intent_obj.hass,
                name if isinstance(name, str) else None,
                intent_obj.context.user_id,
            )
            speech = await self.async_answer(listener, values)
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

    async def async_answer(self, listener: Listener, values: dict[str, Any]) -> str:
        """Do the intent's work for one profile and return what to say."""
        raise NotImplementedError


class LogWalkIntentHandler(_BackwalkIntentHandler):
    """'I walked for 20 minutes' logs a finished walk."""

    intent_type = INTENT_LOG_WALK
    description = "Logs a finished walk of some minutes in backwalk"
    invalid_slots_speech = (
        f"Please say how many minutes you walked, from 1 to {MAX_WALK_MINUTES}."
    )

    @property
    @override
    def slot_schema(self) -> dict[Any, Any] | None:
        """Minutes walked, and optionally whose profile."""
        return {vol.Required(ATTR_MINUTES): _NUMBER, **_NAME_SCHEMA}

    @override
    async def async_answer(self, listener: Listener, values: dict[str, Any]) -> str:
        """Log the walk; say it was logged and the week's minutes."""
        runtime = listener.runtime
        walk = await runtime.async_log_walk(values[ATTR_MINUTES], source=Source.VOICE)
        minutes = spoken_number(walk.minutes)
        logged = listener.says(
            f"Logged your {minutes} minute walk.",
            f"Logged a {minutes} minute walk for {listener.name}.",
        )
        week = minutes_phrase(runtime.state.snapshot.minutes_this_week)
        return f"{logged} That makes {week} this week."


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
    async def async_answer(self, listener: Listener, values: dict[str, Any]) -> str:
        """Record the level; answer by how it stands against the thresholds."""
        runtime = listener.runtime
        report = await runtime.async_report_pain(values[ATTR_LEVEL])
        return _pain_answer(listener, report.level, runtime.state.snapshot)


class SnapshotQuestionHandler(_BackwalkIntentHandler):
    """A question answered from the profile's progress alone (target, week, streak)."""

    response_type = intent.IntentResponseType.QUERY_ANSWER

    def __init__(
        self,
        intent_type: str,
        description: str,
        answer: Callable[[Listener, Snapshot], str],
    ) -> None:
        """Answer `intent_type` with `answer` of the current snapshot."""
        self.intent_type = intent_type
        self.description = description
        self._answer = answer

    @override
    async def async_answer(self, listener: Listener, values: dict[str, Any]) -> str:
        """Answer from the profile's current snapshot."""
        return self._answer(listener, listener.runtime.state.snapshot)


_QUESTIONS: tuple[tuple[str, str, Callable[[Listener, Snapshot], str]], ...] = (
    # 'What is my walking target today' answers the plan's minutes.
    (
        INTENT_TARGET_TODAY,
        "Tells today's walking target in minutes from backwalk",
        _target_answer,
    ),
    # 'How much did I walk this week' answers minutes and streak.
    (
        INTENT_WEEK_STATUS,
        "Tells the minutes walked this week and the current streak from backwalk",
        _week_answer,
    ),
    # 'What's my streak' answers the days walked in a row first.
    (
        INTENT_STREAK,
        "Tells how many days in a row were walked (the streak) from backwalk",
        _streak_answer,
    ),
)


def async_setup_intents(hass: HomeAssistant) -> None:
    """Register backwalk's intents once; they answer with an error while no profile is loaded."""
    intent.async_register(hass, LogWalkIntentHandler())
    intent.async_register(hass, ReportPainIntentHandler())
    for intent_type, description, answer in _QUESTIONS:
        intent.async_register(
            hass, SnapshotQuestionHandler(intent_type, description, answer)
        )
