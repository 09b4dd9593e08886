#!/usr/bin/env bash
# Inside the Debian root, install what `default_config:` needs at Home Assistant's first start:
# a C++ toolchain and Python headers (pymicro-vad and pyspeex-noise build from source for
# Python 3.14) plus the libraries some components load. Elsewhere the host provides them.
set -euo pipefail
[ "${BACKWALK_IN_ROOT:-}" = 1 ] || exit 0
packages="build-essential python3.14-dev ffmpeg libturbojpeg0 libpcap0.8"
stamp=/var/lib/backwalk-run-deps
[ "$(cat "$stamp" 2>/dev/null)" = "$packages" ] && exit 0
echo "run-deps: installing $packages in the toolchain root (once)" >&2
export DEBIAN_FRONTEND=noninteractive
# The package mirror may serve a snapshot whose Release file is past its Valid-Until date.
apt-get -o Acquire::Check-Valid-Until=false update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $packages >/dev/null
echo "$packages" >"$stamp"
