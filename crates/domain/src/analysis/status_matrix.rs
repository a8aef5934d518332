//! The block statuses of a wave as one byte per organisation and block, so that the counts per block and the
//! distribution of blocks in use are one pass over memory, for a national wave as for a very large one.
//!
//! A tally goes through the rows in stripes: a few rows together (32 of 50 blocks), so that a stripe is a whole
//! number of 64-byte lines and the byte at a given offset of every stripe is the same block's. Per byte value there
//! is a byte-sized lane for each offset of the stripe, and each stripe adds its matches to them: loops over plain
//! slices, which the compiler turns into vector comparisons and additions (16 bytes at a time on any x86-64), with
//! no counter shared between blocks. Every 255 stripes at most, before a lane can overflow, the lanes are added to
//! 32-bit totals. The same batch of stripes, still in the cache, is then read for the blocks in use: a flag per
//! byte, and per row the flags summed eight at a time in a `u64`. A matrix of more than a megabyte is split into
//! parts of whole rows, counted on the available cores and added up.
//!
//! Bytes that are no status (above 5) match no value and are no flag, so they are counted nowhere.

use std::num::NonZeroUsize;
use std::ops::Range;
use std::sync::OnceLock;
use std::thread;

use super::distribution::Summary;
use crate::questionnaire::BlockStatus;

/// The byte of a status: 0 for no answer, then 1..=5 in the order of `BlockStatus::ALL` (in use is 5).
pub fn status_byte(status: Option<BlockStatus>) -> u8 {
    match status {
        None => 0,
        Some(status) => BlockStatus::ALL.iter().position(|s| *s == status).map_or(0, |index| index as u8 + 1),
    }
}

/// The status of a byte; `None` for 0 and for a byte no status has.
pub fn status_of_byte(byte: u8) -> Option<BlockStatus> {
    usize::from(byte).checked_sub(1).and_then(|index| BlockStatus::ALL.get(index).copied())
}

pub const IN_USE_BYTE: u8 = 5;
/// The number of distinct bytes: no answer and the five statuses.
pub const STATUS_BYTES: usize = 6;

/// A byte lane counts at most this many matches before it is added to the totals.
const MATCHES_PER_LANE: usize = u8::MAX as usize;
/// A tally uses one thread per this many bytes at most: below it, starting a thread costs more than it saves.
const BYTES_PER_THREAD: usize = 1 << 20;

/// Rows of organisations, one byte per block of the wave's catalogue (`status_byte`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct StatusMatrix {
    blocks: usize,
    cells: Vec<u8>,
}

/// What one pass over a `StatusMatrix` counts.
#[derive(Clone, Debug, PartialEq)]
pub struct Tally {
    /// Per block, the number of rows with each byte (index = byte; 0 is no answer).
    pub status_counts: Vec<[u32; STATUS_BYTES]>,
    /// Index k: the number of rows with exactly k blocks in use, k = 0..=blocks.
    pub in_use_histogram: Vec<u32>,
}

impl Tally {
    fn zero(blocks: usize) -> Self {
        Self { status_counts: vec![[0; STATUS_BYTES]; blocks], in_use_histogram: vec![0; blocks + 1] }
    }

    /// Adds the tally of other rows of the same blocks.
    fn add(&mut self, other: &Tally) {
        for (counts, more) in self.status_counts.iter_mut().zip(&other.status_counts) {
            for (count, more) in counts.iter_mut().zip(more) {
                *count += more;
            }
        }
        for (count, more) in self.in_use_histogram.iter_mut().zip(&other.in_use_histogram) {
            *count += more;
        }
    }

    /// The spread over the rows of their share of blocks in use (k / blocks): n, mean, quartiles. `None` without
    /// rows or without blocks. Equal to `summarise` over every row's share, without making them.
    pub fn adoption(&self) -> Option<Summary> {
        Summary::of_shares(&self.in_use_histogram)
    }
}

