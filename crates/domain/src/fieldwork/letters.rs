//! The Dutch letters of the fieldwork: the invitation and the reminder, and the rule for when a reminder may go.
//!
//! The letters are plain text with one paragraph per line, so that a mail client wraps them to its own width; the link
//! stands alone on its line so that no client breaks it or glues punctuation to it.

use chrono::{DateTime, Datelike, NaiveDate, TimeDelta, Utc};

/// One letter, ready to be put in an envelope.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Letter {
    pub subject: String,
    /// Plain text, Dutch, lines separated by `\n`.
    pub body: String,
}

/// What a letter says about one organisation in one wave.
#[derive(Clone, Copy, Debug)]
pub struct LetterFacts<'a> {
    /// The name as the register has it, e.g. "Amsterdam".
    pub organisation_name: &'a str,
    /// e.g. "Monitor e-overheid bij gemeenten 2011".
    pub wave_title: &'a str,
    /// The personal invitation link of this organisation.
    pub link: &'a str,
    /// The last day on which answers are taken (inclusive), as in the wave's `closes_on`.
    pub closes_on: NaiveDate,
    /// Who signs, e.g. "Het monitorteam".
    pub sender: &'a str,
}

const MONTHS: [&str; 12] =
    ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"];

/// "31 maart 2011". The web crate has its own copy because the domain may not depend on it, and the letters may not
/// depend on the web.
pub fn dutch_date(date: NaiveDate) -> String {
    format!("{} {} {}", date.day(), MONTHS[date.month0() as usize], date.year())
}

/// The first letter to an organisation: what the survey is for and how to answer.
pub fn invitation(facts: &LetterFacts) -> Letter {
    let LetterFacts { organisation_name: name, wave_title: wave, link, closes_on, sender } = *facts;
    let closes = dutch_date(closes_on);
    let body = [
        "Geachte heer/mevrouw,".to_owned(),
        String::new(),
        format!("Graag nodigen wij {name} uit om deel te nemen aan {wave}."),
        String::new(),
        "Met deze monitor brengen wij in beeld hoe ver gemeenten zijn met de invoering van de e-overheid: welke bouwstenen \
         in gebruik zijn, waarvoor gemeenten ondersteuning wensen en op welke terreinen zij samenwerken. De uitkomsten \
         worden gepubliceerd en helpen om de ondersteuning van gemeenten af te stemmen op wat zij nodig hebben. Uw \
         gemeente kan haar eigen uitkomsten daarna vergelijken met die van vergelijkbare gemeenten."
            .to_owned(),
        String::new(),
        "U vult de vragenlijst in via deze persoonlijke link:".to_owned(),
        String::new(),
        link.to_owned(),
        String::new(),
        format!(
            "De link is persoonlijk en hoort bij {name}: wie de link heeft, kan de antwoorden van uw gemeente inzien en \
             wijzigen. Stuur de link daarom niet door buiten uw organisatie. Binnen uw organisatie kunt u hem delen met \
             collega's die het antwoord op een vraag weten."
        ),
        String::new(),
        "U hoeft de vragenlijst niet in één keer in te vullen. Uw antwoorden worden bewaard, zodat u later via dezelfde \
         link verder kunt gaan waar u gebleven was. Als alles is ingevuld, verstuurt u de vragenlijst."
            .to_owned(),
        String::new(),
        format!("U kunt de vragenlijst invullen en versturen tot en met {closes}."),
        String::new(),
        "Hebt u vragen over de monitor of over de vragenlijst? Beantwoord dan deze e-mail.".to_owned(),
        String::new(),
        "Met vriendelijke groet,".to_owned(),
        String::new(),
        sender.to_owned(),
    ];
    Letter { subject: format!("Uitnodiging: {wave} – {name}"), body: lines(&body) }
}

