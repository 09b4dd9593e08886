"""Assist: the sentences in custom_sentences/en/backwalk.yaml reach the intents, which answer."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
import re
import shutil
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components import conversation
from homeassistant.core import Context, HomeAssistant
from homeassistant.helpers import intent
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.backwalk.const import DOMAIN
from custom_components.backwalk.intents import (
    INTENT_LOG_WALK,
    INTENT_REPORT_PAIN,
    INTENT_TARGET_TODAY,
    INTENT_WEEK_STATUS,
)
from tests.conftest import Persisted

SENTENCES = Path(__file__).parent.parent / "custom_sentences" / "en" / "backwalk.yaml"
WEEK = "sensor.alex_walking_minutes_this_week"
SAM_WEEK = "sensor.sam_walking_minutes_this_week"
# G15: a red-flag answer suggests no movement of any kind.
EXERCISE_WORDS = re.compile(
    r"walk|exercis|swim|bike|bicycle|yoga|stretch|target|activity|move",
    re.IGNORECASE,
)


@pytest.fixture(autouse=True)
def wednesday_morning(freezer: FrozenDateTimeFactory) -> None:
    """Wednesday 2026-11-25, 10:00 in Berlin (09:00 UTC)."""
    freezer.move_to("2026-11-25T09:00:00+00:00")


@pytest.fixture
async def assist(hass: HomeAssistant) -> None:
    """Assist with backwalk's sentences installed as a user would copy them."""
    target = Path(hass.config.path("custom_sentences", "en"))

    def install() -> None:
        target.mkdir(parents=True, exist_ok=True)
        shutil.copy(SENTENCES, target / "backwalk.yaml")

    await hass.async_add_executor_job(install)
    assert await async_setup_component(hass, "homeassistant", {})
    assert await async_setup_component(hass, "conversation", {})
    assert await async_setup_component(hass, "intent", {})
    await hass.async_block_till_done()


async def say(hass: HomeAssistant, text: str) -> intent.IntentResponse:
    """Speak one sentence to the default agent and return its answer."""
    result = await conversation.async_converse(
        hass, text, None, Context(), language="en"
    )
    return result.response


def speech(response: intent.IntentResponse) -> str:
    """The plain text an answer speaks."""
    return str(response.speech["plain"]["speech"])


def matched_intent(response: intent.IntentResponse) -> str | None:
    """The intent the sentence was recognized as."""
    return response.intent.intent_type if response.intent is not None else None


async def handle(
    hass: HomeAssistant, intent_type: str, **slots: Any
) -> intent.IntentResponse:
    """Call an intent directly, as an LLM or another agent would."""
    return await intent.async_handle(
        hass,
        "test",
        intent_type,
        {key: {"value": value} for key, value in slots.items()},
        language="en",
    )


def stored_walks(persisted: Persisted, entry: MockConfigEntry) -> list[Any]:
    """The walks a restart would load for the profile."""
    return list(persisted(entry)["walks"])


@pytest.mark.usefixtures("assist")
async def test_log_walk_by_voice(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, persisted: Persisted
) -> None:
    """A spoken walk is logged as a voice walk, saved, counted and confirmed."""
    response = await say(hass, "I walked for 20 minutes")
    assert response.response_type is intent.IntentResponseType.ACTION_DONE
    assert matched_intent(response) == INTENT_LOG_WALK
    assert speech(response) == (
        "Logged a 20 minute walk for Alex. That makes 20 minutes this week."
    )
    assert hass.states.get(WEEK).state == "20.0"
    walks = stored_walks(persisted, loaded_entry)
    assert [(walk["minutes"], walk["source"]) for walk in walks] == [(20, "voice")]

    response = await say(hass, "log a 15 minute walk")
    assert matched_intent(response) == INTENT_LOG_WALK
    assert "35 minutes this week" in speech(response)
    assert hass.states.get(WEEK).state == "35.0"


