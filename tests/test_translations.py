"""translations/en.json: every key the code and the yaml files use is there, and no other.

The keys are read from the code itself (its syntax tree, and the schemas and entity
descriptions it builds), never listed here, so the tests follow the code as it changes:
a new step, field, error, entity, service or exception fails here until en.json has it,
and a key nothing uses any more fails until it is removed.
"""

from __future__ import annotations

import ast
import asyncio
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, fields, is_dataclass
from functools import cache
import importlib
import inspect
import json
from pathlib import Path
import re
import string
import textwrap
from types import SimpleNamespace
from typing import Any

from homeassistant import config_entries, data_entry_flow, exceptions as ha_exceptions
from homeassistant.components import repairs as ha_repairs
from homeassistant.const import Platform
from homeassistant.helpers import config_validation as cv, selector
from homeassistant.helpers.entity import EntityDescription
from homeassistant.helpers.schema_config_entry_flow import SchemaFlowFormStep
from homeassistant.util.unit_system import METRIC_SYSTEM
import pytest
import voluptuous as vol
import yaml

from custom_components.backwalk import config_flow, flow_schemas, repairs
from custom_components.backwalk.const import DOMAIN
from custom_components.backwalk.model import NudgeType

PACKAGE = f"custom_components.{DOMAIN}"
INTEGRATION = Path(__file__).resolve().parent.parent / "custom_components" / DOMAIN
EN_JSON = INTEGRATION / "translations" / "en.json"

# Exceptions Home Assistant translates: HomeAssistantError and every subclass of it.
HA_EXCEPTIONS = frozenset(
    name
    for name, value in vars(ha_exceptions).items()
    if isinstance(value, type) and issubclass(value, ha_exceptions.HomeAssistantError)
)
# The model's own exception: ModelError(key, **placeholders), shown through
# runtime.validation_error.
MODEL_ERROR = "ModelError"
# Helpers that take a translation key first and its placeholders as keywords, like
# ModelError: errors.refusal builds the ServiceValidationError for them.
KEY_FIRST = frozenset({MODEL_ERROR, "refusal"})

# The sections of en.json this file checks; any other would go unchecked.
KNOWN_SECTIONS = {
    "config",
    "device_automation",
    "entity",
    "exceptions",
    "issues",
    "options",
    "selector",
    "services",
}


@cache
def _en() -> dict[str, Any]:
    strings: dict[str, Any] = json.loads(EN_JSON.read_text(encoding="utf-8"))
    return strings


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def _diff(what: str, expected: set[str], actual: set[str]) -> str | None:
    """Describe what en.json lacks and what it has that nothing uses."""
    problems = []
    if missing := expected - actual:
        problems.append(f"missing {sorted(missing)}")
    if unused := actual - expected:
        problems.append(f"unused {sorted(unused)}")
    return f"{what}: {'; '.join(problems)}" if problems else None


def _check(problems: list[str | None]) -> None:
    found = [problem for problem in problems if problem]
    assert not found, "\n".join(found)


# Reading the code


@dataclass(frozen=True)
class Module:
    """One source file of the integration, parsed."""

    name: str
    path: Path
    tree: ast.Module
    parents: dict[ast.AST, ast.AST]

    def enclosing[T: ast.AST](self, node: ast.AST, kind: type[T]) -> T | None:
        """The nearest ancestor of `node` of `kind`."""
        while (node := self.parents.get(node)) is not None:  # type: ignore[assignment]
            if isinstance(node, kind):
                return node
        return None

    def where(self, node: ast.AST) -> str:
        """File and line of `node`, for messages."""
        return f"{self.path.relative_to(INTEGRATION)}:{getattr(node, 'lineno', '?')}"

    def calls_to(self, name: str) -> Iterator[ast.Call]:
        """Calls of a function or method called `name` in this module."""
        for node in ast.walk(self.tree):
            if isinstance(node, ast.Call) and _callee(node) == name:
                yield node


