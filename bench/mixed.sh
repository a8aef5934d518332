#!/usr/bin/env bash
# Mixed load, as issue 13 asks it: readers on every public page type while respondents save pages of an open wave,
# on SQLite and on PostgreSQL, back to back in one run. Per database: the demo plus an open wave `proef` with personal
# links for 32 municipalities (as tests/it/durability.rs::demo_with_open_wave), a release `inbeeld serve` without
# --metrics-addr, every page warmed once, then
#   phase A: 224 readers alone: one wrk (-t1 -c14 --latency, gzip accepted) on each of the 16 public page types, 30 s;
#   phase B: the same readers plus 32 respondents (bench/respondents.py) saving pages continuously: 256 connections.
# Prints per page the requests/s and p99 of both phases and B/A, the saves per second, the server's peak resident
# memory (VmRSS sampled every second) and whether any public page's entity tag changed (the saves are in a wave that is
# not published, so none may). Needs wrk, curl, python3, and for PostgreSQL psql reaching postgres@127.0.0.1:5432.
#
#     bash bench/mixed.sh                      # both databases; MIXED_DATABASES=sqlite or =postgres for one
#
# INBEELD_BIN (default target/release/inbeeld), MIXED_SECONDS (default 30), PG (default postgres://postgres@127.0.0.1:5432)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
BIN="${INBEELD_BIN:-target/release/inbeeld}"
SECONDS_PER_PHASE="${MIXED_SECONDS:-30}"
PG="${PG:-postgres://postgres@127.0.0.1:5432}"
WORK="$(mktemp -d)"
ADDR=127.0.0.1:8791
BASE="http://$ADDR"
GZIP="Accept-Encoding: gzip"
ROUTES=(
    / /metingen /metingen/eerste-meting /metingen/eerste-meting/provincies/PV27 /metingen/eerste-meting/bouwstenen/digid
    /gemeenten "/gemeenten?zoek=amster" /gemeenten/GM0363 /bouwstenen /bouwstenen/digid /kennisbank "/kennisbank?zoek=digid"
    /samenwerkingen /api/v1/organisaties /api/v1/metingen/eerste-meting/indicatoren
    /api/v1/metingen/eerste-meting/organisaties/GM0363/profiel
)
# 32 municipalities of the register when the wave closes, the first by code.
RESPONDENTS=($(awk -F, '$1 ~ /^GM/ && $5 == "" {print $1}' data/register/register.csv | head -32))
SERVER="" SAMPLER="" PGDB=""
# Another process on our port would be measured instead of ours: refuse to start.
taken() { for addr in "$@"; do if curl -s -o /dev/null --max-time 1 "http://$addr/"; then echo "$addr is in use by another process" >&2; exit 1; fi; done; }
taken "$ADDR"
cleanup() {
    [[ -n "$SAMPLER" ]] && kill "$SAMPLER" 2>/dev/null
    [[ -n "$SERVER" ]] && kill "$SERVER" 2>/dev/null && wait "$SERVER" 2>/dev/null
    [[ -n "$PGDB" ]] && psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE IF EXISTS $PGDB" >/dev/null
    rm -rf "$WORK"
}
trap cleanup EXIT
ms() { awk '{v=$1; if (v ~ /us$/) {sub(/us$/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms$/,"",v)} else if (v ~ /m$/) {sub(/m$/,"",v); v*=60000} else if (v ~ /s$/) {sub(/s$/,"",v); v*=1000}; printf "%.1f", v}'; }
summary() { # wrk output file -> "rps p99 errors"
    local rps p99 bad
    rps="$(awk '/Requests\/sec/ {printf "%.0f", $2}' "$1")"
    p99="$(awk '$1=="99%" {print $2}' "$1" | ms)"
    bad="$(awk '/Non-2xx/ {n+=$NF} /Socket errors/ {gsub(/,/,""); n+=$4+$6+$8+$10} END {print n+0}' "$1")"
    echo "$rps $p99 $bad"
}
readers() { # phase name: one wrk per route in the background, waits for all
    local i=0 pids=()
    for path in "${ROUTES[@]}"; do
        wrk -t1 -c14 -d"${SECONDS_PER_PHASE}s" --latency -H "$GZIP" "$BASE$path" >"$WORK/$1.$i" &
        pids+=($!)
        i=$((i + 1))
    done
    wait "${pids[@]}"
}
etags() { for path in "${ROUTES[@]}"; do curl -s -o /dev/null -D - -H "$GZIP" "$BASE$path" | awk 'tolower($1)=="etag:" {print $2}'; done; }

