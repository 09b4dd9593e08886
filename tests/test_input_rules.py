"""One rule at every way in: the same value gives the same stored record or refusal.

A pain level or a walk's minutes may come from an action, the pain slider, the webhook,
Assist or a phone's answer; each reads it by the model's one rule (model/inputs.py).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
import json
import math
from pathlib import Path
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components import persistent_notification
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import device_registry as dr, intent
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.backwalk.const import DOMAIN
from tests.conftest import Persisted

EN_JSON = (
    Path(__file__).parent.parent
    / "custom_components"
    / DOMAIN
    / "translations"
    / "en.json"
)

# Refused: the key every way in gives back (None: stored as `level`).
PAIN_INPUTS: list[tuple[Any, int | None, str | None]] = [
    (7, 7, None),
    (7.0, 7, None),
    ("7", 7, None),
    (" 8 ", 8, None),
    (0, 0, None),
    (7.9, None, "level_not_whole"),
    (4.99, None, "level_not_whole"),
    ("7.9", None, "level_not_whole"),
    (11, None, "level_out_of_range"),
    (-1, None, "level_out_of_range"),
    (True, None, "not_a_number"),
    ("1_0", None, "not_a_number"),
    ("1e1", None, "not_a_number"),
    ("seven", None, "not_a_number"),
    (float("nan"), None, "not_a_number"),
]

# What one way in returns: the stored level, or the refusal's translation key.
type Outcome = tuple[int | None, str | None]
type WayIn = Callable[[Any], Awaitable[Outcome]]


@pytest.fixture(autouse=True)
def wednesday(freezer: FrozenDateTimeFactory) -> None:
    """Wednesday 2026-11-25, 10:00 in Berlin."""
    freezer.move_to("2026-11-25T09:00:00+00:00")


@pytest.fixture
async def ways_in(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    persisted: Persisted,
    hass_client_no_auth: ClientSessionGenerator,
) -> dict[str, WayIn]:
    """Report a pain level by each way in; return what was stored or refused."""
    client = await hass_client_no_auth()

    def stored_since(before: int) -> int | None:
        reports = persisted(loaded_entry)["pain_reports"]
        if len(reports) == before:
            return None
        assert len(reports) == before + 1
        return int(reports[-1]["level"])

    def count() -> int:
        return len(persisted(loaded_entry)["pain_reports"])

    async def action(value: Any) -> Outcome:
        before = count()
        try:
            await hass.services.async_call(
                DOMAIN, "report_pain", {"level": value}, blocking=True
            )
        except ServiceValidationError as err:
            assert stored_since(before) is None
            return None, err.translation_key
        return stored_since(before), None

    async def webhook(value: Any) -> Outcome:
        before = count()
        if isinstance(value, float) and math.isnan(value):
            # JSON has no NaN: an app would send it as text.
            value = "nan"
        response = await client.post(
            f"/api/webhook/{loaded_entry.data['webhook_id']}", json={"pain": value}
        )
        answer = await response.json()
        if response.status == 400:
            assert stored_since(before) is None
            return None, answer["error"]
        assert response.status == 200, answer
        return stored_since(before), None

    async def voice(value: Any) -> Outcome:
        before = count()
        response = await intent.async_handle(
            hass, "test", "BackwalkReportPain", {"level": {"value": value}}
        )
        await hass.async_block_till_done()
        if response.response_type is intent.IntentResponseType.ERROR:
            assert stored_since(before) is None
            return None, _key_of_speech(response)
        return stored_since(before), None

    async def phone(value: Any) -> Outcome:
        before = count()
        persistent_notification.async_dismiss(
            hass, f"{DOMAIN}_answer_refused_{loaded_entry.entry_id}"
        )
        hass.bus.async_fire(
            "mobile_app_notification_action",
            {
                "action": f"BACKWALK_PAIN_{loaded_entry.entry_id}",
                # A phone's reply is always text.
                "reply_text": str(value).lower()
                if isinstance(value, bool)
                else str(value),
            },
        )
        await hass.async_block_till_done()
        notifications = persistent_notification._async_get_or_create_notifications(hass)
        refused = notifications.get(f"{DOMAIN}_answer_refused_{loaded_entry.entry_id}")
        if refused is not None:
            assert stored_since(before) is None
            return None, _key_of_message(refused["message"])
        return stored_since(before), None

    return {"action": action, "webhook": webhook, "voice": voice, "phone": phone}


def _key_of_message(message: str) -> str:
    """The exception key whose English sentence is `message`."""
    exceptions = json.loads(EN_JSON.read_text(encoding="utf-8"))["exceptions"]
    for key in ("level_not_whole", "level_out_of_range", "not_a_number"):
        sentence = exceptions[key]["message"].format(min="0", max="10", field="level")
        if sentence == message:
            return key
    pytest.fail(f"not a known refusal: {message}")


def _key_of_speech(response: intent.IntentResponse) -> str:
    speech = str(response.speech["plain"]["speech"])
    if speech == "Please say a pain level from 0 to 10.":
        # Assist's spoken hint for a slot that is no number at all.
        return "not_a_number"
    return _key_of_message(speech)


@pytest.mark.parametrize(("value", "level", "refusal"), PAIN_INPUTS)
async def test_pain_level_is_read_the_same_at_every_way_in(
    ways_in: dict[str, WayIn], value: Any, level: int | None, refusal: str | None
) -> None:
    """7.9 is never 7 or 8, true is never 1: each way in stores or refuses alike."""
    outcomes = {name: await way_in(value) for name, way_in in ways_in.items()}
    assert outcomes == dict.fromkeys(ways_in, (level, refusal))


@pytest.mark.parametrize(
    ("value", "level", "refusal"),
    [
        (4, 4, None),
        (7.9, None, "level_not_whole"),
        (4.99, None, "level_not_whole"),
        ("6", 6, None),
    ],
)
async def test_pain_slider_follows_the_same_rule(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    persisted: Persisted,
    value: Any,
    level: int | None,
    refusal: str | None,
) -> None:
    """The number entity (and the card's slider, which sets it) refuses 7.9 too.

    Home Assistant's number action turns its value into a number first, so `true`
    never reaches backwalk from here.
    """

    async def set_value() -> None:
        await hass.services.async_call(
            "number",
            "set_value",
            {"entity_id": "number.alex_report_pain", "value": value},
            blocking=True,
        )

    if refusal is not None:
        with pytest.raises(ServiceValidationError) as caught:
            await set_value()
        assert caught.value.translation_key == refusal
        assert persisted(loaded_entry)["pain_reports"] == []
        return
    await set_value()
    levels = [report["level"] for report in persisted(loaded_entry)["pain_reports"]]
    assert levels == [level]


@pytest.mark.parametrize(
    ("data", "refusal"),
    [
        # Started a minute ago and ten hours long: it would end tonight.
        ({"minutes": 600, "started": "2026-11-25 09:59:00"}, "walk_ends_in_future"),
        ({"minutes": 1e-300}, "minutes_out_of_range"),
        ({"minutes": 0.05}, "minutes_out_of_range"),
        ({"minutes": True}, "not_a_number"),
        ({"minutes": "1_0"}, "not_a_number"),
        ({"minutes": "nan"}, "not_a_number"),
        ({"minutes": [10]}, "not_a_number"),
        ({"minutes": 10, "distance_km": True}, "not_a_number"),
        ({"minutes": 10, "started": "0001-01-01 00:00:00+05:00"}, "time_out_of_range"),
    ],
)
async def test_implausible_walks_are_refused(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    persisted: Persisted,
    data: dict[str, Any],
    refusal: str,
) -> None:
    """A walk that has not happened, has no length or is no number is refused."""
    with pytest.raises(ServiceValidationError) as caught:
        await hass.services.async_call(DOMAIN, "log_walk", data, blocking=True)
    assert caught.value.translation_key == refusal
    assert str(caught.value)[0].isupper()
    assert persisted(loaded_entry)["walks"] == []


async def test_plausible_walks_are_kept(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, persisted: Persisted
) -> None:
    """Decimal text is a number; a walk ending within a minute of now is fine."""
    await hass.services.async_call(
        DOMAIN,
        "log_walk",
        {"minutes": "12.5", "started": "2026-11-25 09:00:00"},
        blocking=True,
    )
    await hass.services.async_call(
        DOMAIN,
        "log_walk",
        {"minutes": 20, "started": "2026-11-25 09:40:30"},
        blocking=True,
    )
    assert [walk["minutes"] for walk in persisted(loaded_entry)["walks"]] == [
        12.5,
        20.0,
    ]


async def test_profile_and_device_of_two_profiles_are_refused(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    add_profile: Callable[[str], Awaitable[MockConfigEntry]],
    persisted: Persisted,
) -> None:
    """Naming one profile and another's device is refused, not guessed."""
    sam = await add_profile("Sam")
    [sam_device] = dr.async_entries_for_config_entry(dr.async_get(hass), sam.entry_id)
    with pytest.raises(ServiceValidationError) as caught:
        await hass.services.async_call(
            DOMAIN,
            "log_walk",
            {
                "minutes": 10,
                "config_entry_id": loaded_entry.entry_id,
                "device_id": sam_device.id,
            },
            blocking=True,
        )
    assert caught.value.translation_key == "profile_mismatch"
    assert persisted(loaded_entry)["walks"] == persisted(sam)["walks"] == []
    # Both naming the same profile is fine.
    await hass.services.async_call(
        DOMAIN,
        "log_walk",
        {"minutes": 10, "config_entry_id": sam.entry_id, "device_id": sam_device.id},
        blocking=True,
    )
    assert len(persisted(sam)["walks"]) == 1


async def test_rest_answers_are_sentences_with_short_values(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    hass_client: ClientSessionGenerator,
) -> None:
    """A refusal through the REST API is the translated sentence, never a raw key.

    A megabyte id is not echoed back.
    """
    assert await async_setup_component(hass, "api", {})
    client = await hass_client()
    response = await client.post(
        f"/api/services/{DOMAIN}/delete_entry", json={"entry_id": "x" * 1_000_000}
    )
    assert response.status == 400
    answer = await response.json()
    # Home Assistant leaves off the final full stop.
    assert answer == {"message": "There is no walk or report with that id"}
    response = await client.post(
        f"/api/services/{DOMAIN}/log_walk",
        json={"device_id": "d" * 100_000, "minutes": 5},
    )
    assert response.status == 400
    message = (await response.json())["message"]
    assert message.startswith("Device ddd")
    assert message.endswith("is not a backwalk profile")
    assert len(message) < 100


async def test_overlapping_walks_of_one_person_are_refused(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    persisted: Persisted,
    freezer: FrozenDateTimeFactory,
    hass_client_no_auth: ClientSessionGenerator,
) -> None:
    """A walk logged by hand, then by voice, the webhook or the buttons counts once.

    The later entry is refused with the earlier walk's times; walks that only touch
    (within a minute) are two walks.
    """
    await hass.services.async_call(DOMAIN, "log_walk", {"minutes": 20}, blocking=True)
    freezer.tick(timedelta(seconds=30))

    response = await intent.async_handle(
        hass, "test", "BackwalkLogWalk", {"minutes": {"value": 20}}
    )
    assert response.response_type is intent.IntentResponseType.ERROR
    assert str(response.speech["plain"]["speech"]) == (
        "A walk of 20 minutes from 09:40 to 10:00 is already logged at that time,"
        " so this one was not added. Change the start time if it was another walk."
    )
    client = await hass_client_no_auth()
    answer = await client.post(
        f"/api/webhook/{loaded_entry.data['webhook_id']}", json={"minutes": 15}
    )
    assert answer.status == 400
    assert (await answer.json())["error"] == "walk_overlaps"

    # Start walk at 09:50 (during the logged one), finish at 10:10: refused, and the
    # live walk ends (it is logged already), so the next walk can start.
    freezer.move_to("2026-11-25T08:50:00+00:00")
    await hass.services.async_call(
        "button", "press", {"entity_id": "button.alex_start_walk"}, blocking=True
    )
    freezer.move_to("2026-11-25T09:10:00+00:00")
    with pytest.raises(ServiceValidationError) as caught:
        await hass.services.async_call(
            "button", "press", {"entity_id": "button.alex_finish_walk"}, blocking=True
        )
    assert caught.value.translation_key == "walk_overlaps"
    assert hass.states.get("binary_sensor.alex_walk_in_progress").state == "off"

    # A walk that ends within a minute of the first one's start is another walk.
    await hass.services.async_call(
        DOMAIN,
        "log_walk",
        {"minutes": 10, "started": "2026-11-25 09:30:30"},
        blocking=True,
    )
    assert [walk["minutes"] for walk in persisted(loaded_entry)["walks"]] == [
        10.0,
        20.0,
    ]
    await hass.async_block_till_done()
    assert hass.states.get("sensor.alex_walking_minutes_today").state == "30.0"
