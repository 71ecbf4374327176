//! The simulation in the app, driven headless through egui_kittest: runs on
//! a background thread, the animation, highlights, findings, suggestions
//! (preview, apply, undo), what-if faults, stale results, and a window that
//! keeps responding while a long run is under way.
//!
//! The harness is stepped a fixed number of frames with `input.time` set by
//! hand (the graph view never settles). Background work is awaited by
//! polling: a bounded number of frames with a short sleep between them.
#![cfg(feature = "gui")]

use std::time::{Duration, Instant};

use archsim::app::files::NoDialogs;
use archsim::app::focus::Focus;
use archsim::app::run::Overrides;
use archsim::app::{ArchsimApp, Environment, Settings, SideTab, Start};
use archsim::model::LinkIdx;
use archsim::visual::Emphasis;
use egui::{Event, Key, Modifiers, PointerButton, Pos2, pos2, vec2};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;

const CTRL: Modifiers = Modifiers {
    alt: false,
    ctrl: true,
    shift: false,
    mac_cmd: false,
    command: true,
};

/// Seconds of wall time per frame.
const FRAME_S: f64 = 1.0 / 60.0;

fn example() -> Harness<'static, ArchsimApp> {
    let env = Environment {
        data_dir: None,
        dialogs: Box::new(NoDialogs),
    };
    // The legend is off so its labels do not shadow the panels'.
    let settings = Settings {
        legend: false,
        ..Settings::default()
    };
    let app = ArchsimApp::new(env, Start::default(), settings);
    let mut h = Harness::builder()
        .with_size(vec2(1400.0, 900.0))
        .build_ui_state(|ui, app: &mut ArchsimApp| app.frame_ui(ui), app);
    h.input_mut().time = Some(0.0);
    frames(&mut h, 3);
    h
}

/// `n` frames, each `FRAME_S` later than the one before.
fn frames(h: &mut Harness<'_, ArchsimApp>, n: usize) {
    h.step();
    for _ in 0..n {
        let t = h.input_mut().time.unwrap_or(0.0);
        h.input_mut().time = Some(t + FRAME_S);
        h.step();
    }
}

/// Steps frames until `done` holds, sleeping a little between them (the
/// work is on another thread); fails after `limit`.
fn wait_for(
    h: &mut Harness<'_, ArchsimApp>,
    limit: Duration,
    what: &str,
    done: impl Fn(&ArchsimApp) -> bool,
) {
    let started = Instant::now();
    while !done(h.state()) {
        assert!(started.elapsed() < limit, "waited {limit:?} for {what}");
        std::thread::sleep(Duration::from_millis(20));
        frames(h, 1);
    }
}

fn run_and_wait(h: &mut Harness<'_, ArchsimApp>) {
    h.get_by_label("▶ Run").click();
    frames(h, 1);
    wait_for(h, Duration::from_secs(60), "the run", |app| {
        app.simulation().current().is_some()
    });
}

/// Where node `i` is drawn on screen.
fn node_on_screen(h: &Harness<'_, ArchsimApp>, i: usize) -> Pos2 {
    let app = h.state();
    let n = &app.document().design().nodes[i];
    app.canvas()
        .transform()
        .screen_from_graph(pos2(n.pos.x, n.pos.y))
}

fn button(h: &Harness<'_, ArchsimApp>, pos: Pos2, button: PointerButton, pressed: bool) {
    h.event(Event::PointerButton {
        pos,
        button,
        pressed,
        modifiers: Modifiers::NONE,
    });
}

/// Moves the pointer to `pos` and clicks `which` button there.
fn click(h: &mut Harness<'_, ArchsimApp>, pos: Pos2, which: PointerButton) {
    h.event(Event::PointerMoved(pos));
    frames(h, 1);
    button(h, pos, which, true);
    button(h, pos, which, false);
    frames(h, 2);
}

fn show(h: &mut Harness<'_, ArchsimApp>, time_s: f64) {
    h.state_mut().simulation_mut().playback.seek(time_s);
    frames(h, 2);
}

