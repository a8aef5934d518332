#!/usr/bin/env bash
# deploy/check.sh: the deployment of deploy/ on one machine, with real parts: a fresh PostgreSQL database, nginx from
# Debian's package in front of three `inbeeld serve` processes (with deploy/nginx-proxy.conf and the upstream block
# of deploy/nginx.conf, on plain HTTP: TLS is nginx's own business and changes nothing of what is checked), and a
# real SMTP server. It proves, and fails loudly naming what failed:
#
#   a. a session made through process 1 works through processes 2 and 3 and through nginx;
#   b. a change the monitor team makes through process 1 (a collaboration entered in the register) is on the public
#      profile page of every process within one second, although each process keeps that page's figures in memory;
#   c. `kill -9` of process 2 while wrk loads public pages through nginx loses no request: no non-2xx/3xx answer
#      and no socket error; process 2, started again, serves, and nginx sends it requests again;
#   d. a wave's letters job for 50 municipalities is carried out by exactly one process: the SMTP server received
#      each letter once, and every look at jobs.claimed_by while it ran names the same process.
#
# Then it prints the figures (wrk through nginx, the propagation time, the letters). Everything it started is
# stopped and the database dropped on exit, whatever happens.
#
#     cargo build && bash deploy/check.sh
#
# Needs: nginx and wrk (Debian packages), psql and a PostgreSQL server that lets the given role create databases
# (INBEELD_CHECK_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432), curl, python3 with aiosmtpd
# (pip install aiosmtpd==1.4.6). INBEELD_BIN: the binary (default target/debug/inbeeld).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT="$(pwd)"
BIN="${INBEELD_BIN:-target/debug/inbeeld}"
[[ "$BIN" == /* ]] || BIN="$ROOT/$BIN"
PG_URL="${INBEELD_CHECK_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432}"
WAVE=deploy-check
LETTERS=50
STARTED_AT=$EPOCHREALTIME

fail() {
    echo >&2
    echo "deploy/check.sh FAILED: $*" >&2
    exit 1
}

say() {
    printf '[%6ss] %s\n' "$(elapsed_since "$STARTED_AT")" "$*"
}

# Milliseconds since an $EPOCHREALTIME (seconds with six decimals, after a point or a comma as the locale has it).
ms_since() {
    local now=$EPOCHREALTIME
    echo $(((10#${now//[.,]/} - 10#${1//[.,]/}) / 1000))
}

# Seconds since an $EPOCHREALTIME, with one decimal.
elapsed_since() {
    local ms
    ms="$(ms_since "$1")"
    echo "$((ms / 1000)).$((ms % 1000 / 100))"
}

for tool in nginx wrk psql curl python3 awk; do
    command -v "$tool" >/dev/null || fail "$tool is not installed (nginx and wrk: apt-get install nginx wrk)"
done
[ -x "$BIN" ] || fail "no inbeeld binary at $BIN (cargo build, or set INBEELD_BIN)"
python3 -c 'import aiosmtpd' 2>/dev/null || fail "python3 lacks aiosmtpd (python3 -m pip install aiosmtpd==1.4.6)"
psql "$PG_URL/postgres" -qAtc 'SELECT 1' >/dev/null || fail "PostgreSQL does not answer at $PG_URL"

WORK="$(mktemp -d)"
DB_NAME="inbeeld_check_$(date +%s)_$$"
declare -A PIDS=()

cleanup() {
    local status=$?
    set +e
    for name in "${!PIDS[@]}"; do
        kill -TERM "${PIDS[$name]}" 2>/dev/null
    done
    for name in "${!PIDS[@]}"; do
        for _ in $(seq 1 50); do
            kill -0 "${PIDS[$name]}" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL "${PIDS[$name]}" 2>/dev/null
        wait "${PIDS[$name]}" 2>/dev/null
    done
    if [ "$status" -ne 0 ]; then
        for log in "$WORK"/serve-*.log "$WORK"/nginx/error.log "$WORK"/smtp.log; do
            [ -s "$log" ] || continue
            echo "--- last lines of $(basename "$log")" >&2
            tail -n 15 "$log" >&2
        done
    fi
    psql "$PG_URL/postgres" -qc "DROP DATABASE IF EXISTS $DB_NAME WITH (FORCE)" >/dev/null 2>&1 ||
        echo "could not drop the database $DB_NAME" >&2
    rm -rf "$WORK"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Waits until http://127.0.0.1:PORT/PATH answers 200, or fails naming WHAT.
wait_for_200() {
    local port=$1 path=$2 what=$3
    for _ in $(seq 1 300); do
        [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port$path")" = 200 ] && return 0
        sleep 0.1
    done
    fail "$what did not answer 200 on $path within 30 seconds"
}

# `inbeeld` on the check's database, quietly.
inbeeld() {
    INBEELD_LOG=warn "$BIN" "$@"
}

# --- the database, the demo, a wave with contacts, an admin, a personal link -----------------------------------------
psql "$PG_URL/postgres" -v ON_ERROR_STOP=1 -qc "CREATE DATABASE $DB_NAME" >/dev/null
export DATABASE_URL="$PG_URL/$DB_NAME"
# The variables that would send the check's letters or logs elsewhere are the check's own.
unset INBEELD_SMTP_HOST INBEELD_SMTP_PORT INBEELD_SMTP_SECURITY INBEELD_SMTP_USERNAME INBEELD_SMTP_PASSWORD \
    INBEELD_OUTBOX INBEELD_PUBLIC_URL INBEELD_ADDR INBEELD_METRICS_ADDR INBEELD_TRUSTED_PROXIES \
    INBEELD_DB_MAX_CONNECTIONS INBEELD_LOG_FORMAT
say "database $DB_NAME; loading the demo with $BIN"
inbeeld demo >/dev/null
inbeeld wave create --id "$WAVE" --title "Controle van de uitrol" --catalogue nup-2008 \
    --questionnaire eerste-meting-2010 --opens 2026-10-01 --closes 2027-03-31 >/dev/null
inbeeld wave open "$WAVE" >/dev/null
inbeeld export register --date 2027-03-31 --format csv |
    awk -F, -v letters="$LETTERS" 'NR > 1 && $1 ~ /^GM/ && n < letters { print $1; n++ }' >"$WORK/codes.txt"
[ "$(wc -l <"$WORK/codes.txt")" -eq "$LETTERS" ] || fail "the register of 2027 has fewer than $LETTERS municipalities"
{
    echo "organisation_code,name,email"
    while read -r code; do echo "$code,,info@${code,,}.example"; done <"$WORK/codes.txt"
} >"$WORK/contacts.csv"
inbeeld import contacts "$WORK/contacts.csv" >/dev/null
ADMIN_EMAIL=beheer@controle.example
ADMIN_PASSWORD="$(python3 -c 'import secrets; print(secrets.token_urlsafe(18))')"
INBEELD_PASSWORD="$ADMIN_PASSWORD" inbeeld user add --email "$ADMIN_EMAIL" --role admin >/dev/null

# --- the SMTP server, three processes, nginx ------------------------------------------------------------------------
mkdir -p "$WORK/mail"
python3 "$ROOT/crates/mail/tests/smtp_server.py" serve "$WORK/mail" >"$WORK/smtp.port" 2>"$WORK/smtp.log" &
PIDS[smtp]=$!
for _ in $(seq 1 100); do
    [ -s "$WORK/smtp.port" ] && break
    sleep 0.1
done
SMTP_PORT="$(head -n 1 "$WORK/smtp.port")"
[ -n "$SMTP_PORT" ] || fail "the SMTP server did not start"

NGINX_PORT="$(free_port)"
PORTS=("" "$(free_port)" "$(free_port)" "$(free_port)")
PUBLIC_URL="http://127.0.0.1:$NGINX_PORT"

# Process N of three, on PORTS[N], as inbeeld@N would run it, but with the check's mail server and a fast pace.
start_process() {
    local n=$1
    # info for what the processes say of themselves (the worker's name), warn for each request.
    NO_COLOR=1 INBEELD_LOG="info,tower_http=warn" "$BIN" serve --addr "127.0.0.1:${PORTS[$n]}" --public-url "$PUBLIC_URL" \
        --trusted-proxy 127.0.0.1 --db-max-connections 8 \
        --smtp-host 127.0.0.1 --smtp-port "$SMTP_PORT" --smtp-security none --letters-per-minute 1500 \
        >>"$WORK/serve-$n.log" 2>&1 &
    PIDS[serve$n]=$!
}
for n in 1 2 3; do start_process "$n"; done
for n in 1 2 3; do wait_for_200 "${PORTS[$n]}" /health/ready "process $n"; done
say "processes 1-3 ready on ports ${PORTS[1]}, ${PORTS[2]}, ${PORTS[3]} (pids ${PIDS[serve1]}, ${PIDS[serve2]}, ${PIDS[serve3]})"

# nginx with deploy/nginx-proxy.conf as shipped, and deploy/nginx.conf's upstream block with the check's ports.
mkdir -p "$WORK/nginx/tmp"
awk '/^upstream inbeeld \{/, /^\}/' "$ROOT/deploy/nginx.conf" |
    sed -e "s/127\.0\.0\.1:8081/127.0.0.1:${PORTS[1]}/; s/127\.0\.0\.1:8082/127.0.0.1:${PORTS[2]}/" \
        -e "s/127\.0\.0\.1:8083/127.0.0.1:${PORTS[3]}/" >"$WORK/nginx/upstream.conf"
for n in 1 2 3; do
    grep -q "server 127.0.0.1:${PORTS[$n]} " "$WORK/nginx/upstream.conf" ||
        fail "deploy/nginx.conf's upstream block does not list 127.0.0.1:808$n"
done
cat >"$WORK/nginx/nginx.conf" <<EOF
daemon off;
worker_processes 1;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log warn;
events {
    worker_connections 1024;
}
http {
    include /etc/nginx/mime.types;
    client_body_temp_path $WORK/nginx/tmp/body;
    proxy_temp_path $WORK/nginx/tmp/proxy;
    fastcgi_temp_path $WORK/nginx/tmp/fastcgi;
    uwsgi_temp_path $WORK/nginx/tmp/uwsgi;
    scgi_temp_path $WORK/nginx/tmp/scgi;
    log_format check '\$status \$request_method \$uri upstream=\$upstream_addr upstream_status=\$upstream_status';
    access_log $WORK/nginx/access.log check;
    include $WORK/nginx/upstream.conf;
    server {
        listen 127.0.0.1:$NGINX_PORT;
        server_name 127.0.0.1;
        include $ROOT/deploy/nginx-proxy.conf;
    }
}
EOF
# nginx's workers run as an unprivileged user when nginx is started as root: they read and write below $WORK.
chmod 0755 "$WORK" "$WORK/nginx"
nginx -t -q -c "$WORK/nginx/nginx.conf" -e "$WORK/nginx/error.log" || fail "nginx refuses the check's configuration"
nginx -c "$WORK/nginx/nginx.conf" -e "$WORK/nginx/error.log" &
PIDS[nginx]=$!
wait_for_200 "$NGINX_PORT" /health/ready "nginx"
say "nginx $(nginx -v 2>&1 | sed 's/.*nginx\///') on port $NGINX_PORT in front of the three"

# The shipped site file itself, with TLS, parses: a throwaway certificate in place of the real one.
if command -v openssl >/dev/null; then
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 -subj /CN=inbeeld.example.nl \
        -keyout "$WORK/tls.key" -out "$WORK/tls.crt" 2>/dev/null
    sed -e "s#/etc/ssl/inbeeld/fullchain.pem#$WORK/tls.crt#; s#/etc/ssl/inbeeld/privkey.pem#$WORK/tls.key#" \
        -e "s#/etc/nginx/snippets/inbeeld-proxy.conf#$ROOT/deploy/nginx-proxy.conf#; s#/var/log/nginx/#$WORK/nginx/#" \
        "$ROOT/deploy/nginx.conf" >"$WORK/nginx/site.conf"
    printf 'pid %s;\nevents {}\nhttp {\n    include /etc/nginx/mime.types;\n    include %s;\n}\n' \
        "$WORK/nginx/site-test.pid" "$WORK/nginx/site.conf" >"$WORK/nginx/site-test.conf"
    nginx -t -q -c "$WORK/nginx/site-test.conf" -e "$WORK/nginx/error.log" ||
        fail "nginx refuses deploy/nginx.conf (with a throwaway certificate)"
    say "deploy/nginx.conf passes nginx -t"
fi

# --- a. one session, every process ----------------------------------------------------------------------------------
# The session cookie of an answer's headers (in file $1).
session_cookie() {
    tr -d '\r' <"$1" | sed -n 's/^[Ss]et-[Cc]ookie: \(inbeeld_sessie=[^;]*\).*/\1/p' | tail -n 1
}
LINK="$(inbeeld invite --organisation GM0363 --public-url "http://127.0.0.1:${PORTS[1]}" 2>"$WORK/invite.err")" ||
    fail "a. inbeeld invite failed: $(cat "$WORK/invite.err")"
status="$(curl -s -o /dev/null -D "$WORK/link.headers" -w '%{http_code}' "$LINK")"
[ "$status" = 303 ] || fail "a. the personal link through process 1 answered $status, not 303"
RESPONDENT="$(session_cookie "$WORK/link.headers")"
[ -n "$RESPONDENT" ] || fail "a. the personal link through process 1 set no session cookie"
status="$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:${PORTS[2]}/mijn")"
[ "$status" != 200 ] || fail "a. /mijn answers 200 without a session: it proves nothing"
for target in "process 1:${PORTS[1]}" "process 2:${PORTS[2]}" "process 3:${PORTS[3]}" "nginx:$NGINX_PORT"; do
    port="${target##*:}"
    status="$(curl -s -o "$WORK/mijn.html" -w '%{http_code}' -H "Cookie: $RESPONDENT" "http://127.0.0.1:$port/mijn")"
    [ "$status" = 200 ] || fail "a. the session made through process 1 is refused by ${target%:*}: /mijn answered $status"
    grep -q "Amsterdam" "$WORK/mijn.html" || fail "a. ${target%:*} shows /mijn without Amsterdam for Amsterdam's respondent"
