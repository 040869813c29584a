#!/usr/bin/env bash
# Build the one-folder desktop bundle: dist/mockloop/ (run ./mockloop inside it).
#   bash packaging/build_bundle.sh [PYTHON]
# PYTHON defaults to .venv/bin/python of the checkout (made by packaging/bootstrap.sh), else
# python3; it must have mockloop's dependencies installed. PyInstaller is installed if missing.
set -euo pipefail
cd "$(dirname "$0")/.."

PY="${1:-${MOCKLOOP_PYTHON:-}}"
if [ -z "$PY" ]; then
  if [ -x .venv/bin/python ]; then PY=.venv/bin/python; else PY=python3; fi
fi
if ! "$PY" -c 'import PyInstaller' 2>/dev/null; then
  echo "==> pip: installing PyInstaller"
  "$PY" -m pip install -q 'pyinstaller>=6.10,<7'
fi

start=$(date +%s)
echo "==> PyInstaller: building dist/mockloop/ with $("$PY" --version)"
# Sources come from src/ (pathex in the spec), so an editable or a stale install cannot leak in.
PYTHONPATH="$PWD/src${PYTHONPATH:+:$PYTHONPATH}" \
  "$PY" -m PyInstaller --noconfirm --clean --log-level WARN \
  --distpath dist --workpath build/pyinstaller packaging/mockloop.spec
echo "==> built dist/mockloop/ ($(du -sh dist/mockloop | cut -f1)) in $(( $(date +%s) - start )) s"
