//! Validating and storing submissions, on SQLite and on PostgreSQL: the path a respondent's "indienen" takes after
//! the HTTP layer (`validate_all`, `without_hidden`, then one transaction with the audit entry). The answers are the
//! demo's 380 drawn responses, so every submission is a realistic, valid one.
//!
//! `cargo bench -p inbeeld-store --bench submit` (PostgreSQL at INBEELD_TEST_POSTGRES_URL, as for the tests).
//! "one by one" is one client submitting after another; "8 at once" is eight clients submitting at the same time,
//! as a busy morning of the fieldwork would.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a benchmark that cannot go on should stop loudly

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use domain::catalogue::Catalogue;
use domain::demo::SimulatedResponse;
use domain::fieldwork::{Edit, NewWave, WaveId, WaveState};
use domain::questionnaire::Questionnaire;
use inbeeld_store::testing::{author, fresh};
use inbeeld_store::{Backend, SaveAnswers, Store};

struct Bench {
    store: Store,
    questionnaire: Questionnaire,
    catalogue: Catalogue,
    responses: Vec<SimulatedResponse>,
    template: NewWave,
    /// Submissions so far: the n-th goes to response n % 380 of wave n / 380, so no pair is submitted twice.
    done: AtomicUsize,
    /// Waves made so far.
    waves: tokio::sync::Mutex<usize>,
}

impl Bench {
    async fn new(backend: Backend) -> (Arc<Bench>, inbeeld_store::testing::TestDatabase) {
        let (store, database) = fresh(backend).await.unwrap();
        let demo = domain::demo::data().unwrap();
        store.import_register(&demo.organisations, &author(), &mut |_| {}).await.unwrap();
        for catalogue in &demo.catalogues {
            store.import_catalogue(catalogue, &author()).await.unwrap();
        }
        let q = &demo.questionnaire;
        store.import_questionnaire(&q.id, &q.version, &q.title.nl, domain::demo::QUESTIONNAIRE_SOURCE, &author()).await.unwrap();
        let first = demo.first_wave().unwrap();
        let bench = Bench {
            store,
            questionnaire: demo.questionnaire.clone(),
            catalogue: first.catalogue.clone(),
            responses: first.responses,
            template: first.wave,
            done: AtomicUsize::new(0),
            waves: tokio::sync::Mutex::new(0),
        };
        (Arc::new(bench), database)
    }

    /// The wave the n-th submission goes to, made (and opened) when first needed.
    async fn wave_for(&self, n: usize) -> WaveId {
        let index = n / self.responses.len();
        let mut made = self.waves.lock().await;
        while *made <= index {
            let wave = NewWave { id: WaveId::parse(&format!("bench-{made}")).unwrap(), ..self.template.clone() };
            let created = self.store.create_wave(&wave, true, &author()).await.unwrap();
            self.store.set_wave_state(&created, WaveState::Open, &author()).await.unwrap();
            *made += 1;
        }
        WaveId::parse(&format!("bench-{index}")).unwrap()
    }

    async fn submit_next(&self) {
        let n = self.done.fetch_add(1, Ordering::Relaxed);
        let wave = self.wave_for(n).await;
        let response = &self.responses[n % self.responses.len()];
        let errors = self.questionnaire.validate_all(&response.answers, &self.catalogue);
        assert!(errors.is_empty(), "{errors:?}");
        let kept = self.questionnaire.without_hidden(&response.answers);
        let save = SaveAnswers {
            wave: &wave,
            organisation: &response.organisation,
            questionnaire_id: &self.questionnaire.id,
            questionnaire_version: 1,
            answers: &kept,
            mode: &response.mode,
            based_on: None,
            edit: Edit::Draft,
            submit: true,
        };
        self.store.save_answers(&save, &author()).await.unwrap();
    }
}

fn submissions(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let (bench, _database) = runtime.block_on(Bench::new(backend));
        let mut group = c.benchmark_group(format!("submit/{backend:?}"));
        group.throughput(Throughput::Elements(1)).sample_size(10).measurement_time(Duration::from_secs(10));
        group.bench_function("one by one", |b| {
            b.iter_custom(|iterations| {
                runtime.block_on(async {
                    let start = Instant::now();
                    for _ in 0..iterations {
                        bench.submit_next().await;
                    }
                    start.elapsed()
                })
            })
        });
        group.bench_function("8 at once", |b| {
            b.iter_custom(|iterations| {
                runtime.block_on(async {
                    let start = Instant::now();
                    let clients: Vec<_> = (0..8)
                        .map(|client| {
                            let bench = Arc::clone(&bench);
                            let share = iterations / 8 + u64::from((client as u64) < iterations % 8);
                            tokio::spawn(async move {
                                for _ in 0..share {
                                    bench.submit_next().await;
                                }
                            })
                        })
                        .collect();
                    for client in clients {
                        client.await.unwrap();
                    }
                    start.elapsed()
                })
            })
        });
        group.finish();
        runtime.block_on(bench.store.close());
    }
}

criterion_group!(benches, submissions);
criterion_main!(benches);
