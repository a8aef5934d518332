//! Pages of a long list: which rows a page holds and how many pages there are, so that a page reads only the rows
//! it shows, whether the list is the register on `/gemeenten` or the API's `/organisaties`.

/// One page of a list: its number (the first is 1) and how many rows a page holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PageRequest {
    number: u64,
    size: u64,
}

/// What is wrong with a page asked for, to be said to the person or program that asked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PagingError {
    /// The page number is not a whole number of at least 1.
    Number(String),
    /// The page size is not a whole number from 1 to the maximum.
    Size { typed: String, max: u64 },
}

impl PageRequest {
    /// Page `number` (1 or more) of `size` rows (1 or more).
    pub fn new(number: u64, size: u64) -> Self {
        Self { number: number.max(1), size: size.max(1) }
    }

    /// Reads a page number and size as typed (either may be absent: page 1, `default_size` rows). A size above
    /// `max_size` is refused rather than lowered, so that a program learns the limit instead of missing rows.
    pub fn parse(number: Option<&str>, size: Option<&str>, default_size: u64, max_size: u64) -> Result<Self, PagingError> {
        let number = match number.map(str::trim).filter(|text| !text.is_empty()) {
            None => 1,
            Some(text) => text.parse::<u64>().ok().filter(|n| *n >= 1).ok_or_else(|| PagingError::Number(text.to_owned()))?,
        };
        let size = match size.map(str::trim).filter(|text| !text.is_empty()) {
            None => default_size,
            Some(text) => text
                .parse::<u64>()
                .ok()
                .filter(|n| (1..=max_size).contains(n))
                .ok_or_else(|| PagingError::Size { typed: text.to_owned(), max: max_size })?,
        };
        Ok(Self::new(number, size))
    }

    pub fn number(self) -> u64 {
        self.number
    }

    pub fn size(self) -> u64 {
        self.size
    }

    /// How many rows come before this page.
    pub fn offset(self) -> u64 {
        (self.number - 1).saturating_mul(self.size)
    }

    /// How many pages `total` rows fill: at least one, since an empty list is shown as one empty page.
    pub fn page_count(self, total: u64) -> u64 {
        total.div_ceil(self.size).max(1)
    }

    /// Whether this page lies beyond the last page of `total` rows.
    pub fn is_beyond(self, total: u64) -> bool {
        self.number > self.page_count(total)
    }

    /// The same size, at page `number`.
    pub fn at(self, number: u64) -> Self {
        Self::new(number, self.size)
    }

    /// The page before this one, if there is one.
    pub fn previous(self) -> Option<Self> {
        (self.number > 1).then(|| self.at(self.number - 1))
    }

    /// The page after this one, if `total` rows fill it.
    pub fn next(self, total: u64) -> Option<Self> {
        (self.number < self.page_count(total)).then(|| self.at(self.number + 1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_knows_its_rows_and_neighbours() {
        let third = PageRequest::new(3, 50);
        assert_eq!(third.offset(), 100);
        assert_eq!(third.page_count(100_000), 2_000);
        assert_eq!(third.page_count(101), 3);
        assert_eq!(third.page_count(0), 1);
        assert_eq!(third.previous(), Some(PageRequest::new(2, 50)));
        assert_eq!(third.next(150), None);
        assert_eq!(third.next(151), Some(PageRequest::new(4, 50)));
        assert_eq!(PageRequest::new(1, 50).previous(), None);
        assert!(PageRequest::new(4, 50).is_beyond(150));
        assert!(!PageRequest::new(1, 50).is_beyond(0));
    }

    #[test]
    fn typed_pages_are_read_or_refused() {
        assert_eq!(PageRequest::parse(None, None, 50, 100), Ok(PageRequest::new(1, 50)));
        assert_eq!(PageRequest::parse(Some(" 7 "), Some("100"), 50, 100), Ok(PageRequest::new(7, 100)));
        assert_eq!(PageRequest::parse(Some("0"), None, 50, 100), Err(PagingError::Number("0".into())));
        assert_eq!(PageRequest::parse(Some("twee"), None, 50, 100), Err(PagingError::Number("twee".into())));
        assert_eq!(PageRequest::parse(None, Some("101"), 50, 100), Err(PagingError::Size { typed: "101".into(), max: 100 }));
        assert_eq!(PageRequest::parse(None, Some("0"), 50, 100), Err(PagingError::Size { typed: "0".into(), max: 100 }));
    }
}
