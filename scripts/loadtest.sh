#!/usr/bin/env bash
# Load test of lecture mode: builds sgdbias, serves it on a free loopback
# port with a throwaway host key, opens SESSIONS sessions (default 100) with
# server/loadtest for DURATION (default 20s), prints the frame interval, the
# key-to-frame latency, the server's CPU and memory per session, and stops
# the server. Only loopback traffic; nothing is left behind.
#
#   scripts/loadtest.sh            # 100 sessions, 20 s
#   SESSIONS=50 DURATION=30s scripts/loadtest.sh
#   SERVE_FLAGS="--speed inf" scripts/loadtest.sh   # every simulation flat out
#   STAGE=1 scripts/loadtest.sh    # one presenter drives the stage, the others follow
#   STAGE=1 SESSIONS=200 scripts/loadtest.sh   # a lecture: 200 followers + the presenter
set -euo pipefail
cd "$(dirname "$0")/.."
sessions=${SESSIONS:-100}
duration=${DURATION:-20s}
work=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
go build -o "$work/sgdbias" .
go build -o "$work/loadtest" ./server/loadtest
port=$(( 20000 + RANDOM % 20000 ))
extra=()
if [ -n "${STAGE:-}" ]; then
	ssh-keygen -q -t ed25519 -N "" -f "$work/presenter"
	SERVE_FLAGS="${SERVE_FLAGS:-} --presenter-keys $work/presenter.pub"
	extra=(-presenter-key "$work/presenter")
fi
# shellcheck disable=SC2086
"$work/sgdbias" serve --listen "127.0.0.1:$port" --host-key "$work/host_ed25519" \
	--open --rate-limit 0 --max-sessions $((sessions + 10)) ${SERVE_FLAGS:-} 2>"$work/server.log" &
pid=$!
for _ in $(seq 50); do
	grep -q "listening on" "$work/server.log" 2>/dev/null && break
	sleep 0.1
done
"$work/loadtest" -addr "127.0.0.1:$port" -sessions "$sessions" -duration "$duration" -pid "$pid" "${extra[@]}"
kill -INT "$pid"
wait "$pid" || true
echo "server log: $(grep -c ' INFO connect ' "$work/server.log") connects, $(grep -c ' INFO disconnect ' "$work/server.log") disconnects, $(grep -c 'refused' "$work/server.log" || true) refusals"
