//! Message glyphs as one triangle mesh.
//!
//! Thousands of messages move every frame. Drawn as egui shapes, each
//! would be tessellated on its own; here every glyph goes straight into a
//! single [`Mesh`] of a few dozen vertices, with a one-pixel feathered edge
//! (the anti-aliasing egui's tessellator would add) and a ring in the
//! canvas colour that sets it off from the line under it.

use egui::epaint::{Mesh, Shape};
use egui::{Color32, Pos2, Vec2, pos2, vec2};

use crate::visual::GlyphShape;

/// Width of the ring in the canvas colour around every glyph, points.
const HALO: f32 = 1.5;

/// Corners of a dot: enough to look round at glyph size.
const DOT_CORNERS: usize = 10;

/// Builds the mesh of one frame's glyphs.
pub struct GlyphMesh {
    mesh: Mesh,
    /// Width of the anti-aliasing fringe, points (one physical pixel).
    feather: f32,
    glyphs: usize,
}

impl GlyphMesh {
    /// An empty mesh for a screen of `pixels_per_point`.
    pub fn new(pixels_per_point: f32) -> Self {
        Self {
            mesh: Mesh::default(),
            feather: 1.0 / pixels_per_point.max(0.1),
            glyphs: 0,
        }
    }

    /// Glyphs added so far.
    pub fn len(&self) -> usize {
        self.glyphs
    }

    /// Whether no glyph was added.
    pub fn is_empty(&self) -> bool {
        self.glyphs == 0
    }

    /// Adds a glyph of `shape` centred at `center` (screen), `radius`
    /// points, travelling in direction `dir` (a unit vector), in `color`,
    /// ringed with `halo`.
    pub fn glyph(
        &mut self,
        shape: GlyphShape,
        center: Pos2,
        dir: Vec2,
        radius: f32,
        color: Color32,
        halo: Color32,
    ) {
        self.glyphs += 1;
        let across = vec2(-dir.y, dir.x);
        match shape {
            GlyphShape::Dot => {
                self.disc(center, radius + HALO, halo);
                self.disc(center, radius, color);
            }
            GlyphShape::Ring => {
                self.disc(center, radius + HALO, halo);
                self.disc(center, radius, color);
                self.disc(center, radius * 0.5, halo);
            }
            GlyphShape::Diamond => {
                let corners = |r: f32| {
                    [
                        center + dir * r * 1.25,
                        center + across * r,
                        center - dir * r * 1.25,
                        center - across * r,
                    ]
                };
                self.convex(&corners(radius + HALO), halo);
                self.convex(&corners(radius), color);
            }
            GlyphShape::Arrow => {
                let corners = |r: f32| {
                    [
                        center + dir * r * 1.3,
                        center - dir * r * 0.8 + across * r,
                        center - dir * r * 0.8 - across * r,
                    ]
                };
                self.convex(&corners(radius + HALO * 1.6), halo);
                self.convex(&corners(radius), color);
            }
            GlyphShape::Cross => {
                let diagonal = |d: Vec2, r: f32, w: f32| {
                    let side = vec2(-d.y, d.x) * w;
                    [
                        center - d * r - side,
                        center - d * r + side,
                        center + d * r + side,
                        center + d * r - side,
                    ]
                };
                let d1 = vec2(1.0, 1.0).normalized();
                let d2 = vec2(1.0, -1.0).normalized();
                let (r, w) = (radius * 1.2, radius * 0.38);
                for d in [d1, d2] {
                    self.convex(&diagonal(d, r + HALO, w + HALO), halo);
                }
                for d in [d1, d2] {
                    self.convex(&diagonal(d, r, w), color);
                }
            }
        }
    }

    /// The mesh as one shape.
    pub fn into_shape(self) -> Shape {
        Shape::mesh(self.mesh)
    }

    fn disc(&mut self, center: Pos2, radius: f32, color: Color32) {
        let corners: [Pos2; DOT_CORNERS] = std::array::from_fn(|i| {
            let a = std::f32::consts::TAU * i as f32 / DOT_CORNERS as f32;
            pos2(center.x + radius * a.cos(), center.y + radius * a.sin())
        });
        self.convex(&corners, color);
    }

    /// A convex polygon, filled, with a feathered edge: an opaque inner
    /// polygon half a fringe inside the outline, a transparent one half a
    /// fringe outside.
    fn convex(&mut self, corners: &[Pos2], color: Color32) {
        let n = corners.len() as u32;
        if n < 3 || color.a() == 0 {
            return;
        }
        let centroid = corners.iter().fold(Vec2::ZERO, |s, p| s + p.to_vec2()) / n as f32;
        let base = self.mesh.vertices.len() as u32;
        let half = self.feather * 0.5;
        for p in corners {
            let out = (p.to_vec2() - centroid).normalized() * half;
            self.mesh.colored_vertex(*p - out, color);
            self.mesh.colored_vertex(*p + out, Color32::TRANSPARENT);
        }
        for i in 1..n - 1 {
            self.mesh
                .add_triangle(base, base + 2 * i, base + 2 * (i + 1));
        }
        for i in 0..n {
            let j = (i + 1) % n;
            let (a_in, a_out) = (base + 2 * i, base + 2 * i + 1);
            let (b_in, b_out) = (base + 2 * j, base + 2 * j + 1);
            self.mesh.add_triangle(a_in, a_out, b_out);
            self.mesh.add_triangle(a_in, b_out, b_in);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shape_makes_triangles_and_is_counted() {
        let mut mesh = GlyphMesh::new(1.0);
        for shape in [
            GlyphShape::Dot,
            GlyphShape::Diamond,
            GlyphShape::Arrow,
            GlyphShape::Cross,
            GlyphShape::Ring,
        ] {
            let before = mesh.mesh.indices.len();
            mesh.glyph(
                shape,
                pos2(10.0, 10.0),
                vec2(1.0, 0.0),
                4.0,
                Color32::RED,
                Color32::WHITE,
            );
            assert!(mesh.mesh.indices.len() > before, "{shape:?}");
        }
        assert_eq!(mesh.len(), 5);
        assert!(mesh.mesh.is_valid());
        // Every vertex stays near its glyph.
        assert!(
            mesh.mesh
                .vertices
                .iter()
                .all(|v| v.pos.distance(pos2(10.0, 10.0)) < 10.0)
        );
    }
}
