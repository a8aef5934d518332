//! The meeting planner: it groups the municipalities that asked for help with the same block into meetings, as
//! many as the settings allow, covering as much of the demand as it can. Pure and deterministic: every tie is
//! broken by a stated rule, so the same demand and settings always give the same proposal. `METHOD_NL` says how,
//! in the words the page uses.

use std::cmp::Reverse;
use std::collections::BTreeMap;

use serde::Serialize;

use super::demand::Request;
use super::proposal::Proposal;
use super::settings::{FormFilter, Grouping, MIN_GROUP, Settings, km_nl};
use crate::benchmark::distance_km;
use crate::register::{Centroid, OrgCode};

/// Where a municipality lies, as the register says.
#[derive(Clone, Debug, PartialEq)]
pub struct Location {
    pub province: Option<OrgCode>,
    pub centroid: Option<Centroid>,
}

pub type Locations = BTreeMap<OrgCode, Location>;

/// A proposed meeting: one topic, one region, a host and the invitees (the host among them).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Meeting {
    /// Its number in the proposal, kept when other meetings are dropped.
    pub number: u32,
    /// The building block it is about.
    pub block: String,
    pub region: Region,
    pub host: OrgCode,
    /// By CBS code.
    pub invitees: Vec<Invitee>,
}

impl Meeting {
    pub fn invites(&self, organisation: &OrgCode) -> bool {
        self.invitees.iter().any(|i| &i.organisation == organisation)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "code", rename_all = "snake_case")]
pub enum Region {
    Province(OrgCode),
    /// Within the settings' distance of the host.
    AroundHost,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Invitee {
    pub organisation: OrgCode,
    /// To the host, between the centroids; `None` when either has no centroid.
    pub distance_km: Option<f64>,
}

/// A request the proposal does not cover, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Uncovered {
    pub request: Request,
    pub reason: Reason,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// The register gives the municipality no province (grouping per region).
    NoProvince,
    /// The register gives the municipality no centroid, so no distance (grouping within a distance).
    NoLocation,
    /// No other municipality in its region (or within the distance) asked for help with this block.
    Alone,
    /// The region's meetings went to larger groups.
    MeetingsUsedUp,
    /// The others who asked for this block nearby are in meetings that are full (or whose host is too far).
    OthersPlaced,
    /// The monitor team took it out of a meeting, or dropped the meeting.
    RemovedByTeam,
}

impl Reason {
    pub const ALL: [Reason; 6] =
        [Reason::NoProvince, Reason::NoLocation, Reason::Alone, Reason::MeetingsUsedUp, Reason::OthersPlaced, Reason::RemovedByTeam];

    pub fn code(self) -> &'static str {
        match self {
            Reason::NoProvince => "no_province",
            Reason::NoLocation => "no_location",
            Reason::Alone => "alone",
            Reason::MeetingsUsedUp => "meetings_used_up",
            Reason::OthersPlaced => "others_placed",
            Reason::RemovedByTeam => "removed_by_team",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.code() == code)
    }

    /// Why, in Dutch, for a proposal made with `settings`.
    pub fn explain_nl(self, settings: &Settings) -> String {
        match (self, settings.grouping) {
            (Reason::NoProvince, _) => "het register kent deze gemeente geen provincie toe".to_owned(),
            (Reason::NoLocation, _) => "het register kent van deze gemeente geen middelpunt, dus geen afstand".to_owned(),
            (Reason::Alone, Grouping::PerRegion { .. }) => "de enige in de provincie die hierom vroeg".to_owned(),
            (Reason::Alone, Grouping::WithinDistance { km }) => format!("geen andere gemeente binnen {} km vroeg hierom", km_nl(km)),
            (Reason::MeetingsUsedUp, Grouping::PerRegion { meetings }) => {
                format!("de {meetings} bijeenkomst(en) van de provincie gingen naar grotere groepen")
            }
            (Reason::MeetingsUsedUp, Grouping::WithinDistance { .. }) => "er was geen bijeenkomst meer over".to_owned(),
            (Reason::OthersPlaced, Grouping::PerRegion { .. }) => {
                "de anderen in de provincie die hierom vroegen, zitten in een volle bijeenkomst; voor één gemeente alleen is er geen bijeenkomst"
                    .to_owned()
            }
            (Reason::OthersPlaced, Grouping::WithinDistance { km }) => format!(
                "wie binnen {} km hierom vroeg, zit al in een bijeenkomst die vol is of waarvan de gastgemeente verder weg ligt",
                km_nl(km)
            ),
            (Reason::RemovedByTeam, _) => "door het monitorteam uit een bijeenkomst gehaald".to_owned(),
        }
    }
}

