#!/usr/bin/env bash
# Load on loopback, as issue 13 asks it: a release `inbeeld serve` (no --metrics-addr) on the demo database, and
# every public page type beside the ceiling of this machine (a bare axum handler answering a fixed 32 KB page,
# crates/web/examples/ceiling.rs), all in one run so that the figures share the machine's state. Per route:
#   1. cold: the time of its very first request (curl, gzip accepted), before anything warmed that page;
#   2. warm: wrk -t2 -c64 -d10s --latency with Accept-Encoding: gzip (5 s with QUICK=1).
# The ceiling is measured first and last; "x ceiling" divides by their mean. The last column sends the answer's
# ETag back: 304 says the answer is kept in the public cache. Then the resident memory, and then
# (on the demo) "cold after a change": a municipality renamed through `inbeeld import register` and a catalogue's
# name changed through `inbeeld import catalogue`, which between them change what every one of these pages shows,
# and the first request of each page after it. Prints Markdown tables. Needs wrk (Debian package `wrk`) and curl.
#
#     cargo build --release -p inbeeld && cargo build --release -p inbeeld-web --example ceiling && bash bench/load.sh
#
# INBEELD_BIN, CEILING_BIN   the binaries (default target/release/inbeeld, target/release/examples/ceiling)
# LOAD_DATABASE=<url>        run on an existing database instead of a fresh demo (no change is made to it)
# LOAD_ROUTES="/a /b?x=1"    only these paths (space-separated), instead of the list below
# LOAD_WAVE, LOAD_ORG        the wave and municipality in the paths (default eerste-meting, GM0363)
# QUICK=1                    5 s per route instead of 10; CACHE_MB=<n> passes --cache-mb; CHANGE=0 skips step 3
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
BIN="${INBEELD_BIN:-target/release/inbeeld}"
CEILING="${CEILING_BIN:-target/release/examples/ceiling}"
WAVE="${LOAD_WAVE:-eerste-meting}"
ORG="${LOAD_ORG:-GM0363}"
DURATION=10s
[[ "${QUICK:-0}" == 1 ]] && DURATION=5s
WORK="$(mktemp -d)"
DB="${LOAD_DATABASE:-sqlite://${WORK}/load.sqlite}"
ADDR=127.0.0.1:8787
CEILING_ADDR=127.0.0.1:8788
GZIP="Accept-Encoding: gzip"
ROUTES=(
    /
    /metingen
    "/metingen/$WAVE"
    "/metingen/$WAVE/provincies/PV27"
    "/metingen/$WAVE/bouwstenen/digid"
    /gemeenten
    "/gemeenten?zoek=amster"
    "/gemeenten/$ORG"
    /bouwstenen
    /bouwstenen/digid
    /kennisbank
    "/kennisbank?zoek=digid"
    /samenwerkingen
    /api/v1/organisaties
    "/api/v1/metingen/$WAVE/indicatoren"
    "/api/v1/metingen/$WAVE/organisaties/$ORG/profiel"
)
[[ -n "${LOAD_ROUTES:-}" ]] && read -r -a ROUTES <<<"$LOAD_ROUTES"

# Another process on our port would be measured instead of ours: refuse to start.
taken() { for addr in "$@"; do if curl -s -o /dev/null --max-time 1 "http://$addr/"; then echo "$addr is in use by another process" >&2; exit 1; fi; done; }
taken "$ADDR" "$CEILING_ADDR"
if [[ -z "${LOAD_DATABASE:-}" ]]; then "$BIN" --database "$DB" demo >/dev/null; fi
CACHE_ARGS=(${CACHE_MB:+--cache-mb "$CACHE_MB"})
INBEELD_LOG=warn "$BIN" --database "$DB" serve --addr "$ADDR" "${CACHE_ARGS[@]}" &
SERVER=$!
"$CEILING" "$CEILING_ADDR" &
BARE=$!
trap 'kill $SERVER $BARE 2>/dev/null; rm -rf "$WORK"' EXIT
for _ in $(seq 1 300); do curl -fs "http://$ADDR/health/ready" >/dev/null && curl -fs "http://$CEILING_ADDR/" >/dev/null && break; sleep 0.1; done

