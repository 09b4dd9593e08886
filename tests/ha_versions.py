"""pytest plugin for `make test-versions`: the in-process suite on an older Home Assistant.

Loaded with `-p tests.ha_versions` (scripts/test-versions.sh). It changes nothing in backwalk
and hides nothing backwalk calls; it only bridges what differs in the test tools and in Home
Assistant's own answers, each named below with the release that changed it:

- the header says which Home Assistant and which pytest-homeassistant-custom-component ran;
- snapshots: the plugin versions before 0.13.375 look for them in `snapshots/`, this repository
  keeps them in `__snapshots__/` (where the newest plugin looks);
- repairs: the tests start a fix flow the 2026.10 way (the issue id in the flow's context);
  before 2026.10 the repairs flow manager reads it from the flow's data only, so it is copied
  there (the frontend sends it as data on every release, so users are not affected);
- KNOWN_DIFFERENCES: tests of Home Assistant behaviour that an older release does not have.
  They are marked xfail (strict: one that passes fails the run, so the list stays true).
"""

from __future__ import annotations

from importlib.metadata import version
from pathlib import Path
from typing import Any

from awesomeversion import AwesomeVersion
from homeassistant.const import __version__ as HA_VERSION  # noqa: N812
import pytest

# test id -> (first release with the behaviour the test asserts, what older releases do)
_SNAPSHOTS_OF_2026_10 = (
    "2026.10.0",
    (
        "the entity snapshots are Home Assistant 2026.10's serialization: older releases "
        "name state attributes and capabilities with plain strings, not their enums, "
        "and registry entries have fewer fields (the entities themselves are the same)"
    ),
)
KNOWN_DIFFERENCES: dict[str, tuple[str, str]] = {
    "tests/test_entities.py::test_entities": _SNAPSHOTS_OF_2026_10,
    "tests/test_sensor.py::test_entities": _SNAPSHOTS_OF_2026_10,
    "tests/test_calendar.py::test_entities": _SNAPSHOTS_OF_2026_10,
    "tests/test_input_rules.py::test_rest_answers_are_sentences_with_short_values": (
        "2026.10.0",
        (
            "the REST API answers an action's ServiceValidationError with 500, not 400 "
            "with its translated message (the websocket API, which the frontend and the "
            "card use, answers with the message on every release)"
        ),
    ),
}


def pytest_report_header() -> list[str]:
    """Say which Home Assistant this run tests."""
    plugin = version("pytest-homeassistant-custom-component")
    return [
        f"Home Assistant {HA_VERSION}, pytest-homeassistant-custom-component {plugin}"
    ]


def pytest_configure(config: pytest.Config) -> None:
    """Bridge the test tools of an older release to this repository's tests."""
    _snapshots_in_dunder_dir()
    _repairs_issue_id_as_data()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark the tests of behaviour this Home Assistant does not have yet."""
    running = AwesomeVersion(HA_VERSION)
    for item in items:
        known = KNOWN_DIFFERENCES.get(item.nodeid.split("[")[0])
        if known and running < AwesomeVersion(known[0]):
            since, before = known
            item.add_marker(
                pytest.mark.xfail(
                    reason=f"before Home Assistant {since}: {before}", strict=True
                )
            )


def _snapshots_in_dunder_dir() -> None:
    from pytest_homeassistant_custom_component.syrupy import (
        HomeAssistantSnapshotExtension,
    )

    def dirname(cls: type, *, test_location: Any) -> str:
        return str(Path(test_location.filepath).parent / "__snapshots__")

    HomeAssistantSnapshotExtension.dirname = classmethod(dirname)  # type: ignore[method-assign,assignment]


def _repairs_issue_id_as_data() -> None:
    if AwesomeVersion(HA_VERSION) >= AwesomeVersion("2026.10.0"):
        return
    from homeassistant.components.repairs.issue_handler import RepairsFlowManager

    original = RepairsFlowManager.async_init

    async def async_init(
        self: RepairsFlowManager,
        handler: str,
        *,
        context: dict[str, Any] | None = None,
        data: dict[str, Any] | None = None,
    ) -> Any:
        if context and "issue_id" in context and not (data and "issue_id" in data):
            data = {**(data or {}), "issue_id": context["issue_id"]}
        return await original(self, handler, context=context, data=data)  # type: ignore[arg-type]

    RepairsFlowManager.async_init = async_init  # type: ignore[method-assign,assignment]
