//! All indicators of a national wave, as the dashboard needs them after a change of the data: the demo's simulated
//! first wave (418 asked, 380 answers, 18 blocks) computed nationally, for every province and size class, and the
//! trend of both demo waves on the later division.
//!
//! ```text
//! cargo bench -p inbeeld-domain --bench indicators
//! ```

#![allow(clippy::unwrap_used, clippy::expect_used)] // a benchmark that cannot go on should stop loudly

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use inbeeld_domain::analysis::indicators::{Asked, WaveInput, compute, compute_group, groups};
use inbeeld_domain::analysis::trend::{Division, TrendWave, trend};
use inbeeld_domain::demo::{DemoData, SimulatedWave};
use inbeeld_domain::population::latest_on;
use inbeeld_domain::questionnaire::Answers;
use inbeeld_domain::register::{OrgCode, Register};

struct Stored {
    asked: Vec<Asked>,
    responses: Vec<(OrgCode, Answers)>,
    blocks: Vec<String>,
}

fn stored(demo: &DemoData, wave: &SimulatedWave) -> Stored {
    let date = wave.wave.closes_on;
    let populations = latest_on(demo.populations.iter().cloned(), date);
    let asked = demo
        .municipalities_asked_on(date)
        .into_iter()
        .map(|o| Asked { code: o.code.clone(), province: o.province.clone(), size_class: populations.get(&o.code).map(|p| p.size_class()) })
        .collect();
    Stored {
        asked,
        responses: wave.responses.iter().map(|r| (r.organisation.clone(), r.answers.clone())).collect(),
        blocks: wave.catalogue.blocks.iter().map(|b| b.code.clone()).collect(),
    }
}

fn bench(c: &mut Criterion) {
    let demo = inbeeld_domain::demo::data().unwrap();
    let first = demo.first_wave().unwrap();
    let second = demo.second_wave().unwrap();
    // Leaked so that the inputs borrow them for as long as the benchmark runs.
    let first: &'static Stored = Box::leak(Box::new(stored(&demo, &first)));
    let second: &'static Stored = Box::leak(Box::new(stored(&demo, &second)));
    let questionnaire = &demo.questionnaire;
    let input = |s: &'static Stored| WaveInput { asked: &s.asked, responses: &s.responses, blocks: &s.blocks, questionnaire };
    let register = Register::new(demo.organisations.iter().cloned());
    let division = Division::On(inbeeld_domain::demo::SECOND_WAVE_TARGETS.closes);

    c.bench_function("national wave: national figures", |b| b.iter(|| black_box(compute(&input(first)))));
    c.bench_function("national wave: every province and size class", |b| {
        b.iter(|| {
            let wave = input(first);
            groups(&wave).iter().map(|group| compute_group(&wave, group)).collect::<Vec<_>>()
        })
    });
    c.bench_function("national wave: trend of two waves on the 2026 division", |b| {
        b.iter(|| {
            let waves = [TrendWave { id: "eerste", input: input(first) }, TrendWave { id: "vervolg", input: input(second) }];
            black_box(trend(&waves, &register, division))
        })
    });
    c.bench_function("national wave: all of it", |b| {
        b.iter(|| {
            let wave = input(first);
            let national = compute(&wave);
            let groups: Vec<_> = groups(&wave).iter().map(|group| compute_group(&wave, group)).collect();
            let waves = [TrendWave { id: "eerste", input: input(first) }, TrendWave { id: "vervolg", input: input(second) }];
            black_box((national, groups, trend(&waves, &register, division)))
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
