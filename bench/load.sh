#!/usr/bin/env bash
# Load on loopback: a release `inbeeld serve` on the demo database, wrk against the main pages and API routes,
# 10 seconds each with 2 threads. The register and catalogue routes run with 16 connections; the figures (the
# dashboard and the indicator API) with 64, beside the ceiling of this machine: a bare axum handler that answers a
# fixed 32 KB page (crates/web/examples/ceiling.rs). The figures are measured plain and as browsers ask for them,
# gzip-compressed (kept compressed in memory beside the plain bytes). Prints requests per second and latency per
# route, and the server's resident memory afterwards. Needs wrk (Debian package `wrk`).
#
#     cargo build --release -p inbeeld && cargo build --release -p inbeeld-web --example ceiling && bash bench/load.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
BIN="${INBEELD_BIN:-target/release/inbeeld}"
CEILING="${CEILING_BIN:-target/release/examples/ceiling}"
WORK="$(mktemp -d)"
DB="sqlite://${WORK}/load.sqlite"
ADDR=127.0.0.1:8787
CEILING_ADDR=127.0.0.1:8788
"$BIN" --database "$DB" demo >/dev/null
INBEELD_LOG=warn "$BIN" --database "$DB" serve --addr "$ADDR" &
SERVER=$!
"$CEILING" "$CEILING_ADDR" &
BARE=$!
trap 'kill $SERVER $BARE 2>/dev/null; rm -rf "$WORK"' EXIT
for _ in $(seq 1 100); do curl -fs "http://$ADDR/health/ready" >/dev/null && curl -fs "http://$CEILING_ADDR/" >/dev/null && break; sleep 0.1; done

load() { # connections url [header]
    local header=(${3:+-H "$3"})
    echo "== $2 ($1 connections${3:+, $3}, $(curl -fs "${header[@]}" "$2" | wc -c) bytes)"
    wrk -t2 -c"$1" -d10s --latency "${header[@]}" "$2" | grep -E 'Requests/sec|50%|90%|99%|Non-2xx|Socket errors'
}
for path in / /gemeenten "/gemeenten?datum=2011-01-01" /gemeenten/GM0363 /bouwstenen /api/v1/organisaties "/api/v1/organisaties/GM0363"; do
    load 16 "http://$ADDR$path"
done
load 64 "http://$CEILING_ADDR/"
for path in /metingen/eerste-meting /api/v1/metingen/eerste-meting/indicatoren; do
    curl -fs "http://$ADDR$path" >/dev/null # the first request computes the figures; wrk measures serving them
    load 64 "http://$ADDR$path"
    load 64 "http://$ADDR$path" "Accept-Encoding: gzip" # as browsers ask: the figures are kept compressed too
done
echo "== resident memory after the load: $(grep VmRSS /proc/$SERVER/status | awk '{print $2/1024 " MB"}')"
