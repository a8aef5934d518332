//! The large case of the analysis: 10 waves of 100,000 organisations × 50 blocks (50 million statuses, one byte
//! each), aggregated as the monitor does for every wave: the status counts per block and the distribution of the
//! share of blocks in use per organisation (`StatusMatrix::tally`, `Tally::adoption`).
//!
//! ```text
//! cargo bench -p inbeeld-domain --bench large_case             # criterion: the aggregation of all 10 waves
//! cargo bench -p inbeeld-domain --bench large_case -- --once   # build, aggregate: figures, times, peak RSS
//! python3 bench/large_case_duckdb.py                           # the same data and aggregation in DuckDB
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
//! block 0, which the DuckDB script prints too; then the peak resident memory of the process (VmHWM).

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

/// What the monitor publishes of each wave.
fn aggregate(waves: &[StatusMatrix]) -> Vec<(Tally, Option<Summary>)> {
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
    println!("peak RSS (VmHWM): {:.1} MB", peak_rss_mb());
}

fn benches(criterion: &mut Criterion) {
    let waves = waves();
    let bytes: usize = waves.iter().map(|matrix| matrix.as_bytes().len()).sum();
    let mut group = criterion.benchmark_group("large_case");
    group.throughput(Throughput::Bytes(bytes as u64)).sample_size(50).measurement_time(Duration::from_secs(5));
    group.bench_function("aggregate 10 waves (tally + adoption)", |b| b.iter(|| black_box(aggregate(black_box(&waves)))));
    group.bench_function("simple tally of 10 waves (for comparison)", |b| {
        b.iter(|| waves.iter().map(|matrix| simple_tally(black_box(matrix))).collect::<Vec<_>>())
    });
    // The least a pass over the bytes costs: adding them up (modulo 256), on one core.
    group.bench_function("read 10 waves' bytes (one core)", |b| {
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