/// Why no proposal can be made.
#[derive(Clone, Copy, Debug, PartialEq, thiserror::Error)]
pub enum PlanError {
    #[error("{}", no_demand(.0))]
    NoDemand(FormFilter),
    #[error("{}", no_meeting(.0))]
    NoMeetingPossible(Grouping),
    /// Settings made in code rather than parsed from the form can ask for groups too small to meet.
    #[error("Groepsgrootte: een bijeenkomst brengt minstens {} gemeenten samen (de groepsgrootte is {}).", MIN_GROUP, .0)]
    GroupTooSmall(u32),
}

fn no_demand(form: &FormFilter) -> String {
    match *form {
        FormFilter::Any => "Geen enkele gemeente vroeg in deze meting om ondersteuning, dus er valt niets te plannen.".to_owned(),
        FormFilter::Form(form) => format!(
            "Geen enkele gemeente vroeg in deze meting om ondersteuning in de vorm ‘{}’. Kies een andere vorm of ‘alle vormen’.",
            form.label_nl()
        ),
    }
}

fn no_meeting(grouping: &Grouping) -> String {
    match *grouping {
        Grouping::PerRegion { .. } => {
            "Met deze instellingen is geen bijeenkomst mogelijk: in geen enkele provincie vroegen twee gemeenten \
             om hulp bij dezelfde bouwsteen. Kies ‘binnen een afstand’ of een andere vorm."
                .to_owned()
        }
        Grouping::WithinDistance { km } => format!(
            "Met deze instellingen is geen bijeenkomst mogelijk: geen twee gemeenten die om hulp bij dezelfde bouwsteen vroegen, \
             liggen binnen {} km van elkaar. Kies een grotere afstand.",
            km_nl(km)
        ),
    }
}

/// How the planner works, in the words the page shows.
pub const METHOD_NL: [&str; 5] = [
    "Wat telt: een aanvraag is één gemeente die voor één bouwsteen aangaf ondersteuning nodig te hebben (en, als u een vorm kiest, \
     om die vorm vroeg). Het voorstel dekt zoveel mogelijk aanvragen: elke gedekte aanvraag is één genodigde in een bijeenkomst over \
     die bouwsteen. Een bijeenkomst heeft één onderwerp, minstens 2 en hoogstens het ingestelde aantal gemeenten, en niemand staat \
     twee keer op een lijst.",
    "Per provincie: elke provincie krijgt hoogstens het ingestelde aantal bijeenkomsten. Ze gaan één voor één naar de bouwsteen \
     waar de volgende bijeenkomst de meeste aanvragen dekt; bij gelijke aantallen eerst de bouwsteen met de meeste aanvragen in de \
     provincie, dan de volgorde van de catalogus. Omdat een volgende bijeenkomst over dezelfde bouwsteen nooit meer dekt dan de \
     vorige, is het aantal gedekte aanvragen zo het grootst mogelijke. Wie samen in een groep komt, wordt gekozen door steeds de \
     gemeente te nemen met de kleinste totale reisafstand naar de dichtstbijzijnde andere aanvragers; zijn er meer aanvragers dan \
     plaatsen, dan blijven de verst gelegen over.",
    "Binnen een afstand: elke genodigde ligt binnen de ingestelde afstand (hemelsbreed, tussen de middelpunten van de gemeenten) van \
     de gastgemeente, en er komen zoveel bijeenkomsten als nodig. Het voorstel kiest steeds de bijeenkomst die de meeste nog niet \
     gedekte aanvragen dekt: rond elke aanvrager de dichtstbijzijnde aanvragers binnen de afstand. Bij gelijke aantallen gaat die \
     met de kleinste totale reisafstand voor, dan de volgorde van de catalogus, dan de laagste CBS-code. Dat gaat door tot geen \
     bijeenkomst van minstens 2 gemeenten meer mogelijk is. Deze gretige werkwijze dekt veel, maar niet gegarandeerd het grootst \
     mogelijke aantal.",
    "Gastgemeente: de genodigde met de kleinste totale reisafstand naar de andere genodigden (binnen een afstand alleen een \
     genodigde van wie iedereen binnen die afstand ligt); bij gelijke afstand de laagste CBS-code. Een gemeente zonder bekend \
     middelpunt telt als ver weg.",
    "Wat niet gedekt is, staat onder ‘Niet gedekt’ met de reden: de enige aanvrager in de regio, de bijeenkomsten van de provincie \
     gingen naar grotere groepen, de anderen zitten al in een volle bijeenkomst, of het register kent geen provincie of middelpunt.",
];

