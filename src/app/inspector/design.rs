//! The inspector with nothing selected: the design itself — its name and
//! description, its entry points (where load enters), the scenario of a
//! run with its faults, and the analysis thresholds.

use egui::{CollapsingHeader, Grid, Ui};

use crate::model::{
    Arrival, Design, Distribution, EntryPoint, Fault, FieldPath, LinkRef, Load, NodeId, Objectives,
    Scenario, Thresholds,
};

use super::super::edit;
use super::form::{Form, options};
use super::{InspectorAction, InspectorEdit};

/// Everything about a design that is not its nodes and links.
#[derive(Debug, Clone, PartialEq)]
pub struct Meta {
    /// Title.
    pub name: String,
    /// What the design shows.
    pub description: String,
    /// Where load enters.
    pub entry_points: Vec<EntryPoint>,
    /// Duration, seed, faults.
    pub scenario: Scenario,
    /// Analysis thresholds.
    pub thresholds: Thresholds,
}

impl Meta {
    /// The meta data of `design`.
    pub fn of(design: &Design) -> Self {
        Self {
            name: design.name.clone(),
            description: design.description.clone(),
            entry_points: design.entry_points.clone(),
            scenario: design.scenario.clone(),
            thresholds: design.thresholds.clone(),
        }
    }

    /// Puts it into `design`.
    pub fn apply(self, design: &mut Design) {
        design.name = self.name;
        design.description = self.description;
        design.entry_points = self.entry_points;
        design.scenario = self.scenario;
        design.thresholds = self.thresholds;
    }
}

/// Draws the design's own fields; pushes the edits made.
pub fn design_ui(
    ui: &mut Ui,
    form: &mut Form<'_>,
    design: &Design,
    actions: &mut Vec<InspectorAction>,
) {
    let original = Meta::of(design);
    let mut meta = original.clone();
    let root = FieldPath::root();
    ui.heading("Design");
    ui.weak("Nothing is selected. Click a node or a link to edit it.");
    Grid::new("design")
        .num_columns(2)
        .spacing([10.0, 6.0])
        .show(ui, |ui| {
            form.row(ui, "Name", &root.field("name"), |f, ui| {
                f.text(ui, &mut meta.name)
            });
            form.row(ui, "Description", &root.field("description"), |f, ui| {
                f.multiline(ui, &mut meta.description)
            });
        });
    CollapsingHeader::new("Entry points")
        .default_open(true)
        .show(ui, |ui| {
            entry_points_ui(ui, form, design, &mut meta.entry_points);
        });
    CollapsingHeader::new("Scenario")
        .default_open(true)
        .show(ui, |ui| {
            scenario_ui(ui, form, design, &mut meta.scenario);
        });
    CollapsingHeader::new("Analysis thresholds").show(ui, |ui| {
        thresholds_ui(ui, form, &mut meta.thresholds);
    });
    if let Some(key) = form.changed
        && meta != original
    {
        actions.push(InspectorAction::Edit {
            edit: InspectorEdit::Meta(Box::new(meta)),
            key,
        });
    }
}

