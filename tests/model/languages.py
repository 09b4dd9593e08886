"""The shipped language files, read once for the model tests, and each language's words."""

from __future__ import annotations

from pathlib import Path
import re

from custom_components.backwalk.model import LANGUAGES, load_catalog

MESSAGES_DIR = Path(__file__).parents[2] / "custom_components" / "backwalk" / "messages"
CATALOG = load_catalog(MESSAGES_DIR)
ENGLISH = CATALOG.messages("en")
EVERY_LANGUAGE = [CATALOG.messages(language) for language in LANGUAGES]

# Any word that could read as a suggestion to move, per language (G15: a red-flag
# message has none of them).
EXERCISE_WORDS: dict[str, re.Pattern[str]] = {
    language: re.compile(words, re.IGNORECASE)
    for language, words in {
        "en": r"walk|stretch|swim|bike|bicycl|yoga|exercis|jog|move|activit",
        "de": (
            r"geh|spazier|lauf|dehn|schwimm|\brad|heimtrainer|yoga|übung|sport|"
            r"beweg|aktivit|training|trainier"
        ),
        "fr": (
            r"march|étir|nag|natation|vélo|yoga|exercice|sport|bouge|mouvement|"
            r"activit|jogging|courir|course"
        ),
        "nl": (
            r"wandel|loop|lopen|\brek|strek|zwem|fiets|hometrainer|yoga|oefen|sport|"
            r"beweg|activiteit|jog|training"
        ),
        "es": (
            r"camin|pase|estir|\bnad|nataci|bici|yoga|ejercicio|deporte|\bmov|muev|"
            r"muév|actividad|correr|trot"
        ),
    }.items()
}
# The word for emergency care each language's red-flag advice sends the person to.
CARE_WORDS = {
    "en": "emergency",
    "de": "Notfallhilfe",
    "fr": "urgences",
    "nl": "spoedeisende hulp",
    "es": "urgencias",
}