@pytest.mark.usefixtures("assist", "loaded_entry")
@pytest.mark.parametrize(
    ("sentence", "minutes"),
    [
        ("record a 12 minute walk", "12.0"),
        ("log 25 minutes of walking", "25.0"),
        ("I went for a walk for 40 minutes", "40.0"),
        ("I've just walked 10 minutes", "10.0"),
        ("I did a 5 minute walk", "5.0"),
        ("I walked for twenty minutes", "20.0"),
        ("I walked for an hour", "60.0"),
        ("I went for a walk for half an hour", "30.0"),
        ("Alex walked 7 minutes", "7.0"),
        ("log a 9 minute walk for alex", "9.0"),
    ],
)
async def test_log_walk_phrasings(
    hass: HomeAssistant, sentence: str, minutes: str
) -> None:
    """Each way of saying a walk logs it."""
    response = await say(hass, sentence)
    assert matched_intent(response) == INTENT_LOG_WALK, speech(response)
    assert response.response_type is intent.IntentResponseType.ACTION_DONE
    assert hass.states.get(WEEK).state == minutes


@pytest.mark.usefixtures("assist")
@pytest.mark.parametrize("sentence", ["I walked for 700 minutes", "I walked 0 minutes"])
async def test_out_of_range_minutes_spoken_and_nothing_stored(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    persisted: Persisted,
    sentence: str,
) -> None:
    """A walk the model refuses is answered with the reason, and nothing is kept."""
    response = await say(hass, sentence)
    assert matched_intent(response) == INTENT_LOG_WALK
    assert response.response_type is intent.IntentResponseType.ERROR
    assert speech(response) == "Minutes must be from 0.1 to 600."
    assert hass.states.get(WEEK).state == "0.0"
    assert stored_walks(persisted, loaded_entry) == []


@pytest.mark.usefixtures("assist", "loaded_entry")
async def test_report_pain_by_voice(hass: HomeAssistant) -> None:
    """A mild pain level is recorded and answered with today's target."""
    response = await say(hass, "my back pain is 3")
    assert matched_intent(response) == INTENT_REPORT_PAIN
    assert response.response_type is intent.IntentResponseType.ACTION_DONE
    assert speech(response) == (
        "Noted pain level 3 for Alex. Today's walking target is 5 minutes."
    )
    assert hass.states.get("sensor.alex_pain_level_today").state == "3"


@pytest.mark.usefixtures("assist", "loaded_entry")
@pytest.mark.parametrize(
    ("sentence", "level"),
    [
        ("my lower back pain is at level 2", "2"),
        ("report pain level 4", "4"),
        ("my pain is 1 out of 10", "1"),
        ("my back hurts a 2 today", "2"),
        ("record back pain of 0", "0"),
        ("Alex's back pain is 3", "3"),
    ],
)
async def test_report_pain_phrasings(
    hass: HomeAssistant, sentence: str, level: str
) -> None:
    """Each way of saying a pain level records it."""
    response = await say(hass, sentence)
    assert matched_intent(response) == INTENT_REPORT_PAIN, speech(response)
    assert hass.states.get("sensor.alex_pain_level_today").state == level


@pytest.mark.usefixtures("assist", "loaded_entry")
async def test_pain_day_suggests_a_gentler_activity(hass: HomeAssistant) -> None:
    """At the pain-day threshold the answer offers low-impact alternatives (G7)."""
    response = await say(hass, "my back pain is 6")
    assert speech(response) == (
        "Noted pain level 6 for Alex. Today counts as a pain day. If walking hurts"
        " today, try swimming, a stationary bike or yoga instead."
    )


@pytest.mark.usefixtures("assist", "loaded_entry")
async def test_red_flag_answer_advises_medical_help_never_exercise(
    hass: HomeAssistant,
) -> None:
    """At the red-flag level the answer points to medical help only (G15)."""
    response = await say(hass, "my back pain is 9")
    assert matched_intent(response) == INTENT_REPORT_PAIN
    text = speech(response)
    assert "medical help" in text
    assert "9" in text
    assert not EXERCISE_WORDS.search(text), text
    assert hass.states.get("sensor.alex_pain_level_today").state == "9"

    # The rest of the day keeps quiet about targets, even after a lower report.
    later = speech(await say(hass, "my back pain is 3"))
    assert "medical help" in later
    assert "target" not in later
    target = speech(await say(hass, "what is my walking target today"))
    assert "medical help" in target
    assert "no walking target" in target


