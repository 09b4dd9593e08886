"""A profile's files on disk, as the storage and repair tests put them there and read them."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.backwalk.const import DOMAIN


def store_path(hass: HomeAssistant, entry: MockConfigEntry) -> str:
    """Where the profile's log lives."""
    return hass.config.path(".storage", f"{DOMAIN}.{entry.entry_id}")


def write_file(path: str, text: str) -> None:
    """Put a file in place as an earlier run (or a user's editor) left it."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    Path(path).write_text(text, encoding="utf-8")


def read_bytes(path: str) -> bytes:
    """Read a journal segment back."""
    return Path(path).read_bytes()


def exists(path: str) -> bool:
    """Whether a file is there (tests may touch the disk directly)."""
    return os.path.exists(path)


def read_file(path: str) -> str:
    """Read a file back."""
    return Path(path).read_text(encoding="utf-8")


def document(data: Any, version: int = 1, minor_version: int = 1) -> str:
    """A Store document as Home Assistant writes it."""
    return json.dumps(
        {
            "version": version,
            "minor_version": minor_version,
            "key": "backwalk.x",
            "data": data,
        }
    )


def walk(minutes: float, walk_id: str = "w1") -> dict[str, Any]:
    """A stored walk, as to_dict writes it."""
    return {
        "id": walk_id,
        "start": "2026-11-25T10:00:00+00:00",
        "minutes": minutes,
        "distance_km": None,
        "source": "manual",
        "note": None,
    }


def log_data(*walks: dict[str, Any]) -> dict[str, Any]:
    """A whole stored log."""
    return {
        "walks": list(walks),
        "pain_reports": [],
        "stretches": [],
        "alternatives": [],
        "live_walk_started": None,
    }


def write_bytes(path: str, content: bytes) -> None:
    """Put a journal segment in place as an earlier run left it."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    Path(path).write_bytes(content)
