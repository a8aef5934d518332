//! Passwords: a policy for new ones, and argon2id hashes in PHC strings.

use argon2::password_hash::phc::PasswordHash as Phc;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, Version};

use super::{AccountError, Email};

/// argon2id parameters of OWASP's Password Storage Cheat Sheet (m = 19 MiB, t = 2, p = 1), the crate's defaults.
pub const ARGON2_MEMORY_KIB: u32 = 19_456;
pub const ARGON2_ITERATIONS: u32 = 2;
pub const ARGON2_PARALLELISM: u32 = 1;

const MIN_CHARACTERS: usize = 12;
const MAX_CHARACTERS: usize = 128;

/// The most common passwords of public breach lists that are long enough to pass the length rule.
const COMMON: &[&str] = &[
    "123456789012",
    "1234567890123",
    "12345678901234",
    "123456789abc",
    "1q2w3e4r5t6y",
    "qwertyuiop12",
    "qwertyuiopas",
    "password1234",
    "password12345",
    "passwordpassword",
    "iloveyou1234",
    "abcdefghijkl",
    "abc123abc123",
    "welkom123456",
    "welkomwelkom",
    "wachtwoord12",
    "wachtwoord123",
    "wachtwoord1234",
    "geheimgeheim",
    "aaaaaaaaaaaa",
    "111111111111",
    "000000000000",
    "qwerty123456",
    "1qaz2wsx3edc",
    "zaq12wsxcde3",
    "football1234",
    "monkeymonkey",
    "letmeinletmein",
];

/// A new password that meets the policy. Its text never appears in `Debug` output.
pub struct Password(String);

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(…)")
    }
}

impl Password {
    /// Checks a new password: long enough to resist guessing (ASVS allows any characters, so length is the rule),
    /// not absurdly long, not a common password, and not the account's own address.
    pub fn new(text: &str, email: &Email) -> Result<Self, AccountError> {
        let characters = text.chars().count();
        if characters < MIN_CHARACTERS {
            return Err(AccountError::PasswordTooShort(MIN_CHARACTERS));
        }
        if characters > MAX_CHARACTERS {
            return Err(AccountError::PasswordTooLong(MAX_CHARACTERS));
        }
        let lower = text.to_lowercase();
        if COMMON.contains(&lower.as_str()) || lower.chars().all(|c| lower.starts_with(c)) {
            return Err(AccountError::PasswordTooCommon);
        }
        if lower.contains(email.as_str()) || email.as_str().split('@').next().is_some_and(|local| local.len() >= 4 && lower == local) {
            return Err(AccountError::PasswordContainsEmail);
        }
        Ok(Self(text.to_owned()))
    }

    /// Hashes with a fresh random salt. Takes about 20 MiB and tens of milliseconds: callers on an async runtime
    /// run it on a blocking thread.
    pub fn hash(&self) -> Result<PasswordHash, AccountError> {
        let hash = hasher().map_err(|e| AccountError::Hashing(e.to_string()))?.hash_password(self.0.as_bytes());
        hash.map(|h| PasswordHash(h.to_string())).map_err(|e| AccountError::Hashing(e.to_string()))
    }
}

fn hasher() -> Result<Argon2<'static>, argon2::Error> {
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, Params::new(ARGON2_MEMORY_KIB, ARGON2_ITERATIONS, ARGON2_PARALLELISM, None)?))
}

/// A stored password hash: a PHC string such as `$argon2id$v=19$m=19456,t=2,p=1$…`.
#[derive(Clone, PartialEq, Eq)]
pub struct PasswordHash(String);

impl std::fmt::Debug for PasswordHash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PasswordHash(…)")
    }
}

impl PasswordHash {
    pub fn from_stored(phc: String) -> Self {
        Self(phc)
    }

    /// What an account holds until its owner chooses a password through a one-time link. A PHC string starts
    /// with `$`, so this never parses, and `verify` counts anything that does not parse as a mismatch: no
    /// password, however typed, signs in with it.
    pub fn unusable() -> Self {
        Self("!no password chosen yet".to_owned())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether `attempt` is the password. Any malformed hash counts as a mismatch, never as a match.
    pub fn verify(&self, attempt: &str) -> bool {
        let Ok(parsed) = Phc::new(&self.0) else { return false };
        Argon2::default().verify_password(attempt.as_bytes(), &parsed).is_ok()
    }

    /// True when the hash was made with weaker parameters than today's, so it is made again at the next login.
    pub fn needs_rehash(&self) -> bool {
        let Ok(parsed) = Phc::new(&self.0) else { return true };
        let value = |name: &str| parsed.params.get_decimal(name).unwrap_or(0);
        parsed.algorithm.as_str() != "argon2id"
            || value("m") < ARGON2_MEMORY_KIB
            || value("t") < ARGON2_ITERATIONS
            || value("p") < ARGON2_PARALLELISM
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn email() -> Email {
        Email::parse("analist@example.nl").unwrap()
    }

    #[test]
    fn hashes_are_argon2id_with_the_owasp_parameters() {
        let hash = Password::new("correct horse battery staple", &email()).unwrap().hash().unwrap();
        assert!(hash.as_str().starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{}", hash.as_str());
        assert!(hash.verify("correct horse battery staple"));
        assert!(!hash.verify("correct horse battery stapler"));
        assert!(!hash.needs_rehash());
        let again = Password::new("correct horse battery staple", &email()).unwrap().hash().unwrap();
        assert_ne!(hash, again, "every hash has its own salt");
    }

    #[test]
    fn weaker_or_broken_hashes_are_flagged_and_never_match() {
        let weak = Argon2::new(Algorithm::Argon2id, Version::V0x13, Params::new(4096, 1, 1, None).unwrap())
            .hash_password(b"correct horse battery staple")
            .unwrap()
            .to_string();
        let weak = PasswordHash::from_stored(weak);
        assert!(weak.verify("correct horse battery staple"));
        assert!(weak.needs_rehash());
        assert!(!PasswordHash::unusable().verify("!no password chosen yet") && !PasswordHash::unusable().verify(""));
        let broken = PasswordHash::from_stored("not a hash".into());
        assert!(!broken.verify("not a hash"));
        assert!(broken.needs_rehash());
    }

    #[test]
    fn the_policy_names_what_is_wrong() {
        assert_eq!(Password::new("kort", &email()).unwrap_err(), AccountError::PasswordTooShort(12));
        assert_eq!(Password::new(&"x".repeat(129), &email()).unwrap_err(), AccountError::PasswordTooLong(128));
        assert_eq!(Password::new("Wachtwoord123", &email()).unwrap_err(), AccountError::PasswordTooCommon);
        assert_eq!(Password::new("zzzzzzzzzzzzzz", &email()).unwrap_err(), AccountError::PasswordTooCommon);
        assert_eq!(Password::new("mijn analist@example.nl!", &email()).unwrap_err(), AccountError::PasswordContainsEmail);
        assert!(Password::new("een zin die niemand raadt", &email()).is_ok());
        assert_eq!(format!("{:?}", Password::new("een zin die niemand raadt", &email()).unwrap()), "Password(…)");
    }
}
