//! The playback clock: which instant of a simulated run is on screen, and
//! how fast it moves.
//!
//! Simulated time moves at `speed` simulated seconds per second of wall
//! time (0.1× to 100×), measured with egui's input time, so tests drive it
//! by setting the time. Messages take milliseconds while runs last
//! minutes; how the animation makes them visible anyway is the business of
//! [`crate::app::animation`], not of the clock: at 1× a ten-second crash
//! lasts ten seconds on screen.

/// Slowest playback, simulated seconds per wall second.
pub const MIN_SPEED: f64 = 0.1;
/// Fastest playback.
pub const MAX_SPEED: f64 = 100.0;

/// A step moves the clock as far as this many wall seconds of playing.
const STEP_WALL_S: f64 = 0.1;

/// Wall time between two frames beyond which the clock does not jump (the
/// window was hidden, a frame took long): it moves as if one frame passed.
const MAX_FRAME_S: f64 = 0.25;

/// The clock.
#[derive(Debug, Clone, PartialEq)]
pub struct Playback {
    /// The instant shown, simulated seconds.
    time_s: f64,
    /// The end of what can be shown, simulated seconds.
    end_s: f64,
    /// Simulated seconds per wall second.
    speed: f64,
    playing: bool,
    /// Wall time of the last frame while playing.
    last_wall: Option<f64>,
}

impl Default for Playback {
    fn default() -> Self {
        Self {
            time_s: 0.0,
            end_s: 0.0,
            speed: 1.0,
            playing: false,
            last_wall: None,
        }
    }
}

impl Playback {
    /// The instant shown, simulated seconds.
    pub fn time_s(&self) -> f64 {
        self.time_s
    }

    /// The last instant that can be shown, simulated seconds.
    pub fn end_s(&self) -> f64 {
        self.end_s
    }

    /// Simulated seconds per wall second.
    pub fn speed(&self) -> f64 {
        self.speed
    }

    /// Whether the clock is running.
    pub fn is_playing(&self) -> bool {
        self.playing
    }

    /// A new run of `end_s` simulated seconds is shown: the clock keeps its
    /// place if the run reaches it (a re-run shows the same moment).
    pub fn load(&mut self, end_s: f64) {
        self.end_s = end_s.max(0.0);
        self.time_s = self.time_s.clamp(0.0, self.end_s);
        if self.time_s >= self.end_s {
            self.time_s = 0.0;
        }
    }

    /// Sets the speed, within the limits.
    pub fn set_speed(&mut self, speed: f64) {
        if speed.is_finite() {
            self.speed = speed.clamp(MIN_SPEED, MAX_SPEED);
        }
    }

    /// Starts the clock (from the start when at the end).
    pub fn play(&mut self) {
        if self.time_s >= self.end_s {
            self.time_s = 0.0;
        }
        self.playing = self.end_s > 0.0;
        self.last_wall = None;
    }

    /// Stops the clock where it is.
    pub fn pause(&mut self) {
        self.playing = false;
    }

    /// Moves by one step (what a tenth of a second of playing shows) and
    /// pauses.
    pub fn step(&mut self) {
        self.pause();
        self.seek(self.time_s + STEP_WALL_S * self.speed);
    }

    /// Back to the start, paused.
    pub fn rewind(&mut self) {
        self.pause();
        self.time_s = 0.0;
    }

    /// Shows instant `time_s` (clamped to the run).
    pub fn seek(&mut self, time_s: f64) {
        if time_s.is_finite() {
            self.time_s = time_s.clamp(0.0, self.end_s);
        }
    }

    /// Moves the clock to wall time `now_s` (seconds); it stops at the end.
    /// Returns whether it is still playing.
    pub fn tick(&mut self, now_s: f64) -> bool {
        if !self.playing {
            return false;
        }
        if let Some(last) = self.last_wall {
            let wall = (now_s - last).clamp(0.0, MAX_FRAME_S);
            self.time_s = (self.time_s + wall * self.speed).min(self.end_s);
        }
        self.last_wall = Some(now_s);
        if self.time_s >= self.end_s {
            self.playing = false;
        }
        self.playing
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_clock_follows_wall_time_at_its_speed_and_stops_at_the_end() {
        let mut p = Playback::default();
        p.load(10.0);
        p.set_speed(2.0);
        p.play();
        assert!(p.tick(100.0));
        assert_eq!(p.time_s(), 0.0, "the first frame only starts the clock");
        p.tick(100.1);
        assert!((p.time_s() - 0.2).abs() < 1e-9);
        // A long gap counts as one frame, not a jump.
        p.tick(130.0);
        assert!((p.time_s() - 0.7).abs() < 1e-9);
        p.set_speed(1000.0);
        assert_eq!(p.speed(), MAX_SPEED);
        while p.tick(p.last_wall.unwrap_or(0.0) + 0.2) {}
        assert_eq!(p.time_s(), 10.0);
        assert!(!p.is_playing());
        p.play();
        assert_eq!(p.time_s(), 0.0, "playing again starts over");
    }

    #[test]
    fn steps_seeks_and_reloads_stay_in_the_run() {
        let mut p = Playback::default();
        p.load(5.0);
        p.step();
        assert!((p.time_s() - 0.1).abs() < 1e-9);
        p.seek(99.0);
        assert_eq!(p.time_s(), 5.0);
        p.seek(f64::NAN);
        assert_eq!(p.time_s(), 5.0);
        p.seek(3.0);
        p.load(8.0);
        assert_eq!(p.time_s(), 3.0, "a re-run keeps the moment shown");
        p.load(2.0);
        assert_eq!(p.time_s(), 0.0);
        p.rewind();
        assert!(!p.is_playing());
        let mut empty = Playback::default();
        empty.play();
        assert!(!empty.is_playing(), "nothing to play");
    }
}
