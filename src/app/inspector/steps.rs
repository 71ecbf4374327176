//! The step editor: an operation's steps as an indented list, each with
//! its own fields and buttons to move or remove it; blocks (parallel,
//! either/or, fallback, continuation) nest with their own "Add" menus.
//! Every change goes through the form, so it is one undoable edit.

use egui::{RichText, Ui};

use super::form::Form;
use crate::model::{
    Branch, Design, Distribution, LinkIdx, MAX_STEP_DEPTH, NodeId, Step, step_link_violation,
};

/// What the editor needs to know about the service whose steps it edits.
pub struct StepContext<'a> {
    /// The design, for the links the steps can use.
    pub design: &'a Design,
    /// The service.
    pub node: &'a NodeId,
}

impl StepContext<'_> {
    /// The links of the service with the reference a step uses for each
    /// and the step kinds that fit it, for "Add" menus and link choices.
    fn links(&self) -> Vec<(String, Step)> {
        self.design
            .links_from(self.node)
            .filter_map(|(i, _)| self.design.step_for_link(i, 1.0))
            .filter_map(|step| Some((step.link()?.to_owned(), step)))
            .collect()
    }

    /// The references of the links a step of `step`'s kind may use.
    fn fitting(&self, step: &Step) -> Vec<(String, String)> {
        self.design
            .links_from(self.node)
            .filter(|(_, l)| {
                self.design
                    .node(&l.to)
                    .is_some_and(|to| step_link_violation(step, l.style, &to.kind).is_none())
            })
            .filter_map(|(i, l)| {
                let reference = self.design.step_reference(i)?;
                Some((reference, self.label(i, &l.to)))
            })
            .collect()
    }

    fn label(&self, i: LinkIdx, to: &NodeId) -> String {
        let name = self.design.display_name(to);
        match self.design.link(i).and_then(|l| l.name.as_deref()) {
            Some(link) => format!("{name} ({link})"),
            None => name.to_owned(),
        }
    }
}

/// Edits `steps`; `depth` is how deep the block is nested.
pub fn steps_ui(
    ui: &mut Ui,
    form: &mut Form<'_>,
    ctx: &StepContext<'_>,
    steps: &mut Vec<Step>,
    depth: usize,
) {
    let mut action = None;
    let count = steps.len();
    for (i, step) in steps.iter_mut().enumerate() {
        ui.push_id(i, |ui| {
            // Wrapped, so a long step never widens the panel.
            ui.horizontal_wrapped(|ui| {
                ui.label(RichText::new(format!("{}.", i + 1)).weak());
                step_row_ui(ui, form, ctx, step);
                if ui
                    .add_enabled(i > 0, egui::Button::new("⏶").small())
                    .on_hover_text("Move up")
                    .clicked()
                {
                    action = Some(Move::Up(i));
                }
                if ui
                    .add_enabled(i + 1 < count, egui::Button::new("⏷").small())
                    .on_hover_text("Move down")
                    .clicked()
                {
                    action = Some(Move::Down(i));
                }
                if ui
                    .small_button("🗑")
                    .on_hover_text("Remove this step")
                    .clicked()
                {
                    action = Some(Move::Remove(i));
                }
            });
            nested_ui(ui, form, ctx, step, depth);
        });
    }
    match action {
        Some(Move::Up(i)) => steps.swap(i - 1, i),
        Some(Move::Down(i)) => steps.swap(i, i + 1),
        Some(Move::Remove(i)) => {
            steps.remove(i);
        }
        None => {}
    }
    if action.is_some() {
        form.discrete_change();
    }
    if let Some(step) = add_menu_ui(ui, ctx, depth) {
        steps.push(step);
        form.discrete_change();
    }
}

enum Move {
    Up(usize),
    Down(usize),
    Remove(usize),
}

/// The fields of one step, on its row.
fn step_row_ui(ui: &mut Ui, form: &mut Form<'_>, ctx: &StepContext<'_>, step: &mut Step) {
    ui.strong(step.kind_name());
    let fitting = ctx.fitting(step);
    match step {
        Step::Work(d) => {
            form.distribution(ui, d);
        }
        Step::Reply => {
            ui.weak("the caller gets its answer here");
        }
        Step::Publish(link) => {
            form.combo(ui, link, &fitting);
        }
        Step::Call(c) | Step::Read(c) | Step::Write(c) | Step::Update(c) => {
            form.combo(ui, &mut c.link, &fitting);
            ui.label("×");
            form.number(ui, &mut c.times, "", 0.0..=1000.0, 0.01)
                .on_hover_text("Calls per request; a fraction is a probability");
            let mut has_fallback = c.fallback.is_some();
            if form
                .checkbox(ui, &mut has_fallback, "fallback")
                .on_hover_text("Steps to run instead when the call fails")
                .changed()
            {
                c.fallback = has_fallback.then(Vec::new);
            }
        }
        Step::Request(r) => {
            form.combo(ui, &mut r.link, &fitting);
            ui.label("×");
            form.number(ui, &mut r.times, "", 0.0..=1000.0, 0.01);
        }
        Step::Parallel(s) | Step::Sequence(s) => {
            ui.weak(format!(
                "{} step{}",
                s.len(),
                if s.len() == 1 { "" } else { "s" }
            ));
        }
        Step::Choice(b) => {
            let sum: f64 = b.iter().map(|b| b.probability).sum();
            ui.weak(format!("{} branches, chances add up to {}", b.len(), sum));
        }
    }
}

