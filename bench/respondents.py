#!/usr/bin/env python3
"""Respondents saving pages of an open wave, continuously, for bench/mixed.sh (Python 3 standard library only).

Each line of LINKS is a questionnaire's address and a personal invitation link for it (`/invullen/proef/GM0014
http://…/uitnodiging/…`, the link as `inbeeld invite --organisation GM0014 --public-url BASE` prints it); one thread
per line follows the link (303 with a session cookie), then for DURATION seconds opens a page of its questionnaire, reads
the form's hidden `revisie`, and posts it back with `actie=opslaan` and a changed answer, in turn on the pages
`thema` and `ondersteuning`, over one kept-alive connection. Prints one JSON line: saves, saves per second, refused or
failed requests, and the save latency (p50, p99 in ms).

    python3 bench/respondents.py LINKS DURATION
"""
import http.client, json, re, sys, threading, time, urllib.parse

REVISION = re.compile(rb'name="revisie" value="(\d+)"')
PAGES = [("thema", "leading_theme", ["dienstverlening", "bedrijfsvoering"]), ("ondersteuning", "collective_support", ["ja", "nee"])]


def respondent(line, until, results):
    overview, link = line.split()
    url = urllib.parse.urlsplit(link)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
    conn.request("GET", url.path)
    opened = conn.getresponse()
    opened.read()
    if opened.status != 303:
        results.append(("refused", f"link answered {opened.status}"))
        return
    cookie = opened.getheader("set-cookie").split(";")[0]
    turn = 0
    while time.monotonic() < until:
        page, field, choices = PAGES[turn % 2]
        path = f"{overview}/pagina/{page}"
        conn.request("GET", path, headers={"Cookie": cookie})
        shown = conn.getresponse()
        body = shown.read()
        found = REVISION.search(body)
        if shown.status != 200 or not found:
            results.append(("failed", f"GET {path}: {shown.status}"))
            time.sleep(0.1)
            continue
        form = urllib.parse.urlencode({field: choices[(turn // 2) % 2], "revisie": found.group(1).decode(), "actie": "opslaan"})
        started = time.monotonic()
        conn.request("POST", path, body=form, headers={"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"})
        saved = conn.getresponse()
        saved.read()
        took = time.monotonic() - started
        if saved.status == 303:
            results.append(("saved", took))
        else:
            results.append(("failed", f"POST {path}: {saved.status}"))
        turn += 1


def main():
    links = [line.strip() for line in open(sys.argv[1]) if line.strip()]
    duration = float(sys.argv[2])
    results = []
    until = time.monotonic() + duration
    threads = [threading.Thread(target=respondent, args=(line, until, results)) for line in links]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    saves = sorted(took for kind, took in results if kind == "saved")
    failures = [what for kind, what in results if kind != "saved"]
    pick = lambda q: round(saves[min(len(saves) - 1, int(q * len(saves)))] * 1000, 1) if saves else None
    print(json.dumps({"respondents": len(links), "seconds": round(elapsed, 1), "saves": len(saves), "saves_per_s": round(len(saves) / elapsed, 1),
                      "save_p50_ms": pick(0.5), "save_p99_ms": pick(0.99), "failures": len(failures), "first_failures": failures[:5]}))


if __name__ == "__main__":
    main()
