//! For tests and benchmarks, here and in the crates that send mail (the `testing` feature): a real SMTP server on
//! loopback (Python's aiosmtpd, run by `tests/smtp_server.py`) and a reader of `.eml` files. Python's email package
//! decodes what arrives, so that tests check what an independent reader sees, not what the sender meant to write.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test that cannot go on should stop loudly

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use serde_json::Value;
use tempfile::TempDir;

const SCRIPT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/smtp_server.py");

/// Fails the test, never skips it: a test that quietly does nothing would let mail break unnoticed.
pub fn require_aiosmtpd() {
    let probe = Command::new("python3").args(["-c", "import aiosmtpd"]).output();
    match probe {
        Ok(output) if output.status.success() => {}
        Ok(output) => panic!(
            "the mail tests need Python's aiosmtpd for a real SMTP server: pip install aiosmtpd\n{}",
            String::from_utf8_lossy(&output.stderr)
        ),
        Err(error) => panic!("the mail tests need python3 with aiosmtpd (pip install aiosmtpd), but python3 did not start: {error}"),
    }
}

/// An SMTP server process that keeps what it accepts in a folder, and is killed when dropped.
pub struct SmtpServer {
    child: Child,
    pub port: u16,
    folder: TempDir,
}

impl SmtpServer {
    pub fn start() -> SmtpServer {
        SmtpServer::with_args(&[])
    }

    /// A relay that, once it has accepted `after` messages, answers "try again later" (451) for `seconds`.
    pub fn refusing_for_a_while(after: u32, seconds: f64) -> SmtpServer {
        SmtpServer::with_args(&[after.to_string(), seconds.to_string()])
    }

    fn with_args(extra: &[String]) -> SmtpServer {
        require_aiosmtpd();
        let folder = tempfile::tempdir().unwrap();
        let mut child = Command::new("python3")
            .arg(SCRIPT)
            .arg("serve")
            .arg(folder.path())
            .args(extra)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("python3 starts");

        // The server prints its port once it listens; read it on a thread so that a server that hangs fails the
        // test instead of hanging it.
        let stdout = child.stdout.take().unwrap();
        let (sender, receiver) = mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = sender.send(line);
        });
        let line = receiver.recv_timeout(Duration::from_secs(20)).unwrap_or_default();
        let Ok(port) = line.trim().parse::<u16>() else {
            let _ = child.kill();
            let mut stderr = String::new();
            if let Some(mut pipe) = child.stderr.take() {
                let _ = pipe.read_to_string(&mut stderr);
            }
            let _ = child.wait();
            panic!("the SMTP server did not start (pip install aiosmtpd if it is missing):\n{stderr}");
        };
        SmtpServer { child, port, folder }
    }

    /// What the server accepted, in order: decoded headers and body, plus `mail_from` and `rcpt_tos`.
    pub fn received(&self) -> Vec<Value> {
        let mut numbered: Vec<(u32, PathBuf)> = std::fs::read_dir(self.folder.path())
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
            .map(|path| (path.file_stem().unwrap().to_str().unwrap().parse().unwrap(), path))
            .collect();
        numbered.sort();
        numbered.into_iter().map(|(_, path)| serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()).collect()
    }

    /// The bytes of the n-th accepted message (from 1), as they came over the wire.
    pub fn raw(&self, number: u32) -> Vec<u8> {
        std::fs::read(self.folder.path().join(format!("{number}.eml"))).unwrap()
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An `.eml` file as Python's email package reads it.
pub fn parse_eml(path: &Path) -> Value {
    let output = Command::new("python3").arg(SCRIPT).arg("parse").arg(path).output().expect("python3 starts");
    assert!(output.status.success(), "reading {} failed: {}", path.display(), String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).unwrap()
}
