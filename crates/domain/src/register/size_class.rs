use serde::Serialize;

/// CBS's municipal size class (gemeentegrootteklasse), derived from the number of inhabitants on 1 January.
///
/// CBS publishes eight classes. The labels of classes 4 to 7 were checked against CBS table 82949NED; the
/// bounds of 1 to 3 and 8 follow the same pattern and are marked as inferred in the project's research notes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct SizeClass(u8);

const LOWER_BOUNDS: [u64; 8] = [0, 5_000, 10_000, 20_000, 50_000, 100_000, 150_000, 250_000];

impl SizeClass {
    pub fn all() -> impl Iterator<Item = SizeClass> {
        (1..=8).map(SizeClass)
    }

    pub fn from_population(inhabitants: u64) -> Self {
        let class = LOWER_BOUNDS.iter().rposition(|bound| inhabitants >= *bound).unwrap_or(0);
        SizeClass(class as u8 + 1)
    }

    pub fn from_number(number: u8) -> Option<Self> {
        (1..=8).contains(&number).then_some(SizeClass(number))
    }

    pub fn number(self) -> u8 {
        self.0
    }

    /// The population range `[lower, upper)` of this class; `None` as upper bound for the largest.
    pub fn bounds(self) -> (u64, Option<u64>) {
        let index = usize::from(self.0 - 1);
        (LOWER_BOUNDS[index], LOWER_BOUNDS.get(index + 1).copied())
    }

    /// The Dutch label, as CBS writes it.
    pub fn label(self) -> String {
        let thousands = |n: u64| {
            let text = n.to_string();
            if text.len() > 3 { format!("{} {}", &text[..text.len() - 3], &text[text.len() - 3..]) } else { text }
        };
        match self.bounds() {
            (0, Some(upper)) => format!("minder dan {} inwoners", thousands(upper)),
            (lower, Some(upper)) => format!("{} tot {} inwoners", thousands(lower), thousands(upper)),
            (lower, None) => format!("{} inwoners of meer", thousands(lower)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn class_boundaries_belong_to_the_higher_class() {
        assert_eq!(SizeClass::from_population(0).number(), 1);
        assert_eq!(SizeClass::from_population(4_999).number(), 1);
        assert_eq!(SizeClass::from_population(5_000).number(), 2);
        assert_eq!(SizeClass::from_population(49_999).number(), 4);
        assert_eq!(SizeClass::from_population(50_000).number(), 5);
        assert_eq!(SizeClass::from_population(942_504).number(), 8);
    }

    #[test]
    fn labels_match_cbs() {
        assert_eq!(SizeClass::from_number(4).unwrap().label(), "20 000 tot 50 000 inwoners");
        assert_eq!(SizeClass::from_number(1).unwrap().label(), "minder dan 5 000 inwoners");
        assert_eq!(SizeClass::from_number(8).unwrap().label(), "250 000 inwoners of meer");
        assert!(SizeClass::from_number(9).is_none());
    }
}
