"""The backwalk domain model: pure Python, no Home Assistant."""

from .days import day_start, local_day, split_minutes_by_day, week_days, week_start
from .errors import ModelError
from .profile import Condition, PainDuration, Settings, condition_for
from .progress import (
    DaySummary,
    PainStatus,
    Snapshot,
    WalkLog,
    compute_snapshot,
    pain_status,
)
from .records import (
    MAX_DISTANCE_KM,
    MAX_NOTE_LENGTH,
    MAX_PAIN_LEVEL,
    MAX_WALK_MINUTES,
    Activity,
    Alternative,
    PainReport,
    Record,
    Source,
    Stretch,
    Walk,
    check_not_future,
    new_id,
)

__all__ = [
    "MAX_DISTANCE_KM",
    "MAX_NOTE_LENGTH",
    "MAX_PAIN_LEVEL",
    "MAX_WALK_MINUTES",
    "Activity",
    "Alternative",
    "Condition",
    "DaySummary",
    "ModelError",
    "PainDuration",
    "PainReport",
    "PainStatus",
    "Record",
    "Settings",
    "Snapshot",
    "Source",
    "Stretch",
    "Walk",
    "WalkLog",
    "check_not_future",
    "compute_snapshot",
    "condition_for",
    "day_start",
    "local_day",
    "new_id",
    "pain_status",
    "split_minutes_by_day",
    "week_days",
    "week_start",
]
