"""The report page and CSV built alone (report_page.py has no Home Assistant import)."""

from __future__ import annotations

import ast
import csv
from datetime import date, datetime, time, timedelta
import io
from pathlib import Path
import re
from zoneinfo import ZoneInfo

from custom_components.backwalk import report_page
from custom_components.backwalk.model import (
    Activity,
    Alternative,
    PainReport,
    Settings,
    Stretch,
    Walk,
    WalkLog,
    new_id,
)
from custom_components.backwalk.model.report import build_report
from custom_components.backwalk.report_page import PageContext, records_csv, report_html
from tests.model.languages import CATALOG

BERLIN = ZoneInfo("Europe/Berlin")
MONDAY = date(2026, 11, 2)
HOSTILE = '<script>alert(1)</script> & "quotes" <img src=x>'


def at(offset: int, hour: int = 10) -> datetime:
    return datetime.combine(MONDAY + timedelta(days=offset), time(hour), BERLIN)


def sample_log() -> WalkLog:
    log = WalkLog(BERLIN)
    log.add(Walk(new_id(), at(0), 12.5, distance_km=1.1, note=HOSTILE))
    log.add(PainReport(new_id(), at(0, 8), 6, note=HOSTILE))
    log.add(PainReport(new_id(), at(3, 8), 9))
    log.add(Stretch(new_id(), at(1), note="hamstrings"))
    log.add(Alternative(new_id(), at(2), Activity.YOGA, 20.0))
    return log


def context(*, owner: bool, language: str = "en") -> PageContext:
    return PageContext(
        name=HOSTILE if owner else None,
        include_notes=owner,
        generated=at(6, 20),
        timezone=BERLIN,
        messages=CATALOG.messages(language),
    )


def test_module_has_no_home_assistant_import() -> None:
    """The page builder stays testable without Home Assistant."""
    tree = ast.parse(Path(report_page.__file__).read_text(encoding="utf-8"))
    imported = [
        node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
    ] + [
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    ]
    assert not [name for name in imported if name.startswith("homeassistant")]


def test_text_from_people_is_escaped() -> None:
    """A name or note with markup is shown as text, never as markup."""
    summary = build_report(
        sample_log(), Settings(), MONDAY, MONDAY + timedelta(6), at(6, 20)
    )
    page = report_html(summary, context(owner=True))
    assert "<script" not in page
    assert "<img" not in page
    assert page.count("&lt;script&gt;alert(1)&lt;/script&gt;") == 3  # name, 2 notes
    assert "hamstrings" in page


def test_others_get_no_name_and_no_notes() -> None:
    """Without the owner's context neither the name nor any note is in page or CSV."""
    log = sample_log()
    summary = build_report(log, Settings(), MONDAY, MONDAY + timedelta(6), at(6, 20))
    page = report_html(summary, context(owner=False))
    assert "alert(1)" not in page
    assert "hamstrings" not in page
    rows = list(
        csv.DictReader(
            io.StringIO(records_csv(summary.records, BERLIN, include_notes=False))
        )
    )
    assert len(rows) == len(log) == 5
    assert {row["note"] for row in rows} == {""}


def test_empty_range_has_no_missing_values() -> None:
    """Nothing logged: zeroes and dashes, no None/NaN, the threshold still drawn."""
    summary = build_report(WalkLog(BERLIN), Settings(), MONDAY, MONDAY, at(0))
    page = report_html(summary, context(owner=True))
    assert not re.search(r"\b(None|NaN|nan|inf|undefined)\b", page)
    assert 'class="threshold"' in page
    assert records_csv(summary.records, BERLIN, include_notes=True).splitlines() == [
        ",".join(report_page.CSV_FIELDS)
    ]
