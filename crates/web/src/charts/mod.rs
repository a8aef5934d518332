//! Charts drawn on the server as SVG. Every chart is drawn beside a data table with the same figures and a text
//! summary; the SVG itself is decoration for those who can see it (`aria-hidden` on the figure's image, the
//! table and summary carry the content).

pub mod bars;
pub mod map;
