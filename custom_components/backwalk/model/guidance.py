"""The health guidance backwalk follows, and every message written from it.

Each fact of the guidance the product was founded on (the article "Is walking a good
exercise for lower back pain?") appears here once, in our own words, under its id. Every message template cites the ids it is written from, so a test can check that
nothing the product says lacks a source. backwalk is not medical advice and never
tells someone in severe pain to exercise (G15).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

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

    `text` is for phones and notifications; `spoken` is what a smart speaker says:
    short, no symbols or parentheses. Both are `str.format` templates.
    """

    key: str
    guidance: tuple[str, ...]
    text: str
    spoken: str

    def render(self, **values: object) -> tuple[str, str]:
        """Return the text and the spoken form filled in with `values`."""
        return self.text.format(**values), self.spoken.format(**values)


def _templates(*templates: Template) -> Mapping[str, Template]:
    return MappingProxyType({template.key: template for template in templates})


TEMPLATES: Mapping[str, Template] = _templates(
    Template(
        key="stretch",
        guidance=("G13", "G10"),
        text=(
            "Your walk is at {time}, {name}. Stretch gently first: {stretches}. "
            "Today's walk: {minutes} minutes."
        ),
        spoken=(
            "{name}, your walk is at {time}. "
            "Stretch gently first, then walk for {minutes} minutes."
        ),
    ),
    Template(
        key="tip_pace",
        guidance=("G9",),
        text="Tip: walk briskly, but never so fast that you could not hold a conversation.",
        spoken="Walk briskly, but slowly enough to keep chatting.",
    ),
    Template(
        key="tip_posture",
        guidance=("G11",),
        text=(
            "Tip: stand tall with your stomach slightly tucked, don't lean forward, "
            "swing your arms and keep your hands relaxed."
        ),
        spoken="Stand tall, tuck your stomach in a little and swing your arms.",
    ),
    Template(
        key="tip_flat",
        guidance=("G8",),
        text="Tip: while your back is healing, keep to flat ground.",
        spoken="While your back heals, keep to flat ground.",
    ),
    Template(
        key="tip_shoes",
        guidance=("G14",),
        text=(
            "Tip: wear walking shoes that fit well. Badly fitting shoes can strain "
            "your back."
        ),
        spoken="Wear walking shoes that fit you well.",
    ),
    Template(
        key="tip_treadmill",
        guidance=("G12",),
        text=(
            "Tip: on a treadmill, leave the handrails alone unless you need them "
            "for balance."
        ),
        spoken="On a treadmill, only hold the rails if you need them for balance.",
    ),
    Template(
        key="alternative",
        guidance=("G7",),
        text=(
            "Today is a pain day, {name}. If walking hurts, swap your {time} walk "
            "for another low-impact activity: {activities}."
        ),
        spoken="{name}, if walking hurts today, try {activities} instead.",
    ),
    # G15 and nothing else: no activity of any kind is suggested, only rest and care.
    Template(
        key="red_flag",
        guidance=("G15",),
        text=(
            "Your pain is severe today, {name}, so today's plan is off. "
            "If you have serious symptoms, get emergency medical help right away."
        ),
        spoken=(
            "{name}, your pain is severe, so today's plan is off. "
            "If you have serious symptoms, get emergency help right away."
        ),
    ),
    Template(
        key="week_walks",
        guidance=("G10",),
        text="So far this week you have done {walks_done} of {walks_needed} walks.",
        spoken="This week you have done {walks_done} of {walks_needed} walks.",
    ),
    Template(
        key="check_in",
        guidance=("G10",),
        text=(
            "How did your {time} walk go, {name}? Let me know if you walked, "
            "skipped it or are in pain. Building up slowly is what counts."
        ),
        spoken="{name}, did you walk today, skip it, or are you in pain?",
    ),
    # Weather at the walk's hour: {why} is one of WEATHER_REASONS, filled in.
    Template(
        key="weather_indoors",
        guidance=("G12", "G8"),
        text=(
            "{why}, so walk indoors today: on a treadmill, leave the handrails alone "
            "unless you need them for balance, or take a flat indoor route."
        ),
        spoken="{why}. Walk indoors, on a treadmill without the rails or a flat route.",
    ),
    Template(
        key="weather_alternative",
        guidance=("G7",),
        text="Or swap the walk for another low-impact activity: {activities}.",
        spoken="Or try {activities} instead.",
    ),
    Template(
        key="weather_flat_ground",
        guidance=("G8",),
        text=(
            "If you do go out while your back is healing, keep to flat, safe ground "
            "that has been cleared."
        ),
        spoken="If you go out, keep to flat, safe ground.",
    ),
    Template(
        key="not_medical_advice",
        guidance=("G15",),
        text=(
            "backwalk is not medical advice. "
            "Serious symptoms need emergency care at once."
        ),
        spoken="This is not medical advice.",
    ),
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

# G13, in the order the guidance lists them.
STRETCH_AREAS: tuple[str, ...] = (
    "neck",
    "arms",
    "hips",
    "legs",
    "hamstrings",
    "ankles",
)

# G7's low-impact alternatives, by Activity value, as they read in a sentence.
ACTIVITY_NAMES: Mapping[str, str] = MappingProxyType(
    {
        "swimming": "swimming",
        "stationary_bike": "a stationary bike",
        "yoga": "gentle yoga",
    }
)


# Why the weather changes the walk, by model.weather.Hazard value; {when} is "this
# morning", "tonight" and so on. Plain words: they are spoken too.
WEATHER_REASONS: Mapping[str, str] = MappingProxyType(
    {
        "ice": "It is icy {when}",
        "snow": "It is snowy {when}",
        "storm": "A storm is forecast {when}",
        "severe": "Severe weather is forecast {when}",
        "heavy_rain": "Heavy rain is forecast {when}",
        "heat": "It will be very hot {when}",
    }
)


def join_words(words: Iterable[str], conjunction: str = "and") -> str:
    """Join words as a sentence lists them: "a, b and c"."""
    items = list(words)
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {conjunction} {items[-1]}"
