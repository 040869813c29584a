#!/usr/bin/env bash
# Set up mockloop on a fresh Debian machine (as root) and then either run it or test it.
#   bash packaging/bootstrap.sh run    install everything, open the app (or the headless demo)
#   bash packaging/bootstrap.sh test   install everything, run ruff, mypy and the whole test suite
# Idempotent: re-running skips what is already there.
set -euo pipefail

mode="${1:-run}"
case "$mode" in run|test) ;; *) echo "usage: $0 run|test" >&2; exit 2 ;; esac
cd "$(dirname "$0")/.."

# System libraries: PortAudio (microphone), libsndfile (audio files), espeak-ng (the voice),
# PulseAudio (the tests' virtual microphone), Qt's X11/EGL runtime, Xvfb for GUI smoke tests.
# desktop-file-utils and appstream validate the menu entry (tests/packaging).
APT_PACKAGES=(
  python3 python3-venv python3-pip
  libportaudio2 libasound2-plugins libsndfile1 espeak-ng libespeak-ng1 pulseaudio pulseaudio-utils sox
  libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libdbus-1-3 libglib2.0-0
  libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libxcb-xinerama0 libxcb-randr0
  libxcb-render-util0 libxcb-image0 libxcb-xkb1 libnss3 xvfb
  desktop-file-utils appstream
)
missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
  echo "==> apt: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Python >= 3.11 with venv: prefer the first python3 on PATH that qualifies.
PY=""
for cand in python3 python3.13 python3.12 python3.11 /usr/bin/python3; do
  if command -v "$cand" >/dev/null 2>&1 && "$cand" -c 'import sys, venv; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    PY="$cand"; break
  fi
done
[ -n "$PY" ] || { echo "mockloop needs Python >= 3.11 (Debian 12 ships 3.11)" >&2; exit 1; }

if [ ! -x .venv/bin/python ]; then
  echo "==> creating .venv with $($PY --version)"
  "$PY" -m venv .venv
fi
stamp=".venv/.mockloop-installed-$mode"
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  echo "==> pip: installing mockloop and its dependencies into .venv"
  .venv/bin/python -m pip install -q --upgrade pip
  if [ "$mode" = test ]; then
    .venv/bin/python -m pip install -q -e '.[dev]'
  else
    .venv/bin/python -m pip install -q -e .
  fi
  touch "$stamp"
fi

if [ "$mode" = run ]; then
  if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
    exec .venv/bin/mockloop gui
  fi
  echo "No display found (DISPLAY and WAYLAND_DISPLAY are unset), so the desktop app cannot open."
  echo "Running the headless demo instead: a recorded answer through the full coaching loop."
  echo
  exec .venv/bin/mockloop demo
fi

echo "==> ruff"
.venv/bin/ruff check src tests benchmarks scripts
echo "==> mypy (strict on mockloop.core)"
.venv/bin/mypy src/mockloop/core src/mockloop/store
echo "==> pytest"
export QT_QPA_PLATFORM=offscreen
set +e
.venv/bin/python -m pytest -q -p no:cacheprovider "${@:2}"
rc=$?
set -e
# pytest's 5 means no tests ran: that is a failure for us too.
exit "$rc"
