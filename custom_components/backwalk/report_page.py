"""The report as a printable page and as CSV: pure text building, no Home Assistant.

The page is self-contained (inline CSS and SVG, nothing fetched from anywhere), sized
for A4, and every text that came from a person is escaped.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from html import escape
import io
import math

from .model import Alternative, PainReport, Record, Stretch, Walk
from .model.report import PainTrend, ReportSummary

CSV_FIELDS = (
    "type",
    "id",
    "time",
    "end",
    "minutes",
    "distance_km",
    "level",
    "activity",
    "source",
    "note",
)
TREND_WORDS = {
    PainTrend.IMPROVING: "improving",
    PainTrend.STEADY: "steady",
    PainTrend.WORSE: "worse",
    PainTrend.UNKNOWN: "not enough reports",
}
ACTIVITY_WORDS = {
    "swimming": "Swimming",
    "stationary_bike": "Stationary bike",
    "yoga": "Yoga",
    "other": "Other",
}
_DASH = "–"  # noqa: RUF001 - an en dash between two dates
_CHART_WIDTH = 680
_CHART_HEIGHT = 170
_LEFT = 34
_BOTTOM = 22
_TOP = 10


@dataclass(frozen=True, slots=True)
class PageContext:
    """What the page shows besides the summary: who may see what, and when."""

    # The profile's name, only in its owner's own download.
    name: str | None
    include_notes: bool
    generated: datetime
    timezone: tzinfo


def _number(value: float, digits: int = 0) -> str:
    """Format a finite number; a non-finite one (never expected) shows as a dash."""
    if not math.isfinite(value):
        return _DASH
    text = f"{value:.{digits}f}"
    return text.removesuffix(".0") if digits == 1 else text


def _day(day: date) -> str:
    return f"{day.day} {day:%b %Y}"


def _short_day(day: date) -> str:
    return f"{day.day} {day:%b}"


def _kind(record: Record) -> str:
    if isinstance(record, Walk):
        return "walk"
    if isinstance(record, PainReport):
        return "pain"
    if isinstance(record, Stretch):
        return "stretch"
    return "alternative"


def records_csv(records: tuple[Record, ...], tz: tzinfo, *, include_notes: bool) -> str:
    """Return one CSV row per record, times in ISO 8601 with their UTC offset."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_FIELDS)
    for record in records:
        row: dict[str, str] = dict.fromkeys(CSV_FIELDS, "")
        row["type"] = _kind(record)
        row["id"] = record.id
        row["time"] = record.time.astimezone(tz).isoformat()
        if isinstance(record, Walk | Alternative):
            end = record.time + timedelta(minutes=record.minutes)
            row["end"] = end.astimezone(tz).isoformat()
            # repr: the shortest text that reads back as the same float.
            row["minutes"] = repr(record.minutes)
        if isinstance(record, Walk):
            row["source"] = record.source.value
            if record.distance_km is not None:
                row["distance_km"] = repr(record.distance_km)
        if isinstance(record, PainReport):
            row["level"] = str(record.level)
        if isinstance(record, Alternative):
            row["activity"] = record.activity.value
        if include_notes and record.note:
            row["note"] = record.note
        writer.writerow(row.values())
    return out.getvalue()


