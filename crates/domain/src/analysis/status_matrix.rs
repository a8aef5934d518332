//! The block statuses of a wave as one byte per organisation and block, so that the counts per block and the
//! distribution of blocks in use are one pass over memory, for a national wave as for a very large one.
//!
//! A tally reads each row through windows of 16, 32, 48 or 64 bytes (the widest the blocks need) and counts, for
//! every byte value, the window's matches in byte-sized lanes: comparisons and additions the compiler turns into
//! vector instructions, with no counter shared between blocks. The lanes are added to 32-bit totals every 255 rows,
//! before a lane can overflow. A window that reaches past its row (into the next row, or past the last block) masks
//! those bytes to 0xFF, which matches no status. A large matrix is split into parts of whole rows, counted on the
//! available cores and added up.

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

/// The tally of `rows` of `cells`.
///
/// Status counts: `GROUP` rows make a stripe whose length is a multiple of 16 bytes (16 / gcd(blocks, 16) rows),
/// so the byte at a given offset in every stripe is the same block's. For each 16-byte position of the stripe, six
/// vectors of byte lanes count the matches of each value over up to 255 stripes, then are added to 32-bit totals.
/// In use per row: the row's bytes in 16-byte chunks, compared with 5 and summed.
fn tally_rows(cells: &[u8], blocks: usize, rows: Range<usize>) -> Tally {
    let mut tally = Tally::zero(blocks);
    let Some(data) = cells.get(rows.start * blocks..rows.end * blocks).filter(|_| blocks > 0) else {
        return tally;
    };
    let stripe = LANES / gcd(blocks, LANES) * blocks;
    let positions = stripe / LANES;
    let stripes_per_batch = (BATCH_BYTES / stripe).clamp(1, MATCHES_PER_LANE);
    let mut totals = vec![[[0u32; LANES]; STATUS_BYTES]; positions];
    let tail_mask = tail_mask(blocks);
    let mut in_use_histogram = vec![[0u32; 4]; blocks + 1];
    let (striped, rest) = data.split_at(data.len() / stripe * stripe);
    for batch in striped.chunks(stripes_per_batch * stripe) {
        // Row by row first: reading the batch in order brings it into the cache for the reads across stripes.
        count_in_use(batch, blocks, &tail_mask, &mut in_use_histogram);
        let (vectors, _) = batch.as_chunks::<LANES>();
        for (position, totals) in totals.iter_mut().enumerate() {
            count_position(vectors, position, positions, totals);
        }
    }
    for (offset, totals) in (0..).step_by(LANES).zip(&totals) {
        for lane in 0..LANES {
            if let Some(counts) = tally.status_counts.get_mut((offset + lane) % blocks) {
                for (count, totals) in counts.iter_mut().zip(totals) {
                    *count += totals[lane];
                }
            }
        }
    }
    // The rows after the last whole stripe, fewer than 16, one byte at a time.
    for row in rest.chunks_exact(blocks) {
        for (counts, &byte) in tally.status_counts.iter_mut().zip(row) {
            if let Some(count) = counts.get_mut(usize::from(byte)) {
                *count += 1;
            }
        }
    }
    count_in_use(rest, blocks, &tail_mask, &mut in_use_histogram);
    for (count, counts) in tally.in_use_histogram.iter_mut().zip(&in_use_histogram) {
        *count = counts.iter().sum();
    }
    tally
}

// The two loops below are functions of their own, not inlined, so that the compiler keeps their byte lanes in
// vector registers; inlined into `tally_rows`, it has been seen to count them one byte at a time.

