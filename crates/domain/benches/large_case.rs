//! The large case of the analysis: 10 waves of 100,000 organisations × 50 blocks (50 million statuses, one byte
//! each), aggregated as the monitor does for every wave: the status counts per block and the distribution of the
//! share of blocks in use per organisation (`StatusMatrix::tally_each`, `Tally::adoption`). For comparison: the same
//! wave by wave (`StatusMatrix::tally`, each wave's rows split over the cores), the simple tally of one counter at a
//! time, and reading the bytes alone on one core.
//!
//! ```text
//! cargo bench -p inbeeld-domain --bench large_case             # criterion: the aggregation of all 10 waves
//! cargo bench -p inbeeld-domain --bench large_case -- --once   # build, aggregate: figures, times, peak RSS
//! python3 bench/large_case_duckdb.py                           # the same data and aggregation in DuckDB
//!
//! # every count of both, to compare: the files are the same
//! cargo bench -p inbeeld-domain --bench large_case -- --once --dump /tmp/rust.csv
//! python3 bench/large_case_duckdb.py --runs 1 --dump /tmp/duckdb.csv && cmp /tmp/rust.csv /tmp/duckdb.csv
//! ```
//!
//! The statuses are a hash of (wave, organisation, block) that SQL reproduces with 64-bit integers
//! (`bench/large_case_duckdb.py` has the same formula): with all arithmetic modulo 2^32,
//!
//! ```text
//! x = wave × 2^23 + organisation × 64 + block
//! h = x × 0x9E3779B1;  h = h xor (h >> 15);  h = h × 0x85EBCA77;  h = h xor (h >> 13)
//! status = 5 (in use)        when h mod 100 < 5 × wave + organisation mod 31
//!          (h div 100) mod 5  otherwise (0 = no answer, 1..=4 not started .. implementing)
//! ```
//!
//! so that the share in use rises by about 5 points a wave and differs between organisations.
//!
//! `--once` prints, per wave, the adoption summary, the in-use histogram's and the status counts' checksums
//! (`Σ k × count`, `Σ count × (block × 6 + status + 1)`), and for waves 0 and 9 the histogram and the counts of
//! block 0, which the DuckDB script prints too; the time of the aggregation (21 times: the first, the fastest and
//! the median); then the peak resident memory of the process (VmHWM), which `/usr/bin/time -v` confirms on the
//! executable that `cargo bench` names. It also checks that `tally_each`, `tally` and the simple tally agree.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a benchmark that cannot go on should stop loudly

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput};
use inbeeld_domain::analysis::{IN_USE_BYTE, STATUS_BYTES, StatusMatrix, Summary, Tally};

const WAVES: u32 = 10;
const ORGANISATIONS: u32 = 100_000;
const BLOCKS: u32 = 50;
/// How often `--once` aggregates, to print the fastest and the median time as well as the first.
const ONCE_REPEATS: usize = 21;

/// The status byte of (wave, organisation, block); see the header.
fn status(wave: u32, organisation: u32, block: u32) -> u8 {
    let mut h = (wave * (1 << 23) + organisation * 64 + block).wrapping_mul(0x9E37_79B1);
    h ^= h >> 15;
    h = h.wrapping_mul(0x85EB_CA77);
    h ^= h >> 13;
    if h % 100 < 5 * wave + organisation % 31 { IN_USE_BYTE } else { ((h / 100) % 5) as u8 }
}

fn wave(wave: u32) -> StatusMatrix {
    let mut matrix = StatusMatrix::with_capacity(BLOCKS as usize, ORGANISATIONS as usize);
    let mut row = [0u8; BLOCKS as usize];
    for organisation in 0..ORGANISATIONS {
        for (block, byte) in (0..).zip(&mut row) {
            *byte = status(wave, organisation, block);
        }
        matrix.push_row(&row);
    }
    matrix
}

fn waves() -> Vec<StatusMatrix> {
    (0..WAVES).map(wave).collect()
}

/// What the monitor publishes of each wave: its tally (the waves counted on the available cores, whole waves per
/// thread) and its adoption summary.
fn aggregate(waves: &[StatusMatrix]) -> Vec<(Tally, Option<Summary>)> {
    StatusMatrix::tally_each(waves)
        .into_iter()
        .map(|tally| {
            let adoption = tally.adoption();
            (tally, adoption)
        })
        .collect()
}

/// The same, one wave after the other, each wave's rows split over the cores (`tally`).
fn aggregate_wave_by_wave(waves: &[StatusMatrix]) -> Vec<(Tally, Option<Summary>)> {
    waves
        .iter()
        .map(|matrix| {
            let tally = matrix.tally();
            let adoption = tally.adoption();
            (tally, adoption)
        })
        .collect()
}

/// One counter at a time, as `tally` was first written: for comparison.
fn simple_tally(matrix: &StatusMatrix) -> Tally {
    let mut status_counts = vec![[0u32; STATUS_BYTES]; matrix.blocks()];
    let mut in_use_histogram = vec![0u32; matrix.blocks() + 1];
    for row in matrix.as_bytes().chunks_exact(matrix.blocks()) {
        let mut in_use = 0;
        for (counts, &byte) in status_counts.iter_mut().zip(row) {
            if let Some(count) = counts.get_mut(usize::from(byte)) {
                *count += 1;
            }
            in_use += usize::from(byte == IN_USE_BYTE);
        }
        in_use_histogram[in_use] += 1;
    }
    Tally { status_counts, in_use_histogram }
}

