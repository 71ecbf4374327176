//! The app is readable by construction, checked headless through
//! egui_kittest on the shapes egui produced: at the window sizes people
//! use, every built-in example opens fitted with no text smaller than
//! [`archsim::app::canvas::LEGIBLE_TEXT_PT`], the view refits when the
//! window changes size until the user pans or zooms, the zoom a design
//! opens at does not depend on the run, and the canvas keeps most of the
//! window.
#![cfg(feature = "gui")]

use archsim::app::canvas::{LEGIBLE_TEXT_PT, MIN_FIT_ZOOM, NAMES_MIN_ZOOM};
use archsim::app::files::NoDialogs;
use archsim::app::{ArchsimApp, Environment, Settings, Start};
use archsim::library::EXAMPLES;
use egui::epaint::{ClippedShape, Shape};
use egui::{Event, Modifiers, PointerButton, Rect, Vec2, vec2};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;

/// The window sizes checked: a small laptop and a common desktop.
const SIZES: [Vec2; 2] = [vec2(1280.0, 800.0), vec2(1920.0, 1080.0)];

fn harness(start: Start, settings: Settings, size: Vec2) -> Harness<'static, ArchsimApp> {
    let env = Environment {
        data_dir: None,
        dialogs: Box::new(NoDialogs),
    };
    let app = ArchsimApp::new(env, start, settings);
    let mut h = Harness::builder()
        .with_size(size)
        .build_ui_state(|ui, app: &mut ArchsimApp| app.frame_ui(ui), app);
    h.input_mut().time = Some(0.0);
    frames(&mut h, 4);
    h
}

fn frames(h: &mut Harness<'_, ArchsimApp>, n: usize) {
    h.step();
    h.run_steps(n);
}

/// One piece of text egui was asked to paint, where it is visible.
struct Text {
    text: String,
    size: f32,
    /// Where it is on screen.
    rect: Rect,
    /// Whether it was cut short ("…").
    elided: bool,
}

