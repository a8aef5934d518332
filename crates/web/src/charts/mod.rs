//! Charts drawn on the server as SVG. Every chart stands beside a data table with the same figures and a text
//! summary. Bars repeat their table and are hidden from assistive technology (`aria-hidden`); the map is an image
//! labelled with what it shows, whose areas are titled with their name and figure.

pub mod bars;
pub mod map;
pub mod network;