fn entry_points_ui(
    ui: &mut Ui,
    form: &mut Form<'_>,
    design: &Design,
    entries: &mut Vec<EntryPoint>,
) {
    let list = FieldPath::root().field("entry_points");
    let mut remove = None;
    for (i, entry) in entries.iter_mut().enumerate() {
        let path = list.index(i);
        egui::Frame::group(ui.style()).show(ui, |ui| {
            Grid::new(("entry", i))
                .num_columns(2)
                .spacing([10.0, 6.0])
                .show(ui, |ui| {
                    form.row(ui, "Name", &path.field("name"), |f, ui| {
                        f.text(ui, &mut entry.name)
                    });
                    form.row(ui, "Client", &path.field("client"), |f, ui| {
                        f.node(ui, design, &mut entry.client, |n| n.is_client())
                    });
                    let client = entry.client.clone();
                    form.row(ui, "Calls", &path.field("target"), |f, ui| {
                        f.node(ui, design, &mut entry.target, |n| {
                            design.links_from(&client).any(|(_, l)| l.to == n.id)
                        })
                    });
                    if let Some(target) = design
                        .node(&entry.target)
                        .filter(|n| n.as_service().is_some())
                    {
                        form.row(ui, "Operation", &path.field("operation"), |f, ui| {
                            f.operation(ui, target, &mut entry.operation)
                        });
                    }
                    load_rows(ui, form, &mut entry.load, &path.field("load"));
                });
            objectives_ui(
                ui,
                form,
                i,
                &mut entry.objectives,
                &path.field("objectives"),
            );
            if ui.button("Remove entry point").clicked() {
                remove = Some(i);
            }
        });
    }
    if let Some(i) = remove {
        entries.remove(i);
        form.discrete_change();
    }
    let Some(client) = design.nodes.iter().find(|n| n.is_client()).map(|n| &n.id) else {
        ui.weak("Add a client node to give the design an entry point.");
        return;
    };
    if ui.button("Add entry point").clicked() {
        let target = design
            .links_from(client)
            .map(|(_, l)| l.to.clone())
            .next()
            .unwrap_or_else(|| client.clone());
        let name = edit::fresh_name("requests", |n| entries.iter().any(|e| e.name == n));
        entries.push(EntryPoint {
            name,
            client: client.clone(),
            target,
            operation: None,
            objectives: Default::default(),
            load: Load::Open {
                arrival: Arrival::Poisson,
                rate_per_s: 10.0,
            },
        });
        form.discrete_change();
    }
}

/// What the entry point promises: latency ceilings, an availability
/// floor and the error budget's period, each optional. Open when one is
/// set, so a promise is never out of sight.
fn objectives_ui(
    ui: &mut Ui,
    form: &mut Form<'_>,
    i: usize,
    objectives: &mut Objectives,
    path: &FieldPath,
) {
    let stated = objectives.latency().count() + usize::from(objectives.availability.is_some());
    let title = match stated {
        0 => "Objectives".to_owned(),
        n => format!("Objectives ({n})"),
    };
    CollapsingHeader::new(title)
        .id_salt(("objectives", i))
        .default_open(stated > 0)
        .show(ui, |ui| {
            ui.weak(
                "What users are promised: check --slo and study capacity judge the design by it.",
            );
            Grid::new(("objectives grid", i))
                .num_columns(2)
                .spacing([10.0, 6.0])
                .show(ui, |ui| {
                    for (label, field, value, default) in [
                        ("Mean latency", "mean_ms", &mut objectives.mean_ms, 100.0),
                        ("Median latency", "p50_ms", &mut objectives.p50_ms, 100.0),
                        ("p95 latency", "p95_ms", &mut objectives.p95_ms, 250.0),
                        ("p99 latency", "p99_ms", &mut objectives.p99_ms, 500.0),
                    ] {
                        form.row(ui, label, &path.field(field), |f, ui| {
                            f.optional(ui, value, default, "at most", |f, ui, v| f.ms(ui, v))
                        });
                    }
                    form.row(ui, "Availability", &path.field("availability"), |f, ui| {
                        f.optional(
                            ui,
                            &mut objectives.availability,
                            0.999,
                            "at least",
                            |f, ui, v| f.fraction(ui, v),
                        )
                    });
                    if objectives.availability.is_some() || objectives.budget_days.is_some() {
                        form.row(ui, "Error budget", &path.field("budget_days"), |f, ui| {
                            f.optional(ui, &mut objectives.budget_days, 30.0, "over", |f, ui, v| {
                                f.number(ui, v, " days", 0.0..=f64::MAX, 0.1)
                            })
                        });
                    }
                });
        });
}

