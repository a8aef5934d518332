//! The SMTP transport against a real SMTP server process on loopback (aiosmtpd; see `smtp_server.py`).

use std::net::TcpListener;
use std::time::{Duration, Instant};

use inbeeld_mail::testing::SmtpServer;
use inbeeld_mail::{Envelope, MailError, Mailer, MailerConfig, SmtpSecurity};

fn smtp(port: u16) -> MailerConfig {
    MailerConfig::Smtp { host: "127.0.0.1".into(), port, security: SmtpSecurity::None, username: None, password: None }
}

fn mailer(port: u16) -> Mailer {
    Mailer::new(&smtp(port), "Het monitorteam <monitor@inbeeld.example>").unwrap()
}

fn letter(to: &str) -> Envelope {
    Envelope {
        to: to.into(),
        to_name: Some("Gemeente Súdwest-Fryslân".into()),
        subject: "Uitnodiging: Monitor e-overheid 2011 – Súdwest-Fryslân".into(),
        body: "Geachte heer/mevrouw,\n\nU hoeft de vragenlijst niet in één keer in te vullen.\n\nhttps://inbeeld.example/uitnodiging/abc123\n\nMet vriendelijke groet,\n\nHet monitorteam\n".into(),
    }
}

/// A port on which nothing listens: taken from the system and given back.
fn closed_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

#[tokio::test]
async fn a_message_arrives_with_its_recipient_subject_and_body_intact() {
    let server = SmtpServer::start();
    let envelope = letter("info@sudwestfryslan.example");

    let delivery = mailer(server.port).send(&envelope).await.unwrap();

    assert_eq!(delivery.where_to, format!("smtp 127.0.0.1:{}", server.port));
    let received = server.received();
    assert_eq!(received.len(), 1);
    let message = &received[0];
    assert_eq!(message["rcpt_tos"], serde_json::json!(["info@sudwestfryslan.example"]));
    assert_eq!(message["mail_from"], "monitor@inbeeld.example");
    assert_eq!(message["to"], "Gemeente Súdwest-Fryslân <info@sudwestfryslan.example>");
    assert_eq!(message["from"], "Het monitorteam <monitor@inbeeld.example>");
    assert_eq!(message["subject"], envelope.subject);
    // lettre ends DATA with CRLF.CRLF even after a final line break, which adds an empty last line nobody sees.
    assert_eq!(message["body"].as_str().unwrap().trim_end(), envelope.body.trim_end(), "the body, accents and all");
    assert_eq!(message["content_type"], "text/plain");
    assert_eq!(message["charset"], "utf-8");
    assert_eq!(message["message_id"], delivery.message_id);
    assert!(delivery.message_id.ends_with("@inbeeld.example>"), "{}", delivery.message_id);
    assert_ne!(message["date"], "None", "a Date header");
}

#[tokio::test]
async fn accents_do_not_travel_as_raw_bytes() {
    // A server that does not announce 8BITMIME must get 7-bit text, so the body is encoded rather than sent as
    // UTF-8 bytes; the test above shows it decodes back to "één".
    let server = SmtpServer::start();
    mailer(server.port).send(&letter("info@gemeente.example")).await.unwrap();
    let raw = server.raw(1);
    assert!(raw.is_ascii(), "{}", String::from_utf8_lossy(&raw));
}

#[tokio::test]
async fn every_message_gets_its_own_message_id() {
    let server = SmtpServer::start();
    let mailer = mailer(server.port);
    let first = mailer.send(&letter("a@gemeente.example")).await.unwrap();
    let second = mailer.send(&letter("b@gemeente.example")).await.unwrap();
    assert_ne!(first.message_id, second.message_id);
    assert_eq!(server.received().len(), 2);
}

#[tokio::test]
async fn a_refused_recipient_is_a_bounce() {
    let server = SmtpServer::start();

    let error = mailer(server.port).send(&letter("bounce-me@gemeente.example")).await.unwrap_err();

    assert!(error.is_bounce(), "{error:?}");
    match &error {
        MailError::Rejected { recipient, code, message, .. } => {
            assert_eq!(recipient, "bounce-me@gemeente.example");
            assert_eq!(*code, 550);
            assert!(message.contains("no such user"), "{message}");
        }
        other => panic!("expected a rejection, got {other:?}"),
    }
    let text = error.to_string();
    assert!(text.contains("bounce-me@gemeente.example") && text.contains(&format!("127.0.0.1:{}", server.port)), "{text}");
    assert!(server.received().is_empty());
}

