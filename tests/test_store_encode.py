"""The store's encoding cache: saves reuse what was encoded, and never stale content."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from custom_components.backwalk.codec import (
    EncodedRecords,
    ProfileData,
    encode,
    group_records,
)
from custom_components.backwalk.model import PainReport, Stretch, Walk

START = datetime(2026, 3, 2, 7, 30, tzinfo=UTC)


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