fn load_rows(ui: &mut Ui, form: &mut Form<'_>, load: &mut Load, path: &FieldPath) {
    form.row(ui, "Load", path, |f, ui| {
        let open = matches!(load, Load::Open { .. });
        let mut kind = open;
        let response = f.combo(
            ui,
            &mut kind,
            &options(&[(true, "open (a rate)"), (false, "closed (users who wait)")]),
        );
        if kind != open {
            *load = if kind {
                Load::Open {
                    arrival: Arrival::Poisson,
                    rate_per_s: 10.0,
                }
            } else {
                Load::Closed {
                    users: 10,
                    think_time: Distribution::Exponential { mean_ms: 1000.0 },
                }
            };
        }
        response
    });
    let here = || path.clone();
    match load {
        Load::Open {
            arrival,
            rate_per_s,
        } => {
            form.row(ui, "Arrivals", &here().field("arrival"), |f, ui| {
                f.combo(
                    ui,
                    arrival,
                    &options(&[
                        (Arrival::Poisson, "random (Poisson)"),
                        (Arrival::Constant, "evenly spaced"),
                    ]),
                )
            });
            form.row(ui, "Rate", &here().field("rate_per_s"), |f, ui| {
                f.number(ui, rate_per_s, " /s", 0.0..=f64::MAX, 0.1)
            });
        }
        Load::Closed { users, think_time } => {
            form.row(ui, "Users", &here().field("users"), |f, ui| {
                f.number(ui, users, "", 0..=u32::MAX, 0.2)
            });
            form.row(ui, "Think time", &here().field("think_time"), |f, ui| {
                f.distribution(ui, think_time)
            });
        }
    }
}

fn scenario_ui(ui: &mut Ui, form: &mut Form<'_>, design: &Design, scenario: &mut Scenario) {
    let path = FieldPath::root().field("scenario");
    Grid::new("scenario")
        .num_columns(2)
        .spacing([10.0, 6.0])
        .show(ui, |ui| {
            form.row(ui, "Duration", &path.field("duration_s"), |f, ui| {
                f.seconds(ui, &mut scenario.duration_s)
            });
            form.row(ui, "Warm-up", &path.field("warmup_s"), |f, ui| {
                f.seconds(ui, &mut scenario.warmup_s)
            });
            form.row(ui, "Drain", &path.field("drain_s"), |f, ui| {
                f.seconds(ui, &mut scenario.drain_s)
            });
            form.row(ui, "Seed", &path.field("seed"), |f, ui| {
                f.number(ui, &mut scenario.seed, "", 0..=u64::MAX, 1.0)
            });
        });
    ui.strong("Faults");
    let list = path.field("faults");
    let mut remove = None;
    for (i, fault) in scenario.faults.iter_mut().enumerate() {
        let path = list.index(i);
        egui::Frame::group(ui.style()).show(ui, |ui| {
            Grid::new(("fault", i))
                .num_columns(2)
                .spacing([10.0, 6.0])
                .show(ui, |ui| {
                    fault_rows(ui, form, fault, &path, design);
                });
            if ui.button("Remove fault").clicked() {
                remove = Some(i);
            }
        });
    }
    if let Some(i) = remove {
        scenario.faults.remove(i);
        form.discrete_change();
    }
    if let Some(node) = design.nodes.iter().find(|n| !n.is_client()).map(|n| &n.id)
        && ui.button("Add fault").clicked()
    {
        scenario.faults.push(Fault::Crash {
            node: node.clone(),
            at_s: 10.0,
            for_s: 10.0,
        });
        form.discrete_change();
    }
}

/// The kinds of fault, for the kind chooser.
const FAULT_KINDS: [&str; 5] = ["Crash", "SlowDown", "Drop", "Error", "Poison"];

