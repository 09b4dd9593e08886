"""The one exception the domain model raises."""

from __future__ import annotations


class ModelError(ValueError):
    """A value the model refuses, named by a translation key.

    The key is what the Home Assistant side shows (translated) to the user, so
    every validation failure gets its own specific key rather than free text.
    """

    def __init__(self, key: str, **placeholders: str) -> None:
        """Remember the translation key and its placeholders."""
        self.key = key
        self.placeholders: dict[str, str] = dict(placeholders)
        detail = ", ".join(
            f"{name}={value}" for name, value in sorted(placeholders.items())
        )
        super().__init__(f"{key} ({detail})" if detail else key)
