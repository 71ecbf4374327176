//! Undo and redo, as snapshots of the whole design.
//!
//! A design is small (kilobytes for a realistic one), so each undo step
//! keeps the design as it was before the step. Snapshots restore exactly
//! (undo then redo gives back an equal `Design`), whatever the edit was.
//!
//! Continuous edits — dragging nodes, dragging a number, typing in a text
//! field — change the design every frame, but are one step: changes that
//! carry the same [`EditKey`] while its session is open add no step. The
//! app closes the session when the widget lets go (focus lost, drag ended).

use crate::model::Design;

/// Names one continuous edit: the id of the widget doing it.
pub type EditKey = egui::Id;

/// The most undo steps kept; older ones are forgotten.
const MAX_STEPS: usize = 200;

/// The undo and redo stacks of one document.
#[derive(Debug, Default)]
pub struct History {
    undo: Vec<Design>,
    redo: Vec<Design>,
    open: Option<EditKey>,
}

impl History {
    /// Whether a change with `key` continues the open session, so that it
    /// needs no new undo step.
    pub fn continues(&self, key: Option<EditKey>) -> bool {
        key.is_some() && key == self.open
    }

    /// Records `before`, the design before a change, as an undo step, and
    /// opens a session for `key` (none for one-off changes).
    pub fn record(&mut self, before: Design, key: Option<EditKey>) {
        self.undo.push(before);
        if self.undo.len() > MAX_STEPS {
            self.undo.remove(0);
        }
        self.redo.clear();
        self.open = key;
    }

    /// The open session's key, if a continuous edit is under way.
    pub fn open_session(&self) -> Option<EditKey> {
        self.open
    }

    /// Ends the open session: the next change is a new step.
    pub fn close_session(&mut self) {
        self.open = None;
    }

    /// Whether there is a step to undo.
    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }

    /// Whether there is a step to redo.
    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }

    /// Puts the design before the last step into `current`; false when
    /// there is nothing to undo.
    pub fn undo(&mut self, current: &mut Design) -> bool {
        Self::step(&mut self.undo, &mut self.redo, current, &mut self.open)
    }

    /// Puts the design after the last undone step into `current`; false
    /// when there is nothing to redo.
    pub fn redo(&mut self, current: &mut Design) -> bool {
        Self::step(&mut self.redo, &mut self.undo, current, &mut self.open)
    }

    fn step(
        from: &mut Vec<Design>,
        to: &mut Vec<Design>,
        current: &mut Design,
        open: &mut Option<EditKey>,
    ) -> bool {
        let Some(design) = from.pop() else {
            return false;
        };
        to.push(std::mem::replace(current, design));
        *open = None;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn undo_and_redo_restore_exactly() {
        let mut h = History::default();
        let mut d = Design::new("a");
        h.record(d.clone(), None);
        d.name = "b".into();
        assert!(h.undo(&mut d));
        assert_eq!(d.name, "a");
        assert!(h.redo(&mut d));
        assert_eq!(d.name, "b");
        assert!(!h.redo(&mut d));
    }

    #[test]
    fn a_session_continues_only_with_its_key() {
        let mut h = History::default();
        let key = egui::Id::new("field");
        h.record(Design::new("a"), Some(key));
        assert!(h.continues(Some(key)));
        assert!(!h.continues(None));
        assert!(!h.continues(Some(egui::Id::new("other"))));
        h.close_session();
        assert!(!h.continues(Some(key)));
    }

    #[test]
    fn a_new_step_clears_redo() {
        let mut h = History::default();
        let mut d = Design::new("a");
        h.record(d.clone(), None);
        d.name = "b".into();
        h.undo(&mut d);
        h.record(d.clone(), None);
        assert!(!h.can_redo());
    }
}
