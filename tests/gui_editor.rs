//! The desktop editor, driven headless through egui_kittest: menus,
//! palette, canvas gestures (as raw pointer events), inspector, undo,
//! files, the unsaved-changes guard, shortcuts, autosave and recovery.
//!
//! The harness is stepped a fixed number of frames: the graph view asks
//! for a repaint every frame, so it never "settles".
#![cfg(feature = "gui")]

use std::cell::RefCell;
use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::{Arc, Mutex};

use archsim::app::autosave::Autosave;
use archsim::app::canvas::CanvasOverlay;
use archsim::app::dialogs::Dialog;
use archsim::app::document::Origin;
use archsim::app::files::{FileDialogs, Picked};
use archsim::app::{ArchsimApp, Environment, Settings, Start};
use archsim::model::{LinkIdx, Style, file};
use archsim::visual::link_look;
use egui::{Event, Key, Modifiers, PointerButton, Pos2, pos2, vec2};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;

/// File dialogs that answer from a script, and count how often they were
/// asked.
#[derive(Clone, Default)]
struct Scripted {
    answers: Rc<RefCell<VecDeque<Option<PathBuf>>>>,
}

impl Scripted {
    fn answer(&self, path: Option<&Path>) {
        self.answers
            .borrow_mut()
            .push_back(path.map(Path::to_owned));
    }
}

impl FileDialogs for Scripted {
    fn open_design(&mut self, _dir: Option<&Path>) -> Picked {
        Picked::from(self.answers.borrow_mut().pop_front().flatten())
    }

    fn open_traces(&mut self, _dir: Option<&Path>) -> Picked {
        Picked::from(self.answers.borrow_mut().pop_front().flatten())
    }

    fn save_design(&mut self, _dir: Option<&Path>, _name: &str) -> Picked {
        Picked::from(self.answers.borrow_mut().pop_front().flatten())
    }

    fn save_report(&mut self, _dir: Option<&Path>, _name: &str) -> Picked {
        Picked::from(self.answers.borrow_mut().pop_front().flatten())
    }
}

const CTRL: Modifiers = Modifiers {
    alt: false,
    ctrl: true,
    shift: false,
    mac_cmd: false,
    command: true,
};

const CTRL_SHIFT: Modifiers = Modifiers {
    shift: true,
    ..CTRL
};

fn app(start: Start, dialogs: &Scripted, data_dir: Option<&Path>) -> ArchsimApp {
    let env = Environment {
        data_dir: data_dir.map(Path::to_owned),
        dialogs: Box::new(dialogs.clone()),
    };
    // The legend is off so its labels do not shadow the inspector's.
    let settings = Settings {
        legend: false,
        ..Settings::default()
    };
    ArchsimApp::new(env, start, settings)
}

fn harness(app: ArchsimApp) -> Harness<'static, ArchsimApp> {
    let mut h = Harness::builder()
        .with_size(vec2(1280.0, 800.0))
        .build_ui_state(|ui, app: &mut ArchsimApp| app.frame_ui(ui), app);
    h.input_mut().time = Some(0.0);
    frames(&mut h, 3);
    h
}

fn example() -> Harness<'static, ArchsimApp> {
    harness(app(Start::default(), &Scripted::default(), None))
}

/// Runs the queued events, then `n` more frames.
fn frames(h: &mut Harness<'_, ArchsimApp>, n: usize) {
    h.step();
    h.run_steps(n);
}

/// Where node `i` is drawn on screen.
fn node_on_screen(h: &Harness<'_, ArchsimApp>, i: usize) -> Pos2 {
    let app = h.state();
    let n = &app.document().design().nodes[i];
    app.canvas()
        .transform()
        .screen_from_graph(pos2(n.pos.x, n.pos.y))
}

/// Where node `i`'s connect handle is on screen (right edge, outside).
fn handle_on_screen(h: &Harness<'_, ArchsimApp>, i: usize) -> Pos2 {
    let app = h.state();
    app.canvas().handle_pos(app.document().design(), i).unwrap()
}

fn button(h: &Harness<'_, ArchsimApp>, pos: Pos2, pressed: bool, modifiers: Modifiers) {
    h.event(Event::PointerButton {
        pos,
        button: PointerButton::Primary,
        pressed,
        modifiers,
    });
}

fn click_at(h: &mut Harness<'_, ArchsimApp>, pos: Pos2, modifiers: Modifiers) {
    h.event(Event::PointerMoved(pos));
    h.event(Event::ModifiersChanged(modifiers));
    button(h, pos, true, modifiers);
    button(h, pos, false, modifiers);
    h.event(Event::ModifiersChanged(Modifiers::NONE));
    frames(h, 2);
}

/// Presses at `from`, moves to `to` in steps, releases.
fn drag(h: &mut Harness<'_, ArchsimApp>, from: Pos2, to: Pos2, modifiers: Modifiers) {
    h.event(Event::PointerMoved(from));
    h.event(Event::ModifiersChanged(modifiers));
    frames(h, 1);
    button(h, from, true, modifiers);
    frames(h, 1);
    for i in 1..=8 {
        h.event(Event::PointerMoved(from + (to - from) * (i as f32 / 8.0)));
        frames(h, 0);
    }
    button(h, to, false, modifiers);
    h.event(Event::ModifiersChanged(Modifiers::NONE));
    frames(h, 2);
}

