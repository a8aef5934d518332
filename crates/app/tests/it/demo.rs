//! The demo (`app::demo`), on both databases: it fills an empty database once, and stores a simulated wave in the
//! state a test asks for by the moves the monitor team makes. What the binary prints is tested in the CLI's tests.

use domain::fieldwork::{ResponseState, WaveState};
use inbeeld_app::AppError;
use inbeeld_app::demo::{fill, store_reference_data, store_simulated_wave};
use store::testing::author;
use store::{Store, both_backends};

both_backends!(the_demo_fills_an_empty_database_and_leaves_one_with_data_alone, async |store: Store| {
    assert!(fill(&store, &author()).await.unwrap(), "an empty database is filled");
    let waves = store.waves().await.unwrap();
    let shown: Vec<(&str, WaveState, bool)> = waves.iter().map(|w| (w.id.as_str(), w.state, w.simulated)).collect();
    assert_eq!(shown, [("vervolgmeting", WaveState::Published, true), ("eerste-meting", WaveState::Published, true)]);
    assert!(!store.articles(None).await.unwrap().is_empty(), "the knowledge base is loaded");
    assert!(!store.collaborations().await.unwrap().is_empty(), "the collaborations drawn from the newest wave");

    let stamp = store.change_stamp().await.unwrap();
    assert!(!fill(&store, &author()).await.unwrap(), "a database with data is left alone");
    assert_eq!(store.change_stamp().await.unwrap(), stamp, "and nothing was written");
});

both_backends!(a_simulated_wave_is_stored_submitted_and_moved_to_the_state_asked, async |store: Store| {
    let demo = domain::demo::data().unwrap();
    store_reference_data(&store, &demo, &author()).await.unwrap();
    let first = demo.first_wave().unwrap();
    let stored = store_simulated_wave(&store, &demo, &first, WaveState::Closed, &author()).await.unwrap();
    assert_eq!((stored.state, stored.simulated), (WaveState::Closed, true));
    let progress = store.progress(&stored.id).await.unwrap();
    assert_eq!(progress.len(), first.responses.len());
    assert!(progress.iter().all(|p| p.state == ResponseState::Submitted), "every response is submitted");

    // A wave with answers cannot be in draft: the wave's life refuses the move, and the wave stays open.
    let second = demo.second_wave().unwrap();
    let refused = store_simulated_wave(&store, &demo, &second, WaveState::Draft, &author()).await.unwrap_err();
    assert!(matches!(refused, AppError::MoveRefused { .. }), "{refused}");
    assert_eq!(store.wave(&second.wave.id).await.unwrap().state, WaveState::Open);
});
