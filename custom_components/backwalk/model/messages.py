"""Every sentence backwalk writes or says, per language, and the rules to fill them.

The words live in messages/<language>.json, one file per language with the same keys
and placeholders; the code picks a key and fills placeholders. Home Assistant's own
translations/ cover the UI, but not reminder texts, spoken answers or phone buttons,
so this small catalog holds those (and the clinician report's page). How a language
writes times, dates (its month names), decimals, lists and plurals is part of its file
too (the "format" keys), so adding a language is adding a file.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
import json
import math
from pathlib import Path
from types import MappingProxyType
from typing import Any

LANGUAGES: tuple[str, ...] = ("en", "de", "fr", "nl", "es")
FALLBACK_LANGUAGE = "en"
# Plural rules a file may name in "format.plural": which counts take the "one" form.
PLURAL_ONE = "one"  # exactly 1 (English, German, Dutch, Spanish)
PLURAL_BELOW_TWO = "below_two"  # 0 and 1, and anything below 2 (French)


def base_language(language: str | None) -> str:
    """Return the language a code names, as the catalog keys it: "de-CH" -> "de"."""
    return (language or "").replace("_", "-").split("-")[0].lower()


def flatten(tree: Mapping[str, Any], prefix: str = "") -> dict[str, str]:
    """Turn nested groups into dotted keys: {"a": {"b": "x"}} -> {"a.b": "x"}."""
    flat: dict[str, str] = {}
    for name, value in tree.items():
        key = f"{prefix}{name}"
        if isinstance(value, Mapping):
            flat |= flatten(value, f"{key}.")
        elif isinstance(value, str):
            flat[key] = value
        else:
            raise TypeError(f"{key}: a message is text, not {type(value).__name__}")
    return flat


@dataclass(frozen=True, slots=True)
class Messages:
    """One language's messages, English filling any key the language lacks."""

    language: str
    strings: Mapping[str, str]

    def raw(self, key: str) -> str:
        """Return the template under `key`, unfilled."""
        return self.strings[key]

    def __call__(self, key: str, /, **values: object) -> str:
        """Return the message under `key` with `values` filled in."""
        return self.strings[key].format(**values)

    def number(self, value: float) -> str:
        """Write a number: whole ones without a decimal point, others to one place."""
        if math.isclose(value, round(value), abs_tol=0.05):
            return str(round(value))
        return f"{value:.1f}".replace(".", self.strings["format.decimal"])

    def plural(self, key: str, count: float, /, **values: object) -> str:
        """Fill the form of `key` ("key.one" or "key.other") that `count` takes."""
        number = self.number(count)
        if self.strings["format.plural"] == PLURAL_BELOW_TWO:
            one = abs(count) < 2
        else:
            one = number == "1"
        form = "one" if one else "other"
        return self(f"{key}.{form}", count=number, **values)

    def join(self, words: Iterable[str], conjunction: str = "and") -> str:
        """Join words as a sentence lists them: "a, b and c" ("or" for a choice)."""
        items = list(words)
        if len(items) <= 1:
            return "".join(items)
        word = self.strings[f"format.{conjunction}"]
        return f"{', '.join(items[:-1])} {word} {items[-1]}"

    def _clock_values(self, moment: time) -> dict[str, object]:
        twelve = self.strings["format.clock"] == "12"
        hour = (moment.hour % 12 or 12) if twelve else moment.hour
        return {
            "hour": hour,
            "hour2": f"{hour:02d}",
            "minute": moment.minute,
            "minute2": f"{moment.minute:02d}",
            "period": self.strings["format.pm" if moment.hour >= 12 else "format.am"],
        }

    def clock(self, moment: time) -> str:
        """Write a time of day as the language writes it (12 or 24 hours)."""
        return self("format.time", **self._clock_values(moment))

    def _date_values(self, day: date) -> dict[str, object]:
        month = self.strings[f"format.month.{day.month}"]
        return {"day": day.day, "month": month, "year": day.year}

    def full_date(self, day: date) -> str:
        """Write a day with its month by name, as the language does ("2. Nov. 2026")."""
        return self("format.date", **self._date_values(day))

    def short_date(self, day: date) -> str:
        """Write a day without its year ("2 Nov", "2. Nov.")."""
        return self("format.date_short", **self._date_values(day))

    def date_time(self, moment: datetime, *, year: bool = True) -> str:
        """Write a day and its time of day ("8 Nov 2026, 8:00 PM")."""
        day = self.full_date(moment.date()) if year else self.short_date(moment.date())
        return self("format.date_time", date=day, time=self.clock(moment.time()))

    def spoken_clock(self, moment: time) -> str:
        """Say a time of day in words a voice reads naturally ("7 Uhr 30")."""
        values = self._clock_values(moment)
        values["hours"] = self.plural("format.spoken_hours", float(str(values["hour"])))
        full = "format.spoken_time_full_hour"
        return self(full if moment.minute == 0 else "format.spoken_time", **values)


class Catalog:
    """The messages of every language the files hold."""

    def __init__(self, files: Mapping[str, Mapping[str, str]]) -> None:
        """Take each language's flat strings; English must be among them."""
        fallback = files[FALLBACK_LANGUAGE]
        self._messages = MappingProxyType(
            {
                language: Messages(language, MappingProxyType({**fallback, **strings}))
                for language, strings in files.items()
            }
        )

    @property
    def languages(self) -> tuple[str, ...]:
        """The languages there are files for."""
        return tuple(self._messages)

    def messages(self, language: str | None) -> Messages:
        """Return the messages of `language` ("de-AT" finds "de"), else English."""
        found = self._messages.get(base_language(language))
        return found if found is not None else self._messages[FALLBACK_LANGUAGE]


def read_language_file(path: Path) -> dict[str, str]:
    """Read one language file into flat keys (blocking: run it in an executor)."""
    with path.open(encoding="utf-8") as file:
        return flatten(json.load(file))


def load_catalog(directory: Path) -> Catalog:
    """Read every language file in `directory` (blocking: run it in an executor)."""
    files = {
        path.stem: read_language_file(path) for path in sorted(directory.glob("*.json"))
    }
    return Catalog(files)
