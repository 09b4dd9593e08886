"""translations/en.json as a whole: well formed, complete, and nothing in it left over.

That every text the integration shows exists is checked while the other tests run (the
check_translations fixture, tests/translation_check.py). Here: the file's own form, the
parts no test shows (actions' fields, device triggers), and that each key is still used.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import fields
from pathlib import Path
import re
from typing import Any

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import config_validation as cv, entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
import voluptuous as vol
import yaml

from custom_components.backwalk.const import DOMAIN
from custom_components.backwalk.model import NudgeType, Settings
from tests.conftest import STEP_COUNTER_OPTIONS
from tests.translation_check import english, placeholders_in

INTEGRATION = Path(__file__).resolve().parent.parent / "custom_components" / DOMAIN

# Each top-level section, and the file whose presence means something reads it.
SECTIONS = {
    "config": "config_flow.py",
    "options": "config_flow.py",
    "entity": "entity.py",
    "exceptions": "errors.py",
    "issues": "repairs.py",
    "selector": "config_flow.py",
    "services": "services.yaml",
    "device_automation": "device_trigger.py",
}
# Abort reasons Home Assistant's helpers end a flow with when the code names none.
DEFAULT_ABORTS = {"reconfigure_successful"}


def _services_yaml() -> dict[str, Any]:
    services: dict[str, Any] = yaml.safe_load(
        (INTEGRATION / "services.yaml").read_text(encoding="utf-8")
    )
    return services


def _source() -> str:
    """Every file of the integration that names translation keys."""
    files = [*INTEGRATION.rglob("*.py"), INTEGRATION / "services.yaml"]
    return "\n".join(path.read_text(encoding="utf-8") for path in files)


def _strings(node: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _strings(value, f"{path}.{key}" if path else key)
    else:
        yield path, node


def test_every_section_is_read() -> None:
    """Only sections Home Assistant reads, each for a part the integration has."""
    assert set(english()) <= set(SECTIONS), sorted(set(english()) - set(SECTIONS))
    unread = [s for s in english() if not (INTEGRATION / SECTIONS[s]).is_file()]
    assert not unread


def test_every_key_is_used() -> None:
    """A flow step, error, abort, exception, issue or selector the code names.

    Keys are literals in the code (the project's rule), so a key no file names is left
    over. The settings' range errors are made from the field's name.
    """
    source = _source()
    made = {f"{field.name}_out_of_range" for field in fields(Settings)}
    keys = [
        *(f"exceptions.{key}" for key in english()["exceptions"]),
        *(f"issues.{key}" for key in english()["issues"]),
        *(f"selector.{key}" for key in english()["selector"]),
        *(
            f"{flow}.{part}.{key}"
            for flow in ("config", "options")
            for part in ("step", "error", "abort")
            for key in english()[flow].get(part, {})
        ),
    ]
    unused = [
        path
        for path in keys
        if (key := path.rsplit(".", 1)[1]) not in made | DEFAULT_ABORTS
        and f'"{key}"' not in source
        and f"async_step_{key}(" not in source
    ]
    assert not unused


@pytest.mark.parametrize("profile_options", [STEP_COUNTER_OPTIONS])
async def test_entities_and_actions_have_texts_and_no_more(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    """What a profile with a step counter registers is what en.json names, both ways."""
    registry = er.async_get(hass)
    registered = {
        (entry.domain, entry.translation_key)
        for entry in er.async_entries_for_config_entry(registry, loaded_entry.entry_id)
    }
    named = {
        (platform, key)
        for platform, entities in english()["entity"].items()
        for key in entities
    }
    assert registered == named
    assert set(hass.services.async_services_for_domain(DOMAIN)) == set(
        english()["services"]
    )


def test_actions_fields_have_texts() -> None:
    """Every field and section of services.yaml has its name and description."""
    texts = english()["services"]
    problems = []
    for service, spec in _services_yaml().items():
        shown = texts.get(service, {})
        declared: dict[str, set[str]] = {"fields": set(), "sections": set()}
        for name, field in ((spec or {}).get("fields") or {}).items():
            if isinstance(field, dict) and "fields" in field:
                declared["sections"].add(name)
                declared["fields"] |= set(field["fields"])
            else:
                declared["fields"].add(name)
            if isinstance(field, dict) and (select := field.get("selector", {})):
                problems += _select_problems(select.get("select"))
        for part, names in declared.items():
            if names != set(shown.get(part, {})):
                problems.append(f"services.{service}.{part}: {sorted(names)}")
        problems += [
            f"services.{service}.fields.{name}: no name or description"
            for name, field in shown.get("fields", {}).items()
            if not (field.get("name") and field.get("description"))
        ]
    assert not problems


def _select_problems(select: dict[str, Any] | None) -> list[str]:
    if not select or not (key := select.get("translation_key")):
        return []
    options = {str(o["value"] if isinstance(o, dict) else o) for o in select["options"]}
    shown = set(english()["selector"].get(key, {}).get("options", {}))
    return [] if options == shown else [f"selector.{key}.options: {sorted(options)}"]


def test_each_nudge_names_its_device_trigger() -> None:
    """Automations offer one trigger per nudge, each with its text."""
    assert set(english()["device_automation"]["trigger_type"]) == {
        nudge.value for nudge in NudgeType
    }


# hassfest's rules for translation strings (script/hassfest/translations.py).
RE_URL = re.compile(
    r"(((ftp|ftps|scp|http|https|mqtt|mqtts|socket|socks5):\/\/|www\.)"
    r"[a-z0-9]+([\-\.]{1}[a-z0-9]+)*\.[a-z]{2,5}(:[0-9]{1,5})?(\/.*)?)",
    re.IGNORECASE,
)
RE_TRANSLATION_KEY = re.compile(r"^(?!.+[_-]{2})(?![_-])[a-z0-9-_]+(?<![_-])$")


@pytest.mark.parametrize(("path", "value"), list(_strings(english())))
def test_string_is_well_formed(path: str, value: Any) -> None:
    """A non-empty sentence without a URL, HTML or a quoted placeholder."""
    assert isinstance(value, str)
    assert value
    assert value == value.strip()
    assert not RE_URL.search(value), "use a description placeholder for a URL"
    assert not re.search(r"'{\w+}'", value), "a placeholder in single quotes"
    try:
        cv.string_with_no_html(value)
    except vol.Invalid:
        pytest.fail("HTML (hassfest reads <word> as a tag)")
    names = placeholders_in(value)
    assert all(name.isidentifier() for name in names)
    if ".state." in f"{path}.":
        assert not names, "entity states take no placeholders"


@pytest.mark.parametrize("section", ["entity", "selector", "services"])
def test_keys_are_well_formed(section: str) -> None:
    """Keys of entities, selectors and actions: lowercase words joined by one _ or -."""
    structure = {"name", "description", "state", "options", "fields", "sections"}
    bad = {
        part
        for path, _ in _strings(english()[section])
        for part in path.split(".")
        if part not in structure
        and not (section == "entity" and part in Platform)
        and not RE_TRANSLATION_KEY.match(part)
    }
    assert not bad
