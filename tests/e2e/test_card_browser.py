"""End to end in a real browser: the backwalk card on a dashboard of a real Home Assistant.

Home Assistant runs as a process with the frontend (`make run`'s helpers, scripts/dev.py);
Debian's chromium, driven by playwright, logs in, shows a dashboard holding the card, and
uses its controls. Screenshots land in artifacts/ (git-ignored); with
BACKWALK_UPDATE_SCREENSHOTS=1 the README's pictures in docs/ are refreshed from the same run.

chromium comes from apt (installed here when missing, as root); `playwright install` is never
run, so nothing is downloaded but Debian packages.
"""

from __future__ import annotations

from collections.abc import Iterator
import contextlib
from datetime import UTC, datetime, timedelta
import json
import math
import os
from pathlib import Path
import re
import shutil
import subprocess
import sys
import time
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "scripts"))

import dev  # noqa: E402
from test_smoke import walk_inside_this_week  # noqa: E402

pytestmark = pytest.mark.e2e

ARTIFACTS = REPO / "artifacts"
DOCS = REPO / "docs"
PROFILE = "demo"  # the entity id prefix of dev.py's demo profile
BROWSER_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
# The frontend (and what it depends on) on top of the end-to-end tests' minimal set. The
# pinned home-assistant-frontend package is already installed, so nothing is installed at start.
BROWSER_CONFIGURATION = dev.MINIMAL_CONFIGURATION + "frontend:\nhistory:\nrecorder:\n"
EXAMPLE_DASHBOARD = DOCS / "dashboard.yaml"
MINUTES_ENTITY = f"sensor.{PROFILE}_walking_minutes_this_week"
# Words that mean exercise; none may show on a red-flag day (G15).
EXERCISE_WORDS = ("walk", "stretch", "swim", "bike", "yoga", "target", "streak")
TIMEOUT_MS = 30_000
DASHBOARD = "backwalk-test"
TIME_ZONE = "Europe/Berlin"  # dev.MINIMAL_CONFIGURATION's; the browser uses the same


def ensure_chromium() -> str:
    """Return Debian's chromium, installing it with apt when missing."""
    if path := shutil.which("chromium"):
        return path
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        pytest.skip("chromium is missing and apt-get cannot install it (not root)")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    steps = [
        ["apt-get", "-o", "Acquire::Check-Valid-Until=false", "update", "-qq"],
        [
            "apt-get",
            "install",
            "-y",
            "-qq",
            "--no-install-recommends",
            "chromium",
            "fonts-dejavu-core",
        ],
    ]
    for step in steps:
        result = subprocess.run(
            step, capture_output=True, text=True, env=env, timeout=900, check=False
        )
        if result.returncode != 0:
            pytest.skip(
                f"chromium could not be installed ({' '.join(step[:2])}): "
                f"{(result.stderr or result.stdout)[-800:]}"
            )
    if path := shutil.which("chromium"):
        return path
    pytest.skip("chromium is still missing after apt-get install")


def ensure_service_description_imports() -> None:
    """Make the modules importable that loading calendar's action descriptions imports.

    The frontend asks for every action's description at start. Validating calendar's (loaded
    for backwalk's calendar) imports all base components, assist_satellite among them, which
    imports assist_pipeline's requirements; without them the frontend never finishes loading.
    `default_config:` installs them at a user's first start; here they are installed once,
    at the versions Home Assistant pins. They build from source: apt brings the compiler.
    """
    import importlib.util
    import sysconfig

    from homeassistant import components

    if all(
        importlib.util.find_spec(module) is not None
        for module in ("pymicro_vad", "pyspeex_noise")
    ):
        return
    # Read, not imported: importing assist_pipeline needs exactly what is missing.
    manifest = Path(components.__file__).parent / "assist_pipeline" / "manifest.json"
    requirements = json.loads(manifest.read_text())["requirements"]
    packages = []
    if shutil.which("g++") is None:
        packages.append("build-essential")
    if not (Path(sysconfig.get_paths()["include"]) / "Python.h").exists():
        packages.append(f"python{sys.version_info.major}.{sys.version_info.minor}-dev")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    steps = []
    if packages:
        if os.geteuid() != 0 or shutil.which("apt-get") is None:
            pytest.skip(
                f"{requirements} need {packages}, and apt-get cannot install them"
            )
        steps += [
            ["apt-get", "-o", "Acquire::Check-Valid-Until=false", "update", "-qq"],
            ["apt-get", "install", "-y", "-qq", "--no-install-recommends", *packages],
        ]
    steps.append([sys.executable, "-m", "pip", "install", "-q", *requirements])
    for step in steps:
        result = subprocess.run(
            step, capture_output=True, text=True, env=env, timeout=900, check=False
        )
        if result.returncode != 0:
            pytest.skip(
                f"could not install {requirements} ({' '.join(step[:3])}): "
                f"{(result.stderr or result.stdout)[-800:]}"
            )


