//! Laying longitude/latitude out on a flat drawing.

use super::Position;

/// The smallest box around a set of positions, in degrees.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Extent {
    pub west: f64,
    pub south: f64,
    pub east: f64,
    pub north: f64,
}

impl Extent {
    /// `None` for no positions.
    pub fn of(positions: impl IntoIterator<Item = Position>) -> Option<Extent> {
        positions.into_iter().fold(None, |extent, [lon, lat]| {
            Some(match extent {
                None => Extent { west: lon, south: lat, east: lon, north: lat },
                Some(e) => Extent { west: e.west.min(lon), south: e.south.min(lat), east: e.east.max(lon), north: e.north.max(lat) },
            })
        })
    }
}

/// An equirectangular projection with longitude shortened by the cosine of the middle latitude, fitted into a
/// drawing. Over one country that is close to the maps people know, and it needs no library: at 52° north a
/// degree of longitude is 0.62 of a degree of latitude, which is the squeeze this undoes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Projection {
    west: f64,
    north: f64,
    /// Drawing units per degree of latitude.
    scale: f64,
    /// cos(middle latitude): drawing units per degree of longitude are `scale * stretch`.
    stretch: f64,
    left: f64,
    top: f64,
}

impl Projection {
    /// Fits `extent` into `width` × `height` with `margin` on every side, keeping its shape and centring it. A box
    /// of no size (one point) lands in the middle.
    pub fn fit(extent: Extent, width: f64, height: f64, margin: f64) -> Projection {
        let middle = (extent.south + extent.north) / 2.0;
        // Never 0, so that a box touching a pole still has a width.
        let stretch = middle.to_radians().cos().max(0.01);
        let (span_x, span_y) = ((extent.east - extent.west) * stretch, extent.north - extent.south);
        let (room_x, room_y) = ((width - 2.0 * margin).max(0.0), (height - 2.0 * margin).max(0.0));
        let fits = [(span_x, room_x), (span_y, room_y)].into_iter().filter(|(span, _)| *span > 0.0).map(|(span, room)| room / span);
        let scale = fits.fold(None, |smallest: Option<f64>, scale| Some(smallest.map_or(scale, |s| s.min(scale)))).unwrap_or(1.0);
        Projection {
            west: extent.west,
            north: extent.north,
            scale,
            stretch,
            left: margin + (room_x - span_x * scale) / 2.0,
            top: margin + (room_y - span_y * scale) / 2.0,
        }
    }

    /// Drawing coordinates: x to the right, y downwards (north at the top).
    pub fn project(&self, [lon, lat]: Position) -> [f64; 2] {
        [self.left + (lon - self.west) * self.stretch * self.scale, self.top + (self.north - lat) * self.scale]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: [f64; 2], b: [f64; 2]) -> bool {
        (a[0] - b[0]).abs() < 1e-9 && (a[1] - b[1]).abs() < 1e-9
    }

    #[test]
    fn at_sixty_degrees_a_degree_of_longitude_is_half_a_degree_of_latitude() {
        // cos 60° = 0.5: four degrees of longitude are as wide as two of latitude are high.
        let extent = Extent::of([[0.0, 59.0], [4.0, 61.0]]).unwrap();
        let projection = Projection::fit(extent, 100.0, 100.0, 0.0);
        assert!(close(projection.project([0.0, 61.0]), [0.0, 0.0]));
        assert!(close(projection.project([4.0, 59.0]), [100.0, 100.0]));
        assert!(close(projection.project([2.0, 60.0]), [50.0, 50.0]));
    }

    #[test]
    fn the_shape_is_kept_and_centred_in_a_box_of_another_shape() {
        // Two degrees wide at the equator, one high: in 100 × 100 with margin 10 it is 80 wide and 40 high.
        let projection = Projection::fit(Extent { west: 0.0, south: -0.5, east: 2.0, north: 0.5 }, 100.0, 100.0, 10.0);
        assert!(close(projection.project([0.0, 0.5]), [10.0, 30.0]));
        assert!(close(projection.project([2.0, -0.5]), [90.0, 70.0]));
    }

    #[test]
    fn a_single_point_lands_in_the_middle() {
        let projection = Projection::fit(Extent::of([[5.0, 52.0]]).unwrap(), 600.0, 700.0, 10.0);
        assert!(close(projection.project([5.0, 52.0]), [300.0, 350.0]));
        assert_eq!(Extent::of([]), None);
    }
}