fn histogram_checksum(tally: &Tally) -> u64 {
    tally.in_use_histogram.iter().enumerate().map(|(k, &count)| k as u64 * u64::from(count)).sum()
}

fn counts_checksum(tally: &Tally) -> u64 {
    let mut sum = 0;
    for (block, counts) in tally.status_counts.iter().enumerate() {
        for (status, &count) in counts.iter().enumerate() {
            sum += u64::from(count) * (block as u64 * 6 + status as u64 + 1);
        }
    }
    sum
}

/// Every figure as CSV lines, sorted, as `bench/large_case_duckdb.py --dump` writes them: `counts,wave,block,status,n`
/// and `in_use,wave,k,n` (zeros left out), then `adoption,wave,n,min,q1,median,q3,max` (the mean is left out: its
/// last digits depend on the order of the additions).
fn dump(results: &[(Tally, Option<Summary>)]) -> String {
    let mut lines = Vec::new();
    for (wave, (tally, adoption)) in results.iter().enumerate() {
        for (block, counts) in tally.status_counts.iter().enumerate() {
            for (status, &n) in counts.iter().enumerate().filter(|(_, n)| **n > 0) {
                lines.push(format!("counts,{wave},{block},{status},{n}"));
            }
        }
        for (k, &n) in tally.in_use_histogram.iter().enumerate().filter(|(_, n)| **n > 0) {
            lines.push(format!("in_use,{wave},{k},{n}"));
        }
        if let Some(a) = adoption {
            lines.push(format!("adoption,{wave},{},{:?},{:?},{:?},{:?},{:?}", a.n, a.min, a.q1, a.median, a.q3, a.max));
        }
    }
    lines.sort();
    lines.iter().map(|line| format!("{line}\n")).collect()
}

fn peak_rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kb = status.lines().find_map(|line| line.strip_prefix("VmHWM:")).and_then(|rest| rest.split_whitespace().next()?.parse().ok());
    kb.map_or(f64::NAN, |kb: f64| kb / 1024.0)
}

fn once() {
    let start = Instant::now();
    let waves = waves();
    let built = start.elapsed();
    let mut times = Vec::new();
    let mut results = Vec::new();
    for _ in 0..ONCE_REPEATS {
        let start = Instant::now();
        results = aggregate(&waves);
        times.push(start.elapsed().as_secs_f64() * 1e3);
    }
    let first = times[0];
    times.sort_by(f64::total_cmp);
    assert_eq!(results, aggregate_wave_by_wave(&waves), "tally_each differs from tally");
    assert!(
        results.iter().map(|(tally, _)| tally).eq(&waves.iter().map(simple_tally).collect::<Vec<_>>()),
        "tally differs from the simple one"
    );
    println!("wave  n        mean                 q1     median  q3     histogram_checksum  counts_checksum");
    for (index, (tally, adoption)) in results.iter().enumerate() {
        let a = adoption.expect("rows");
        println!(
            "{index:<5} {:<8} {:<20} {:<6} {:<7} {:<6} {:<19} {}",
            a.n,
            a.mean,
            a.q1,
            a.median,
            a.q3,
            histogram_checksum(tally),
            counts_checksum(tally)
        );
    }
    for index in [0, 9] {
        let (tally, _) = &results[index];
        println!("wave {index} in-use histogram: {:?}", tally.in_use_histogram);
        println!("wave {index} block 0 status counts: {:?}", tally.status_counts[0]);
    }
    println!(
        "built in {:.0} ms; aggregated {ONCE_REPEATS} times: first {:.1} ms, fastest {:.1} ms, median {:.1} ms",
        built.as_secs_f64() * 1e3,
        first,
        times[0],
        times[ONCE_REPEATS / 2]
    );
    println!("checked: tally_each equals tally per wave, and the simple tally of one counter at a time");
    if let Some(path) = std::env::args().skip_while(|argument| argument != "--dump").nth(1) {
        std::fs::write(&path, dump(&results)).expect("write the dump");
        println!("every count written to {path}");
    }
    println!("peak RSS (VmHWM): {:.1} MB", peak_rss_mb());
}

fn benches(criterion: &mut Criterion) {
    let waves = waves();
    let bytes: usize = waves.iter().map(|matrix| matrix.as_bytes().len()).sum();
    let mut group = criterion.benchmark_group("large_case");
    group.throughput(Throughput::Bytes(bytes as u64)).sample_size(50).measurement_time(Duration::from_secs(5));
    group.bench_function("aggregate 10 waves (tally_each + adoption)", |b| b.iter(|| black_box(aggregate(black_box(&waves)))));
    group.bench_function("aggregate wave by wave (tally + adoption)", |b| b.iter(|| black_box(aggregate_wave_by_wave(black_box(&waves)))));
    group.bench_function("simple tally of 10 waves (for comparison)", |b| {
        b.iter(|| waves.iter().map(|matrix| simple_tally(black_box(matrix))).collect::<Vec<_>>())
    });
    // The least a pass over the bytes costs: adding them up (modulo 256), on one core.
    group.bench_function("read the bytes of 10 waves (one core)", |b| {
        b.iter(|| {
            waves
                .iter()
                .map(|matrix| black_box(matrix).as_bytes().iter().fold(0u8, |sum, &byte| sum.wrapping_add(byte)))
                .collect::<Vec<_>>()
        })
    });
    group.finish();
}

fn main() {
    if std::env::args().any(|argument| argument == "--once") {
        once();
        return;
    }
    let mut criterion = Criterion::default().configure_from_args();
    benches(&mut criterion);
    criterion.final_summary();
}