def browser_tokens(base: str) -> dict[str, Any]:
    """Log the demo user in for the frontend's own client id, as its login page does."""
    client_id = f"{base}/"
    api = dev.Api(base)
    flow = api.request(
        "POST",
        "/auth/login_flow",
        {
            "client_id": client_id,
            "handler": ["homeassistant", None],
            "redirect_uri": client_id,
        },
    )
    result = api.request(
        "POST",
        f"/auth/login_flow/{flow['flow_id']}",
        {
            "client_id": client_id,
            "username": dev.DEMO_USER,
            "password": dev.DEMO_PASSWORD,
        },
    )
    tokens: dict[str, Any] = api.request(
        "POST",
        "/auth/token",
        {
            "grant_type": "authorization_code",
            "code": result["result"],
            "client_id": client_id,
        },
        form=True,
    )
    # What the frontend itself keeps in localStorage after a login (home-assistant-js-websocket).
    return {
        **tokens,
        "hassUrl": base,
        "clientId": client_id,
        "expires": int(time.time() * 1000) + tokens["expires_in"] * 1000,
    }


class Profile:
    """The demo profile's entities, read over the REST API."""

    def __init__(self, api: dev.Api) -> None:
        """Read through an authenticated API client."""
        self.api = api

    def state(self, entity: str) -> dict[str, Any]:
        """Return one entity's state object, by domain and translated name."""
        domain, name = entity.split(".")
        result: dict[str, Any] = self.api.request(
            "GET", f"/api/states/{domain}.{PROFILE}_{name}"
        )
        return result

    def value(self, entity: str) -> str:
        """One entity's state."""
        return str(self.state(entity)["state"])

    def whole(self, entity: str) -> str:
        """A numeric state as the card shows it: rounded half up, like Math.round."""
        return str(math.floor(float(self.value(entity)) + 0.5))

    def history(self) -> dict[str, Any]:
        """backwalk.get_history's answer for the last 14 days."""
        result: dict[str, Any] = self.api.request(
            "POST", "/api/services/backwalk/get_history?return_response", {}
        )
        return dict(result["service_response"])


def wait_for(check: Any, what: str, timeout: float = 15) -> Any:
    """Poll check() until it returns something true."""
    deadline = time.monotonic() + timeout
    while True:
        if value := check():
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.2)


def save_screenshot(
    locator: Any, name: str, full_page: Any = None, *, docs: bool = True
) -> Path:
    """Save a PNG in artifacts/ (and in docs/ when asked to refresh the README's pictures)."""
    ARTIFACTS.mkdir(exist_ok=True)
    target = ARTIFACTS / name
    if full_page is not None:
        full_page.screenshot(path=str(target))
    else:
        locator.screenshot(path=str(target))
    if docs and os.environ.get("BACKWALK_UPDATE_SCREENSHOTS") == "1":
        DOCS.mkdir(exist_ok=True)
        shrink_png(target, DOCS / name)
    return target


def shrink_png(source: Path, target: Path) -> None:
    """Keep the committed pictures small: 256 colours, optimised."""
    from PIL import Image

    with Image.open(source) as image:
        image.convert("RGB").quantize(colors=256).save(target, optimize=True)


@contextlib.contextmanager
def hass_with_frontend(tmp_path: Path) -> Iterator[tuple[str, str]]:
    """A real hass with the frontend and the demo profile; the log is shown on failure."""
    port = dev_free_port()
    config_dir = tmp_path / "config"
    config_dir.mkdir(parents=True)
    (config_dir / "configuration.yaml").write_text(
        BROWSER_CONFIGURATION.format(port=port)
    )
    log_file = tmp_path / "hass.log"
    try:
        with dev.running_hass(config_dir, port, log_file, timeout=120) as running:
            yield running
    except Exception as err:
        log_tail = log_file.read_text(errors="replace")[-5000:]
        raise AssertionError(f"{err}\nHome Assistant log:\n{log_tail}") from err