#[test]
fn a_run_animates_messages_and_the_workers_stuck_on_calls() {
    let mut h = example();
    assert!(h.state().simulation().outcome().is_none());
    run_and_wait(&mut h);
    let app = h.state();
    let outcome = app.simulation().current().expect("a run");
    let trace = outcome.trace().expect("a trace");
    assert!(!trace.hops.is_empty());
    assert!(!trace.samples.is_empty());
    assert!(app.simulation().playback.is_playing(), "a first run plays");
    // Thirty frames into the middle of the run: messages on every frame,
    // and Order Processor's workers blocked on their calls.
    show(&mut h, 30.0);
    let start = h.state().simulation().playback.time_s();
    let mut blocked = 0;
    for _ in 0..30 {
        frames(&mut h, 1);
        let stats = h.state().animation();
        assert!(
            stats.glyphs > 0,
            "no message drawn at {}",
            h.state().simulation().playback.time_s()
        );
        assert!(stats.glyphs <= 4 * archsim::app::animation::POOL);
        blocked += stats.blocked_workers;
    }
    assert!(blocked > 0, "sync callers wait on their calls");
    let played = h.state().simulation().playback.time_s() - start;
    assert!(
        (played - 30.0 * FRAME_S).abs() < 0.05,
        "1×: {played} s in 0.5 s"
    );
    // Pause stops the clock; Step moves it by a tenth of a second.
    h.get_by_label("⏸ Pause").click();
    frames(&mut h, 2);
    let paused = h.state().simulation().playback.time_s();
    frames(&mut h, 10);
    assert_eq!(h.state().simulation().playback.time_s(), paused);
    h.get_by_label("⏭ Step").click();
    frames(&mut h, 1);
    let stepped = h.state().simulation().playback.time_s() - paused;
    assert!((stepped - 0.1).abs() < 1e-6, "{stepped}");
    h.get_by_label("⏮ Reset").click();
    frames(&mut h, 1);
    assert_eq!(h.state().simulation().playback.time_s(), 0.0);
    // The results tab shows what the run measured.
    h.get_by_label("Results").click();
    frames(&mut h, 2);
    h.get_by_label("Availability");
}

#[test]
fn choosing_the_entry_point_highlights_its_four_service_chain() {
    let mut h = example();
    h.get_by_label("Coupling of").click();
    frames(&mut h, 2);
    h.get_by_label("place_order").click();
    frames(&mut h, 3);
    let app = h.state();
    assert_eq!(app.focus(), &Focus::Entry("place_order".into()));
    let canvas = app.canvas();
    for i in 1..=4 {
        assert_eq!(
            canvas.drawn_node_emphasis(i),
            Some(Emphasis::Highlighted),
            "node {i}"
        );
    }
    assert_eq!(
        canvas.drawn_node_emphasis(0),
        Some(Emphasis::Normal),
        "the client"
    );
    for l in 1..=3 {
        assert_eq!(
            canvas.drawn_link_emphasis(LinkIdx(l)),
            Some(Emphasis::Highlighted)
        );
    }
    let summary = &app.analysis().expect("analysed").entry_points[0];
    assert_eq!(summary.coupling_set.len(), 4);
    let lines = archsim::app::focus::entry_callout_lines(summary);
    assert!(lines[0].contains("98.01 %"), "{}", lines[0]);
    // Escape with nothing selected clears the highlight.
    h.key_press(Key::Escape);
    frames(&mut h, 2);
    assert_eq!(h.state().focus(), &Focus::None);
    assert_eq!(
        h.state().canvas().drawn_node_emphasis(0),
        Some(Emphasis::Normal)
    );
}

