#!/usr/bin/env python3
"""A synthetic register of local authorities across Europe, the size of the EU's local-government benchmark
(about 100,000), to load and measure the register on: `inbeeld import register` reads what this writes.

    python3 bench/synthetic_register.py --out register_100k.csv --population population_100k.csv
    inbeeld --database sqlite:///tmp/register_100k.db migrate
    inbeeld --database sqlite:///tmp/register_100k.db import register register_100k.csv
    inbeeld --database sqlite:///tmp/register_100k.db import population population_100k.csv

The same seed and size always give the same files (Python's own Random, seeded; no other input). Countries share
the organisations roughly as Eurostat's LAU lists do (France about a third, Germany a tenth); their codes are LAU
codes in inbeeld's form, country, hyphen, national code (DE-09162000), shaped like each country's own (eight
digits in Germany, five characters in France, Corsica's 2A and 2B included). The Netherlands keep CBS codes
(GM0363, with their twelve provinces PV20 to PV31), so both schemes stand side by side. Names are made of
syllables with each country's letters (ü, é, ł, č ...), some repeated, some of several words, because searching
for them is what is measured.

Mergers: about one organisation in twenty ends on a merger date (1 January 2015, 2019, 2021 or 2023). Most
mergers join two to four neighbours into a new organisation with a new code; some split one organisation over
two that exist; and some organisations that arose from a merger merge again later, so that the successors of an
old code must be followed through more than one change. Every organisation counts towards --size.

Population figures are written for 1 January 2023 and 2026, for each organisation that exists on that day, drawn
from a log-normal distribution (median about 2,500 inhabitants, a long tail of cities).
"""

import argparse
import csv
import math
import random
import sys

START = "2011-01-01"
MERGER_DATES = ["2015-01-01", "2019-01-01", "2021-01-01", "2023-01-01"]
POPULATION_DATES = ["2023-01-01", "2026-01-01"]
MERGED_SHARE = 0.05

# Country, share of Europe's local authorities (roughly Eurostat's LAU 2021 counts), the shape of its national
# codes, and the bounding box its centroids are drawn in (lat min, lat max, lon min, lon max).
COUNTRIES = [
    ("FR", 34_950, "fr", (42.3, 51.0, -4.7, 8.2)),
    ("DE", 10_790, "digits8", (47.3, 55.0, 5.9, 15.0)),
    ("ES", 8_130, "digits5", (36.0, 43.8, -9.3, 3.3)),
    ("IT", 7_900, "digits6", (36.7, 47.1, 6.6, 18.5)),
    ("CZ", 6_250, "digits6", (48.6, 51.0, 12.1, 18.9)),
    ("EL", 6_100, "digits8", (34.8, 41.7, 19.4, 28.2)),
    ("IE", 3_420, "ie", (51.4, 55.4, -10.5, -6.0)),
    ("HU", 3_150, "digits5", (45.7, 48.6, 16.1, 22.9)),
    ("RO", 3_180, "digits6", (43.6, 48.3, 20.3, 29.7)),
    ("PT", 3_090, "digits6", (37.0, 42.1, -9.5, -6.2)),
    ("SK", 2_930, "digits6", (47.7, 49.6, 16.8, 22.6)),
    ("PL", 2_480, "digits7", (49.0, 54.8, 14.1, 24.1)),
    ("CH", 2_140, "digits4", (45.8, 47.8, 5.9, 10.5)),
    ("AT", 2_090, "digits5", (46.4, 49.0, 9.5, 17.2)),
    ("CY", 615, "digits4", (34.6, 35.7, 32.3, 34.6)),
    ("BE", 581, "digits5", (49.5, 51.5, 2.5, 6.4)),
    ("HR", 556, "digits6", (42.4, 46.5, 13.5, 19.4)),
    ("NO", 356, "digits4", (58.0, 71.0, 4.6, 31.0)),
    ("FI", 309, "digits3", (59.8, 70.1, 20.5, 31.6)),
    ("SE", 290, "digits4", (55.3, 69.1, 11.1, 24.2)),
    ("BG", 265, "bg", (41.2, 44.2, 22.4, 28.6)),
    ("SI", 212, "digits3", (45.4, 46.9, 13.4, 16.6)),
    ("LV", 119, "digits7", (55.7, 58.1, 21.0, 28.2)),
    ("LU", 100, "lu", (49.4, 50.2, 5.7, 6.5)),
    ("DK", 98, "digits3", (54.6, 57.8, 8.1, 12.7)),
    ("EE", 79, "digits4", (57.5, 59.7, 21.8, 28.2)),
    ("MT", 68, "digits3", (35.8, 36.1, 14.2, 14.6)),
    ("IS", 64, "digits4", (63.3, 66.5, -24.0, -13.5)),
    ("LT", 60, "digits2", (53.9, 56.5, 21.0, 26.8)),
]

