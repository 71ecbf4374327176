//! Any bytes that load as a design go through everything a user does with
//! it: analysis, suggestions applied, the layout, a short simulation and
//! the report's diagram. Nothing may panic, hang or run away (the limits
//! are tight, so every input finishes in well under a second).
#![no_main]

use std::time::Duration;

use archsim::model::file;
use archsim::report::{self, Format, ReportOptions, Source};
use archsim::sim::{self, Limits, SimOptions};
use archsim::{advice, analysis, layout};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(design) = file::parse_bytes(data, "fuzz.archsim.ron") else {
        return;
    };
    let found = analysis::analyse(&design);
    for s in advice::suggestions(&found).into_iter().take(8) {
        let after = s
            .refactor
            .apply(&design)
            .unwrap_or_else(|e| panic!("{} does not apply: {e}", s.id));
        assert!(
            after.problems().is_empty(),
            "{} makes an invalid design: {:?}",
            s.id,
            after.problems().first()
        );
    }
    let positions = layout::layered(&design);
    assert_eq!(positions.len(), design.nodes.len());
    let limits = Limits {
        max_events: 20_000,
        max_live: 5_000,
        max_wall: Some(Duration::from_secs(1)),
        ..Limits::default()
    };
    let options = SimOptions {
        replications: 2,
        duration_s: Some(design.scenario.warmup_s + 1.0),
        series_buckets: Some(4),
        limits,
        ..SimOptions::default()
    };
    match sim::simulate(&design, &options) {
        Ok(run) => {
            let _ = analysis::analyse_run(&design, &run);
        }
        Err(sim::SimError::TooMuchWork(_)) => {}
        Err(e) => panic!("a valid design does not simulate: {e}"),
    }
    let diagram = ReportOptions::new(Source {
        design: "fuzz.archsim.ron".into(),
        output: "fuzz.svg".into(),
        unsaved_changes: false,
    });
    let svg = report::generate(&design, Format::Svg, &diagram).expect("a diagram");
    assert!(
        svg.starts_with("<svg") || svg.starts_with("<?xml"),
        "{svg:.100}"
    );
});