def dev_free_port() -> int:
    """Return a loopback port nobody listens on."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def seed_walks(api: dev.Api) -> None:
    """Walks so the card shows more than zeros: yesterday, and one just now in this week.

    No pain is reported: the card starts from "not reported".
    """
    now = datetime.now(UTC)
    week = api.request("GET", f"/api/states/sensor.{PROFILE}_walking_minutes_this_week")
    recent, recent_minutes = walk_inside_this_week(week["attributes"]["last_reset"])
    for started, minutes in (
        (now - timedelta(hours=26), 18),
        (recent, recent_minutes),
    ):
        api.request(
            "POST",
            "/api/services/backwalk/log_walk",
            {"minutes": minutes, "started": started.isoformat(), "distance_km": 1.5},
        )


def pain_reports(profile: Profile) -> list[int]:
    """Today's and the last days' pain levels, oldest first."""
    return [report["level"] for report in profile.history()["pain_reports"]]


def focused_in(card: Any) -> str | None:
    """The test id of the element focused inside the card's shadow root."""
    focused: str | None = card.evaluate(
        "(el) => el.getRootNode().activeElement?.dataset?.testid ?? null"
    )
    return focused


def clock(
    moment: datetime, *, am_pm: bool, weekday: bool = False, zone: str = ""
) -> str:
    """A moment as Home Assistant's frontend writes it in English: 7:30 AM or 07:30."""
    local = moment.astimezone(ZoneInfo(zone or TIME_ZONE))
    if am_pm:
        text = f"{local.hour % 12 or 12}:{local:%M} {'AM' if local.hour < 12 else 'PM'}"
    else:
        text = f"{local:%H:%M}"
    return f"{local:%a} {text}" if weekday else text


def normalized(text: str) -> str:
    """Text with any run of spaces (Intl writes a narrow no-break one before AM) as one."""
    return re.sub(r"\s+", " ", text).strip()


def expect_text(locator: Any, expected: str) -> None:
    """Wait until the locator's text, spaces normalized, is the expected text."""
    wait_for(
        lambda: normalized(locator.inner_text()) == expected,
        f"{expected!r}, not {normalized(locator.inner_text())!r}",
    )


def clock_of(text: str) -> tuple[int, str, str]:
    """Hour, minute and a/p of the first clock time in a text ("10:25 AM", "10:25a")."""
    match = re.search(r"(\d{1,2}):(\d{2})\s*([ap])?", text, re.IGNORECASE)
    assert match is not None, text
    return int(match.group(1)), match.group(2), (match.group(3) or "").lower()


def choose_time_settings(page: Any, time_format: str, time_zone: str) -> None:
    """Choose the time format and zone as the user's profile page does (and saves them)."""
    page.evaluate(
        """([format, zone]) => {
            const ha = document.querySelector('home-assistant');
            ha.dispatchEvent(new CustomEvent('hass-time-format-select', {detail: format}));
            ha.dispatchEvent(new CustomEvent('hass-time-zone-select', {detail: zone}));
        }""",
        [time_format, time_zone],
    )
    page.wait_for_function(
        """([format, zone]) => {
            const locale = document.querySelector('home-assistant').hass.locale;
            return locale.time_format === format && locale.time_zone === zone;
        }""",
        arg=[time_format, time_zone],
        timeout=TIMEOUT_MS,
    )


def check_time_settings(
    browser: Any,
    tokens: dict[str, Any],
    base: str,
    started: datetime,
    next_walk: datetime,
) -> None:
    """The card follows the user's time settings, as the rest of the frontend does.

    In a browser in New York (Home Assistant is in Berlin): by default in the browser's
    zone, as Home Assistant's calendar shows it; with "server" in Berlin, as the
    reminders say it; with "24" in 24 hours. The settings are put back afterwards.
    """
    page = logged_in_page(browser, tokens, timezone_id="America/New_York")
    try:
        open_dashboard(page, base)
        since = page.get_by_test_id("bw-walking")
        upcoming = page.get_by_test_id("bw-next-walk")
        for time_format, time_zone, am_pm, zone in (
            ("language", "local", True, "America/New_York"),
            ("language", "server", True, TIME_ZONE),
            ("24", "server", False, TIME_ZONE),
            ("24", "local", False, "America/New_York"),
        ):
            choose_time_settings(page, time_format, time_zone)
            expect_text(
                since, f"Walking since {clock(started, am_pm=am_pm, zone=zone)}"
            )
            expect_text(
                upcoming, clock(next_walk, am_pm=am_pm, weekday=True, zone=zone)
            )
        save_screenshot(
            page.get_by_test_id("bw-card"), "card-24h-new-york.png", docs=False
        )
    finally:
        choose_time_settings(page, "language", "local")  # the frontend's defaults
        page.context.close()


def logged_in_page(browser: Any, tokens: dict[str, Any], **options: Any) -> Any:
    """A page in a new browser context, logged in, in Home Assistant's time zone."""
    options = {"color_scheme": "light", "timezone_id": TIME_ZONE, **options}
    context = browser.new_context(**options)
    # What the frontend keeps after its own login page: no login form to fill in.
    context.add_init_script(
        f"localStorage.setItem('hassTokens', {json.dumps(json.dumps(tokens))});"
    )
    return context.new_page()