/// Every visible piece of text in `shapes`, with its font size in points.
fn texts(shapes: &[ClippedShape]) -> Vec<Text> {
    fn walk(shape: &Shape, clip: Rect, out: &mut Vec<Text>) {
        match shape {
            Shape::Vec(shapes) => shapes.iter().for_each(|s| walk(s, clip, out)),
            Shape::Text(t) => {
                let visible = t.opacity_factor > 0.0
                    && clip.intersects(t.visual_bounding_rect())
                    && (t.fallback_color.a() > 0 || t.override_text_color.is_some());
                if !visible {
                    return;
                }
                let job = &t.galley.job;
                for section in &job.sections {
                    let range = section.byte_range.start.0..section.byte_range.end.0;
                    let text = &job.text[range];
                    if text.trim().is_empty() || section.format.color.a() == 0 {
                        continue;
                    }
                    out.push(Text {
                        text: text.to_owned(),
                        size: section.format.font_id.size,
                        rect: t.visual_bounding_rect(),
                        elided: t.galley.elided,
                    });
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    for clipped in shapes {
        walk(&clipped.shape, clipped.clip_rect, &mut out);
    }
    out
}

/// The texts drawn smaller than the legible minimum, as "size text".
fn too_small(h: &Harness<'_, ArchsimApp>) -> Vec<String> {
    texts(&h.output().shapes)
        .into_iter()
        .filter(|t| t.size < LEGIBLE_TEXT_PT)
        .map(|t| format!("{:.1} pt {:?}", t.size, t.text))
        .collect()
}

/// The nodes wholly in view whose names are not drawn in full on the
/// canvas (a node the canvas edge cuts, a pan away, cannot show its whole
/// name).
fn unnamed_nodes(h: &Harness<'_, ArchsimApp>) -> Vec<String> {
    let app = h.state();
    let canvas = app.canvas();
    let drawn: Vec<String> = texts(&h.output().shapes)
        .into_iter()
        .filter(|t| canvas.rect().contains_rect(t.rect) && !t.elided)
        .map(|t| t.text)
        .collect();
    let design = app.document().design();
    design
        .nodes
        .iter()
        .filter(|n| {
            let transform = canvas.transform();
            let (w, h) = archsim::visual::NodeShape::of(&n.kind).size();
            let half = vec2(w, h) / 2.0;
            let outline = Rect::from_min_max(
                transform.screen_from_graph(egui::pos2(n.pos.x - half.x, n.pos.y - half.y)),
                transform.screen_from_graph(egui::pos2(n.pos.x + half.x, n.pos.y + half.y)),
            );
            canvas.rect().contains_rect(outline)
        })
        .map(|n| design.display_name(&n.id).to_owned())
        .filter(|name| !drawn.contains(name))
        .collect()
}

#[test]
fn every_example_opens_fitted_with_no_text_below_the_minimum() {
    let mut failures = Vec::new();
    for size in SIZES {
        for example in EXAMPLES {
            let h = harness(Start::Example(example.slug), Settings::default(), size);
            let at = format!("{} at {}×{}", example.slug, size.x, size.y);
            let small = too_small(&h);
            if !small.is_empty() {
                failures.push(format!("{at}: too small: {}", small.join(", ")));
            }
            let unnamed = unnamed_nodes(&h);
            if !unnamed.is_empty() {
                failures.push(format!("{at}: names not drawn: {}", unnamed.join(", ")));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The example with the widest layout: at 1280×800 it does not fit at a
/// legible zoom.
const WIDE: &str = "order-saga-choreography";

#[test]
fn a_design_too_big_to_read_whole_is_shown_from_its_start_at_the_legible_zoom() {
    let h = harness(Start::Example(WIDE), Settings::default(), SIZES[0]);
    let app = h.state();
    let t = app.canvas().transform();
    assert!(
        (t.zoom - MIN_FIT_ZOOM).abs() < 1e-4,
        "zoom {} is the least legible one",
        t.zoom
    );
    // The leftmost node (where the calls start) is in view.
    let design = app.document().design();
    let first = design
        .nodes
        .iter()
        .min_by(|a, b| a.pos.x.total_cmp(&b.pos.x))
        .unwrap();
    let at = t.screen_from_graph(egui::pos2(first.pos.x, first.pos.y));
    assert!(app.canvas().rect().contains(at), "{} at {at:?}", first.name);
}

#[test]
fn zoomed_out_past_the_fit_names_stay_legible_then_go() {
    let mut h = harness(Start::Example(WIDE), Settings::default(), SIZES[0]);
    // Zoom out with the button until names are drawn at the least size.
    for _ in 0..2 {
        h.get_by_label("−").click();
        frames(&mut h, 2);
    }
    let zoom = h.state().canvas().transform().zoom;
    assert!(
        (NAMES_MIN_ZOOM..MIN_FIT_ZOOM).contains(&zoom),
        "zoom {zoom}"
    );
    assert!(too_small(&h).is_empty(), "{:?}", too_small(&h));
    let names = texts(&h.output().shapes);
    assert!(
        names
            .iter()
            .any(|t| t.text.starts_with("Order") && t.size == LEGIBLE_TEXT_PT),
        "names are drawn at the least legible size"
    );
    for _ in 0..3 {
        h.get_by_label("−").click();
        frames(&mut h, 2);
    }
    assert!(h.state().canvas().transform().zoom < NAMES_MIN_ZOOM);
    assert!(too_small(&h).is_empty(), "{:?}", too_small(&h));
    assert!(
        unnamed_nodes(&h).len() == h.state().document().design().nodes.len(),
        "no names at all"
    );
}

#[test]
fn the_view_refits_when_the_window_changes_size_until_the_user_pans() {
    let example = Start::Example("fraud-check-blocking");
    let fresh = |size| {
        harness(example.clone(), Settings::default(), size)
            .state()
            .canvas()
            .transform()
    };
    let (small, large) = (fresh(SIZES[0]), fresh(SIZES[1]));
    assert_eq!(fresh(SIZES[0]), small, "the same design opens the same way");
    assert!(large.zoom > small.zoom);

    let mut h = harness(example.clone(), Settings::default(), SIZES[0]);
    h.set_size(SIZES[1]);
    frames(&mut h, 4);
    assert_eq!(h.state().canvas().transform(), large, "maximised: refitted");

    // Once the user pans, the view stays put.
    let from = h.state().canvas().rect().center() + vec2(0.0, 250.0);
    drag(&mut h, from, from + vec2(80.0, 0.0));
    assert!(!h.state().canvas().is_fitted());
    let panned = h.state().canvas().transform();
    h.set_size(SIZES[0]);
    frames(&mut h, 4);
    assert_eq!(h.state().canvas().transform().zoom, panned.zoom);
    // Fit takes it back.
    h.get_by_label("Fit").click();
    frames(&mut h, 4);
    assert_eq!(h.state().canvas().transform(), small);
}

fn drag(h: &mut Harness<'_, ArchsimApp>, from: egui::Pos2, to: egui::Pos2) {
    let button = |pos, pressed| Event::PointerButton {
        pos,
        button: PointerButton::Primary,
        pressed,
        modifiers: Modifiers::NONE,
    };
    h.event(Event::PointerMoved(from));
    frames(h, 1);
    h.event(button(from, true));
    frames(h, 1);
    for i in 1..=8 {
        h.event(Event::PointerMoved(from + (to - from) * (i as f32 / 8.0)));
        frames(h, 0);
    }
    h.event(button(to, false));
    frames(h, 2);
}

/// The share of the window the canvas has.
fn canvas_share(h: &Harness<'_, ArchsimApp>, window: Vec2) -> f32 {
    h.state().canvas().rect().area() / (window.x * window.y)
}

/// Runs the simulation and steps frames until its outcome is shown.
fn run_and_wait(h: &mut Harness<'_, ArchsimApp>) {
    h.get_by_label("▶ Run").click();
    let started = std::time::Instant::now();
    while h.state().simulation().current().is_none() {
        assert!(started.elapsed().as_secs() < 60, "the run does not end");
        std::thread::sleep(std::time::Duration::from_millis(20));
        frames(h, 1);
    }
    frames(h, 4);
}

#[test]
fn at_1280_by_800_the_canvas_keeps_most_of_the_window() {
    let size = SIZES[0];
    let mut h = harness(Start::default(), Settings::default(), size);
    let share = canvas_share(&h, size);
    assert!(share > 0.55, "canvas {share:.2} of the window");
    run_and_wait(&mut h);
    let share = canvas_share(&h, size);
    assert!(share > 0.45, "with the charts open: {share:.2}");
    // Opening Results does not widen the side panel.
    let width = h.state().canvas().rect().width();
    h.get_by_label("Results").click();
    frames(&mut h, 4);
    assert_eq!(h.state().canvas().rect().width(), width);
}

#[test]
fn panels_legend_and_charts_collapse_and_the_app_remembers() {
    let size = SIZES[0];
    let mut h = harness(Start::default(), Settings::default(), size);
    run_and_wait(&mut h);
    let before = h.state().canvas().rect();
    for label in [
        "Collapse the side panel",
        "Show the palette as icons",
        "Collapse the charts",
        "Legend",
    ] {
        h.get_by_label(label).click();
        frames(&mut h, 3);
    }
    let after = h.state().canvas().rect();
    assert!(
        after.width() > before.width() + 300.0,
        "{before:?} {after:?}"
    );
    assert!(
        after.height() > before.height() + 100.0,
        "{before:?} {after:?}"
    );
    let settings = h.state().settings().clone();
    assert!(!settings.side_panel && !settings.palette && !settings.charts && !settings.legend_open);
    // The palette's icons still add nodes.
    h.get_by_role_and_label(egui::accesskit::Role::Button, "Service")
        .click();
    frames(&mut h, 2);
    assert_eq!(h.state().document().design().nodes.len(), 6);

    // The next start looks the same; each opens again.
    let mut h = harness(Start::default(), settings, size);
    run_and_wait(&mut h);
    assert_eq!(h.state().canvas().rect(), after);
    for label in [
        "Show the side panel",
        "Show the palette with labels",
        "Open the charts",
        "Legend",
    ] {
        h.get_by_label(label).click();
        frames(&mut h, 3);
    }
    assert_eq!(h.state().canvas().rect(), before);
    let settings = h.state().settings();
    assert!(settings.side_panel && settings.palette && settings.charts && settings.legend_open);
}

#[test]
fn with_a_run_playing_no_text_is_below_the_minimum() {
    let mut failures = Vec::new();
    for example in EXAMPLES {
        let mut h = harness(Start::Example(example.slug), Settings::default(), SIZES[0]);
        run_and_wait(&mut h);
        let duration = h
            .state()
            .simulation()
            .settings(h.state().document().design())
            .duration_s;
        h.state_mut().simulation_mut().playback.seek(duration / 2.0);
        frames(&mut h, 3);
        let small = too_small(&h);
        if !small.is_empty() {
            failures.push(format!("{}: {}", example.slug, small.join(", ")));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_charts_have_y_ticks_with_units_and_time_in_seconds() {
    let mut h = harness(Start::default(), Settings::default(), SIZES[0]);
    run_and_wait(&mut h);
    let below_canvas = h.state().canvas().rect().bottom();
    let labels: Vec<String> = texts(&h.output().shapes)
        .into_iter()
        .filter(|t| t.rect.top() > below_canvas)
        .map(|t| t.text)
        .collect();
    let count = |suffix: &str| {
        let mut found: Vec<&String> = labels.iter().filter(|t| t.ends_with(suffix)).collect();
        found.sort();
        found.dedup();
        found.len()
    };
    assert!(count(" /s") >= 2, "throughput ticks: {labels:?}");
    assert!(count(" ms") >= 2, "latency ticks: {labels:?}");
    assert!(count(" %") >= 2, "occupancy ticks: {labels:?}");
    assert!(count(" s") >= 3, "time ticks: {labels:?}");
}

/// The texts drawn on the canvas.
fn canvas_texts(h: &Harness<'_, ArchsimApp>) -> Vec<String> {
    let rect = h.state().canvas().rect();
    texts(&h.output().shapes)
        .into_iter()
        .filter(|t| rect.contains_rect(t.rect))
        .map(|t| t.text)
        .collect()
}

#[test]
fn dead_letter_queues_are_joined_and_limits_shown_on_their_links() {
    let h = harness(
        Start::Example("pricing-grid-dead-letter"),
        Settings::default(),
        SIZES[1],
    );
    let drawn = canvas_texts(&h);
    assert!(drawn.iter().any(|t| t == "dead letters"), "{drawn:?}");
    assert!(
        drawn
            .iter()
            .any(|t| t == "timeout 10 s\n3 deliveries at most"),
        "{drawn:?}"
    );
    // The dead-letter queue's name is whole, on two lines if need be.
    assert!(unnamed_nodes(&h).is_empty(), "{:?}", unnamed_nodes(&h));
    let h = harness(
        Start::Example("stock-check-timeout"),
        Settings::default(),
        SIZES[1],
    );
    let drawn = canvas_texts(&h);
    assert!(drawn.iter().any(|t| t.starts_with("timeout ")), "{drawn:?}");
}
