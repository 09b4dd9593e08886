"""The report as a printable page and as CSV: pure text building, no Home Assistant.

The page is self-contained (inline CSS and SVG, nothing fetched from anywhere), sized
for A4, and every text that came from a person is escaped. Its words and dates are the
catalog's ("report" and "format" keys) in the language the context names; the CSV keeps
machine names (its headings and the record types), so a spreadsheet or a script reads
every language's download alike.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from html import escape
import io
import math

from .model import Alternative, Messages, PainReport, Record, Stretch, Walk
from .model.report import ReportSummary
from .report_style import PAGE_CSS

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
_DASH = "–"  # noqa: RUF001 - an en dash where there is no value
_NO_BREAK = "\u00a0"
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
    # The profile's language: every word and date on the page.
    messages: Messages


def _number(value: float, digits: int = 0, decimal: str = ".") -> str:
    """Format a finite number; a non-finite one (never expected) shows as a dash."""
    if not math.isfinite(value):
        return _DASH
    text = f"{value:.{digits}f}"
    text = text.removesuffix(".0") if digits == 1 else text
    return text.replace(".", decimal)


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


def _minutes_chart(summary: ReportSummary, messages: Messages) -> str:
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
        bar_title = messages(
            "report.minutes_chart.bar",
            day=messages.short_date(week.start),
            minutes=_number(week.minutes),
        )
        parts.append(
            f'<rect class="{css}" x="{x:.1f}" y="{_TOP + height - bar_height:.1f}" '
            f'width="{bar:.1f}" height="{bar_height:.1f}">'
            f"<title>{escape(bar_title)}</title></rect>"
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
                f"{escape(messages.short_date(week.start))}</text>"
            )
    return _svg(messages("report.minutes_chart.title"), parts)


def _pain_chart(summary: ReportSummary, messages: Messages) -> str:
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
    threshold_label = messages("report.pain_chart.threshold", level=threshold)
    y = y_of(threshold)
    parts.append(
        f'<line class="threshold" x1="{_LEFT}" x2="{_CHART_WIDTH - 6}" '
        f'y1="{y:.1f}" y2="{y:.1f}"/>'
        f'<text class="axis threshold-label" x="{_CHART_WIDTH - 8}" y="{y - 3:.1f}" '
        f'text-anchor="end">{escape(threshold_label)}</text>'
    )
    points = [(x_of(p.day), y_of(p.level)) for p in summary.pain]
    if len(points) > 1:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        parts.append(f'<polyline class="pain" points="{path}"/>')
    for p, (x, y) in zip(summary.pain, points, strict=True):
        flag = p.max_level >= summary.settings.red_flag_level
        dot_title = messages(
            "report.pain_chart.dot", day=messages.short_date(p.day), level=p.level
        )
        parts.append(
            f'<circle class="{"dot flag" if flag else "dot"}" cx="{x:.1f}" '
            f'cy="{y:.1f}" r="{4.5 if flag else 2.4}">'
            f"<title>{escape(dot_title)}</title></circle>"
        )
    step = max(1, math.ceil(days / 8))
    for offset in range(0, days, step):
        day = summary.start + timedelta(days=offset)
        parts.append(
            f'<text class="axis" x="{x_of(day):.1f}" y="{_CHART_HEIGHT - 6}" '
            f'text-anchor="middle">{escape(messages.short_date(day))}</text>'
        )
    return _svg(messages("report.pain_chart.label"), parts)


def _svg(title: str, parts: list[str]) -> str:
    return (
        f'<svg role="img" aria-label="{escape(title)}" '
        f'viewBox="0 0 {_CHART_WIDTH} {_CHART_HEIGHT}">{"".join(parts)}</svg>'
    )


def _figures(summary: ReportSummary, messages: Messages) -> str:
    """Write the key figures: each a number (or word) over what it counts."""
    settings = summary.settings
    weeks = len(summary.weeks) or 1
    decimal = messages.raw("format.decimal")
    average = (
        _DASH
        if summary.average_pain is None
        else _number(summary.average_pain, 1, decimal)
    )
    slope = summary.pain_trend_per_week
    if slope is not None:
        slope_text = f"{slope:+.2f}".replace(".", decimal)
        trend_detail = messages("report.figure.trend_per_week", slope=slope_text)
    else:
        trend_detail = messages("report.figure.trend")
    figures = [
        (_number(summary.walk_minutes), messages("report.figure.walk_minutes")),
        (
            str(summary.walks),
            messages(
                "report.figure.walks",
                days=messages.plural("report.on_days", summary.walk_days),
            ),
        ),
        (
            _number(summary.walk_minutes / weeks),
            messages("report.figure.minutes_per_week"),
        ),
        (
            f"{summary.current_streak} / {summary.longest_streak}",
            messages("report.figure.streak"),
        ),
        (average, messages.plural("report.figure.average_pain", len(summary.pain))),
        (messages(f"report.trend.{summary.pain_trend.value}"), trend_detail),
        (
            str(len(summary.pain_days)),
            messages("report.figure.pain_days", level=settings.pain_day_threshold),
        ),
        (
            str(len(summary.red_flag_days)),
            messages("report.figure.red_flag_days", level=settings.red_flag_level),
        ),
    ]
    return "".join(
        f'<div class="figure"><b>{escape(value)}</b><span>{escape(label)}</span></div>'
        for value, label in figures
    )


def _weeks_table(summary: ReportSummary, messages: Messages) -> str:
    """Write one row per week: walks against the goal, minutes, pain days."""
    headings = "".join(
        f"<th>{escape(messages(f'report.weeks.{key}'))}</th>"
        for key in (
            "week_of",
            "walks",
            "minutes",
            "minutes_per_walk",
            "pain_days",
            "goal_met",
        )
    )
    yes, no = messages("report.weeks.yes"), messages("report.weeks.no")
    rows = "".join(
        "<tr>"
        f"<td>{escape(messages.full_date(week.start))}</td>"
        f"<td>{week.walks} / {week.walks_needed}</td>"
        f"<td>{_number(week.minutes)}</td>"
        f"<td>{week.target_minutes}</td>"
        f"<td>{week.pain_days}</td>"
        f"<td>{escape(yes if week.goal_met else no)}</td>"
        "</tr>"
        for week in summary.weeks
    )
    return f"<table><tr>{headings}</tr>\n{rows}</table>"


def _plan(summary: ReportSummary, messages: Messages) -> str:
    """List the plan's shape and each step it took in the range."""
    settings = summary.settings
    shape = messages.plural(
        "report.plan.summary",
        settings.walks_per_week,
        starting=settings.starting_minutes,
        target=settings.target_minutes,
        now=summary.target_minutes,
    )
    steps = (
        "".join(
            "<li>"
            + escape(
                messages(
                    "report.plan.step",
                    week=messages.full_date(step.week),
                    from_minutes=step.from_minutes,
                    to_minutes=step.to_minutes,
                )
            )
            + "</li>"
            for step in summary.plan_steps
        )
        or f"<li>{escape(messages('report.plan.no_steps'))}</li>"
    )
    return f"<li>{escape(shape)}</li>\n{steps}"


