//! The inspector for one node: name, id, kind and every property of its
//! kind, the operations of a service, and the links it takes part in.

use egui::{Grid, RichText, Ui, vec2};

use crate::model::{
    BrokerKind, Design, Distribution, FieldPath, NodeId, NodeKind, Operation, Position, Step,
    StoreKind, WhenDown,
};
use crate::visual::NodeShape;

use super::super::edit::{self, NewNode};
use super::super::legend;
use super::super::selection::Selection;
use super::form::{Form, options};
use super::steps::{StepContext, steps_ui};
use super::{InspectorAction, InspectorEdit, problem_count};

/// Draws node `index`; pushes the edits made.
pub fn node_ui(
    ui: &mut Ui,
    form: &mut Form<'_>,
    design: &Design,
    index: usize,
    focus_name: bool,
    actions: &mut Vec<InspectorAction>,
) {
    let Some(original) = design.nodes.get(index) else {
        return;
    };
    let mut node = original.clone();
    let base = FieldPath::root().field("nodes").index(index);
    ui.horizontal(|ui| {
        legend::kind_icon(ui, NodeShape::of(&node.kind), vec2(34.0, 22.0));
        ui.heading(RichText::new(design.display_name(&node.id)).strong());
    });
    ui.weak(format!("{} · id {}", node.kind_name(), node.id));
    problem_count(ui, form, &base);
    ui.add_space(4.0);
    Grid::new("node")
        .num_columns(2)
        .spacing([10.0, 6.0])
        .show(ui, |ui| {
            form.row(ui, "Name", &base.field("name"), |f, ui| {
                let response = f.text(ui, &mut node.name);
                if focus_name {
                    response.request_focus();
                }
                response
            });
            form.row(ui, "Id", &base.field("id"), |f, ui| {
                let (response, renamed) =
                    f.committed_name(ui, original.id.as_str(), |new| check_id(design, new));
                if let Some(new) = renamed {
                    actions.push(InspectorAction::Edit {
                        edit: InspectorEdit::RenameNode {
                            old: original.id.clone(),
                            new: NodeId::new(new),
                        },
                        key: None,
                    });
                }
                response
            });
            form.row(ui, "Kind", &base.field("kind"), |f, ui| {
                let mut kind = NewNode::of(&node.kind);
                let choices: Vec<(NewNode, String)> = NewNode::ALL
                    .iter()
                    .map(|k| (*k, k.label().to_owned()))
                    .collect();
                let response = f.combo(ui, &mut kind, &choices);
                if kind != NewNode::of(&node.kind) {
                    node.kind = kind.kind();
                }
                response
            });
            kind_rows(ui, form, &mut node.kind, &base.field("kind"));
            form.row(ui, "Position", &base.field("pos"), |f, ui| {
                position(f, ui, &mut node.pos)
            });
            form.row(ui, "Notes", &base.field("notes"), |f, ui| {
                f.multiline(ui, &mut node.notes)
            });
        });
    if let NodeKind::Service(service) = &mut node.kind {
        operations_ui(
            ui,
            form,
            design,
            &original.id,
            &mut service.operations,
            &base.field("kind"),
            actions,
        );
    }
    links_ui(ui, design, &original.id, actions);
    form.unshown_ui(ui, |p| p.starts_with(&base));
    if let Some(key) = form.changed
        && node != *original
    {
        actions.push(InspectorAction::Edit {
            edit: InspectorEdit::Node {
                index,
                node: Box::new(node),
            },
            key,
        });
    }
}

/// Why `new` cannot be a node id of `design`, if it cannot.
fn check_id(design: &Design, new: &str) -> Result<(), String> {
    let id = NodeId::new(new);
    if !id.is_well_formed() {
        Err("use letters, digits, _ and - only".into())
    } else if design.node(&id).is_some() {
        Err(format!("another node is called {new}"))
    } else {
        Ok(())
    }
}

fn position(f: &mut Form<'_>, ui: &mut Ui, pos: &mut Position) -> egui::Response {
    ui.horizontal(|ui| {
        ui.label("x");
        let x = f.number(ui, &mut pos.x, "", f32::MIN..=f32::MAX, 1.0);
        ui.label("y");
        f.number(ui, &mut pos.y, "", f32::MIN..=f32::MAX, 1.0);
        x
    })
    .inner
}

