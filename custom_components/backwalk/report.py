"""The clinician report: the create_report action and its authenticated download.

The action returns the summary and signed links (valid a day, for a notification or
the card's new tab); the view serves the printable page or the CSV to a logged-in user
or a signed link. A name and notes are personal: they appear only in the owner's own
download (see is_owner). The page speaks the profile's language, as its reminders do.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from http import HTTPStatus
from typing import Any

from aiohttp import web
from homeassistant.auth.models import User
from homeassistant.components.http.auth import async_sign_path
from homeassistant.components.http.const import KEY_HASS_USER
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant, ServiceCall, ServiceResponse, callback
from homeassistant.helpers.http import KEY_HASS, HomeAssistantView
from homeassistant.util import dt as dt_util
import voluptuous as vol

from .const import ATTR_END, ATTR_START, DOMAIN
from .errors import validation_error
from .intents import linked_user_id
from .language import profile_messages
from .model import ModelError
from .model.report import (
    FIRST_REPORT_DAY,
    ReportSummary,
    build_report,
    check_range,
    default_range,
)
from .report_page import PageContext, records_csv, report_html
from .runtime import BackwalkConfigEntry, ProfileRuntime

REPORT_URL = f"/api/{DOMAIN}/report/{{entry_id}}"
# Long enough to open a notification the next morning; short enough that a forwarded
# link stops working soon.
LINK_LIFETIME = timedelta(days=1)
FORMATS = ("html", "csv")
# The page fetches nothing: the browser is told so too.
_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


def report_path(entry_id: str, start: date, end: date, file_format: str) -> str:
    """Return the download's path for one profile, range and format."""
    path = REPORT_URL.format(entry_id=entry_id)
    return (
        f"{path}?start={start.isoformat()}&end={end.isoformat()}&format={file_format}"
    )


def is_owner(hass: HomeAssistant, entry: BackwalkConfigEntry, user: User) -> bool:
    """Tell whether `user` may see the profile's name and notes.

    The owner is the Home Assistant user of the person the profile is linked to (the
    profile's "person" option, which Assist uses too). A profile linked to nobody is
    managed by the household's administrators, so then any administrator is its owner.
    """
    linked = linked_user_id(hass, entry)
    if linked is not None:
        return user.id == linked
    return user.is_admin


def summarize(runtime: ProfileRuntime, start: date, end: date) -> ReportSummary:
    """Build the summary of a profile's days start..end as of now."""
    try:
        return build_report(runtime.log, runtime.settings, start, end, dt_util.now())
    except ModelError as err:
        raise validation_error(err) from err


def report_range(runtime: ProfileRuntime, data: dict[str, Any]) -> tuple[date, date]:
    """Read an action's start and end (dates); by default the last 12 weeks."""
    today = dt_util.now(runtime.log.timezone).date()
    default_start, default_end = default_range(today, runtime.settings)
    end: date = data.get(ATTR_END, default_end)
    try:
        if ATTR_START in data:
            start: date = data[ATTR_START]
        elif ATTR_END in data:
            check_range(end, end)  # a far-off end has no day 12 weeks before it
            start = max(end - (default_end - default_start), FIRST_REPORT_DAY)
        else:
            start = default_start
        check_range(start, end)
    except ModelError as err:
        raise validation_error(err) from err
    return start, end


def summary_response(summary: ReportSummary) -> dict[str, Any]:
    """Return the summary as an action's JSON-safe response, minutes as the sensors."""
    settings = summary.settings
    return {
        "start": summary.start.isoformat(),
        "end": summary.end.isoformat(),
        "walk_minutes": round(summary.walk_minutes, 1),
        "walks": summary.walks,
        "walk_days": summary.walk_days,
        "distance_km": round(summary.distance_km, 2),
        "current_streak": summary.current_streak,
        "longest_streak": summary.longest_streak,
        "weekly_streak": summary.weekly_streak,
        "weeks": [
            {
                "start": week.start.isoformat(),
                "minutes": round(week.minutes, 1),
                "walks": week.walks,
                "walks_needed": week.walks_needed,
                "goal_met": week.goal_met,
                "target_minutes": week.target_minutes,
                "pain_days": week.pain_days,
            }
            for week in summary.weeks
        ],
        "pain": [
            {"day": p.day.isoformat(), "level": p.level, "max_level": p.max_level}
            for p in summary.pain
        ],
        "average_pain": summary.average_pain,
        "pain_trend": summary.pain_trend.value,
        "pain_trend_per_week": summary.pain_trend_per_week,
        "pain_day_threshold": settings.pain_day_threshold,
        "red_flag_level": settings.red_flag_level,
        "pain_days": [day.isoformat() for day in summary.pain_days],
        "red_flag_days": [day.isoformat() for day in summary.red_flag_days],
        "stretches": summary.stretches,
        "stretch_days": summary.stretch_days,
        "alternatives": [
            {
                "activity": item.activity.value,
                "count": item.count,
                "minutes": round(item.minutes, 1),
            }
            for item in summary.alternatives
        ],
        "plan": {
            "walks_per_week": settings.walks_per_week,
            "starting_minutes": settings.starting_minutes,
            "target_minutes": settings.target_minutes,
            "minutes_per_walk_now": summary.target_minutes,
            "steps": [
                {
                    "week": step.week.isoformat(),
                    "from_minutes": step.from_minutes,
                    "to_minutes": step.to_minutes,
                }
                for step in summary.plan_steps
            ],
        },
    }


