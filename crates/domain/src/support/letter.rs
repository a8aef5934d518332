//! The letter that invites one municipality to a proposed meeting, in Dutch: the topic, the region, the host and
//! who else is invited. Plain text, one paragraph per line, like the fieldwork's letters.

use crate::fieldwork::letters::Letter;

/// What the letter to one invitee says.
#[derive(Clone, Copy, Debug)]
pub struct InvitationFacts<'a> {
    /// The invitee, as the register names it.
    pub organisation_name: &'a str,
    /// The meeting's number in the proposal.
    pub meeting: u32,
    /// The building block's name.
    pub topic: &'a str,
    /// "Utrecht", "binnen 25 km van Amersfoort".
    pub region: &'a str,
    pub host_name: &'a str,
    /// The other invitees' names.
    pub others: &'a [String],
    /// The wave in which the municipality asked for help.
    pub wave_title: &'a str,
    /// Who signs.
    pub sender: &'a str,
}

pub fn meeting_invitation(facts: &InvitationFacts) -> Letter {
    let InvitationFacts { organisation_name: name, meeting, topic, region, host_name: host, others, wave_title: wave, sender } = *facts;
    let place = if host == name {
        format!("Wij stellen voor dat {name} de bijeenkomst ontvangt: van de genodigden ligt {name} voor iedereen samen het dichtst bij.")
    } else {
        format!("De bijeenkomst vindt plaats bij de gemeente {host}, die voor de genodigden samen het dichtst bij ligt.")
    };
    let others = match others {
        [] => "Voor deze bijeenkomst is nog geen andere gemeente uitgenodigd.".to_owned(),
        [one] => format!("Ook {one} is uitgenodigd."),
        [first @ .., last] => format!("Ook uitgenodigd zijn: {} en {last}.", first.join(", ")),
    };
    let body = [
        "Geachte heer/mevrouw,".to_owned(),
        String::new(),
        format!("In {wave} gaf {name} aan ondersteuning nodig te hebben bij de bouwsteen {topic}. Daarom nodigen wij u uit voor een regionale bijeenkomst over {topic} (bijeenkomst {meeting}, regio {region})."),
        String::new(),
        place,
        String::new(),
        others,
        String::new(),
        "In de bijeenkomst wisselen gemeenten die met dezelfde bouwsteen bezig zijn hun ervaringen uit, en lichten deskundigen toe wat er bij de invoering komt kijken. Een datum en tijd volgen in een volgend bericht.".to_owned(),
        String::new(),
        "Wilt u laten weten of uw gemeente komt, en met wie? Beantwoord dan deze e-mail.".to_owned(),
        String::new(),
        "Met vriendelijke groet,".to_owned(),
        String::new(),
        sender.to_owned(),
    ];
    let mut text = body.join("\n");
    text.push('\n');
    Letter { subject: format!("Uitnodiging: regionale bijeenkomst over {topic} – {name}"), body: text }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_letter_names_the_meeting_topic_host_and_the_others() {
        let others = ["Eemnes".to_owned(), "Baarn".to_owned(), "Soest".to_owned()];
        let facts = InvitationFacts {
            organisation_name: "Amersfoort",
            meeting: 4,
            topic: "DigiD",
            region: "Utrecht",
            host_name: "Soest",
            others: &others,
            wave_title: "Eerste meting",
            sender: "Het monitorteam",
        };
        let letter = meeting_invitation(&facts);
        assert_eq!(letter.subject, "Uitnodiging: regionale bijeenkomst over DigiD – Amersfoort");
        assert!(letter.body.contains("bijeenkomst over DigiD (bijeenkomst 4, regio Utrecht)"), "{}", letter.body);
        assert!(letter.body.contains("bij de gemeente Soest"));
        assert!(letter.body.contains("Ook uitgenodigd zijn: Eemnes, Baarn en Soest."));
        let host = meeting_invitation(&InvitationFacts { host_name: "Amersfoort", others: &others[..1], ..facts });
        assert!(host.body.contains("dat Amersfoort de bijeenkomst ontvangt") && host.body.contains("Ook Eemnes is uitgenodigd."));
    }
}