/// A later letter to an organisation that has not yet submitted.
pub fn reminder(facts: &LetterFacts) -> Letter {
    let LetterFacts { organisation_name: name, wave_title: wave, link, closes_on, sender } = *facts;
    let closes = dutch_date(closes_on);
    let body = [
        "Geachte heer/mevrouw,".to_owned(),
        String::new(),
        format!(
            "Enige tijd geleden hebben wij {name} uitgenodigd om deel te nemen aan {wave}. Volgens onze gegevens heeft \
             uw gemeente de vragenlijst nog niet verstuurd. De uitkomsten zijn pas compleet als alle gemeenten meedoen; \
             daarom vragen wij u nogmaals om de vragenlijst in te vullen."
        ),
        String::new(),
        format!("U kunt de vragenlijst nog invullen en versturen tot en met {closes}. U gaat verder via uw persoonlijke link:"),
        String::new(),
        link.to_owned(),
        String::new(),
        "Hebt u al antwoorden ingevuld? Die zijn bewaard: u gaat verder waar u gebleven was. Vergeet niet de \
         vragenlijst aan het eind te versturen."
            .to_owned(),
        String::new(),
        format!("De link is persoonlijk en hoort bij {name}. Stuur de link daarom niet door buiten uw organisatie."),
        String::new(),
        "Hebt u de vragenlijst in de afgelopen dagen al verstuurd? Dan is deze herinnering niet meer nodig en danken wij \
         u voor uw medewerking."
            .to_owned(),
        String::new(),
        "Met vriendelijke groet,".to_owned(),
        String::new(),
        sender.to_owned(),
    ];
    Letter { subject: format!("Herinnering: {wave} – {name}"), body: lines(&body) }
}

/// Whether a reminder may go to an organisation whose last invitation or reminder went at `last_contact`: only when
/// at least `every_days` whole days (of 24 hours) have passed, so that nobody gets two letters in a short time. A
/// contact that lies after `now` (clocks that disagree) counts as recent.
pub fn reminder_due(last_contact: Option<DateTime<Utc>>, now: DateTime<Utc>, every_days: u32) -> bool {
    match last_contact {
        None => true,
        Some(last) => now.signed_duration_since(last) >= TimeDelta::days(i64::from(every_days)),
    }
}

/// How many days must pass between two letters to one organisation before a reminder goes, as the team chooses it
/// when sending: 0 (remind everyone now) up to a year.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReminderInterval(u32);

impl ReminderInterval {
    /// A year: a longer wait would outlast any fieldwork.
    pub const MAX_DAYS: u32 = 365;

    /// The number of days as typed in the field `Dagen`, or a refusal that repeats what was typed.
    pub fn parse(text: &str) -> Result<Self, crate::FormError> {
        let text = text.trim();
        match text.parse::<u32>() {
            Ok(days) if days <= Self::MAX_DAYS => Ok(Self(days)),
            _ => Err(crate::FormError::new("Dagen", format!("‘{text}’ is geen aantal dagen van 0 tot {}", Self::MAX_DAYS))),
        }
    }

    pub fn days(self) -> u32 {
        self.0
    }
}

