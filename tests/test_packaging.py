"""Packaging: what HACS and hassfest check before the integration can be published.

Plain files only (no Home Assistant instance): hacs.json, manifest.json, brand icons,
README and LICENSE, the repository layout, services and icons.
"""

from __future__ import annotations

import ast
from functools import cache
import json
from pathlib import Path
import re
import struct
import subprocess
from typing import Any

from awesomeversion import AwesomeVersion
from homeassistant import components as ha_components
from homeassistant.const import Platform
from PIL import Image
import pytest
import yaml

from custom_components.backwalk import const

ROOT = Path(__file__).resolve().parent.parent
INTEGRATION = ROOT / "custom_components" / const.DOMAIN

# The keys HACS reads from hacs.json (HACS docs "hacs.json", and its HacsManifest).
HACS_KEYS = {
    "name",
    "content_in_root",
    "zip_release",
    "filename",
    "hide_default_branch",
    "country",
    "homeassistant",
    "hacs",
    "render_readme",
    "persistent_directory",
}
# HACS needs domain, documentation, issue_tracker, codeowners, name and version; hassfest
# needs integration_type and iot_class of every integration, config_flow of one with a flow.
MANIFEST_REQUIRED = {
    "domain",
    "name",
    "codeowners",
    "documentation",
    "issue_tracker",
    "version",
    "config_flow",
    "integration_type",
    "iot_class",
}
# semver.org's regular expression.
SEMVER = re.compile(
    r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
    r"(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$"
)


def _json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


@cache
def _manifest() -> dict[str, Any]:
    manifest: dict[str, Any] = _json(INTEGRATION / "manifest.json")
    return manifest


@cache
def _icons() -> dict[str, Any]:
    icons: dict[str, Any] = _json(INTEGRATION / "icons.json")
    return icons


def _pinned(package: str, requirements: str = "requirements.txt") -> str:
    """The version a requirements file pins `package` to."""
    for line in (ROOT / requirements).read_text(encoding="utf-8").splitlines():
        name, sep, version = line.split("#", 1)[0].strip().partition("==")
        if sep and name.strip().lower() == package:
            return version.strip()
    pytest.fail(f"{requirements} pins no {package}")


# hacs.json


def test_hacs_json_keys_are_known_to_hacs() -> None:
    hacs = _json(ROOT / "hacs.json")
    assert set(hacs) <= HACS_KEYS, f"HACS rejects: {sorted(set(hacs) - HACS_KEYS)}"
    assert isinstance(hacs.get("name"), str)
    assert hacs["name"]
    for key in (
        "content_in_root",
        "zip_release",
        "hide_default_branch",
        "render_readme",
    ):
        if key in hacs:
            assert isinstance(hacs[key], bool), f"{key} must be a JSON boolean"


def test_hacs_minimum_home_assistant_is_the_tested_one() -> None:
    """The oldest Home Assistant offered the integration is the oldest the tests run on.

    The main suite runs on the release requirements.txt pins, `make test-versions` on
    those of requirements-ha-<version>.txt.
    """
    tested = [_pinned("homeassistant")] + [
        _pinned("homeassistant", path.name)
        for path in ROOT.glob("requirements-ha-*.txt")
    ]
    oldest = min(tested, key=AwesomeVersion)
    assert _json(ROOT / "hacs.json").get("homeassistant") == oldest


# manifest.json


def test_manifest_key_order() -> None:
    """Hassfest: domain and name first, then every other key alphabetically."""
    keys = list(_manifest())
    assert keys[:2] == ["domain", "name"]
    assert keys[2:] == sorted(keys[2:])


def test_manifest_has_required_keys() -> None:
    manifest = _manifest()
    missing = MANIFEST_REQUIRED - set(manifest)
    assert not missing, f"manifest.json lacks {sorted(missing)}"
    assert manifest["config_flow"] is True
    assert manifest["codeowners"]
    assert all(owner.startswith("@") for owner in manifest["codeowners"])
    for key in ("documentation", "issue_tracker"):
        assert manifest[key].startswith("https://"), key


def test_manifest_version_is_semver() -> None:
    assert SEMVER.match(_manifest()["version"]), _manifest()["version"]


def test_manifest_domain_is_the_folder() -> None:
    assert _manifest()["domain"] == INTEGRATION.name == const.DOMAIN


def test_manifest_dependencies_are_home_assistant_components() -> None:
    components = Path(ha_components.__file__).parent
    manifest = _manifest()
    for key in ("dependencies", "after_dependencies"):
        for dependency in manifest.get(key, []):
            assert (components / dependency / "manifest.json").is_file(), (
                f"{key}: {dependency} is not a Home Assistant component"
            )


def test_manifest_has_no_requirements() -> None:
    assert _manifest().get("requirements", []) == []


# Brand, README, LICENSE


@pytest.mark.parametrize(("name", "size"), [("icon.png", 256), ("icon@2x.png", 512)])
def test_brand_icon(name: str, size: int) -> None:
    with Image.open(INTEGRATION / "brand" / name) as image:
        assert image.format == "PNG"
        assert image.size == (size, size)
        assert image.mode == "RGBA"


def test_readme_exists() -> None:
    readme = ROOT / "README.md"
    assert readme.is_file()
    assert readme.read_text(encoding="utf-8").strip()