#[tokio::test]
async fn a_server_that_is_not_running_fails_soon_and_names_itself() {
    let port = closed_port();
    let started = Instant::now();

    let error = mailer(port).send(&letter("info@gemeente.example")).await.unwrap_err();

    assert!(started.elapsed() < Duration::from_secs(5), "took {:?}", started.elapsed());
    assert!(matches!(error, MailError::Failed { .. }), "{error:?}");
    assert!(!error.is_bounce());
    let text = error.to_string();
    assert!(text.contains(&format!("127.0.0.1:{port}")), "{text}");
    assert!(text.contains("refused"), "{text}");
    assert!(!text.contains("os error") && !text.contains("Kind"), "no debug dump: {text}");
}

#[tokio::test]
async fn a_server_that_never_answers_is_given_up_on() {
    // Accepts the connection and says nothing: without a time limit the send would wait for ever.
    let silent = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = silent.local_addr().unwrap().port();
    let started = Instant::now();

    let error = mailer(port).with_timeout(Duration::from_secs(2)).send(&letter("info@gemeente.example")).await.unwrap_err();

    assert!(started.elapsed() < Duration::from_secs(10), "took {:?}", started.elapsed());
    assert_eq!(error.to_string(), format!("sending mail through 127.0.0.1:{port} failed: the message was not accepted within 2 seconds"));
    drop(silent);
}

#[tokio::test]
async fn an_invalid_address_is_refused_before_anything_is_sent() {
    let server = SmtpServer::start();
    let mailer = mailer(server.port);

    for address in ["geen-adres", "", "info@", "info@gemeente.example\r\nBcc: stiekem@example.org"] {
        let error = mailer.send(&letter(address)).await.unwrap_err();
        assert!(matches!(&error, MailError::InvalidAddress { address: given, .. } if given == address), "{address:?}: {error:?}");
        assert!(!error.is_bounce());
    }
    assert!(server.received().is_empty());
}

#[tokio::test]
async fn a_line_break_in_the_subject_or_name_adds_no_header() {
    let server = SmtpServer::start();
    let mut envelope = letter("info@gemeente.example");
    envelope.subject = "Uitnodiging\r\nBcc: stiekem@example.org".into();
    envelope.to_name = Some("Gemeente\r\nBcc: stiekem@example.org".into());

    mailer(server.port).send(&envelope).await.unwrap();

    let received = server.received();
    assert_eq!(received[0]["rcpt_tos"], serde_json::json!(["info@gemeente.example"]));
    assert_eq!(received[0]["subject"], "Uitnodiging Bcc: stiekem@example.org");
    let names = received[0]["header_names"].as_array().unwrap();
    assert!(!names.iter().any(|name| name.as_str().unwrap().eq_ignore_ascii_case("bcc")), "{names:?}");
}

#[test]
fn an_invalid_sender_is_refused_when_the_mailer_is_made() {
    let error = Mailer::new(&smtp(25), "monitorteam").unwrap_err();
    assert_eq!(
        error.to_string(),
        "'monitorteam' is not an e-mail address: it needs an @ with a name before it and a domain after it, as in naam@gemeente.nl"
    );
}

#[tokio::test]
async fn letters_in_a_row_share_one_connection_unless_asked_otherwise() {
    let server = SmtpServer::start();
    // A job leaves time between two letters (its pace, and the database between them); lettre gives a connection
    // back to its pool in a task of its own, which needs a moment of that time.
    let between = Duration::from_millis(50);
    let pooled = mailer(server.port);
    for n in 0..3 {
        pooled.send(&letter(&format!("gemeente{n}@example.nl"))).await.unwrap();
        tokio::time::sleep(between).await;
    }
    let alone = Mailer::one_connection_per_message(&smtp(server.port), "monitor@inbeeld.example").unwrap();
    for n in 3..6 {
        alone.send(&letter(&format!("gemeente{n}@example.nl"))).await.unwrap();
        tokio::time::sleep(between).await;
    }
    let ports: Vec<u64> = server.received().iter().map(|m| m["client_port"].as_u64().unwrap()).collect();
    assert_eq!(ports.len(), 6);
    assert!(ports[..3].iter().all(|port| *port == ports[0]), "one connection for the three letters: {ports:?}");
    let mut own: Vec<u64> = ports[3..].to_vec();
    own.dedup();
    assert_eq!(own.len(), 3, "a connection per letter: {ports:?}");
}