done
say "a. ok: the session made through process 1 opens /mijn for Amsterdam through processes 1, 2, 3 and nginx"

# --- b. a change through process 1 on every process's public page within a second ---------------------------------
# The monitor team enters a collaboration of Amsterdam (GM0363) and Vaals (GM0981). Amsterdam's public profile lists
# its collaboration partners, and each process draws that page from the wave's figures that it keeps in memory:
# the change is on a process's page only when that process saw the database change and computed them again.
PARTNER=GM0981
P1="http://127.0.0.1:${PORTS[1]}"
status="$(curl -s -o /dev/null -D "$WORK/admin1.headers" -w '%{http_code}' --data-urlencode "email=$ADMIN_EMAIL" \
    --data-urlencode "wachtwoord=$ADMIN_PASSWORD" --data-urlencode "terug=" "$P1/inloggen")"
[ "$status" = 303 ] || fail "b. the admin's password through process 1 answered $status, not 303"
ADMIN="$(session_cookie "$WORK/admin1.headers")"
curl -s -o "$WORK/second-step.html" -H "Cookie: $ADMIN" "$P1/inloggen/tweede-stap"
KEY="$(sed -n 's/.*id="sleutel">\([^<]*\)<.*/\1/p' "$WORK/second-step.html" | tr -d ' ')"
[ -n "$KEY" ] || fail "b. the second step's set-up page through process 1 shows no key"
# The authenticator app: RFC 6238, SHA-1, 6 digits, 30 seconds.
CODE="$(python3 - "$KEY" <<'EOF'
import base64, hashlib, hmac, struct, sys, time
key = base64.b32decode(sys.argv[1].upper() + "=" * (-len(sys.argv[1]) % 8))
digest = hmac.new(key, struct.pack(">Q", int(time.time()) // 30), hashlib.sha1).digest()
offset = digest[-1] & 15
print("%06d" % ((struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF) % 1000000))
EOF
)"
status="$(curl -s -o /dev/null -D "$WORK/admin2.headers" -w '%{http_code}' -H "Cookie: $ADMIN" \
    --data-urlencode "code=$CODE" --data-urlencode "terug=" "$P1/inloggen/tweede-stap")"
[ "$status" = 200 ] || [ "$status" = 303 ] || fail "b. the admin's second step through process 1 answered $status"
NEXT="$(session_cookie "$WORK/admin2.headers")"
ADMIN="${NEXT:-$ADMIN}"
status="$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $ADMIN" "$P1/beheer")"
[ "$status" = 200 ] || fail "b. the admin signed in through process 1 cannot open /beheer ($status)"

