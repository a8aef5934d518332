//! Who may do what: the principal of a request, the rule of a route, and the decision. The web layer asks here,
//! in one place, for every route.

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

use crate::account::{Role, User};
use crate::audit::Actor;
use crate::register::OrgCode;

pub mod api_token;
mod return_path;

pub use return_path::ReturnPath;

/// Who is asking: a signed-in user, or a respondent who came in through an invitation link for one organisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principal {
    User(User),
    Invitation { organisation: OrgCode },
}

impl Principal {
    pub fn role(&self) -> Role {
        match self {
            Principal::User(user) => user.role,
            Principal::Invitation { .. } => Role::Respondent,
        }
    }

    /// The one organisation a respondent may see and change; `None` for the other roles, who see all.
    pub fn organisation(&self) -> Option<&OrgCode> {
        match self {
            Principal::User(user) => user.organisation.as_ref(),
            Principal::Invitation { organisation } => Some(organisation),
        }
    }

    pub fn actor(&self) -> Actor {
        match self {
            Principal::User(user) => Actor::User { id: user.id, email: user.email.clone() },
            Principal::Invitation { organisation } => Actor::Invitation { organisation: organisation.clone() },
        }
    }

    /// May this principal read or change the data of `organisation`? A respondent only its own; staff all.
    pub fn may_touch(&self, organisation: &OrgCode) -> bool {
        self.organisation().is_none_or(|own| own == organisation)
    }
}

/// What a session stands for: a principal signed in, or a staff account between its password and its second factor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SessionState {
    SignedIn(Principal),
    /// The password was right; the account must still give a code from its app (or set one up, if it has none).
    SecondStep(User),
}