@cache
def _modules() -> tuple[Module, ...]:
    modules = []
    for path in sorted(INTEGRATION.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        parents = {
            child: parent
            for parent in ast.walk(tree)
            for child in ast.iter_child_nodes(parent)
        }
        parts = path.relative_to(INTEGRATION).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        modules.append(Module(".".join((PACKAGE, *parts)), path, tree, parents))
    return tuple(modules)


def _module(name: str) -> Module:
    return next(module for module in _modules() if module.name == name)


def _callee(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return None


def _keyword(call: ast.Call, name: str) -> ast.expr | None:
    return next((kw.value for kw in call.keywords if kw.arg == name), None)


def _literal(module: Module, node: ast.expr) -> Any:
    """The value of a literal, or of a module-level name (a constant) in `module`."""
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Name):
        return getattr(importlib.import_module(module.name), node.id)
    pytest.fail(f"{module.where(node)}: not a literal: {ast.unparse(node)}")


def _argument(call: ast.Call, function: ast.FunctionDef, param: str) -> ast.expr | None:
    """The expression `call` passes for `function`'s parameter `param`."""
    positional = [arg.arg for arg in (*function.args.posonlyargs, *function.args.args)]
    if param in positional:
        index = positional.index(param)
        if isinstance(call.func, ast.Attribute) and positional[:1] in (
            ["self"],
            ["cls"],
        ):
            index -= 1
        if index < len(call.args) and not any(
            isinstance(arg, ast.Starred) for arg in call.args[: index + 1]
        ):
            return call.args[index]
    if (value := _keyword(call, param)) is not None:
        return value
    defaults = dict(
        zip(positional[::-1], function.args.defaults[::-1], strict=False)
    ) | {
        arg.arg: default
        for arg, default in zip(
            function.args.kwonlyargs, function.args.kw_defaults, strict=True
        )
        if default is not None
    }
    return defaults.get(param)


# Exceptions


@dataclass(frozen=True)
class Raised:
    """A translation key an exception can carry, and the placeholders passed with it."""

    key: str
    placeholders: frozenset[str] | None  # None: not known from the code
    where: str


def _dataclass_field_names(module: Module, node: ast.AST) -> list[str]:
    """Field names of the dataclass whose code holds `node` (for f"{field}_..." keys)."""
    owner = module.enclosing(node, ast.ClassDef)
    assert owner is not None, f"{module.where(node)}: dynamic key outside a class"
    cls = getattr(importlib.import_module(module.name), owner.name)
    assert is_dataclass(cls), f"{module.where(node)}: dynamic key outside a dataclass"
    # A key such as f"{field}_out_of_range" is about a number: a yes/no field has no range.
    return [item.name for item in fields(cls) if item.type != "bool"]


def _expand_fstring(module: Module, node: ast.JoinedStr) -> list[str]:
    """Keys built as f"{field.name}_out_of_range": one per dataclass field."""
    holes = [part for part in node.values if isinstance(part, ast.FormattedValue)]
    assert len(holes) == 1, f"{module.where(node)}: cannot expand {ast.unparse(node)}"
    names = _dataclass_field_names(module, node)
    return [
        "".join(
            part.value if isinstance(part, ast.Constant) else name
            for part in node.values
        )
        for name in names
    ]


def _passed_placeholders(
    module: Module, call: ast.Call, expr: ast.expr | None, site: ast.Call
) -> frozenset[str] | None:
    """Placeholder names passed by `expr` (a dict, or a wrapper's **kwargs from `site`)."""
    if expr is None:
        return frozenset()
    if isinstance(expr, ast.Dict) and all(
        isinstance(key, ast.Constant) for key in expr.keys
    ):
        return frozenset(key.value for key in expr.keys)  # type: ignore[union-attr]
    function = module.enclosing(call, ast.FunctionDef)
    kwargs = function.args.kwarg.arg if function and function.args.kwarg else None
    names = {node.id for node in ast.walk(expr) if isinstance(node, ast.Name)}
    if kwargs is not None and kwargs in names and site is not call:
        if any(kw.arg is None for kw in site.keywords):
            return None
        return frozenset(kw.arg for kw in site.keywords if kw.arg)
    return None


def _model_error_placeholders(
    module: Module, call: ast.Call, site: ast.Call
) -> frozenset[str] | None:
    explicit = frozenset(kw.arg for kw in call.keywords if kw.arg)
    spread = [kw.value for kw in call.keywords if kw.arg is None]
    if not spread:
        return explicit
    passed = _passed_placeholders(module, call, spread[0], site)
    return None if passed is None or len(spread) > 1 else explicit | passed


def _keys_of(
    module: Module, expr: ast.expr, context: ast.AST
) -> Iterator[tuple[str, ast.Call | None]]:
    """The literal keys `expr` can hold, with the call that passed each (if traced).

    A key that is a parameter of the enclosing function is traced to the calls of
    that function in the same module (a helper such as `_error(key, ...)`).
    """
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
        yield expr.value, None
    elif isinstance(expr, ast.JoinedStr):
        for key in _expand_fstring(module, expr):
            yield key, None
    elif isinstance(expr, ast.Attribute) and expr.attr in {"key", "translation_key"}:
        return  # passes on the key of an exception raised elsewhere (and found there)
    elif isinstance(expr, ast.Name):
        function = module.enclosing(context, ast.FunctionDef)
        params = (
            {arg.arg for arg in (*function.args.posonlyargs, *function.args.args)}
            | {arg.arg for arg in function.args.kwonlyargs}
            if function
            else set()
        )
        assert function is not None, f"{module.where(expr)}: cannot resolve {expr.id}"
        assert expr.id in params, f"{module.where(expr)}: cannot resolve {expr.id}"
        sites = list(module.calls_to(function.name))
        assert sites, f"{module.where(expr)}: {function.name} is never called"
        for site in sites:
            argument = _argument(site, function, expr.id)
            assert argument is not None, f"{module.where(site)}: no {expr.id} passed"
            for key, _ in _keys_of(module, argument, site):
                yield key, site
    else:
        pytest.fail(f"{module.where(expr)}: cannot resolve key {ast.unparse(expr)}")


@cache
def _raised() -> tuple[Raised, ...]:
    """Every translation key an exception raised by the integration can carry."""
    found = []
    for module in _modules():
        for node in ast.walk(module.tree):
            if not isinstance(node, ast.Call):
                continue
            callee = _callee(node)
            if callee in HA_EXCEPTIONS:
                key_expr = _keyword(node, "translation_key")
                if key_expr is None:
                    continue
                for key, site in _keys_of(module, key_expr, node):
                    placeholders = _passed_placeholders(
                        module,
                        node,
                        _keyword(node, "translation_placeholders"),
                        site or node,
                    )
                    found.append(Raised(key, placeholders, module.where(site or node)))
            elif callee in KEY_FIRST and node.args:
                for key, site in _keys_of(module, node.args[0], node):
                    placeholders = _model_error_placeholders(module, node, site or node)
                    found.append(Raised(key, placeholders, module.where(site or node)))
    return tuple(found)


def test_exceptions_found() -> None:
    """The scan finds the known kinds of raise, so an empty result cannot pass."""
    keys = {raised.key for raised in _raised()}
    # A service refusal, a Settings range (dynamic key) and a storage failure.
    assert {"profile_mismatch", "walks_per_week_out_of_range", "save_failed"} <= keys


def test_exception_translations() -> None:
    raised = _raised()
    messages = _en().get("exceptions", {})
    problems = [
        _diff("exceptions", {item.key for item in raised}, set(messages)),
    ]
    for key, entry in messages.items():
        if not isinstance(entry, dict) or not entry.get("message"):
            problems.append(f"exceptions.{key}: no message")
    _check(problems)


def test_exception_placeholders_are_passed() -> None:
    messages = _en().get("exceptions", {})
    problems = []
    for item in _raised():
        message = messages.get(item.key, {}).get("message")
        if message is None or item.placeholders is None:
            continue
        if missing := _placeholders(message) - item.placeholders:
            problems.append(
                f"{item.where}: {item.key} needs {sorted(missing)}, "
                f"passes {sorted(item.placeholders)}"
            )
    _check(problems)


# Data entry flows (config, options, repairs)


@dataclass(frozen=True)
class Form:
    """A form a flow step shows."""

    step_id: str
    schema: vol.Schema
    placeholders: frozenset[str] | None  # description placeholders; None: not literal
    where: str


@dataclass
class FlowUse:
    """What one flow (config, options or a repair) shows and can return."""

    forms: list[Form]
    menus: dict[str, set[str]]
    errors: set[str]
    aborts: set[str]


def _fake_hass() -> Any:
    """Just enough of Home Assistant for the schema functions."""
    return SimpleNamespace(
        services=SimpleNamespace(async_services_for_domain=lambda domain: {}),
        states=SimpleNamespace(get=lambda entity_id: None),
        config_entries=SimpleNamespace(async_entries=lambda *args, **kwargs: []),
        config=SimpleNamespace(language="en", units=METRIC_SYSTEM),
    )


def _call_schema_function(function: Callable[..., Any]) -> vol.Schema:
    """Call a schema function with empty values (and a fake hass where it needs one)."""
    arguments = [
        _fake_hass() if name == "hass" else {}
        for name in inspect.signature(function).parameters
    ]
    schema = function(*arguments)
    assert isinstance(schema, vol.Schema), f"{function.__name__} returned {schema!r}"
    return schema


def _build_schema(namespace: Any, expr: ast.expr | None, where: str) -> vol.Schema:
    """The schema a form shows, from the expression passed as data_schema."""
    if expr is None:
        return vol.Schema({})
    if isinstance(expr, ast.Call) and _callee(expr) == "add_suggested_values_to_schema":
        return _build_schema(namespace, expr.args[0], where)
    if isinstance(expr, ast.Call) and _callee(expr) == "Schema":
        # An inline schema: only an empty one can be read without running the flow.
        assert isinstance(expr.args[0], ast.Dict), f"{where}: cannot read the schema"
        assert not expr.args[0].keys, f"{where}: cannot read an inline schema"
        return vol.Schema({})
    if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Name):
        return _call_schema_function(getattr(namespace, expr.func.id))
    pytest.fail(f"{where}: cannot build the schema {ast.unparse(expr)}")