impl StatusMatrix {
    pub fn new(blocks: usize) -> Self {
        Self { blocks, cells: Vec::new() }
    }

    pub fn with_capacity(blocks: usize, rows: usize) -> Self {
        Self { blocks, cells: Vec::with_capacity(blocks * rows) }
    }

    /// Adds an organisation's row. A shorter row is padded with "no answer", a longer one cut to the blocks.
    pub fn push_row(&mut self, row: &[u8]) {
        let take = row.len().min(self.blocks);
        self.cells.extend_from_slice(&row[..take]);
        self.cells.resize(self.cells.len() + self.blocks - take, 0);
    }

    pub fn blocks(&self) -> usize {
        self.blocks
    }

    pub fn rows(&self) -> usize {
        self.cells.len().checked_div(self.blocks).unwrap_or(0)
    }

    pub fn row(&self, index: usize) -> &[u8] {
        &self.cells[index * self.blocks..(index + 1) * self.blocks]
    }

    /// All rows, one after the other.
    pub fn as_bytes(&self) -> &[u8] {
        &self.cells
    }

    /// Counts every block's statuses and every row's blocks in use. Bytes that are no status (above 5) are counted
    /// nowhere. A matrix of more than a megabyte is counted on the available cores.
    pub fn tally(&self) -> Tally {
        self.tally_in_parts(threads_for(self.cells.len()))
    }

    /// The tallies of several matrices, such as the waves of a trend, in their order: each equal to the matrix's
    /// `tally`. When there are at least as many matrices as threads to use and none is more than a thread's share
    /// of all bytes, each thread counts a run of whole matrices, so that threads are started once, not once per
    /// matrix; otherwise each matrix is counted as `tally` does.
    pub fn tally_each(matrices: &[StatusMatrix]) -> Vec<Tally> {
        let bytes: usize = matrices.iter().map(|matrix| matrix.cells.len()).sum();
        Self::tally_each_on(matrices, threads_for(bytes))
    }

    /// `tally_each` with up to `threads` threads.
    fn tally_each_on(matrices: &[StatusMatrix], threads: usize) -> Vec<Tally> {
        let bytes: usize = matrices.iter().map(|matrix| matrix.cells.len()).sum();
        let largest = matrices.iter().map(|matrix| matrix.cells.len()).max().unwrap_or(0);
        if threads == 1 || matrices.len() < threads || largest > bytes.div_ceil(threads) {
            return matrices.iter().map(StatusMatrix::tally).collect();
        }
        // A thread's run starts at the first matrix that starts in its share of all bytes.
        let mut runs: Vec<&[StatusMatrix]> = Vec::with_capacity(threads);
        let (mut start, mut before) = (0, 0);
        for (index, matrix) in matrices.iter().enumerate() {
            if index > start && before * threads >= bytes * (runs.len() + 1) {
                runs.push(&matrices[start..index]);
                start = index;
            }
            before += matrix.cells.len();
        }
        runs.push(&matrices[start..]);
        let count = |run: &[StatusMatrix]| run.iter().map(|matrix| matrix.tally_in_parts(1)).collect::<Vec<_>>();
        thread::scope(|scope| {
            let spawned: Vec<_> =
                runs.iter().skip(1).map(|&run| (run, thread::Builder::new().spawn_scoped(scope, move || count(run)))).collect();
            let mut tallies = runs.first().map_or_else(Vec::new, |&run| count(run));
            for (run, handle) in spawned {
                tallies.extend(match handle {
                    Ok(handle) => handle.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
                    // No thread to be had: count the run here.
                    Err(_) => count(run),
                });
            }
            tallies
        })
    }