/// The rule of a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone, signed in or not.
    Public,
    /// Anyone signed in, in any role.
    SignedIn,
    /// Only these roles.
    Roles(&'static [Role]),
    /// The second step of signing in: only a visitor who gave the right password of an account that needs a second
    /// factor uses it; others are sent to sign in.
    SecondStep,
    /// The data of the organisation named in the route's `{code}`: its own respondents, and these staff roles,
    /// who work for every organisation.
    Organisation(&'static [Role]),
}

impl Access {
    pub const ADMIN: Access = Access::Roles(&[Role::Admin]);
    /// Reading everything: the monitor team, analysts and interviewers.
    pub const STAFF: Access = Access::Roles(&[Role::Admin, Role::Analyst, Role::Interviewer]);

    /// The raw answers of a wave, downloaded: the monitor team and analysts.
    pub const EXPORT: Access = Access::Roles(&[Role::Admin, Role::Analyst]);
    /// Planning support (demand, meetings, their invitations): the monitor team and analysts.
    pub const SUPPORT_PLANNING: Access = Access::Roles(&[Role::Admin, Role::Analyst]);
    /// Reading one organisation's answers: its respondents, and all staff.
    pub const ORGANISATION_READ: Access = Access::Organisation(&[Role::Admin, Role::Analyst, Role::Interviewer]);
    /// Changing one organisation's answers: its respondents, interviewers who enter an interview, and the monitor
    /// team, who correct. Analysts read but do not change.
    pub const ORGANISATION_WRITE: Access = Access::Organisation(&[Role::Admin, Role::Interviewer]);
    /// Recording an interview with one organisation (when, and with whom), before entering its answers:
    /// interviewers, and the monitor team. Respondents answer online and hold no interviews with themselves.
    pub const INTERVIEWS: Access = Access::Roles(&[Role::Admin, Role::Interviewer]);
    /// Writing and editing knowledge-base articles: the monitor team and analysts. An article is the institute's
    /// own text, not survey data, so analysts (who change no answers) write them too.
    pub const ARTICLE_EDITORS: Access = Access::Roles(&[Role::Admin, Role::Analyst]);

    /// The decision for a route; `organisation` is the code in the route's path, for `Access::Organisation`.
    pub fn decide(self, principal: Option<&Principal>, organisation: Option<&str>) -> Decision {
        match (self, principal) {
            (Access::Public, _) => Decision::Allow,
            (_, None) => Decision::SignIn,
            (Access::SignedIn | Access::SecondStep, Some(_)) => Decision::Allow,
            (Access::Roles(roles), Some(principal)) if roles.contains(&principal.role()) => Decision::Allow,
            (Access::Roles(_), Some(_)) => Decision::Forbidden,
            (Access::Organisation(staff), Some(principal)) if staff.contains(&principal.role()) => Decision::Allow,
            (Access::Organisation(_), Some(principal)) => {
                let own = principal.role() == Role::Respondent
                    && principal.organisation().zip(organisation).is_some_and(|(own, asked)| own.as_str().eq_ignore_ascii_case(asked));
                if own { Decision::Allow } else { Decision::Forbidden }
            }
        }
    }
}

impl Access {
    /// The decision for a visitor halfway through signing in: public pages and the second step itself, nothing
    /// else until the second factor is given (or set up).
    pub fn decide_second_step(self) -> Decision {
        match self {
            Access::Public | Access::SecondStep => Decision::Allow,
            _ => Decision::SecondStep,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Allow,
    /// Not signed in: sign in first (401, or a redirect to the sign-in page).
    SignIn,
    /// Signed in, but not allowed (403).
    Forbidden,
    /// The password was given, the second factor not yet: that step first.
    SecondStep,
}

/// Sessions end after this long without a request.
pub const SESSION_IDLE_TIMEOUT: Duration = Duration::from_secs(30 * 60);
/// Sessions end this long after sign-in, however active.
pub const SESSION_ABSOLUTE_TIMEOUT: Duration = Duration::from_secs(8 * 60 * 60);
/// The second step of signing in must follow the password within this time.
pub const SECOND_STEP_TIMEOUT: Duration = Duration::from_secs(10 * 60);
/// How many days an invitation link works, unless it is made for another period.
pub const INVITATION_VALIDITY_DAYS: u32 = 60;

pub fn session_expired(created_at: DateTime<Utc>, last_seen_at: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    older_than(last_seen_at, SESSION_IDLE_TIMEOUT, now) || older_than(created_at, SESSION_ABSOLUTE_TIMEOUT, now)
}

/// A session halfway through signing in ends sooner: the code belongs right after the password.
pub fn second_step_expired(created_at: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    older_than(created_at, SECOND_STEP_TIMEOUT, now)
}

fn older_than(since: DateTime<Utc>, limit: Duration, now: DateTime<Utc>) -> bool {
    (now - since).to_std().is_ok_and(|age| age >= limit)
}

/// A limit on attempts (sign-ins, invitation links) within a sliding window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    pub attempts: usize,
    pub window: Duration,
}

impl RateLimit {
    /// Guessing one account's password from one place. Counted per account *and* address together, so that
    /// nobody can lock an owner out by failing from elsewhere.
    pub const SIGN_IN_PER_ACCOUNT_AND_ADDRESS: RateLimit = RateLimit { attempts: 5, window: Duration::from_secs(15 * 60) };
    /// Trying many accounts (or many passwords spread over accounts) from one place.
    pub const SIGN_IN_PER_ADDRESS: RateLimit = RateLimit { attempts: 20, window: Duration::from_secs(15 * 60) };
    /// Guessing the code of the second step. Only someone who knows the password gets there, so a limit per account
    /// locks out nobody but the guesser, and it holds however many addresses the guesses come from.
    /// Guessing the current password on the page that changes it: only the account's own session gets there.
    pub const PASSWORD_CHANGE_PER_ACCOUNT: RateLimit = RateLimit { attempts: 5, window: Duration::from_secs(15 * 60) };
    pub const SECOND_FACTOR_PER_ACCOUNT: RateLimit = RateLimit { attempts: 5, window: Duration::from_secs(15 * 60) };
    pub const INVITATION_PER_ADDRESS: RateLimit = RateLimit { attempts: 10, window: Duration::from_secs(15 * 60) };

    /// Given the times of the recent failed attempts, how long until another may be tried; `None` if now.
    pub fn retry_after(&self, failures: &[DateTime<Utc>], now: DateTime<Utc>) -> Option<Duration> {
        let window = chrono::Duration::from_std(self.window).ok()?;
        let mut recent: Vec<DateTime<Utc>> = failures.iter().copied().filter(|at| *at > now - window).collect();
        if recent.len() < self.attempts {
            return None;
        }
        recent.sort();
        let frees_at = recent[recent.len() - self.attempts] + window;
        (frees_at - now).to_std().ok().map(|wait| wait.max(Duration::from_secs(1)))
    }

    /// The moment before which attempts no longer count.
    pub fn since(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        now - chrono::Duration::from_std(self.window).unwrap_or_default()
    }
}

/// A random secret for a session cookie or an invitation link, and the hash under which it is stored. Only the
/// hash is kept, so a copy of the database opens no session and no link.
pub struct Secret {
    pub token: String,
    pub hash: String,
}

impl Secret {
    pub fn generate() -> Result<Self, String> {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).map_err(|e| format!("no randomness from the operating system: {e}"))?;
        let token = URL_SAFE_NO_PAD.encode(bytes);
        Ok(Self { hash: hash_token(&token), token })
    }
}

pub fn hash_token(token: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(token.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::account::Email;

    fn user(role: Role, organisation: Option<&str>) -> Principal {
        Principal::User(User {
            id: 1,
            email: Email::parse("x@example.nl").unwrap(),
            role,
            organisation: organisation.map(|c| OrgCode::parse(c).unwrap()),
            disabled: false,
            created_at: Utc::now(),
        })
    }

    #[test]
    fn every_rule_decides_for_every_kind_of_principal() {
        let admin = user(Role::Admin, None);
        let analyst = user(Role::Analyst, None);
        let respondent = user(Role::Respondent, Some("GM0363"));
        assert_eq!(Access::Public.decide(None, None), Decision::Allow);
        assert_eq!(Access::SignedIn.decide(None, None), Decision::SignIn);
        assert_eq!(Access::SignedIn.decide(Some(&respondent), None), Decision::Allow);
        assert_eq!(Access::ADMIN.decide(Some(&admin), None), Decision::Allow);
        assert_eq!(Access::ADMIN.decide(Some(&analyst), None), Decision::Forbidden);
        assert_eq!(Access::STAFF.decide(Some(&analyst), None), Decision::Allow);
        assert_eq!(Access::STAFF.decide(Some(&respondent), None), Decision::Forbidden);
        assert_eq!(Access::ADMIN.decide(None, None), Decision::SignIn);
    }

    #[test]
    fn an_organisation_route_admits_its_own_respondents_and_the_staff_it_names() {
        let amsterdam = user(Role::Respondent, Some("GM0363"));
        let invited = Principal::Invitation { organisation: OrgCode::parse("GM0363").unwrap() };
        let weesp = user(Role::Respondent, Some("GM0457"));
        for read_or_write in [Access::ORGANISATION_READ, Access::ORGANISATION_WRITE] {
            assert_eq!(read_or_write.decide(Some(&amsterdam), Some("GM0363")), Decision::Allow);
            assert_eq!(read_or_write.decide(Some(&invited), Some("gm0363")), Decision::Allow, "codes compare without case");
            assert_eq!(read_or_write.decide(Some(&weesp), Some("GM0363")), Decision::Forbidden);
            assert_eq!(read_or_write.decide(Some(&amsterdam), None), Decision::Forbidden, "no code, no access");
            assert_eq!(read_or_write.decide(None, Some("GM0363")), Decision::SignIn);
            assert_eq!(read_or_write.decide(Some(&user(Role::Admin, None)), Some("GM0363")), Decision::Allow);
            assert_eq!(read_or_write.decide(Some(&user(Role::Interviewer, None)), Some("GM0363")), Decision::Allow);
        }
        assert_eq!(Access::ORGANISATION_READ.decide(Some(&user(Role::Analyst, None)), Some("GM0363")), Decision::Allow);
        assert_eq!(Access::ORGANISATION_WRITE.decide(Some(&user(Role::Analyst, None)), Some("GM0363")), Decision::Forbidden);
    }

    #[test]
    fn interviewers_and_the_monitor_team_record_interviews_and_respondents_do_not() {
        assert_eq!(Access::INTERVIEWS.decide(Some(&user(Role::Interviewer, None)), Some("GM0363")), Decision::Allow);
        assert_eq!(Access::INTERVIEWS.decide(Some(&user(Role::Admin, None)), Some("GM0363")), Decision::Allow);
        assert_eq!(Access::INTERVIEWS.decide(Some(&user(Role::Analyst, None)), Some("GM0363")), Decision::Forbidden);
        let own = user(Role::Respondent, Some("GM0363"));
        assert_eq!(Access::INTERVIEWS.decide(Some(&own), Some("GM0363")), Decision::Forbidden, "not even its own");
        assert_eq!(Access::INTERVIEWS.decide(None, Some("GM0363")), Decision::SignIn);
    }

    #[test]
    fn admins_and_analysts_edit_articles_and_no_one_else() {
        assert_eq!(Access::ARTICLE_EDITORS.decide(Some(&user(Role::Admin, None)), None), Decision::Allow);
        assert_eq!(Access::ARTICLE_EDITORS.decide(Some(&user(Role::Analyst, None)), None), Decision::Allow);
        assert_eq!(Access::ARTICLE_EDITORS.decide(Some(&user(Role::Interviewer, None)), None), Decision::Forbidden);
        assert_eq!(Access::ARTICLE_EDITORS.decide(Some(&user(Role::Respondent, Some("GM0363"))), None), Decision::Forbidden);
        let invited = Principal::Invitation { organisation: OrgCode::parse("GM0363").unwrap() };
        assert_eq!(Access::ARTICLE_EDITORS.decide(Some(&invited), None), Decision::Forbidden);
        assert_eq!(Access::ARTICLE_EDITORS.decide(None, None), Decision::SignIn);
    }

    #[test]
    fn a_respondent_touches_only_its_own_organisation() {
        let amsterdam = OrgCode::parse("GM0363").unwrap();
        let weesp = OrgCode::parse("GM0457").unwrap();
        assert!(user(Role::Respondent, Some("GM0363")).may_touch(&amsterdam));
        assert!(!user(Role::Respondent, Some("GM0363")).may_touch(&weesp));
        assert!(!Principal::Invitation { organisation: weesp.clone() }.may_touch(&amsterdam));
        assert!(user(Role::Analyst, None).may_touch(&weesp));
    }

    #[test]
    fn sessions_end_when_idle_or_old() {
        let now = Utc::now();
        let minutes = |m: i64| chrono::Duration::minutes(m);
        assert!(!session_expired(now - minutes(60), now - minutes(5), now));
        assert!(session_expired(now - minutes(60), now - minutes(30), now), "idle for 30 minutes");
        assert!(session_expired(now - minutes(8 * 60), now, now), "signed in 8 hours ago");
    }

    #[test]
    fn the_limit_counts_recent_failures_and_says_when_to_retry() {
        let now = Utc::now();
        let limit = RateLimit { attempts: 3, window: Duration::from_secs(600) };
        let ago = |s: i64| now - chrono::Duration::seconds(s);
        assert_eq!(limit.retry_after(&[ago(10), ago(20)], now), None);
        assert_eq!(limit.retry_after(&[ago(10), ago(20), ago(700)], now), None, "one is outside the window");
        assert_eq!(limit.retry_after(&[ago(10), ago(20), ago(100)], now), Some(Duration::from_secs(500)));
    }

    #[test]
    fn secrets_are_random_and_stored_as_hashes() {
        let one = Secret::generate().unwrap();
        let two = Secret::generate().unwrap();
        assert_ne!(one.token, two.token);
        assert_eq!(one.token.len(), 43, "256 bits");
        assert_eq!(hash_token(&one.token), one.hash);
        assert_ne!(one.hash, one.token);
    }
}