# Whether process N's public profile of Amsterdam lists the partner (file $2 gets the page).
lists_partner() {
    curl -s -o "$2" "http://127.0.0.1:${PORTS[$1]}/gemeenten/GM0363" &&
        awk -v link="href=\"/gemeenten/$PARTNER\"" '
            /<h3>Samenwerkingspartners<\/h3>/ { getline; if (index($0, link)) found = 1 }
            END { exit !found }' "$2"
}
for n in 1 2 3; do # every process has the figures in memory, without the partner
    if lists_partner "$n" "$WORK/profile-$n.html"; then fail "b. process $n lists $PARTNER as Amsterdam's partner before the change"; fi
    grep -q '<h1' "$WORK/profile-$n.html" || fail "b. process $n serves no profile of Amsterdam"
    status="$(curl -s -o "$WORK/profile-$n.json" -w '%{http_code}' \
        "http://127.0.0.1:${PORTS[$n]}/api/v1/metingen/vervolgmeting/organisaties/GM0363/profiel")"
    [ "$status" = 200 ] || fail "b. process $n answers $status for Amsterdam's profile in the API (the demo's wave vervolgmeting)"
    python3 -c 'import json, sys; sys.exit(sys.argv[2] in json.load(open(sys.argv[1]))["partners"])' \
        "$WORK/profile-$n.json" "$PARTNER" || fail "b. process $n's API lists $PARTNER as Amsterdam's partner before the change"
