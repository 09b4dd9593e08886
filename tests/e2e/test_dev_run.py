"""`make run`'s own behaviour (scripts/dev.py), fast: a fake `hass` instead of the real one.

The fake starts a child that looks like Home Assistant's `uv pip install` and then either
gives up or waits before it serves HTTP, as a first start that installs requirements does.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
from pathlib import Path
import signal
import socket
import subprocess
import sys
import threading
import time
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "scripts"))

import dev  # noqa: E402

pytestmark = pytest.mark.e2e

REQUIREMENT = "fake-requirement==1.0"

# argv: mode ("exit" or "serve"), port, state directory.
FAKE_HASS = f"""\
import http.server, os, pathlib, subprocess, sys, time

mode, port, state = sys.argv[1], int(sys.argv[2]), pathlib.Path(sys.argv[3])
(state / "hass.pid").write_text(str(os.getpid()))
child = subprocess.Popen(
    [sys.executable, "-c", "import time; time.sleep(300)",
     "pip", "install", "--quiet", "{REQUIREMENT}", "--index-strategy", "x"]
)
(state / "child.pid").write_text(str(child.pid))
if mode == "exit":
    print("boom: the fake Home Assistant gives up", flush=True)
    sys.exit(1)
while not (state / "go").exists():  # the test says when the "install" is over
    time.sleep(0.05)


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b"[]")

    def log_message(self, *args):
        pass


http.server.HTTPServer(("127.0.0.1", port), Handler).serve_forever()
"""

# Runs dev.run() with the fake in place of `hass` (a process of its own: run() sets signal
# handlers and adopts orphans, which must not happen to pytest).
RUNNER = """\
import subprocess, sys
from pathlib import Path

sys.path.insert(0, sys.argv[1])
import dev

fake, mode, state, config, port = sys.argv[2:7]
dev.PROGRESS_INTERVAL = 0.2


