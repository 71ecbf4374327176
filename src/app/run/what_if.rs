//! What-if faults: failures injected from a node's menu for the next runs
//! only.
//!
//! They are **run-time overrides**, not edits: the design and its saved
//! scenario stay as they are (nothing to undo, nothing marked unsaved), the
//! run toolbar lists them in amber as "not saved", and one button keeps
//! them in the design's scenario as one undoable edit. Playing with
//! failures should not change the file; keeping one should be deliberate.

use egui::{DragValue, RichText, Ui};

use crate::model::{Design, Fault, NodeId, NodeKind};

/// One injected failure.
#[derive(Debug, Clone, PartialEq)]
pub enum WhatIf {
    /// A crash or a slow-down of a node, as the scenario writes it.
    Fault(Fault),
    /// The service fails this fraction of its requests, all run long.
    Errors {
        /// The service.
        node: NodeId,
        /// Fraction of requests that fail, 0 to 1.
        rate: f64,
    },
}

impl WhatIf {
    /// The node it breaks.
    pub fn node(&self) -> Option<&NodeId> {
        match self {
            Self::Fault(f) => f.node(),
            Self::Errors { node, .. } => Some(node),
        }
    }

    /// When it is in force, simulated seconds (`None`: the whole run).
    pub fn window(&self) -> Option<(f64, f64)> {
        match *self {
            Self::Fault(Fault::Crash { at_s, for_s, .. } | Fault::SlowDown { at_s, for_s, .. }) => {
                Some((at_s, at_s + for_s))
            }
            Self::Fault(_) | Self::Errors { .. } => None,
        }
    }

    /// What it does, for people.
    pub fn describe(&self, design: &Design) -> String {
        let name = self.node().map_or("?", |id| design.display_name(id));
        match self {
            Self::Fault(Fault::Crash { at_s, for_s, .. }) => {
                format!("{name} down at {at_s} s for {for_s} s")
            }
            Self::Fault(Fault::SlowDown {
                at_s,
                for_s,
                factor,
                ..
            }) => format!("{name} {factor}× slower at {at_s} s for {for_s} s"),
            Self::Fault(f) => format!(
                "{} on {name}",
                crate::visual::fault_kind_label(f.kind_name())
            ),
            Self::Errors { rate, .. } => format!("{name} fails {:.0} % of requests", rate * 100.0),
        }
    }

    /// Makes the failure part of `design` (its scenario, or the service's
    /// error rate).
    fn put_into(&self, design: &mut Design) {
        match self {
            Self::Fault(f) => design.scenario.faults.push(f.clone()),
            Self::Errors { node, rate } => {
                if let Some(NodeKind::Service(s)) = design.node_mut(node).map(|n| &mut n.kind) {
                    s.error_rate = *rate;
                }
            }
        }
    }
}

/// `design` with `what_ifs` in force: what a run simulates.
pub fn with_faults(design: &Design, what_ifs: &[WhatIf]) -> Design {
    let mut out = design.clone();
    keep_in(&mut out, what_ifs);
    out
}

/// Makes `what_ifs` part of `design` for good.
pub fn keep_in(design: &mut Design, what_ifs: &[WhatIf]) {
    for w in what_ifs {
        w.put_into(design);
    }
}

/// Which faults a node of `kind` can take: (crash, slow down, errors).
fn allowed(kind: &NodeKind) -> (bool, bool, bool) {
    match kind {
        NodeKind::Service(_) => (true, true, true),
        NodeKind::DataStore(_) => (true, true, false),
        NodeKind::Broker(_) => (true, false, false),
        NodeKind::Client => (false, false, false),
    }
}

/// The values being edited in a node's fault menu, kept while it is open.
#[derive(Debug, Clone, PartialEq)]
pub struct Draft {
    /// When, simulated seconds.
    pub at_s: f64,
    /// For how long, seconds.
    pub for_s: f64,
    /// Slow-down factor.
    pub factor: f64,
    /// Error rate, percent.
    pub percent: f64,
}