def _fields(schema: vol.Schema) -> tuple[set[str], dict[str, set[str]]]:
    """The schema's top-level field names, and the fields of each section."""
    top: set[str] = set()
    sections: dict[str, set[str]] = {}
    for key, value in schema.schema.items():
        name = str(key.schema if isinstance(key, vol.Marker) else key)
        if isinstance(value, data_entry_flow.section):
            sections[name] = _fields(value.schema)[0]
        else:
            top.add(name)
    return top, sections


def _function_source(function: Callable[..., Any]) -> tuple[Module | None, ast.AST]:
    """The parsed function: from the integration's modules, or from its source."""
    for module in _modules():
        if module.name != function.__module__:
            continue
        for node in ast.walk(module.tree):
            if (
                isinstance(node, ast.AsyncFunctionDef | ast.FunctionDef)
                and node.name == function.__name__
                and (parent := module.enclosing(node, ast.ClassDef)) is not None
                and function.__qualname__ == f"{parent.name}.{node.name}"
            ):
                return module, node
    tree = ast.parse(textwrap.dedent(inspect.getsource(function)))
    return None, tree.body[0]


def _find_function(name: str) -> ast.FunctionDef | None:
    for module in _modules():
        for node in module.tree.body:
            if isinstance(node, ast.FunctionDef) and node.name == name:
                return node
    return None