    /// The tally, counted in `parts` parts of whole rows: the first on this thread, the others each on its own.
    fn tally_in_parts(&self, parts: usize) -> Tally {
        let rows = self.rows();
        let parts = parts.min(rows).max(1);
        let part = |index: usize| rows * index / parts..rows * (index + 1) / parts;
        if parts == 1 {
            return tally_rows(&self.cells, self.blocks, 0..rows);
        }
        thread::scope(|scope| {
            let spawned: Vec<_> = (1..parts)
                .map(|index| {
                    let rows = part(index);
                    (index, thread::Builder::new().spawn_scoped(scope, move || tally_rows(&self.cells, self.blocks, rows)))
                })
                .collect();
            let mut tally = tally_rows(&self.cells, self.blocks, part(0));
            for (index, handle) in spawned {
                let counted = match handle {
                    Ok(handle) => handle.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
                    // No thread to be had: count the part here.
                    Err(_) => tally_rows(&self.cells, self.blocks, part(index)),
                };
                tally.add(&counted);
            }
            tally
        })
    }
}

/// The threads to count `bytes` with: the available cores, but at least a megabyte each.
fn threads_for(bytes: usize) -> usize {
    static AVAILABLE: OnceLock<usize> = OnceLock::new();
    let available = *AVAILABLE.get_or_init(|| thread::available_parallelism().map_or(1, NonZeroUsize::get));
    available.min(bytes / BYTES_PER_THREAD).max(1)
}

/// The tally of `rows` of `cells`, batch by batch of whole stripes (see the module's documentation).
fn tally_rows(cells: &[u8], blocks: usize, rows: Range<usize>) -> Tally {
    let mut tally = Tally::zero(blocks);
    let Some(data) = cells.get(rows.start * blocks..rows.end * blocks).filter(|_| blocks > 0) else {
        return tally;
    };
    let stripe = stripe_bytes(blocks);
    let batch_bytes = (BATCH_BYTES / stripe).clamp(1, MATCHES_PER_LANE) * stripe;
    let mut lanes: [Vec<u8>; STATUS_BYTES] = std::array::from_fn(|_| vec![0; stripe]);
    let mut totals: [Vec<u32>; STATUS_BYTES] = std::array::from_fn(|_| vec![0; stripe]);
    // Flags for a few kilobytes of rows, or one row: they stay in the core's first-level cache.
    let mut flags = vec![0; (FLAG_BYTES / blocks).max(1) * blocks];
    let (striped, rest) = data.split_at(data.len() / stripe * stripe);
    for batch in striped.chunks(batch_bytes) {
        count_statuses(batch, stripe, &mut lanes);
        for (totals, lanes) in totals.iter_mut().zip(&mut lanes) {
            for (total, lane) in totals.iter_mut().zip(lanes.iter_mut()) {
                *total += u32::from(*lane);
                *lane = 0;
            }
        }
        count_in_use(batch, blocks, &mut flags, &mut tally.in_use_histogram);
    }
    for (byte, totals) in totals.iter().enumerate() {
        // Offset o of a stripe is block o % blocks.
        for (offset, &total) in totals.iter().enumerate() {
            if let Some(count) = tally.status_counts.get_mut(offset % blocks).and_then(|counts| counts.get_mut(byte)) {
                *count += total;
            }
        }
    }
    // The rows after the last whole stripe, one byte at a time.
    for row in rest.chunks_exact(blocks) {
        for (counts, &byte) in tally.status_counts.iter_mut().zip(row) {
            if let Some(count) = counts.get_mut(usize::from(byte)) {
                *count += 1;
            }
        }
    }
    count_in_use(rest, blocks, &mut flags, &mut tally.in_use_histogram);
    tally
}

/// A batch is this large, or one stripe if that is larger: small enough to stay in a core's cache between its two
/// passes.
const BATCH_BYTES: usize = 256 * 1024;
/// The bytes of the flags of blocks in use that are made before they are summed per row (see `count_in_use`).
const FLAG_BYTES: usize = 4096;
/// The longest stripe made of several rows; beyond it, a stripe is one row.
const MAX_STRIPE: usize = 4096;

/// The bytes of a stripe: as many rows as make it a multiple of 64 bytes, or one row if those would be many.
fn stripe_bytes(blocks: usize) -> usize {
    let rows = 64 / gcd(blocks, 64);
    if rows * blocks <= MAX_STRIPE { rows * blocks } else { blocks }
}

