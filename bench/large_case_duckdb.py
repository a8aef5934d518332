#!/usr/bin/env python3
"""The large case of the analysis in DuckDB, for comparison with `cargo bench -p inbeeld-domain --bench large_case`.

The same data as the Rust benchmark: 10 waves x 100,000 organisations x 50 blocks, with the status of each
(wave, organisation, block) drawn by the same hash (all arithmetic modulo 2^32, done here in 64-bit integers):

    x = wave * 2^23 + organisation * 64 + block
    h = x * 0x9E3779B1;  h = h xor (h >> 15);  h = h * 0x85EBCA77;  h = h xor (h >> 13)
    status = 5 (in use)         when h mod 100 < 5 * wave + organisation mod 31
             (h div 100) mod 5  otherwise (0 = no answer, 1..4 not started .. implementing)

and the same aggregation: per wave, the count of every status per block, and the distribution of the share of
blocks in use per organisation (n, mean, min, quartiles with quantile_cont, which is type 7 like the Rust side,
max, and the histogram of the number in use).

Two layouts, chosen with --layout:

  long  (the default) one row per (wave, org, block, status): the relational form, 50 million rows of
        UTINYINT/UINTEGER columns, stored in the order of wave, org, block. The shares need a GROUP BY over
        1 million (wave, org) groups.
  wide  one row per (wave, org) with a UTINYINT column per block (s0 .. s49), like the Rust matrix: the shares
        are a sum over the row, the status counts a GROUP BY (wave, column) for each block column (faster here than
        300 filtered counts or an UNPIVOT).

The database is in memory, with `SET threads = 2`. The aggregation (both queries, results fetched) runs --runs
times after one warm-up run; the median is printed, and the resident memory of the process (the data, DuckDB and
Python): its peak while building (ru_maxrss), and its peak during the aggregation runs (VmHWM, reset after
building through /proc/self/clear_refs). The figures printed per wave, and the histogram and the
counts of block 0 for waves 0 and 9, are those `cargo bench -p inbeeld-domain --bench large_case -- --once` prints.

    python3 -m pip install duckdb        # or in a virtual environment
    python3 bench/large_case_duckdb.py [--layout long|wide] [--runs 7] [--dump FILE]

With --dump, every figure is written as sorted CSV lines, as `cargo bench -p inbeeld-domain --bench large_case --
--once --dump FILE` writes them, so that `cmp` can compare the two.
"""
import argparse
import resource
import statistics
import time

import duckdb

WAVES, ORGANISATIONS, BLOCKS = 10, 100_000, 50

STATUS_MACRO = """
CREATE OR REPLACE MACRO hash1(x) AS xor((x * 2654435761::UBIGINT) % 4294967296::UBIGINT,
                                        ((x * 2654435761::UBIGINT) % 4294967296::UBIGINT) >> 15);
CREATE OR REPLACE MACRO hash2(h) AS xor((h * 2246822519::UBIGINT) % 4294967296::UBIGINT,
                                        ((h * 2246822519::UBIGINT) % 4294967296::UBIGINT) >> 13);
CREATE OR REPLACE MACRO status_of(w, o, h) AS
    CASE WHEN h % 100 < 5 * w + o % 31 THEN 5 ELSE (h // 100) % 5 END;
"""


def peak_rss_mb():
    """The peak resident memory of the process since it started (ru_maxrss)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def status_mb(field):
    """VmRSS (now) or VmHWM (the peak since the last reset) from /proc/self/status, in MB."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return float("nan")


def reset_peak():
    """Sets VmHWM back to VmRSS (Linux), so that the peak of the aggregation alone can be read."""
    with open("/proc/self/clear_refs", "w") as clear_refs:
        clear_refs.write("5")


def build(con, layout):
    """The table, in the order of (wave, org, block), made from one range so that no sort is needed: DuckDB keeps the
    insertion order."""
    con.execute(STATUS_MACRO)
    if layout == "long":
        con.execute(f"""
            CREATE TABLE statuses AS
            SELECT w::UTINYINT AS wave, o::UINTEGER AS org, b::UTINYINT AS block,
                   status_of(w, o, hash2(hash1((w * 8388608 + o * 64 + b)::UBIGINT)))::UTINYINT AS status
            FROM (SELECT i // {ORGANISATIONS * BLOCKS} AS w, i // {BLOCKS} % {ORGANISATIONS} AS o, i % {BLOCKS} AS b
                  FROM range({WAVES * ORGANISATIONS * BLOCKS}) r(i))
        """)
    else:
        columns = ", ".join(f"status_of(w, o, hash2(hash1((w * 8388608 + o * 64 + {b})::UBIGINT)))::UTINYINT AS s{b}"
                            for b in range(BLOCKS))
        con.execute(f"""
            CREATE TABLE statuses AS
            SELECT w::UTINYINT AS wave, o::UINTEGER AS org, {columns}
            FROM (SELECT i // {ORGANISATIONS} AS w, i % {ORGANISATIONS} AS o FROM range({WAVES * ORGANISATIONS}) r(i))
        """)