def _returned_errors(function: ast.FunctionDef) -> set[str]:
    """Error keys a validate_* function returns as {field: "key"} dicts."""
    errors = set()
    for node in ast.walk(function):
        if isinstance(node, ast.Return) and isinstance(node.value, ast.Dict):
            errors |= {
                value.value
                for value in node.value.values
                if isinstance(value, ast.Constant)
            }
    return errors


def _abort_default(method: Callable[..., Any], param: str) -> str:
    default = inspect.signature(method).parameters[param].default
    assert isinstance(default, str)
    return default


def _aborts_of(node: ast.AST, step: str) -> set[str]:
    """Abort reasons a step method can end with, its own and Home Assistant's helpers'."""
    reasons = set()
    flow = config_entries.ConfigFlow
    for call in (n for n in ast.walk(node) if isinstance(n, ast.Call)):
        callee = _callee(call)
        reason = _keyword(call, "reason")
        if callee in {"async_abort", "AbortFlow"}:
            value = reason if reason is not None else call.args[0]
            assert isinstance(value, ast.Constant), ast.unparse(call)
            reasons.add(value.value)
        elif callee == "_abort_if_unique_id_configured":
            error = _keyword(call, "error")
            reasons.add(
                error.value
                if isinstance(error, ast.Constant)
                else _abort_default(flow._abort_if_unique_id_configured, "error")
            )
        elif callee == "_abort_if_unique_id_mismatch":
            reasons.add(
                reason.value
                if isinstance(reason, ast.Constant)
                else _abort_default(flow._abort_if_unique_id_mismatch, "reason")
            )
        elif callee == "_async_abort_entries_match":
            reasons.add("already_configured")
        elif callee == "async_set_unique_id":
            progress = _keyword(call, "raise_on_progress")
            if not (isinstance(progress, ast.Constant) and progress.value is False):
                reasons.add("already_in_progress")
        elif callee in {"async_update_reload_and_abort", "async_update_and_abort"}:
            if isinstance(reason, ast.Constant):
                reasons.add(reason.value)
            elif "reconfigure" in step:
                reasons.add("reconfigure_successful")
            elif "reauth" in step:
                reasons.add("reauth_successful")
            else:
                pytest.fail(f"{step}: cannot tell the abort reason")
    return reasons


def _errors_of(node: ast.AST) -> set[str]:
    """Error keys a step method sets: errors[...] = "key", or from validate_* calls."""
    errors = set()
    for child in ast.walk(node):
        if (
            isinstance(child, ast.Assign)
            and isinstance(child.value, ast.Constant)
            and any(
                isinstance(target, ast.Subscript)
                and isinstance(target.value, ast.Name)
                and target.value.id == "errors"
                for target in child.targets
            )
        ):
            errors.add(child.value.value)
        elif (
            isinstance(child, ast.Assign)
            and isinstance(child.value, ast.Dict)
            and any(
                isinstance(target, ast.Name) and target.id == "errors"
                for target in child.targets
            )
        ):
            errors |= {
                value.value
                for value in child.value.values
                if isinstance(value, ast.Constant)
            }
        elif (
            isinstance(child, ast.Call)
            and (callee := _callee(child))
            and callee.startswith("validate")
            and (function := _find_function(callee))
        ):
            errors |= _returned_errors(function)
        elif (
            isinstance(child, ast.keyword)
            and child.arg == "validate"
            and isinstance(child.value, ast.Name)
            and (function := _find_function(child.value.id))
        ):
            # A validate function handed to the shared form step.
            errors |= _returned_errors(function)
    return errors


def _flow_use(cls: type, namespace: Any, include: Callable[[Any], bool]) -> FlowUse:
    """Forms, menus, errors and aborts of every step of a flow handler class."""
    use = FlowUse([], {}, set(), set())
    # Every definition along the class hierarchy: an override may call the base step.
    methods = [
        (name, method)
        for klass in cls.__mro__
        for name, method in vars(klass).items()
        # The shared form step sets errors of its own (a number that is not one).
        if (name.startswith("async_step_") or name == "_async_form_step")
        and include(method)
    ]
    for name, method in methods:
        module, node = _function_source(method)
        where = module.where(node) if module else method.__qualname__
        use.errors |= _errors_of(node)
        use.aborts |= _aborts_of(node, name)
        if name == "_async_form_step":
            continue  # its form is each caller's; the callers are read below
        for call in (n for n in ast.walk(node) if isinstance(n, ast.Call)):
            callee = _callee(call)
            if callee == "_async_form_step":
                # The shared form step: (step_id, user_input, schema function, next, ...).
                step_arg, _, schema_arg = call.args[:3]
                assert isinstance(step_arg, ast.Constant), (
                    f"{where}: step_id not literal"
                )
                placeholders = _keyword(call, "placeholders")
                literal = (
                    frozenset(key.value for key in placeholders.keys)  # type: ignore[union-attr]
                    if isinstance(placeholders, ast.Dict)
                    else frozenset()
                    if placeholders is None
                    else None
                )
                if isinstance(schema_arg, ast.Lambda):
                    schema_arg = schema_arg.body
                if isinstance(schema_arg, ast.Name):
                    schema_arg = ast.Call(func=schema_arg, args=[], keywords=[])
                schema = _build_schema(namespace, schema_arg, where)
                use.forms.append(Form(step_arg.value, schema, literal, where))
                continue
            if callee not in {"async_show_form", "async_show_menu"}:
                continue
            step_id = _keyword(call, "step_id")
            assert isinstance(step_id, ast.Constant), f"{where}: step_id not literal"
            placeholders = _keyword(call, "description_placeholders")
            literal = (
                frozenset(key.value for key in placeholders.keys)  # type: ignore[union-attr]
                if isinstance(placeholders, ast.Dict)
                else frozenset()
                if placeholders is None
                else None
            )
            if callee == "async_show_menu":
                options = _keyword(call, "menu_options")
                assert isinstance(options, ast.List | ast.Dict), where
                items = options.elts if isinstance(options, ast.List) else options.keys
                use.menus[step_id.value] = {
                    item.value for item in items if isinstance(item, ast.Constant)
                }
                continue
            schema = _build_schema(namespace, _keyword(call, "data_schema"), where)
            use.forms.append(Form(step_id.value, schema, literal, where))
    return use


