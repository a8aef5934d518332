//! Letters through a real SMTP server process on loopback (aiosmtpd, `tests/smtp_server.py`), one after the other
//! as a letter job sends them: over one reused connection (what `Mailer::new` does) against a new connection per
//! letter. The throughput criterion prints, in letters per second, times 60 is letters per minute.
//!
//! ```text
//! cargo bench -p inbeeld-mail --bench smtp
//! ```
//!
//! Loopback has no round-trip time to speak of and no TLS; over a network to a relay with STARTTLS and a login, a
//! new connection costs several round trips more, so the difference there is larger than here.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a benchmark that cannot go on should stop loudly

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use inbeeld_mail::testing::SmtpServer;
use inbeeld_mail::{Envelope, Mailer, MailerConfig, SmtpSecurity};

const LETTERS: u64 = 50;

fn letter(n: u64) -> Envelope {
    Envelope {
        to: format!("info@gemeente{n}.example"),
        to_name: Some(format!("Gemeente {n}")),
        subject: "Uitnodiging: Monitor e-overheid bij gemeenten".into(),
        body: "Geachte heer/mevrouw,\n\nGraag nodigen wij u uit.\n\nhttps://inbeeld.example/uitnodiging/abc\n".repeat(8),
    }
}

fn letters(c: &mut Criterion) {
    let server = SmtpServer::start();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let config =
        MailerConfig::Smtp { host: "127.0.0.1".into(), port: server.port, security: SmtpSecurity::None, username: None, password: None };
    let from = "Monitorteam inbeeld <monitor@inbeeld.example>";
    let mut group = c.benchmark_group("smtp");
    group.throughput(Throughput::Elements(LETTERS));
    group.sample_size(10);
    let reused = runtime.block_on(async { Mailer::new(&config, from).unwrap() });
    group.bench_function("one reused connection", |b| b.iter(|| runtime.block_on(send_all(&reused))));
    let alone = runtime.block_on(async { Mailer::one_connection_per_message(&config, from).unwrap() });
    group.bench_function("a connection per letter", |b| b.iter(|| runtime.block_on(send_all(&alone))));
    group.finish();
    // A pool hands its connections back on the runtime it runs on, so the mailers go before the runtime does.
    runtime.block_on(async move { drop((reused, alone)) });
}

async fn send_all(mailer: &Mailer) {
    for n in 0..LETTERS {
        mailer.send(&letter(n)).await.unwrap();
    }
}

criterion_group!(benches, letters);
criterion_main!(benches);
