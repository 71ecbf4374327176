//! A slab of reusable slots with epochs, so the engine allocates only
//! while the number of live jobs, calls and messages grows, and a stale
//! reference (a response to a call that already timed out) is recognised.

/// Slots of `T`; freed slots are reused.
#[derive(Debug)]
pub(crate) struct Slab<T> {
    slots: Vec<Slot<T>>,
    free: Vec<u32>,
    live: usize,
}

#[derive(Debug)]
struct Slot<T> {
    epoch: u32,
    value: Option<T>,
}

impl<T> Default for Slab<T> {
    fn default() -> Self {
        Self {
            slots: Vec::new(),
            free: Vec::new(),
            live: 0,
        }
    }
}

impl<T> Slab<T> {
    /// Stores `value`; returns its index and epoch.
    pub(crate) fn insert(&mut self, value: T) -> (u32, u32) {
        self.live += 1;
        if let Some(i) = self.free.pop() {
            let slot = &mut self.slots[i as usize];
            slot.value = Some(value);
            (i, slot.epoch)
        } else {
            self.slots.push(Slot {
                epoch: 0,
                value: Some(value),
            });
            ((self.slots.len() - 1) as u32, 0)
        }
    }

    /// Frees slot `i` and returns its value; later references with the old
    /// generation no longer match.
    pub(crate) fn remove(&mut self, i: u32) -> Option<T> {
        let slot = self.slots.get_mut(i as usize)?;
        let value = slot.value.take()?;
        slot.epoch = slot.epoch.wrapping_add(1);
        self.free.push(i);
        self.live -= 1;
        Some(value)
    }

    /// The value in slot `i`, whatever its epoch.
    #[inline]
    pub(crate) fn get(&self, i: u32) -> Option<&T> {
        self.slots.get(i as usize)?.value.as_ref()
    }

    /// The value in slot `i`, for changing.
    #[inline]
    pub(crate) fn get_mut(&mut self, i: u32) -> Option<&mut T> {
        self.slots.get_mut(i as usize)?.value.as_mut()
    }

    /// The current epoch of slot `i`.
    #[inline]
    pub(crate) fn epoch(&self, i: u32) -> u32 {
        self.slots.get(i as usize).map_or(u32::MAX, |s| s.epoch)
    }

    /// Whether `(i, epoch)` still refers to a live value.
    #[inline]
    pub(crate) fn is_current(&self, i: u32, epoch: u32) -> bool {
        self.slots
            .get(i as usize)
            .is_some_and(|s| s.epoch == epoch && s.value.is_some())
    }

    /// Bumps the epoch of a live slot, so references taken before no
    /// longer match (a retried call ignores the old attempt's response).
    pub(crate) fn bump(&mut self, i: u32) -> u32 {
        match self.slots.get_mut(i as usize) {
            Some(s) => {
                s.epoch = s.epoch.wrapping_add(1);
                s.epoch
            }
            None => u32::MAX,
        }
    }

    /// How many values are stored.
    pub(crate) fn live(&self) -> usize {
        self.live
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn freed_slots_are_reused_and_old_references_go_stale() {
        let mut s = Slab::default();
        let (a, ga) = s.insert("a");
        assert!(s.is_current(a, ga));
        assert_eq!(s.remove(a), Some("a"));
        assert!(!s.is_current(a, ga));
        let (b, gb) = s.insert("b");
        assert_eq!(a, b, "slot reused");
        assert_ne!(ga, gb, "with a new epoch");
        assert_eq!(s.live(), 1);
        let g2 = s.bump(b);
        assert!(!s.is_current(b, gb) && s.is_current(b, g2));
    }
}
