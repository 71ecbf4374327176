//! The canvas (egui) and the reports (SVG) draw links from the same rules:
//! until the canvas's painters call `archsim::visual`'s geometry
//! themselves, this keeps the two from drifting apart.
#![cfg(feature = "gui")]

use archsim::app::canvas::paint;
use archsim::visual::{self, NodeShape};
use egui::pos2;

const SHAPES: [NodeShape; 4] = [
    NodeShape::RoundedBox,
    NodeShape::Queue,
    NodeShape::Cylinder,
    NodeShape::Person,
];

#[test]
fn links_start_and_end_at_the_same_points() {
    let places = [(0.0, 0.0), (300.0, 40.0), (-120.0, 260.0), (10.0, 5.0)];
    for a in places {
        for b in places {
            for (sa, sb) in SHAPES.iter().zip(SHAPES.iter().rev()) {
                for offset in [0.0, 16.0, 32.0] {
                    let canvas =
                        paint::link_ends((pos2(a.0, a.1), *sa), (pos2(b.0, b.1), *sb), offset)
                            .map(|(p, q)| ((p.x, p.y), (q.x, q.y)));
                    let report = visual::link_ends((a, *sa), (b, *sb), offset);
                    match (canvas, report) {
                        (None, None) => {}
                        (Some(c), Some(r)) => {
                            let close =
                                |x: (f32, f32), y: (f32, f32)| visual::distance(x, y) < 1e-3;
                            assert!(close(c.0, r.0) && close(c.1, r.1), "{c:?} vs {r:?}");
                        }
                        other => panic!("{a:?} -> {b:?}: {other:?}"),
                    }
                }
            }
        }
    }
}

#[test]
fn self_loops_are_the_same_arc() {
    for shape in SHAPES {
        let canvas: Vec<(f32, f32)> = paint::self_loop(pos2(5.0, 7.0), shape)
            .into_iter()
            .map(|p| (p.x, p.y))
            .collect();
        let report = visual::self_loop((5.0, 7.0), shape);
        assert_eq!(canvas.len(), report.len());
        for (c, r) in canvas.iter().zip(&report) {
            assert!(visual::distance(*c, *r) < 1e-3, "{c:?} vs {r:?}");
        }
    }
}