#[test]
fn the_top_suggestion_is_previewed_applied_and_undone() {
    let mut h = example();
    let original = h.state().document().design().clone();
    let coupling = |app: &ArchsimApp| app.analysis().map(|a| a.entry_points[0].coupling_set.len());
    assert_eq!(coupling(h.state()), Some(4));
    h.get_by_label("Suggestions").click();
    frames(&mut h, 2);
    h.get_by_label("Evaluate suggestions").click();
    frames(&mut h, 1);
    assert!(h.state().suggestions().is_running());
    wait_for(&mut h, Duration::from_secs(120), "the advisor", |app| {
        !app.suggestions().is_running()
    });
    frames(&mut h, 2);
    // Ranked best first: moving the fraud check to the background.
    h.get_all_by_label("Preview")
        .next()
        .expect("a preview button")
        .click();
    frames(&mut h, 3);
    let app = h.state();
    let preview = app.preview().expect("previewing");
    assert!(
        preview
            .suggestion
            .id
            .starts_with("move-to-background:payment"),
        "{}",
        preview.suggestion.id
    );
    assert_eq!(
        app.canvas().drawn_node_count(),
        preview.doc.design().nodes.len()
    );
    assert_eq!(
        app.document().design(),
        &original,
        "a preview changes nothing"
    );
    // Compare shows the two runs side by side.
    h.get_all_by_label("Compare")
        .next()
        .expect("measured")
        .click();
    frames(&mut h, 2);
    h.get_by_label("Before and after");
    // The latency distributions are in view, not below the fold.
    let distributions = h
        .get_by_label("Client latency, before (grey) and after")
        .rect();
    assert!(distributions.bottom() < 900.0 - 200.0, "{distributions:?}");
    // Apply from the canvas banner: one undo step.
    h.get_all_by_label("Apply").next().expect("apply").click();
    frames(&mut h, 3);
    let app = h.state();
    assert!(app.preview().is_none());
    assert_ne!(app.document().design(), &original);
    assert!(
        coupling(app).expect("valid") < 4,
        "the coupling set shrinks"
    );
    // The broker it adds was put where it overlaps nothing.
    let applied = app.document().design();
    for node in applied
        .nodes
        .iter()
        .filter(|n| original.node(&n.id).is_none())
    {
        let mut others = applied.clone();
        others.nodes.retain(|n| n.id != node.id);
        let shape = archsim::visual::NodeShape::of(&node.kind);
        assert_eq!(
            archsim::placement::free_spot(&others, shape, node.pos),
            node.pos,
            "{} is clear of the other nodes",
            node.id
        );
    }
    h.key_press_modifiers(CTRL, Key::Z);
    frames(&mut h, 2);
    assert_eq!(h.state().document().design(), &original);
    assert_eq!(coupling(h.state()), Some(4));
}

#[test]
fn an_injected_crash_fails_requests_and_crosses_the_node_out() {
    let mut h = example();
    let payment = node_on_screen(&h, 2);
    click(&mut h, payment, PointerButton::Secondary);
    h.get_by_label("Crash it").click();
    frames(&mut h, 2);
    let what_ifs = h.state().simulation().what_ifs().to_vec();
    assert_eq!(what_ifs.len(), 1);
    let (from, to) = what_ifs[0].window().expect("a crash has a window");
    assert!(!h.state().document().is_dirty(), "a what-if is not an edit");
    assert!(h.state().document().design().scenario.faults.is_empty());
    run_and_wait(&mut h);
    let outcome = h.state().simulation().current().expect("a run");
    let entry = &outcome.report.results.entry_points[0];
    assert!(
        entry.failed.down.mean > 0.0,
        "requests fail while Payment is down"
    );
    assert!(entry.root_causes.iter().any(|r| r.node == "payment"));
    // People read display names, not ids.
    h.get_by_label("Results").click();
    frames(&mut h, 2);
    h.get_by_label_contains("Payment (");
    show(&mut h, (from + to) / 2.0);
    assert!(h.state().animation().crossed_out.contains(&2));
    show(&mut h, to + 5.0);
    assert!(!h.state().animation().crossed_out.contains(&2), "back up");
    // Keeping the fault makes it part of the design, as one undo step.
    h.get_by_label_contains("what-if fault").click();
    frames(&mut h, 2);
    h.get_by_label("Keep them in the design").click();
    frames(&mut h, 2);
    let app = h.state();
    assert_eq!(app.document().design().scenario.faults.len(), 1);
    assert!(app.simulation().what_ifs().is_empty());
    assert!(
        app.simulation().current().is_some(),
        "the same run: still current"
    );
}

