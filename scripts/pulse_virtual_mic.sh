#!/usr/bin/env bash
# A virtual microphone for tests and CI: a private PulseAudio daemon with a null sink whose
# monitor is remapped to a source ("mockloop_mic", the default input). Audio played into the
# sink (paplay) is what a program recording from the default input hears.
#
#   scripts/pulse_virtual_mic.sh start   # prints: export PULSE_SERVER=...  (eval it)
#   scripts/pulse_virtual_mic.sh stop
#
# Works as root without X or D-Bus. A silent stream keeps playing into the sink: without it the
# null sink idles and the first ~2 s of speech played into it are lost.
set -euo pipefail

RUNTIME="${MOCKLOOP_PULSE_DIR:-/tmp/mockloop-pulse}"
SOCKET="$RUNTIME/native"
export PULSE_RUNTIME_PATH="$RUNTIME" PULSE_STATE_PATH="$RUNTIME/state" HOME="${HOME:-/root}"
export PULSE_SERVER="unix:$SOCKET"

start() {
  command -v pulseaudio >/dev/null || { echo "pulseaudio is not installed" >&2; exit 3; }
  mkdir -p "$RUNTIME/state"
  stop_quiet
  pulseaudio -n --daemonize=no --exit-idle-time=-1 --system=false --disallow-exit \
    --log-target=file:"$RUNTIME/pulse.log" \
    -L "module-native-protocol-unix auth-anonymous=1 socket=$SOCKET" \
    -L "module-null-sink sink_name=mockloop_sink rate=48000 sink_properties=device.description=mockloop_sink" \
    -L "module-remap-source source_name=mockloop_mic master=mockloop_sink.monitor source_properties=device.description=mockloop_mic" \
    >/dev/null 2>&1 &
  echo $! > "$RUNTIME/pulse.pid"
  for _ in $(seq 1 50); do
    pactl info >/dev/null 2>&1 && break
    sleep 0.1
  done
  pactl info >/dev/null 2>&1 || { echo "pulseaudio did not start (see $RUNTIME/pulse.log)" >&2; exit 4; }
  pactl set-default-sink mockloop_sink
  pactl set-default-source mockloop_mic
  # Keep the sink busy with silence (see the header).
  pacat --playback --device=mockloop_sink --format=s16le --rate=48000 --channels=1 < /dev/zero \
    >/dev/null 2>&1 &
  echo $! > "$RUNTIME/keepalive.pid"
  echo "export PULSE_SERVER=$PULSE_SERVER PULSE_RUNTIME_PATH=$RUNTIME"
}

stop_quiet() {
  for f in keepalive.pid pulse.pid; do
    if [[ -f "$RUNTIME/$f" ]]; then
      kill "$(cat "$RUNTIME/$f")" 2>/dev/null || true
      rm -f "$RUNTIME/$f"
    fi
  done
}

case "${1:-start}" in
  start) start ;;
  stop) stop_quiet ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