def _activities(summary: ReportSummary, messages: Messages) -> str:
    """List the stretches and each alternative activity."""
    stretches = messages(
        "report.activities.stretches",
        sessions=summary.stretches,
        days=messages.plural("report.on_days", summary.stretch_days),
    )
    alternatives = (
        "".join(
            "<li>"
            + escape(
                messages.plural(
                    "report.activities.alternative",
                    item.count,
                    activity=messages(f"activity_label.{item.activity.value}"),
                    minutes=_number(item.minutes),
                )
            )
            + "</li>"
            for item in summary.alternatives
        )
        or f"<li>{escape(messages('report.activities.none'))}</li>"
    )
    return f"<li>{escape(stretches)}</li>\n{alternatives}"


def _notes(summary: ReportSummary, context: PageContext) -> str:
    """Show the notes people wrote, only in the owner's own download."""
    messages = context.messages
    noted = [record for record in summary.records if record.note]
    if not context.include_notes or not noted:
        return ""
    rows = "".join(
        "<tr>"
        f"<td>{escape(messages.date_time(record.time.astimezone(context.timezone), year=False))}</td>"
        f"<td>{escape(messages(f'report.kind.{_kind(record)}'))}</td>"
        f"<td>{escape(record.note or '')}</td>"
        "</tr>"
        for record in noted
    )
    headings = "".join(
        f"<th>{escape(messages(f'report.notes.{key}'))}</th>"
        for key in ("when", "what", "note")
    )
    return (
        f"<section><h2>{escape(messages('report.notes.title'))}</h2>"
        f'<table class="notes"><tr>{headings}</tr>{rows}</table></section>'
    )


def report_html(summary: ReportSummary, context: PageContext) -> str:
    """Return the printable page: key figures, two charts, the weeks, the plan."""
    messages = context.messages

    def words(key: str, **values: object) -> str:
        return escape(messages(key, **values))

    title = words("report.title")
    who = f"<div><h1>{title}</h1>"
    if context.name:
        who += f"<div>{escape(context.name)}</div>"
    who += "</div>"
    period = words(
        "report.period",
        start=messages.full_date(summary.start),
        end=messages.full_date(summary.end),
    )
    generated = words(
        "report.generated",
        when=messages.date_time(context.generated.astimezone(context.timezone)),
    )
    # A date in running text stays on one line ("14. Okt." must not break).
    red_flags = messages.join(
        messages.short_date(day).replace(" ", _NO_BREAK)
        for day in summary.red_flag_days
    ) or messages("report.pain_chart.no_red_flags")
    # The swatches sit inside the sentence, where each language puts them.
    minutes_legend = escape(messages.raw("report.minutes_chart.legend")).format(
        met='<span class="swatch" style="background:#2a5d84"></span>',
        not_met='<span class="swatch" style="background:#9fb8cc"></span>',
    )
    return f"""<!DOCTYPE html>
<html lang="{escape(messages.language)}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title><style>{PAGE_CSS}</style></head>
<body>
<header>{who}<div class="meta">{period}<br>
{generated}</div></header>
<div class="figures">{_figures(summary, messages)}</div>
<section><h2>{words("report.minutes_chart.title")}</h2>{_minutes_chart(summary, messages)}
<p class="legend">{minutes_legend}</p></section>
<section><h2>{words("report.pain_chart.title")}</h2>{_pain_chart(summary, messages)}
<p class="legend">{words("report.pain_chart.legend", days=red_flags)}</p></section>
<section><h2>{words("report.weeks.title")}</h2>{_weeks_table(summary, messages)}</section>
<div class="columns">
<section><h2>{words("report.plan.title")}</h2><ul>
{_plan(summary, messages)}</ul></section>
<section><h2>{words("report.activities.title")}</h2><ul>
{_activities(summary, messages)}</ul></section>
</div>
{_notes(summary, context)}
<p class="notice">{words("report.notice")}</p>
</body></html>
"""