fn gcd(mut a: usize, mut b: usize) -> usize {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

/// Adds the matches of each byte value in a batch of whole stripes to `lanes` (per value, a lane per offset in the
/// stripe), two stripes at a time. Each stripe adds at most 1 to a lane.
#[inline(never)] // its own function, so the compiler vectorises its loops alike wherever it is called
fn count_statuses(batch: &[u8], stripe: usize, lanes: &mut [Vec<u8>; STATUS_BYTES]) {
    let mut pairs = batch.chunks_exact(2 * stripe);
    for pair in &mut pairs {
        let (first, second) = pair.split_at(stripe);
        for (value, lanes) in (0u8..).zip(lanes.iter_mut()) {
            for ((lane, &a), &b) in lanes.iter_mut().zip(first).zip(second) {
                *lane = lane.wrapping_add(u8::from(a == value)).wrapping_add(u8::from(b == value));
            }
        }
    }
    for single in pairs.remainder().chunks_exact(stripe) {
        for (value, lanes) in (0u8..).zip(lanes.iter_mut()) {
            for (lane, &a) in lanes.iter_mut().zip(single) {
                *lane = lane.wrapping_add(u8::from(a == value));
            }
        }
    }
}

/// Adds each row's number of bytes in use to the histogram: a few kilobytes of rows at a time, first a flag (0 or
/// 1) per byte, then per row the flags eight at a time as the bytes of a `u64`.
#[inline(never)] // as `count_statuses`
fn count_in_use(rows: &[u8], blocks: usize, flags: &mut [u8], histogram: &mut [u32]) {
    let rest = blocks % 8;
    let rows_per_chunk = (flags.len() / blocks).max(1);
    for chunk in rows.chunks(rows_per_chunk * blocks) {
        let Some(flags) = flags.get_mut(..chunk.len()) else {
            return;
        };
        for (flag, &byte) in flags.iter_mut().zip(chunk) {
            *flag = u8::from(byte == IN_USE_BYTE);
        }
        for row in flags.chunks_exact(blocks) {
            let (words, _) = row.as_chunks::<8>();
            let mut in_use = 0;
            for words in words.chunks(MATCHES_PER_LANE) {
                in_use += byte_sum(words.iter().fold(0, |sum, word| sum + u64::from_le_bytes(*word)));
            }
            match row.last_chunk::<8>() {
                // The last `rest` flags, the high bytes of the row's last eight.
                Some(last) if rest > 0 => in_use += byte_sum(u64::from_le_bytes(*last) >> (8 * (8 - rest))),
                Some(_) => {}
                None => in_use += row.iter().map(|&flag| usize::from(flag)).sum::<usize>(),
            }
            if let Some(count) = histogram.get_mut(in_use) {
                *count += 1;
            }
        }
    }
}

/// The sum of the eight bytes of a `u64`.
fn byte_sum(bytes: u64) -> usize {
    let pairs = (bytes & 0x00FF_00FF_00FF_00FF) + ((bytes >> 8) & 0x00FF_00FF_00FF_00FF);
    (pairs.wrapping_mul(0x0001_0001_0001_0001) >> 48) as usize
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use rand::{RngExt, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    use super::*;
    use crate::analysis::summarise;

    /// One counter at a time: what the tally must equal.
    fn reference(matrix: &StatusMatrix) -> Tally {
        let mut tally = Tally::zero(matrix.blocks());
        for index in 0..matrix.rows() {
            let mut in_use = 0;
            for (counts, &byte) in tally.status_counts.iter_mut().zip(matrix.row(index)) {
                if let Some(count) = counts.get_mut(usize::from(byte)) {
                    *count += 1;
                }
                in_use += usize::from(byte == IN_USE_BYTE);
            }
            tally.in_use_histogram[in_use] += 1;
        }
        tally
    }

    /// Mostly statuses and no answers, with a share of bytes that are no status at all.
    fn random_matrix(seed: u64, blocks: usize, rows: usize) -> StatusMatrix {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut matrix = StatusMatrix::with_capacity(blocks, rows);
        let mut row = vec![0; blocks];
        for _ in 0..rows {
            for byte in &mut row {
                *byte = if rng.random_bool(0.9) { rng.random_range(0..=6) } else { rng.random() };
            }
            matrix.push_row(&row);
        }
        matrix
    }

    fn assert_like_reference(matrix: &StatusMatrix) {
        let expected = reference(matrix);
        assert_eq!(matrix.tally(), expected, "{} blocks, {} rows", matrix.blocks(), matrix.rows());
        for parts in 2..=5 {
            assert_eq!(matrix.tally_in_parts(parts), expected, "{} blocks, {} rows, {parts} parts", matrix.blocks(), matrix.rows());
        }
    }

    #[test]
    fn a_tally_counts_statuses_per_block_and_blocks_in_use_per_row() {
        let mut matrix = StatusMatrix::new(3);
        matrix.push_row(&[5, 5, 1]);
        matrix.push_row(&[5, 0, 3]);
        matrix.push_row(&[2]);
        assert_eq!(matrix.rows(), 3);
        assert_eq!(matrix.row(2), &[2, 0, 0]);
        let tally = matrix.tally();
        assert_eq!(tally.status_counts[0], [0, 0, 1, 0, 0, 2]);
        assert_eq!(tally.status_counts[1], [2, 0, 0, 0, 0, 1]);
        assert_eq!(tally.in_use_histogram, vec![1, 1, 1, 0]);
    }

    #[test]
    fn bytes_and_statuses_round_trip() {
        for status in BlockStatus::ALL {
            assert_eq!(status_of_byte(status_byte(Some(status))), Some(status));
        }
        assert_eq!(status_byte(Some(BlockStatus::InUse)), IN_USE_BYTE);
        assert_eq!(status_of_byte(0), None);
        assert_eq!(status_of_byte(9), None);
    }

    #[test]
    fn an_empty_matrix_has_an_empty_tally() {
        let none = StatusMatrix::new(0);
        assert_eq!(none.tally(), Tally { status_counts: vec![], in_use_histogram: vec![0] });
        let mut rows_without_blocks = StatusMatrix::new(0);
        rows_without_blocks.push_row(&[5, 5]);
        assert_eq!(rows_without_blocks.tally(), reference(&rows_without_blocks));
        assert_eq!(StatusMatrix::new(7).tally(), Tally { status_counts: vec![[0; STATUS_BYTES]; 7], in_use_histogram: vec![0; 8] });
    }

    #[test]
    fn bytes_that_are_no_status_are_counted_nowhere() {
        let mut matrix = StatusMatrix::new(70);
        for first in [6u8, 7, 16, 37, 128, 250, 255] {
            let row: Vec<u8> = (0..70u8).map(|block| first.wrapping_add(block).max(6)).collect();
            matrix.push_row(&row);
        }
        let tally = matrix.tally();
        assert_eq!(tally.status_counts, vec![[0; STATUS_BYTES]; 70]);
        assert_eq!(tally.in_use_histogram[0], 7);
        assert_eq!(tally.in_use_histogram.iter().sum::<u32>(), 7);
    }

    #[test]
    fn a_tally_equals_the_reference_at_every_stripe_and_row_length() {
        let blocks = [1, 2, 7, 8, 9, 15, 16, 17, 31, 32, 33, 47, 48, 49, 50, 63, 64, 65, 100, 127, 128, 129, 200];
        let rows = [0, 1, 2, 3, 31, 32, 33, 63, 64, 65, 129, 254, 255, 256, 257, 511, 600];
        for (seed, (&blocks, &rows)) in blocks.iter().flat_map(|b| rows.iter().map(move |r| (b, r))).enumerate() {
            assert_like_reference(&random_matrix(seed as u64, blocks, rows));
        }
    }

    #[test]
    fn lanes_are_added_up_before_they_overflow_and_long_rows_are_counted_whole() {
        // One block: a stripe is 64 rows, a batch 255 stripes; every row the same byte fills a lane to 255.
        for (blocks, rows) in [(1, 2 * 255 * 64 + 37), (2, 255 * 32 + 1), (3, 3 * 255 * 64), (65, 1_000), (2_100, 3), (4_100, 2)] {
            for byte in [0, IN_USE_BYTE, 3] {
                let mut matrix = StatusMatrix::with_capacity(blocks, rows);
                for _ in 0..rows {
                    matrix.push_row(&vec![byte; blocks]);
                }
                let tally = matrix.tally();
                assert_eq!(tally, reference(&matrix), "{blocks} blocks, {rows} rows of {byte}");
                assert_eq!(tally.status_counts[blocks - 1][usize::from(byte)], rows as u32);
            }
            assert_like_reference(&random_matrix(blocks as u64, blocks, rows));
        }
    }

    #[test]
    fn several_matrices_are_tallied_each_as_alone() {
        let sizes: [&[(usize, usize)]; 6] = [
            &[],
            &[(50, 300)],
            &[(50, 300), (50, 300), (50, 300), (50, 300), (50, 300)],
            &[(50, 300), (3, 10), (0, 0), (50, 1_000), (17, 257), (50, 299), (1, 1)],
            &[(50, 10_000), (50, 10), (50, 10)],
            &[(7, 100), (7, 100)],
        ];
        for (seed, sizes) in sizes.iter().enumerate() {
            let matrices: Vec<StatusMatrix> =
                sizes.iter().enumerate().map(|(index, &(blocks, rows))| random_matrix((seed * 100 + index) as u64, blocks, rows)).collect();
            let alone: Vec<Tally> = matrices.iter().map(reference).collect();
            assert_eq!(StatusMatrix::tally_each(&matrices), alone, "{sizes:?}");
            for threads in 1..=4 {
                assert_eq!(StatusMatrix::tally_each_on(&matrices, threads), alone, "{sizes:?} on {threads} threads");
            }
        }
    }

    #[test]
    fn a_matrix_of_more_than_a_megabyte_is_counted_in_parts_alike() {
        let matrix = random_matrix(7, 50, 25_001);
        assert!(matrix.cells.len() > BYTES_PER_THREAD);
        assert_like_reference(&matrix);
    }

    #[test]
    fn every_row_in_use_and_none_reach_the_ends_of_the_histogram() {
        let mut matrix = StatusMatrix::new(50);
        for _ in 0..300 {
            matrix.push_row(&[IN_USE_BYTE; 50]);
            matrix.push_row(&[]);
        }
        let tally = matrix.tally();
        assert_eq!((tally.in_use_histogram[0], tally.in_use_histogram[50]), (300, 300));
        assert_eq!(tally.status_counts[49], [300, 0, 0, 0, 0, 300]);
        assert_like_reference(&matrix);
    }

    #[test]
    fn adoption_is_the_summary_of_each_rows_share_in_use() {
        let matrix = random_matrix(11, 50, 1_000);
        let shares: Vec<f64> =
            (0..matrix.rows()).map(|index| matrix.row(index).iter().filter(|&&byte| byte == IN_USE_BYTE).count() as f64 / 50.0).collect();
        assert_eq!(matrix.tally().adoption(), summarise(&shares));
        assert_eq!(StatusMatrix::new(50).tally().adoption(), None);
        assert_eq!(StatusMatrix::new(0).tally().adoption(), None);
    }

    proptest! {
        #[test]
        fn a_tally_equals_the_reference(blocks in 0usize..140, rows in 0usize..700, seed: u64) {
            let matrix = random_matrix(seed, blocks, rows);
            let expected = reference(&matrix);
            prop_assert_eq!(matrix.tally(), expected.clone());
            prop_assert_eq!(matrix.tally_in_parts(3), expected);
        }
    }
}
