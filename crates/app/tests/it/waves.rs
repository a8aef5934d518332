//! Moving a wave (`app::waves::move_wave`), on both databases: the wave's life decides which moves are allowed, and
//! a move made from a wave read before someone else moved it changes nothing.

use domain::fieldwork::WaveState;
use inbeeld_app::AppError;
use inbeeld_app::waves::move_wave;
use store::testing::author;
use store::{Store, both_backends};

use crate::support::draft_wave;

both_backends!(a_wave_is_published_only_after_its_fieldwork_is_closed, async |store: Store| {
    let wave = draft_wave(&store).await;
    let refused = move_wave(&store, &wave, WaveState::Published, &author()).await.unwrap_err();
    assert!(matches!(refused, AppError::MoveRefused { .. }), "{refused}");
    assert_eq!(refused.to_string(), "wave eerste-meting: a wave that is draft cannot become published; it can become open");
    assert_eq!(store.wave(&wave.id).await.unwrap().state, WaveState::Draft, "nothing changed");

    for next in [WaveState::Open, WaveState::Closed, WaveState::Published] {
        move_wave(&store, &store.wave(&wave.id).await.unwrap(), next, &author()).await.unwrap();
    }
    let published = store.wave(&wave.id).await.unwrap();
    assert_eq!(published.state, WaveState::Published);
    let refused = move_wave(&store, &published, WaveState::Open, &author()).await.unwrap_err();
    assert!(matches!(refused, AppError::MoveRefused { .. }), "a published wave stays published: {refused}");
});

both_backends!(a_move_from_a_wave_read_before_another_move_changes_nothing, async |store: Store| {
    let wave = draft_wave(&store).await;
    move_wave(&store, &wave, WaveState::Open, &author()).await.unwrap();
    let stale = move_wave(&store, &wave, WaveState::Open, &author()).await.unwrap_err();
    assert!(matches!(stale, AppError::WaveChangedMeanwhile { .. }), "{stale}");
    let moves = store.audit_entries(&Default::default()).await.unwrap().into_iter().filter(|e| e.action == "wave.state").count();
    assert_eq!(moves, 1, "one move, one audit entry");
});