fn fault_rows(
    ui: &mut Ui,
    form: &mut Form<'_>,
    fault: &mut Fault,
    path: &FieldPath,
    design: &Design,
) {
    form.row(ui, "Fault", path, |f, ui| {
        let kinds: Vec<(&str, String)> = FAULT_KINDS
            .iter()
            .map(|k| (*k, crate::visual::fault_kind_label(k).to_owned()))
            .collect();
        let mut kind = fault.kind_name();
        let response = f.combo(ui, &mut kind, &kinds);
        if kind != fault.kind_name() {
            *fault = with_kind(fault, kind, design);
        }
        response
    });
    match fault {
        Fault::Crash { node, at_s, for_s } => {
            form.row(ui, "Node", &path.field("node"), |f, ui| {
                f.node(ui, design, node, |n| !n.is_client())
            });
            form.row(ui, "At", &path.field("at_s"), |f, ui| f.seconds(ui, at_s));
            form.row(ui, "For", &path.field("for_s"), |f, ui| {
                f.seconds(ui, for_s)
            });
        }
        Fault::SlowDown {
            node,
            at_s,
            for_s,
            factor,
        } => {
            form.row(ui, "Node", &path.field("node"), |f, ui| {
                f.node(ui, design, node, |n| !n.is_client())
            });
            form.row(ui, "At", &path.field("at_s"), |f, ui| f.seconds(ui, at_s));
            form.row(ui, "For", &path.field("for_s"), |f, ui| {
                f.seconds(ui, for_s)
            });
            form.row(ui, "Slower by", &path.field("factor"), |f, ui| {
                f.number(ui, factor, " ×", 0.0..=1000.0, 0.05)
            });
        }
        Fault::Drop { link, fraction } | Fault::Error { link, fraction } => {
            form.row(ui, "Link", &path.field("link"), |f, ui| {
                f.link(ui, design, link)
            });
            form.row(ui, "Fraction", &path.field("fraction"), |f, ui| {
                f.fraction(ui, fraction)
            });
        }
        Fault::Poison {
            link,
            fraction,
            restart_s,
        } => {
            form.row(ui, "Link", &path.field("link"), |f, ui| {
                f.link(ui, design, link)
            });
            form.row(ui, "Fraction", &path.field("fraction"), |f, ui| {
                f.fraction(ui, fraction)
            });
            form.row(ui, "Restart", &path.field("restart_s"), |f, ui| {
                f.seconds(ui, restart_s)
            });
        }
    }
}

/// `fault` turned into a fault of kind `kind`, keeping what it can.
fn with_kind(fault: &Fault, kind: &str, design: &Design) -> Fault {
    let node = fault
        .node()
        .cloned()
        .or_else(|| {
            design
                .nodes
                .iter()
                .find(|n| !n.is_client())
                .map(|n| n.id.clone())
        })
        .unwrap_or_else(|| NodeId::new("node"));
    let link = fault
        .link()
        .cloned()
        .or_else(|| {
            design.links.first().map(|l| LinkRef {
                from: l.from.clone(),
                to: l.to.clone(),
                name: l.name.clone(),
            })
        })
        .unwrap_or(LinkRef {
            from: node.clone(),
            to: node.clone(),
            name: None,
        });
    match kind {
        "SlowDown" => Fault::SlowDown {
            node,
            at_s: 10.0,
            for_s: 10.0,
            factor: 3.0,
        },
        "Drop" => Fault::Drop {
            link,
            fraction: 0.1,
        },
        "Error" => Fault::Error {
            link,
            fraction: 0.1,
        },
        "Poison" => Fault::Poison {
            link,
            fraction: 0.01,
            restart_s: 5.0,
        },
        _ => Fault::Crash {
            node,
            at_s: 10.0,
            for_s: 10.0,
        },
    }
}

fn thresholds_ui(ui: &mut Ui, form: &mut Form<'_>, t: &mut Thresholds) {
    let path = FieldPath::root().field("thresholds");
    Grid::new("thresholds")
        .num_columns(2)
        .spacing([10.0, 6.0])
        .show(ui, |ui| {
            form.row(
                ui,
                "Longest sync chain",
                &path.field("max_sync_hops"),
                |f, ui| f.number(ui, &mut t.max_sync_hops, " hops", 0..=100, 0.1),
            );
            form.row(
                ui,
                "Long-running call",
                &path.field("long_running_ms"),
                |f, ui| f.ms(ui, &mut t.long_running_ms),
            );
            form.row(
                ui,
                "Single point of failure",
                &path.field("spof_entry_points"),
                |f, ui| f.number(ui, &mut t.spof_entry_points, " entry points", 0..=1000, 0.1),
            );
            form.row(ui, "Saturated above", &path.field("saturation"), |f, ui| {
                f.fraction(ui, &mut t.saturation)
            });
            form.row(
                ui,
                "Mostly blocked above",
                &path.field("blocked_share"),
                |f, ui| f.fraction(ui, &mut t.blocked_share),
            );
        });
}