fn keys(h: &mut Harness<'_, ArchsimApp>, modifiers: Modifiers, key: Key) {
    h.key_press_modifiers(modifiers, key);
    frames(h, 2);
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn it_opens_on_the_default_example_fitted_to_the_view() {
    let h = example();
    let app = h.state();
    assert_eq!(
        app.document().origin(),
        &Origin::Example("fraud-check-blocking")
    );
    let canvas = app.canvas().rect();
    for i in 0..app.document().design().nodes.len() {
        assert!(
            canvas.contains(node_on_screen(&h, i)),
            "node {i} is outside the view"
        );
    }
    assert!(h.state().window_title().starts_with("fraud-check-blocking"));
}

#[test]
fn an_example_opens_from_the_menu() {
    let mut h = harness(app(Start::Empty, &Scripted::default(), None));
    assert!(h.state().document().design().nodes.is_empty());
    h.get_by_label("File").click();
    frames(&mut h, 2);
    h.get_by_label_contains("Examples").click();
    frames(&mut h, 2);
    h.get_by_label("fraud-check-blocking").click();
    frames(&mut h, 3);
    let doc = h.state().document();
    assert_eq!(doc.origin(), &Origin::Example("fraud-check-blocking"));
    assert_eq!(doc.design().nodes.len(), 5);
}

#[test]
fn a_service_is_added_from_the_palette_and_selected() {
    let mut h = example();
    h.get_by_role_and_label(egui::accesskit::Role::Button, "Service")
        .click();
    frames(&mut h, 2);
    let app = h.state();
    let design = app.document().design();
    assert_eq!(design.nodes.len(), 6);
    let added = &design.nodes[5];
    assert_eq!(added.id.as_str(), "service");
    assert!(app.selection().nodes.contains(&added.id));
    assert!(
        app.canvas().rect().contains(node_on_screen(&h, 5)),
        "added in view"
    );
    assert!(app.document().is_dirty());
}

#[test]
fn dragging_from_a_handle_connects_two_nodes() {
    let mut h = example();
    // Shopper (0) -> Payment (2): a client may call a service.
    let at = node_on_screen(&h, 0);
    click_at(&mut h, at, Modifiers::NONE);
    let (from, to) = (handle_on_screen(&h, 0), node_on_screen(&h, 2));
    drag(&mut h, from, to, Modifiers::NONE);
    let app = h.state();
    let design = app.document().design();
    assert_eq!(design.links.len(), 5);
    let link = &design.links[4];
    assert_eq!(
        (link.from.as_str(), link.to.as_str()),
        ("shopper", "payment")
    );
    assert_eq!(link.style, Style::Sync);
    assert!(
        app.selection().links.contains(&4),
        "the new link is selected"
    );
    // The drag did not move anything.
    assert_eq!(design.nodes[0].pos.x, 0.0);
}

#[test]
fn the_connect_tool_connects_from_anywhere_on_a_node() {
    let mut h = example();
    h.get_by_label("Connect tool").click();
    frames(&mut h, 2);
    let (from, to) = (node_on_screen(&h, 4), node_on_screen(&h, 1));
    drag(&mut h, from, to, Modifiers::NONE);
    let design = h.state().document().design();
    assert_eq!(design.links.len(), 5);
    assert_eq!(design.links[4].from.as_str(), "customer");
    // Escape leaves the tool: dragging a node moves it again.
    keys(&mut h, Modifiers::NONE, Key::Escape);
    let before = h.state().document().design().nodes[1].pos;
    let at = node_on_screen(&h, 1);
    drag(&mut h, at, at + vec2(0.0, 60.0), Modifiers::NONE);
    assert!(h.state().document().design().nodes[1].pos.y > before.y);
}

#[test]
fn changing_a_link_style_draws_it_like_the_legend() {
    let mut h = example();
    let middle = node_on_screen(&h, 1).lerp(node_on_screen(&h, 2), 0.5);
    click_at(&mut h, middle, Modifiers::NONE);
    assert_eq!(
        h.state()
            .selection()
            .links
            .iter()
            .copied()
            .collect::<Vec<_>>(),
        vec![1]
    );
    assert_eq!(
        h.state().canvas().drawn_link_look(LinkIdx(1)),
        Some(link_look(Style::Sync))
    );
    h.get_by_label("Style").click();
    frames(&mut h, 2);
    h.get_by_label("event").click();
    frames(&mut h, 3);
    let app = h.state();
    assert_eq!(app.document().design().links[1].style, Style::Event);
    // Timeouts mean nothing for events: cleared, so the design stays valid.
    assert_eq!(app.document().design().links[1].timeout_ms, None);
    assert!(app.document().design().problems().is_empty());
    let drawn = app.canvas().drawn_link_look(LinkIdx(1)).expect("drawn");
    assert_eq!(
        drawn,
        link_look(Style::Event),
        "drawn as the legend draws events"
    );
    assert!(drawn.broadcast && !drawn.return_arrow);
}

#[test]
fn dragging_a_node_moves_it_in_one_undo_step() {
    let mut h = example();
    let original = h.state().document().design().clone();
    let zoom = h.state().canvas().transform().zoom;
    let at = node_on_screen(&h, 2);
    drag(&mut h, at, at + vec2(0.0, 80.0), Modifiers::NONE);
    let moved = h.state().document().design().nodes[2].pos;
    assert!(
        (moved.y - (original.nodes[2].pos.y + 80.0 / zoom)).abs() < 0.5,
        "{moved:?}"
    );
    assert_eq!(moved.x, original.nodes[2].pos.x);
    keys(&mut h, CTRL, Key::Z);
    assert_eq!(h.state().document().design(), &original);
    assert!(
        !h.state().document().can_undo(),
        "the whole drag was one step"
    );
}

#[test]
fn undo_and_redo_restore_exactly() {
    let mut h = example();
    let original = h.state().document().design().clone();
    // Three edits: add a node, move it, delete a link.
    h.get_by_role_and_label(egui::accesskit::Role::Button, "Broker")
        .click();
    frames(&mut h, 2);
    let at = node_on_screen(&h, 5);
    drag(&mut h, at, at + vec2(40.0, 40.0), Modifiers::NONE);
    let middle = node_on_screen(&h, 2).lerp(node_on_screen(&h, 3), 0.5);
    click_at(&mut h, middle, Modifiers::NONE);
    keys(&mut h, Modifiers::NONE, Key::Delete);
    let edited = h.state().document().design().clone();
    assert_eq!((edited.nodes.len(), edited.links.len()), (6, 3));
    for _ in 0..3 {
        keys(&mut h, CTRL, Key::Z);
    }
    assert_eq!(h.state().document().design(), &original);
    assert!(!h.state().document().is_dirty());
    for _ in 0..2 {
        keys(&mut h, CTRL_SHIFT, Key::Z);
    }
    keys(&mut h, CTRL, Key::Y);
    assert_eq!(h.state().document().design(), &edited);
}

#[test]
fn typing_a_name_is_one_undo_step() {
    let mut h = example();
    let at = node_on_screen(&h, 3);
    click_at(&mut h, at, Modifiers::NONE);
    let name = h.get_by_label("Name");
    name.focus();
    frames(&mut h, 1);
    keys(&mut h, CTRL, Key::A);
    for text in ["R", "isk", " check"] {
        h.get_by_label("Name").type_text(text);
        frames(&mut h, 1);
    }
    assert_eq!(h.state().document().design().nodes[3].name, "Risk check");
    // Leave the field, then undo: the whole typing goes at once.
    keys(&mut h, Modifiers::NONE, Key::Escape);
    keys(&mut h, CTRL, Key::Z);
    assert_eq!(
        h.state().document().design().nodes[3].name,
        "Fraud Detection"
    );
}

#[test]
fn save_and_reopen_keeps_positions() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("orders.archsim.ron");
    let dialogs = Scripted::default();
    let mut h = harness(app(Start::default(), &dialogs, None));
    let at = node_on_screen(&h, 1);
    drag(&mut h, at, at + vec2(30.0, 90.0), Modifiers::NONE);
    let moved = h.state().document().design().clone();
    assert!(h.state().window_title().contains('•'));
    dialogs.answer(Some(&target));
    keys(&mut h, CTRL, Key::S);
    let app = h.state();
    assert!(!app.document().is_dirty());
    assert_eq!(app.document().path(), Some(target.as_path()));
    assert!(!app.window_title().contains('•'));
    assert_eq!(app.settings().recent.paths()[0], target);
    // Open it again through the dialog, in a fresh app.
    let dialogs = Scripted::default();
    let mut h = harness(app_with_empty(&dialogs));
    dialogs.answer(Some(&target));
    keys(&mut h, CTRL, Key::O);
    let reopened = h.state().document().design();
    assert_eq!(reopened, &moved);
    assert_eq!(reopened.nodes[1].pos, moved.nodes[1].pos);
}

fn app_with_empty(dialogs: &Scripted) -> ArchsimApp {
    app(Start::Empty, dialogs, None)
}

#[test]
fn unsaved_changes_are_marked_and_guarded() {
    let dialogs = Scripted::default();
    let mut h = harness(app(Start::default(), &dialogs, None));
    assert!(h.query_by_label("• unsaved").is_none());
    h.get_by_role_and_label(egui::accesskit::Role::Button, "Client")
        .click();
    frames(&mut h, 2);
    assert!(h.state().window_title().contains('•'));
    assert!(h.query_by_label("• unsaved").is_some());
    let edited = h.state().document().design().clone();
    // New asks; Cancel keeps the design.
    keys(&mut h, CTRL, Key::N);
    assert!(matches!(h.state().dialog(), Some(Dialog::Unsaved { .. })));
    h.get_by_label("Cancel").click();
    frames(&mut h, 2);
    assert!(h.state().dialog().is_none());
    assert_eq!(h.state().document().design(), &edited);
    // New asks; Discard throws the changes away.
    keys(&mut h, CTRL, Key::N);
    h.get_by_label("Discard").click();
    frames(&mut h, 2);
    assert!(h.state().document().design().nodes.is_empty());
    assert!(!h.state().document().is_dirty());
}

#[test]
fn save_in_the_guard_saves_then_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("kept.archsim.ron");
    let dialogs = Scripted::default();
    let mut h = harness(app(Start::default(), &dialogs, None));
    h.get_by_role_and_label(egui::accesskit::Role::Button, "Service")
        .click();
    frames(&mut h, 2);
    let edited = h.state().document().design().clone();
    keys(&mut h, CTRL, Key::N);
    dialogs.answer(Some(&target));
    h.get_by_label("Save").click();
    frames(&mut h, 2);
    assert_eq!(file::load(&target).unwrap(), edited);
    assert!(h.state().document().design().nodes.is_empty(), "then New");
}

