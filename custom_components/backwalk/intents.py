"""Assist (voice) intents: log a walk, report pain, ask today's target, week and streak.

The sentences live in custom_sentences/<language>/backwalk.yaml, which users copy into
their configuration. Answers are short speech in the conversation's language, from the
message catalog (assist.* keys): an answer picks its sentences by the person's state
and by whose profile it is, more than a response template in the sentence file could
say, and it must be the same whichever agent (or language model) called the intent.
Every refusal is spoken, never raised.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
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
from .errors import async_error_message
from .language import messages_for
from .model import MAX_WALK_MINUTES, Messages, PainStatus, Snapshot, Source, activities
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


class VoiceError(Exception):
    """A refusal to speak back as it is."""

    def __init__(self, speech: str) -> None:
        """Remember what to say."""
        super().__init__(speech)
        self.speech = speech


@dataclass(frozen=True, slots=True)
class Listener:
    """The profile an answer is about, whether it is the speaker's own, and the words.

    Answers speak to the person whose profile it is ("You have walked 3 days in a
    row") and name the profile only when it is someone else's ("Sam has walked..."),
    in the language of the conversation.
    """

    runtime: ProfileRuntime
    own: bool
    messages: Messages

    @property
    def name(self) -> str:
        """The profile's name."""
        return self.runtime.name

    def says(self, key: str, /, **values: object) -> str:
        """Say `key`_own to the profile's person, or `key`_other naming the profile."""
        if self.own:
            return self.messages(f"{key}_own", **values)
        return self.messages(f"{key}_other", name=self.name, **values)

    def minutes(self, value: float) -> str:
        """'1 minute', '20 minutes', '12.5 minutes' in the listener's language."""
        return self.messages.plural("unit.minutes", value)


def _names(messages: Messages, entries: Sequence[BackwalkConfigEntry]) -> str:
    return messages.join(sorted(entry.title for entry in entries), "or")


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
    hass: HomeAssistant,
    name: str | None,
    user_id: str | None = None,
    language: str | None = None,
) -> Listener:
    """Find the profile a sentence is for, to answer in `language`.

    A spoken name wins. Without one ("I", "my"), the profile linked to the speaking
    user; else the only profile not linked to somebody else. Otherwise ask which.
    """
    messages = messages_for(hass, language)
    loaded = _loaded_entries(hass)
    if not loaded:
        raise VoiceError(messages("assist.no_profile"))
    linked = {entry.entry_id: linked_user_id(hass, entry) for entry in loaded}
    spoken = (name or "").strip()
    wanted = _normalize(spoken)
    # A sentence such as "{name} walked 20 minutes" also matches "I walked 20
    # minutes": the language's words for oneself name no profile.
    pronouns = {word.strip() for word in messages("assist.pronouns").split(",")}
    if wanted and wanted not in pronouns:
        for entry in loaded:
            candidates = {entry.title, str(entry.data.get(CONF_NAME, ""))}
            if wanted in {_normalize(candidate) for candidate in candidates}:
                own = user_id is not None and linked[entry.entry_id] == user_id
                return Listener(entry.runtime_data, own, messages)
        raise VoiceError(
            messages(
                "assist.unknown_profile", name=spoken, names=_names(messages, loaded)
            )
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
        raise VoiceError(messages("assist.not_linked", names=_names(messages, loaded)))
    if len(mine) > 1:
        raise VoiceError(messages("assist.which_profile", names=_names(messages, mine)))
    return Listener(mine[0].runtime_data, True, messages)


def preferred_activities(runtime: ProfileRuntime, messages: Messages) -> str:
    """List the profile's chosen pain-day alternatives (G7) as a sentence says them.

    None chosen, or none that G7 names, means all of them, as in the reminders.
    """
    return activities(
        messages, runtime.entry.options.get(CONF_ALTERNATIVES, ALTERNATIVES)
    )


def _care(listener: Listener) -> str:
    # G15: what a red-flag answer says instead of any suggestion to move.
    return listener.says("assist.care")


def _alternatives(listener: Listener) -> str:
    # G7: on a pain day, a gentler low-impact activity instead of a walk.
    activities_said = preferred_activities(listener.runtime, listener.messages)
    return listener.says("assist.alternatives", activities=activities_said)


def _streak(listener: Listener, days: int) -> str:
    if days > 1:
        return listener.says("assist.streak.days", days=listener.messages.number(days))
    if days == 1:
        return listener.says("assist.streak.one_day")
    return listener.says("assist.streak.none")


def _pain_answer(listener: Listener, level: int, snapshot: Snapshot) -> str:
    messages = listener.messages
    noted = listener.says("assist.pain.noted", level=level)
    if snapshot.pain_status is PainStatus.RED_FLAG:
        # G15: never suggest exercise, only medical help.
        return f"{noted} {messages('assist.pain.severe')} {_care(listener)}"
    if snapshot.red_flag_today:
        # Should the model hold a red flag past a lower report, G15 holds with it.
        return f"{noted} {listener.says('assist.pain.earlier')} {_care(listener)}"
    if snapshot.pain_status is PainStatus.PAIN_DAY:
        return f"{noted} {messages('assist.pain.pain_day')} {_alternatives(listener)}"
    if snapshot.pain_status is PainStatus.NONE:
        return f"{noted} {listener.says('assist.pain.none')}"
    target = listener.minutes(snapshot.target_minutes_today)
    return f"{noted} {messages('assist.pain.target', minutes=target)}"


def _target_answer(listener: Listener, snapshot: Snapshot) -> str:
    messages = listener.messages
    if snapshot.red_flag_today:
        # G15: no target to chase after severe pain today.
        return f"{listener.says('assist.target.red_flag')} {_care(listener)}"
    answer = listener.says(
        "assist.target.plan", minutes=messages.number(snapshot.target_minutes_today)
    )
    if snapshot.minutes_today > 0:
        walked = listener.minutes(snapshot.minutes_today)
        answer += f" {listener.says('assist.target.walked', minutes=walked)}"
    if snapshot.pain_day:
        answer += f" {messages('assist.target.pain_day')} {_alternatives(listener)}"
    return answer


def _week_answer(listener: Listener, snapshot: Snapshot) -> str:
    messages = listener.messages
    # G10: the goal is walks ("three or four times a week") and their minutes.
    goal = messages(
        "assist.week.goal",
        walks=messages.plural("unit.walks", snapshot.weekly_walks_needed),
        minutes=listener.minutes(snapshot.weekly_goal_minutes),
    )
    answer = listener.says(
        "assist.week.met" if snapshot.weekly_goal_met else "assist.week.open",
        minutes=listener.minutes(snapshot.minutes_this_week),
        walks=messages.plural("unit.walks_done", snapshot.walks_this_week),
        goal=goal,
    )
    return f"{answer} {_streak(listener, snapshot.current_streak)}"


def _streak_answer(listener: Listener, snapshot: Snapshot) -> str:
    messages = listener.messages
    # The streak first: it is what was asked.
    answer = _streak(listener, snapshot.current_streak)
    if snapshot.longest_streak > snapshot.current_streak:
        longest = messages.plural("unit.days", snapshot.longest_streak)
        answer += f" {listener.says('assist.streak.longest', days=longest)}"
    if snapshot.weekly_streak > 1:
        weeks = messages.number(snapshot.weekly_streak)
        answer += f" {listener.says('assist.streak.weeks', weeks=weeks)}"
    return answer


class _BackwalkIntentHandler(intent.IntentHandler):
    """Resolve the profile, answer, and turn every refusal into speech."""

    # What to say when a slot is not understood: a catalog key and its values.
    invalid_slots_key = "error.generic"
    invalid_slots_values: dict[str, object] = {}  # noqa: RUF012 (read only)
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
        messages = messages_for(intent_obj.hass, intent_obj.language)
        invalid_slots = messages(self.invalid_slots_key, **self.invalid_slots_values)
        try:
            slots = self.async_validate_slots(intent_obj.slots)
        except vol.Invalid:
            response.async_set_error(
                intent.IntentResponseErrorCode.FAILED_TO_HANDLE, invalid_slots
            )
            return response
        values = {key: slot["value"] for key, slot in slots.items()}
        try:
            name = values.get(SLOT_NAME)
            listener = resolve_voice_profile(
                intent_obj.hass,
                name if isinstance(name, str) else None,
                intent_obj.context.user_id,
                intent_obj.language,
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
                invalid_slots
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
    invalid_slots_key = "assist.ask_minutes"
    invalid_slots_values = {"max": MAX_WALK_MINUTES}  # noqa: RUF012 (read only)

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
        messages = listener.messages
        logged = listener.says("assist.logged", minutes=messages.number(walk.minutes))
        week = listener.minutes(runtime.state.snapshot.minutes_this_week)
        return f"{logged} {messages('assist.logged_week', minutes=week)}"


class ReportPainIntentHandler(_BackwalkIntentHandler):
    """'My back pain is 4' records a pain level."""

    intent_type = INTENT_REPORT_PAIN
    description = "Records how much the lower back hurts now, from 0 to 10, in backwalk"
    invalid_slots_key = "assist.ask_pain"

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
