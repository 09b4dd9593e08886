"""The voice blueprint: valid for Home Assistant, and logs a spoken walk end to end."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
import shutil
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components import conversation
from homeassistant.components.automation.config import AUTOMATION_BLUEPRINT_SCHEMA
from homeassistant.components.blueprint import Blueprint, BlueprintInputs
from homeassistant.core import Context, HomeAssistant
from homeassistant.helpers import intent
from homeassistant.setup import async_setup_component
from homeassistant.util.yaml import load_yaml_dict
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.backwalk.const import DOMAIN
from tests.conftest import Persisted

BLUEPRINT = (
    Path(__file__).parent.parent
    / "blueprints"
    / "automation"
    / "backwalk"
    / "voice_log_walk.yaml"
)
WEEK = "sensor.alex_walking_minutes_this_week"


@pytest.fixture(autouse=True)
def wednesday_morning(freezer: FrozenDateTimeFactory) -> None:
    """Wednesday 2026-11-25, 10:00 in Berlin (09:00 UTC)."""
    freezer.move_to("2026-11-25T09:00:00+00:00")


def load_blueprint() -> Blueprint:
    """Read the blueprint file as Home Assistant does."""
    return Blueprint(
        load_yaml_dict(BLUEPRINT),
        path=str(BLUEPRINT),
        expected_domain="automation",
        schema=AUTOMATION_BLUEPRINT_SCHEMA,
    )


def test_blueprint_is_valid() -> None:
    """The blueprint passes the automation blueprint schema and takes a profile."""
    blueprint = load_blueprint()
    assert blueprint.domain == "automation"
    assert blueprint.validate() is None
    assert blueprint.inputs["profile"]["selector"] == {
        "config_entry": {"integration": DOMAIN}
    }
    assert all(
        "{minutes}" in sentence for sentence in blueprint.inputs["sentences"]["default"]
    )

    inputs = BlueprintInputs(
        blueprint,
        {
            "use_blueprint": {
                "path": "backwalk/voice_log_walk.yaml",
                "input": {"profile": "x"},
            }
        },
    )
    inputs.validate()
    config = inputs.async_substitute()
    assert config["triggers"][0]["trigger"] == "conversation"
    assert config["triggers"][0]["command"][0] == "backwalk {minutes} minutes"
    assert config["actions"][0]["then"][0]["data"]["config_entry_id"] == "x"


@pytest.fixture
async def automation(hass: HomeAssistant, loaded_entry: MockConfigEntry) -> None:
    """The blueprint installed and used for the profile Alex."""
    target = Path(hass.config.path("blueprints", "automation", "backwalk"))

    def install() -> None:
        target.mkdir(parents=True, exist_ok=True)
        shutil.copy(BLUEPRINT, target / "voice_log_walk.yaml")

    await hass.async_add_executor_job(install)
    assert await async_setup_component(hass, "homeassistant", {})
    assert await async_setup_component(hass, "conversation", {})
    assert await async_setup_component(
        hass,
        "automation",
        {
            "automation": {
                "id": "backwalk_voice",
                "alias": "backwalk voice",
                "use_blueprint": {
                    "path": "backwalk/voice_log_walk.yaml",
                    "input": {"profile": loaded_entry.entry_id},
                },
            }
        },
    )
    await hass.async_block_till_done()
    assert hass.states.get("automation.backwalk_voice").state == "on"


async def say(hass: HomeAssistant, text: str) -> str:
    """Speak one sentence to Assist and return what it answers."""
    result = await conversation.async_converse(
        hass, text, None, Context(), language="en"
    )
    return str(result.response.speech["plain"]["speech"])


def stored_walks(persisted: Persisted, entry: MockConfigEntry) -> list[Any]:
    """The walks a restart would load for the profile."""
    return list(persisted(entry)["walks"])


@pytest.mark.usefixtures("automation")
async def test_spoken_walk_is_logged(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    persisted: Persisted,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Saying the sentence logs the walk in the chosen profile and confirms it."""
    assert await say(hass, "backwalk 20 minutes") == "Logged a 20 minute walk."
    assert hass.states.get(WEEK).state == "20.0"
    assert [walk["minutes"] for walk in stored_walks(persisted, loaded_entry)] == [20]

    # The next walk, an hour later (one person's walks do not overlap).
    freezer.tick(timedelta(hours=1))
    assert await say(hass, "log 12.5 minutes in backwalk") == (
        "Logged a 12.5 minute walk."
    )
    assert hass.states.get(WEEK).state == "32.5"


@pytest.mark.usefixtures("automation")
@pytest.mark.parametrize("sentence", ["backwalk 700 minutes", "backwalk many minutes"])
async def test_unusable_minutes_are_answered(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    persisted: Persisted,
    sentence: str,
) -> None:
    """Minutes out of range or not a number are answered, and nothing is logged."""
    assert await say(hass, sentence) == (
        "Please say the minutes as a number from 1 to 600, for example"
        " backwalk 20 minutes."
    )
    assert hass.states.get(WEEK).state == "0.0"
    assert stored_walks(persisted, loaded_entry) == []


@pytest.mark.usefixtures("automation")
async def test_refused_walk_is_answered(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    """A walk backwalk refuses (the profile unloaded) gets an answer, not silence."""
    assert await hass.config_entries.async_unload(loaded_entry.entry_id)
    assert await say(hass, "backwalk 20 minutes") == (
        "backwalk could not log that walk. Nothing was recorded."
    )


async def test_blueprint_not_used_without_automation(hass: HomeAssistant) -> None:
    """Without the automation the sentence is not understood (nothing else claims it)."""
    assert await async_setup_component(hass, "homeassistant", {})
    assert await async_setup_component(hass, "conversation", {})
    result = await conversation.async_converse(
        hass, "backwalk 20 minutes", None, Context(), language="en"
    )
    assert result.response.response_type is intent.IntentResponseType.ERROR