run() { # database url, label
    local db="$1" label="$2"
    "$BIN" --database "$db" demo >/dev/null
    "$BIN" --database "$db" wave create --id proef --title Proef --catalogue nup-2008 --questionnaire eerste-meting-2010 \
        --opens 2026-10-01 --closes 2027-03-31 >/dev/null
    "$BIN" --database "$db" wave open proef >/dev/null
    : >"$WORK/links"
    for code in "${RESPONDENTS[@]}"; do
        echo "/invullen/proef/$code $("$BIN" --database "$db" invite --organisation "$code" --public-url "$BASE" 2>/dev/null | tail -1)" >>"$WORK/links"
    done
    INBEELD_LOG=warn "$BIN" --database "$db" serve --addr "$ADDR" &
    SERVER=$!
    for _ in $(seq 1 300); do curl -fs "$BASE/health/ready" >/dev/null && break; sleep 0.1; done
    for path in "${ROUTES[@]}"; do curl -fs -o /dev/null -H "$GZIP" "$BASE$path" || echo "warning: $path does not answer 200"; done
    : >"$WORK/rss"
    (while kill -0 "$SERVER" 2>/dev/null; do awk '/VmRSS/ {print $2}' "/proc/$SERVER/status" >>"$WORK/rss" 2>/dev/null; sleep 1; done) &
    SAMPLER=$!
    etags >"$WORK/etags.before"

    readers A
    local rss_a
    rss_a="$(sort -n "$WORK/rss" | tail -1)"
    python3 bench/respondents.py "$WORK/links" "$((SECONDS_PER_PHASE + 2))" >"$WORK/saves" &
    local respondents=$!
    sleep 1 # the respondents have signed in and are saving before the readers start
    readers B
    wait "$respondents"
    etags >"$WORK/etags.after"
    kill "$SAMPLER"; SAMPLER=""

    echo
    echo "## $label: 224 readers (16 routes × 14 connections, gzip) for ${SECONDS_PER_PHASE} s, alone (A) and with 32 respondents saving (B)"
    echo
    echo "| route | A requests/s | A p99 ms | B requests/s | B p99 ms | B/A |"
    echo "|---|---:|---:|---:|---:|---:|"
    local i=0 sum_a=0 sum_b=0
    for path in "${ROUTES[@]}"; do
        read -r a_rps a_p99 a_bad <<<"$(summary "$WORK/A.$i")"
        read -r b_rps b_p99 b_bad <<<"$(summary "$WORK/B.$i")"
        local note=""
        [[ "$a_bad$b_bad" != 00 ]] && note=" (errors/non-2xx: A $a_bad, B $b_bad)"
        echo "| \`$path\`$note | $a_rps | $a_p99 | $b_rps | $b_p99 | $(awk -v a="$a_rps" -v b="$b_rps" 'BEGIN {printf "%.2f", b/a}') |"
        sum_a=$((sum_a + a_rps)) sum_b=$((sum_b + b_rps))
        i=$((i + 1))
    done
    echo "| all readers | $sum_a | | $sum_b | | $(awk -v a="$sum_a" -v b="$sum_b" 'BEGIN {printf "%.2f", b/a}') |"
    echo
    echo "respondents: $(cat "$WORK/saves")"
    echo "peak resident memory: phase A $(awk -v k="$rss_a" 'BEGIN {printf "%.1f", k/1024}') MB, over both phases $(sort -n "$WORK/rss" | tail -1 | awk '{printf "%.1f", $1/1024}') MB; at the end $(awk '/VmRSS/ {printf "%.1f", $2/1024}' /proc/$SERVER/status) MB"
    if cmp -s "$WORK/etags.before" "$WORK/etags.after"; then
        echo "entity tags of the $(wc -l <"$WORK/etags.after") public pages: unchanged by the saves"
    else
        echo "entity tags CHANGED during the saves:"; diff "$WORK/etags.before" "$WORK/etags.after" || true
    fi
    kill "$SERVER"; wait "$SERVER" 2>/dev/null || true; SERVER=""
}

echo "# inbeeld mixed load, $(date -u +%FT%TZ), $(nproc) cores (wrk, the respondents and the server share them)"
for database in ${MIXED_DATABASES:-sqlite postgres}; do
    case "$database" in
        sqlite) run "sqlite://$WORK/mixed.sqlite" SQLite ;;
        postgres)
            PGDB="inbeeld_mixed_$$"
            psql -q -h 127.0.0.1 -U postgres -c "CREATE DATABASE $PGDB" >/dev/null
            run "$PG/$PGDB" PostgreSQL
            psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE $PGDB" >/dev/null; PGDB=""
            ;;
    esac
done