def _own(module: str) -> Callable[[Any], bool]:
    return lambda method: getattr(method, "__module__", "") == module


def _flow_classes(base: type) -> list[type]:
    return [
        value
        for value in vars(config_flow).values()
        if isinstance(value, type)
        and issubclass(value, base)
        and value.__module__ == config_flow.__name__
    ]


def _merge(uses: list[FlowUse]) -> FlowUse:
    merged = FlowUse([], {}, set(), set())
    for use in uses:
        merged.forms += use.forms
        merged.menus |= use.menus
        merged.errors |= use.errors
        merged.aborts |= use.aborts
    return merged


def _rule_errors(function: Callable[..., Any]) -> set[str]:
    """Error keys a check function sets or returns, and those of the checks it calls."""
    _, node = _function_source(function)
    errors = _errors_of(node) | _returned_errors(node)  # type: ignore[arg-type]
    for call in ast.walk(node):
        if (
            isinstance(call, ast.Call)
            and (callee := _callee(call))
            and callee.startswith("validate")
            and (called := _find_function(callee))
        ):
            errors |= _errors_of(called) | _returned_errors(called)
    return errors


def _schema_flow_use(pages: dict[str, SchemaFlowFormStep]) -> FlowUse:
    """Forms and errors of the pages a schema flow runs (CONFIG_FLOW, OPTIONS_FLOW).

    Each page's schema and placeholders are built for a new profile; its errors are
    those of the page check's rules (config_flow.PageCheck).
    """
    use = FlowUse([], {}, set(), set())
    handler = SimpleNamespace(
        options={}, flow_state={}, parent_handler=SimpleNamespace(hass=_fake_hass())
    )
    for step_id, page in pages.items():
        where = f"{config_flow.__name__}: page {step_id}"
        schema = page.schema
        if callable(schema):
            schema = asyncio.run(schema(handler))  # type: ignore[arg-type]
        assert isinstance(schema, vol.Schema), where
        placeholders = frozenset()
        if callable(page.description_placeholders):
            placeholders = frozenset(
                asyncio.run(page.description_placeholders(handler))  # type: ignore[arg-type]
            )
        use.forms.append(Form(step_id, schema, placeholders, where))
        check = page.validate_user_input
        if check is not None:
            assert isinstance(check, config_flow.PageCheck), where
            use.errors |= _rule_errors(type(check).__call__)
            for rule in (*check.rules, *check.hass_rules):
                use.errors |= _rule_errors(rule)
    return use


@cache
def _config_flow_uses() -> dict[str, FlowUse]:
    own = _own(config_flow.__name__)
    return {
        section: _merge(
            [_flow_use(cls, config_flow, own) for cls in _flow_classes(base)]
            + [_schema_flow_use(pages)]
        )
        for section, base, pages in (
            ("config", config_entries.ConfigFlow, config_flow.CONFIG_FLOW),
            ("options", config_entries.OptionsFlow, config_flow.OPTIONS_FLOW),
        )
    }


def _check_steps(
    what: str,
    use: FlowUse,
    strings: dict[str, Any],
    *,
    require_title: bool,
    placeholders: frozenset[str] = frozenset(),
) -> list[str | None]:
    """Compare a flow's steps, fields, errors and aborts with its strings."""
    steps = strings.get("step", {})
    shown = {form.step_id for form in use.forms} | set(use.menus)
    problems = [
        _diff(f"{what}.step", shown, set(steps)),
        _diff(f"{what}.error", use.errors, set(strings.get("error", {}))),
        _diff(f"{what}.abort", use.aborts, set(strings.get("abort", {}))),
    ]
    fields_by_step: dict[str, set[str]] = defaultdict(set)
    sections_by_step: dict[str, dict[str, set[str]]] = defaultdict(dict)
    for form in use.forms:
        top, sections = _fields(form.schema)
        fields_by_step[form.step_id] |= top
        sections_by_step[form.step_id] |= sections
    for step_id in shown:
        step = steps.get(step_id)
        if step is None:
            continue
        if require_title and not step.get("title"):
            problems.append(f"{what}.step.{step_id}: no title")
        if step_id in use.menus:
            problems.append(
                _diff(
                    f"{what}.step.{step_id}.menu_options",
                    use.menus[step_id],
                    set(step.get("menu_options", {})),
                )
            )
            continue
        problems.extend(
            _diff(
                f"{what}.step.{step_id}.{key}",
                fields_by_step[step_id],
                set(step.get(key, {})),
            )
            for key in ("data", "data_description")
        )
        sections = sections_by_step[step_id]
        problems.append(
            _diff(
                f"{what}.step.{step_id}.sections",
                set(sections),
                set(step.get("sections", {})),
            )
        )
        for section, section_fields in sections.items():
            texts = step.get("sections", {}).get(section, {})
            if not texts.get("name"):
                problems.append(f"{what}.step.{step_id}.sections.{section}: no name")
            problems.extend(
                _diff(
                    f"{what}.step.{step_id}.sections.{section}.{key}",
                    section_fields,
                    set(texts.get(key, {})),
                )
                for key in ("data", "data_description")
            )
    # Placeholders in a step's texts must be passed by every form of that step.
    for form in use.forms:
        step = steps.get(form.step_id, {})
        passed = form.placeholders if form.placeholders is not None else placeholders
        problems.extend(
            f"{form.where}: {what}.step.{form.step_id}.{key} needs {sorted(missing)}"
            for key in ("title", "description")
            if (missing := _placeholders(step.get(key, "")) - passed)
        )
    return problems