#[test]
fn the_window_keeps_responding_during_a_long_run_and_stop_keeps_what_was_done() {
    let mut h = example();
    let design = h.state().document().design().clone();
    h.state_mut().simulation_mut().set_overrides(
        Overrides {
            duration_s: Some(1_000_000.0),
            ..Overrides::default()
        },
        &design,
    );
    h.get_by_label("▶ Run").click();
    frames(&mut h, 1);
    for _ in 0..20 {
        let started = Instant::now();
        frames(&mut h, 1);
        assert!(
            started.elapsed() < Duration::from_millis(1500),
            "a frame took {:?}",
            started.elapsed()
        );
        assert!(
            h.state().simulation().progress().is_some(),
            "still simulating"
        );
    }
    // The panels still work meanwhile.
    h.get_by_label_contains("Findings").click();
    frames(&mut h, 2);
    assert_eq!(h.state().side_tab(), SideTab::Findings);
    h.get_by_label("■ Stop").click();
    frames(&mut h, 1);
    wait_for(&mut h, Duration::from_secs(20), "the stop", |app| {
        app.simulation().progress().is_none()
    });
    let outcome = h
        .state()
        .simulation()
        .current()
        .expect("what was simulated");
    assert!(outcome.was_stopped());
    assert!(outcome.end_s() < 1_000_000.0);
}

#[test]
fn editing_the_design_makes_results_stale_and_undo_or_a_new_run_makes_them_current() {
    let mut h = example();
    run_and_wait(&mut h);
    show(&mut h, 20.0);
    assert!(h.state().animation().glyphs > 0);
    // Moving a node changes nothing the simulation sees.
    let at = node_on_screen(&h, 4);
    h.event(Event::PointerMoved(at));
    frames(&mut h, 1);
    button(&h, at, PointerButton::Primary, true);
    frames(&mut h, 1);
    for i in 1..=6 {
        h.event(Event::PointerMoved(at + vec2(0.0, 10.0 * i as f32)));
        frames(&mut h, 0);
    }
    button(&h, at + vec2(0.0, 60.0), PointerButton::Primary, false);
    frames(&mut h, 2);
    assert!(h.state().document().is_dirty());
    assert!(
        !h.state().simulation().is_stale(),
        "a move keeps results current"
    );
    // Deleting a link does: nothing is animated, the banner offers a run.
    let middle = node_on_screen(&h, 2).lerp(node_on_screen(&h, 3), 0.5);
    click(&mut h, middle, PointerButton::Primary);
    h.key_press(Key::Delete);
    frames(&mut h, 2);
    let app = h.state();
    assert_eq!(app.document().design().links.len(), 3);
    assert!(app.simulation().is_stale());
    assert!(app.simulation().current().is_none());
    assert_eq!(app.animation().glyphs, 0, "stale results are not animated");
    h.get_by_label("⚠ Results out of date");
    // Undo brings the run back.
    h.key_press_modifiers(CTRL, Key::Z);
    frames(&mut h, 2);
    assert!(!h.state().simulation().is_stale());
    assert!(h.state().animation().glyphs > 0);
    // Redo, then run again: current for the new design.
    h.key_press_modifiers(CTRL, Key::Y);
    frames(&mut h, 2);
    assert!(h.state().simulation().is_stale());
    h.get_by_label("Run again").click();
    frames(&mut h, 1);
    wait_for(&mut h, Duration::from_secs(60), "the new run", |app| {
        app.simulation().current().is_some()
    });
    assert_eq!(
        h.state()
            .simulation()
            .current()
            .map(|o| o.design.links.len()),
        Some(3)
    );
}

#[test]
fn findings_filter_and_frame_and_the_run_adds_its_own() {
    let mut h = example();
    h.get_by_label_contains("Findings").click();
    frames(&mut h, 2);
    let titles = |h: &Harness<'_, ArchsimApp>| {
        h.state()
            .analysis()
            .expect("valid")
            .findings
            .iter()
            .filter(|f| h.query_by_label(&f.title).is_some())
            .count()
    };
    assert_eq!(titles(&h), 2);
    h.get_by_label("Filter").focus();
    frames(&mut h, 1);
    h.get_by_label("Filter").type_text("long-blocking");
    frames(&mut h, 2);
    assert_eq!(titles(&h), 1);
    let chain = h
        .state()
        .analysis()
        .expect("valid")
        .findings
        .iter()
        .find(|f| f.rule.id() == "long-blocking-chain")
        .expect("a chain")
        .clone();
    h.get_by_label(&chain.title).click();
    frames(&mut h, 3);
    let app = h.state();
    assert!(matches!(app.focus(), Focus::Finding(f) if f.title == chain.title));
    assert_eq!(
        app.canvas().drawn_node_emphasis(3),
        Some(Emphasis::Highlighted)
    );
    assert_eq!(app.canvas().drawn_node_emphasis(0), Some(Emphasis::Dimmed));
    // Framed: every node of the chain in view.
    for i in 1..=4 {
        assert!(app.canvas().rect().contains(node_on_screen(&h, i)));
    }
    // Three times the load saturates the chain: the run's own findings.
    let design = h.state().document().design().clone();
    h.state_mut().simulation_mut().set_overrides(
        Overrides {
            load: 3.0,
            duration_s: Some(40.0),
            ..Overrides::default()
        },
        &design,
    );
    run_and_wait(&mut h);
    let dynamic = h
        .state()
        .simulation()
        .current()
        .expect("run")
        .findings
        .clone();
    assert!(
        !dynamic.is_empty(),
        "load shows saturated or blocked services"
    );
    h.get_by_label("Filter").focus();
    frames(&mut h, 1);
    h.key_press_modifiers(CTRL, Key::A);
    h.key_press(Key::Backspace);
    frames(&mut h, 2);
    assert!(
        h.query_by_label(&dynamic[0].title).is_some(),
        "{} is listed",
        dynamic[0].title
    );
}

