#!/usr/bin/env bash
# Flood safety, as issue 13 asks it: one client requests 100,000 distinct URLs as fast as it can (bench/flood.lua:
# random searches of the register and the knowledge base, which are distinct cache entries, the dashboard with an
# unknown parameter, which is not, and unknown codes that answer 404), while another visitor measures the dashboard.
# Runs a release `inbeeld serve` on the demo database once per cache budget (--cache-mb 64, the default, then 16),
# back to back. Per budget: resident memory (VmRSS, sampled every 0.2 s) before, at its peak and 5 s after the flood,
# against the limit of the budget plus 40 MB (the peak itself is compared; the growth is shown beside it); the flood's rate; the dashboard's requests/s and p99 alone (wrk -t1 -c32
# 10 s, gzip accepted) and during the flood. Needs wrk and curl.
#
#     bash bench/flood.sh
#
# INBEELD_BIN (default target/release/inbeeld), FLOOD_BUDGETS (default "64 16"), FLOOD_URLS (default 100000),
# FLOOD_CONNECTIONS (default 32)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
BIN="${INBEELD_BIN:-target/release/inbeeld}"
URLS="${FLOOD_URLS:-100000}"
FLOOD_CONNECTIONS="${FLOOD_CONNECTIONS:-32}"
WORK="$(mktemp -d)"
DB="sqlite://$WORK/flood.sqlite"
ADDR=127.0.0.1:8790
BASE="http://$ADDR"
DASHBOARD="$BASE/metingen/eerste-meting"
GZIP="Accept-Encoding: gzip"
SERVER="" SAMPLER="" FLOOD=""
# Another process on our port would be measured instead of ours: refuse to start.
taken() { for addr in "$@"; do if curl -s -o /dev/null --max-time 1 "http://$addr/"; then echo "$addr is in use by another process" >&2; exit 1; fi; done; }
taken "$ADDR"
cleanup() {
    for pid in $FLOOD $SAMPLER $SERVER; do kill "$pid" 2>/dev/null || true; done
    rm -rf "$WORK"
}
trap cleanup EXIT
ms() { awk '{v=$1; if (v ~ /us$/) {sub(/us$/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms$/,"",v)} else if (v ~ /m$/) {sub(/m$/,"",v); v*=60000} else if (v ~ /s$/) {sub(/s$/,"",v); v*=1000}; printf "%.1f", v}'; }
dashboard() { # -> "requests/s p99"
    local out
    out="$(wrk -t1 -c32 -d10s --latency -H "$GZIP" "$DASHBOARD")"
    echo "$(awk '/Requests\/sec/ {printf "%.0f", $2}' <<<"$out") $(awk '$1=="99%" {print $2}' <<<"$out" | ms)"
}
mb() { awk '{printf "%.1f", $1/1024}'; }
rss_kb() { awk '/VmRSS/ {print $2}' "/proc/$SERVER/status"; }

"$BIN" --database "$DB" demo >/dev/null
echo "# inbeeld flood, $(date -u +%FT%TZ), $(nproc) cores, $URLS distinct URLs over $FLOOD_CONNECTIONS connections (wrk -t2)"
ROWS=()
for budget in ${FLOOD_BUDGETS:-64 16}; do
    INBEELD_LOG=warn "$BIN" --database "$DB" serve --addr "$ADDR" --cache-mb "$budget" &
    SERVER=$!
    for _ in $(seq 1 300); do curl -fs "$BASE/health/ready" >/dev/null && break; sleep 0.1; done
    for path in / /metingen /metingen/eerste-meting /gemeenten /gemeenten/GM0363 /bouwstenen /kennisbank /samenwerkingen; do
        curl -fs -o /dev/null -H "$GZIP" "$BASE$path"
    done
    read -r alone_rps alone_p99 <<<"$(dashboard)"
    sleep 1
    before="$(rss_kb)"
    : >"$WORK/rss"
    (while kill -0 "$SERVER" 2>/dev/null; do awk '/VmRSS/ {print $2}' "/proc/$SERVER/status" >>"$WORK/rss" 2>/dev/null; sleep 0.2; done) &
    SAMPLER=$!

    rm -f "$WORK"/done.*
    started=$(date +%s.%N)
    FLOOD_DONE="$WORK/done" FLOOD_PER_THREAD=$((URLS / 2)) wrk -t2 -c"$FLOOD_CONNECTIONS" -d600s -s bench/flood.lua "$BASE/" >"$WORK/flood.out" &
    FLOOD=$!
    sleep 1
    read -r during_rps during_p99 <<<"$(dashboard)"
    dashboard_end=$(date +%s.%N)
    while [[ $(ls "$WORK"/done.* 2>/dev/null | wc -l) -lt 2 ]] && kill -0 "$FLOOD" 2>/dev/null; do sleep 0.1; done
    flood_end=$(date +%s.%N)
    kill -INT "$FLOOD" 2>/dev/null || true
    wait "$FLOOD" || true
    FLOOD=""
    elapsed="$(awk -v a="$started" -v b="$flood_end" 'BEGIN {printf "%.1f", b-a}')"
    overlap="yes"
    awk -v d="$dashboard_end" -v f="$flood_end" 'BEGIN {exit !(d > f)}' && overlap="no: the flood ended first"
    requests="$(awk '/requests in/ {print $1}' "$WORK/flood.out")"
    non2xx="$(awk '/Non-2xx/ {print $NF}' "$WORK/flood.out")"
    sleep 5
    after="$(rss_kb)"
    kill "$SAMPLER"; SAMPLER=""
    peak="$(sort -n "$WORK/rss" | tail -1)"
    read -r after_rps after_p99 <<<"$(dashboard)"
    verdict="within"
    (( peak > (budget + 40) * 1024 )) && verdict="OVER"
    ROWS+=("| $budget | $(mb <<<"$before") | $(mb <<<"$peak") | $(mb <<<"$after") | $(mb <<<"$((peak - before))") | $((budget + 40)) ($verdict) | $requests in $elapsed s (${non2xx:-0} non-2xx) | $alone_rps / $alone_p99 | $during_rps / $during_p99 ($overlap) | $after_rps / $after_p99 |")
    kill "$SERVER"; wait "$SERVER" 2>/dev/null || true; SERVER=""
done
echo
echo "| --cache-mb | RSS before MB | peak MB | 5 s after MB | growth MB | limit MB | flood | dashboard alone req/s / p99 ms | during the flood | after |"
echo "|---:|---:|---:|---:|---:|---:|---|---|---|---|"
printf '%s\n' "${ROWS[@]}"
