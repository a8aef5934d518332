//! The outbox transport: one `.eml` file per message, read back by an independent reader (Python's email package).

use std::path::Path;

use inbeeld_mail::testing::parse_eml;
use inbeeld_mail::{Envelope, MailError, Mailer, MailerConfig};

fn letter(to: &str) -> Envelope {
    Envelope {
        to: to.into(),
        to_name: Some("Gemeente Súdwest-Fryslân".into()),
        subject: "Herinnering: één vragenlijst – Súdwest-Fryslân".into(),
        body:
            "Geachte heer/mevrouw,\n\nU hoeft de vragenlijst niet in één keer in te vullen.\n\nhttps://inbeeld.example/uitnodiging/abc123\n"
                .into(),
    }
}

fn outbox(dir: &Path) -> Mailer {
    Mailer::new(&MailerConfig::Outbox { dir: dir.to_owned() }, "Het monitorteam <monitor@inbeeld.example>").unwrap()
}

fn eml_files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(dir).unwrap().map(|entry| entry.unwrap().path()).collect();
    files.sort();
    files
}

#[tokio::test]
async fn a_message_becomes_one_eml_file_that_reads_back_intact() {
    let temp = tempfile::tempdir().unwrap();
    let dir = temp.path().join("outbox");
    let envelope = letter("info@sudwestfryslan.example");

    let delivery = outbox(&dir).send(&envelope).await.unwrap();

    let files = eml_files(&dir);
    assert_eq!(files.len(), 1);
    assert_eq!(delivery.where_to, files[0].display().to_string());
    assert!(delivery.where_to.ends_with(".eml"), "{}", delivery.where_to);

    let message = parse_eml(&files[0]);
    assert_eq!(message["to"], "Gemeente Súdwest-Fryslân <info@sudwestfryslan.example>");
    assert_eq!(message["from"], "Het monitorteam <monitor@inbeeld.example>");
    assert_eq!(message["subject"], envelope.subject);
    assert_eq!(message["body"], envelope.body, "één survives the file");
    assert_eq!(message["content_type"], "text/plain");
    assert_eq!(message["charset"], "utf-8");
    assert_eq!(message["message_id"], delivery.message_id);
    assert_ne!(message["date"], "None", "a Date header");
}

#[tokio::test]
async fn each_message_gets_its_own_file() {
    let temp = tempfile::tempdir().unwrap();
    let mailer = outbox(temp.path());
    let first = mailer.send(&letter("a@gemeente.example")).await.unwrap();
    let second = mailer.send(&letter("b@gemeente.example")).await.unwrap();
    assert_ne!(first.where_to, second.where_to);
    assert_ne!(first.message_id, second.message_id);
    assert_eq!(eml_files(temp.path()).len(), 2);
}

#[tokio::test]
async fn a_folder_removed_after_start_up_is_made_again() {
    let temp = tempfile::tempdir().unwrap();
    let dir = temp.path().join("outbox");
    let mailer = outbox(&dir);
    assert!(dir.is_dir(), "made when the mailer is made");
    std::fs::remove_dir(&dir).unwrap();

    mailer.send(&letter("info@gemeente.example")).await.unwrap();

    assert_eq!(eml_files(&dir).len(), 1);
}

#[tokio::test]
async fn a_folder_that_cannot_be_made_is_named() {
    let temp = tempfile::tempdir().unwrap();
    let file = temp.path().join("not-a-folder");
    std::fs::write(&file, "").unwrap();

    let error = Mailer::new(&MailerConfig::Outbox { dir: file.join("outbox") }, "monitor@inbeeld.example").unwrap_err();

    assert!(matches!(error, MailError::Outbox { .. }), "{error:?}");
    assert!(error.to_string().contains("not-a-folder"), "{error}");
    assert!(!error.to_string().contains("os error"), "{error}");
}

#[tokio::test]
async fn an_invalid_address_writes_nothing() {
    let temp = tempfile::tempdir().unwrap();
    let error = outbox(temp.path()).send(&letter("info at gemeente")).await.unwrap_err();
    assert!(matches!(error, MailError::InvalidAddress { .. }), "{error:?}");
    assert!(error.to_string().starts_with("'info at gemeente' is not an e-mail address"), "{error}");
    assert!(eml_files(temp.path()).is_empty());
}