/// A proposal of meetings for `requests` (a request twice counts once), with `blocks` the wave's catalogue in its
/// order. Refused when there are no requests, or when not even one meeting of two is possible.
pub fn plan(requests: &[Request], locations: &Locations, blocks: &[String], settings: &Settings) -> Result<Proposal, PlanError> {
    if (settings.group_size as usize) < MIN_GROUP {
        return Err(PlanError::GroupTooSmall(settings.group_size));
    }
    let mut requests = requests.to_vec();
    requests.sort();
    requests.dedup();
    if requests.is_empty() {
        return Err(PlanError::NoDemand(settings.form));
    }
    let size = settings.group_size as usize;
    let order = |block: &str| blocks.iter().position(|b| b == block).unwrap_or(blocks.len());
    let (groups, mut uncovered) = match settings.grouping {
        Grouping::PerRegion { meetings } => per_region(&requests, locations, &order, meetings as usize, size),
        Grouping::WithinDistance { km } => within_distance(&requests, locations, &order, km, size),
    };
    if groups.is_empty() {
        return Err(PlanError::NoMeetingPossible(settings.grouping));
    }
    let max_km = match settings.grouping {
        Grouping::WithinDistance { km } => Some(km),
        Grouping::PerRegion { .. } => None,
    };
    let meetings = groups
        .into_iter()
        .zip(1..)
        .filter_map(|(group, number)| Meeting::gathered(number, group.block, group.region, &group.members, locations, max_km))
        .collect();
    sort_uncovered(&mut uncovered);
    Ok(Proposal { settings: *settings, meetings, uncovered })
}

impl Meeting {
    /// A meeting of `members`, with its host chosen and every invitee's distance to it.
    pub(crate) fn gathered(
        number: u32,
        block: String,
        region: Region,
        members: &[OrgCode],
        locations: &Locations,
        max_km: Option<f64>,
    ) -> Option<Meeting> {
        let mut members = members.to_vec();
        members.sort();
        members.dedup();
        let host = choose_host(&members, locations, max_km)?;
        let invitees = members
            .into_iter()
            .map(|organisation| Invitee { distance_km: known_km(&organisation, &host, locations), organisation })
            .collect();
        Some(Meeting { number, block, region, host, invitees })
    }
}

/// The order in which uncovered requests are kept: by block code, then municipality.
pub(crate) fn sort_uncovered(uncovered: &mut [Uncovered]) {
    uncovered.sort_by(|a, b| (&a.request.block, &a.request.organisation).cmp(&(&b.request.block, &b.request.organisation)));
}

/// A group the planner formed, before its host is chosen.
struct Group {
    block: String,
    region: Region,
    members: Vec<OrgCode>,
}

/// A municipality without a centroid counts as this far from every other: never nearer than one with a centroid,
/// so it is neither a host nor a reason to choose one, and the order among equals stays by code.
const UNKNOWN_KM: f64 = 100_000.0;

fn known_km(a: &OrgCode, b: &OrgCode, locations: &Locations) -> Option<f64> {
    if a == b {
        return Some(0.0);
    }
    let centroid = |code: &OrgCode| locations.get(code).and_then(|l| l.centroid);
    Some(distance_km(centroid(a)?, centroid(b)?))
}

fn km(a: &OrgCode, b: &OrgCode, locations: &Locations) -> f64 {
    known_km(a, b, locations).unwrap_or(UNKNOWN_KM)
}

/// The member with the smallest total distance to the others; with `max_km`, among the members that have every
/// other within it when there is one. Ties go to the lowest code. `None` only without members.
pub(crate) fn choose_host(members: &[OrgCode], locations: &Locations, max_km: Option<f64>) -> Option<OrgCode> {
    members
        .iter()
        .map(|candidate| {
            let distances: Vec<f64> = members.iter().map(|other| km(candidate, other, locations)).collect();
            let outside = max_km.is_some_and(|limit| distances.iter().any(|d| *d > limit));
            (outside, distances.iter().sum::<f64>(), candidate)
        })
        .min_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)).then(a.2.cmp(b.2)))
        .map(|(_, _, code)| code.clone())
}