/// The blocks inside a step, indented below its row.
fn nested_ui(
    ui: &mut Ui,
    form: &mut Form<'_>,
    ctx: &StepContext<'_>,
    step: &mut Step,
    depth: usize,
) {
    let inner = depth + 1;
    match step {
        Step::Parallel(s) | Step::Sequence(s) => {
            ui.indent("block", |ui| steps_ui(ui, form, ctx, s, inner));
        }
        Step::Choice(branches) => {
            ui.indent("branches", |ui| {
                let mut remove = None;
                for (b, branch) in branches.iter_mut().enumerate() {
                    ui.push_id(b, |ui| {
                        ui.horizontal_wrapped(|ui| {
                            ui.label(format!("Branch {}: chance", b + 1));
                            form.fraction(ui, &mut branch.probability);
                            if ui
                                .small_button("✕")
                                .on_hover_text("Remove this branch")
                                .clicked()
                            {
                                remove = Some(b);
                            }
                        });
                        ui.indent("steps", |ui| {
                            steps_ui(ui, form, ctx, &mut branch.steps, inner)
                        });
                    });
                }
                if let Some(b) = remove {
                    branches.remove(b);
                    form.discrete_change();
                }
                if ui.small_button("Add branch").clicked() {
                    branches.push(Branch {
                        probability: 0.0,
                        steps: Vec::new(),
                    });
                    form.discrete_change();
                }
            });
        }
        Step::Call(c) | Step::Read(c) | Step::Write(c) | Step::Update(c) => {
            if let Some(fallback) = &mut c.fallback {
                ui.indent("fallback", |ui| {
                    ui.weak("When the call fails:");
                    steps_ui(ui, form, ctx, fallback, inner);
                });
            }
        }
        Step::Request(r) => {
            ui.indent("then", |ui| {
                ui.weak("When the reply arrives (new work):");
                ui.push_id("then", |ui| steps_ui(ui, form, ctx, &mut r.then, inner));
                ui.weak("When the request fails:");
                ui.push_id("on_failure", |ui| {
                    steps_ui(ui, form, ctx, &mut r.on_failure, inner)
                });
            });
        }
        Step::Work(_) | Step::Publish(_) | Step::Reply => {}
    }
}

/// The "Add step" menu; the step chosen, if any.
fn add_menu_ui(ui: &mut Ui, ctx: &StepContext<'_>, depth: usize) -> Option<Step> {
    let mut chosen = None;
    ui.menu_button("Add step", |ui| {
        if ui
            .button("Work")
            .on_hover_text("The service's own work")
            .clicked()
        {
            chosen = Some(Step::Work(Distribution::Exponential { mean_ms: 10.0 }));
        }
        let links = ctx.links();
        if !links.is_empty() {
            ui.separator();
        }
        for (reference, step) in links {
            let label = format!("{} {}", step.kind_name(), reference);
            if ui.button(label).clicked() {
                chosen = Some(step);
            }
        }
        ui.separator();
        if depth < MAX_STEP_DEPTH {
            if ui
                .button("Parallel")
                .on_hover_text("Steps that run at the same time")
                .clicked()
            {
                chosen = Some(Step::Parallel(Vec::new()));
            }
            if ui
                .button("Either/or")
                .on_hover_text("One branch runs, chosen by its chance")
                .clicked()
            {
                chosen = Some(Step::Choice(vec![
                    Branch {
                        probability: 0.5,
                        steps: Vec::new(),
                    },
                    Branch {
                        probability: 0.5,
                        steps: Vec::new(),
                    },
                ]));
            }
        }
        if ui
            .button("Reply")
            .on_hover_text("Answer the caller here; later steps still run")
            .clicked()
        {
            chosen = Some(Step::Reply);
        }
        if chosen.is_some() {
            ui.close();
        }
    });
    chosen
}
