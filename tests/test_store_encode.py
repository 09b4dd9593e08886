"""The store's encoding cache: saves reuse what was encoded, and never stale content."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
import json
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from custom_components.backwalk.archive_codec import ArchiveTotals, ArchiveWriter
from custom_components.backwalk.codec import (
    EncodedRecords,
    ProfileData,
    decode,
    encode,
    group_records,
)
from custom_components.backwalk.model import (
    Activity,
    Alternative,
    ModelError,
    PainReport,
    Record,
    Settings,
    Stretch,
    Walk,
    WalkLog,
)

START = datetime(2026, 3, 2, 7, 30, tzinfo=UTC)
SETTINGS = Settings(first_weekday=6)


def _key(record: Record) -> tuple[datetime, str]:
    return record.time, record.id


def test_cache_matches_group_records_and_drops_replaced_records() -> None:
    walk = Walk(id="w1", start=START, minutes=20)
    pain = PainReport(id="p1", time=START, level=3)
    stretch = Stretch(id="s1", time=START)
    cache = EncodedRecords()
    records = [walk, pain, stretch]
    first = cache.group(records)
    assert first == group_records(records)
    # A record saved before is not encoded again.
    again = cache.group(records)
    assert again["walks"][0] is first["walks"][0]
    # The same id with other content (an edit) is encoded afresh.
    edited = replace(walk, minutes=25.0)
    changed = cache.group([edited, pain])
    assert changed == group_records([edited, pain])
    assert changed["walks"][0]["minutes"] == 25.0
    # Encoding through the cache gives the same stored form as without it.
    data = ProfileData(records=[edited, pain])
    assert encode(data, cache) == encode(data)


def _year_of_records() -> list[Record]:
    records: list[Record] = []
    for day in range(365):
        moment = START - timedelta(days=day)
        records.append(Walk(id=f"w{day}", start=moment, minutes=10 + day % 30))
        if day % 3 == 0:
            records.append(PainReport(id=f"p{day}", time=moment, level=day % 11))
        if day % 5 == 0:
            records.append(Stretch(id=f"s{day}", time=moment, note='ä "note"'))
        if day % 11 == 0:
            records.append(
                Alternative(
                    id=f"a{day}", time=moment, activity=Activity.YOGA, minutes=15
                )
            )
    return records


def test_archive_round_trip_and_append() -> None:
    """Old records go into the archive text, come back equal; later ones are appended."""
    tz = ZoneInfo("Europe/Berlin")
    records = _year_of_records()
    log = WalkLog(tz, records)
    writer = ArchiveWriter()
    today = START.date()
    archive, live = writer.archive(log, SETTINGS, today)
    assert archive is not None
    assert all(record.time >= archive.cutoff for record in live)
    stored = json.loads(json.dumps(encode(ProfileData(records=live, archive=archive))))
    loaded = decode(stored)
    assert loaded.archive is not None
    assert loaded.archive.count == len(records) - len(live)
    assert sorted(loaded.archive.records() + loaded.records, key=_key) == sorted(
        records, key=_key
    )
    assert loaded.archive.checkpoint == log.checkpoint(
        SETTINGS,
        loaded.archive.checkpoint.first_day,  # type: ignore[union-attr]
    )
    # Four weeks later, from the loaded (still archived) log: the aged records are
    # appended, nothing already archived is decoded.
    later = WalkLog(tz, loaded.records, loaded.archive)
    moved, kept = writer.archive(later, SETTINGS, today + timedelta(weeks=4))
    assert later.archive is loaded.archive  # not decoded
    assert moved is not None
    assert moved.count + len(kept) == len(records)
    assert moved.text.startswith(loaded.archive.text[:-1])
    assert sorted(moved.records() + kept, key=_key) == sorted(records, key=_key)
    # Its totals, extended, equal totals counted afresh (to the last bit).
    assert moved.totals == ArchiveTotals(0.0, 0).adding(moved.records(), tz)
    assert moved.totals is not None
    assert moved.totals.pain_days > 0
    assert moved.checkpoint == WalkLog(tz, records).checkpoint(
        SETTINGS,
        moved.checkpoint.first_day,  # type: ignore[union-attr]
    )


@pytest.mark.parametrize(
    "archive",
    [
        {"cutoff": "2026-01-01", "count": 0, "records": "[]"},  # no offset
        {"cutoff": "2026-01-01T00:00:00+00:00", "count": -1, "records": "[]"},
        {"cutoff": "2026-01-01T00:00:00+00:00", "count": 0, "records": []},
        "archive",
    ],
)
def test_invalid_archive_outline_is_refused(archive: Any) -> None:
    with pytest.raises(ModelError):
        decode({"walks": [], "archive": archive})


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("[1]", 1),
        ('[["x", "id"]]', 1),
        ('[["s", "id", "2025-01-01T00:00:00+00:00"]]', 1),  # a value missing
        ('[["s", "id", "2027-01-01T00:00:00+00:00", null]]', 1),  # after the cutoff
        ('[["p", "id", "2025-01-01T00:00:00+00:00", 11, null]]', 1),  # level 11
        ('[["s", "id", "2025-01-01T00:00:00+00:00", null]]', 2),  # one, not two
    ],
)
def test_invalid_archived_records_are_refused_when_decoded(
    text: str, count: int
) -> None:
    data = decode(
        {
            "walks": [],
            "archive": {
                "cutoff": "2026-01-01T00:00:00+00:00",
                "count": count,
                "records": text,
            },
        }
    )
    assert data.archive is not None
    with pytest.raises(ModelError):
        data.archive.records()


def test_unreadable_checkpoint_only_costs_a_recount() -> None:
    data = decode(
        {
            "walks": [],
            "archive": {
                "cutoff": "2026-01-01T00:00:00+00:00",
                "count": 1,
                "records": '[["s", "id", "2025-01-01T00:00:00+00:00", null]]',
                "checkpoint": {"settings": {"walks_per_week": 99}, "zone": "UTC"},
            },
        }
    )
    assert data.archive is not None
    assert data.archive.checkpoint is None
    assert [record.id for record in data.archive.records()] == ["id"]
