"""Diagnostics for a bug report: useful numbers, no personal text."""

from __future__ import annotations

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
from syrupy.assertion import SnapshotAssertion
from syrupy.filters import props

from custom_components.backwalk.const import DOMAIN


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