def start_fake(config_dir, log_file=None):
    return subprocess.Popen(
        [sys.executable, fake, mode, port, state],
        stdout=log_file.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


dev.start_hass = start_fake
sys.exit(dev.run(Path(config), int(port)))
"""


def free_port() -> int:
    """Return a loopback port nobody listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def running(pid: int) -> bool:
    """Whether a process runs (a zombie does not: it only waits to be collected)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def wait_for(condition: Any, what: str, timeout: float = 60) -> None:
    """Wait until condition() holds (generous: the machine may be busy)."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


@pytest.fixture
def fake_hass(tmp_path: Path) -> Path:
    """The fake `hass` script."""
    path = tmp_path / "fake_hass.py"
    path.write_text(FAKE_HASS)
    (tmp_path / "state").mkdir()
    return path


def start_fake(fake: Path, mode: str, port: int) -> subprocess.Popen[bytes]:
    """Start the fake as dev.start_hass starts hass: in a process group of its own."""
    return subprocess.Popen(
        [sys.executable, str(fake), mode, str(port), str(fake.parent / "state")],
        start_new_session=True,
    )


def child_pid(fake: Path) -> int:
    """The fake's "pip install" child, once started."""
    path = fake.parent / "state" / "child.pid"
    wait_for(path.exists, "the fake's child")
    return int(path.read_text())


def test_waiting_says_what_and_names_the_install(fake_hass: Path) -> None:
    """Progress lines name the wait and the requirement; the stop ends the whole group."""
    port = free_port()
    process = start_fake(fake_hass, "serve", port)
    out = io.StringIO()
    progress = dev.Progress(interval=0.05, out=out)
    progress.pid = process.pid
    errors: list[BaseException] = []

    def wait() -> None:
        try:
            dev.wait_for_api(f"http://127.0.0.1:{port}", process, 120, progress)
        except BaseException as err:  # noqa: BLE001 - handed to the test's thread
            errors.append(err)

    waiter = threading.Thread(target=wait)
    try:
        waiter.start()
        wait_for(lambda: REQUIREMENT in out.getvalue(), "a line naming the install")
        (fake_hass.parent / "state" / "go").touch()
        waiter.join(120)
        assert not waiter.is_alive()
        assert not errors, errors
    finally:
        progress.close()
        pip = child_pid(fake_hass)
        dev.stop_hass(process, timeout=30)
    line = next(line for line in out.getvalue().splitlines() if REQUIREMENT in line)
    assert "waiting for Home Assistant's HTTP server" in line
    assert line.strip().startswith("[")  # the elapsed time comes first
    assert f"installing {REQUIREMENT}" in line
    assert process.returncode is not None
    wait_for(lambda: not running(pip), "the child to end")


def test_hass_that_exits_is_a_startup_error(fake_hass: Path) -> None:
    """A start that dies is reported in a sentence, and its child does not outlive it."""
    process = start_fake(fake_hass, "exit", free_port())
    try:
        with pytest.raises(dev.StartupError, match="exited with code 1 while waiting"):
            dev.wait_for_api(f"http://127.0.0.1:{free_port()}", process, 120)
    finally:
        pip = child_pid(fake_hass)
        dev.stop_hass(process, timeout=30)
    wait_for(lambda: not running(pip), "the child to end")


def run_fake(
    tmp_path: Path, fake: Path, mode: str
) -> tuple[subprocess.Popen[str], Path]:
    """Start dev.run() on the fake; its output goes to a file read while it runs."""
    runner = tmp_path / "runner.py"
    runner.write_text(RUNNER)
    output = tmp_path / "run.out"
    with output.open("w") as out:
        process = subprocess.Popen(
            [
                sys.executable,
                str(runner),
                str(REPO / "scripts"),
                str(fake),
                mode,
                str(fake.parent / "state"),
                str(tmp_path / "config"),
                str(free_port()),
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
            text=True,
        )
    return process, output


def test_make_run_that_fails_prints_no_traceback(
    tmp_path: Path, fake_hass: Path
) -> None:
    """A failed start ends with a sentence and what hass printed; nothing is left."""
    process, output = run_fake(tmp_path, fake_hass, "exit")
    try:
        assert process.wait(120) == 1
    finally:
        with contextlib.suppress(ProcessLookupError):
            process.kill()
    text = output.read_text()
    assert "Traceback" not in text
    assert "make run: Home Assistant exited with code 1" in text
    assert "boom: the fake Home Assistant gives up" in text
    assert not running(child_pid(fake_hass))


def test_ctrl_c_while_installing_leaves_nothing(
    tmp_path: Path, fake_hass: Path
) -> None:
    """SIGINT during a first start's install stops hass and its child; exit code 0."""
    process, output = run_fake(tmp_path, fake_hass, "serve")
    try:
        wait_for(lambda: REQUIREMENT in output.read_text(), "a line naming the install")
        pip = child_pid(fake_hass)
        hass = int((fake_hass.parent / "state" / "hass.pid").read_text())
        process.send_signal(signal.SIGINT)
        assert process.wait(120) == 0
    finally:
        with contextlib.suppress(ProcessLookupError):
            process.kill()
    text = output.read_text()
    assert "Traceback" not in text
    assert "Stopping Home Assistant" in text
    assert "Home Assistant has stopped." in text
    assert not running(hass)
    assert not running(pip)
    # The config dir was made ready for a real start: integration, sentences, address.
    config = tmp_path / "config"
    assert (config / "custom_components" / "backwalk").resolve() == (
        REPO / "custom_components" / "backwalk"
    )
    assert (config / "custom_sentences" / "en" / "backwalk.yaml").resolve() == (
        REPO / "custom_sentences" / "en" / "backwalk.yaml"
    )
    assert json.loads((config / ".storage" / "http").read_text())["data"]["stable"][
        "server_host"
    ] == ["127.0.0.1"]


def test_http_config_is_stored_not_yaml(tmp_path: Path) -> None:
    """The address is written where Home Assistant's Network settings keep it."""
    path = tmp_path / ".storage" / "http"
    dev.write_http_config(tmp_path, 8124)
    stored = json.loads(path.read_text())
    assert stored["key"] == "http"
    data = stored["data"]
    assert data["pending"] is None  # nothing on trial, so no revert five minutes later
    assert data["yaml_migration_done"] is True
    assert data["stable"]["server_host"] == ["127.0.0.1"]
    assert data["stable"]["server_port"] == 8124
    assert os.stat(path).st_mode & 0o777 == 0o600
    # Unchanged when it already says so; another port keeps the other settings.
    data["stable"]["use_x_frame_options"] = False
    path.write_text(json.dumps(stored))
    dev.write_http_config(tmp_path, 8124)
    assert json.loads(path.read_text()) == stored
    dev.write_http_config(tmp_path, 8125)
    stable = json.loads(path.read_text())["data"]["stable"]
    assert (stable["server_port"], stable["use_x_frame_options"]) == (8125, False)


def test_demo_dashboard_is_the_example_for_the_profile() -> None:
    """The README's example dashboard, with the demo's device and entity ids."""
    config = dev.demo_dashboard("Demo", "0123abcd", "demo", "01ABCDEF")
    (view,) = config["views"]
    assert view["cards"][0] == {"type": "custom:backwalk-card", "device_id": "0123abcd"}
    assert (view["title"], view["path"]) == ("Demo", "demo")
    text = json.dumps(config)
    assert "alex" not in text.lower()
    assert "sensor.demo_weekly_goal_progress" in text
    assert "backwalk:01abcdef_walking_minutes" in text


def test_flow_answers_follow_the_form() -> None:
    """Each form gets the answers it asks for; sections nest theirs."""
    schema = [
        {"name": "name", "required": True, "type": "string"},
        {"name": "unknown", "optional": True, "type": "string"},
        {
            "name": "advanced",
            "type": "expandable",
            "schema": [{"name": "webhook_local_only", "type": "boolean"}],
        },
    ]
    assert dev._answers(schema) == {
        "name": "Demo",
        "advanced": {"webhook_local_only": True},
    }


@pytest.mark.parametrize(
    ("seconds", "said"), [(0.4, "0 s"), (42, "42 s"), (245, "4 min 05 s")]
)
def test_duration(seconds: float, said: str) -> None:
    """Durations read as a person says them."""
    assert dev.duration(seconds) == said


def test_half_made_login_is_forgotten(tmp_path: Path) -> None:
    """A start stopped while onboarding made the demo user does not block the next one."""
    storage = tmp_path / ".storage"
    storage.mkdir()
    login = [storage / "auth", storage / "auth_provider.homeassistant"]
    for path in login:
        path.write_text("{}")
    onboarding = storage / "onboarding"
    onboarding.write_text(json.dumps({"data": {"done": ["user"]}}))
    dev.forget_half_made_login(tmp_path)
    assert all(path.exists() for path in login)  # onboarded: the login is real
    onboarding.write_text(json.dumps({"data": {"done": []}}))
    dev.forget_half_made_login(tmp_path)
    assert not any(path.exists() for path in login)
    dev.forget_half_made_login(tmp_path)  # nothing there: nothing to do