done
status="$(curl -s -o /dev/null -D "$WORK/created.headers" -w '%{http_code}' -H "Cookie: $ADMIN" \
    --data-urlencode "naam=Uitrolproef Amsterdam-Vaals" --data-urlencode "leden=GM0363 $PARTNER" \
    --data-urlencode "gebied=techniek" "$P1/beheer/samenwerkingen/nieuw")"
CHANGED_AT=$EPOCHREALTIME
[ "$status" = 303 ] || fail "b. entering the collaboration through process 1 answered $status, not 303"

# Each process is asked every 20 ms, on its own port and its own kept-alive connection, for Amsterdam's profile in
# the API: drawn from the same figures in memory as the page, and next to free for the process once they are
# computed, so that the asking does not slow down the computing it waits for. The time runs from the change's answer.
python3 - "$CHANGED_AT" "$PARTNER" "${PORTS[1]}" "${PORTS[2]}" "${PORTS[3]}" >"$WORK/propagation" <<'EOF'
import http.client, json, sys, threading, time

changed_at = float(sys.argv[1].replace(",", "."))
partner = sys.argv[2]
seen = {}


def watch(port):
    connection = http.client.HTTPConnection("127.0.0.1", int(port), timeout=5)
    while time.time() - changed_at < 5:
        connection.request("GET", "/api/v1/metingen/vervolgmeting/organisaties/GM0363/profiel")
        answer = connection.getresponse()
        body = answer.read()
        if answer.status == 200 and partner in json.loads(body)["partners"]:
            seen[port] = round((time.time() - changed_at) * 1000)
            return
        time.sleep(0.02)