# The Netherlands in CBS codes: twelve provinces and their municipalities.
NL_PROVINCES = [
    ("PV20", "Groningen"), ("PV21", "Fryslân"), ("PV22", "Drenthe"), ("PV23", "Overijssel"), ("PV24", "Flevoland"),
    ("PV25", "Gelderland"), ("PV26", "Utrecht"), ("PV27", "Noord-Holland"), ("PV28", "Zuid-Holland"),
    ("PV29", "Zeeland"), ("PV30", "Noord-Brabant"), ("PV31", "Limburg"),
]
NL_MUNICIPALITIES = 400
NL_BOX = (50.8, 53.5, 3.4, 7.2)

SYLLABLES = {
    "FR": (["sain", "mon", "bel", "cha", "ver", "ro", "la", "bour", "mar", "vil", "lé", "tour", "beau", "fon", "cour"],
           ["ville", "court", "mont", "champ", "ac", "y", "ères", "euil", "é", "ois"], ["Saint-", "Sainte-", "La ", "Le ", "Les "]),
    "DE": (["ber", "müh", "hau", "len", "stein", "wal", "dorf", "bach", "ho", "kirch", "neu", "grü", "alt", "ober", "nie"],
           ["dorf", "hausen", "bach", "heim", "berg", "feld", "stadt", "au", "ingen", "weiler"], ["Bad ", "Neu-", "Groß "]),
    "ES": (["san", "vi", "lla", "ro", "cas", "to", "mo", "al", "ca", "ño", "bar", "se", "ga", "lo", "mar"],
           ["illa", "ares", "eda", "ejo", "ón", "al", "uelos", "ín", "ena", "ero"], ["San ", "Santa ", "Villa"]),
    "IT": (["san", "mon", "ca", "vi", "ro", "bel", "cas", "tel", "pi", "ve", "la", "go", "ter", "to", "fi"],
           ["ano", "ello", "ino", "ate", "one", "ara", "ica", "ago", "esse", "ù"], ["San ", "Santa ", "Monte "]),
    "CZ": (["bře", "ho", "če", "la", "ko", "stra", "ví", "no", "pra", "žďá", "ly", "tě", "mi", "rou", "dol"],
           ["ice", "ov", "any", "ín", "ná", "ec", "ky", "ovice", "ště", "ná Hora"], ["Nové ", "Horní ", "Dolní "]),
    "EL": (["ka", "lo", "ni", "ko", "the", "ar", "mi", "po", "la", "ste", "dra", "xa", "me", "ri", "ga"],
           ["ti", "na", "ko", "polis", "ia", "oi", "on", "issa", "ades", "io"], ["Agios ", "Nea ", "Ano "]),
    "IE": (["bal", "ly", "kil", "dun", "car", "rath", "ross", "clon", "drum", "ard", "knock", "tul", "lis", "glen", "mul"],
           ["more", "beg", "town", "na", "ford", "lough", "dun", "mone", "ane", "ard"], ["Bally", "Kil", "Glen"]),
    "HU": (["sze", "ke", "ba", "tó", "föl", "vá", "ma", "ré", "győ", "hal", "te", "bo", "csa", "pü", "nyí"],
           ["háza", "falva", "egyháza", "szeg", "vár", "hely", "telek", "kút", "ős", "ény"], ["Kis", "Nagy", "Alsó"]),
    "RO": (["bu", "cu", "ră", "de", "mi", "șa", "ți", "po", "va", "lu", "ga", "bra", "co", "stâ", "ne"],
           ["ești", "eni", "ița", "ani", "oaia", "ău", "ișor", "ea", "uța", "ele"], ["Valea ", "Sat ", "Poiana "]),
    "PT": (["san", "vi", "la", "ro", "ça", "mo", "al", "ca", "bar", "se", "gão", "lo", "mar", "fi", "tor"],
           ["inho", "ães", "eira", "ões", "elo", "al", "ão", "ada", "ais", "ido"], ["São ", "Santa ", "Vila "]),
    "SK": (["ko", "ši", "ce", "br", "no", "va", "ľu", "po", "dra", "mi", "ha", "žil", "to", "sla", "ru"],
           ["ovce", "any", "ín", "ná", "ec", "ky", "ovo", "ica", "ište", "ok"], ["Nová ", "Horná ", "Dolná "]),
    "PL": (["wło", "kra", "gda", "ło", "po", "szcze", "by", "ka", "ra", "bia", "to", "lu", "zie", "su", "chę"],
           ["ów", "sk", "ice", "owo", "in", "ek", "no", " łka", "wiec", "ewo"], ["Nowy ", "Stary ", "Gmina "]),
}
DEFAULT_SYLLABLES = (["ber", "ka", "lo", "mi", "ste", "vo", "ra", "ne", "to", "sa", "li", "go", "da", "ri", "ve"],
                     ["ac", "en", "ova", "berg", "by", "um", "ik", "ia", "os", "ø"], ["Nord", "Sud", "Ost"])


