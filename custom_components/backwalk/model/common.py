"""Helpers the model's modules share: UTC moments, frozen fields, stored state."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from enum import StrEnum
import math
from typing import Any

from .errors import ModelError

# The version of what the tracking state machines store (walk tracker, step counters).
STORE_VERSION = 1


def set_field(obj: object, name: str, value: object) -> None:
    """Set a field of a frozen dataclass while it normalises itself."""
    # Frozen dataclasses may only normalise their fields through object.__setattr__.
    object.__setattr__(obj, name, value)


def utc(moment: object) -> datetime:
    """Return an aware datetime in UTC; raise ModelError for anything else."""
    if not isinstance(moment, datetime) or moment.utcoffset() is None:
        raise ModelError("invalid_timestamp")
    # UTC so that differences are elapsed time even across DST changes.
    return moment.astimezone(UTC)


def member_of[E: StrEnum](kind: type[E], value: object) -> E | None:
    """Return `value` as a member of `kind` (given as a member or its value), or None."""
    if isinstance(value, kind):
        return value
    if isinstance(value, str) and value in kind:
        return kind(value)
    return None


def finite_number(value: object) -> float | None:
    """Return a real, finite number as a float, or None."""
    # bool is an int subclass, and True steps or True percent is a bug, not a number.
    if not isinstance(value, int | float) or isinstance(value, bool):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


class BadDataError(Exception):
    """Stored data that cannot be restored."""


def decode_mapping(data: object) -> Mapping[str, Any]:
    """Return stored data that must be a mapping."""
    if not isinstance(data, Mapping):
        raise BadDataError
    return data


def decode_time(value: object) -> datetime:
    """Return a stored ISO moment with an offset, in UTC."""
    if not isinstance(value, str):
        raise BadDataError
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise BadDataError from None
    if moment.utcoffset() is None:
        raise BadDataError
    return moment.astimezone(UTC)


def decode_ids(value: object) -> set[str]:
    """Return stored entity ids: a list of non-empty strings."""
    if not isinstance(value, list | tuple):
        raise BadDataError
    if not all(isinstance(item, str) and item for item in value):
        raise BadDataError
    return set(value)


def decode_version(data: Mapping[str, Any]) -> None:
    """Refuse stored state of another version."""
    version = data.get("version")
    # type() rather than isinstance: True == 1 but is no version.
    if type(version) is not int or version != STORE_VERSION:
        raise BadDataError
