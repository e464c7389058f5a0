#!/usr/bin/env bash
# Grade the service with every labelled set: start it on a throwaway SQLite database and a
# free port, create a screener key, run scripts/eval_sets.py, stop the server.
# Usage: scripts/run_eval.sh [eval_sets.py options, e.g. --quiet or --set NAME=FILE]
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.venv/bin}
EVAL_SCRIPT=${EVAL_SCRIPT:-scripts/eval_sets.py}

workdir=$(mktemp -d)
server_pid=""
cleanup() {
  if [[ -n $server_pid ]]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$workdir"
}
trap cleanup EXIT

port=$("$BIN/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
url="http://127.0.0.1:$port"
export SCREENING_DATABASE_URL="sqlite:///$workdir/eval.db"
"$BIN/screening" db upgrade >/dev/null
key=$("$BIN/screening" keys create --role screener --name eval | tail -n 1)

"$BIN/screening" serve --port "$port" >"$workdir/server.log" 2>&1 &
server_pid=$!
ready() { "$BIN/python" -c "import urllib.request; urllib.request.urlopen('$url/readyz', timeout=1)" 2>/dev/null; }
for _ in $(seq 150); do
  ready && break
  if ! kill -0 "$server_pid" 2>/dev/null; then
    echo "eval: the server did not start:" >&2
    cat "$workdir/server.log" >&2
    exit 1
  fi
  sleep 0.2
done
ready || { echo "eval: $url/readyz never answered" >&2; cat "$workdir/server.log" >&2; exit 1; }

"$BIN/python" "$EVAL_SCRIPT" --url "$url" --api-key "$key" "$@"
