//! The order of an operation's steps, as short marks on its links: the
//! canvas puts them on the links of the selected service so a reader sees
//! which call comes first, which run together, which happen only
//! sometimes, and what comes after the reply. Reports can use the same
//! marks.

use crate::model::{Design, LinkIdx, LinkNames, NodeId, Step};

/// How a step through a link runs, for its mark.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepPlace {
    /// One after another on the main path.
    InOrder,
    /// In a parallel block with others.
    Parallel,
    /// In an either/or branch or a fallback: only on some requests.
    Sometimes,
    /// After the reply: the caller no longer waits.
    AfterReply,
    /// In a continuation: when an asynchronous reply comes back.
    Later,
}

/// One link's mark: the number of the top-level step it belongs to (with
/// a letter per branch of a parallel block), and how it runs there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepMark {
    /// The link.
    pub link: LinkIdx,
    /// The top-level step number, from 1, and the branch letter inside a
    /// parallel block (`2a`, `2b`).
    pub number: String,
    /// How it runs.
    pub place: StepPlace,
}

impl StepMark {
    /// The text drawn on the link, in characters every font has: `2`,
    /// `2a` and `2b` (together), `3?` (sometimes), `(5)` (after the reply),
    /// `6...` (when a reply comes back).
    pub fn text(&self) -> String {
        match self.place {
            StepPlace::InOrder | StepPlace::Parallel => self.number.clone(),
            StepPlace::Sometimes => format!("{}?", self.number),
            StepPlace::AfterReply => format!("({})", self.number),
            StepPlace::Later => format!("{}...", self.number),
        }
    }

    /// What the mark means, for a legend or tooltip.
    pub fn meaning(&self) -> String {
        let how = match self.place {
            StepPlace::InOrder => "the caller waits for it",
            StepPlace::Parallel => "at the same time as the other branches of its step",
            StepPlace::Sometimes => "only on some requests (either/or or fallback)",
            StepPlace::AfterReply => "after the reply: the caller no longer waits",
            StepPlace::Later => "when an asynchronous reply comes back, as new work",
        };
        format!("step {}: {how}", self.number)
    }
}

/// The marks of the steps of the first operation of service `node` that
/// go through links, each link once (its first step).
pub fn step_marks(design: &Design, node: &NodeId) -> Vec<StepMark> {
    let Some(op) = design
        .node(node)
        .and_then(|n| n.as_service())
        .and_then(|s| s.operations.first())
    else {
        return Vec::new();
    };
    let names = LinkNames::new(design);
    let mut marks = Vec::new();
    let mut replied = false;
    for (i, step) in op.steps.iter().enumerate() {
        let place = if replied {
            StepPlace::AfterReply
        } else {
            StepPlace::InOrder
        };
        mark(&names, node, step, &(i + 1).to_string(), place, &mut marks);
        replied |= matches!(step, Step::Reply);
    }
    marks
}

fn mark(
    names: &LinkNames<'_>,
    node: &NodeId,
    step: &Step,
    number: &str,
    place: StepPlace,
    out: &mut Vec<StepMark>,
) {
    if let Some(link) = step.link().and_then(|r| names.get(node, r))
        && !out.iter().any(|m| m.link == link)
    {
        out.push(StepMark {
            link,
            number: number.to_owned(),
            place,
        });
    }
    let inner = |nesting: crate::model::Nesting| match (place, nesting) {
        (StepPlace::AfterReply | StepPlace::Later, _) => place,
        (_, crate::model::Nesting::Continuation) => StepPlace::Later,
        (_, crate::model::Nesting::Fallback) => StepPlace::Sometimes,
        (_, crate::model::Nesting::Parallel) => StepPlace::Parallel,
        (StepPlace::Parallel, _) => StepPlace::Parallel,
        (_, crate::model::Nesting::InLine) if matches!(step, Step::Choice(_)) => {
            StepPlace::Sometimes
        }
        (p, crate::model::Nesting::InLine) => p,
    };
    for (nesting, block) in step.blocks() {
        let place = inner(nesting);
        let lettered =
            nesting == crate::model::Nesting::Parallel && !number.contains(char::is_alphabetic);
        for (b, s) in block.iter().enumerate() {
            let number = match (lettered, b) {
                (true, 0..26) => format!("{number}{}", char::from(b'a' + b as u8)),
                _ => number.to_owned(),
            };
            mark(names, node, s, &number, place, out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::library;

    #[test]
    fn parallel_and_sequential_stockists_are_marked_apart() {
        let marks = |slug: &str| {
            let d = library::example(slug);
            step_marks(&d, &"price_comparison".into())
                .iter()
                .map(StepMark::text)
                .collect::<Vec<_>>()
        };
        assert_eq!(marks("stockist-prices-parallel"), ["2a", "2b", "2c"]);
        assert_eq!(marks("stockist-prices-sequential"), ["2", "3", "4"]);
    }
}