/// Per province, at most `meetings` meetings. Within a province the requests for different blocks never share a
/// meeting, so a block's k-th meeting covers min(size, what is left) and that never grows with k: taking the
/// largest next meeting first, `meetings` times, gives the most covered requests possible.
fn per_region(
    requests: &[Request],
    locations: &Locations,
    order: &dyn Fn(&str) -> usize,
    meetings: usize,
    size: usize,
) -> (Vec<Group>, Vec<Uncovered>) {
    let mut uncovered = Vec::new();
    let mut pools: BTreeMap<OrgCode, BTreeMap<(usize, String), Vec<OrgCode>>> = BTreeMap::new();
    for request in requests {
        match locations.get(&request.organisation).and_then(|l| l.province.as_ref()) {
            Some(province) => pools
                .entry(province.clone())
                .or_default()
                .entry((order(&request.block), request.block.clone()))
                .or_default()
                .push(request.organisation.clone()),
            None => uncovered.push(Uncovered { request: request.clone(), reason: Reason::NoProvince }),
        }
    }
    let mut groups = Vec::new();
    for (province, by_block) in pools {
        // Every meeting this province could hold: (covers, the block's requests, the block's place, the k-th).
        let mut possible: Vec<(usize, usize, usize, usize)> = Vec::new();
        for (index, ((place, _), pool)) in by_block.iter().enumerate() {
            let demand = pool.len();
            // k meetings of at least MIN_GROUP each need k * MIN_GROUP requests.
            for k in (1..).take_while(|k| k * MIN_GROUP <= demand && (k - 1) * size < demand) {
                possible.push((size.min(demand - (k - 1) * size), demand, *place, index));
            }
        }
        possible.sort_by_key(|(covers, demand, place, _)| (Reverse(*covers), Reverse(*demand), *place));
        let mut held = vec![0usize; by_block.len()];
        for (_, _, _, index) in possible.into_iter().take(meetings) {
            held[index] += 1;
        }
        for (((_, block), pool), held) in by_block.into_iter().zip(held) {
            let demand = pool.len();
            let sizes = if held * size >= demand { balanced(demand, held) } else { vec![size; held] };
            let formed = compact_groups(&pool, &sizes, locations);
            let placed: Vec<&OrgCode> = formed.iter().flatten().collect();
            let reason = if demand < MIN_GROUP {
                Reason::Alone
            } else if (held + 1) * MIN_GROUP <= demand {
                Reason::MeetingsUsedUp
            } else {
                Reason::OthersPlaced
            };
            for organisation in pool.iter().filter(|o| !placed.contains(o)) {
                uncovered.push(Uncovered { request: Request { organisation: organisation.clone(), block: block.clone() }, reason });
            }
            for members in formed {
                groups.push(Group { block: block.clone(), region: Region::Province(province.clone()), members });
            }
        }
    }
    (groups, uncovered)
}

/// `total` split into `parts` sizes that differ by at most one, the larger first.
fn balanced(total: usize, parts: usize) -> Vec<usize> {
    if parts == 0 {
        return Vec::new();
    }
    (0..parts).map(|i| total / parts + usize::from(i < total % parts)).collect()
}

/// Groups of the given sizes from `pool`, each formed around the member with the smallest total distance to its
/// nearest others (ties: nearer first, then the lower code).
fn compact_groups(pool: &[OrgCode], sizes: &[usize], locations: &Locations) -> Vec<Vec<OrgCode>> {
    let mut remaining: Vec<OrgCode> = pool.to_vec();
    remaining.sort();
    let mut groups = Vec::new();
    for &wanted in sizes {
        if remaining.len() <= wanted {
            groups.push(std::mem::take(&mut remaining));
            continue;
        }
        let best = remaining
            .iter()
            .map(|centre| {
                let mut others: Vec<(f64, &OrgCode)> =
                    remaining.iter().filter(|o| *o != centre).map(|o| (km(centre, o, locations), o)).collect();
                others.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(b.1)));
                others.truncate(wanted - 1);
                let total: f64 = others.iter().map(|(d, _)| d).sum();
                let members: Vec<OrgCode> = std::iter::once(centre).chain(others.into_iter().map(|(_, o)| o)).cloned().collect();
                (total, centre.clone(), members)
            })
            .min_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        let Some((_, _, mut members)) = best else { break };
        members.sort();
        remaining.retain(|o| !members.contains(o));
        groups.push(members);
    }
    groups
}

