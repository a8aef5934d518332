//! The second step of signing in for staff: a time-based one-time code from an authenticator app (TOTP, RFC 6238:
//! HMAC-SHA1, six digits, steps of 30 seconds), or one of ten single-use recovery codes for when the app is lost.

use chrono::{DateTime, Utc};
use totp_rs::{Builder, Secret, Totp};

use super::Email;
use crate::access::hash_token;

/// The name an authenticator app shows beside the account.
pub const ISSUER: &str = "inbeeld";
/// How many recovery codes an account gets when it sets up its second factor.
pub const RECOVERY_CODES: usize = 10;
/// One step either way is accepted, for a phone's clock that is a little off.
const SKEW_STEPS: u16 = 1;
const STEP_SECONDS: u64 = 30;
const SECRET_BYTES: usize = 20;
/// Recovery codes use letters and digits that cannot be mistaken for each other when read aloud or typed.
const RECOVERY_ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
const RECOVERY_LENGTH: usize = 10;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SecondFactorError {
    #[error("the stored second-factor secret is not valid base32")]
    StoredSecret,
    #[error("no randomness from the operating system: {0}")]
    Randomness(String),
    #[error("the authenticator link could not be made: {0}")]
    Link(String),
}

/// The secret an authenticator app and the server share. It cannot be hashed like a password, because the server
/// must compute the same codes from it.
#[derive(Clone, PartialEq, Eq)]
pub struct TotpSecret(Vec<u8>);

impl std::fmt::Debug for TotpSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TotpSecret(…)")
    }
}

impl TotpSecret {
    pub fn generate() -> Result<Self, SecondFactorError> {
        let mut bytes = vec![0u8; SECRET_BYTES];
        getrandom::fill(&mut bytes).map_err(|e| SecondFactorError::Randomness(e.to_string()))?;
        Ok(Self(bytes))
    }

    /// The secret as stored: base32 without padding, as authenticator apps show and take it.
    pub fn from_base32(stored: &str) -> Result<Self, SecondFactorError> {
        let secret = Secret::try_from_base32(stored).map_err(|_| SecondFactorError::StoredSecret)?;
        Ok(Self(secret.to_vec()))
    }

    pub fn to_base32(&self) -> String {
        Secret::from(self.0.clone()).to_base32()
    }

    /// The secret in groups of four characters, for typing it into an app by hand.
    pub fn grouped(&self) -> String {
        let text = self.to_base32();
        let groups: Vec<&str> = text.as_bytes().chunks(4).filter_map(|chunk| std::str::from_utf8(chunk).ok()).collect();
        groups.join(" ")
    }

    fn totp(&self, account: Option<&Email>) -> Result<Totp, SecondFactorError> {
        let mut builder = Builder::new().with_secret(self.0.clone()).with_skew(SKEW_STEPS).with_step_duration(STEP_SECONDS);
        if let Some(account) = account {
            builder = builder.with_issuer(Some(ISSUER)).with_account_name(account.as_str());
        }
        builder.build().map_err(|e| SecondFactorError::Link(e.to_string()))
    }

    /// The `otpauth://` link that a QR code carries into an authenticator app.
    pub fn otpauth_uri(&self, account: &Email) -> Result<String, SecondFactorError> {
        self.totp(Some(account))?.to_url().map_err(|e| SecondFactorError::Link(e.to_string()))
    }

    /// The time step of `code` if it is right at `now` (one step either way) and newer than `last_used_step`: a code
    /// is accepted once (RFC 6238, 5.2), so one seen over a shoulder or in a proxy's log cannot be used again.
    pub fn verify(&self, code: &str, now: DateTime<Utc>, last_used_step: Option<u64>) -> Option<u64> {
        let now = u64::try_from(now.timestamp()).ok()?;
        let totp = self.totp(None).ok()?;
        let step = totp.check(code, now)?;
        last_used_step.is_none_or(|last| step > last).then_some(step)
    }

    /// The code of the step at `at`; for tests and the command line's own checks, never shown by the site.
    pub fn code_at(&self, at: DateTime<Utc>) -> Option<String> {
        let at = u64::try_from(at.timestamp()).ok()?;
        Some(self.totp(None).ok()?.generate(at).to_string())
    }
}

/// What was typed in the second step: six digits from the app, or a recovery code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecondFactorCode {
    App(String),
    Recovery(String),
}

impl SecondFactorCode {
    /// Spaces and dashes are ignored, as people copy codes in groups; `None` for anything that cannot be either.
    pub fn parse(typed: &str) -> Option<Self> {
        let bare: String = typed.chars().filter(|c| !c.is_whitespace() && *c != '-').collect::<String>().to_lowercase();
        if bare.len() == 6 && bare.chars().all(|c| c.is_ascii_digit()) {
            Some(Self::App(bare))
        } else if bare.len() == RECOVERY_LENGTH && bare.bytes().all(|b| RECOVERY_ALPHABET.contains(&b)) {
            Some(Self::Recovery(bare))
        } else {
            None
        }
    }
}