def _minutes_chart(summary: ReportSummary) -> str:
    """Draw walking minutes per week as bars, with each week's goal as a tick."""
    weeks = summary.weeks
    goals = [week.walks_needed * week.target_minutes for week in weeks]
    top = max([30.0, *(week.minutes for week in weeks), *goals])
    top = math.ceil(top / 30) * 30
    width = _CHART_WIDTH - _LEFT - 6
    height = _CHART_HEIGHT - _BOTTOM - _TOP
    slot = width / max(len(weeks), 1)
    bar = max(slot * 0.62, 1.0)
    label_every = max(1, math.ceil(len(weeks) / 12))
    parts: list[str] = []
    for tick in range(4):
        value = top * tick / 3
        y = _TOP + height - height * tick / 3
        parts.append(
            f'<line class="grid" x1="{_LEFT}" x2="{_CHART_WIDTH - 6}" '
            f'y1="{y:.1f}" y2="{y:.1f}"/>'
            f'<text class="axis" x="{_LEFT - 4}" y="{y + 3:.1f}" '
            f'text-anchor="end">{_number(value)}</text>'
        )
    for index, (week, goal) in enumerate(zip(weeks, goals, strict=True)):
        x = _LEFT + slot * index + (slot - bar) / 2
        bar_height = height * week.minutes / top
        css = "bar met" if week.goal_met else "bar"
        parts.append(
            f'<rect class="{css}" x="{x:.1f}" y="{_TOP + height - bar_height:.1f}" '
            f'width="{bar:.1f}" height="{bar_height:.1f}">'
            f"<title>{escape(_short_day(week.start))}: "
            f"{_number(week.minutes)} min</title></rect>"
        )
        if goal:
            y = _TOP + height - height * goal / top
            parts.append(
                f'<line class="goal" x1="{x - 2:.1f}" x2="{x + bar + 2:.1f}" '
                f'y1="{y:.1f}" y2="{y:.1f}"/>'
            )
        if index % label_every == 0:
            parts.append(
                f'<text class="axis" x="{x + bar / 2:.1f}" '
                f'y="{_CHART_HEIGHT - 6}" text-anchor="middle">'
                f"{escape(_short_day(week.start))}</text>"
            )
    return _svg("Walking minutes per week", parts)


def _pain_chart(summary: ReportSummary) -> str:
    """Draw the day's pain (latest report) as a line, the pain-day threshold dashed."""
    days = (summary.end - summary.start).days + 1
    width = _CHART_WIDTH - _LEFT - 6
    height = _CHART_HEIGHT - _BOTTOM - _TOP

    def x_of(day: date) -> float:
        offset = (day - summary.start).days
        return _LEFT + (width * (offset + 0.5) / days)

    def y_of(level: float) -> float:
        return _TOP + height - height * level / 10

    parts: list[str] = []
    for level in (0, 5, 10):
        y = y_of(level)
        parts.append(
            f'<line class="grid" x1="{_LEFT}" x2="{_CHART_WIDTH - 6}" '
            f'y1="{y:.1f}" y2="{y:.1f}"/>'
            f'<text class="axis" x="{_LEFT - 4}" y="{y + 3:.1f}" '
            f'text-anchor="end">{level}</text>'
        )
    threshold = summary.settings.pain_day_threshold
    y = y_of(threshold)
    parts.append(
        f'<line class="threshold" x1="{_LEFT}" x2="{_CHART_WIDTH - 6}" '
        f'y1="{y:.1f}" y2="{y:.1f}"/>'
        f'<text class="axis threshold-label" x="{_CHART_WIDTH - 8}" y="{y - 3:.1f}" '
        f'text-anchor="end">pain-day threshold ({threshold})</text>'
    )
    points = [(x_of(p.day), y_of(p.level)) for p in summary.pain]
    if len(points) > 1:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        parts.append(f'<polyline class="pain" points="{path}"/>')
    for p, (x, y) in zip(summary.pain, points, strict=True):
        flag = p.max_level >= summary.settings.red_flag_level
        parts.append(
            f'<circle class="{"dot flag" if flag else "dot"}" cx="{x:.1f}" '
            f'cy="{y:.1f}" r="{4.5 if flag else 2.4}">'
            f"<title>{escape(_short_day(p.day))}: {p.level}</title></circle>"
        )
    step = max(1, math.ceil(days / 8))
    for offset in range(0, days, step):
        day = summary.start + timedelta(days=offset)
        parts.append(
            f'<text class="axis" x="{x_of(day):.1f}" y="{_CHART_HEIGHT - 6}" '
            f'text-anchor="middle">{escape(_short_day(day))}</text>'
        )
    return _svg("Pain per day (0-10)", parts)