def create_report(call: ServiceCall, runtime: ProfileRuntime) -> ServiceResponse:
    """Answer create_report: the summary and signed links to the page and the CSV.

    The links are signed for whoever asked (the card's websocket connection, or an API
    request); an automation's links show the report without the name and notes.
    """
    start, end = report_range(runtime, dict(call.data))
    summary = summarize(runtime, start, end)
    entry_id = runtime.entry.entry_id
    return {
        "profile": runtime.name,
        **summary_response(summary),
        "url": async_sign_path(
            call.hass, report_path(entry_id, start, end, "html"), LINK_LIFETIME
        ),
        "csv_url": async_sign_path(
            call.hass, report_path(entry_id, start, end, "csv"), LINK_LIFETIME
        ),
    }


class ReportView(HomeAssistantView):
    """The report of one profile, for a logged-in user or a signed link."""

    url = REPORT_URL
    name = f"api:{DOMAIN}:report"
    requires_auth = True

    async def get(self, request: web.Request, entry_id: str) -> web.Response:
        """Serve the page (format=html) or the records (format=csv)."""
        hass: HomeAssistant = request.app[KEY_HASS]
        entry = hass.config_entries.async_get_entry(entry_id)
        if (
            entry is None
            or entry.domain != DOMAIN
            or entry.state is not ConfigEntryState.LOADED
        ):
            return self.json_message("Unknown profile", HTTPStatus.NOT_FOUND)
        runtime: ProfileRuntime = entry.runtime_data
        query = request.query
        file_format = query.get("format", "html")
        try:
            start = date.fromisoformat(query.get("start", ""))
            end = date.fromisoformat(query.get("end", ""))
            check_range(start, end)
        except ValueError, ModelError:
            return self.json_message("Bad date range", HTTPStatus.BAD_REQUEST)
        if file_format not in FORMATS:
            return self.json_message("Unknown format", HTTPStatus.BAD_REQUEST)
        owner = is_owner(hass, entry, request[KEY_HASS_USER])
        try:
            summary = build_report(
                runtime.log, runtime.settings, start, end, dt_util.now()
            )
        except ModelError:
            # Archived records that cannot be read (a repair says so).
            return self.json_message("Records unreadable", HTTPStatus.CONFLICT)
        tz = runtime.log.timezone
        headers = {"Cache-Control": "no-store", "Content-Security-Policy": _CSP}
        if file_format == "csv":
            filename = f"backwalk-{start.isoformat()}-{end.isoformat()}.csv"
            headers["Content-Disposition"] = f'attachment; filename="{filename}"'
            return web.Response(
                text=records_csv(summary.records, tz, include_notes=owner),
                content_type="text/csv",
                charset="utf-8",
                headers=headers,
            )
        context = PageContext(
            name=runtime.name if owner else None,
            include_notes=owner,
            generated=dt_util.now(),
            timezone=tz,
            messages=profile_messages(hass, entry),
        )
        return web.Response(
            text=report_html(summary, context),
            content_type="text/html",
            charset="utf-8",
            headers=headers,
        )


@callback
def async_register_report_view(hass: HomeAssistant) -> None:
    """Serve the download where Home Assistant's web server runs."""
    if "http" in hass.config.components:
        hass.http.register_view(ReportView())


def parse_day(value: Any) -> date:
    """Read a date (a datetime is cut to its day in Home Assistant's time zone)."""
    if isinstance(value, datetime):
        try:
            return dt_util.as_local(value).date() if value.tzinfo else value.date()
        except OverflowError:  # at the calendar's ends no local time exists
            raise vol.Invalid("expected a date, such as 2026-11-30") from None
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        parsed = dt_util.parse_date(value)
        if parsed is not None:
            return parsed
        moment = dt_util.parse_datetime(value)
        if moment is not None:
            return parse_day(moment)
    raise vol.Invalid("expected a date, such as 2026-11-30")