/// One block's located requesters in the distance mode, with their distances and who is still uncovered.
struct Pool {
    block: String,
    place: usize,
    members: Vec<OrgCode>,
    distances: Vec<Vec<f64>>,
    open: Vec<bool>,
}

/// The best meeting a pool can still hold: (how many it covers, its total distance, the centre, the members).
type Candidate = (usize, f64, usize, Vec<usize>);

impl Pool {
    fn best(&self, km: f64, size: usize) -> Option<Candidate> {
        (0..self.members.len())
            .filter(|centre| self.open[*centre])
            .filter_map(|centre| {
                let mut near: Vec<usize> = (0..self.members.len())
                    .filter(|other| *other != centre && self.open[*other] && self.distances[centre][*other] <= km)
                    .collect();
                near.sort_by(|a, b| self.distances[centre][*a].total_cmp(&self.distances[centre][*b]).then(a.cmp(b)));
                near.truncate(size - 1);
                (near.len() + 1 >= MIN_GROUP).then(|| {
                    let total = near.iter().map(|other| self.distances[centre][*other]).sum();
                    (near.len() + 1, total, centre, std::iter::once(centre).chain(near).collect())
                })
            })
            .min_by(|a: &Candidate, b: &Candidate| b.0.cmp(&a.0).then(a.1.total_cmp(&b.1)).then(a.2.cmp(&b.2)))
    }
}

/// Meetings around a host within `km`, as many as needed: greedily the one that covers most (see `METHOD_NL`).
fn within_distance(
    requests: &[Request],
    locations: &Locations,
    order: &dyn Fn(&str) -> usize,
    km: f64,
    size: usize,
) -> (Vec<Group>, Vec<Uncovered>) {
    let mut uncovered = Vec::new();
    let mut by_block: BTreeMap<(usize, String), Vec<(OrgCode, Centroid)>> = BTreeMap::new();
    for request in requests {
        match locations.get(&request.organisation).and_then(|l| l.centroid) {
            Some(centroid) => {
                by_block.entry((order(&request.block), request.block.clone())).or_default().push((request.organisation.clone(), centroid))
            }
            None => uncovered.push(Uncovered { request: request.clone(), reason: Reason::NoLocation }),
        }
    }
    let mut pools: Vec<Pool> = by_block
        .into_iter()
        .map(|((place, block), mut located)| {
            located.sort_by(|a, b| a.0.cmp(&b.0));
            let distances = located.iter().map(|(_, a)| located.iter().map(|(_, b)| distance_km(*a, *b)).collect()).collect();
            let open = vec![true; located.len()];
            Pool { block, place, members: located.into_iter().map(|(code, _)| code).collect(), distances, open }
        })
        .collect();
    let mut best: Vec<Option<Candidate>> = pools.iter().map(|pool| pool.best(km, size)).collect();
    let mut groups = Vec::new();
    loop {
        let chosen = best
            .iter()
            .enumerate()
            .filter_map(|(index, candidate)| candidate.as_ref().map(|c| (index, c)))
            .min_by(|(i, a), (j, b)| {
                b.0.cmp(&a.0)
                    .then(a.1.total_cmp(&b.1))
                    .then(pools[*i].place.cmp(&pools[*j].place))
                    .then(pools[*i].members[a.2].cmp(&pools[*j].members[b.2]))
            })
            .map(|(index, _)| index);
        let Some(index) = chosen else { break };
        let Some((_, _, _, members)) = best[index].take() else { break };
        let pool = &mut pools[index];
        for member in &members {
            pool.open[*member] = false;
        }
        groups.push(Group {
            block: pool.block.clone(),
            region: Region::AroundHost,
            members: members.iter().map(|m| pool.members[*m].clone()).collect(),
        });
        best[index] = pool.best(km, size);
    }
    for pool in pools {
        for (index, organisation) in pool.members.iter().enumerate().filter(|(index, _)| pool.open[*index]) {
            let has_neighbour = (0..pool.members.len()).any(|other| other != index && pool.distances[index][other] <= km);
            let reason = if has_neighbour { Reason::OthersPlaced } else { Reason::Alone };
            uncovered.push(Uncovered { request: Request { organisation: organisation.clone(), block: pool.block.clone() }, reason });
        }
    }
    (groups, uncovered)
}
