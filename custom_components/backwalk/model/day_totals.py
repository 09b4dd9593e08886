"""One local day's totals: pain status, the day's summary and what it does to a streak."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import Enum, StrEnum

from .profile import Settings
from .records import PainReport


class PainStatus(StrEnum):
    """How today's pain relates to the person's thresholds."""

    NONE = "none"
    MILD = "mild"
    PAIN_DAY = "pain_day"
    RED_FLAG = "red_flag"


def pain_status(level: int | None, settings: Settings) -> PainStatus | None:
    """Classify a pain level against the settings' thresholds; None when unreported.

    Not reported is not "no pain": only a report of 0 says that.
    """
    if level is None:
        return None
    if level == 0:
        return PainStatus.NONE
    if level >= settings.red_flag_level:
        # G15: serious symptoms need care at once, not exercise.
        return PainStatus.RED_FLAG
    if level >= settings.pain_day_threshold:
        return PainStatus.PAIN_DAY
    return PainStatus.MILD


@dataclass(frozen=True, slots=True)
class DaySummary:
    """Everything logged on one local day."""

    day: date
    walk_minutes: float
    walk_count: int
    pain_level: int | None
    max_pain: int | None
    stretched: bool
    alternative_minutes: float


class DayKind(Enum):
    """What a day does to a streak."""

    BREAKS = 0
    ACTIVE = 1
    EXCUSED = 2


class DayTotals:
    """The totals of one local day: a few numbers, rebuilt from the records on change.

    Compact on purpose (ten years are thousands of days): the parts of the totals are
    not kept; a change on a day recomputes that day from its records, which the log
    finds by time without scanning (see WalkLog._recompute_day).
    """

    __slots__ = (
        "alternative_minutes",
        "latest_pain",
        "max_pain",
        "pain_level",
        "stretched",
        "walk_count",
        "walk_lengths",
        "walk_minutes",
    )

    def __init__(
        self,
        walk_minutes: float = 0.0,
        walk_count: int = 0,
        latest_pain: PainReport | None = None,
        stretched: bool = False,
        alternative_minutes: float = 0.0,
    ) -> None:
        """Hold the totals; max_pain starts at the latest report's level."""
        self.walk_minutes = walk_minutes
        self.walk_count = walk_count
        # The length of each walk that began on this day: whether a walk counts as one
        # of the week's walks depends on the settings' daily minimum.
        self.walk_lengths: list[float] = []
        # The latest report wins; ties in time break on id so the answer is stable.
        self.latest_pain = latest_pain
        self.pain_level: int | None = None if latest_pain is None else latest_pain.level
        self.max_pain = self.pain_level
        self.stretched = stretched
        # Alternatives always last longer than 0 minutes, so > 0 means "any".
        self.alternative_minutes = alternative_minutes

    def add_pain(self, report: PainReport) -> None:
        """Count one more pain report of this day."""
        latest = self.latest_pain
        if latest is None or (report.time, report.id) > (latest.time, latest.id):
            self.latest_pain = report
            self.pain_level = report.level
        if self.max_pain is None or report.level > self.max_pain:
            self.max_pain = report.level

    def counted_walks(self, settings: Settings) -> int:
        """Count this day's walks that count toward the weekly goal.

        A walk shorter than the daily minimum (a start and finish pressed by mistake)
        adds its minutes but is not one of the week's walks.
        """
        minimum = settings.daily_minimum_minutes
        counted = sum(1 for minutes in self.walk_lengths if minutes >= minimum)
        return min(counted, 1) if settings.count_walk_days else counted

    def kind(self, settings: Settings) -> DayKind:
        """Whether this day extends, skips or breaks a streak."""
        if self.walk_minutes >= settings.daily_minimum_minutes:
            return DayKind.ACTIVE
        if (
            self.pain_level is not None
            and self.pain_level >= settings.pain_day_threshold
            and (self.stretched or self.alternative_minutes > 0)
        ):
            return DayKind.EXCUSED
        return DayKind.BREAKS