watchers = [threading.Thread(target=watch, args=(port,)) for port in sys.argv[3:]]
for watcher in watchers:
    watcher.start()
for watcher in watchers:
    watcher.join()
print(" ".join(str(seen.get(port, "never")) for port in sys.argv[3:]))
EOF
read -r -a PROPAGATION <"$WORK/propagation"
for n in 1 2 3; do
    seen="${PROPAGATION[$((n - 1))]:-never}"
    [ "$seen" != never ] || fail "b. process $n did not show the change on Amsterdam's profile within 5 seconds"
    [ "$seen" -le 1000 ] || fail "b. process $n showed the change after $seen ms, more than a second"
    lists_partner "$n" "$WORK/profile-$n-after.html" ||
        fail "b. process $n has the change in the API's profile of Amsterdam, but not on the page /gemeenten/GM0363"
done
say "b. ok: Amsterdam's profile lists Vaals as a partner on process 1 after ${PROPAGATION[0]} ms, 2 after ${PROPAGATION[1]} ms, 3 after ${PROPAGATION[2]} ms, in the API and on the page"

# --- c. kill -9 of one process under load through nginx ------------------------------------------------------------
# Public pages, read in turn: the home page, a profile, a wave's figures, the building blocks, the API.
cat >"$WORK/pages.lua" <<'EOF'
local paths = { "/", "/gemeenten/GM0363", "/metingen/eerste-meting", "/bouwstenen", "/kennisbank",
                "/api/v1/organisaties/GM0363", "/samenwerkingen" }
