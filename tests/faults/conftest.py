"""A small real filesystem under each test's .storage directory.

As root, a 2 MiB tmpfs is mounted over the test's `.storage` (its own configuration
directory, so nothing else is affected) and unmounted in teardown, also when the test
fails; scripts/toolchain.sh runs the tests in a private mount namespace besides, so
nothing stays mounted even if the process is killed. Where mounting is not permitted,
the suite falls back to a file size limit (RLIMIT_FSIZE): writes then fail with EFBIG
instead of ENOSPC, and the read-only scenario is skipped. The summary at the end of the
run says which one ran; BACKWALK_FAULTS_FS=rlimit forces the fallback.
"""

from __future__ import annotations

from collections.abc import Generator
import ctypes
import errno
import os
import resource
import signal
from typing import Literal

from homeassistant.core import HomeAssistant
import pytest

SIZE = 2 * 1024 * 1024
_MS_RDONLY = 1
_MS_REMOUNT = 32
_MNT_DETACH = 2
_FILLER = "zz-filler"

# Which mechanism each test ran on, for the summary.
_RAN: dict[str, str] = {}


def _libc_call(name: str, *args: object) -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    if getattr(libc, name)(*args) != 0:
        number = ctypes.get_errno()
        raise OSError(number, f"{name}: {os.strerror(number)}")


def _mount(target: str, flags: int = 0) -> None:
    _libc_call(
        "mount",
        b"tmpfs",
        target.encode(),
        b"tmpfs",
        ctypes.c_ulong(flags),
        f"size={SIZE},mode=0755".encode(),
    )


def _unmount(target: str) -> None:
    try:
        _libc_call("umount2", target.encode(), 0)
    except OSError:
        # Something still holds it: detach it now, the kernel frees it when unused.
        _libc_call("umount2", target.encode(), _MNT_DETACH)


class SmallDisk:
    """The test's .storage directory on a small filesystem that can fill up."""

    def __init__(self, path: str, kind: Literal["tmpfs", "rlimit"]) -> None:
        """Remember where the storage is and how faults are made."""
        self.path = path
        self.kind = kind
        self._limits = resource.getrlimit(resource.RLIMIT_FSIZE)
        self._handler = signal.getsignal(signal.SIGXFSZ)

    def fill(self, leave: int = 0) -> None:
        """Leave about `leave` bytes free (rlimit: no file may grow past `leave`)."""
        if self.kind == "rlimit":
            # A write past the limit fails with EFBIG rather than killing the process.
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (leave, self._limits[1]))
            return
        descriptor = os.open(
            os.path.join(self.path, _FILLER), os.O_WRONLY | os.O_CREAT | os.O_APPEND
        )
        try:
            while (free := self.free_bytes()) > leave:
                try:
                    os.write(descriptor, bytes(min(free - leave, 1 << 16)))
                except OSError as err:
                    if err.errno != errno.ENOSPC:
                        raise
                    break
            os.fsync(descriptor)
        finally:
            os.close(descriptor)

    def free_bytes(self) -> int:
        """Bytes still free on the filesystem."""
        stat = os.statvfs(self.path)
        return stat.f_bavail * stat.f_frsize

    def make_room(self) -> None:
        """Space comes back."""
        if self.kind == "rlimit":
            resource.setrlimit(resource.RLIMIT_FSIZE, self._limits)
            signal.signal(signal.SIGXFSZ, self._handler)
            return
        filler = os.path.join(self.path, _FILLER)
        if os.path.exists(filler):
            os.remove(filler)

    def read_only(self) -> None:
        """Remount read-only (a failing disk is often switched to read-only)."""
        if self.kind == "rlimit":
            pytest.skip("read-only storage needs a mount (not permitted here)")
        _mount(self.path, _MS_REMOUNT | _MS_RDONLY)

    def writable(self) -> None:
        """Remount read-write."""
        _mount(self.path, _MS_REMOUNT)


def _kind() -> Literal["tmpfs", "rlimit"]:
    if os.environ.get("BACKWALK_FAULTS_FS") == "rlimit" or os.geteuid() != 0:
        return "rlimit"
    return "tmpfs"


@pytest.fixture
def small_disk(
    hass: HomeAssistant, request: pytest.FixtureRequest
) -> Generator[SmallDisk]:
    """The test's .storage on a 2 MiB tmpfs, or under a file size limit."""
    path = hass.config.path(".storage")
    os.makedirs(path, exist_ok=True)
    # A mount hides what is below it: nothing may have been written there yet.
    assert os.listdir(path) == [], os.listdir(path)
    kind = _kind()
    if kind == "tmpfs":
        try:
            _mount(path)
        except OSError as err:
            if err.errno not in (errno.EPERM, errno.EACCES, errno.ENOSYS):
                raise
            kind = "rlimit"
    disk = SmallDisk(path, kind)
    _RAN[request.node.nodeid] = kind
    request.node.user_properties.append(("storage", kind))
    try:
        yield disk
    finally:
        disk.make_room()
        if kind == "tmpfs":
            _unmount(path)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Say which kind of small filesystem the fault suite ran on."""
    if not _RAN:
        return
    kinds = sorted(set(_RAN.values()))
    described = {
        "tmpfs": f"a real {SIZE // 1024 // 1024} MiB tmpfs (ENOSPC, read-only remount)",
        "rlimit": "a file size limit, RLIMIT_FSIZE (EFBIG; read-only skipped)",
    }
    terminalreporter.write_line(
        "storage faults ran on " + " and ".join(described[kind] for kind in kinds)
    )
