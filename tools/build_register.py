#!/usr/bin/env python3
"""Builds data/register/register.csv, the register that inbeeld ships, from the reference facts.

Inputs, all facts with sources:
  ../shared/data/nl/municipalities_2011.csv, municipalities_2026.csv  (CBS codes, names, provinces, centroids,
      areas; derived from CBS/PDOK boundary maps, see that folder's README)
  data/register/changes_2011_2026.csv        (for each municipality of 2011 that no longer exists: the date it
      ended and where its territory went, with sources)
  data/register/intermediate_organisations.csv (municipalities that came and went between 2011 and 2026)

The result has one row per organisation in the form `inbeeld import register` reads. Run it again after changing
an input; it is deterministic:  python3 tools/build_register.py [path/to/shared/data/nl]
"""

import csv
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "data" / "nl"
REGISTER_START = "2011-01-01"  # the first division the register holds; earlier history is not recorded


def read(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def main():
    m2011 = {r["cbs_code"]: r for r in read(SHARED / "municipalities_2011.csv")}
    m2026 = {r["cbs_code"]: r for r in read(SHARED / "municipalities_2026.csv")}
    changes = {r["cbs_code_2011"]: r for r in read(ROOT / "data/register/changes_2011_2026.csv")}
    intermediates = {r["code"]: r for r in read(ROOT / "data/register/intermediate_organisations.csv")}

    rows = {}
    provinces = {}
    for year_rows in (m2011, m2026):  # 2026 second: today's province names win (Fryslân)
        for r in year_rows.values():
            provinces[r["province_code"]] = r["province_name"]
    for code, name in provinces.items():
        rows[code] = dict(code=code, name=name, province_code="", valid_from=REGISTER_START, valid_to="", successors="")

    for code, r in m2011.items():
        change = changes.get(code)
        if code in m2026:
            assert change is None, f"{code} is in both divisions and in the changes file"
            continue
        assert change and change["change_date"], f"{code} {r['name']} ended between 2011 and 2026 but has no dated change"
        rows[code] = dict(code=code, name=r["name"], province_code=r["province_code"], valid_from=REGISTER_START,
                          valid_to=change["change_date"], successors=change["successor_codes"],
                          centroid_lat=r["centroid_lat"], centroid_lon=r["centroid_lon"], area_km2=r["area_km2"])

    for code, r in intermediates.items():
        rows[code] = dict(code=code, name=r["name"], province_code=r["province_code"], valid_from=r["valid_from"],
                          valid_to=r["valid_to"], successors=r["successors"])

    # A municipality of today begins on the earliest date territory passed to it; one that existed in 2011 keeps
    # the register's start. Names, centroids and areas are today's.
    began = {}
    for r in rows.values():
        for successor in filter(None, r["successors"].split(";")):
            began[successor] = min(began.get(successor, r["valid_to"]), r["valid_to"])
    for code, r in m2026.items():
        valid_from = REGISTER_START if code in m2011 else began.get(code)
        assert valid_from, f"{code} {r['name']} is new since 2011 but no municipality passed territory to it"
        rows[code] = dict(code=code, name=r["name"], province_code=r["province_code"], valid_from=valid_from,
                          valid_to="", successors="", centroid_lat=r["centroid_lat"], centroid_lon=r["centroid_lon"],
                          area_km2=r["area_km2"])

    for r in rows.values():
        for successor in filter(None, r["successors"].split(";")):
            s = rows[successor]
            assert s["valid_from"] <= r["valid_to"] and (not s["valid_to"] or r["valid_to"] < s["valid_to"]), \
                f"{r['code']} passes to {successor} on {r['valid_to']}, when {successor} does not exist"

    header = ["code", "name", "province_code", "valid_from", "valid_to", "successors", "centroid_lat", "centroid_lon",
              "area_km2"]
    out = ROOT / "data/register/register.csv"
    with open(out, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        for code in sorted(rows, key=lambda c: (not c.startswith("PV"), c)):
            writer.writerow({k: rows[code].get(k, "") for k in header})
    on_2011 = sum(1 for r in rows.values() if r["code"].startswith("GM") and r["valid_from"] <= "2011-01-01" < (r["valid_to"] or "9999"))
    on_2026 = sum(1 for r in rows.values() if r["code"].startswith("GM") and r["valid_from"] <= "2026-01-01" < (r["valid_to"] or "9999"))
    print(f"{out.relative_to(ROOT)}: {len(rows)} organisations; municipalities on 2011-01-01: {on_2011}, on 2026-01-01: {on_2026}")


if __name__ == "__main__":
    main()