/// The rows for the properties of the node's kind.
fn kind_rows(ui: &mut Ui, form: &mut Form<'_>, kind: &mut NodeKind, path: &FieldPath) {
    match kind {
        NodeKind::Service(s) => {
            form.row(ui, "Workers", &path.field("workers"), |f, ui| {
                f.number(ui, &mut s.workers, "", 0..=1_000_000, 0.2)
            });
            form.row(
                ui,
                "Queue capacity",
                &path.field("queue_capacity"),
                |f, ui| f.optional_count(ui, &mut s.queue_capacity, 100),
            );
            form.row(ui, "Availability", &path.field("availability"), |f, ui| {
                f.availability(ui, &mut s.availability)
            });
            form.row(ui, "When down", &path.field("when_down"), |f, ui| {
                let choices = options(&[
                    (WhenDown::Refuse, "refuses calls (fail at once)"),
                    (WhenDown::NoResponse, "no response (callers wait)"),
                ]);
                f.combo(ui, &mut s.when_down, &choices)
            });
            form.row(ui, "Error rate", &path.field("error_rate"), |f, ui| {
                f.fraction(ui, &mut s.error_rate)
            });
        }
        NodeKind::Broker(b) => {
            form.row(ui, "Broker kind", &path.field("kind"), |f, ui| {
                let choices = options(&[
                    (BrokerKind::Log, "log (Kafka-like)"),
                    (BrokerKind::Queue, "queue (RabbitMQ/SQS-like)"),
                ]);
                f.combo(ui, &mut b.kind, &choices)
            });
            form.row(ui, "Durable", &path.field("durable"), |f, ui| {
                f.checkbox(
                    ui,
                    &mut b.durable,
                    "keeps messages while consumers are down",
                )
            });
            form.row(
                ui,
                "Delivery latency",
                &path.field("delivery_latency"),
                |f, ui| f.distribution(ui, &mut b.delivery_latency),
            );
            form.row(ui, "Retention", &path.field("retention_s"), |f, ui| {
                f.optional(ui, &mut b.retention_s, 3600.0, "keep", |f, ui, v| {
                    f.seconds(ui, v)
                })
            });
        }
        NodeKind::DataStore(d) => {
            form.row(ui, "Store kind", &path.field("kind"), |f, ui| {
                let choices = options(&[
                    (StoreKind::Database, "database"),
                    (StoreKind::Cache, "cache"),
                    (StoreKind::FileShare, "file share"),
                    (StoreKind::DataLake, "data lake"),
                ]);
                f.combo(ui, &mut d.kind, &choices)
            });
            form.row(ui, "Read latency", &path.field("read_latency"), |f, ui| {
                f.distribution(ui, &mut d.read_latency)
            });
            form.row(
                ui,
                "Write latency",
                &path.field("write_latency"),
                |f, ui| f.distribution(ui, &mut d.write_latency),
            );
            form.row(ui, "Connections", &path.field("connections"), |f, ui| {
                f.optional_count(ui, &mut d.connections, 20)
            });
            form.row(
                ui,
                "Poll interval",
                &path.field("poll_interval_s"),
                |f, ui| f.seconds(ui, &mut d.poll_interval_s),
            );
            form.row(ui, "Availability", &path.field("availability"), |f, ui| {
                f.availability(ui, &mut d.availability)
            });
        }
        NodeKind::Client => {}
    }
}

/// A service's operations: name, steps, order; add and remove.
fn operations_ui(
    ui: &mut Ui,
    form: &mut Form<'_>,
    design: &Design,
    node: &NodeId,
    operations: &mut Vec<Operation>,
    path: &FieldPath,
    actions: &mut Vec<InspectorAction>,
) {
    ui.add_space(8.0);
    ui.strong("Operations");
    let list = path.field("operations");
    Grid::new("operations-problems").show(ui, |ui| form.problems_at(ui, &list));
    let mut remove = None;
    let mut raise = None;
    let count = operations.len();
    let names: Vec<String> = operations.iter().map(|o| o.name.clone()).collect();
    for (i, op) in operations.iter_mut().enumerate() {
        let op_path = list.index(i);
        egui::Frame::group(ui.style()).show(ui, |ui| {
            Grid::new(("operation", i))
                .num_columns(2)
                .spacing([10.0, 6.0])
                .show(ui, |ui| {
                    form.row(ui, "Operation", &op_path.field("name"), |f, ui| {
                        let (response, renamed) = f.committed_name(ui, &op.name, |new| {
                            if new.trim().is_empty() {
                                Err("an operation needs a name".into())
                            } else if names.iter().enumerate().any(|(j, n)| j != i && n == new) {
                                Err(format!("another operation is called {new}"))
                            } else {
                                Ok(())
                            }
                        });
                        if let Some(new) = renamed {
                            actions.push(InspectorAction::Edit {
                                edit: InspectorEdit::RenameOperation {
                                    node: node.clone(),
                                    old: op.name.clone(),
                                    new,
                                },
                                key: None,
                            });
                        }
                        response
                    });
                });
            ui.label("Steps, in order:");
            Grid::new(("steps-problems", i)).show(ui, |ui| {
                form.problems_at(ui, &op_path.field("steps"));
            });
            let ctx = StepContext { design, node };
            ui.push_id(("steps", i), |ui| {
                steps_ui(ui, form, &ctx, &mut op.steps, 0);
            });
            ui.horizontal(|ui| {
                if ui
                    .add_enabled(i > 0, egui::Button::new("Move up"))
                    .clicked()
                {
                    raise = Some(i);
                }
                if ui
                    .add_enabled(count > 1, egui::Button::new("Remove"))
                    .clicked()
                {
                    remove = Some(i);
                }
                if i == 0 {
                    ui.weak("(the default operation)");
                }
            });
        });
    }
    if let Some(i) = raise {
        operations.swap(i - 1, i);
        form.discrete_change();
    }
    if let Some(i) = remove {
        operations.remove(i);
        form.discrete_change();
    }
    if ui.button("Add operation").clicked() {
        let name = edit::fresh_name("operation", |n| operations.iter().any(|o| o.name == n));
        operations.push(Operation::new(
            name,
            vec![Step::Work(Distribution::Exponential { mean_ms: 10.0 })],
        ));
        form.discrete_change();
    }
}

/// The links from and to the node, each a button that selects it.
fn links_ui(ui: &mut Ui, design: &Design, id: &NodeId, actions: &mut Vec<InspectorAction>) {
    let outgoing: Vec<_> = design.links_from(id).collect();
    let incoming: Vec<_> = design.links_to(id).collect();
    if outgoing.is_empty() && incoming.is_empty() {
        return;
    }
    ui.add_space(8.0);
    ui.strong("Links");
    for (index, link) in outgoing {
        let text = format!("to {} ({})", design.display_name(&link.to), link.style);
        if ui.link(text).clicked() {
            actions.push(InspectorAction::Select(Selection::only_link(index.0)));
        }
    }
    for (index, link) in incoming {
        let text = format!("from {} ({})", design.display_name(&link.from), link.style);
        if ui.link(text).clicked() {
            actions.push(InspectorAction::Select(Selection::only_link(index.0)));
        }
    }
}
