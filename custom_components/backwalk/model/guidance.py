"""The health guidance backwalk follows, and every message written from it.

Each fact of the guidance the product was founded on (the article "Is walking a good
exercise for lower back pain?") appears here once, in our own words, under its id.
Every message template cites the ids it is written from, so a test can check that
nothing the product says, in any language, lacks a source. backwalk is not medical advice and never
tells someone in severe pain to exercise (G15).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from .messages import Messages

GUIDANCE: Mapping[str, str] = MappingProxyType(
    {
        "G1": "Lower back pain is the most common work-related disability, and most cases clear up within a few days.",
        "G2": "Back pain that has lasted more than three months counts as chronic.",
        "G3": "Low-impact exercise, walking above all, suits recurring lower back pain, together with back-strength and flexibility exercises a doctor recommends.",
        "G4": "Walking builds the muscles of the feet, legs, hips, torso and back, and stretching before it improves flexibility, range of motion and posture.",
        "G5": "Walking releases endorphins that ease back pain and improves spine stability and circulation.",
        "G6": "High-impact activity like jogging tends to hurt a painful back, while walking is gentler.",
        "G7": "If walking hurts, switch to another low-impact activity such as swimming, a stationary bike or yoga.",
        "G8": "While the back is healing, walk only on flat ground.",
        "G9": "Walk briskly but never breathlessly, so that you could still hold a conversation.",
        "G10": "Start with a slow five-minute walk and build up to at least 30 minutes, three or four times a week.",
        "G11": "Hold the trunk with the stomach muscles slightly tucked, stand tall without leaning forward, swing the arms and keep the hands relaxed.",
        "G12": "On a treadmill, stay off the handrails unless you need them for balance.",
        "G13": "Stretch gently before exercising: neck, arms, hips, legs, hamstrings and ankles.",
        "G14": "Wear walking shoes that fit, because badly fitting shoes cause poor posture, strain and back pain.",
        "G15": "Serious medical symptoms need emergency care at once, not exercise.",
    }
)


@dataclass(frozen=True, slots=True)
class Template:
    """One message, written from the guidance facts it cites.

    Its words are in every language file under guidance.<key>: `text` for phones
    and notifications, `spoken` for a smart speaker (short, no symbols or
    parentheses). Both are `str.format` templates; the ids stay here, once for all
    languages, so every language's message traces back to the same facts.
    """

    key: str
    guidance: tuple[str, ...]

    def text(self, messages: Messages) -> str:
        """Return the written template in the language of `messages`."""
        return messages.raw(f"guidance.{self.key}.text")

    def spoken(self, messages: Messages) -> str:
        """Return the spoken template in the language of `messages`."""
        return messages.raw(f"guidance.{self.key}.spoken")

    def render(self, messages: Messages, **values: object) -> tuple[str, str]:
        """Return the text and the spoken form filled in with `values`."""
        return (
            self.text(messages).format(**values),
            self.spoken(messages).format(**values),
        )


def _templates(*templates: Template) -> Mapping[str, Template]:
    return MappingProxyType({template.key: template for template in templates})


TEMPLATES: Mapping[str, Template] = _templates(
    Template("stretch", ("G13", "G10")),
    Template("tip_pace", ("G9",)),
    Template("tip_posture", ("G11",)),
    Template("tip_flat", ("G8",)),
    Template("tip_shoes", ("G14",)),
    Template("tip_treadmill", ("G12",)),
    Template("alternative", ("G7",)),
    # G15 and nothing else: no activity of any kind is suggested, only rest and care.
    Template("red_flag", ("G15",)),
    Template("week_walks", ("G10",)),
    Template("check_in", ("G10",)),
    # Weather at the walk's hour: {why} is one of weather_reason.<hazard>, filled in.
    Template("weather_indoors", ("G12", "G8")),
    Template("weather_alternative", ("G7",)),
    Template("weather_flat_ground", ("G8",)),
    Template("not_medical_advice", ("G15",)),
)

# The tips in the order they rotate; the flat-ground tip only while healing (G8).
TIP_KEYS: tuple[str, ...] = (
    "tip_pace",
    "tip_posture",
    "tip_flat",
    "tip_shoes",
    "tip_treadmill",
)
HEALING_ONLY_TIPS: frozenset[str] = frozenset({"tip_flat"})

# G13, in the order the guidance lists them; words under stretch_area.<key>.
STRETCH_AREAS: tuple[str, ...] = (
    "neck",
    "arms",
    "hips",
    "legs",
    "hamstrings",
    "ankles",
)

# G7's low-impact alternatives, by Activity value; words under activity.<key> (as
# they read in a sentence) and activity_label.<key> (as a heading).
ACTIVITY_KEYS: tuple[str, ...] = ("swimming", "stationary_bike", "yoga")


def stretches(messages: Messages) -> str:
    """List G13's stretches as a sentence does: "neck, arms, ... and ankles"."""
    return messages.join(messages(f"stretch_area.{area}") for area in STRETCH_AREAS)


def activities(messages: Messages, preferred: Iterable[str] = ()) -> str:
    """List the chosen G7 alternatives as a choice: "swimming or gentle yoga".

    None chosen, or none that G7 names, means all of them.
    """
    keys = [key for key in dict.fromkeys(preferred) if key in ACTIVITY_KEYS]
    return messages.join(
        (messages(f"activity.{key}") for key in keys or ACTIVITY_KEYS), "or"
    )


# Why the weather changes the walk, by model.weather.Hazard value: words under
# weather_reason.<hazard>, whose {when} is part_of_day.<part> ("this morning").
# Plain words: they are spoken too.
WEATHER_HAZARDS: tuple[str, ...] = (
    "ice",
    "snow",
    "storm",
    "severe",
    "heavy_rain",
    "heat",
)


def weather_reason(messages: Messages, hazard: str, part_of_day: str) -> str:
    """Say why the weather changes the walk: "It is icy this morning"."""
    when = messages(f"part_of_day.{part_of_day}")
    return messages(f"weather_reason.{hazard}", when=when)
