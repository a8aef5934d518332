#!/usr/bin/env bash
# Load on the register at the size of the EU's local-government benchmark: the synthetic register of 100,000
# organisations (bench/synthetic_register.py, with its population figures) imported into SQLite, or into the
# PostgreSQL database given as $1, then a release `inbeeld serve` and wrk against the register's routes, 10 seconds
# each with 2 threads and 64 connections, gzip asked for as browsers do. Prints the import times, requests per
# second and latency per route. FR-02043 merged twice (into FR-34047, which merged into FR-34390); GM0531 is a
# CBS code among the LAU codes. Needs wrk (Debian package `wrk`).
#
#     cargo build --release -p inbeeld && bash bench/register_load.sh                 # SQLite
#     bash bench/register_load.sh postgres://postgres@127.0.0.1:5432/register_100k   # an empty PostgreSQL database
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
BIN="${INBEELD_BIN:-target/release/inbeeld}"
WORK="$(mktemp -d)"
DB="${1:-sqlite://${WORK}/register.sqlite}"
ADDR=127.0.0.1:8789
trap 'kill ${SERVER:-} 2>/dev/null; rm -rf "$WORK"' EXIT

python3 bench/synthetic_register.py --out "$WORK/register.csv" --population "$WORK/population.csv"
"$BIN" --database "$DB" migrate >/dev/null
echo "== import register: $( { /usr/bin/time -f '%e s, %M KB peak' "$BIN" --database "$DB" import register "$WORK/register.csv" >/dev/null; } 2>&1 | tail -1)"
echo "== import population: $( { /usr/bin/time -f '%e s, %M KB peak' "$BIN" --database "$DB" import population "$WORK/population.csv" >/dev/null; } 2>&1 | tail -1)"
INBEELD_LOG=warn "$BIN" --database "$DB" serve --addr "$ADDR" &
SERVER=$!
for _ in $(seq 1 100); do curl -fs "http://$ADDR/health/ready" >/dev/null && break; sleep 0.1; done

load() { # url
    echo "== $1 (first answer $(curl -fs -o /dev/null -w '%{time_total}' -H 'Accept-Encoding: gzip' "$1") s, $(curl -fs -H 'Accept-Encoding: gzip' "$1" | wc -c) bytes gzip)"
    wrk -t2 -c64 -d10s --latency -H 'Accept-Encoding: gzip' "$1" | grep -E 'Requests/sec|50%|90%|99%|Non-2xx|Socket errors'
}
for path in /gemeenten "/gemeenten?zoek=lenberdorf" "/gemeenten?zoek=saint" "/gemeenten?zoek=de-00012" "/gemeenten?pagina=1000" /gemeenten/DE-00001000 /gemeenten/FR-02043 /gemeenten/GM0531 \
    /api/v1/organisaties "/api/v1/organisaties?zoek=lenberdorf" "/api/v1/organisaties/DE-00001000"; do
    load "http://$ADDR$path"
done
echo "== resident memory after the load: $(grep VmRSS /proc/$SERVER/status | awk '{print $2/1024 " MB"}')"
