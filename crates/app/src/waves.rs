//! Moving a wave through its life: opening the fieldwork, closing it, opening it again, and publishing it. The
//! same use case for the monitor team's wave page and `inbeeld wave open|close|publish`.
//!
//! Publishing is the move after which a wave's answers are public and final: `domain::fieldwork::may_edit` refuses
//! every change to a published wave's responses, and the public pages, open data and API show only published waves.
//! What a front end keeps of the figures is refreshed through the audit entry the move writes (`Store::change_stamp`),
//! so nothing else is done here.

use domain::audit::Author;
use domain::fieldwork::{Wave, WaveState};
use store::{Conflict, Record, Store, StoreError};

use crate::AppError;

/// Moves `wave`, as it was read, to `next`, if its life allows that move (`Wave::check_move`). When someone else
/// moved it in between, nothing changes and the answer is `WaveChangedMeanwhile`.
pub async fn move_wave(store: &Store, wave: &Wave, next: WaveState, author: &Author) -> Result<(), AppError> {
    wave.check_move(next).map_err(|refused| AppError::MoveRefused { wave: wave.id.clone(), refused })?;
    match store.set_wave_state(wave, next, author).await {
        Err(StoreError::Conflict(Conflict::Stale(Record::WaveState))) => Err(AppError::WaveChangedMeanwhile { wave: wave.id.clone() }),
        other => Ok(other?),
    }
}
