"""Device triggers and the shipped blueprints, run end to end."""

from __future__ import annotations

from pathlib import Path
import shutil
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components import automation
from homeassistant.components.automation.config import AUTOMATION_BLUEPRINT_SCHEMA
from homeassistant.components.blueprint import Blueprint
from homeassistant.components.device_automation import DeviceAutomationType
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.setup import async_setup_component
from homeassistant.util.yaml import load_yaml_dict
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
    async_get_device_automations,
    async_mock_service,
)

from custom_components.backwalk.compat import async_get_profile_device
from custom_components.backwalk.const import DOMAIN
from tests.conftest import Persisted

BLUEPRINTS = (
    Path(__file__).resolve().parents[1] / "blueprints" / "automation" / "backwalk"
)


@pytest.fixture
def profile_options(profile_options: dict[str, Any]) -> dict[str, Any]:
    """Walks every day at 07:30; no delivery of its own besides the event."""
    return {
        **profile_options,
        "walk_days": [0, 1, 2, 3, 4, 5, 6],
        "walk_time": "07:30:00",
        "persistent_notification": False,
    }


@pytest.fixture(autouse=True)
def sunday_evening(freezer: FrozenDateTimeFactory) -> None:
    """Sunday 2026-11-22, 20:00 in Berlin."""
    freezer.move_to("2026-11-22T19:00:00+00:00")


def profile_device(hass: HomeAssistant, entry: MockConfigEntry) -> str:
    """The device id of a profile."""
    device = async_get_profile_device(hass, entry.entry_id)
    assert device is not None
    return device.id


@pytest.mark.parametrize(
    "path", sorted(BLUEPRINTS.glob("*.yaml")), ids=lambda p: p.name
)
def test_blueprints_are_valid(path: Path) -> None:
    """Every shipped blueprint passes Home Assistant's blueprint schema."""
    blueprint = Blueprint(
        load_yaml_dict(str(path)),
        expected_domain="automation",
        schema=AUTOMATION_BLUEPRINT_SCHEMA,
    )
    assert blueprint.domain == "automation"
    assert blueprint.inputs


async def test_device_triggers_listed(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    """A trigger for each kind of nudge shows on the profile's device."""
    triggers = await async_get_device_automations(
        hass, DeviceAutomationType.TRIGGER, profile_device(hass, loaded_entry)
    )
    assert sorted(t["type"] for t in triggers if t["domain"] == DOMAIN) == [
        "alternative",
        "check_in",
        "red_flag",
        "stretch",
    ]


async def at(hass: HomeAssistant, freezer: FrozenDateTimeFactory, moment: str) -> None:
    """Move the clock and let timers run."""
    freezer.move_to(moment)
    async_fire_time_changed(hass)
    await hass.async_block_till_done()


def install_blueprints(target: Path) -> None:
    """Copy the shipped blueprints where Home Assistant looks for them."""
    target.mkdir(parents=True, exist_ok=True)
    for path in BLUEPRINTS.glob("*.yaml"):
        shutil.copy(path, target / path.name)


async def use_blueprints(
    hass: HomeAssistant, automations: list[dict[str, Any]]
) -> None:
    """Install the shipped blueprints and set up automations from them."""
    target = Path(hass.config.path("blueprints", "automation", "backwalk"))
    await hass.async_add_executor_job(install_blueprints, target)
    assert await async_setup_component(
        hass, automation.DOMAIN, {automation.DOMAIN: automations}
    )
    await hass.async_block_till_done()


async def test_stretch_blueprint_speaks_the_reminder(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, freezer: FrozenDateTimeFactory
) -> None:
    """The device trigger fires the blueprint, which speaks the short text."""
    spoken = async_mock_service(hass, "tts", "speak")
    await use_blueprints(
        hass,
        [
            {
                "use_blueprint": {
                    "path": "backwalk/stretch_reminder_to_speaker.yaml",
                    "input": {
                        "profile": profile_device(hass, loaded_entry),
                        "speaker": "media_player.bedroom",
                        "tts": "tts.piper",
                    },
                }
            }
        ],
    )
    await at(hass, freezer, "2026-11-23T06:20:00+00:00")
    [call] = spoken
    assert call.data["media_player_entity_id"] == "media_player.bedroom"
    assert "Stretch gently" in call.data["message"]


async def test_check_in_blueprint_sends_answerable_question(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    persisted: Persisted,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The check-in reaches the phone with buttons that backwalk answers."""
    pushed = async_mock_service(hass, "notify", "mobile_app_pixel")
    await use_blueprints(
        hass,
        [
            {
                "use_blueprint": {
                    "path": "backwalk/walked_check_in.yaml",
                    "input": {
                        "profile": profile_device(hass, loaded_entry),
                        "notify_service": "notify.mobile_app_pixel",
                    },
                }
            }
        ],
    )
    await at(hass, freezer, "2026-11-23T06:20:00+00:00")
    assert pushed == []
    await at(hass, freezer, "2026-11-23T08:30:00+00:00")
    [call] = pushed
    assert "How did your" in call.data["message"]
    buttons = call.data["data"]["actions"]
    assert [button["title"] for button in buttons] == [
        "Walked",
        "Snooze 15 min",
        "In pain",
    ]
    assert buttons[-1]["textInputPlaceholder"] == "Pain level 0-10"
    actions = [action["action"] for action in buttons]
    assert actions[0] == f"BACKWALK_WALKED_{loaded_entry.entry_id}"
    hass.bus.async_fire("mobile_app_notification_action", {"action": actions[0]})
    await hass.async_block_till_done()
    walks = persisted(loaded_entry)["walks"]
    assert [walk["minutes"] for walk in walks] == [5]


async def test_pain_day_blueprint_uses_the_phone_device(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, freezer: FrozenDateTimeFactory
) -> None:
    """On a pain day the alternative goes to the chosen companion-app device."""
    phone_entry = MockConfigEntry(domain="mobile_app")
    phone_entry.add_to_hass(hass)
    phone = dr.async_get(hass).async_get_or_create(
        config_entry_id=phone_entry.entry_id, identifiers={("mobile_app", "pixel")}
    )
    await use_blueprints(
        hass,
        [
            {
                "alias": "Pain day to phone",
                "use_blueprint": {
                    "path": "backwalk/pain_day_alternative_to_phone.yaml",
                    "input": {
                        "profile": profile_device(hass, loaded_entry),
                        "phone": phone.id,
                    },
                },
            }
        ],
    )
    automation_id = "automation.pain_day_to_phone"
    assert hass.states.get(automation_id).attributes["last_triggered"] is None
    await at(hass, freezer, "2026-11-23T06:00:00+00:00")
    await hass.services.async_call(DOMAIN, "report_pain", {"level": 6}, blocking=True)
    await at(hass, freezer, "2026-11-23T06:20:00+00:00")
    # The device trigger fired; sending to a real companion-app device is its own test.
    assert hass.states.get(automation_id).attributes["last_triggered"] is not None