def test_config_flow_found() -> None:
    uses = _config_flow_uses()
    assert {"user", "profile"} <= {form.step_id for form in uses["config"].forms}
    assert "profile" in {form.step_id for form in uses["options"].forms}
    assert "name_empty" in uses["config"].errors


@pytest.mark.parametrize("section", ["config", "options"])
def test_flow_translations(section: str) -> None:
    use = _config_flow_uses()[section]
    _check(_check_steps(section, use, _en().get(section, {}), require_title=True))


# Repairs


@dataclass(frozen=True)
class Issue:
    """An issue the integration creates."""

    key: str
    id_prefix: str | None  # the constant start of the issue id, when the code shows it
    fixable: bool
    placeholders: frozenset[str] | None
    where: str


@cache
def _issues() -> tuple[Issue, ...]:
    issues = []
    for module in _modules():
        for call in module.calls_to("async_create_issue"):
            key = _keyword(call, "translation_key")
            assert key is not None, f"{module.where(call)}: issue without translation"
            fixable = _keyword(call, "is_fixable")
            issues.append(
                Issue(
                    _literal(module, key),
                    _id_prefix(module, call, _argument_at(call, 2, "issue_id")),
                    isinstance(fixable, ast.Constant) and fixable.value is True,
                    _passed_placeholders(
                        module, call, _keyword(call, "translation_placeholders"), call
                    ),
                    module.where(call),
                )
            )
    return tuple(issues)


def _argument_at(call: ast.Call, index: int, name: str) -> ast.expr | None:
    if len(call.args) > index:
        return call.args[index]
    return _keyword(call, name)


def _id_prefix(module: Module, call: ast.Call, issue_id: ast.expr | None) -> str | None:
    """The constant start of an issue id, when the code shows it.

    The id is a literal, an f-string, or a local variable or property that builds one.
    """
    if isinstance(issue_id, ast.Constant):
        return str(issue_id.value)
    if isinstance(issue_id, ast.JoinedStr):
        first = issue_id.values[0]
        return str(first.value) if isinstance(first, ast.Constant) else None
    if isinstance(issue_id, ast.Name) and (
        function := module.enclosing(call, ast.FunctionDef)
    ):
        for node in ast.walk(function):
            if isinstance(node, ast.Assign) and any(
                isinstance(target, ast.Name) and target.id == issue_id.id
                for target in node.targets
            ):
                return _id_prefix(module, call, node.value)
    if isinstance(issue_id, ast.Attribute):
        for node in ast.walk(module.tree):
            if (
                isinstance(node, ast.FunctionDef)
                and node.name == issue_id.attr
                and isinstance(node.body[-1], ast.Return)
            ):
                return _id_prefix(module, call, node.body[-1].value)
    return None


def _fix_flow_class(issue: Issue) -> type:
    """The repair flow async_create_fix_flow starts for an issue.

    It reads `if issue_id.startswith("prefix"): return Flow(...)` rules in order; an
    issue whose id matches none gets the flow of the final return.
    """
    module = _module(repairs.__name__)
    function = next(
        node
        for node in module.tree.body
        if isinstance(node, ast.AsyncFunctionDef)
        and node.name == "async_create_fix_flow"
    )
    prefix = issue.id_prefix
    for node in function.body:
        if isinstance(node, ast.If):
            test = node.test
            unreadable = f"{module.where(node)}: cannot read {ast.unparse(test)}"
            assert isinstance(test, ast.Call), unreadable
            assert _callee(test) == "startswith", unreadable
            assert isinstance(test.args[0], ast.Constant), unreadable
            returned = node.body[-1]
            if prefix is not None and prefix.startswith(test.args[0].value):
                return _returned_class(module, returned)
        elif isinstance(node, ast.Return):
            return _returned_class(module, node)
    pytest.fail(f"{issue.where}: no fix flow for {issue.key}")


def _returned_class(module: Module, node: ast.stmt) -> type:
    assert isinstance(node, ast.Return), module.where(node)
    assert isinstance(node.value, ast.Call), module.where(node)
    assert isinstance(node.value.func, ast.Name), module.where(node)
    cls: type = getattr(repairs, node.value.func.id)
    return cls


