"""Diagnostics for a bug report: useful numbers, no personal text."""

from __future__ import annotations

from datetime import timedelta
from http import HTTPStatus
import json
from pathlib import Path
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.repairs import repairs_flow_manager
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, issue_registry as ir
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
from syrupy.assertion import SnapshotAssertion
from syrupy.filters import props

from custom_components.backwalk.compat import async_get_profile_device
from custom_components.backwalk.const import CONF_NAME, CONF_WEBHOOK_ID, DOMAIN
from custom_components.backwalk.journal import segment_path
from tests.conftest import PROFILE_OPTIONS
from tests.flows import start_fix_flow


@pytest.fixture
def wednesday(freezer: FrozenDateTimeFactory) -> None:
    """Freeze time before the test client's token is made, so the token is valid."""
    freezer.move_to("2026-11-25T09:00:00+00:00")


async def test_diagnostics(
    wednesday: None,
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    config_entry: MockConfigEntry,
    snapshot: SnapshotAssertion,
) -> None:
    """Counts, settings and recent records are there; names and notes are redacted."""
    await hass.config.async_set_time_zone("Europe/Berlin")
    config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    for service, data in (
        ("log_walk", {"minutes": 20, "note": "walked with my neighbour Jo"}),
        ("report_pain", {"level": 4, "note": "after the dentist"}),
        ("log_stretch", {}),
        ("log_alternative", {"activity": "yoga", "minutes": 15}),
    ):
        await hass.services.async_call(DOMAIN, service, data, blocking=True)

    diagnostics = await get_diagnostics_for_config_entry(
        hass, hass_client, config_entry
    )

    text = str(diagnostics)
    assert "neighbour" not in text
    assert "dentist" not in text
    assert "Alex" not in text
    # The reminder engine's first note and the four actions, not yet compacted.
    assert diagnostics["journal_lines_pending"] == 5
    assert diagnostics["counts"] == {
        "walks": 1,
        "pain_reports": 1,
        "stretches": 1,
        "alternatives": 1,
    }
    assert diagnostics == snapshot(exclude=props("id"))


NAME = "Zyxwvutsrq"
OTHER = "Qponmlkjih"


def _options(name: str) -> dict[str, Any]:
    """A profile whose reminder targets and sources are named after the person."""
    slug = name.lower()
    return {
        **PROFILE_OPTIONS,
        "media_players": [f"media_player.{slug}_bedroom"],
        "tts_entity": f"tts.{slug}_voice",
        "mobile_app_services": [f"mobile_app_{slug}_phone"],
        "notify_entities": [f"notify.{slug}_chat"],
        "persistent_notification": True,
        "activity_entities": [f"sensor.{slug}_activity"],
        "walking_states": "walking",
        "steps_entity": f"sensor.{slug}_steps",
    }


def _damage_journal(path: str, note: str) -> None:
    """Leave a journal with a good line and a damaged one, as a crash might."""
    walk = {
        "id": "w1",
        "start": "2026-11-25T07:00:00+00:00",
        "minutes": 10,
        "distance_km": None,
        "source": "manual",
        "note": note,
    }
    segment = Path(segment_path(path, 0))
    segment.parent.mkdir(parents=True, exist_ok=True)
    good = {"at": "2026-11-25T07:10:00+00:00", "add": {"walks": [walk]}}
    segment.write_bytes(
        json.dumps(good).encode() + b'\n{"add": {"walks": [{"id": "x"}]}}\n'
    )