@pytest.mark.usefixtures("assist", "loaded_entry")
async def test_target_today(hass: HomeAssistant) -> None:
    """The answer names the target the sensor shows."""
    target = hass.states.get("sensor.alex_target_minutes_today").state
    for sentence in (
        "what is my walking target today",
        "what's today's target",
        "how long should I walk today",
    ):
        response = await say(hass, sentence)
        assert matched_intent(response) == INTENT_TARGET_TODAY, sentence
        assert response.response_type is intent.IntentResponseType.QUERY_ANSWER
        assert speech(response) == f"Alex's target today is a {target} minute walk."

    await say(hass, "I walked 4 minutes")
    assert speech(await say(hass, "what's my target today")) == (
        f"Alex's target today is a {target} minute walk."
        " Alex has walked 4 minutes today."
    )


@pytest.mark.usefixtures("assist", "loaded_entry")
async def test_week_status(hass: HomeAssistant) -> None:
    """The answer holds the week's minutes and the streak the sensors show."""
    response = await say(hass, "how much did I walk this week")
    assert matched_intent(response) == INTENT_WEEK_STATUS
    assert response.response_type is intent.IntentResponseType.QUERY_ANSWER
    assert speech(response) == (
        "Alex has walked 0 minutes this week in 0 walks."
        " The weekly goal is 15 minutes. There is no current streak."
    )

    await say(hass, "I walked for 20 minutes")
    assert hass.states.get(WEEK).state == "20.0"
    assert hass.states.get("sensor.alex_current_streak").state == "1"
    for sentence in ("what's my streak", "how many minutes have I walked this week"):
        response = await say(hass, sentence)
        assert matched_intent(response) == INTENT_WEEK_STATUS, sentence
        assert speech(response) == (
            "Alex has walked 20 minutes this week in 1 walk, which meets the weekly"
            " goal of 15 minutes. The current streak is 1 day."
        )


@pytest.mark.usefixtures("assist", "loaded_entry")
async def test_two_profiles_by_name(
    hass: HomeAssistant, add_profile: Callable[[str], Awaitable[MockConfigEntry]]
) -> None:
    """With two profiles a sentence names one; without a name the answer asks which."""
    await add_profile("Sam")

    response = await say(hass, "I walked for 20 minutes")
    assert matched_intent(response) == INTENT_LOG_WALK
    assert response.response_type is intent.IntentResponseType.ERROR
    assert speech(response) == (
        "Which profile is this for? Say it again for Alex or Sam."
    )
    assert hass.states.get(WEEK).state == "0.0"
    assert hass.states.get(SAM_WEEK).state == "0.0"

    response = await say(hass, "log a 20 minute walk for Sam")
    assert speech(response) == (
        "Logged a 20 minute walk for Sam. That makes 20 minutes this week."
    )
    assert hass.states.get(SAM_WEEK).state == "20.0"
    assert hass.states.get(WEEK).state == "0.0"

    response = await say(hass, "sam walked 10 minutes")
    assert hass.states.get(SAM_WEEK).state == "30.0"

    response = await say(hass, "report pain level 2 for ALEX")
    assert speech(response).startswith("Noted pain level 2 for Alex.")
    assert hass.states.get("sensor.alex_pain_level_today").state == "2"

    status = speech(await say(hass, "how much did Sam walk this week"))
    assert status.startswith("Sam has walked 30 minutes this week in 2 walks")
    target = speech(await say(hass, "how long should Sam walk today"))
    assert target.startswith("Sam's target today")

    response = await say(hass, "log a 20 minute walk for Robin")
    assert response.response_type is intent.IntentResponseType.ERROR
    assert speech(response) == (
        "I don't know a backwalk profile called Robin. Say it for Alex or Sam."
    )