def _svg(title: str, parts: list[str]) -> str:
    return (
        f'<svg role="img" aria-label="{escape(title)}" '
        f'viewBox="0 0 {_CHART_WIDTH} {_CHART_HEIGHT}">{"".join(parts)}</svg>'
    )


_CSS = """
@page { size: A4; margin: 14mm 14mm 16mm; }
* { box-sizing: border-box; }
html { background: #fff; }
body { margin: 0 auto; max-width: 182mm; color: #1d2430; font: 10pt/1.4
  system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
header { border-bottom: 2px solid #2a5d84; padding-bottom: 6pt; margin-bottom: 10pt;
  display: flex; justify-content: space-between; align-items: flex-end; gap: 12pt; }
h1 { font-size: 16pt; margin: 0; color: #17415f; }
h2 { font-size: 11pt; margin: 12pt 0 4pt; color: #17415f;
  border-bottom: 1px solid #d5dde5; padding-bottom: 2pt; }
.meta { text-align: right; color: #4a5563; font-size: 9pt; }
.figures { display: grid; grid-template-columns: repeat(4, 1fr); gap: 5pt; }
.figure { border: 1px solid #d5dde5; border-radius: 4pt; padding: 4pt 6pt; }
.figure b { display: block; font-size: 13pt; color: #17415f; }
.figure span { color: #4a5563; font-size: 8.5pt; }
svg { width: 100%; height: auto; display: block; }
.grid { stroke: #e3e8ee; stroke-width: 1; }
.axis { font-size: 9px; fill: #5b6675; }
.bar { fill: #9fb8cc; }
.bar.met { fill: #2a5d84; }
.goal { stroke: #1d2430; stroke-width: 1.5; }
.pain { fill: none; stroke: #b5522b; stroke-width: 1.6; }
.dot { fill: #b5522b; }
.dot.flag { fill: #fff; stroke: #d0021b; stroke-width: 2.2; }
.threshold { stroke: #7a2f12; stroke-width: 1; stroke-dasharray: 5 4; }
.legend { color: #4a5563; font-size: 8.5pt; margin: 2pt 0 0; }
.swatch { display: inline-block; width: 9pt; height: 7pt; vertical-align: baseline; }
table { width: 100%; border-collapse: collapse; font-size: 9pt; }
th, td { text-align: right; padding: 2pt 5pt; border-bottom: 1px solid #e3e8ee; }
th:first-child, td:first-child { text-align: left; }
th { color: #4a5563; font-weight: 600; }
.columns { display: grid; grid-template-columns: 1fr 1fr; gap: 12pt; }
ul { margin: 2pt 0; padding-left: 14pt; }
.notes td { text-align: left; }
.notice { margin-top: 10pt; color: #5b6675; font-size: 8pt; }
section, .figures, svg, tr { break-inside: avoid; }
"""


