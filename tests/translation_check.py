"""While a test runs, every text backwalk shows must exist in translations/en.json.

Home Assistant looks a translation up only when it shows it, and a missing one shows the
bare key (or nothing). So the check sits where the texts are shown: each flow step a test
drives (config, options, repairs), each issue created, each translated error made, each
entity added and each action registered. Whatever a test reaches is checked, with the
placeholders the code passes at that moment.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import ExitStack
from functools import cache
import json
from pathlib import Path
import string
from typing import Any
from unittest.mock import patch

from homeassistant import config_entries, data_entry_flow
from homeassistant.components.repairs.issue_handler import RepairsFlowManager
from homeassistant.core import ServiceRegistry
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import issue_registry as ir, selector
from homeassistant.helpers.entity import Entity
import voluptuous as vol

from custom_components.backwalk.const import DOMAIN

EN_JSON = (
    Path(__file__).resolve().parent.parent
    / "custom_components"
    / DOMAIN
    / "translations"
    / "en.json"
)


@cache
def english() -> dict[str, Any]:
    """The integration's English strings."""
    strings: dict[str, Any] = json.loads(EN_JSON.read_text(encoding="utf-8"))
    return strings


def placeholders_in(text: str) -> set[str]:
    """The {names} a text expects."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def _text(path: str) -> Any:
    node: Any = english()
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


class TranslationCheck:
    """Collects what a test showed that en.json cannot say."""

    def __init__(self, ignored: set[str]) -> None:
        """Start with the keys a test says it shows untranslated on purpose."""
        self.ignored = ignored
        self.ignored_seen: set[str] = set()
        self.problems: list[str] = []

    def require(
        self, path: str, passed: Mapping[str, Any] | None = None, *, what: str = ""
    ) -> None:
        """The text at `path` exists, and gets every placeholder it names."""
        if path in self.ignored:
            self.ignored_seen.add(path)
            return
        text = _text(path)
        if not text:
            self.problems.append(f"en.json has no {path}{what}")
            return
        self.placeholders(path, passed)

    def placeholders(self, path: str, passed: Mapping[str, Any] | None) -> None:
        """If the text at `path` exists, the code passes every placeholder it names."""
        text = _text(path)
        if not isinstance(text, str):
            return
        if missing := placeholders_in(text) - set(passed or {}):
            self.problems.append(f"{path} needs placeholders {sorted(missing)}")

    # Flows

    def flow_result(
        self,
        manager: data_entry_flow.FlowManager[Any, Any, Any],
        flow: Any,
        result: Any,
    ) -> None:
        """A step a flow showed: its texts, fields, choices, errors and abort reason."""
        prefix, issue_placeholders = self._flow_prefix(manager, flow)
        if prefix is None:
            return
        passed = result.get("description_placeholders") or issue_placeholders
        kind = result["type"]
        if kind is data_entry_flow.FlowResultType.FORM:
            self._form(prefix, result, passed)
        elif kind is data_entry_flow.FlowResultType.MENU:
            step = f"{prefix}.step.{result['step_id']}"
            self.require(f"{step}.title", passed)
            for option in result["menu_options"]:
                self.require(f"{step}.menu_options.{option}")
        elif kind is data_entry_flow.FlowResultType.ABORT:
            self.require(f"{prefix}.abort.{result['reason']}", passed)

    def _flow_prefix(
        self, manager: Any, flow: Any
    ) -> tuple[str | None, Mapping[str, Any] | None]:
        if isinstance(manager, config_entries.ConfigEntriesFlowManager):
            return ("config" if flow.handler == DOMAIN else None), None
        if isinstance(manager, config_entries.OptionsFlowManager):
            entry = manager.hass.config_entries.async_get_entry(flow.handler)
            return ("options" if entry and entry.domain == DOMAIN else None), None
        if isinstance(manager, RepairsFlowManager) and flow.handler == DOMAIN:
            issue_id = getattr(flow, "issue_id", None) or flow.context.get("issue_id")
            issue = ir.async_get(manager.hass).async_get_issue(DOMAIN, issue_id)
            if issue is None or issue.translation_key is None:
                return None, None
            # A repair step without placeholders of its own shows the issue's.
            prefix = f"issues.{issue.translation_key}.fix_flow"
            return prefix, issue.translation_placeholders
        return None, None

    def _form(self, prefix: str, result: Any, passed: Mapping[str, Any] | None) -> None:
        step = f"{prefix}.step.{result['step_id']}"
        if prefix in ("config", "options"):
            self.require(f"{step}.title", passed)
        else:
            self.placeholders(f"{step}.title", passed)
        self.placeholders(f"{step}.description", passed)
        for error in (result.get("errors") or {}).values():
            self.require(f"{prefix}.error.{error}", passed)
        schema = result.get("data_schema")
        if schema is None:
            return
        for name, value in _fields(schema):
            self.require(f"{step}.data.{name}", what=" (a field's label)")
            # The frontend fills a field's help with the step's placeholders too.
            self.require(
                f"{step}.data_description.{name}", passed, what=" (a field's help)"
            )
            self._select(value)
        for section, inner in _sections(schema):
            self.require(f"{step}.sections.{section}.name")
            for name, value in _fields(inner):
                where = f"{step}.sections.{section}"
                self.require(f"{where}.data.{name}", what=" (a field's label)")
                self.require(
                    f"{where}.data_description.{name}",
                    passed,
                    what=" (a field's help)",
                )
                self._select(value)

    def _select(self, value: Any) -> None:
        if not isinstance(value, selector.SelectSelector):
            return
        if key := value.config.get("translation_key"):
            for option in value.config["options"]:
                choice = option["value"] if isinstance(option, dict) else option
                self.require(f"selector.{key}.options.{choice}")

    # Issues, errors, entities, actions

    def issue(self, issue: ir.IssueEntry) -> None:
        """An issue the repairs dashboard lists: a title, and a text unless it can fix."""
        if issue.domain != DOMAIN or issue.translation_key is None:
            return
        texts = f"issues.{issue.translation_key}"
        self.require(f"{texts}.title", issue.translation_placeholders)
        if issue.is_fixable:
            self.require(f"{texts}.fix_flow", what=" (the issue can be fixed)")
            self.placeholders(f"{texts}.description", issue.translation_placeholders)
        else:
            self.require(f"{texts}.description", issue.translation_placeholders)

    def error(self, err: HomeAssistantError) -> None:
        """A translated error, as made (most are raised; some are said by voice)."""
        if err.translation_domain != DOMAIN or err.translation_key is None:
            return
        self.require(
            f"exceptions.{err.translation_key}.message", err.translation_placeholders
        )

    def entity(self, entity: Entity) -> None:
        """An entity's name, and the text of each state it can take."""
        platform = entity.platform
        if platform is None or platform.platform_name != DOMAIN:
            return
        key = entity.translation_key
        if key is None:
            self.problems.append(f"{entity.entity_id} has no translation_key")
            return
        texts = f"entity.{platform.domain}.{key}"
        self.require(f"{texts}.name", entity.translation_placeholders)
        options = getattr(entity, "options", None) or []
        for option in options:
            self.require(f"{texts}.state.{option}")
        if options and (unused := set(_text(f"{texts}.state") or {}) - set(options)):
            self.problems.append(f"{texts}.state has texts for no state: {unused}")
        if _text(f"{texts}.unit_of_measurement") and getattr(
            entity, "native_unit_of_measurement", None
        ):
            self.problems.append(f"{texts}: a translated unit and a native unit")

    def action(self, domain: str, service: str) -> None:
        """An action the integration registers: its name and what it does."""
        if domain == DOMAIN:
            self.require(f"services.{service}.name")
            self.require(f"services.{service}.description")

    def failures(self) -> list[str]:
        """Everything missing, and ignored keys that turned out to be there or unused."""
        unused = self.ignored - self.ignored_seen
        return [*self.problems, *(f"ignored but not shown: {k}" for k in unused)]