impl Draft {
    /// Starting values for a run of `duration_s` seconds, the failure
    /// starting at `at_s`.
    pub fn new(at_s: f64, duration_s: f64) -> Self {
        Self {
            at_s: at_s.max(0.0).round(),
            for_s: (duration_s / 6.0).clamp(1.0, 60.0).round(),
            factor: 5.0,
            percent: 20.0,
        }
    }
}

/// The fault items of node `index`'s menu. Returns the fault injected, if
/// one was.
pub fn node_menu_ui(
    ui: &mut Ui,
    design: &Design,
    index: usize,
    draft: &mut Draft,
) -> Option<WhatIf> {
    let node = design.nodes.get(index)?;
    let (crash, slow, errors) = allowed(&node.kind);
    ui.label(RichText::new(design.display_name(&node.id)).strong());
    if !(crash || slow || errors) {
        ui.weak("Clients cannot be broken: load enters here.");
        return None;
    }
    ui.label(
        RichText::new("What-if fault for the next runs (not saved)")
            .small()
            .weak(),
    );
    ui.separator();
    let mut injected = None;
    egui::Grid::new("what-if-draft")
        .num_columns(2)
        .show(ui, |ui| {
            ui.label("From");
            ui.add(
                DragValue::new(&mut draft.at_s)
                    .range(0.0..=1e6)
                    .suffix(" s"),
            );
            ui.end_row();
            ui.label("For");
            ui.add(
                DragValue::new(&mut draft.for_s)
                    .range(0.1..=1e6)
                    .suffix(" s"),
            );
            ui.end_row();
        });
    let id = node.id.clone();
    if crash && ui.button("Crash it").clicked() {
        injected = Some(WhatIf::Fault(Fault::Crash {
            node: id.clone(),
            at_s: draft.at_s,
            for_s: draft.for_s,
        }));
    }
    if slow {
        ui.horizontal(|ui| {
            if ui.button("Slow it down").clicked() {
                injected = Some(WhatIf::Fault(Fault::SlowDown {
                    node: id.clone(),
                    at_s: draft.at_s,
                    for_s: draft.for_s,
                    factor: draft.factor,
                }));
            }
            ui.add(
                DragValue::new(&mut draft.factor)
                    .range(1.1..=1000.0)
                    .speed(0.1)
                    .prefix("×"),
            );
        });
    }
    if errors {
        ui.separator();
        ui.horizontal(|ui| {
            if ui.button("Fail requests").clicked() {
                injected = Some(WhatIf::Errors {
                    node: id.clone(),
                    rate: draft.percent / 100.0,
                });
            }
            ui.add(
                DragValue::new(&mut draft.percent)
                    .range(0.0..=100.0)
                    .suffix(" %"),
            );
            ui.weak("all run long");
        });
    }
    if injected.is_some() {
        ui.close();
    }
    injected
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::library;

    #[test]
    fn faults_go_into_a_copy_and_only_there() {
        let design = library::example("fraud-check-blocking");
        let what_ifs = [
            WhatIf::Fault(Fault::Crash {
                node: "payment".into(),
                at_s: 30.0,
                for_s: 10.0,
            }),
            WhatIf::Errors {
                node: "customer".into(),
                rate: 0.25,
            },
        ];
        let broken = with_faults(&design, &what_ifs);
        assert!(design.scenario.faults.is_empty());
        assert_eq!(broken.scenario.faults.len(), 1);
        let customer = broken.node(&"customer".into()).and_then(|n| n.as_service());
        assert_eq!(customer.map(|s| s.error_rate), Some(0.25));
        assert!(broken.problems().is_empty());
        assert_eq!(what_ifs[0].window(), Some((30.0, 40.0)));
        assert_eq!(
            what_ifs[0].describe(&design),
            "Payment down at 30 s for 10 s"
        );
    }
}
