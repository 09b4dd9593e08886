#!/usr/bin/env bash
# Runs a command with the project's Python 3.14 virtualenv first on PATH, making both if needed.
#
# Home Assistant needs Python >= 3.14.2. We look for one in this order:
#   1. python3.14 on PATH (if new enough);
#   2. `uv python install 3.14` where uv exists and the network allows it;
#   3. a private Debian sid root made with debootstrap, entered with chroot.
# Everything lives under .toolchain/ (git-ignored) and is reused when present.
#
# Usage: scripts/toolchain.sh [--ha VERSION] COMMAND [ARG...]
#
# With --ha VERSION the command runs in .toolchain/venv-VERSION instead, made the same way
# (same Python, reused the same way) from requirements-ha-VERSION.txt: another Home
# Assistant release, for `make test-versions`.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
toolchain=${BACKWALK_TOOLCHAIN:-$repo/.toolchain}
venv=$toolchain/venv
root=$toolchain/root
mode_file=$toolchain/python
requirements=$repo/requirements.txt

log() { printf 'toolchain: %s\n' "$*" >&2; }

if [ "${1:-}" = --ha ]; then
    if [ -z "${2:-}" ] || [ ! -f "$repo/requirements-ha-$2.txt" ]; then
        log "--ha needs a version with a requirements-ha-VERSION.txt: $(
            cd "$repo" && ls requirements-ha-*.txt 2>/dev/null | sed 's/requirements-ha-//; s/\.txt$//' | xargs
        )"
        exit 2
    fi
    requirements=$repo/requirements-ha-$2.txt
    venv=$toolchain/venv-$2
    shift 2
fi

python_ok() {
    # True when "$1" is a Python >= 3.14.2 that can make venvs.
    "$1" -c 'import sys, venv; sys.exit(sys.version_info < (3, 14, 2))' 2>/dev/null
}

find_native_python() {
    local candidate
    candidate=$(command -v python3.14 || true)
    if [ -n "$candidate" ] && python_ok "$candidate"; then
        echo "$candidate"
        return 0
    fi
    if command -v uv >/dev/null 2>&1; then
        log "trying uv python install 3.14"
        if timeout 300 uv python install 3.14 >&2; then
            candidate=$(uv python find 3.14 2>/dev/null || true)
            if [ -n "$candidate" ] && python_ok "$candidate"; then
                echo "$candidate"
                return 0
            fi
        fi
        log "uv could not provide Python 3.14"
    fi
    return 1
}

make_root() {
    if [ -x "$root/usr/bin/python3.14" ]; then
        if [ ! -x "$root/usr/bin/g++" ] || [ ! -f "$root/usr/include/python3.14/Python.h" ]; then
            # A root made before the compiler was part of it.
            log "adding a compiler to the toolchain root (once)"
            ( in_root /bin/bash -c 'export DEBIAN_FRONTEND=noninteractive
                apt-get -o Acquire::Check-Valid-Until=false update -qq &&
                apt-get install -y -qq --no-install-recommends build-essential python3.14-dev \
                    >/dev/null' )
        fi
        return 0
    fi
    if ! command -v debootstrap >/dev/null 2>&1; then
        log "installing debootstrap"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
    fi
    log "making a Debian sid root with Python 3.14 and a compiler (about a minute)"
    rm -rf "$root.tmp"
    mkdir -p "$toolchain"
    # The compiler and headers build the pinned packages that have no wheel for Python 3.14
    # (pymicro-vad and pyspeex-noise, in requirements*.txt).
    debootstrap --variant=minbase \
        --include=python3.14,python3.14-venv,python3.14-dev,build-essential,ca-certificates \
        sid "$root.tmp" >"$toolchain/debootstrap.log" 2>&1 || {
        tail -20 "$toolchain/debootstrap.log" >&2
        exit 1
    }
    mv "$root.tmp" "$root"
}

copy_in() {
    cmp -s "$1" "$2" && return 0
    cp "$1" "$2.$$" && mv -f "$2.$$" "$2"
}

# Runs "$@" inside the root in a private mount namespace: every mount made here disappears
# when the command ends, whether it succeeds, fails or is interrupted.
in_root() {
    # Copied aside, then renamed: a command running in the root meanwhile never reads half a
    # file (a half certificate bundle fails TLS with "PEM lib").
    copy_in /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true
    if [ -f /etc/ssl/certs/ca-certificates.crt ]; then
        copy_in /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/ca-certificates.crt"
    fi
    mkdir -p "$root$repo" "$root$toolchain"
    local inner_path="$venv/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
    exec unshare --mount --propagation private -- /bin/bash -c '
        set -e
        root=$1 repo=$2 workdir=$3 inner_path=$4 toolchain=$5
        shift 5
        mount --rbind /dev "$root/dev"
        mount -t proc proc "$root/proc"
        mount --rbind /sys "$root/sys"
        case "$toolchain/" in
            "$repo"/*) ;;
            *) mount --bind "$toolchain" "$root$toolchain" ;;  # BACKWALK_TOOLCHAIN elsewhere
        esac
        mount --bind "$repo" "$root$repo"
        # pip configuration of the host (extra indexes, constraints) applies inside too.
        for dir in /etc/xdg/pip /opt/pypi /opt/pypi-more /opt/wheels; do
            if [ -d "$dir" ]; then
                mkdir -p "$root$dir"
                mount --bind "$dir" "$root$dir"
            fi
        done
        [ -f /etc/pip.conf ] && cp /etc/pip.conf "$root/etc/pip.conf"
        exec chroot "$root" /usr/bin/env PATH="$inner_path" HOME=/root BACKWALK_IN_ROOT=1 \
            /bin/bash -c "cd \"\$0\" && exec \"\$@\"" "$workdir" "$@"
    ' backwalk-root "$root" "$repo" "$PWD" "$inner_path" "$toolchain" "$@"
}

choose_python() {
    # The choice is remembered so a second run starts in seconds.
    if [ -f "$mode_file" ]; then
        cat "$mode_file"
        return
    fi
    local native
    if native=$(find_native_python); then
        echo "$native"
    else
        echo root
    fi
}

mode=$(choose_python)
mkdir -p "$toolchain"
echo "$mode" >"$mode_file"

run() {
    if [ "$mode" = root ]; then
        ( in_root "$@" )
    else
        PATH="$venv/bin:$PATH" "$@"
    fi
}

if [ "$mode" = root ]; then
    make_root
    python=/usr/bin/python3.14
else
    python=$mode
fi

stamp=$venv/.requirements.sha256
wanted=$(sha256sum "$requirements" | cut -d' ' -f1)
# One install at a time: commands started while it runs (a test in another terminal) wait
# for it instead of removing the venv under it.
exec 9>"$toolchain/.install.lock"
flock 9
if [ ! -f "$venv/pyvenv.cfg" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$wanted" ]; then
    log "installing pinned requirements into $venv"
    if [ ! -x "$venv/bin/pip" ]; then
        # Made anew only when missing or broken: a changed pin is installed over it.
        rm -rf "$venv"
        run "$python" -m venv "$venv"
        run "$venv/bin/python" -m pip install -q --upgrade pip
    fi
    run "$venv/bin/python" -m pip install -q -r "$requirements"
    echo "$wanted" >"$stamp"
fi
flock -u 9

if [ "$#" -gt 0 ]; then
    if [ "$mode" = root ]; then
        in_root "$@"
    else
        PATH="$venv/bin:$PATH" exec "$@"
    fi
fi
