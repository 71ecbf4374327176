//! The inspector's building blocks: labelled rows that show validation
//! problems beside their field, and field widgets that report what changed
//! and whether the change is part of a continuous edit (dragging a number,
//! typing) so that it becomes one undo step.

use std::ops::RangeInclusive;

use egui::{Align, DragValue, Response, RichText, TextEdit, Ui, emath::Numeric};

use crate::model::{Availability, Design, Distribution, FieldPath, LinkRef, Node, NodeId, Problem};
use crate::visual::describe_distribution;

use super::super::history::EditKey;

/// Width of the kind chooser that starts a compound row (a distribution,
/// an availability), so its parameters fit beside it.
const COMPOUND_COMBO_WIDTH: f32 = 104.0;

/// A form being drawn: the design's problems to show beside fields, and
/// what the user changed this frame.
pub struct Form<'a> {
    problems: &'a [Problem],
    reveal: Option<&'a FieldPath>,
    /// The paths whose problems were shown beside a field.
    shown: Vec<FieldPath>,
    /// Set when a field changed: with the widget's id for continuous edits,
    /// `None` for one-off changes (combo boxes, check boxes, buttons).
    pub changed: Option<Option<EditKey>>,
}

impl<'a> Form<'a> {
    /// A form showing `problems`; the field at `reveal` is scrolled into
    /// view.
    pub fn new(problems: &'a [Problem], reveal: Option<&'a FieldPath>) -> Self {
        Self {
            problems,
            reveal,
            shown: Vec::new(),
            changed: None,
        }
    }

    /// Notes a one-off change (a button, a list edit).
    pub fn discrete_change(&mut self) {
        self.changed = Some(None);
    }

    fn record(&mut self, response: &Response, continuous: bool) {
        if response.changed() {
            self.changed = Some(continuous.then_some(response.id));
        }
    }

    /// How many problems the element at `prefix` (and what is inside it)
    /// has.
    pub fn count_within(&self, prefix: &FieldPath) -> usize {
        self.problems
            .iter()
            .filter(|p| p.path.starts_with(prefix))
            .count()
    }

    /// Lists the problems at paths `belongs` accepts that no field showed
    /// (a link naming an unknown node...), so none goes unseen.
    pub fn unshown_ui(&self, ui: &mut Ui, belongs: impl Fn(&FieldPath) -> bool) {
        for problem in self
            .problems
            .iter()
            .filter(|p| belongs(&p.path) && !self.shown.contains(&p.path))
        {
            problem_label(ui, problem);
        }
    }

    /// One row of a two-column grid: `label`, the widget `add` makes, and
    /// under it the problems found at `path`.
    pub fn row(
        &mut self,
        ui: &mut Ui,
        label: &str,
        path: &FieldPath,
        add: impl FnOnce(&mut Self, &mut Ui) -> Response,
    ) {
        let label = ui.label(label);
        // Top-down: a grid cell is as tall as the space left below it, and
        // the grid's own centred layout would push the widget to its middle.
        let cell = egui::UiBuilder::new()
            .id_salt(path)
            .layout(egui::Layout::top_down(Align::Min));
        let response = ui
            .scope_builder(cell, |ui| add(self, ui))
            .inner
            .labelled_by(label.id);
        if self.reveal == Some(path) {
            response.scroll_to_me(Some(Align::Center));
        }
        ui.end_row();
        self.problems_at(ui, path);
    }

    /// The problems found exactly at `path`, one grid row each.
    pub fn problems_at(&mut self, ui: &mut Ui, path: &FieldPath) {
        self.shown.push(path.clone());
        for problem in self.problems.iter().filter(|p| &p.path == path) {
            ui.label("");
            problem_label(ui, problem);
            ui.end_row();
        }
    }

    /// A one-line text field.
    pub fn text(&mut self, ui: &mut Ui, value: &mut String) -> Response {
        let response = ui.add(TextEdit::singleline(value).desired_width(f32::INFINITY));
        self.record(&response, true);
        response
    }

    /// A text field for notes.
    pub fn multiline(&mut self, ui: &mut Ui, value: &mut String) -> Response {
        let response = ui.add(
            TextEdit::multiline(value)
                .desired_rows(3)
                .desired_width(f32::INFINITY),
        );
        self.record(&response, true);
        response
    }

    /// A number, dragged or typed, with its unit.
    pub fn number<N: Numeric>(
        &mut self,
        ui: &mut Ui,
        value: &mut N,
        unit: &str,
        range: RangeInclusive<N>,
        speed: f64,
    ) -> Response {
        self.drag(ui, value, |v| {
            DragValue::new(v).range(range).speed(speed).suffix(unit)
        })
    }

