//! Checks of an operation's steps: every link exists and fits the step,
//! blocks are not empty, choices add up, the caller is answered at most
//! once, nesting stays within [`MAX_STEP_DEPTH`].

use super::{Checker, Rule, What, number_text};
use crate::model::error::Invalid;
use crate::model::path::FieldPath;
use crate::model::style::kind_rule_violation;
use crate::model::{Branch, MAX_STEP_DEPTH, Node, Operation, Resolved, Step, step_link_violation};

/// How far two probabilities may be from adding up to exactly 1.
const PROBABILITY_SLACK: f64 = 1e-9;

/// Where a block of steps runs, for the rules that depend on it.
#[derive(Clone, Copy)]
struct Place {
    depth: usize,
    /// Inside a parallel block: the caller cannot be answered from one
    /// branch.
    parallel: bool,
    /// Inside a continuation: the operation has already answered.
    continuation: bool,
}

/// The operation being checked.
struct Op<'d> {
    node: &'d Node,
    op: &'d Operation,
    /// Link references of the calls seen so far, for `uses`.
    seen: Vec<&'d str>,
}

impl Op<'_> {
    fn label(&self) -> String {
        format!(
            "service \"{}\" operation \"{}\"",
            self.node.id, self.op.name
        )
    }
}

impl<'d> Checker<'d> {
    /// Checks the steps of operation `op` of service `node`.
    pub(super) fn operation_steps(
        &mut self,
        op_path: &FieldPath,
        node: &'d Node,
        op: &'d Operation,
    ) {
        let mut ctx = Op {
            node,
            op,
            seen: Vec::new(),
        };
        let place = Place {
            depth: 0,
            parallel: false,
            continuation: false,
        };
        self.block(&op_path.field("steps"), &mut ctx, &op.steps, place, false);
    }

    /// Checks a block; `replied` says whether the caller may already have
    /// its answer when the block starts. Returns whether it may have it
    /// when the block ends.
    fn block(
        &mut self,
        path: &FieldPath,
        ctx: &mut Op<'d>,
        steps: &'d [Step],
        place: Place,
        mut replied: bool,
    ) -> bool {
        if place.depth > MAX_STEP_DEPTH {
            let op = ctx.label();
            self.report(
                path.clone(),
                Invalid::TooDeep {
                    op,
                    depth: place.depth,
                    limit: MAX_STEP_DEPTH,
                },
            );
            return replied;
        }
        for (i, step) in steps.iter().enumerate() {
            replied = self.step(&path.index(i), ctx, step, place, replied);
        }
        replied
    }

    fn step(
        &mut self,
        path: &FieldPath,
        ctx: &mut Op<'d>,
        step: &'d Step,
        place: Place,
        replied: bool,
    ) -> bool {
        let what = What::Node(ctx.node);
        let inner = Place {
            depth: place.depth + 1,
            ..place
        };
        match step {
            Step::Work(d) => {
                self.distribution(&|| path.clone(), what, &"Work", d);
                replied
            }
            Step::Reply => {
                let misplaced = if place.continuation {
                    Some((
                        "in a continuation",
                        "the operation answered its caller when its worker was freed; put Reply in the main steps",
                    ))
                } else if place.parallel {
                    Some((
                        "inside a Parallel block",
                        "answer after the block, or before it",
                    ))
                } else if replied {
                    Some((
                        "a second time on one path",
                        "the caller can be answered only once; remove one of them",
                    ))
                } else {
                    None
                };
                if let Some((where_, hint)) = misplaced {
                    let op = ctx.label();
                    self.report(
                        path.clone(),
                        Invalid::MisplacedReply {
                            op,
                            place: where_,
                            hint,
                        },
                    );
                }
                true
            }
            Step::Parallel(steps) | Step::Sequence(steps) => {
                let parallel = matches!(step, Step::Parallel(_));
                if steps.is_empty() {
                    let op = ctx.label();
                    self.report(
                        path.clone(),
                        Invalid::EmptyBlock {
                            op,
                            step: step.kind_name(),
                        },
                    );
                }
                let place = Place {
                    parallel: place.parallel || parallel,
                    ..inner
                };
                self.block(&path.index(0), ctx, steps, place, replied)
            }
            Step::Choice(branches) => self.choice(path, ctx, branches, inner, replied),
            Step::Call(c) | Step::Read(c) | Step::Write(c) | Step::Update(c) => {
                self.step_link(path, ctx, step, &c.link);
                let one_way = self
                    .names
                    .get(&ctx.node.id, &c.link)
                    .is_some_and(|l| !self.design.links[l.0].style.is_request_response());
                if one_way && c.fallback.is_some() {
                    self.report(
                        path.field("fallback"),
                        Invalid::FieldNotApplicable {
                            what: ctx.label(),
                            field: "fallback",
                            applies_to: "steps through a sync link (a common_data write never fails back to its writer)",
                        },
                    );
                }
                self.number(
                    || path.field("times"),
                    what,
                    "times",
                    c.times,
                    Rule::NonNegative,
                );
                for used in &c.uses {
                    if !ctx.seen.contains(&used.as_str()) {
                        let op = ctx.label();
                        self.report(
                            path.field("uses"),
                            Invalid::UnknownUse {
                                op,
                                name: used.clone(),
                            },
                        );
                    }
                }
                ctx.seen.push(&c.link);
                match &c.fallback {
                    Some(fallback) => {
                        let instead =
                            self.block(&path.field("fallback"), ctx, fallback, inner, replied);
                        replied || instead
                    }
                    None => replied,
                }
            }
            Step::Publish(link) => {
                self.step_link(path, ctx, step, link);
                replied
            }
            Step::Request(r) => {
                self.step_link(path, ctx, step, &r.link);
                self.number(
                    || path.field("times"),
                    what,
                    "times",
                    r.times,
                    Rule::NonNegative,
                );
                ctx.seen.push(&r.link);
                let later = Place {
                    continuation: true,
                    ..inner
                };
                self.block(&path.field("then"), ctx, &r.then, later, true);
                self.block(&path.field("on_failure"), ctx, &r.on_failure, later, true);
                replied
            }
        }
    }