def queries(layout):
    """The status counts per (wave, block, status) and the adoption per wave, as (wave, n, mean, min, [q1, median,
    q3], max, histogram {k: organisations})."""
    adoption_of = f"""
        SELECT wave, count(*) AS n, avg(k / {BLOCKS}) AS mean, min(k) / {BLOCKS} AS min,
               quantile_cont(k / {BLOCKS}, [0.25, 0.5, 0.75]) AS quartiles, max(k) / {BLOCKS} AS max,
               histogram(k) AS histogram
        FROM per_org GROUP BY wave ORDER BY wave
    """
    if layout == "long":
        counts = "SELECT wave, block, status, count(*) AS n FROM statuses GROUP BY ALL"
        adoption = f"""
            WITH per_org AS (SELECT wave, org, count(*) FILTER (WHERE status = 5) AS k FROM statuses GROUP BY wave, org)
            {adoption_of}
        """
    else:
        counts = " UNION ALL ".join(
            f"SELECT wave, {b} AS block, s{b} AS status, count(*) AS n FROM statuses GROUP BY wave, s{b}" for b in range(BLOCKS))
        in_use = " + ".join(f"(s{b} = 5)::UTINYINT" for b in range(BLOCKS))
        adoption = f"WITH per_org AS (SELECT wave, {in_use} AS k FROM statuses) {adoption_of}"
    return counts, adoption


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--layout", choices=["long", "wide"], default="long")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--dump", metavar="FILE", help="write every figure as sorted CSV lines, as the Rust benchmark's "
                        "--dump does (the mean left out: its last digits depend on the order of the additions)")
    args = parser.parse_args()

    con = duckdb.connect()
    con.execute("SET threads = 2")
    started = time.perf_counter()
    build(con, args.layout)
    built = time.perf_counter() - started
    rss_built, resident_built = peak_rss_mb(), status_mb("VmRSS")
    print(f"duckdb {duckdb.__version__}, layout {args.layout}: built in {built:.1f} s; "
          f"peak RSS while building {rss_built:.0f} MB, resident after {resident_built:.0f} MB")
    reset_peak()

    counts_sql, adoption_sql = queries(args.layout)
    times, counts_times, adoption_times = [], [], []
    for run in range(args.runs + 1):
        started = time.perf_counter()
        counts = con.execute(counts_sql).fetchall()
        middle = time.perf_counter()
        adoption = con.execute(adoption_sql).fetchall()
        ended = time.perf_counter()
        if run > 0:  # the first run warms up
            counts_times.append(middle - started)
            adoption_times.append(ended - middle)
            times.append(ended - started)

    per_wave = {}
    for wave, block, status, n in counts:
        per_wave.setdefault(wave, {})[(block, status)] = n
    print("wave  n        mean                 q1     median  q3     histogram_checksum  counts_checksum")
    for wave, n, mean, low, (q1, median, q3), high, histogram in adoption:
        histogram_checksum = sum(k * c for k, c in histogram.items())
        counts_checksum = sum(n * (block * 6 + status + 1) for (block, status), n in per_wave[wave].items())
        print(f"{wave:<5} {n:<8} {mean!r:<20} {q1!r:<6} {median!r:<7} {q3!r:<6} {histogram_checksum:<19} {counts_checksum}")
    for wave, *_, histogram in adoption:
        if wave in (0, 9):
            print(f"wave {wave} in-use histogram: {[histogram.get(k, 0) for k in range(BLOCKS + 1)]}")
            print(f"wave {wave} block 0 status counts: {[per_wave[wave].get((0, s), 0) for s in range(6)]}")
    if args.dump:
        lines = [f"counts,{wave},{block},{status},{n}" for wave, block, status, n in counts if n > 0]
        for wave, n, _mean, low, (q1, median, q3), high, histogram in adoption:
            lines += [f"in_use,{wave},{k},{c}" for k, c in histogram.items() if c > 0]
            lines.append(f"adoption,{wave},{n},{low!r},{q1!r},{median!r},{q3!r},{high!r}")
        with open(args.dump, "w") as out:
            out.writelines(line + "\n" for line in sorted(lines))
        print(f"every figure written to {args.dump}")
    print(f"aggregation of all waves, median of {args.runs}: {statistics.median(times) * 1000:.0f} ms "
          f"(status counts {statistics.median(counts_times) * 1000:.0f} ms, "
          f"adoption {statistics.median(adoption_times) * 1000:.0f} ms; "
          f"fastest {min(times) * 1000:.0f} ms, slowest {max(times) * 1000:.0f} ms)")
    print(f"peak RSS of the process (ru_maxrss): {peak_rss_mb():.0f} MB; "
          f"during the aggregation runs (VmHWM after a reset): {status_mb('VmHWM'):.0f} MB")


if __name__ == "__main__":
    main()