    /// A drag value made by `make`, whose typed text must be a finite
    /// number: "nan" or "inf" leave the value as it was (egui would clamp
    /// them to the range), as no field of a design can hold one.
    fn drag<N: Numeric>(
        &mut self,
        ui: &mut Ui,
        value: &mut N,
        make: impl FnOnce(&mut N) -> DragValue<'_>,
    ) -> Response {
        let response = ui.add(make(value).custom_parser(parse_finite));
        self.record(&response, true);
        response
    }

    /// A duration in milliseconds.
    pub fn ms(&mut self, ui: &mut Ui, value: &mut f64) -> Response {
        self.number(ui, value, " ms", 0.0..=f64::MAX, 0.5)
    }

    /// A duration in seconds.
    pub fn seconds(&mut self, ui: &mut Ui, value: &mut f64) -> Response {
        self.number(ui, value, " s", 0.0..=f64::MAX, 0.1)
    }

    /// A probability or fraction, 0 to 1.
    pub fn fraction(&mut self, ui: &mut Ui, value: &mut f64) -> Response {
        self.drag(ui, value, |v| {
            DragValue::new(v)
                .range(0.0..=1.0)
                .speed(0.001)
                .max_decimals(4)
        })
    }

    /// A check box.
    pub fn checkbox(&mut self, ui: &mut Ui, value: &mut bool, text: &str) -> Response {
        let response = ui.checkbox(value, text);
        self.record(&response, false);
        response
    }

    /// A choice among `options` (value and label).
    pub fn combo<T: PartialEq + Clone>(
        &mut self,
        ui: &mut Ui,
        value: &mut T,
        options: &[(T, String)],
    ) -> Response {
        let width = ui.available_width().clamp(80.0, 190.0);
        self.combo_sized(ui, value, options, width)
    }

    /// A choice `width` wide, for the first widget of a compound row.
    fn combo_sized<T: PartialEq + Clone>(
        &mut self,
        ui: &mut Ui,
        value: &mut T,
        options: &[(T, String)],
        width: f32,
    ) -> Response {
        let current = options
            .iter()
            .find(|(v, _)| v == value)
            .map_or("—", |(_, label)| label.as_str());
        self.choose_sized(ui, value, current, width, || options.to_vec())
    }

    /// A choice among options that are costly to list (the nodes of a big
    /// design): `options` runs only while the list is open; `current` is
    /// the label of the value chosen now.
    fn choose_sized<T: PartialEq + Clone>(
        &mut self,
        ui: &mut Ui,
        value: &mut T,
        current: &str,
        width: f32,
        options: impl FnOnce() -> Vec<(T, String)>,
    ) -> Response {
        let before = value.clone();
        let response = egui::ComboBox::from_id_salt("choice")
            .selected_text(current)
            .width(width)
            .show_ui(ui, |ui| {
                for (option, label) in options() {
                    ui.selectable_value(value, option, label);
                }
            })
            .response;
        if *value != before {
            self.discrete_change();
        }
        response
    }

    /// A node of `design` that `keep` accepts.
    pub fn node(
        &mut self,
        ui: &mut Ui,
        design: &Design,
        value: &mut NodeId,
        keep: impl Fn(&Node) -> bool,
    ) -> Response {
        let current = design.display_name(value).to_owned();
        let width = ui.available_width().clamp(80.0, 190.0);
        self.choose_sized(ui, value, &current, width, || {
            node_options(design, keep).collect()
        })
    }

    /// A node of `design` that `keep` accepts, or none.
    pub fn optional_node(
        &mut self,
        ui: &mut Ui,
        design: &Design,
        value: &mut Option<NodeId>,
        keep: impl Fn(&Node) -> bool,
    ) -> Response {
        let current = value
            .as_ref()
            .map_or("none", |id| design.display_name(id))
            .to_owned();
        let width = ui.available_width().clamp(80.0, 190.0);
        self.choose_sized(ui, value, &current, width, || {
            std::iter::once((None, "none".to_owned()))
                .chain(node_options(design, keep).map(|(id, name)| (Some(id), name)))
                .collect()
        })
    }

    /// A link of `design`, named by its two ends.
    pub fn link(&mut self, ui: &mut Ui, design: &Design, value: &mut LinkRef) -> Response {
        let current = match &value.name {
            Some(name) => format!(
                "{} ({name})",
                crate::visual::link_name(design, &value.from, &value.to)
            ),
            None => crate::visual::link_name(design, &value.from, &value.to),
        };
        let width = ui.available_width().clamp(80.0, 190.0);
        self.choose_sized(ui, value, &current, width, || {
            let mut pairs: Vec<(LinkRef, String)> = design
                .links
                .iter()
                .map(|l| {
                    (
                        LinkRef {
                            from: l.from.clone(),
                            to: l.to.clone(),
                            name: l.name.clone(),
                        },
                        crate::visual::link_name(design, &l.from, &l.to),
                    )
                })
                .collect();
            pairs.dedup_by(|a, b| a.0 == b.0);
            pairs
        })
    }