#[test]
fn a_cancelled_save_dialog_keeps_the_design() {
    let dialogs = Scripted::default();
    let mut h = harness(app(Start::default(), &dialogs, None));
    h.get_by_role_and_label(egui::accesskit::Role::Button, "Service")
        .click();
    frames(&mut h, 2);
    keys(&mut h, CTRL, Key::N);
    dialogs.answer(None);
    h.get_by_label("Save").click();
    frames(&mut h, 2);
    assert_eq!(h.state().document().design().nodes.len(), 6);
    assert!(h.state().document().is_dirty());
}

#[test]
fn shortcuts_work_but_not_while_typing() {
    let mut h = example();
    keys(&mut h, CTRL, Key::A);
    assert_eq!(h.state().selection().nodes.len(), 5);
    assert_eq!(h.state().selection().links.len(), 4);
    keys(&mut h, Modifiers::NONE, Key::Escape);
    assert!(h.state().selection().is_empty());
    // Zoom in, then F fits again.
    let fitted = h.state().canvas().transform();
    h.get_by_label("+").click();
    frames(&mut h, 2);
    assert!(h.state().canvas().transform().zoom > fitted.zoom);
    keys(&mut h, Modifiers::NONE, Key::F);
    assert_eq!(h.state().canvas().transform(), fitted);
    // Delete in a text field edits the text, not the design.
    let at = node_on_screen(&h, 4);
    click_at(&mut h, at, Modifiers::NONE);
    h.get_by_label("Name").focus();
    frames(&mut h, 1);
    keys(&mut h, Modifiers::NONE, Key::Delete);
    keys(&mut h, CTRL, Key::A);
    assert_eq!(h.state().document().design().nodes.len(), 5);
    assert_eq!(
        h.state().selection().nodes.len(),
        1,
        "Ctrl+A selected the text, not the design"
    );
    // Out of the field, Delete deletes the node and its link.
    keys(&mut h, Modifiers::NONE, Key::Escape);
    assert_eq!(
        h.state().selection().nodes.len(),
        1,
        "Escape only left the field"
    );
    keys(&mut h, Modifiers::NONE, Key::Delete);
    let design = h.state().document().design();
    assert_eq!((design.nodes.len(), design.links.len()), (4, 3));
}

#[test]
fn autosave_is_offered_after_a_crash_and_not_after_a_clean_exit() {
    let data = tempfile::tempdir().unwrap();
    let dialogs = Scripted::default();
    let mut h = harness(app(Start::default(), &dialogs, Some(data.path())));
    h.get_by_role_and_label(egui::accesskit::Role::Button, "Data store")
        .click();
    frames(&mut h, 2);
    let edited = h.state().document().design().clone();
    let copy = h.state().autosave_path().expect("autosave is on");
    assert!(!copy.exists(), "nothing written before the interval");
    h.input_mut().time = Some(Autosave::INTERVAL_S + 1.0);
    frames(&mut h, 1);
    assert!(copy.exists(), "written after the interval");
    assert_eq!(file::load(&copy).unwrap(), edited);
    drop(h); // a crash: no clean exit

    let mut h = harness(app(Start::default(), &dialogs, Some(data.path())));
    assert!(matches!(h.state().dialog(), Some(Dialog::Recover(_))));
    h.get_by_label("Recover").click();
    frames(&mut h, 2);
    let recovered = h.state();
    assert_eq!(recovered.document().design(), &edited);
    assert!(recovered.document().is_dirty());
    assert!(matches!(
        recovered.document().origin(),
        Origin::Recovered { .. }
    ));
    // The recovered copy was taken over by this session.
    h.state_mut().clean_exit();
    drop(h);

    let h = harness(app(Start::default(), &dialogs, Some(data.path())));
    assert!(
        h.state().dialog().is_none(),
        "nothing to recover after a clean exit"
    );
}

#[test]
fn a_broken_file_shows_where_it_is_broken() {
    let dir = tempfile::tempdir().unwrap();
    let broken = write(
        dir.path(),
        "broken.archsim.ron",
        "(\n    format: 1,\n    name: \"x\",\n    nodes: [(id: \"a\", name: \"A\", kind: Client]\n)\n",
    );
    let h = harness(app(Start::File(broken.clone()), &Scripted::default(), None));
    let Some(Dialog::Error { message, .. }) = h.state().dialog() else {
        panic!("no error dialog: {:?}", h.state().dialog());
    };
    assert!(
        message.starts_with(&format!("{}:4:", broken.display())),
        "{message}"
    );
    assert!(
        h.query_by_label_contains("broken.archsim.ron:4:").is_some(),
        "shown"
    );
    assert!(
        h.state().document().design().nodes.is_empty(),
        "nothing opened"
    );

    // Opening it from the menu while another design is open keeps that one.
    let dialogs = Scripted::default();
    let mut h = harness(app(Start::default(), &dialogs, None));
    dialogs.answer(Some(&broken));
    keys(&mut h, CTRL, Key::O);
    assert!(matches!(h.state().dialog(), Some(Dialog::Error { .. })));
    assert_eq!(h.state().document().design().nodes.len(), 5);
    h.get_by_label("OK").click();
    frames(&mut h, 2);
    assert!(h.state().dialog().is_none());
}