rss() { awk '/VmRSS/ {printf "%.1f MB", $2/1024}' "/proc/$1/status"; }
hwm() { awk '/VmHWM/ {printf "%.1f MB", $2/1024}' "/proc/$1/status"; }
# The first request of a page: milliseconds, gzip bytes and status.
first() { curl -s -o /dev/null -H "$GZIP" -w '%{time_total} %{size_download} %{http_code}' "http://$ADDR$1" | awk '{printf "%.1f %d %s", $1*1000, $2, $3}'; }
# Whether the answer is kept: its entity tag sent back gets 304 Not Modified.
kept() {
    local tag
    tag="$(curl -s -o /dev/null -D - -H "$GZIP" "http://$ADDR$1" | awk 'tolower($1)=="etag:" {print $2}' | tr -d '\r')"
    if [[ -z "$tag" ]]; then echo "no ETag"; else curl -s -o /dev/null -w '%{http_code}' -H "$GZIP" -H "If-None-Match: $tag" "http://$ADDR$1"; fi
}
# wrk's latency ("812.00us", "1.20ms", "1.02s") in milliseconds.
ms() { awk '{v=$1; if (v ~ /us$/) {sub(/us$/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms$/,"",v)} else if (v ~ /m$/) {sub(/m$/,"",v); v*=60000} else if (v ~ /s$/) {sub(/s$/,"",v); v*=1000}; printf "%.2f", v}'; }
# wrk on a URL; sets RPS P50 P99 and BAD (non-2xx/3xx responses and socket errors).
measure() {
    local out
    out="$(wrk -t2 -c64 -d"$DURATION" --latency -H "$GZIP" "$1")"
    RPS="$(awk '/Requests\/sec/ {printf "%.0f", $2}' <<<"$out")"
    P50="$(awk '$1=="50%" {print $2}' <<<"$out" | ms)"
    P99="$(awk '$1=="99%" {print $2}' <<<"$out" | ms)"
    BAD="$(awk '/Non-2xx/ {n+=$NF} /Socket errors/ {gsub(/,/,""); n+=$4+$6+$8+$10} END {print n+0}' <<<"$out")"
}

echo "# inbeeld load, $(date -u +%FT%TZ), $(nproc) cores, wrk -t2 -c64 -d$DURATION gzip accepted, database ${LOAD_DATABASE:+$LOAD_DATABASE}${LOAD_DATABASE:-demo (SQLite)}"
echo "resident memory at start: $(rss $SERVER)"
declare -A COLD BYTES STATUS
for path in "${ROUTES[@]}"; do # every first request before any wrk, so none is warmed by another's load
    read -r "COLD[$path]" _ "STATUS[$path]" <<<"$(first "$path")"
done
measure "http://$CEILING_ADDR/"
CEIL1=$RPS CEIL1_P50=$P50 CEIL1_P99=$P99
ROWS=()
for path in "${ROUTES[@]}"; do
    read -r _ "BYTES[$path]" _ <<<"$(first "$path")"
    measure "http://$ADDR$path"
    ROWS+=("$path|${BYTES[$path]}|${STATUS[$path]}|${COLD[$path]}|$RPS|$P50|$P99|$BAD|$(kept "$path")")
done
measure "http://$CEILING_ADDR/"
CEIL2=$RPS
CEILING_RPS=$(( (CEIL1 + CEIL2) / 2 ))
echo
echo "ceiling (bare axum, 32 KB): $CEIL1 req/s (p50 $CEIL1_P50 ms, p99 $CEIL1_P99 ms) before, $CEIL2 req/s (p50 $P50 ms, p99 $P99 ms) after; mean $CEILING_RPS"
echo
echo "| route | bytes (gzip) | cold first request ms | requests/s | p50 ms | p99 ms | × ceiling | If-None-Match |"
echo "|---|---:|---:|---:|---:|---:|---:|---|"
for row in "${ROWS[@]}"; do
    IFS='|' read -r path bytes status cold rps p50 p99 bad kept <<<"$row"
    note=""
    [[ "$status" != 200 ]] && note=" (status $status)"
    [[ "$bad" != 0 ]] && note="$note ($bad errors or non-2xx)"
    echo "| \`$path\`$note | $bytes | $cold | $rps | $p50 | $p99 | $(awk -v r="$rps" -v c="$CEILING_RPS" 'BEGIN {printf "%.2f", r/c}') | $kept |"