    /// A value that may be absent: a check box to have one, then the value.
    pub fn optional<T: Copy>(
        &mut self,
        ui: &mut Ui,
        value: &mut Option<T>,
        default: T,
        text: &str,
        add: impl FnOnce(&mut Self, &mut Ui, &mut T) -> Response,
    ) -> Response {
        ui.horizontal_wrapped(|ui| {
            let mut on = value.is_some();
            let check = self.checkbox(ui, &mut on, text);
            if check.changed() {
                *value = on.then_some(default);
            }
            match value {
                Some(v) => add(self, ui, v),
                None => check,
            }
        })
        .inner
    }

    /// A count that may be unlimited: a "limit" check box, then the count.
    pub fn optional_count(
        &mut self,
        ui: &mut Ui,
        value: &mut Option<u32>,
        default: u32,
    ) -> Response {
        self.optional(ui, value, default, "limit", |f, ui, v| {
            f.number(ui, v, "", 0..=u32::MAX, 0.2)
        })
    }

    /// The operation a call invokes (or comes from) on `node`: its first
    /// by default, or one by name.
    pub fn operation(&mut self, ui: &mut Ui, node: &Node, op: &mut Option<String>) -> Response {
        let named = node
            .as_service()
            .into_iter()
            .flat_map(|s| &s.operations)
            .map(|o| (Some(o.name.clone()), o.name.clone()));
        let choices: Vec<(Option<String>, String)> =
            std::iter::once((None, "default (the first)".to_owned()))
                .chain(named)
                .collect();
        self.combo(ui, op, &choices)
    }

    /// A distribution of durations: its kind, then its parameters in ms.
    /// Changing the kind keeps the mean.
    pub fn distribution(&mut self, ui: &mut Ui, d: &mut Distribution) -> Response {
        ui.horizontal_wrapped(|ui| {
            // Measured distributions come from files; they are listed
            // only to name the current one.
            let measured = matches!(
                d,
                Distribution::Empirical { .. } | Distribution::Histogram { .. }
            );
            let kinds: Vec<(&str, String)> = EDITABLE_KINDS
                .into_iter()
                .chain(measured.then(|| d.kind_name()))
                .map(|k| (k, k.to_owned()))
                .collect();
            let mut kind = d.kind_name();
            let combo = self.combo_sized(ui, &mut kind, &kinds, COMPOUND_COMBO_WIDTH);
            if kind != d.kind_name() {
                *d = with_kind(d, kind);
            }
            match d {
                Distribution::Constant { ms } => self.ms(ui, ms),
                Distribution::Exponential { mean_ms } => {
                    ui.label("mean");
                    self.ms(ui, mean_ms)
                }
                Distribution::LogNormal { mean_ms, sd_ms } => {
                    ui.label("mean");
                    self.ms(ui, mean_ms);
                    ui.label("sd");
                    self.ms(ui, sd_ms)
                }
                Distribution::Uniform { min_ms, max_ms } => {
                    ui.label("from");
                    self.ms(ui, min_ms);
                    ui.label("to");
                    self.ms(ui, max_ms)
                }
                Distribution::Gamma { mean_ms, sd_ms } => {
                    ui.label("mean");
                    self.ms(ui, mean_ms);
                    ui.label("sd");
                    self.ms(ui, sd_ms)
                }
                Distribution::Erlang { k, mean_ms } => {
                    ui.label("phases");
                    self.number(ui, k, "", 1..=u32::MAX, 0.05);
                    ui.label("mean");
                    self.ms(ui, mean_ms)
                }
                Distribution::Empirical { .. } | Distribution::Histogram { .. } => ui.weak(
                    format!("{} (measured: edit in the file)", describe_distribution(d)),
                ),
            };
            combo
        })
        .inner
    }