#[test]
fn a_file_dropped_on_the_window_opens() {
    #[derive(Debug)]
    struct Dropped(PathBuf);
    impl egui::DroppedFile for Dropped {
        fn path(&self) -> &Path {
            &self.0
        }
        fn bytes(&self) -> Result<Vec<u8>, String> {
            std::fs::read(&self.0).map_err(|e| e.to_string())
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let example = archsim::library::find("fraud-check-blocking").unwrap();
    let path = write(dir.path(), "dropped.archsim.ron", example.text);
    let mut h = harness(app(Start::Empty, &Scripted::default(), None));
    h.input_mut()
        .dropped_files
        .push(Arc::new(Dropped(path.clone())));
    frames(&mut h, 2);
    assert_eq!(h.state().document().path(), Some(path.as_path()));
    assert_eq!(h.state().document().design().nodes.len(), 5);
}

#[test]
fn double_click_adds_a_service_and_shift_drag_selects_a_box() {
    let mut h = example();
    let empty = node_on_screen(&h, 2) + vec2(0.0, 150.0);
    h.event(Event::PointerMoved(empty));
    for _ in 0..2 {
        button(&h, empty, true, Modifiers::NONE);
        button(&h, empty, false, Modifiers::NONE);
    }
    frames(&mut h, 2);
    let design = h.state().document().design();
    assert_eq!(design.nodes.len(), 6, "double-click added a node");
    assert!(h.state().selection().nodes.contains(&design.nodes[5].id));
    // Its name field has the keyboard: one Escape leaves it, the next
    // clears the selection.
    keys(&mut h, Modifiers::NONE, Key::Escape);
    assert_eq!(h.state().selection().nodes.len(), 1);
    keys(&mut h, Modifiers::NONE, Key::Escape);
    assert!(h.state().selection().is_empty());
    // A box around Payment and Fraud Detection.
    let a = node_on_screen(&h, 2) + vec2(-70.0, -40.0);
    let b = node_on_screen(&h, 3) + vec2(70.0, 40.0);
    let pan = h.state().canvas().transform();
    drag(&mut h, a, b, Modifiers::SHIFT);
    let selected: Vec<&str> = h
        .state()
        .selection()
        .nodes
        .iter()
        .map(|id| id.as_str())
        .collect();
    assert_eq!(selected, vec!["fraud_detection", "payment"]);
    assert_eq!(
        h.state().canvas().transform(),
        pan,
        "box selection does not pan"
    );
}

#[test]
fn dragging_empty_canvas_pans_and_stays_panned() {
    let mut h = example();
    let before = h.state().canvas().transform();
    let from = node_on_screen(&h, 2) + vec2(0.0, 150.0);
    drag(&mut h, from, from + vec2(100.0, 50.0), Modifiers::NONE);
    frames(&mut h, 5);
    let after = h.state().canvas().transform();
    assert_eq!(after.zoom, before.zoom);
    assert!(
        (after.offset - before.offset - vec2(100.0, 50.0)).length() < 1.0,
        "{after:?}"
    );
    assert!(!h.state().document().is_dirty());
}

#[test]
fn the_problem_count_goes_to_the_first_problem() {
    let mut h = example();
    let at = node_on_screen(&h, 2);
    click_at(&mut h, at, Modifiers::NONE);
    let workers = h.get_by_label("Workers");
    workers.focus();
    frames(&mut h, 1);
    keys(&mut h, CTRL, Key::A);
    h.get_by_label("Workers").type_text("0");
    frames(&mut h, 1);
    keys(&mut h, Modifiers::NONE, Key::Enter);
    assert_eq!(
        h.state().document().design().nodes[2]
            .as_service()
            .unwrap()
            .workers,
        0
    );
    assert!(h.query_by_label("⚠ 1 problem").is_some());
    // The message shows beside the field.
    assert!(h.query_by_label_contains("has 0 workers").is_some());
    keys(&mut h, Modifiers::NONE, Key::Escape);
    assert!(h.state().selection().is_empty());
    h.get_by_label("⚠ 1 problem").click();
    frames(&mut h, 2);
    assert!(
        h.state()
            .selection()
            .nodes
            .iter()
            .any(|id| id.as_str() == "payment")
    );
}

#[test]
fn the_overlay_paints_in_graph_coordinates() {
    let mut h = example();
    let seen = Arc::new(Mutex::new(None));
    let record = Arc::clone(&seen);
    h.state_mut().overlay = CanvasOverlay {
        painters: vec![Box::new(move |_painter, transform| {
            *record.lock().unwrap() = Some(*transform);
        })],
        ..CanvasOverlay::default()
    };
    frames(&mut h, 1);
    assert_eq!(*seen.lock().unwrap(), Some(h.state().canvas().transform()));
}

#[test]
fn auto_layout_is_one_undo_step() {
    let mut h = example();
    let at = node_on_screen(&h, 3);
    drag(&mut h, at, at + vec2(0.0, 120.0), Modifiers::NONE);
    let before = h.state().document().design().clone();
    h.get_by_label("View").click();
    frames(&mut h, 2);
    h.get_by_label("Auto layout").click();
    frames(&mut h, 3);
    let design = h.state().document().design();
    let expected = archsim::layout::layered(&before);
    let positions: Vec<_> = design.nodes.iter().map(|n| n.pos).collect();
    assert_eq!(positions, expected);
    // Every node is in view after the layout.
    for i in 0..design.nodes.len() {
        assert!(h.state().canvas().rect().contains(node_on_screen(&h, i)));
    }
    keys(&mut h, CTRL, Key::Z);
    assert_eq!(h.state().document().design(), &before);
}

#[test]
fn help_lists_the_shortcuts() {
    let mut h = example();
    h.get_by_label("Help").click();
    frames(&mut h, 2);
    h.get_by_label("Shortcuts").click();
    frames(&mut h, 2);
    assert_eq!(h.state().dialog(), Some(&Dialog::Shortcuts));
    // Delete and Backspace both delete.
    assert_eq!(h.query_all_by_label("Delete the selection").count(), 2);
    // Shortcuts wait while a dialog is open.
    keys(&mut h, CTRL, Key::A);
    assert!(h.state().selection().is_empty());
    h.get_by_label("Close").click();
    frames(&mut h, 2);
    assert!(h.state().dialog().is_none());
}

#[test]
fn closing_the_window_with_unsaved_changes_asks_first() {
    fn request_close(h: &mut Harness<'_, ArchsimApp>) -> bool {
        h.input_mut()
            .viewports
            .entry(egui::ViewportId::ROOT)
            .or_default()
            .events
            .push(egui::ViewportEvent::Close);
        h.step();
        let commands = &h.output().viewport_output[&egui::ViewportId::ROOT].commands;
        !commands.contains(&egui::ViewportCommand::CancelClose)
    }
    let mut h = example();
    assert!(request_close(&mut h), "nothing to lose: it closes");
    h.get_by_role_and_label(egui::accesskit::Role::Button, "Service")
        .click();
    frames(&mut h, 2);
    assert!(!request_close(&mut h), "the close was cancelled");
    assert!(matches!(h.state().dialog(), Some(Dialog::Unsaved { .. })));
    frames(&mut h, 1);
    h.get_by_label("Discard").click();
    frames(&mut h, 2);
    assert!(request_close(&mut h), "after Discard it closes");
}

#[test]
fn a_number_field_refuses_nan() {
    let mut h = example();
    let middle = node_on_screen(&h, 0).lerp(node_on_screen(&h, 1), 0.5);
    click_at(&mut h, middle, Modifiers::NONE);
    assert_eq!(h.state().selection().links.first(), Some(&0));
    let before = h.state().document().design().links[0].backoff_ms;
    h.get_by_label("Backoff").focus();
    frames(&mut h, 1);
    keys(&mut h, CTRL, Key::A);
    h.get_by_label("Backoff").type_text("nan");
    frames(&mut h, 1);
    keys(&mut h, Modifiers::NONE, Key::Enter);
    assert_eq!(h.state().document().design().links[0].backoff_ms, before);
    assert!(!h.state().document().is_dirty());
}

#[test]
fn ctrl_wheel_zooms_about_the_pointer_and_wheel_pans() {
    /// Runs a frame per event with time moving on: egui smooths the wheel
    /// over time, so with a frozen clock nothing would scroll.
    fn wheel(h: &mut Harness<'_, ArchsimApp>, delta: egui::Vec2, modifiers: Modifiers) {
        for i in 0..12 {
            let t = h.input().time.unwrap_or(0.0) + 1.0 / 60.0;
            h.input_mut().time = Some(t);
            if i == 0 {
                h.input_mut().events.push(Event::MouseWheel {
                    unit: egui::MouseWheelUnit::Point,
                    delta,
                    phase: egui::TouchPhase::Move,
                    modifiers,
                });
            }
            h.step();
        }
    }
    let mut h = example();
    let before = h.state().canvas().transform();
    let at = node_on_screen(&h, 2);
    h.event(Event::PointerMoved(at));
    frames(&mut h, 1);
    wheel(&mut h, vec2(0.0, 60.0), CTRL);
    let zoomed = h.state().canvas().transform();
    assert!(zoomed.zoom > before.zoom * 1.05, "{before:?} -> {zoomed:?}");
    // The node under the pointer stays under it.
    assert!(node_on_screen(&h, 2).distance(at) < 2.0);
    wheel(&mut h, vec2(0.0, -60.0), Modifiers::NONE);
    let panned = h.state().canvas().transform();
    assert_eq!(panned.zoom, zoomed.zoom);
    assert!(
        panned.offset.y < zoomed.offset.y - 30.0,
        "{zoomed:?} -> {panned:?}"
    );
}

/// A file holding the blocking fraud check, and two windows on it.
fn two_windows(dir: &Path) -> (PathBuf, [Harness<'static, ArchsimApp>; 2], Scripted) {
    let example = archsim::library::find("fraud-check-blocking").unwrap();
    let path = write(dir, "shared.archsim.ron", example.text);
    let dialogs = Scripted::default();
    let open = || harness(app(Start::File(path.clone()), &dialogs, None));
    (path.clone(), [open(), open()], dialogs)
}

fn add_from_palette(h: &mut Harness<'_, ArchsimApp>, kind: &str) {
    h.get_by_role_and_label(egui::accesskit::Role::Button, kind)
        .click();
    frames(h, 2);
}

#[test]
fn two_windows_on_one_file_ask_before_saving_over_each_other() {
    let dir = tempfile::tempdir().unwrap();
    let (path, [mut a, mut b], dialogs) = two_windows(dir.path());
    add_from_palette(&mut a, "Service");
    keys(&mut a, CTRL, Key::S);
    let theirs = a.state().document().design().clone();
    assert_eq!(file::load(&path).unwrap(), theirs);
    // The other window's save would throw that service away: it asks.
    add_from_palette(&mut b, "Client");
    let mine = b.state().document().design().clone();
    keys(&mut b, CTRL, Key::S);
    assert!(
        matches!(
            b.state().dialog(),
            Some(Dialog::ChangedOnDisk { unsaved: true, .. })
        ),
        "{:?}",
        b.state().dialog()
    );
    assert_eq!(
        file::load(&path).unwrap(),
        theirs,
        "nothing overwritten yet"
    );
    assert!(b.query_by_label("The file changed on disk").is_some());
    // Save as keeps both.
    let elsewhere = dir.path().join("mine.archsim.ron");
    dialogs.answer(Some(&elsewhere));
    b.get_by_label("Save as…").click();
    frames(&mut b, 2);
    assert_eq!(file::load(&elsewhere).unwrap(), mine);
    assert_eq!(file::load(&path).unwrap(), theirs);
    assert_eq!(b.state().document().path(), Some(elsewhere.as_path()));
}

#[test]
fn a_file_changed_on_disk_can_be_reloaded_or_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    let (path, [mut a, mut b], _) = two_windows(dir.path());
    add_from_palette(&mut a, "Service");
    keys(&mut a, CTRL, Key::S);
    let theirs = a.state().document().design().clone();
    // Reload takes the other window's design.
    add_from_palette(&mut b, "Client");
    keys(&mut b, CTRL, Key::S);
    b.get_by_label("Reload").click();
    frames(&mut b, 2);
    assert_eq!(b.state().document().design(), &theirs);
    assert!(!b.state().document().is_dirty());
    // Overwrite, chosen, saves over it; the first window is asked in turn.
    add_from_palette(&mut b, "Broker");
    let mine = b.state().document().design().clone();
    add_from_palette(&mut a, "Data store");
    keys(&mut a, CTRL, Key::S);
    keys(&mut b, CTRL, Key::S);
    b.get_by_label("Overwrite").click();
    frames(&mut b, 2);
    assert_eq!(file::load(&path).unwrap(), mine);
    add_from_palette(&mut a, "Client");
    keys(&mut a, CTRL, Key::S);
    assert!(matches!(
        a.state().dialog(),
        Some(Dialog::ChangedOnDisk { .. })
    ));
    a.get_by_label("Cancel").click();
    frames(&mut a, 2);
    assert_eq!(file::load(&path).unwrap(), mine, "cancel writes nothing");
    assert!(a.state().document().is_dirty(), "and keeps the changes");
}

#[test]
fn a_change_on_disk_is_noticed_while_the_file_is_open() {
    let dir = tempfile::tempdir().unwrap();
    let (path, [mut a, _], _) = two_windows(dir.path());
    let mut changed = a.state().document().design().clone();
    changed.name = "changed in an editor".into();
    file::save(&changed, &path).unwrap();
    a.input_mut().time = Some(3.0);
    frames(&mut a, 2);
    assert!(
        matches!(
            a.state().dialog(),
            Some(Dialog::ChangedOnDisk {
                unsaved: false,
                then: None,
                ..
            })
        ),
        "{:?}",
        a.state().dialog()
    );
    a.get_by_label("Reload").click();
    frames(&mut a, 2);
    assert_eq!(a.state().document().design(), &changed);
    // Said once per change.
    a.input_mut().time = Some(6.0);
    frames(&mut a, 1);
    assert!(a.state().dialog().is_none());
}

#[test]
fn a_save_supersedes_the_autosave_copy() {
    let dir = tempfile::tempdir().unwrap();
    let data = tempfile::tempdir().unwrap();
    let example = archsim::library::find("fraud-check-blocking").unwrap();
    let path = write(dir.path(), "orders.archsim.ron", example.text);
    let dialogs = Scripted::default();
    let mut h = harness(app(Start::File(path.clone()), &dialogs, Some(data.path())));
    add_from_palette(&mut h, "Service");
    h.input_mut().time = Some(Autosave::INTERVAL_S + 1.0);
    frames(&mut h, 1);
    let copy = h.state().autosave_path().expect("autosave is on");
    assert!(copy.exists());
    keys(&mut h, CTRL, Key::S);
    assert!(!copy.exists(), "the save removed the older copy");
    drop(h); // a crash right after the save
    let h = harness(app(Start::default(), &dialogs, Some(data.path())));
    assert!(h.state().dialog().is_none(), "{:?}", h.state().dialog());
}

#[test]
fn a_crashed_copy_is_compared_with_the_saved_file_before_it_is_offered() {
    let dir = tempfile::tempdir().unwrap();
    let data = tempfile::tempdir().unwrap();
    let example = archsim::library::find("fraud-check-blocking").unwrap();
    let path = write(dir.path(), "orders.archsim.ron", example.text);
    let dialogs = Scripted::default();
    let crash_with_copy = || {
        let mut h = harness(app(Start::File(path.clone()), &dialogs, Some(data.path())));
        add_from_palette(&mut h, "Service");
        h.input_mut().time = Some(Autosave::INTERVAL_S + 1.0);
        frames(&mut h, 1);
        assert!(h.state().autosave_path().unwrap().exists());
        h.state().document().design().clone()
    };
    // The copy holds what the file holds (saved elsewhere, say): nothing
    // to offer, and the copy goes.
    let copied = crash_with_copy();
    file::save(&copied, &path).unwrap();
    let h = harness(app(Start::default(), &dialogs, Some(data.path())));
    assert!(h.state().dialog().is_none(), "{:?}", h.state().dialog());
    drop(h);
    // The file was saved after the copy, with more work: the copy is
    // offered, saying it is older, and saving it over the file asks.
    let _ = crash_with_copy();
    std::thread::sleep(std::time::Duration::from_millis(20));
    let mut later = copied.clone();
    later.name = "saved later".into();
    file::save(&later, &path).unwrap();
    let mut h = harness(app(Start::default(), &dialogs, Some(data.path())));
    assert!(matches!(h.state().dialog(), Some(Dialog::Recover(r)) if r.saved_after.is_some()));
    assert!(
        h.query_by_label_contains("probably older than what is saved")
            .is_some()
    );
    h.get_by_label("Recover").click();
    frames(&mut h, 2);
    keys(&mut h, CTRL, Key::S);
    assert!(matches!(
        h.state().dialog(),
        Some(Dialog::ChangedOnDisk { .. })
    ));
    assert_eq!(
        file::load(&path).unwrap(),
        later,
        "the saved work is still there"
    );
}

#[cfg(unix)]
#[test]
fn opening_a_fifo_or_a_device_says_what_it_is_and_does_not_hang() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe.archsim.ron");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    for (path, what) in [
        (fifo.clone(), "named pipe"),
        (PathBuf::from("/dev/zero"), "character device"),
    ] {
        let dialogs = Scripted::default();
        let mut h = harness(app(Start::Empty, &dialogs, None));
        dialogs.answer(Some(&path));
        keys(&mut h, CTRL, Key::O);
        let Some(Dialog::Error { message, .. }) = h.state().dialog() else {
            panic!("no error for {}: {:?}", path.display(), h.state().dialog());
        };
        assert!(message.contains(what), "{message}");
    }
}

