"""The report page and CSV built alone (report_page.py has no Home Assistant import)."""

from __future__ import annotations

import ast
import csv
from datetime import date, datetime, time, timedelta
from html import escape
import io
from pathlib import Path
import re
from zoneinfo import ZoneInfo

import pytest

from custom_components.backwalk import report_page
from custom_components.backwalk.model import (
    LANGUAGES,
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
from tests.model.languages import CATALOG, ENGLISH

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
    # An empty list says what is missing, not a bare "none" under the stretches.
    assert "<li>no alternative activities in this period</li>" in page
    assert records_csv(summary.records, BERLIN, include_notes=True).splitlines() == [
        ",".join(report_page.CSV_FIELDS)
    ]


def four_weeks() -> WalkLog:
    """Walks building up, pain easing from 6 to 2, a red flag, stretches, swims, yoga."""
    log = WalkLog(BERLIN)
    for offset in range(27):
        log.add(PainReport(new_id(), at(offset, 8), max(2, 6 - offset // 6)))
        if offset == 9:
            log.add(PainReport(new_id(), at(offset, 9), 9, note="sharp after lifting"))
        if offset % 7 in (0, 2, 4):
            log.add(Walk(new_id(), at(offset, 17), 10.0 + offset, distance_km=1.25))
        elif offset % 7 == 5:
            log.add(Stretch(new_id(), at(offset)))
            activity = Activity.SWIMMING if offset < 14 else Activity.STATIONARY_BIKE
            log.add(Alternative(new_id(), at(offset, 12), activity, 25.0))
    log.add(Alternative(new_id(), at(26, 12), Activity.YOGA, 20.0))
    return log


# Report words a language writes exactly as English does (and the product's name).
SHARED_WORDS: dict[str, set[str]] = {
    "de": {"Home Assistant"},
    "fr": {"Home Assistant", "Notes", "Minutes", "minutes", "alternative"},
    "nl": {"Home Assistant", "per week"},
    "es": {"Home Assistant"},
}


def visible(page: str) -> str:
    """The page without its stylesheet (whose braces are CSS, not placeholders)."""
    return re.sub(r"<style>.*?</style>", "", page, flags=re.DOTALL)


def english_fragments() -> set[str]:
    """Each clause of the English report's words, between placeholders and commas."""
    pieces = set()
    for key, text in ENGLISH.strings.items():
        if key.startswith("report."):
            pieces |= {piece.strip() for piece in re.split(r"\{\w+\}|[.;:,()]", text)}
    return {piece for piece in pieces if len(piece) >= 5}


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_page_speaks_every_language(language: str) -> None:
    """Four weeks in each language: its own words and dates, nothing left unfilled."""
    messages = CATALOG.messages(language)
    summary = build_report(
        four_weeks(), Settings(), MONDAY, MONDAY + timedelta(27), at(27, 20)
    )
    assert summary.plan_steps
    assert summary.red_flag_days
    assert summary.pain_trend_per_week is not None
    page = report_html(summary, context(owner=True, language=language))
    text = visible(page)
    assert f'<html lang="{language}">' in page
    assert f"<h1>{escape(messages('report.title'))}</h1>" in text
    assert escape(messages(f"report.trend.{summary.pain_trend.value}")) in text
    assert "{" not in text
    assert "}" not in text
    assert not re.search(r"\b(None|NaN|nan|inf|undefined|null)\b", text)
    if language == "en":
        # The leftover check below finds English where there is some.
        found = [piece for piece in english_fragments() if escape(piece) in text]
        assert len(found) > 30, found
    else:
        leftovers = sorted(
            piece
            for piece in english_fragments()
            if escape(piece) in text and piece not in SHARED_WORDS[language]
        )
        assert not leftovers


def test_the_german_page_reads_german() -> None:
    """German words, German dates and decimal commas; no English left."""
    summary = build_report(
        four_weeks(), Settings(), MONDAY, MONDAY + timedelta(27), at(27, 20)
    )
    text = visible(report_html(summary, context(owner=True, language="de")))
    assert "Bericht über Spaziergänge und Rückenschmerzen" in text
    assert "2. Nov. 2026 \N{EN DASH} 29. Nov. 2026" in text
    assert "erstellt am 8. Nov. 2026, 20:00 Uhr" in text
    assert "Gehminuten pro Woche" in text
    assert "Schmerztag-Schwelle (5)" in text
    assert "Heimtrainer: 2-mal, 50 Min." in text
    assert "Sanftes Yoga: einmal, 20 Min." in text
    assert "Dehnübungen: 4 an 4 Tagen" in text
    assert "sharp after lifting" in text  # a note stays as the person wrote it
    assert re.search(r"<b>\d,\d</b><span>Schmerz im Schnitt", text)
    for english in (
        "walking minutes",
        "Walking and back pain report",
        "pain-day threshold",
        "Not medical advice",
        "improving",
        "Nov 2026",
        "per week",
    ):
        assert english not in text, english