done
echo
echo "resident memory after the load: $(rss $SERVER) (peak $(hwm $SERVER))"

if [[ -n "${LOAD_DATABASE:-}" || "${CHANGE:-1}" == 0 ]]; then exit 0; fi
# Cold after a change: rename one municipality that is in the published waves (Amsterdam keeps its code) and add a
# catalogue (a copy of nup-2008 under another id; changing the text of a catalogue that a wave uses is refused by the
# database, see the README). The register changes every wave page, the register, the profiles, the home page, the
# collaborations and the API; the catalogues the block pages, the knowledge base (its articles name blocks) and again
# the wave pages.
# The file holds only Amsterdam's row (the import adds or updates, never removes); importing it again changes nothing,
# which the last columns show: those requests are answered from the cache, their entity tags the same.
etag() { curl -s -o /dev/null -D - -H "$GZIP" "http://$ADDR$1" | awk 'tolower($1)=="etag:" {print $2}' | tr -d '\r'; }
declare -A TAG_BEFORE TAG_AFTER
for path in "${ROUTES[@]}"; do TAG_BEFORE[$path]="$(etag "$path")"; done
REGISTER="$WORK/register.csv"
{ head -1 data/register/register.csv; grep '^GM0363,' data/register/register.csv | sed 's/^GM0363,Amsterdam,/GM0363,Amsterdam (hernoemd),/'; } >"$REGISTER"
sed 's/^id = "nup-2008"$/id = "nup-2008-herzien"/' data/catalogues/nup-2008.toml >"$WORK/nup-2008.toml"
CHANGES="$({ "$BIN" --database "$DB" import register "$REGISTER"; "$BIN" --database "$DB" import catalogue "$WORK/nup-2008.toml"; } 2>&1 | sed "s|$WORK/||" | tr '\n' ' ')"
sleep 1 # a process reads the data versions again at most every 250 ms
declare -A AFTER AGAIN AFTER_STATUS SAME
for path in "${ROUTES[@]}"; do
    read -r "AFTER[$path]" _ "AFTER_STATUS[$path]" <<<"$(first "$path")"
    read -r "AGAIN[$path]" _ _ <<<"$(first "$path")"
    TAG_AFTER[$path]="$(etag "$path")"
done
SAME_FILE="$({ "$BIN" --database "$DB" import register "$REGISTER"; "$BIN" --database "$DB" import catalogue "$WORK/nup-2008.toml"; } 2>&1 | sed "s|$WORK/||" | tr '\n' ' ')"
sleep 1
declare -A VERDICT
for path in "${ROUTES[@]}"; do
    read -r "SAME[$path]" _ _ <<<"$(first "$path")"
    tag="$(etag "$path")"
    if [[ "${TAG_AFTER[$path]}" == "${TAG_BEFORE[$path]}" ]]; then VERDICT[$path]="NOT changed by the change"
    elif [[ "$tag" != "${TAG_AFTER[$path]}" ]]; then VERDICT[$path]="changed again by the same files"
    else VERDICT[$path]="new after the change, kept after the same files"; fi
done
echo
echo "cold after a change: $CHANGES"
echo "then the same files again: $SAME_FILE"
echo
echo "| route | first request after the change ms | second ms | after re-importing the same files ms | status | ETag |"
echo "|---|---:|---:|---:|---|---|"
for path in "${ROUTES[@]}"; do
    echo "| \`$path\` | ${AFTER[$path]} | ${AGAIN[$path]} | ${SAME[$path]} | ${AFTER_STATUS[$path]} | ${VERDICT[$path]} |"
done
echo
echo "resident memory at the end: $(rss $SERVER) (peak $(hwm $SERVER))"