/// The steps of node `i`'s first operation.
fn steps_of(h: &Harness<'_, ArchsimApp>, i: usize) -> Vec<archsim::model::Step> {
    let design = h.state().document().design();
    design.nodes[i].as_service().expect("a service").operations[0]
        .steps
        .clone()
}

#[test]
fn a_step_is_added_from_the_links_of_the_service_and_undone() {
    use archsim::model::Step;
    let mut h = example();
    // Payment (2) works, then calls Fraud Detection.
    let at = node_on_screen(&h, 2);
    click_at(&mut h, at, Modifiers::NONE);
    let before = steps_of(&h, 2);
    assert_eq!(before.len(), 2);
    h.get_by_label("Add step").click();
    frames(&mut h, 2);
    h.get_by_label("Call fraud_detection").click();
    frames(&mut h, 2);
    let after = steps_of(&h, 2);
    assert_eq!(after.len(), 3, "{after:?}");
    assert!(matches!(&after[2], Step::Call(c) if c.link == "fraud_detection"));
    assert!(h.state().document().is_dirty());
    keys(&mut h, CTRL, Key::Z);
    assert_eq!(steps_of(&h, 2), before, "one undo takes the step back");
}

#[test]
fn a_step_is_removed_and_a_parallel_block_takes_calls() {
    use archsim::model::Step;
    let mut h = example();
    let at = node_on_screen(&h, 2);
    click_at(&mut h, at, Modifiers::NONE);
    // Remove the call (step 2), then add a parallel block and put the
    // call inside it.
    let removes = h.get_all_by_label("🗑").count();
    assert!(removes >= 2, "each step has a remove button");
    h.get_all_by_label("🗑").nth(1).expect("step 2").click();
    frames(&mut h, 2);
    assert_eq!(steps_of(&h, 2).len(), 1);
    h.get_by_label("Add step").click();
    frames(&mut h, 2);
    h.get_by_label("Parallel").click();
    frames(&mut h, 2);
    assert!(matches!(steps_of(&h, 2).last(), Some(Step::Parallel(s)) if s.is_empty()));
    // The block has its own "Add step", listed after the operation's.
    h.get_all_by_label("Add step")
        .next()
        .expect("the block's menu")
        .click();
    frames(&mut h, 2);
    h.get_by_label("Call fraud_detection").click();
    frames(&mut h, 2);
    match steps_of(&h, 2).last() {
        Some(Step::Parallel(s)) => {
            assert!(matches!(s.as_slice(), [Step::Call(c)] if c.link == "fraud_detection"))
        }
        other => panic!("expected the parallel block, found {other:?}"),
    }
    let problems = h.state().document().design().problems();
    assert!(
        problems.is_empty(),
        "the edited design is valid: {problems:?}"
    );
}
#[test]
fn typing_after_a_double_click_names_the_new_node() {
    let mut h = example();
    let empty = node_on_screen(&h, 2) + vec2(0.0, 150.0);
    h.event(Event::PointerMoved(empty));
    for _ in 0..2 {
        button(&h, empty, true, Modifiers::NONE);
        button(&h, empty, false, Modifiers::NONE);
    }
    frames(&mut h, 3);
    h.event(Event::Text("Ledger".into()));
    frames(&mut h, 2);
    let design = h.state().document().design();
    assert_eq!(design.nodes.len(), 6);
    assert_eq!(
        design.nodes[5].name, "Ledger",
        "typing replaced the placeholder"
    );
}