def report_html(summary: ReportSummary, context: PageContext) -> str:
    """Return the printable page: key figures, two charts, the weeks, the plan."""
    settings = summary.settings
    weeks = len(summary.weeks) or 1
    title = "Walking and back pain report"
    who = f"<div><h1>{escape(title)}</h1>"
    if context.name:
        who += f"<div>{escape(context.name)}</div>"
    who += "</div>"
    period = f"{_day(summary.start)} {_DASH} {_day(summary.end)}"
    generated = context.generated.astimezone(context.timezone)
    average = (
        _DASH if summary.average_pain is None else _number(summary.average_pain, 1)
    )
    slope = summary.pain_trend_per_week
    trend = TREND_WORDS[summary.pain_trend]
    if slope is not None:
        trend_detail = f"{slope:+.2f} per week"
    else:
        trend_detail = "trend of the day's pain"
    figures = [
        (_number(summary.walk_minutes), "walking minutes"),
        (str(summary.walks), f"walks on {summary.walk_days} days"),
        (_number(summary.walk_minutes / weeks), "minutes per week (average)"),
        (
            f"{summary.current_streak} / {summary.longest_streak}",
            "streak now / longest",
        ),
        (average, f"average pain, {len(summary.pain)} days reported"),
        (trend, trend_detail),
        (str(len(summary.pain_days)), f"pain days (≥ {settings.pain_day_threshold})"),
        (
            str(len(summary.red_flag_days)),
            f"red-flag days (≥ {settings.red_flag_level})",
        ),
    ]
    figure_html = "".join(
        f'<div class="figure"><b>{escape(value)}</b><span>{escape(label)}</span></div>'
        for value, label in figures
    )
    rows = "".join(
        "<tr>"
        f"<td>{escape(_day(week.start))}</td>"
        f"<td>{week.walks} / {week.walks_needed}</td>"
        f"<td>{_number(week.minutes)}</td>"
        f"<td>{week.target_minutes}</td>"
        f"<td>{week.pain_days}</td>"
        f"<td>{'yes' if week.goal_met else 'no'}</td>"
        "</tr>"
        for week in summary.weeks
    )
    alternatives = (
        "".join(
            f"<li>{escape(ACTIVITY_WORDS.get(item.activity.value, item.activity))}: "
            f"{item.count} times, {_number(item.minutes)} min</li>"
            for item in summary.alternatives
        )
        or "<li>none</li>"
    )
    steps = (
        "".join(
            f"<li>{escape(_day(step.week))}: {step.from_minutes} → "
            f"{step.to_minutes} min per walk</li>"
            for step in summary.plan_steps
        )
        or "<li>no change in this period</li>"
    )
    red_flags = ", ".join(_short_day(day) for day in summary.red_flag_days) or "none"
    notes = ""
    if context.include_notes:
        noted = [record for record in summary.records if record.note]
        if noted:
            note_rows = "".join(
                "<tr>"
                f"<td>{escape(record.time.astimezone(context.timezone).strftime('%d %b %H:%M'))}</td>"
                f"<td>{escape(_kind(record))}</td>"
                f"<td>{escape(record.note or '')}</td>"
                "</tr>"
                for record in noted
            )
            notes = (
                '<section><h2>Notes</h2><table class="notes"><tr><th>When</th>'
                f"<th>What</th><th>Note</th></tr>{note_rows}</table></section>"
            )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title><style>{_CSS}</style></head>
<body>
<header>{who}<div class="meta">{escape(period)}<br>
generated {escape(generated.strftime("%d %b %Y %H:%M"))}</div></header>
<div class="figures">{figure_html}</div>
<section><h2>Walking minutes per week</h2>{_minutes_chart(summary)}
<p class="legend"><span class="swatch" style="background:#2a5d84"></span> weekly goal
met <span class="swatch" style="background:#9fb8cc"></span> not met; the black tick is
the week's goal (walks needed &times; minutes per walk).</p></section>
<section><h2>Pain per day</h2>{_pain_chart(summary)}
<p class="legend">The day's pain is its latest report (0-10). Red rings: a report at
the red-flag level that day ({escape(red_flags)}).</p></section>
<section><h2>Weeks</h2><table><tr><th>Week of</th><th>Walks / needed</th>
<th>Minutes</th><th>Min per walk</th><th>Pain days</th><th>Goal met</th></tr>
{rows}</table></section>
<div class="columns">
<section><h2>The plan</h2><ul>
<li>{settings.walks_per_week} walks a week, building from {settings.starting_minutes}
to {settings.target_minutes} minutes per walk; now {summary.target_minutes} minutes</li>
{steps}</ul></section>
<section><h2>Stretches and alternatives</h2><ul>
<li>Stretches: {summary.stretches} on {summary.stretch_days} days</li>
{alternatives}</ul></section>
</div>
{notes}
<p class="notice">From the person's own log in backwalk (Home Assistant).
Walks, pain (0-10) and activities are self-reported. Not medical advice.</p>
</body></html>
"""