def name_for(rng, country):
    first, last, prefixes = SYLLABLES.get(country, DEFAULT_SYLLABLES)
    body = "".join(rng.choice(first) for _ in range(rng.choice([1, 1, 2]))) + rng.choice(last)
    name = body[0].upper() + body[1:]
    roll = rng.random()
    if roll < 0.12:
        name = rng.choice(prefixes) + name
    elif roll < 0.16:
        other = "".join(rng.choice(first) for _ in range(2))
        name = f"{name}-{other[0].upper()}{other[1:]}"
    return name


# France's departments as its commune codes start: 01 to 95, with Corsica as 2A and 2B instead of 20.
FR_DEPARTMENTS = [f"{d:02d}" for d in range(1, 20)] + ["2A", "2B"] + [f"{d:02d}" for d in range(21, 96)]


def national_code(rng, shape, index):
    """A national code of `shape`, unique per index within a country (the index is written into it)."""
    if shape == "fr":
        # A department and three digits, as INSEE's commune codes: a thousand communes to a department here.
        return f"{FR_DEPARTMENTS[index // 1000]}{index % 1000:03d}"
    if shape == "ie":
        return f"E{index:05d}"
    if shape == "bg":
        return f"{rng.choice('ABDKLMPSTV')}{rng.choice('ABDKLMPSTV')}{rng.choice('ABDKLMPSTV')}{index:05d}"
    if shape == "lu":
        return f"LU{index:05d}"
    digits = int(shape.removeprefix("digits"))
    width = max(digits, len(str(index)) + 1)
    return f"{index:0{width}d}"


def centroid(rng, box):
    lat_min, lat_max, lon_min, lon_max = box
    return round(rng.uniform(lat_min, lat_max), 5), round(rng.uniform(lon_min, lon_max), 5)


def area(rng):
    return round(math.exp(rng.gauss(3.0, 1.0)), 1)


class Organisation:
    __slots__ = ("code", "name", "province", "valid_from", "valid_to", "successors", "lat", "lon", "area", "country")

    def __init__(self, code, name, province, valid_from, lat, lon, area_km2, country):
        self.code, self.name, self.province, self.valid_from = code, name, province, valid_from
        self.valid_to, self.successors = None, []
        self.lat, self.lon, self.area, self.country = lat, lon, area_km2, country