/// A recovery code as shown once to its owner ("abcde-fghjk"), and the hash under which it is stored.
pub struct RecoveryCode {
    pub shown: String,
    pub hash: String,
}

impl RecoveryCode {
    pub fn generate_set() -> Result<Vec<RecoveryCode>, SecondFactorError> {
        let mut bytes = vec![0u8; RECOVERY_CODES * RECOVERY_LENGTH];
        getrandom::fill(&mut bytes).map_err(|e| SecondFactorError::Randomness(e.to_string()))?;
        // 256 is not a multiple of the alphabet's 31 letters; the small bias this leaves (under 1%) costs less than
        // a tenth of a bit of the code's 49.
        let codes = bytes.chunks(RECOVERY_LENGTH).map(|chunk| {
            let bare: String = chunk.iter().map(|b| char::from(RECOVERY_ALPHABET[usize::from(*b) % RECOVERY_ALPHABET.len()])).collect();
            RecoveryCode { shown: format!("{}-{}", &bare[..5], &bare[5..]), hash: recovery_hash(&bare) }
        });
        Ok(codes.collect())
    }
}

/// The stored form of a recovery code. The codes are random and long, so a plain SHA-256 suffices, as for tokens.
pub fn recovery_hash(bare: &str) -> String {
    hash_token(&format!("recovery:{bare}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(seconds: i64) -> DateTime<Utc> {
        Utc.timestamp_opt(seconds, 0).single().unwrap()
    }

    #[test]
    fn codes_follow_the_test_vectors_of_rfc_6238() {
        // Appendix B, SHA-1, with the last six of the eight digits.
        let secret = TotpSecret(b"12345678901234567890".to_vec());
        for (seconds, code) in [(59, "287082"), (1_111_111_109, "081804"), (1_234_567_890, "005924"), (2_000_000_000, "279037")] {
            assert_eq!(secret.code_at(at(seconds)).as_deref(), Some(code), "at {seconds}");
            assert!(secret.verify(code, at(seconds), None).is_some());
        }
    }

    #[test]
    fn a_code_is_accepted_once_and_one_step_either_way() {
        let secret = TotpSecret::generate().unwrap();
        let now = at(1_800_000_015);
        let code = secret.code_at(now).unwrap();
        let step = secret.verify(&code, now, None).unwrap();
        assert_eq!(step, 1_800_000_015 / 30);
        assert_eq!(secret.verify(&code, now, Some(step)), None, "the same code again is refused");
        assert_eq!(secret.verify(&code, now + chrono::Duration::seconds(30), None), Some(step), "a step late is fine");
        assert_eq!(secret.verify(&code, now + chrono::Duration::seconds(90), None), None, "three steps late is not");
        let previous = secret.code_at(now - chrono::Duration::seconds(30)).unwrap();
        assert_eq!(secret.verify(&previous, now, Some(step)), None, "an older code after a newer one is refused");
    }

    #[test]
    fn the_secret_survives_being_stored_and_goes_into_the_app_link() {
        let secret = TotpSecret::generate().unwrap();
        let stored = secret.to_base32();
        assert_eq!(TotpSecret::from_base32(&stored).unwrap(), secret);
        assert_eq!(secret.grouped().replace(' ', ""), stored);
        let link = secret.otpauth_uri(&Email::parse("beheer@instituut.nl").unwrap()).unwrap();
        assert!(link.starts_with("otpauth://totp/inbeeld:beheer%40instituut.nl?secret="), "{link}");
        assert!(link.contains("issuer=inbeeld"), "{link}");
        assert_eq!(TotpSecret::from_base32("niet base32!"), Err(SecondFactorError::StoredSecret));
        assert_eq!(format!("{secret:?}"), "TotpSecret(…)", "the secret never reaches a log");
    }

    #[test]
    fn typed_codes_are_read_as_app_codes_or_recovery_codes() {
        assert_eq!(SecondFactorCode::parse(" 123 456 "), Some(SecondFactorCode::App("123456".into())));
        assert_eq!(SecondFactorCode::parse("ABCDE-FGHJK"), Some(SecondFactorCode::Recovery("abcdefghjk".into())));
        for nonsense in ["", "12345", "1234567", "abcde-fghji", "'; DROP TABLE users; --", "１２３４５６"] {
            assert_eq!(SecondFactorCode::parse(nonsense), None, "{nonsense}");
        }
    }

    #[test]
    fn recovery_codes_are_ten_different_codes_that_parse_to_their_hash() {
        let codes = RecoveryCode::generate_set().unwrap();
        assert_eq!(codes.len(), RECOVERY_CODES);
        let hashes: std::collections::BTreeSet<&str> = codes.iter().map(|c| c.hash.as_str()).collect();
        assert_eq!(hashes.len(), RECOVERY_CODES);
        for code in &codes {
            let Some(SecondFactorCode::Recovery(bare)) = SecondFactorCode::parse(&code.shown.to_uppercase()) else {
                panic!("{} does not parse", code.shown)
            };
            assert_eq!(recovery_hash(&bare), code.hash);
        }
    }
}
