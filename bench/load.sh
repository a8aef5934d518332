#!/usr/bin/env bash
# Load on loopback: a release `inbeeld serve` on the demo database, wrk against the main pages and API routes,
# 10 seconds each with 2 threads and 16 connections. Prints requests per second and latency per route, and the
# server's resident memory afterwards. Needs wrk (Debian package `wrk`).
#
#     cargo build --release -p inbeeld && bash bench/load.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
BIN="${INBEELD_BIN:-target/release/inbeeld}"
WORK="$(mktemp -d)"
DB="sqlite://${WORK}/load.sqlite"
ADDR=127.0.0.1:8787
"$BIN" --database "$DB" demo >/dev/null
INBEELD_LOG=warn "$BIN" --database "$DB" serve --addr "$ADDR" &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; rm -rf "$WORK"' EXIT
for _ in $(seq 1 100); do curl -fs "http://$ADDR/health" >/dev/null && break; sleep 0.1; done
for path in / /gemeenten "/gemeenten?datum=2011-01-01" /gemeenten/GM0363 /bouwstenen /api/v1/organisaties "/api/v1/organisaties/GM0363"; do
    echo "== $path"
    wrk -t2 -c16 -d10s --latency "http://$ADDR$path" | grep -E 'Requests/sec|50%|99%|Non-2xx'
done
echo "== resident memory after the load: $(grep VmRSS /proc/$SERVER/status | awk '{print $2/1024 " MB"}')"
