"""The dashboard card: served by the integration, loaded by the frontend, fed by attributes."""

from __future__ import annotations

from datetime import timedelta
from http import HTTPStatus
import json
import re

from homeassistant.components.frontend import DATA_EXTRA_MODULE_URL
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import (
    ClientSessionGenerator,
    WebSocketGenerator,
)

from custom_components.backwalk.card import CARD_FILE, CARD_URL, async_register_card
from custom_components.backwalk.const import DOMAIN
from custom_components.backwalk.model import CORRECTION_WINDOW
from custom_components.backwalk.statistics import statistic_ids

MANIFEST = json.loads((CARD_FILE.parent.parent / "manifest.json").read_text())


async def test_card_is_served_and_loaded_by_the_frontend(
    hass: HomeAssistant, hass_client: ClientSessionGenerator
) -> None:
    """With the frontend running, the card's URL answers and every page loads it."""
    assert await async_setup_component(hass, "frontend", {})
    assert await async_setup_component(hass, DOMAIN, {})
    await hass.async_block_till_done()

    versioned = f"{CARD_URL}?v={MANIFEST['version']}"
    assert versioned in hass.data[DATA_EXTRA_MODULE_URL].urls

    client = await hass_client()
    response = await client.get(versioned)
    assert response.status == HTTPStatus.OK
    body = await response.text()
    assert body == CARD_FILE.read_text()
    assert 'customElements.define("backwalk-card"' in body
    # No long-lived cache: a changed file is fetched again even before a version bump.
    assert "max-age" not in response.headers.get("Cache-Control", "")


async def test_card_without_frontend_is_only_served(
    hass: HomeAssistant, hass_client: ClientSessionGenerator
) -> None:
    """The webhook brings http along; without the frontend nothing else is needed."""
    assert await async_setup_component(hass, DOMAIN, {})
    await hass.async_block_till_done()
    assert "frontend" not in hass.config.components
    client = await hass_client()
    response = await client.get(CARD_URL)
    assert response.status == HTTPStatus.OK


async def test_card_without_http_is_skipped(hass: HomeAssistant) -> None:
    """A bare Home Assistant (no http) sets up without serving anything."""
    assert "http" not in hass.config.components
    await async_register_card(hass)
    assert "frontend" not in hass.config.components


def test_card_version_matches_the_manifest() -> None:
    """The version the card logs is the one the frontend loads it with."""
    match = re.search(r'const CARD_VERSION = "([^"]+)";', CARD_FILE.read_text())
    assert match is not None
    assert match.group(1) == MANIFEST["version"]


def test_manifest_keys_stay_ordered() -> None:
    """Keep domain and name first, then alphabetical order (hassfest's rule)."""
    keys = list(MANIFEST)
    assert keys[:2] == ["domain", "name"]
    assert keys[2:] == sorted(keys[2:])
    assert MANIFEST["after_dependencies"] == ["frontend", "http", "recorder", "tts"]


