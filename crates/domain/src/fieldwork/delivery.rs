//! How a wave's letters are delivered over time: at the pace a mail relay accepts, and, when a server refuses for the
//! time being, tried again later on a schedule that waits longer each time.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

/// After this many letters in a row that the mail server refused for the time being (or could not be reached for),
/// the server is taken to be down and the job pauses instead of trying every municipality in turn. One failure
/// alone may be about one recipient (a server that answers "try again later" to a greylisted address).
pub const PAUSE_AFTER_FAILURES_IN_A_ROW: usize = 3;

/// No wait between tries is longer than this: a relay that is back should not wait half a day for us.
const LONGEST_WAIT: Duration = Duration::from_secs(60 * 60);

/// How many letters a minute the mail relay accepts from us. Relays limit senders (a few dozen a minute is common
/// for an organisation's own relay); going faster gets letters refused for the time being, or the sender blocked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pace {
    per_minute: u32,
}

impl Pace {
    pub const MAX_PER_MINUTE: u32 = 60_000;
    /// One a second: 342 municipalities in under six minutes, and within what most relays allow.
    pub const DEFAULT: Pace = Pace { per_minute: 60 };
    /// For a way out without a relay: an outbox folder.
    pub const FASTEST: Pace = Pace { per_minute: Self::MAX_PER_MINUTE };

    pub fn per_minute(per_minute: u32) -> Result<Pace, String> {
        if (1..=Self::MAX_PER_MINUTE).contains(&per_minute) {
            Ok(Pace { per_minute })
        } else {
            Err(format!("{per_minute} letters per minute: choose from 1 to {}", Self::MAX_PER_MINUTE))
        }
    }

    /// The time between the starts of two letters.
    pub fn interval(self) -> Duration {
        Duration::from_micros(60_000_000 / u64::from(self.per_minute))
    }
}

impl FromStr for Pace {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let number = text.trim().parse::<u32>().map_err(|_| format!("'{text}' is not a number of letters per minute"))?;
        Pace::per_minute(number)
    }
}

impl fmt::Display for Pace {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} per minute", self.per_minute)
    }
}

/// When a letter that was not accepted for the time being is tried again, and when a job whose mail server seems
/// down resumes: after `first`, then twice as long each time, never longer than an hour; a letter is tried at most
/// `tries` times.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetrySchedule {
    first: Duration,
    tries: u32,
}

impl RetrySchedule {
    /// Eight tries: a letter is given up after about two hours of refusals.
    pub const DEFAULT_TRIES: u32 = 8;
    /// A minute, then 2, 4, 8, 16, 32 minutes and an hour.
    pub const DEFAULT: RetrySchedule = RetrySchedule { first: Duration::from_secs(60), tries: Self::DEFAULT_TRIES };

    pub fn new(first: Duration, tries: u32) -> RetrySchedule {
        RetrySchedule { first, tries: tries.max(1) }
    }

    /// How long to wait before the next try of a letter that has been tried `tries_made` times without being
    /// accepted; `None` when it has had all its tries.
    pub fn after(&self, tries_made: u32) -> Option<Duration> {
        (tries_made < self.tries).then(|| self.wait(tries_made.saturating_sub(1)))
    }

    /// How long a job pauses when its mail server seems down, after `pauses` earlier pauses.
    pub fn pause(&self, pauses: u32) -> Duration {
        self.wait(pauses)
    }

    fn wait(&self, doublings: u32) -> Duration {
        let factor = 2u32.checked_pow(doublings).unwrap_or(u32::MAX);
        self.first.checked_mul(factor).map_or(LONGEST_WAIT, |wait| wait.min(LONGEST_WAIT))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pace_spaces_the_letters() {
        assert_eq!(Pace::DEFAULT.interval(), Duration::from_secs(1));
        assert_eq!("600".parse::<Pace>().map(Pace::interval), Ok(Duration::from_millis(100)));
        assert!("0".parse::<Pace>().unwrap_err().contains("from 1 to 60000"));
        assert!("snel".parse::<Pace>().unwrap_err().contains("'snel' is not a number"));
    }

    #[test]
    fn each_wait_is_twice_the_last_up_to_an_hour() {
        let schedule = RetrySchedule::DEFAULT;
        let minutes = |tries: u32| schedule.after(tries).map(|wait| wait.as_secs() / 60);
        assert_eq!((1..=8).map(minutes).collect::<Vec<_>>(), [Some(1), Some(2), Some(4), Some(8), Some(16), Some(32), Some(60), None]);
        assert_eq!(schedule.pause(0), Duration::from_secs(60));
        assert_eq!(schedule.pause(40), LONGEST_WAIT, "no overflow, however often it paused");
        assert_eq!(RetrySchedule::new(Duration::from_secs(1), 0).after(1), None, "one try at least, and no more");
    }
}
