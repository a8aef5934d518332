//! The map of municipalities coloured by a figure. (Being written.)
