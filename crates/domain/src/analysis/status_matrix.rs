//! The block statuses of a wave as one byte per organisation and block, so that the counts per block and the
//! distribution of blocks in use are one pass over memory, for a national wave as for a very large one.

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

    /// Counts every block's statuses and every row's blocks in use.
    pub fn tally(&self) -> Tally {
        let mut status_counts = vec![[0u32; STATUS_BYTES]; self.blocks];
        let mut in_use_histogram = vec![0u32; self.blocks + 1];
        if self.blocks == 0 {
            return Tally { status_counts, in_use_histogram };
        }
        for row in self.cells.chunks_exact(self.blocks) {
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
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