def _repair_step(method: Any) -> bool:
    """Steps of backwalk's repair flows and of Home Assistant's repair base flows."""
    module = getattr(method, "__module__", "")
    return module == repairs.__name__ or module.startswith(ha_repairs.__name__)


def test_issues_found() -> None:
    assert {issue.key for issue in _issues()} >= {"storage_unreadable"}


def test_issue_translations() -> None:
    strings = _en().get("issues", {})
    issues = _issues()
    problems = [_diff("issues", {issue.key for issue in issues}, set(strings))]
    for issue in issues:
        texts = strings.get(issue.key)
        if texts is None:
            continue
        if not texts.get("title"):
            problems.append(f"issues.{issue.key}: no title")
        passed = issue.placeholders
        if passed is not None:
            problems.extend(
                f"{issue.where}: issues.{issue.key}.{key} needs {sorted(missing)}"
                for key in ("title", "description")
                if (missing := _placeholders(texts.get(key, "")) - passed)
            )
        if not issue.fixable:
            if not texts.get("description"):
                problems.append(f"issues.{issue.key}: not fixable, needs a description")
            continue
        if "fix_flow" not in texts:
            problems.append(f"issues.{issue.key}: fixable, needs fix_flow")
            continue
        use = _flow_use(_fix_flow_class(issue), repairs, _repair_step)
        problems += _check_steps(
            f"issues.{issue.key}.fix_flow",
            use,
            texts["fix_flow"],
            require_title=False,
            # A repair step shows the issue's placeholders unless it passes its own.
            placeholders=passed or frozenset(),
        )
    _check(problems)


# Entities


def _platforms() -> list[str]:
    return sorted(
        platform.value
        for platform in Platform
        if (INTEGRATION / f"{platform.value}.py").is_file()
    )


def _entity_translation_keys(platform: str) -> set[str]:
    """translation_key=... and _attr_translation_key = ... in a platform file."""
    module = _module(f"{PACKAGE}.{platform}")
    keys = set()
    for node in ast.walk(module.tree):
        if isinstance(node, ast.Call):
            keys |= {
                _literal(module, kw.value)
                for kw in node.keywords
                if kw.arg == "translation_key"
            }
        elif isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(
                getattr(target, "id", getattr(target, "attr", None))
                == "_attr_translation_key"
                for target in targets
            ):
                keys.add(_literal(module, node.value))
    return keys


def _descriptions(platform: str) -> dict[str, EntityDescription]:
    """The platform's entity descriptions, by translation key."""
    module = importlib.import_module(f"{PACKAGE}.{platform}")
    found: dict[str, EntityDescription] = {}
    for value in vars(module).values():
        items = value if isinstance(value, tuple | list) else (value,)
        for item in items:
            if isinstance(item, EntityDescription) and item.translation_key:
                found[item.translation_key] = item
    return found


def test_platforms_found() -> None:
    assert {"binary_sensor", "button", "calendar", "number", "sensor"} <= set(
        _platforms()
    )
    assert "pain_status" in _descriptions("sensor")


def test_entity_translations() -> None:
    strings = _en().get("entity", {})
    problems = [_diff("entity", set(_platforms()), set(strings))]
    for platform in _platforms():
        used = _entity_translation_keys(platform)
        texts = strings.get(platform, {})
        problems.append(_diff(f"entity.{platform}", used, set(texts)))
        descriptions = _descriptions(platform)
        for key in used & set(texts):
            entry = texts[key]
            if not entry.get("name"):
                problems.append(f"entity.{platform}.{key}: no name")
            description = descriptions.get(key)
            options = getattr(description, "options", None)
            if platform == Platform.SENSOR:
                problems.append(
                    _diff(
                        f"entity.sensor.{key}.state",
                        set(options or ()),
                        set(entry.get("state", {})),
                    )
                )
            if "unit_of_measurement" in entry and getattr(
                description, "native_unit_of_measurement", None
            ):
                problems.append(
                    f"entity.{platform}.{key}: a translated unit and a native unit"
                )
    _check(problems)


# Selectors


def _select_selectors(schema: vol.Schema) -> Iterator[selector.SelectSelector]:
    for value in schema.schema.values():
        if isinstance(value, data_entry_flow.section):
            yield from _select_selectors(value.schema)
        elif isinstance(value, selector.SelectSelector):
            yield value