async def test_attributes_the_card_reads(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    """Thresholds, alternatives, the red flag of the day and the walks goal."""
    status = hass.states.get("sensor.alex_pain_status")
    assert status is not None
    assert status.attributes["pain_day_threshold"] == 5
    assert status.attributes["red_flag_level"] == 8
    assert status.attributes["red_flag_today"] is False
    # No preference stored: all of G7's alternatives.
    assert status.attributes["preferred_alternatives"] == [
        "swimming",
        "stationary_bike",
        "yoga",
    ]
    progress = hass.states.get("sensor.alex_weekly_goal_progress")
    assert progress is not None
    assert progress.attributes["walks_per_week"] == 3

    await hass.services.async_call(DOMAIN, "report_pain", {"level": 9}, blocking=True)
    status = hass.states.get("sensor.alex_pain_status")
    assert status is not None
    assert status.state == "red_flag"
    assert status.attributes["red_flag_today"] is True
    # A lower report is today's pain (a corrected mis-tap): the card unlocks with it.
    await hass.services.async_call(DOMAIN, "report_pain", {"level": 2}, blocking=True)
    status = hass.states.get("sensor.alex_pain_status")
    assert status is not None
    assert status.state == "mild"
    assert status.attributes["red_flag_today"] is False


@pytest.mark.parametrize(
    ("chosen", "shown"),
    [
        (["yoga"], ["yoga"]),
        ([], ["swimming", "stationary_bike", "yoga"]),
        (["other"], ["swimming", "stationary_bike", "yoga"]),
    ],
)
async def test_preferred_alternatives_attribute(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    chosen: list[str],
    shown: list[str],
) -> None:
    """The profile's chosen alternatives; none chosen means all that G7 names."""
    config_entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(
        config_entry,
        options={**config_entry.options, "preferred_alternatives": chosen},
    )
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    status = hass.states.get("sensor.alex_pain_status")
    assert status is not None
    assert status.attributes["preferred_alternatives"] == shown


def test_card_correction_window_is_the_models() -> None:
    """The card offers Undo for as long as backwalk.undo_last accepts it."""
    match = re.search(
        r"const CORRECTION_MS = (\d+) \* 60 \* 1000;", CARD_FILE.read_text()
    )
    assert match is not None
    assert timedelta(minutes=int(match.group(1))) == CORRECTION_WINDOW


def test_card_file_is_in_the_package() -> None:
    """HACS installs custom_components/backwalk whole: the card must live inside it."""
    assert CARD_FILE.is_file()
    assert CARD_FILE.parent.parent.name == DOMAIN


async def test_card_finds_entities_by_what_they_are(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    """Every entity the card reads is found by domain and translation key, never by id.

    So a renamed entity, or one whose id came from an older name (number.alex_pain_today
    before "Report pain"), is found all the same.
    """
    source = CARD_FILE.read_text()
    keys_block = re.search(r"const KEYS = \{(.*?)\};", source, re.DOTALL)
    assert keys_block is not None
    card_keys = set(re.findall(r':\s*"([a-z_]+\.[a-z_]+)"', keys_block.group(1)))
    registry = er.async_get(hass)
    profile_keys = {
        f"{entry.domain}.{entry.translation_key}"
        for entry in er.async_entries_for_config_entry(registry, loaded_entry.entry_id)
    }
    assert card_keys
    assert card_keys <= profile_keys, card_keys - profile_keys
    # No entity id of a profile is written into the card.
    assert not re.search(r"\b(sensor|number|button|binary_sensor)\.alex_", source)


async def test_card_finds_the_profiles_statistics(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    hass_ws_client: WebSocketGenerator,
    hass_read_only_access_token: str,
) -> None:
    """The History view's statistic ids come from the device, as any user receives it.

    The frontend fills hass.devices from config/device_registry/list; the card takes the
    profile's entry id from its backwalk identifier and makes the ids by statistics.py's
    rule, which the card's own expression must follow for any entry id.
    """
    assert await async_setup_component(hass, "config", {})
    client = await hass_ws_client(hass, hass_read_only_access_token)
    await client.send_json_auto_id({"type": "config/device_registry/list"})
    answer = await client.receive_json()
    assert answer["success"]
    (profile,) = dr.async_entries_for_config_entry(
        dr.async_get(hass), loaded_entry.entry_id
    )
    (device,) = [d for d in answer["result"] if d["id"] == profile.id]
    assert [DOMAIN, loaded_entry.entry_id] in device["identifiers"]

    source = CARD_FILE.read_text()
    body = re.search(
        r"export function statisticIds\(entryId\) \{(.*?)\n\}", source, re.DOTALL
    )
    assert body is not None
    rules = re.findall(r"\.replace\(/(.+?)/g, \"(_?)\"\)", body.group(1))
    assert rules == [("[^a-z0-9]+", "_"), ("^_+|_+$", "")]
    suffixes = re.findall(r"\$\{stem\}(\w+)`", body.group(1))
    for entry_id in (loaded_entry.entry_id, "01KAZ-8q6 DX_", "__Ab.Cd__"):
        stem = entry_id.lower()
        for pattern, replacement in rules:
            stem = re.sub(pattern, replacement, stem)
        assert tuple(f"{DOMAIN}:{stem}{suffix}" for suffix in suffixes) == (
            statistic_ids(entry_id)
        )