#[test]
fn undo_and_redo_keep_what_is_selected_while_it_exists() {
    let mut h = example();
    // A moved node stays selected through undo and redo.
    let at = node_on_screen(&h, 2);
    drag(&mut h, at, at + vec2(0.0, 60.0), Modifiers::NONE);
    assert!(
        h.state()
            .selection()
            .nodes
            .iter()
            .any(|id| id.as_str() == "payment")
    );
    keys(&mut h, CTRL, Key::Z);
    keys(&mut h, CTRL_SHIFT, Key::Z);
    let selected: Vec<&str> = h
        .state()
        .selection()
        .nodes
        .iter()
        .map(|id| id.as_str())
        .collect();
    assert_eq!(selected, vec!["payment"]);
    // A restyled link stays selected when its restyling is undone.
    let middle = node_on_screen(&h, 1).lerp(node_on_screen(&h, 2), 0.5);
    click_at(&mut h, middle, Modifiers::NONE);
    h.get_by_label("Style").click();
    frames(&mut h, 2);
    h.get_by_label("event").click();
    frames(&mut h, 3);
    keys(&mut h, CTRL, Key::Z);
    let app = h.state();
    assert_eq!(app.document().design().links[1].style, Style::Sync);
    assert_eq!(
        app.selection().links.iter().copied().collect::<Vec<_>>(),
        vec![1]
    );
    // An added node that undo takes away is no longer selected.
    add_from_palette(&mut h, "Service");
    keys(&mut h, CTRL, Key::Z);
    assert!(h.state().selection().is_empty());
}

#[test]
fn the_connect_handle_takes_a_press_anywhere_within_20_points() {
    use archsim::app::canvas::HANDLE_HIT_RADIUS;
    const { assert!(2.0 * HANDLE_HIT_RADIUS >= 20.0) };
    let mut h = example();
    // Straight from far away onto the edge of the handle of Shopper (0),
    // without touching the node first: a link, not a pan.
    let before = h.state().canvas().transform();
    let from = handle_on_screen(&h, 0) + vec2(0.0, HANDLE_HIT_RADIUS - 1.0);
    h.event(Event::PointerMoved(from + vec2(0.0, 200.0)));
    frames(&mut h, 1);
    let to = node_on_screen(&h, 2);
    drag(&mut h, from, to, Modifiers::NONE);
    let app = h.state();
    let design = app.document().design();
    assert_eq!(design.links.len(), 5, "a link was made");
    assert_eq!(design.links[4].from.as_str(), "shopper");
    assert_eq!(app.canvas().transform(), before, "the canvas did not pan");
}

#[test]
fn with_snap_to_grid_moved_and_added_nodes_land_on_the_grid() {
    use archsim::app::canvas::GRID;
    let on_grid = |v: f32| (v / GRID).fract() == 0.0;
    let mut h = example();
    h.get_by_label("Snap to grid").click();
    frames(&mut h, 2);
    assert!(h.state().settings().snap, "remembered in the settings");
    let at = node_on_screen(&h, 2);
    drag(&mut h, at, at + vec2(37.0, 23.0), Modifiers::NONE);
    let pos = h.state().document().design().nodes[2].pos;
    assert!(on_grid(pos.x) && on_grid(pos.y), "{pos:?}");
    add_from_palette(&mut h, "Broker");
    let pos = h.state().document().design().nodes[5].pos;
    assert!(on_grid(pos.x) && on_grid(pos.y), "{pos:?}");
    // Off again: a node goes where it is dropped.
    h.get_by_label("Snap to grid").click();
    frames(&mut h, 2);
    let before = h.state().document().design().nodes[3].pos;
    let zoom = h.state().canvas().transform().zoom;
    let at = node_on_screen(&h, 3);
    drag(&mut h, at, at + vec2(0.0, 13.0), Modifiers::NONE);
    let after = h.state().document().design().nodes[3].pos;
    assert!(
        (after.y - before.y - 13.0 / zoom).abs() <= 0.5,
        "{before:?} {after:?}"
    );
}

#[test]
fn nodes_added_from_the_palette_or_by_double_click_overlap_nothing() {
    let mut h = example();
    // A double-click just under Payment: the new service moves clear.
    let zoom = h.state().canvas().transform().zoom;
    let near = node_on_screen(&h, 2) + vec2(0.0, 40.0 * zoom);
    h.event(Event::PointerMoved(near));
    for _ in 0..2 {
        button(&h, near, true, Modifiers::NONE);
        button(&h, near, false, Modifiers::NONE);
    }
    frames(&mut h, 2);
    keys(&mut h, Modifiers::NONE, Key::Escape);
    for kind in ["Service", "Service", "Broker"] {
        add_from_palette(&mut h, kind);
    }
    let design = h.state().document().design().clone();
    assert_eq!(design.nodes.len(), 9);
    for node in &design.nodes[5..] {
        let mut others = design.clone();
        others.nodes.retain(|n| n.id != node.id);
        let shape = archsim::visual::NodeShape::of(&node.kind);
        assert_eq!(
            archsim::placement::free_spot(&others, shape, node.pos),
            node.pos,
            "{} is clear of the others",
            node.id
        );
    }
}

/// The text the last frames put on the system clipboard.
fn copied_text(h: &Harness<'_, ArchsimApp>) -> Option<String> {
    h.output()
        .platform_output
        .commands
        .iter()
        .find_map(|c| match c {
            egui::OutputCommand::CopyText(text) => Some(text.clone()),
            _ => None,
        })
}