#[test]
fn the_load_multiplier_runs_again_and_keeps_the_moment_shown() {
    let mut h = example();
    run_and_wait(&mut h);
    show(&mut h, 25.0);
    h.get_by_label("⏸ Pause").click();
    frames(&mut h, 1);
    let shown = h.state().simulation().playback.time_s();
    let design = h.state().document().design().clone();
    h.state_mut().simulation_mut().set_overrides(
        Overrides {
            load: 2.0,
            ..Overrides::default()
        },
        &design,
    );
    frames(&mut h, 1);
    assert!(
        h.state().simulation().progress().is_some(),
        "a new run started"
    );
    wait_for(&mut h, Duration::from_secs(60), "the re-run", |app| {
        app.simulation().current().is_some()
    });
    let app = h.state();
    assert_eq!(
        app.simulation().current().map(|o| o.report.load_multiplier),
        Some(2.0)
    );
    assert_eq!(app.simulation().playback.time_s(), shown);
    assert!(
        !app.simulation().playback.is_playing(),
        "paused before, paused after"
    );
}

#[test]
fn a_slow_down_is_marked_on_its_node_while_it_lasts() {
    use archsim::app::run::what_if::WhatIf;
    use archsim::model::{Fault, NodeId};
    let mut h = example();
    let slow = WhatIf::Fault(Fault::SlowDown {
        node: NodeId::new("payment"),
        at_s: 20.0,
        for_s: 30.0,
        factor: 5.0,
    });
    let design = h.state().document().design().clone();
    h.state_mut().simulation_mut().add_what_if(slow, &design);
    run_and_wait(&mut h);
    show(&mut h, 35.0);
    assert_eq!(
        h.state().animation().slowed,
        vec![2],
        "Payment is marked slow"
    );
    show(&mut h, 60.0);
    assert!(h.state().animation().slowed.is_empty(), "back to normal");
}

#[test]
fn a_chaos_study_runs_in_the_background_and_shows_its_nodes_on_the_canvas() {
    use archsim::study::Study;
    use archsim::study::chaos::Outcome;
    let mut h = example();
    h.get_by_label("Studies").click();
    frames(&mut h, 2);
    assert_eq!(h.state().side_tab(), SideTab::Studies);
    h.get_by_label("Chaos").click();
    frames(&mut h, 2);
    h.get_by_label("Run chaos").click();
    frames(&mut h, 1);
    assert!(
        h.state().studies().is_running(),
        "the study runs on another thread"
    );
    wait_for(&mut h, Duration::from_secs(120), "the chaos study", |app| {
        app.studies().finished().is_some()
    });
    frames(&mut h, 2);
    let Some(Study::Chaos(study)) = h.state().studies().finished() else {
        panic!("a chaos study")
    };
    // On the blocking chain, Fraud Detection down fails every order.
    assert!(
        study
            .experiments
            .iter()
            .any(|e| e.node == "fraud_detection" && e.cells[0].outcome == Outcome::Broken)
    );
    // The matrix names the nodes: one click shows it on the canvas.
    h.get_all_by_label("Fraud Detection")
        .next()
        .expect("the matrix names Fraud Detection")
        .click();
    frames(&mut h, 2);
    assert!(
        h.state()
            .selection()
            .nodes
            .iter()
            .any(|id| id.as_str() == "fraud_detection")
    );
}