    /// How often a node is up: always, a fraction, or MTTF/MTTR.
    pub fn availability(&mut self, ui: &mut Ui, a: &mut Availability) -> Response {
        ui.horizontal_wrapped(|ui| {
            let kinds = [
                ("always", "always up".to_owned()),
                ("fraction", "fraction of time".to_owned()),
                ("mttf", "MTTF / MTTR".to_owned()),
            ];
            let current = match a {
                Availability::Always => "always",
                Availability::Fraction(_) => "fraction",
                Availability::Mttf { .. } => "mttf",
            };
            let mut kind = current;
            let combo = self.combo_sized(ui, &mut kind, &kinds, COMPOUND_COMBO_WIDTH);
            if kind != current {
                *a = match kind {
                    "fraction" => Availability::Fraction(0.999),
                    "mttf" => Availability::Mttf {
                        mttf_s: 3600.0,
                        mttr_s: 60.0,
                    },
                    _ => Availability::Always,
                };
            }
            match a {
                Availability::Always => {}
                Availability::Fraction(f) => {
                    self.fraction(ui, f);
                    ui.weak("up");
                }
                Availability::Mttf { mttf_s, mttr_s } => {
                    ui.label("MTTF");
                    self.seconds(ui, mttf_s);
                    ui.label("MTTR");
                    self.seconds(ui, mttr_s);
                }
            }
            combo
        })
        .inner
    }

    /// A name other things refer to (a node id, an operation name): edited
    /// in a buffer and applied only when the field is left (Enter or a
    /// click elsewhere) and `check` accepts it, so that references are
    /// never renamed to a half-typed or taken name. Returns the new name
    /// when it is applied.
    pub fn committed_name(
        &mut self,
        ui: &mut Ui,
        current: &str,
        check: impl Fn(&str) -> Result<(), String>,
    ) -> (Response, Option<String>) {
        let buffer_id = ui.id().with("buffer");
        let mut buffer = ui
            .data_mut(|d| d.get_temp::<String>(buffer_id))
            .unwrap_or_else(|| current.to_owned());
        let inner = ui.vertical(|ui| {
            let response = ui.add(TextEdit::singleline(&mut buffer).desired_width(f32::INFINITY));
            let verdict = if buffer == current {
                Ok(())
            } else {
                check(&buffer)
            };
            if let (Err(why), true) = (&verdict, response.has_focus()) {
                ui.label(RichText::new(format!("⚠ {why}")).color(ui.visuals().error_fg_color));
            }
            (response, verdict)
        });
        let (response, verdict) = inner.inner;
        let mut applied = None;
        if response.has_focus() {
            ui.data_mut(|d| d.insert_temp(buffer_id, buffer.clone()));
        } else {
            ui.data_mut(|d| d.remove::<String>(buffer_id));
            if response.lost_focus() && buffer != current && verdict.is_ok() {
                applied = Some(buffer);
            }
        }
        (response, applied)
    }
}

/// A problem's message in the error colour, wrapped.
pub fn problem_label(ui: &mut Ui, problem: &Problem) {
    ui.add(
        egui::Label::new(RichText::new(format!("⚠ {problem}")).color(ui.visuals().error_fg_color))
            .wrap(),
    );
}

/// A typed number as egui reads it (spaces ignored, "−" for minus), if
/// it is finite.
fn parse_finite(text: &str) -> Option<f64> {
    let text: String = text
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| if c == '−' { '-' } else { c })
        .collect();
    text.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// The nodes of `design` that `keep` accepts, with their names.
fn node_options<'d>(
    design: &'d Design,
    keep: impl Fn(&Node) -> bool + 'd,
) -> impl Iterator<Item = (NodeId, String)> + 'd {
    design
        .nodes
        .iter()
        .filter(move |n| keep(n))
        .map(|n| (n.id.clone(), design.display_name(&n.id).to_owned()))
}

/// The kinds of distribution the inspector offers, each made from a mean
/// by [`with_kind`].
const EDITABLE_KINDS: [&str; 6] = [
    "Constant",
    "Exponential",
    "LogNormal",
    "Uniform",
    "Gamma",
    "Erlang",
];

/// `d` as a distribution of kind `kind` (one of [`EDITABLE_KINDS`]), with
/// the same mean.
fn with_kind(d: &Distribution, kind: &str) -> Distribution {
    let mean = d.mean_ms();
    match kind {
        "Constant" => Distribution::Constant { ms: mean },
        "Exponential" => Distribution::Exponential { mean_ms: mean },
        "LogNormal" => Distribution::LogNormal {
            mean_ms: mean,
            sd_ms: mean / 2.0,
        },
        "Gamma" => Distribution::Gamma {
            mean_ms: mean,
            sd_ms: mean / 2.0,
        },
        "Erlang" => Distribution::Erlang {
            k: 2,
            mean_ms: mean,
        },
        _ => Distribution::Uniform {
            min_ms: mean / 2.0,
            max_ms: mean * 1.5,
        },
    }
}

/// Options for a combo box from values and their labels.
pub fn options<T: Clone>(items: &[(T, &str)]) -> Vec<(T, String)> {
    items
        .iter()
        .map(|(v, l)| (v.clone(), (*l).to_owned()))
        .collect()
}