def _yaml_select_selectors(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        if isinstance(select := node.get("select"), dict):
            yield select
        for value in node.values():
            yield from _yaml_select_selectors(value)
    elif isinstance(node, list):
        for value in node:
            yield from _yaml_select_selectors(value)


def _option_value(option: Any) -> str:
    return str(option["value"] if isinstance(option, dict) else option)


@cache
def _services_yaml() -> dict[str, Any]:
    services: dict[str, Any] = yaml.safe_load(
        (INTEGRATION / "services.yaml").read_text(encoding="utf-8")
    )
    return services


def _selector_uses() -> dict[str, set[str]]:
    """Translated select selectors: their options, by translation key."""
    used: dict[str, set[str]] = defaultdict(set)
    # Every schema function of the config flow's forms, shown or not.
    for name, function in vars(flow_schemas).items():
        if (
            name.endswith("_schema")
            and inspect.isfunction(function)
            and function.__module__ == flow_schemas.__name__
        ):
            for select in _select_selectors(_call_schema_function(function)):
                if key := select.config.get("translation_key"):
                    used[key] |= {_option_value(o) for o in select.config["options"]}
    for select in _yaml_select_selectors(_services_yaml()):
        if key := select.get("translation_key"):
            used[key] |= {_option_value(o) for o in select["options"]}
    return used


def test_selectors_all_read() -> None:
    """Every translated SelectSelectorConfig in the code was built and read above."""
    used = _selector_uses()
    for module in _modules():
        for call in module.calls_to("SelectSelectorConfig"):
            if (key := _keyword(call, "translation_key")) is not None:
                name = _literal(module, key)
                assert name in used, f"{module.where(call)}: {name} not read"


def test_selector_translations() -> None:
    used = _selector_uses()
    strings = _en().get("selector", {})
    problems = [_diff("selector", set(used), set(strings))]
    for key, options in used.items():
        problems.append(
            _diff(
                f"selector.{key}.options",
                options,
                set(strings.get(key, {}).get("options", {})),
            )
        )
    _check(problems)


# Services


def test_service_translations() -> None:
    services = _services_yaml()
    strings = _en().get("services", {})
    problems = [_diff("services", set(services), set(strings))]
    for service, spec in services.items():
        texts = strings.get(service)
        if texts is None:
            continue
        problems.extend(
            f"services.{service}: no {key}"
            for key in ("name", "description")
            if not texts.get(key)
        )
        fields_: set[str] = set()
        sections: set[str] = set()
        for name, field in ((spec or {}).get("fields") or {}).items():
            if isinstance(field, dict) and "fields" in field:
                sections.add(name)
                fields_ |= set(field["fields"])
            else:
                fields_.add(name)
        problems.append(
            _diff(f"services.{service}.fields", fields_, set(texts.get("fields", {})))
        )
        problems.append(
            _diff(
                f"services.{service}.sections",
                sections,
                set(texts.get("sections", {})),
            )
        )
        for name, field in texts.get("fields", {}).items():
            if not (field.get("name") and field.get("description")):
                problems.append(f"services.{service}.fields.{name}: name, description")
    _check(problems)


# Device automations


def test_device_automation_translations() -> None:
    strings = _en().get("device_automation", {})
    expected = {
        section
        for module, section in (
            ("device_trigger", "trigger_type"),
            ("device_action", "action_type"),
            ("device_condition", "condition_type"),
        )
        if (INTEGRATION / f"{module}.py").is_file()
    }
    problems = [
        _diff("device_automation", expected, set(strings) - {"trigger_subtype"})
    ]
    if "trigger_type" in expected:
        problems.append(
            _diff(
                "device_automation.trigger_type",
                {nudge_type.value for nudge_type in NudgeType},
                set(strings.get("trigger_type", {})),
            )
        )
    _check(problems)


# The file as a whole


def _strings(node: Any, path: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _strings(value, f"{path}.{key}" if path else key)
    else:
        yield path, node


# hassfest's rules for translation strings (script/hassfest/translations.py).
RE_URL = re.compile(
    r"(((ftp|ftps|scp|http|https|mqtt|mqtts|socket|socks5):\/\/|www\.)"
    r"[a-z0-9]+([\-\.]{1}[a-z0-9]+)*\.[a-z]{2,5}(:[0-9]{1,5})?(\/.*)?)",
    re.IGNORECASE,
)
RE_TRANSLATION_KEY = re.compile(r"^(?!.+[_-]{2})(?![_-])[a-z0-9-_]+(?<![_-])$")


def test_only_known_sections() -> None:
    assert set(_en()) <= KNOWN_SECTIONS, sorted(set(_en()) - KNOWN_SECTIONS)


def test_strings_follow_hassfest_rules() -> None:
    problems = []
    for path, value in _strings(_en()):
        if not isinstance(value, str) or not value:
            problems.append(f"{path}: not a non-empty string")
            continue
        if value != value.strip():
            problems.append(f"{path}: leading or trailing spaces")
        if RE_URL.search(value):
            problems.append(f"{path}: a URL (use a description placeholder)")
        if re.search(r"'{\w+}'", value):
            problems.append(f"{path}: a placeholder in single quotes")
        try:
            cv.string_with_no_html(value)
        except vol.Invalid:
            problems.append(f"{path}: HTML (hassfest reads <word> as a tag)")
        try:
            names = _placeholders(value)
        except ValueError as err:
            problems.append(f"{path}: {err}")
            continue
        if bad := [name for name in names if not name.isidentifier()]:
            problems.append(f"{path}: placeholders {bad} are not identifiers")
        if ".state." in f"{path}." and names:
            problems.append(f"{path}: entity states take no placeholders")
    for section in ("entity", "selector", "services"):
        for path, _ in _strings(_en().get(section, {})):
            for part in path.split("."):
                if part not in {"name", "description", "state", "options", "fields"}:
                    if section == "entity" and part in Platform:
                        continue
                    if not RE_TRANSLATION_KEY.match(part):
                        problems.append(f"{section}.{path}: invalid key {part}")
    _check(problems)