#[test]
fn copied_nodes_paste_with_their_links_here_and_in_another_window() {
    let mut h = example();
    // Payment, then Shift+click Fraud Detection; copy.
    let at = node_on_screen(&h, 2);
    click_at(&mut h, at, Modifiers::NONE);
    let at = node_on_screen(&h, 3);
    click_at(&mut h, at, Modifiers::SHIFT);
    h.event(Event::Copy);
    frames(&mut h, 0);
    let text = copied_text(&h).expect("copied to the system clipboard");
    frames(&mut h, 1);
    // Pasted here (the menu's Paste uses what this window copied).
    h.get_by_label("Edit").click();
    frames(&mut h, 2);
    h.get_by_label_contains("Paste").click();
    frames(&mut h, 3);
    let app = h.state();
    let design = app.document().design();
    assert_eq!((design.nodes.len(), design.links.len()), (7, 5));
    assert_eq!(design.links[4].label(), "payment_2 -> fraud_detection_2");
    let selected: Vec<&str> = app.selection().nodes.iter().map(|id| id.as_str()).collect();
    assert_eq!(
        selected,
        ["fraud_detection_2", "payment_2"],
        "the copies are selected"
    );
    assert_eq!(
        app.selection().links.iter().copied().collect::<Vec<_>>(),
        [4]
    );
    // One undo step.
    keys(&mut h, CTRL, Key::Z);
    assert_eq!(h.state().document().design().nodes.len(), 5);

    // Another window pastes the system clipboard's text.
    let mut other = harness(app_with_empty(&Scripted::default()));
    other.event(Event::Paste(text));
    frames(&mut other, 2);
    let design = other.state().document().design();
    let ids: Vec<&str> = design.nodes.iter().map(|n| n.id.as_str()).collect();
    assert_eq!(ids, ["payment", "fraud_detection"], "ids kept where free");
    assert_eq!(design.links.len(), 1);
    // Text that is not a copy of nodes is refused, saying why.
    other.event(Event::Paste("hello".into()));
    frames(&mut other, 2);
    assert_eq!(other.state().document().design().nodes.len(), 2);
    other.get_by_label_contains("Cannot paste");
}

#[test]
fn cut_takes_the_nodes_away_and_paste_brings_them_back() {
    let mut h = example();
    let at = node_on_screen(&h, 4);
    click_at(&mut h, at, Modifiers::NONE);
    keys(&mut h, CTRL, Key::X);
    assert_eq!(h.state().document().design().nodes.len(), 4);
    keys(&mut h, CTRL, Key::V);
    let design = h.state().document().design();
    assert_eq!(design.nodes.len(), 5);
    assert_eq!(
        design.nodes[4].id.as_str(),
        "customer",
        "its id was free again"
    );
}

/// Dialogs that cannot be shown, as on a desktop without a portal.
struct Unavailable;

impl FileDialogs for Unavailable {
    fn open_design(&mut self, _dir: Option<&Path>) -> Picked {
        Picked::Unavailable("No file dialog is available here.".into())
    }

    fn open_traces(&mut self, _dir: Option<&Path>) -> Picked {
        Picked::Unavailable("No file dialog is available here.".into())
    }

    fn save_design(&mut self, dir: Option<&Path>, _name: &str) -> Picked {
        self.open_design(dir)
    }

    fn save_report(&mut self, dir: Option<&Path>, _name: &str) -> Picked {
        self.open_design(dir)
    }
}

#[test]
fn without_a_file_dialog_the_app_says_why_and_takes_a_typed_path() {
    let dir = tempfile::tempdir().unwrap();
    let example = archsim::library::find("fraud-check-background").unwrap();
    let path = write(dir.path(), "typed.archsim.ron", example.text);
    let env = Environment {
        data_dir: None,
        dialogs: Box::new(Unavailable),
    };
    let settings = Settings {
        legend: false,
        ..Settings::default()
    };
    let mut h = harness(ArchsimApp::new(env, Start::Empty, settings));
    keys(&mut h, CTRL, Key::O);
    h.get_by_label("No file dialog is available here.");
    h.get_by_label("Open a design");
    let field = h.get_by_role_and_label(egui::accesskit::Role::TextInput, "Path");
    field.focus();
    frames(&mut h, 1);
    keys(&mut h, CTRL, Key::A);
    h.get_by_role_and_label(egui::accesskit::Role::TextInput, "Path")
        .type_text(&path.display().to_string());
    frames(&mut h, 1);
    h.get_by_label("Open").click();
    frames(&mut h, 3);
    assert_eq!(h.state().document().path(), Some(path.as_path()));
    // Save as: typed too, the extension added.
    keys(&mut h, CTRL_SHIFT, Key::S);
    h.get_by_label("Save the design");
    let target = dir.path().join("copy");
    let field = h.get_by_role_and_label(egui::accesskit::Role::TextInput, "Path");
    field.focus();
    frames(&mut h, 1);
    keys(&mut h, CTRL, Key::A);
    h.get_by_role_and_label(egui::accesskit::Role::TextInput, "Path")
        .type_text(&target.display().to_string());
    frames(&mut h, 1);
    h.get_by_label("Save").click();
    frames(&mut h, 3);
    let saved = dir.path().join("copy.archsim.ron");
    assert!(saved.exists(), "saved with the design extension");
    assert_eq!(h.state().document().path(), Some(saved.as_path()));
}

#[test]
fn faults_read_in_words_and_links_by_node_names() {
    // Tall enough for the scenario's faults to be in view.
    let mut h = Harness::builder()
        .with_size(vec2(1280.0, 1600.0))
        .build_ui_state(
            |ui, app: &mut ArchsimApp| app.frame_ui(ui),
            app(
                Start::Example("pricing-grid-dead-letter"),
                &Scripted::default(),
                None,
            ),
        );
    h.input_mut().time = Some(0.0);
    frames(&mut h, 3);
    h.get_by_value("poison messages");
    h.get_by_value("Trading Desk → Pricing Grid");
    assert!(h.query_by_value("Poison").is_none());
    assert!(h.query_by_value("trading_desk -> pricing_grid").is_none());
}

#[test]
fn the_canvas_draws_every_link_where_the_report_does() {
    for example in archsim::library::EXAMPLES {
        let h = harness(app(
            Start::Example(example.slug),
            &Scripted::default(),
            None,
        ));
        let app = h.state();
        let design = app.document().design();
        let positions: Vec<_> = design.nodes.iter().map(|n| n.pos).collect();
        let routes = archsim::visual::link_routes(design, &positions);
        for (i, route) in routes.iter().enumerate() {
            let drawn = app.canvas().link_path_in_graph(LinkIdx(i));
            let expected = Some(route.concat()).filter(|r| !r.is_empty());
            assert_eq!(drawn, expected, "{}: link {i}", example.slug);
        }
    }
}

#[test]
fn an_entry_points_objectives_are_set_in_the_inspector_and_undone() {
    let mut h = example();
    assert!(
        h.state().document().design().entry_points[0]
            .objectives
            .is_empty()
    );
    // Nothing selected: the design's own fields, its entry points among them.
    h.get_by_label("Objectives").click();
    frames(&mut h, 2);
    // Mean, median, p95, p99: the fourth "at most" promises a p99.
    h.get_all_by_label("at most")
        .nth(3)
        .expect("a p99 objective to tick")
        .click();
    frames(&mut h, 2);
    h.get_by_label("at least").click();
    frames(&mut h, 2);
    let objectives = &h.state().document().design().entry_points[0].objectives;
    assert_eq!(objectives.p99_ms, Some(500.0));
    assert_eq!(objectives.availability, Some(0.999));
    assert!(h.query_by_label("Objectives (2)").is_some());
    assert!(h.state().document().is_dirty());
    // The availability's error budget period appears once there is one.
    assert!(h.query_by_label("over").is_some());
    keys(&mut h, CTRL, Key::Z);
    keys(&mut h, CTRL, Key::Z);
    assert!(
        h.state().document().design().entry_points[0]
            .objectives
            .is_empty()
    );
}