def example_views(device_id: str, entry_id: str) -> list[dict[str, Any]]:
    """The README's example dashboard (docs/dashboard.yaml), for the demo profile."""
    text = EXAMPLE_DASHBOARD.read_text()
    text = text.replace("ALEX_DEVICE_ID", device_id).replace("alex_", f"{PROFILE}_")
    text = text.replace("ALEX_ENTRY_ID", entry_id.lower())
    views: list[dict[str, Any]] = yaml.safe_load(text)["views"]
    for view in views:
        view["path"] = "example"
    return views


def open_dashboard(page: Any, base: str, view: str = "walks") -> None:
    """Open a view of the test dashboard; wait until the frontend's launch screen is gone."""
    page.goto(f"{base}/{DASHBOARD}/{view}")
    page.wait_for_function(
        "() => !document.getElementById('ha-launch-screen')", timeout=TIMEOUT_MS
    )


def device_of(api: dev.Api, entity_id: str) -> str:
    """The device id of an entity, through a template (REST has no device registry)."""
    result: str = api.request(
        "POST",
        "/api/template",
        {"template": f"{{{{ device_id('{entity_id}') | to_json }}}}"},
    )
    return result.strip()


def entry_of(api: dev.Api, entity_id: str) -> str:
    """The config entry id of an entity, through a template."""
    result: str = api.request(
        "POST",
        "/api/template",
        {"template": f"{{{{ config_entry_id('{entity_id}') | to_json }}}}"},
    )
    return result.strip()