@pytest.mark.usefixtures("assist")
async def test_no_profile_is_a_spoken_error(hass: HomeAssistant) -> None:
    """Loaded but without any profile, every intent answers with an error."""
    assert await async_setup_component(hass, DOMAIN, {})
    for sentence in (
        "I walked for 20 minutes",
        "my back pain is 3",
        "what is my walking target today",
        "how much did I walk this week",
    ):
        response = await say(hass, sentence)
        assert response.response_type is intent.IntentResponseType.ERROR
        assert speech(response) == "There is no backwalk profile set up yet."


async def test_unloaded_profile_is_not_used(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    """A profile that was unloaded is no longer answered for."""
    assert await hass.config_entries.async_unload(loaded_entry.entry_id)
    response = await handle(hass, INTENT_WEEK_STATUS)
    assert response.response_type is intent.IntentResponseType.ERROR
    assert speech(response) == "There is no backwalk profile set up yet."


@pytest.mark.usefixtures("loaded_entry")
@pytest.mark.parametrize(
    ("intent_type", "slots", "answer"),
    [
        (
            INTENT_LOG_WALK,
            {"minutes": 601},
            "Minutes must be from 0.1 to 600.",
        ),
        (
            INTENT_LOG_WALK,
            {"minutes": -5},
            "Minutes must be from 0.1 to 600.",
        ),
        (
            INTENT_LOG_WALK,
            {"minutes": "lots"},
            "Please say how many minutes you walked, from 1 to 600.",
        ),
        (INTENT_LOG_WALK, {}, "Please say how many minutes you walked, from 1 to 600."),
        (
            INTENT_REPORT_PAIN,
            {"level": 11},
            "Pain level must be a whole number from 0 to 10.",
        ),
        (INTENT_REPORT_PAIN, {"level": "bad"}, "Please say a pain level from 0 to 10."),
    ],
)
async def test_direct_refusals_are_spoken(
    hass: HomeAssistant,
    *,
    loaded_entry: MockConfigEntry,
    persisted: Persisted,
    intent_type: str,
    slots: dict[str, Any],
    answer: str,
) -> None:
    """Slots an LLM or another agent may send wrongly get a spoken refusal, nothing kept."""
    response = await handle(hass, intent_type, **slots)
    assert response.response_type is intent.IntentResponseType.ERROR
    assert response.error_code is intent.IntentResponseErrorCode.FAILED_TO_HANDLE
    assert speech(response) == answer
    assert stored_walks(persisted, loaded_entry) == []
    assert hass.states.get("sensor.alex_pain_level_today").state == "unknown"


@pytest.mark.usefixtures("loaded_entry")
async def test_direct_calls(hass: HomeAssistant) -> None:
    """Direct calls take strings for numbers, fractions, names in any case, or pronouns."""
    response = await handle(hass, INTENT_LOG_WALK, minutes="12.5", name=" alex. ")
    assert speech(response) == (
        "Logged a 12.5 minute walk for Alex. That makes 12.5 minutes this week."
    )
    response = await handle(hass, INTENT_LOG_WALK, minutes=1, name="I")
    assert speech(response) == (
        "Logged a 1 minute walk for Alex. That makes 13.5 minutes this week."
    )
    response = await handle(hass, INTENT_REPORT_PAIN, level="0")
    assert speech(response) == "Noted pain level 0 for Alex. Glad your back feels good."
    response = await handle(hass, INTENT_TARGET_TODAY, name="Alex")
    assert response.response_type is intent.IntentResponseType.QUERY_ANSWER
    assert hass.states.get(WEEK).state == "13.5"


async def test_save_failure_is_spoken(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """When the log cannot be saved the answer says nothing was recorded."""
    runtime = loaded_entry.runtime_data

    async def broken_save(*_args: Any) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(runtime.store, "async_append", broken_save)
    response = await handle(hass, INTENT_LOG_WALK, minutes=20)
    assert response.response_type is intent.IntentResponseType.ERROR
    assert speech(response) == (
        "backwalk could not save this. Nothing was recorded; try again."
    )
    assert hass.states.get(WEEK).state == "0.0"