/// File dialogs shown on a thread of their own, which answer only when the
/// test lets them: a dialog left open.
#[derive(Clone, Default)]
struct LeftOpen {
    answer: Arc<(Mutex<Option<PathBuf>>, std::sync::Condvar)>,
}

impl LeftOpen {
    fn choose(&self, path: &Path) {
        let (chosen, wake) = &*self.answer;
        *chosen.lock().unwrap() = Some(path.to_owned());
        wake.notify_all();
    }
}

impl FileDialogs for LeftOpen {
    fn open_design(&mut self, _dir: Option<&Path>) -> Picked {
        let (chosen, wake) = &*self.answer;
        let mut path = chosen.lock().unwrap();
        while path.is_none() {
            path = wake.wait(path).unwrap();
        }
        Picked::from(path.take())
    }

    fn open_traces(&mut self, _dir: Option<&Path>) -> Picked {
        Picked::Cancelled
    }

    fn save_design(&mut self, _dir: Option<&Path>, _name: &str) -> Picked {
        Picked::Cancelled
    }

    fn save_report(&mut self, _dir: Option<&Path>, _name: &str) -> Picked {
        Picked::Cancelled
    }

    fn on_a_thread(&self) -> Option<Box<dyn FileDialogs + Send>> {
        Some(Box::new(self.clone()))
    }
}

#[test]
fn the_window_keeps_working_while_a_file_dialog_is_open() {
    let dir = tempfile::tempdir().unwrap();
    let other = archsim::library::find("catalogue-cache")
        .unwrap()
        .design()
        .unwrap();
    let path = dir.path().join("other.archsim.ron");
    file::save(&other, &path).unwrap();
    let dialogs = LeftOpen::default();
    let env = Environment {
        data_dir: None,
        dialogs: Box::new(dialogs.clone()),
    };
    let mut h = harness(ArchsimApp::new(
        env,
        Start::default(),
        Settings {
            legend: false,
            ..Settings::default()
        },
    ));
    let before = h.state().document().design().name.clone();
    keys(&mut h, CTRL, Key::O);
    // The dialog is open on its thread: frames go on, and the window
    // answers the keyboard (a second Open is refused, not queued).
    frames(&mut h, 5);
    keys(&mut h, CTRL, Key::O);
    assert_eq!(h.state().document().design().name, before);
    dialogs.choose(&path);
    let started = std::time::Instant::now();
    while h.state().document().path() != Some(path.as_path()) {
        assert!(
            started.elapsed() < std::time::Duration::from_secs(10),
            "the chosen file was not opened"
        );
        std::thread::sleep(std::time::Duration::from_millis(10));
        frames(&mut h, 1);
    }
    assert_eq!(h.state().document().design().name, other.name);
}

#[test]
fn a_design_is_imported_from_traces_with_its_report_and_stays_unsaved_until_saved() {
    let traces = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/traces/checkout.otlp.jsonl");
    let dialogs = Scripted::default();
    let mut h = harness(app(Start::default(), &dialogs, None));
    dialogs.answer(Some(&traces));
    h.get_by_label("File").click();
    frames(&mut h, 2);
    h.get_by_label("Import traces…").click();
    frames(&mut h, 4);
    let doc = h.state().document();
    assert!(doc.is_dirty(), "an imported design is unsaved work");
    assert_eq!(doc.origin(), &Origin::Untitled);
    let names: Vec<&str> = doc.design().nodes.iter().map(|n| n.name.as_str()).collect();
    for service in [
        "gateway",
        "orders",
        "inventory",
        "payment",
        "shipping",
        "stripe",
    ] {
        assert!(names.contains(&service), "{service} in {names:?}");
    }
    assert_eq!(
        h.state().side_tab(),
        archsim::app::SideTab::Import,
        "the report shows"
    );
    assert!(
        h.query_by_label_contains("Check these").is_some(),
        "with its guesses"
    );
    assert!(h.query_by_label_contains("workers: gateway").is_some());
    // Nodes with guesses are marked until the guess is confirmed.
    let ids = |h: &Harness<'_, ArchsimApp>| -> Vec<String> {
        h.state()
            .guessed_nodes()
            .iter()
            .map(|s| (*s).to_owned())
            .collect()
    };
    assert!(ids(&h).contains(&"orders".to_owned()), "{:?}", ids(&h));
    assert!(
        ids(&h).contains(&"redis".to_owned()),
        "the guessed write latency"
    );
    h.get_all_by_label("Confirm").next().unwrap().click();
    frames(&mut h, 2);
    assert!(
        !ids(&h).contains(&"orders".to_owned()),
        "confirmed: {:?}",
        ids(&h)
    );
    assert!(
        ids(&h).contains(&"redis".to_owned()),
        "the others stay marked"
    );
    // Setting the real value answers a guess too.
    assert!(ids(&h).contains(&"stripe".to_owned()));
    let stripe = h
        .state()
        .document()
        .design()
        .nodes
        .iter()
        .position(|n| n.name == "stripe")
        .unwrap();
    let at = node_on_screen(&h, stripe);
    click_at(&mut h, at, Modifiers::NONE);
    h.get_by_label("Workers").focus();
    frames(&mut h, 1);
    keys(&mut h, CTRL, Key::A);
    h.get_by_label("Workers").type_text("40");
    frames(&mut h, 1);
    keys(&mut h, Modifiers::NONE, Key::Enter);
    frames(&mut h, 2);
    let workers = h.state().document().design().nodes[stripe]
        .as_service()
        .map(|s| s.workers);
    assert_eq!(workers, Some(40));
    assert!(
        !ids(&h).contains(&"stripe".to_owned()),
        "edited: {:?}",
        ids(&h)
    );
    assert!(ids(&h).contains(&"redis".to_owned()));
    h.get_by_label("Import").click();
    frames(&mut h, 2);
    // The report stays while the user looks elsewhere.
    h.get_by_label("Inspector").click();
    frames(&mut h, 2);
    h.get_by_label("Import").click();
    frames(&mut h, 2);
    assert!(h.query_by_label_contains("Check these").is_some());
    // Closing it keeps the design; the tab goes with the report.
    h.get_by_label("Done: close the import report").click();
    frames(&mut h, 2);
    assert!(h.query_by_label("Import").is_none());
    assert_eq!(h.state().side_tab(), archsim::app::SideTab::Inspector);
    assert!(h.state().document().design().nodes.len() >= 9);
    // A file that is not traces says why, and keeps the design.
    let dir = tempfile::tempdir().unwrap();
    let not_traces = dir.path().join("notes.json");
    std::fs::write(&not_traces, "{\"name\": \"not traces\"}").unwrap();
    let before = h.state().document().design().clone();
    dialogs.answer(Some(&not_traces));
    h.get_by_label("File").click();
    frames(&mut h, 2);
    h.get_by_label("Import traces…").click();
    frames(&mut h, 4);
    // The imported design has unsaved changes: the guard asks first.
    assert!(
        matches!(h.state().dialog(), Some(Dialog::Unsaved { .. })),
        "{:?} dirty {}",
        h.state().dialog(),
        h.state().document().is_dirty()
    );
    h.get_by_label("Discard").click();
    frames(&mut h, 3);
    assert!(
        matches!(h.state().dialog(), Some(Dialog::Error { title, .. }) if title == "Cannot import traces"),
        "{:?}",
        h.state().dialog()
    );
    assert_eq!(h.state().document().design(), &before);
    h.get_by_label("OK").click();
    frames(&mut h, 2);
    // Opening a design through the file dialog asks about unsaved changes
    // too; Cancel keeps them.
    let other = dir.path().join("other.archsim.ron");
    let design = archsim::library::find("catalogue-cache")
        .unwrap()
        .design()
        .unwrap();
    file::save(&design, &other).unwrap();
    dialogs.answer(Some(&other));
    keys(&mut h, CTRL, Key::O);
    assert!(
        matches!(h.state().dialog(), Some(Dialog::Unsaved { .. })),
        "{:?}",
        h.state().dialog()
    );
    h.get_by_label("Cancel").click();
    frames(&mut h, 2);
    assert_eq!(h.state().document().design(), &before);
}