async def _add(hass: HomeAssistant, name: str) -> MockConfigEntry:
    """Set up a profile whose journal has a damaged line (a persistent repair issue)."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        title=name,
        data={CONF_NAME: name},
        options=_options(name),
        version=1,
        minor_version=1,
    )
    entry.add_to_hass(hass)
    _damage_journal(
        hass.config.path(".storage", f"{DOMAIN}.{entry.entry_id}"), note=name
    )
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry


async def _plant(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    entry: MockConfigEntry,
    name: str,
) -> None:
    """The name in a note of every kind; a red-flag reminder names the person."""
    profile = {"config_entry_id": entry.entry_id}
    for service, data in (
        ("log_walk", {"minutes": 20, "note": f"with {name}"}),
        ("report_pain", {"level": 4, "note": f"{name} carried boxes"}),
        ("log_stretch", {"note": f"{name}'s stretches"}),
        ("log_alternative", {"activity": "yoga", "minutes": 15, "note": name}),
        # At the red-flag level: advice that greets the person by name, delivered
        # to targets that do not exist (a repair issue names them and the person).
        ("report_pain", {"level": 9, "note": name}),
    ):
        # A minute apart, so the red-flag report is the latest of the day.
        freezer.tick(timedelta(minutes=1))
        await hass.services.async_call(
            DOMAIN, service, {**profile, **data}, blocking=True
        )
    await hass.async_block_till_done()


async def test_no_name_anywhere_in_the_download(
    wednesday: None,
    real_storage: None,
    freezer: FrozenDateTimeFactory,
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    hass_client_no_auth: ClientSessionGenerator,
) -> None:
    """Names planted everywhere a name goes, in two profiles: the file has none of them.

    The whole download is read (Home Assistant adds the integration's repair issues,
    of every profile, to what backwalk returns), and only this profile's data is in
    backwalk's part.
    """
    await hass.config.async_set_time_zone("Europe/Berlin")
    # Before the HTTP clients start: both register views.
    assert await async_setup_component(hass, "diagnostics", {})
    assert await async_setup_component(hass, "repairs", {})
    entry = await _add(hass, NAME)
    other = await _add(hass, OTHER)
    await _plant(hass, freezer, entry, NAME)
    await _plant(hass, freezer, other, OTHER)
    # A walk from a phone app, whose id the app chose.
    response = await (await hass_client_no_auth()).post(
        f"/api/webhook/{entry.data[CONF_WEBHOOK_ID]}",
        json={"minutes": 10, "id": f"{NAME}-evening", "note": NAME},
    )
    assert response.status == HTTPStatus.OK
    registry = dr.async_get(hass)
    device = async_get_profile_device(hass, entry.entry_id)
    assert device is not None
    registry.async_update_device(device.id, name_by_user=f"{NAME}'s back")

    # The names really are in the places diagnostics could read them from.
    issues = [
        issue
        for (domain, _), issue in ir.async_get(hass).issues.items()
        if domain == DOMAIN
    ]
    assert {NAME, OTHER} <= {
        (issue.translation_placeholders or {}).get("profile") for issue in issues
    }
    assert {f"journal_unreadable_{item.entry_id}" for item in (entry, other)} <= {
        issue.issue_id for issue in issues if issue.is_persistent
    }
    # The person sees the profile's name in the repair; it is not stored with it.
    flow = await start_fix_flow(hass, f"journal_unreadable_{entry.entry_id}")
    assert flow["description_placeholders"]["profile"] == NAME
    assert flow["description_placeholders"]["count"] == "1"
    manager = repairs_flow_manager(hass)
    assert manager is not None
    manager.async_abort(flow["flow_id"])
    assert NAME in entry.runtime_data.reminders["last"]["message"]
    history = entry.runtime_data.history(
        dt_util.now() - timedelta(days=1), dt_util.now() + timedelta(seconds=1)
    )
    assert f"webhook-walk-{NAME}-evening" in str(history)

    response = await (await hass_client()).get(
        f"/api/diagnostics/config_entry/{entry.entry_id}"
    )
    assert response.status == HTTPStatus.OK
    text = await response.text()
    for name in (NAME, OTHER):
        assert name.lower() not in text.lower()

    data = json.loads(text)["data"]
    assert other.entry_id not in json.dumps(data)
    assert data["counts"] == {
        "walks": 3,
        "pain_reports": 2,
        "stretches": 1,
        "alternatives": 1,
    }
    assert data["reminders"]["last"]["type"] == "red_flag"
    # What kind of target each is stays, for a bug report about delivery.
    assert data["entry"]["options"]["media_players"] == ["media_player.**REDACTED**"]
    assert data["entry"]["options"]["mobile_app_services"] == ["**REDACTED**"]
    assert data["entry"]["options"]["steps_entity"] == "sensor.**REDACTED**"