    fn choice(
        &mut self,
        path: &FieldPath,
        ctx: &mut Op<'d>,
        branches: &'d [Branch],
        place: Place,
        replied: bool,
    ) -> bool {
        let what = What::Node(ctx.node);
        if branches.is_empty() {
            let op = ctx.label();
            self.report(path.clone(), Invalid::EmptyBlock { op, step: "Choice" });
            return replied;
        }
        let mut sum = 0.0;
        let mut any_replied = replied;
        for (b, branch) in branches.iter().enumerate() {
            let branch_path = path.index(0).index(b);
            self.number(
                || branch_path.field("probability"),
                what,
                "probability",
                branch.probability,
                Rule::Probability,
            );
            sum += branch.probability;
            any_replied |= self.block(
                &branch_path.field("steps"),
                ctx,
                &branch.steps,
                place,
                replied,
            );
        }
        if (sum - 1.0).abs() > PROBABILITY_SLACK && sum.is_finite() {
            let op = ctx.label();
            self.report(
                path.clone(),
                Invalid::ProbabilitiesSum {
                    op,
                    sum: number_text(sum),
                },
            );
        }
        any_replied
    }

    /// Checks that the link a step names exists and fits the step.
    fn step_link(&mut self, path: &FieldPath, ctx: &Op<'d>, step: &Step, name: &str) {
        let link_path = || path.field("link");
        match self.names.resolve(&ctx.node.id, name) {
            Resolved::One(l) => {
                let link = &self.design.links[l.0];
                let (Some(from), Some(to)) = (
                    self.by_id.get(link.from.as_str()),
                    self.by_id.get(link.to.as_str()),
                ) else {
                    return;
                };
                // A link that breaks its style's rules is reported there.
                if kind_rule_violation(link.style, &from.kind, &to.kind).is_some() {
                    return;
                }
                if let Some(rule) = step_link_violation(step, link.style, &to.kind) {
                    let op = ctx.label();
                    self.report(
                        link_path(),
                        Invalid::WrongStepLink {
                            op,
                            step: step.kind_name(),
                            link: link.label(),
                            style: link.style.to_string(),
                            to_kind: to.kind_name(),
                            rule,
                        },
                    );
                }
            }
            Resolved::Ambiguous(count) => {
                let op = ctx.label();
                self.report(
                    link_path(),
                    Invalid::AmbiguousStepLink {
                        op,
                        step: step.kind_name(),
                        link: name.to_owned(),
                        node: ctx.node.id.to_string(),
                        count,
                    },
                );
            }
            Resolved::Missing => self.report_with(|c| {
                let known: Vec<String> = c
                    .design
                    .links
                    .iter()
                    .filter(|l| l.from == ctx.node.id)
                    .take(20)
                    .map(|l| match &l.name {
                        Some(n) => format!("{} (\"{n}\")", l.to),
                        None => l.to.to_string(),
                    })
                    .collect();
                let known = if known.is_empty() {
                    "nowhere: draw the link first".to_owned()
                } else {
                    known.join(", ")
                };
                (
                    link_path(),
                    Invalid::UnknownStepLink {
                        op: ctx.label(),
                        step: step.kind_name(),
                        link: name.to_owned(),
                        node: ctx.node.id.to_string(),
                        known,
                    },
                )
            }),
        }
    }
}