fn lines(lines: &[String]) -> String {
    let mut body = lines.join("\n");
    body.push('\n');
    body
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reminder_interval_is_a_whole_number_of_days_up_to_a_year() {
        assert_eq!(ReminderInterval::parse(" 14 ").map(ReminderInterval::days), Ok(14));
        assert_eq!(ReminderInterval::parse("0").map(ReminderInterval::days), Ok(0), "everyone now");
        assert_eq!(ReminderInterval::parse("365").map(ReminderInterval::days), Ok(365));
        let refused = ReminderInterval::parse("366").unwrap_err();
        assert_eq!(refused.to_string(), "Dagen: ‘366’ is geen aantal dagen van 0 tot 365");
        for typed in ["-1", "twee", "1.5", ""] {
            assert_eq!(ReminderInterval::parse(typed).unwrap_err().field, "Dagen", "{typed}");
        }
    }

    fn facts() -> LetterFacts<'static> {
        LetterFacts {
            organisation_name: "Súdwest-Fryslân",
            wave_title: "Monitor e-overheid bij gemeenten 2011",
            link: "https://inbeeld.example/uitnodiging/abc123",
            closes_on: NaiveDate::from_ymd_opt(2011, 3, 31).unwrap(),
            sender: "Het monitorteam",
        }
    }

    #[test]
    fn dates_read_in_dutch() {
        assert_eq!(dutch_date(NaiveDate::from_ymd_opt(2011, 3, 31).unwrap()), "31 maart 2011");
        assert_eq!(dutch_date(NaiveDate::from_ymd_opt(2010, 10, 1).unwrap()), "1 oktober 2010");
        assert_eq!(dutch_date(NaiveDate::from_ymd_opt(2026, 1, 9).unwrap()), "9 januari 2026");
        assert_eq!(dutch_date(NaiveDate::from_ymd_opt(2025, 12, 25).unwrap()), "25 december 2025");
    }

    #[test]
    fn the_invitation_names_the_organisation_the_link_and_the_closing_date() {
        let letter = invitation(&facts());
        assert!(letter.subject.starts_with("Uitnodiging"));
        assert!(letter.subject.contains("Súdwest-Fryslân"));
        assert!(letter.subject.contains("Monitor e-overheid bij gemeenten 2011"));
        assert!(letter.body.starts_with("Geachte heer/mevrouw,\n"));
        assert!(letter.body.contains("Súdwest-Fryslân"));
        assert!(letter.body.contains("tot en met 31 maart 2011"));
        assert!(letter.body.contains("niet door buiten uw organisatie"));
        assert!(letter.body.contains("bewaard"));
        assert!(letter.body.ends_with("Het monitorteam\n"));
    }

    #[test]
    fn the_link_stands_alone_on_its_line() {
        for letter in [invitation(&facts()), reminder(&facts())] {
            assert!(letter.body.lines().any(|line| line == "https://inbeeld.example/uitnodiging/abc123"), "{}", letter.body);
        }
    }

    #[test]
    fn the_reminder_says_nothing_was_submitted_and_repeats_the_link() {
        let letter = reminder(&facts());
        assert!(letter.subject.starts_with("Herinnering"));
        assert!(letter.subject.contains("Súdwest-Fryslân"));
        assert!(letter.body.contains("nog niet verstuurd"));
        assert!(letter.body.contains("Súdwest-Fryslân"));
        assert!(letter.body.contains("31 maart 2011"));
        assert!(letter.body.contains("https://inbeeld.example/uitnodiging/abc123"));
        assert!(letter.body.ends_with("Het monitorteam\n"));
    }

    #[test]
    fn invitation_and_reminder_are_told_apart_by_their_subject() {
        assert_ne!(invitation(&facts()).subject, reminder(&facts()).subject);
        assert_ne!(invitation(&facts()).body, reminder(&facts()).body);
    }

    #[test]
    fn a_reminder_is_due_once_the_interval_has_passed() {
        let now = DateTime::parse_from_rfc3339("2011-02-15T09:00:00Z").unwrap().with_timezone(&Utc);
        let days = |d: i64| TimeDelta::days(d);
        assert!(reminder_due(None, now, 7), "never contacted");
        assert!(reminder_due(Some(now - days(7)), now, 7), "exactly seven days ago");
        assert!(!reminder_due(Some(now - days(7) + TimeDelta::seconds(1)), now, 7), "a second short of seven days");
        assert!(!reminder_due(Some(now - days(1)), now, 7));
        assert!(reminder_due(Some(now - days(30)), now, 7));
        assert!(!reminder_due(Some(now + TimeDelta::hours(1)), now, 7), "a contact in the future counts as recent");
        assert!(reminder_due(Some(now), now, 0), "no interval");
    }
}