def test_card_in_a_real_browser(tmp_path: Path) -> None:
    """Numbers equal the entities; controls work; pain day and red flag views.

    Also: "not reported" before the first report and reporting 0 from it, the slider by
    keyboard (one report for several steps, focus kept), every action's message, Undo,
    a second "Log stretch" asked about, alternatives logged on a pain day, the way out
    of a mis-tapped red flag, and a disabled profile.
    """
    chromium = ensure_chromium()
    ensure_service_description_imports()
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=TIMEOUT_MS)
    log_file = tmp_path / "hass.log"  # hass_with_frontend's
    with hass_with_frontend(tmp_path) as (base, token), sync_playwright() as playwright:
        api = dev.Api(base, token)
        profile = Profile(api)
        seed_walks(api)
        device_id = device_of(api, MINUTES_ENTITY)
        assert device_id
        tokens = browser_tokens(base)
        browser = playwright.chromium.launch(
            executable_path=chromium, args=BROWSER_ARGS
        )
        errors: list[str] = []
        try:
            page = logged_in_page(
                browser, tokens, viewport={"width": 900, "height": 900}
            )
            page.on(
                "console",
                lambda message: (
                    errors.append(message.text) if message.type == "error" else None
                ),
            )
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.goto(f"{base}/lovelace/0")
            page.wait_for_function(
                "() => document.querySelector('home-assistant')?.hass?.connected === true",
                timeout=TIMEOUT_MS,
            )
            # The card is loaded on every page by the integration (no dashboard resource).
            page.wait_for_function(
                "() => customElements.get('backwalk-card') !== undefined",
                timeout=TIMEOUT_MS,
            )
            # The frontend receives the entity registry after connecting (later on a
            # busy machine); the card picker asks for a stub only once it is there.
            page.wait_for_function(
                "() => Object.values(document.querySelector('home-assistant').hass"
                ".entities || {}).some((entry) => entry.platform === 'backwalk')",
                timeout=TIMEOUT_MS,
            )
            stub = page.evaluate(
                "() => customElements.get('backwalk-card')"
                ".getStubConfig(document.querySelector('home-assistant').hass)"
            )
            assert stub == {"device_id": device_id}
            assert page.evaluate(
                "() => window.customCards.some((card) => card.type === 'backwalk-card')"
            )
            # The visual editor offers the profile and reports the choice.
            chosen = page.evaluate(
                """async (deviceId) => {
                    const hass = document.querySelector('home-assistant').hass;
                    const editor = customElements.get('backwalk-card').getConfigElement();
                    editor.setConfig({});
                    editor.hass = hass;
                    document.body.appendChild(editor);
                    const changed = new Promise((resolve) => editor.addEventListener(
                        'config-changed', (event) => resolve(event.detail.config)));
                    const form = editor.querySelector('ha-form');
                    if (form) {
                        form.dispatchEvent(new CustomEvent('value-changed',
                            {detail: {value: {device_id: deviceId}}}));
                    } else {
                        const select = editor.querySelector('select');
                        select.value = deviceId;
                        select.dispatchEvent(new Event('change'));
                    }
                    const config = await changed;
                    editor.remove();
                    return config;
                }""",
                device_id,
            )
            assert chosen == {"device_id": device_id}
            dashboard = {
                "title": "backwalk",
                "views": [
                    {
                        "title": "Walks",
                        "path": "walks",
                        "cards": [
                            {"type": "custom:backwalk-card", "device_id": device_id}
                        ],
                    },
                    *example_views(device_id, entry_of(api, MINUTES_ENTITY)),
                ],
            }
            # A dashboard of its own, in storage mode, made as the dashboards page makes it.
            page.evaluate(
                """async (config) => {
                    const hass = document.querySelector('home-assistant').hass;
                    await hass.callWS({type: 'lovelace/dashboards/create',
                        url_path: 'backwalk-test', title: 'backwalk', icon: 'mdi:walk',
                        mode: 'storage', show_in_sidebar: true, require_admin: false});
                    await hass.callWS({type: 'lovelace/config/save',
                        url_path: 'backwalk-test', config});
                }""",
                dashboard,
            )
            open_dashboard(page, base)
            card = page.get_by_test_id("bw-card")
            expect(card).to_be_visible()
            expect(card).to_have_attribute("data-view", "normal")

            # Every number equals its entity.
            expected = {
                "bw-minutes-week": profile.whole("sensor.walking_minutes_this_week"),
                "bw-goal-minutes": str(
                    profile.state("sensor.weekly_goal_progress")["attributes"][
                        "weekly_goal_minutes"
                    ]
                ),
                "bw-walks-week": profile.value("sensor.walks_this_week"),
                "bw-walks-goal": "3",
                # G10: walks and minutes, as the goal entities say.
                "bw-goal-summary": "{} of 3 walks, {} of {} min".format(
                    profile.state("sensor.weekly_goal_progress")["attributes"][
                        "walks_done"
                    ],
                    profile.whole("sensor.walking_minutes_this_week"),
                    profile.state("sensor.weekly_goal_progress")["attributes"][
                        "minutes_needed"
                    ],
                ),
                "bw-streak-current": profile.value("sensor.current_streak"),
                "bw-streak-longest": profile.value("sensor.longest_streak"),
                "bw-streak-weekly": profile.value("sensor.weekly_streak"),
                "bw-target-today": profile.value("sensor.target_minutes_today"),
                "bw-title": "Demo",
            }
            for test_id, text in expected.items():
                expect(page.get_by_test_id(test_id)).to_have_text(text)
            assert expected["bw-minutes-week"] != "0"
            expect(page.get_by_test_id("bw-next-walk")).not_to_have_text(
                "None scheduled"
            )

            # Nothing reported today: unknown, and the slider shows no level, not 0.
            assert profile.value("sensor.pain_status") == "unknown"
            expect(page.get_by_test_id("bw-pain-today")).to_have_text("not reported")
            slider = page.get_by_test_id("bw-pain-slider")
            expect(slider).to_have_class(re.compile(r"\bunset\b"))
            expect(slider).to_have_attribute("aria-valuetext", "not reported")
            expect(page.get_by_test_id("bw-sparkline")).to_have_attribute(
                "data-points", "0"
            )
            save_screenshot(card, "card-not-reported.png", docs=False)

            # A keyboard user reports 0 straight from "not reported" (Enter)...
            slider.focus()
            page.keyboard.press("Enter")
            wait_for(lambda: len(pain_reports(profile)) == 1, "the report of 0")
            assert pain_reports(profile) == [0]
            expect(page.get_by_test_id("bw-pain-today")).to_have_text("0")
            assert profile.value("sensor.pain_status") == "none"
            expect(page.get_by_test_id("bw-message")).to_contain_text(
                "Pain 0 reported."
            )
            assert focused_in(card) == "bw-pain-slider"
            # ... and moves it two steps with the arrows: one report, focus kept.
            page.keyboard.press("ArrowRight")
            page.keyboard.press("ArrowRight")
            wait_for(lambda: len(pain_reports(profile)) == 2, "the report of 2")
            time.sleep(2.5)  # longer than the card waits for the keys to rest
            assert pain_reports(profile) == [0, 2]
            expect(page.get_by_test_id("bw-pain-today")).to_have_text("2")
            assert focused_in(card) == "bw-pain-slider"
            # The trend came from backwalk.get_history over the websocket.
            expect(page.get_by_test_id("bw-sparkline")).to_have_attribute(
                "data-points", "1"
            )

            # Undo takes the report back (backwalk.undo_last).
            page.get_by_test_id("bw-undo").click()
            wait_for(lambda: pain_reports(profile) == [0], "the undone report")
            expect(page.get_by_test_id("bw-message")).to_contain_text(
                "Removed the pain report."
            )
            expect(page.get_by_test_id("bw-pain-today")).to_have_text("0")
            slider.focus()
            page.keyboard.press("ArrowRight")
            page.keyboard.press("ArrowRight")
            wait_for(lambda: pain_reports(profile) == [0, 2], "the report of 2 again")

            # Log a stretch from the card; a second tap in a row asks first.
            assert profile.history()["stretches"] == []
            page.get_by_test_id("bw-log-stretch").click()
            wait_for(lambda: profile.history()["stretches"], "the stretch to be logged")
            # Through the button, so its state (and automations on it) follow the card.
            assert profile.value("button.log_stretch") not in ("unknown", "unavailable")
            expect(page.get_by_test_id("bw-message")).to_contain_text("Stretch logged.")
            page.get_by_test_id("bw-log-stretch").click()
            expect(page.get_by_test_id("bw-message")).to_contain_text(
                "Log another one?"
            )
            page.get_by_test_id("bw-dismiss").click()
            time.sleep(1)
            assert len(profile.history()["stretches"]) == 1
            # Back to the first stretch's message, whose Undo still works.
            expect(page.get_by_test_id("bw-message")).to_contain_text("Stretch logged.")
            page.get_by_test_id("bw-undo").click()
            wait_for(lambda: profile.history()["stretches"] == [], "the undone stretch")
            page.get_by_test_id("bw-log-stretch").click()
            wait_for(lambda: profile.history()["stretches"], "the stretch again")

            # Start and finish a walk from the card.
            page.get_by_test_id("bw-start-walk").click()
            walk_started = time.monotonic()
            expect(page.get_by_test_id("bw-finish-walk")).to_be_visible()
            expect(page.get_by_test_id("bw-message")).to_contain_text("Walk started.")
            assert profile.value("binary_sensor.walk_in_progress") == "on"
            walks_before = len(profile.history()["walks"])
            # Only one of the two buttons can be pressed at a time.
            assert profile.value("button.start_walk") == "unavailable"
            assert profile.value("button.finish_walk") != "unavailable"
            # Finished at once it is 0 minutes long: refused, in the integration's words.
            page.get_by_test_id("bw-finish-walk").click()
            expect(page.get_by_test_id("bw-error")).to_contain_text(
                "Minutes must be from 0.1 to 600."
            )
            expect(page.get_by_test_id("bw-error")).not_to_contain_text("_")

            # Times as the user's settings say. By default the language's way (English:
            # AM/PM) in the browser's zone, here Home Assistant's: the clock of the
            # entities, the calendar and the reminders (checked in tests/test_calendar.py).
            started = datetime.fromisoformat(
                profile.state("binary_sensor.walk_in_progress")["attributes"]["started"]
            )
            next_walk = datetime.fromisoformat(
                profile.value("sensor.next_scheduled_walk")
            )
            walking_since = page.get_by_test_id("bw-walking")
            expect_text(walking_since, f"Walking since {clock(started, am_pm=True)}")
            expect_text(
                page.get_by_test_id("bw-next-walk"),
                clock(next_walk, am_pm=True, weekday=True),
            )
            card_walk_time = normalized(walking_since.inner_text())
            check_time_settings(browser, tokens, base, started, next_walk)
            time.sleep(
                max(0.0, 7 - (time.monotonic() - walk_started))
            )  # a 0.1 min walk
            page.get_by_test_id("bw-finish-walk").click()
            expect(page.get_by_test_id("bw-start-walk")).to_be_visible()
            expect(page.get_by_test_id("bw-message")).to_contain_text("Walk logged.")
            expect(page.get_by_test_id("bw-undo")).to_be_visible()
            wait_for(
                lambda: len(profile.history()["walks"]) == walks_before + 1,
                "the finished walk",
            )
            assert profile.value("button.finish_walk") == "unavailable"
            assert profile.value("button.start_walk") != "unavailable"
            finished = max(profile.history()["walks"], key=lambda walk: walk["start"])
            assert datetime.fromisoformat(finished["start"]) == started
            expect(page.get_by_test_id("bw-walks-week")).to_have_text(
                profile.value("sensor.walks_this_week")
            )
            expect(page.get_by_test_id("bw-pain-today")).to_have_text(
                profile.whole("sensor.pain_today")
            )

            # Light and dark theme and a phone's width, before the pain changes (fresh
            # pages: no message from the steps above).
            for name, options in (
                (
                    "card-light.png",
                    {"viewport": {"width": 900, "height": 900}},
                ),
                (
                    "card-dark.png",
                    {"viewport": {"width": 900, "height": 900}, "color_scheme": "dark"},
                ),
                (
                    "card-phone.png",
                    {
                        "viewport": {"width": 360, "height": 780},
                        "color_scheme": "light",
                    },
                ),
            ):
                other_page = logged_in_page(browser, tokens, **options)
                open_dashboard(other_page, base)
                other_card = other_page.get_by_test_id("bw-card")
                expect(other_card).to_be_visible()
                expect(other_page.get_by_test_id("bw-sparkline")).to_be_visible()
                if name == "card-phone.png":
                    width = other_card.bounding_box()["width"]
                    assert width <= 360
                    # Nothing sticks out of the card at this width.
                    assert other_page.evaluate(
                        "(card) => card.scrollWidth <= card.clientWidth + 1",
                        other_card.element_handle(),
                    )
                    save_screenshot(other_card, name, full_page=other_page)
                else:
                    save_screenshot(other_card, name)
                other_page.context.close()

            # The README's example dashboard: every card renders, none is an error.
            example_page = logged_in_page(
                browser, tokens, viewport={"width": 1280, "height": 1100}
            )
            open_dashboard(example_page, base, "example")
            for element in (
                "backwalk-card",
                "hui-gauge-card",
                "hui-tile-card",
                "hui-statistics-graph-card",
                "hui-history-graph-card",
                "hui-calendar-card",
            ):
                expect(example_page.locator(element).first).to_be_visible()
            expect(example_page.get_by_test_id("bw-card")).to_be_visible()
            expect(example_page.locator("hui-tile-card")).to_have_count(4)
            for broken in ("hui-error-card", "hui-warning"):
                expect(example_page.locator(broken)).to_have_count(0)
            # Home Assistant's own calendar card shows the walk at the clock time the
            # card showed while it ran.
            title = re.compile(
                rf"^\s*Walked {re.escape(f'{finished["minutes"]:g}')} min\s*$"
            )
            walk_row = example_page.locator(
                "hui-calendar-card tr.fc-list-event"
            ).filter(has=example_page.locator(".fc-list-event-title", has_text=title))
            expect(walk_row).to_have_count(1)
            calendar_time = walk_row.locator(".fc-list-event-time").inner_text()
            assert clock_of(calendar_time) == clock_of(card_walk_time), (
                calendar_time,
                card_walk_time,
            )
            # Icons and the gauge's sweep arrive after the cards: let them settle.
            example_page.wait_for_load_state("networkidle")
            example_page.wait_for_timeout(1500)
            save_screenshot(None, "dashboard.png", full_page=example_page)
            example_page.context.close()

            # The pain slider at the pain-day threshold (Home, then arrows, one report):
            # the pain-day view, whose main buttons log an alternative (G7).
            thresholds = profile.state("sensor.pain_status")["attributes"]
            threshold = thresholds["pain_day_threshold"]
            reports_before = len(pain_reports(profile))
            slider.focus()
            page.keyboard.press("Home")
            for _step in range(threshold):
                page.keyboard.press("ArrowRight")
            expect(card).to_have_attribute("data-view", "pain_day")
            assert pain_reports(profile)[reports_before:] == [threshold]
            assert profile.value("sensor.pain_status") == "pain_day"
            assert profile.value("binary_sensor.pain_day") == "on"
            alternatives = page.get_by_test_id("bw-alternatives")
            expect(alternatives).to_contain_text("swimming")
            expect(alternatives).to_contain_text("a stationary bike")
            expect(alternatives).to_contain_text("gentle yoga")
            expect(page.get_by_test_id("bw-pain-today")).to_have_text(str(threshold))
            for key in ("swimming", "stationary_bike", "yoga"):
                expect(page.get_by_test_id(f"bw-log-alt-{key}")).not_to_have_class(
                    re.compile("secondary")
                )
            # Walking is still possible, no longer the suggested action.
            expect(page.get_by_test_id("bw-start-walk")).to_have_class(
                re.compile(r"\bsecondary\b")
            )
            minutes = page.get_by_test_id("bw-alt-minutes")
            expect(minutes).to_have_value(profile.value("sensor.target_minutes_today"))
            minutes.fill("15")
            page.get_by_test_id("bw-log-alt-swimming").click()
            wait_for(lambda: profile.history()["alternatives"], "the alternative")
            (logged,) = profile.history()["alternatives"]
            assert (logged["activity"], logged["minutes"]) == ("swimming", 15)
            expect(page.get_by_test_id("bw-message")).to_contain_text(
                "Swimming logged: 15 min"
            )
            save_screenshot(card, "card-pain-day.png")

            # A tap at the red-flag level (the mouse reports on release): care advice
            # and nothing else (G15), but a way out of a mis-tap.
            red_flag = thresholds["red_flag_level"]
            box = slider.bounding_box()
            reports_before = len(pain_reports(profile))
            page.mouse.click(
                box["x"] + 8 + (box["width"] - 16) * (red_flag + 0.2) / 10,
                box["y"] + box["height"] / 2,
            )
            expect(card).to_have_attribute("data-view", "red_flag")
            assert pain_reports(profile)[reports_before:] == [red_flag]
            assert profile.value("sensor.pain_status") == "red_flag"
            expect(page.get_by_test_id("bw-care-advice")).to_contain_text(
                "emergency medical help"
            )
            for gone in (
                "bw-log-stretch",
                "bw-start-walk",
                "bw-finish-walk",
                "bw-pain-slider",
                "bw-alternatives",
                "bw-target-today",
                "bw-minutes-week",
            ):
                expect(page.get_by_test_id(gone)).to_have_count(0)
            expect(page.get_by_test_id("bw-change-pain")).to_be_visible()
            shown = card.inner_text().lower().replace("backwalk", "")
            assert not [word for word in EXERCISE_WORDS if word in shown], shown
            save_screenshot(card, "card-red-flag.png")

            # "Change today's pain": the mis-tap of a moment ago is replaced, the card
            # unlocks, and the entities agree.
            page.get_by_test_id("bw-change-pain").click()
            correct = page.get_by_test_id("bw-correct-slider")
            expect(correct).to_have_value(str(red_flag))
            correct.focus()
            page.keyboard.press("Home")
            for _step in range(3):
                page.keyboard.press("ArrowRight")
            expect(page.get_by_test_id("bw-correct-value")).to_have_text("3")
            shown = card.inner_text().lower().replace("backwalk", "")
            assert not [word for word in EXERCISE_WORDS if word in shown], shown
            save_screenshot(card, "card-red-flag-change.png", docs=False)
            page.get_by_test_id("bw-correct-save").click()
            expect(card).to_have_attribute("data-view", "normal")
            expect(page.get_by_test_id("bw-message")).to_contain_text(
                "Today's pain changed to 3."
            )
            assert pain_reports(profile)[reports_before:] == [3]
            assert profile.value("sensor.pain_status") == "mild"
            status = profile.state("sensor.pain_status")
            assert status["attributes"]["red_flag_today"] is False
            expect(page.get_by_test_id("bw-pain-today")).to_have_text("3")
            expect(page.get_by_test_id("bw-start-walk")).to_be_visible()

            # A disabled profile: the card says so, and asks it nothing (no error in
            # Home Assistant's log for it).
            page.evaluate(
                """() => {
                    const conn = document.querySelector('home-assistant').hass.connection;
                    window.__backwalkCalls = [];
                    const send = conn.sendMessagePromise.bind(conn);
                    conn.sendMessagePromise = (message) => {
                        if (message.domain === 'backwalk') {
                            window.__backwalkCalls.push(message.service);
                        }
                        return send(message);
                    };
                }"""
            )
            log_size = log_file.stat().st_size
            (entry,) = api.request(
                "GET", "/api/config/config_entries/entry?domain=backwalk"
            )
            # As Settings -> Devices & services does it (the sync browser API owns this
            # thread's event loop, so not through dev.websocket).
            page.evaluate(
                """(entryId) => document.querySelector('home-assistant').hass.callWS({
                    type: 'config_entries/disable', entry_id: entryId,
                    disabled_by: 'user'})""",
                entry["entry_id"],
            )
            expect(page.get_by_test_id("bw-disabled")).to_contain_text("is disabled")
            expect(page.get_by_test_id("bw-disabled")).to_contain_text("Demo")
            time.sleep(3)
            assert page.evaluate("() => window.__backwalkCalls") == []
            page.reload()
            page.wait_for_function(
                "() => !document.getElementById('ha-launch-screen')",
                timeout=TIMEOUT_MS,
            )
            expect(page.get_by_test_id("bw-disabled")).to_be_visible()
            save_screenshot(
                page.get_by_test_id("bw-disabled"), "card-disabled.png", docs=False
            )
            with log_file.open(errors="replace") as log:
                log.seek(log_size)
                logged_after = log.read()
            assert not [
                line
                for line in logged_after.splitlines()
                if "ERROR" in line
                and ("backwalk" in line.lower() or "websocket_api" in line)
            ], logged_after[-3000:]
        except Exception:
            for number, open_page in enumerate(
                p for c in browser.contexts for p in c.pages
            ):
                with contextlib.suppress(Exception):
                    ARTIFACTS.mkdir(exist_ok=True)
                    open_page.screenshot(path=str(ARTIFACTS / f"failure-{number}.png"))
            raise
        finally:
            browser.close()
        card_errors = [error for error in errors if "backwalk" in error.lower()]
        assert not card_errors