def test_license_is_mit() -> None:
    text = " ".join((ROOT / "LICENSE").read_text(encoding="utf-8").split())
    assert text.startswith("MIT License")
    assert "Permission is hereby granted, free of charge, to any person" in text
    assert "The above copyright notice and this permission notice shall be" in text
    assert 'THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND' in text


# Repository layout


def _index_paths(index: bytes) -> tuple[str, ...]:
    """Paths in a git index file (versions 2 and 3), for checkouts run without git."""
    signature, version, count = index[:4], *struct.unpack(">II", index[4:12])
    if signature != b"DIRC" or version not in {2, 3}:
        pytest.skip(f"cannot read git index version {version}")
    paths = []
    offset = 12
    for _ in range(count):
        start = offset
        (flags,) = struct.unpack(">H", index[offset + 60 : offset + 62])
        offset += 62
        if version == 3 and flags & 0x4000:
            offset += 2
        end = index.index(b"\0", offset)
        paths.append(index[offset:end].decode())
        # Entries are padded with 1-8 NULs to a multiple of 8 bytes.
        offset = start + ((end - start) // 8 + 1) * 8
    return tuple(paths)


@cache
def _tracked_files() -> tuple[str, ...]:
    try:
        result = subprocess.run(
            ["git", "ls-files", "-z"],
            cwd=ROOT,
            capture_output=True,
            check=True,
            text=True,
        )
    except OSError:
        # No git program (the toolchain's root has none): read the index itself.
        index = ROOT / ".git" / "index"
        if not index.is_file():
            pytest.skip("not a git checkout")
        return _index_paths(index.read_bytes())
    except subprocess.CalledProcessError as err:
        pytest.skip(f"not a git checkout: {err.stderr}")
    return tuple(name for name in result.stdout.split("\0") if name)


def test_only_one_manifest() -> None:
    """HACS takes the first manifest.json it finds; the integration's must be the only one."""
    manifests = [
        name for name in _tracked_files() if Path(name).name == "manifest.json"
    ]
    assert manifests == [f"custom_components/{const.DOMAIN}/manifest.json"]


def test_only_one_integration() -> None:
    folders = {
        Path(name).parts[1]
        for name in _tracked_files()
        if name.startswith("custom_components/")
    }
    assert folders == {const.DOMAIN}


# Services and icons


def _registered_services() -> set[str]:
    """Services registered by services.py.

    hass.services.async_register(DOMAIN, NAME, ...) and, for admin-only actions,
    async_register_admin_service(hass, DOMAIN, NAME, ...).
    """
    tree = ast.parse((INTEGRATION / "services.py").read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        if isinstance(node.func, ast.Attribute) and node.func.attr == "async_register":
            service = node.args[1]
        elif (
            isinstance(node.func, ast.Name)
            and node.func.id == "async_register_admin_service"
        ):
            service = node.args[2]
        else:
            continue
        if isinstance(service, ast.Constant):
            names.add(service.value)
        else:
            assert isinstance(service, ast.Name), ast.dump(service)
            names.add(getattr(const, service.id))
    return names


def test_services_yaml_describes_the_registered_services() -> None:
    services = yaml.safe_load((INTEGRATION / "services.yaml").read_text("utf-8"))
    registered = _registered_services()
    assert registered
    assert set(services) == registered
    constants = {
        value for name, value in vars(const).items() if name.startswith("SERVICE_")
    }
    assert constants == registered


def test_every_service_has_an_icon() -> None:
    services = yaml.safe_load((INTEGRATION / "services.yaml").read_text("utf-8"))
    icons = _icons().get("services", {})
    assert set(icons) == set(services)
    for service, icon in icons.items():
        assert icon.get("service", "").startswith("mdi:"), service


def _platforms() -> list[str]:
    return sorted(
        platform.value
        for platform in Platform
        if (INTEGRATION / f"{platform.value}.py").is_file()
    )


def _entity_translation_keys(platform: str) -> set[str]:
    """translation_key=... and _attr_translation_key = ... literals of a platform file."""
    tree = ast.parse((INTEGRATION / f"{platform}.py").read_text(encoding="utf-8"))
    values: list[ast.expr] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            values.extend(
                keyword.value
                for keyword in node.keywords
                if keyword.arg == "translation_key"
            )
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if node.value is not None and any(
                (isinstance(t, ast.Name) and t.id == "_attr_translation_key")
                or (isinstance(t, ast.Attribute) and t.attr == "_attr_translation_key")
                for t in targets
            ):
                values.append(node.value)
    keys = set()
    for value in values:
        assert isinstance(value, ast.Constant), (
            f"{platform}.py: translation_key must be a literal: {ast.unparse(value)}"
        )
        keys.add(value.value)
    return keys


def test_platforms_found() -> None:
    assert {"sensor", "binary_sensor", "button", "number", "calendar"} <= set(
        _platforms()
    )


@pytest.mark.parametrize("platform", _platforms())
def test_entity_icons_match_translation_keys(platform: str) -> None:
    used = _entity_translation_keys(platform)
    icons = _icons().get("entity", {}).get(platform, {})
    assert not used - set(icons), f"{platform}: no icon for {sorted(used - set(icons))}"
    assert not set(icons) - used, (
        f"{platform}: unused icons {sorted(set(icons) - used)}"
    )
    for key, icon in icons.items():
        assert icon.get("default", "").startswith("mdi:"), f"{platform}.{key}"


def test_icons_json_has_no_unknown_platforms() -> None:
    assert set(_icons().get("entity", {})) <= set(_platforms())