def generate(size, seed):
    rng = random.Random(seed)
    organisations = []

    # The Netherlands in CBS codes.
    for code, name in NL_PROVINCES:
        organisations.append(Organisation(code, name, None, START, None, None, None, "NL"))
    for number in rng.sample(range(1, 2000), NL_MUNICIPALITIES):
        lat, lon = centroid(rng, NL_BOX)
        organisations.append(Organisation(f"GM{number:04d}", name_for(rng, "NL"), rng.choice(NL_PROVINCES)[0], START, lat, lon,
                                          area(rng), "NL"))

    # Every merger makes one new organisation, and they count towards the size too.
    remaining = size - len(organisations)
    originals = round(remaining / (1 + MERGED_SHARE / 2.5))
    total_share = sum(share for _, share, _, _ in COUNTRIES)
    counts = [max(2, round(originals * share / total_share)) for _, share, _, _ in COUNTRIES]
    counts[0] += originals - sum(counts)
    next_index = {}
    by_country = {}
    for (country, _, shape, box), count in zip(COUNTRIES, counts):
        members = []
        for index in range(1, count + 1):
            lat, lon = centroid(rng, box)
            organisation = Organisation(f"{country}-{national_code(rng, shape, index)}", name_for(rng, country), None, START, lat, lon,
                                        area(rng), country)
            members.append(organisation)
        next_index[country] = count + 1
        by_country[country] = (shape, box, members)
        organisations.extend(members)

    # Mergers and splits, date by date, until the register has `size` organisations.
    for merger_date in MERGER_DATES:
        for country, (shape, box, members) in by_country.items():
            existing = [o for o in members if o.valid_from <= merger_date and o.valid_to is None]
            target = int(len(existing) * MERGED_SHARE / len(MERGER_DATES) / 1.5)
            for _ in range(target):
                if len(organisations) >= size:
                    break
                if len(existing) < 6:
                    break
                if rng.random() < 0.15:
                    # A split: one organisation over two that exist, largest part first.
                    parted, *receivers = rng.sample(existing, 3)
                    parted.valid_to, parted.successors = merger_date, [r.code for r in receivers]
                    # The receivers must still exist on the day, so they take part in no other change that day.
                    for organisation in [parted, *receivers]:
                        existing.remove(organisation)
                    continue
                joining = rng.sample(existing, rng.choice([2, 2, 3, 4]))
                lat, lon = centroid(rng, box)
                new = Organisation(f"{country}-{national_code(rng, shape, next_index[country])}",
                                   " ".join(sorted({o.name for o in joining})[:2]) if rng.random() < 0.3 else name_for(rng, country),
                                   None, merger_date, lat, lon, round(sum(o.area for o in joining), 1), country)
                next_index[country] += 1
                for organisation in joining:
                    organisation.valid_to, organisation.successors = merger_date, [new.code]
                    existing.remove(organisation)
                # The new organisation can merge again on a later date, not on the day it begins.
                members.append(new)
                organisations.append(new)

    # Fill up to the exact size with organisations founded on the last merger date (a new division of land).
    fill_countries = [country for country, _, _, _ in COUNTRIES]
    while len(organisations) < size:
        country = rng.choice(fill_countries)
        shape, box, members = by_country[country]
        lat, lon = centroid(rng, box)
        new = Organisation(f"{country}-{national_code(rng, shape, next_index[country])}", name_for(rng, country), None, MERGER_DATES[-1],
                           lat, lon, area(rng), country)
        next_index[country] += 1
        members.append(new)
        organisations.append(new)
    return organisations[:size], rng


def write_register(organisations, out):
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["code", "name", "province_code", "valid_from", "valid_to", "successors", "centroid_lat", "centroid_lon", "area_km2"])
    for o in organisations:
        writer.writerow([o.code, o.name, o.province or "", o.valid_from, o.valid_to or "", ";".join(o.successors),
                         "" if o.lat is None else o.lat, "" if o.lon is None else o.lon, "" if o.area is None else o.area])


def write_population(organisations, rng, out):
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["code", "population", "reference_date", "source"])
    for reference_date in POPULATION_DATES:
        for o in organisations:
            if o.code.startswith("PV") or o.valid_from > reference_date or (o.valid_to is not None and o.valid_to <= reference_date):
                continue
            inhabitants = int(math.exp(rng.gauss(math.log(2_500), 1.4)))
            writer.writerow([o.code, inhabitants, reference_date, "synthetic (bench/synthetic_register.py)"])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=100_000, help="organisations in the register, merged ones included")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--out", default="register_100k.csv", help="the register CSV ('-' for standard output)")
    parser.add_argument("--population", help="also write population figures to this CSV")
    args = parser.parse_args()
    if args.size < len(NL_PROVINCES) + NL_MUNICIPALITIES + 2 * len(COUNTRIES):
        sys.exit(f"--size must be at least {len(NL_PROVINCES) + NL_MUNICIPALITIES + 2 * len(COUNTRIES)}")
    organisations, rng = generate(args.size, args.seed)
    with (sys.stdout if args.out == "-" else open(args.out, "w", encoding="utf-8", newline="")) as out:
        write_register(organisations, out)
    if args.population:
        with open(args.population, "w", encoding="utf-8", newline="") as out:
            write_population(organisations, rng, out)
    ended = sum(1 for o in organisations if o.valid_to)
    print(f"{len(organisations)} organisations ({ended} ended by a merger or split): {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
