//! The app run headless for frame benchmarks: no dialogs, no autosave, a
//! fixed window, and one frame = the egui pass plus tessellation.

use archsim::app::files::NoDialogs;
use archsim::app::{ArchsimApp, Environment, Settings, Start};
use archsim::model::{Design, file};
use egui::{Event, Pos2, RawInput, Rect, pos2, vec2};

/// The app on a design, and the egui context that runs it.
pub struct AppBench {
    ctx: egui::Context,
    /// The app.
    pub app: ArchsimApp,
    time: f64,
    _dir: tempfile::TempDir,
}

impl AppBench {
    /// Opens `design` (from a file, as a user would) and settles: open,
    /// fit, fonts and galley caches.
    pub fn open(design: &Design) -> Self {
        let dir = tempfile::tempdir().expect("temporary folder");
        let path = dir.path().join("generated.archsim.ron");
        file::save(design, &path).expect("saved");
        let env = Environment {
            data_dir: None,
            dialogs: Box::new(NoDialogs),
        };
        let app = ArchsimApp::new(env, Start::File(path), Settings::default());
        let mut bench = Self {
            ctx: egui::Context::default(),
            app,
            time: 0.0,
            _dir: dir,
        };
        for _ in 0..5 {
            bench.frame();
        }
        bench
    }

    /// One frame, 1/60 s after the last, with the pointer resting over the
    /// canvas; returns the number of clipped primitives (so the work is not
    /// optimised away).
    pub fn frame(&mut self) -> usize {
        self.time += 1.0 / 60.0;
        let input = RawInput {
            screen_rect: Some(Rect::from_min_size(Pos2::ZERO, vec2(1280.0, 800.0))),
            time: Some(self.time),
            events: vec![Event::PointerMoved(pos2(560.0, 420.0))],
            ..RawInput::default()
        };
        let app = &mut self.app;
        let mut output = self.ctx.run_ui(input, |ui| app.frame_ui(ui));
        output.textures_delta.clear();
        self.ctx
            .tessellate(std::mem::take(&mut output.shapes), output.pixels_per_point)
            .len()
    }
}