def _fields(schema: vol.Schema) -> Iterator[tuple[str, Any]]:
    for marker, value in schema.schema.items():
        if not isinstance(value, data_entry_flow.section):
            yield str(marker), value


def _sections(schema: vol.Schema) -> Iterator[tuple[str, vol.Schema]]:
    for marker, value in schema.schema.items():
        if isinstance(value, data_entry_flow.section):
            yield str(marker), value.schema


def watch_translations(check: TranslationCheck) -> ExitStack:
    """Wrap where Home Assistant shows texts, so that each is checked as shown."""
    handle_step = data_entry_flow.FlowManager._async_handle_step
    get_or_create = ir.IssueRegistry.async_get_or_create
    error_init = HomeAssistantError.__init__
    added = Entity.async_internal_added_to_hass
    register = ServiceRegistry.async_register

    async def checked_step(self: Any, flow: Any, *args: Any, **kwargs: Any) -> Any:
        result = await handle_step(self, flow, *args, **kwargs)
        check.flow_result(self, flow, result)
        return result

    def checked_issue(self: Any, *args: Any, **kwargs: Any) -> ir.IssueEntry:
        issue = get_or_create(self, *args, **kwargs)
        check.issue(issue)
        return issue

    def checked_error(self: HomeAssistantError, *args: Any, **kwargs: Any) -> None:
        error_init(self, *args, **kwargs)
        check.error(self)

    async def checked_entity(self: Entity) -> None:
        await added(self)
        check.entity(self)

    def checked_action(
        self: Any, domain: str, service: str, *args: Any, **kw: Any
    ) -> Any:
        check.action(domain, service)
        return register(self, domain, service, *args, **kw)

    stack = ExitStack()
    for target, name, replacement in (
        (data_entry_flow.FlowManager, "_async_handle_step", checked_step),
        (ir.IssueRegistry, "async_get_or_create", checked_issue),
        (HomeAssistantError, "__init__", checked_error),
        (Entity, "async_internal_added_to_hass", checked_entity),
        (ServiceRegistry, "async_register", checked_action),
    ):
        stack.enter_context(patch.object(target, name, replacement))
    return stack