local i = 0
request = function()
    i = i % #paths + 1
    return wrk.format("GET", paths[i])
end
EOF
: >"$WORK/nginx/access.log"
wrk -t2 -c8 -d10s --latency -s "$WORK/pages.lua" "$PUBLIC_URL" >"$WORK/wrk.txt" 2>&1 &
WRK=$!
sleep 3
kill -KILL "${PIDS[serve2]}"
wait "${PIDS[serve2]}" 2>/dev/null || true
unset 'PIDS[serve2]'
say "c. process 2 killed with SIGKILL 3 s into 10 s of wrk through nginx (2 threads, 8 connections)"
wait "$WRK" || fail "c. wrk failed: $(cat "$WORK/wrk.txt")"
grep -q 'Requests/sec' "$WORK/wrk.txt" || fail "c. wrk printed no figures: $(cat "$WORK/wrk.txt")"
if grep -E 'Non-2xx|Socket errors' "$WORK/wrk.txt" >&2; then
    fail "c. requests were lost when process 2 died (wrk's figures above; nginx's log: $WORK/nginx/access.log)"
fi
REQUESTS="$(awk '/requests in/ { print $1 }' "$WORK/wrk.txt")"
RATE="$(awk '/Requests\/sec/ { print $2 }' "$WORK/wrk.txt")"
P50="$(awk '$1 == "50%" { print $2 }' "$WORK/wrk.txt")"
P99="$(awk '$1 == "99%" { print $2 }' "$WORK/wrk.txt")"
# 499: wrk closed the connection before the answer came. It does so with the requests in flight when its time is up,
# at most one per connection; any other answer but 2xx and 3xx is an error.
BAD="$(awk '$1 !~ /^[23]/ && $1 != 499' "$WORK/nginx/access.log" | wc -l)"
[ "$BAD" -eq 0 ] || fail "c. nginx answered $BAD requests with an error: $(awk '$1 !~ /^[23]/ && $1 != 499' "$WORK/nginx/access.log" | head -n 3)"
CLOSED="$(awk '$1 == 499' "$WORK/nginx/access.log" | wc -l)"
[ "$CLOSED" -le 8 ] || fail "c. wrk gave up on $CLOSED requests, more than its 8 connections had in flight at its end"
RETRIED="$(grep -c 'upstream=[^ ]*, ' "$WORK/nginx/access.log" || true)"
BY_TWO="$(grep -c "upstream=127.0.0.1:${PORTS[2]} " "$WORK/nginx/access.log" || true)"
[ "$RETRIED" -ge 1 ] || fail "c. nginx sent no request on to another process: the kill was not under load"
say "c. ok: $REQUESTS requests, none lost; nginx sent $RETRIED on to another process after process 2 failed"

start_process 2
wait_for_200 "${PORTS[2]}" /health/ready "process 2, started again,"
lists_partner 2 "$WORK/profile-2-again.html" || fail "c. process 2, started again, does not show Amsterdam's profile as the others do"
RESTARTED_AT=$EPOCHREALTIME
say "c. ok: process 2 started again (pid ${PIDS[serve2]}) and serves Amsterdam's profile directly"

# --- d. a letters job, carried out by exactly one process -----------------------------------------------------------
QUEUED="$(inbeeld wave invite "$WAVE" --detach --public-url "$PUBLIC_URL")"
[[ "$QUEUED" =~ job\ ([0-9]+)\ queued ]] || fail "d. inbeeld wave invite --detach queued no job: $QUEUED"
JOB="${BASH_REMATCH[1]}"
QUEUED_AT=$EPOCHREALTIME
: >"$WORK/claims"
state=""
while [ "$(ms_since "$QUEUED_AT")" -lt 60000 ]; do
    row="$(psql "$DATABASE_URL" -qAtc "SELECT state || '|' || coalesce(claimed_by, '') FROM jobs WHERE id = $JOB")"
    state="${row%%|*}"
    [ -n "${row#*|}" ] && echo "${row#*|}" >>"$WORK/claims"
    [ "$state" = "done" ] && break
    sleep 0.1