/// Counts the vectors at `position` of each stripe of a batch into `totals`: one vector of lanes per value.
#[inline(never)]
fn count_position(vectors: &[[u8; LANES]], position: usize, positions: usize, totals: &mut [[u32; LANES]; STATUS_BYTES]) {
    // Six variables, not an array of six: so the compiler has been seen to keep them in registers.
    let (mut none, mut not_started, mut orienting) = ([0u8; LANES], [0u8; LANES], [0u8; LANES]);
    let (mut planned, mut implementing, mut in_use) = ([0u8; LANES], [0u8; LANES], [0u8; LANES]);
    for vector in vectors.iter().skip(position).step_by(positions) {
        add_matches(&mut none, vector, 0);
        add_matches(&mut not_started, vector, 1);
        add_matches(&mut orienting, vector, 2);
        add_matches(&mut planned, vector, 3);
        add_matches(&mut implementing, vector, 4);
        add_matches(&mut in_use, vector, IN_USE_BYTE);
    }
    for (totals, lanes) in totals.iter_mut().zip([none, not_started, orienting, planned, implementing, in_use]) {
        for (total, lane) in totals.iter_mut().zip(lanes) {
            *total += u32::from(lane);
        }
    }
}

/// Counts each row's bytes in use into the histogram, which has a counter for each of four rows in turn: rows
/// in a row with the same count would otherwise each wait for the previous one's increment.
#[inline(never)]
fn count_in_use(rows: &[u8], blocks: usize, tail_mask: &[u8; LANES], histogram: &mut [[u32; 4]]) {
    for (index, row) in rows.chunks_exact(blocks).enumerate() {
        if let Some(counts) = histogram.get_mut(in_use(row, tail_mask)) {
            counts[index % 4] += 1;
        }
    }
}

/// The width of the vectors the compiler makes of the counting loops (SSE2, the baseline of x86-64 and of NEON).
const LANES: usize = 16;
/// A batch of stripes is counted position by position, so it should stay in the core's cache meanwhile.
const BATCH_BYTES: usize = 96 * 1024;

fn gcd(mut a: usize, mut b: usize) -> usize {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

#[inline(always)]
fn add_matches(lanes: &mut [u8; LANES], vector: &[u8; LANES], value: u8) {
    for (lane, &byte) in lanes.iter_mut().zip(vector) {
        *lane = lane.wrapping_add(u8::from(byte == value));
    }
}

#[inline(always)]
fn lane_sum(lanes: &[u8; LANES]) -> usize {
    lanes.iter().map(|&lane| u32::from(lane)).sum::<u32>() as usize
}

/// 0xFF over the last `blocks % 16` lanes: the bytes of a row's last 16 that its whole vectors have not counted.
fn tail_mask(blocks: usize) -> [u8; LANES] {
    let rest = blocks % LANES;
    std::array::from_fn(|lane| if lane + rest >= LANES { u8::MAX } else { 0 })
}

/// The number of bytes in use in a row: its whole vectors, then its last 16 bytes masked by `tail_mask`.
#[inline(always)]
fn in_use(row: &[u8], tail_mask: &[u8; LANES]) -> usize {
    let Some(last) = row.last_chunk::<LANES>() else {
        return row.iter().filter(|&&byte| byte == IN_USE_BYTE).count();
    };
    let (vectors, _) = row.as_chunks::<LANES>();
    let mut lanes = [0; LANES];
    let mut room = MATCHES_PER_LANE - 1;
    let mut in_use = 0;
    for vector in vectors {
        add_matches(&mut lanes, vector, IN_USE_BYTE);
        room -= 1;
        if room == 0 {
            in_use += lane_sum(&lanes);
            lanes = [0; LANES];
            room = MATCHES_PER_LANE - 1;
        }
    }
    let masked: [u8; LANES] = std::array::from_fn(|lane| last[lane] & tail_mask[lane]);
    add_matches(&mut lanes, &masked, IN_USE_BYTE);
    in_use + lane_sum(&lanes)
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
    fn a_tally_equals_the_reference_at_every_window_width_and_flush_boundary() {
        let blocks = [1, 2, 15, 16, 17, 31, 32, 33, 47, 48, 49, 50, 63, 64, 65, 100, 127, 128, 129, 200];
        let rows = [0, 1, 2, 3, 254, 255, 256, 257, 511, 600];
        for (seed, (&blocks, &rows)) in blocks.iter().flat_map(|b| rows.iter().map(move |r| (b, r))).enumerate() {
            assert_like_reference(&random_matrix(seed as u64, blocks, rows));
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
