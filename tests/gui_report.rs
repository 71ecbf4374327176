//! File ▸ Export report… in the desktop app, driven headless through
//! egui_kittest: the save dialog (scripted), the report made on a
//! background thread while frames go on, progress, Cancel.
#![cfg(feature = "gui")]

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use archsim::app::files::{FileDialogs, Picked};
use archsim::app::{ArchsimApp, Environment, Settings, Start};
use egui::vec2;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;

/// A save-report dialog that answers `path` (or Cancel when `None`);
/// designs are never opened or saved here.
struct ReportDialog {
    path: Option<PathBuf>,
}

impl FileDialogs for ReportDialog {
    fn open_design(&mut self, _dir: Option<&Path>) -> Picked {
        Picked::Cancelled
    }

    fn open_traces(&mut self, _dir: Option<&Path>) -> Picked {
        Picked::Cancelled
    }

    fn save_design(&mut self, _dir: Option<&Path>, _name: &str) -> Picked {
        Picked::Cancelled
    }

    fn save_report(&mut self, _dir: Option<&Path>, name: &str) -> Picked {
        assert!(name.ends_with("-report.html"), "suggested name {name:?}");
        Picked::from(self.path.clone())
    }
}

fn harness(start: Start, answer: Option<PathBuf>) -> Harness<'static, ArchsimApp> {
    let env = Environment {
        data_dir: None,
        dialogs: Box::new(ReportDialog { path: answer }),
    };
    let app = ArchsimApp::new(env, start, Settings::default());
    let mut h = Harness::builder()
        .with_size(vec2(1280.0, 800.0))
        .build_ui_state(|ui, app: &mut ArchsimApp| app.frame_ui(ui), app);
    h.input_mut().time = Some(0.0);
    h.step();
    h.run_steps(3);
    h
}

/// File ▸ Export report…
fn export(h: &mut Harness<'_, ArchsimApp>) {
    h.get_by_label("File").click();
    h.step();
    h.run_steps(2);
    h.get_by_label("Export report…").click();
    h.step();
    h.run_steps(2);
}

/// Steps frames until the export has ended; panics after two minutes.
fn until_exported(h: &mut Harness<'_, ArchsimApp>) {
    until(h, "the export", |app| app.export_job().is_none());
}

/// Steps frames until `done`; panics after two minutes.
fn until(h: &mut Harness<'_, ArchsimApp>, what: &str, done: impl Fn(&ArchsimApp) -> bool) {
    let start = Instant::now();
    while !done(h.state()) {
        assert!(
            start.elapsed() < Duration::from_secs(120),
            "{what} does not end"
        );
        std::thread::sleep(Duration::from_millis(50));
        h.step();
    }
    h.run_steps(2);
}

#[test]
fn the_report_is_made_in_the_background_with_progress() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let target = dir.path().join("review.html");
    let mut h = harness(Start::default(), Some(target.clone()));
    export(&mut h);
    // The window goes on drawing while the simulations run.
    assert!(
        h.state().export_job().is_some(),
        "the export runs in the background"
    );
    h.get_by_label_contains("Simulating the design and every suggestion");
    until_exported(&mut h);
    let html = std::fs::read_to_string(&target).expect("the report is written");
    let doc = roxmltree::Document::parse_with_options(
        &html,
        roxmltree::ParsingOptions {
            allow_dtd: true,
            ..roxmltree::ParsingOptions::default()
        },
    )
    .expect("well-formed");
    let text: String = doc.descendants().filter_map(|n| n.text()).collect();
    assert!(text.contains("MusicCorp order placement"));
    assert!(text.contains("archsim report fraud-check-blocking -o review.html"));
    h.get_by_label_contains("Exported the report to");
}

#[test]
fn cancel_stops_the_export_and_writes_nothing() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let target = dir.path().join("review.md");
    // The example with the most suggestions to measure: long enough to
    // cancel in the middle.
    let mut h = harness(
        Start::Example("store-and-trading-shared-data"),
        Some(target.clone()),
    );
    export(&mut h);
    h.get_by_label("Cancel").click();
    h.step();
    until_exported(&mut h);
    assert!(!target.exists(), "a cancelled export writes nothing");
    h.get_by_label_contains("Export cancelled");
}

#[test]
fn closing_the_dialog_exports_nothing() {
    let mut h = harness(Start::default(), None);
    export(&mut h);
    assert!(h.state().export_job().is_none());
}

#[test]
fn a_report_exported_with_what_if_faults_includes_them_and_says_so() {
    use archsim::app::run::what_if::WhatIf;
    use archsim::model::{Fault, NodeId};
    let dir = tempfile::tempdir().expect("temporary folder");
    let target = dir.path().join("review.md");
    let mut h = harness(Start::default(), Some(target.clone()));
    let crash = WhatIf::Fault(Fault::Crash {
        node: NodeId::new("payment"),
        at_s: 20.0,
        for_s: 30.0,
    });
    let design = h.state().document().design().clone();
    h.state_mut().simulation_mut().add_what_if(crash, &design);
    export(&mut h);
    h.get_by_label_contains("includes the 1 what-if fault");
    until_exported(&mut h);
    let text = std::fs::read_to_string(&target).expect("the report is written");
    assert!(text.contains("Payment down at 20 s for 30 s"), "{text}");
    assert!(text.contains("injected in the app; not in the design file"));
    assert!(!text.contains("none injected"), "the faults are not denied");
    // The crash is in the scenario simulated.
    assert!(text.contains("Payment is down from"), "{text}");
}

#[test]
fn a_study_run_in_the_studies_tab_gets_its_section_in_the_exported_report() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let target = dir.path().join("review.html");
    let mut h = harness(Start::default(), Some(target.clone()));
    h.get_by_label("Studies").click();
    h.run_steps(2);
    h.get_by_label("Sensitivity").click();
    h.run_steps(2);
    h.get_by_label("Run sensitivity").click();
    h.run_steps(1);
    until(&mut h, "the study", |app| !app.studies().is_running());
    h.get_by_label("Capacity").click();
    h.run_steps(2);
    h.get_by_label_contains("No capacity study yet");
    export(&mut h);
    until_exported(&mut h);
    let html = std::fs::read_to_string(&target).expect("the report is written");
    assert!(
        html.contains("<section id=\"sensitivity\">"),
        "the sensitivity study is in the report"
    );
    assert!(
        !html.contains("<section id=\"capacity\">"),
        "a study not run is not"
    );
    assert!(html.contains("archsim study sensitivity fraud-check-blocking --seed"));
    assert!(
        html.contains("--study sensitivity"),
        "the command says so too"
    );
}