done
[ "$state" = "done" ] || fail "d. the letters job $JOB is '$state', not done, a minute after it was queued"
LETTERS_SECONDS="$(elapsed_since "$QUEUED_AT")"
LOOKS="$(wc -l <"$WORK/claims")"
[ "$LOOKS" -ge 1 ] || fail "d. the job was never seen running: no claimed_by to look at"
CLAIMERS="$(sort -u "$WORK/claims")"
[ "$(wc -l <<<"$CLAIMERS")" -eq 1 ] || fail "d. the job was claimed by more than one process: $CLAIMERS"
CARRIER=""
for n in 1 2 3; do
    if grep -qF "worker=$CLAIMERS " "$WORK/serve-$n.log"; then CARRIER="$CARRIER$n"; fi
done
[ "${#CARRIER}" -eq 1 ] || fail "d. the claimer $CLAIMERS is not the worker of exactly one process (found: '${CARRIER}')"
RECEIVED="$(find "$WORK/mail" -name '*.json' | wc -l)"
python3 - "$WORK/mail" "$WORK/codes.txt" <<'EOF' || fail "d. the SMTP server did not receive each letter exactly once"
import collections, json, pathlib, sys
got = collections.Counter(json.loads(p.read_text(encoding="utf-8"))["rcpt_tos"][0] for p in pathlib.Path(sys.argv[1]).glob("*.json"))
want = {f"info@{code.strip().lower()}.example" for code in open(sys.argv[2]) if code.strip()}
twice = sorted(a for a, n in got.items() if n > 1)
missing = sorted(want - set(got))
other = sorted(set(got) - want)
for what, addresses in (("twice", twice), ("never", missing), ("unasked", other)):
    if addresses:
        print(f"letters {what}: {', '.join(addresses[:5])}", file=sys.stderr)
sys.exit(1 if twice or missing or other else 0)
EOF
SENT="$(psql "$DATABASE_URL" -qAtc "SELECT count(*) FILTER (WHERE state = 'sent') || '/' || count(*) FROM letters WHERE job_id = $JOB")"
[ "$SENT" = "$LETTERS/$LETTERS" ] || fail "d. the letters table says sent/all = $SENT, not $LETTERS/$LETTERS"
say "d. ok: job $JOB done ${LETTERS_SECONDS}s after it was queued, $LETTERS letters each received once; all $LOOKS looks at jobs.claimed_by named process $CARRIER ($CLAIMERS)"

# --- c, the end: nginx sends process 2 requests again once its fail_timeout is over --------------------------------
: >"$WORK/nginx/access.log"
back=""
while [ "$(ms_since "$RESTARTED_AT")" -lt 20000 ]; do
    curl -s -o /dev/null "$PUBLIC_URL/gemeenten/GM0363"
    if grep -q "^200 .* upstream=127.0.0.1:${PORTS[2]} upstream_status=200\$" "$WORK/nginx/access.log"; then
        back="$(elapsed_since "$RESTARTED_AT")"
        break
    fi
    sleep 0.2
done
[ -n "$back" ] || fail "c. nginx sent process 2 no request within 20 seconds of its restart"
say "c. ok: nginx sends process 2 requests again, ${back}s after it was ready"

MEMORY=""
for n in 1 2 3; do
    MEMORY="$MEMORY${MEMORY:+, }$(awk '/^VmRSS/ { printf "%d MB", $2 / 1024 }' "/proc/${PIDS[serve$n]}/status")"
done

echo
echo "deploy/check.sh: all passed in $(elapsed_since "$STARTED_AT")s (PostgreSQL $(psql "$PG_URL/postgres" -qAtc 'SHOW server_version' | cut -d' ' -f1), nginx $(nginx -v 2>&1 | sed 's/.*nginx\///'), $(basename "$BIN") $("$BIN" --version | cut -d' ' -f2))"
echo "  session    made through process 1, accepted by processes 1, 2, 3 and nginx"
echo "  change     on every process's public page after ${PROPAGATION[0]}, ${PROPAGATION[1]}, ${PROPAGATION[2]} ms (limit 1000 ms)"
echo "  kill -9    wrk through nginx, 10 s, 8 connections: $REQUESTS requests, $RATE/s, latency p50 $P50, p99 $P99;"
echo "             0 errors; $RETRIED sent on by nginx after process 2 died; $BY_TWO answered by process 2 before it died"
echo "  letters    job $JOB: $LETTERS sent by process $CARRIER alone, done ${LETTERS_SECONDS}s after queued (1500/min); $RECEIVED received by the SMTP server, none twice"
echo "  memory     resident after the load, processes 1, 2 (restarted), 3: $MEMORY"
