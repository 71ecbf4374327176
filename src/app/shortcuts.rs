//! Keyboard shortcuts: one table for handling keys, for the menu's hints
//! and for Help ▸ Shortcuts, so the three never disagree.

use egui::{Key, KeyboardShortcut, Modifiers};

use super::command::Command;

/// A key combination and the command it runs.
#[derive(Debug, Clone)]
pub struct Shortcut {
    /// The keys.
    pub keys: KeyboardShortcut,
    /// What they do.
    pub command: Command,
}

const fn key(modifiers: Modifiers, key: Key) -> KeyboardShortcut {
    KeyboardShortcut::new(modifiers, key)
}

/// Every shortcut, the most specific first (egui ignores extra Shift when
/// matching, so Ctrl+Shift+S must be tried before Ctrl+S).
pub fn table() -> Vec<Shortcut> {
    let cmd = Modifiers::COMMAND;
    let cmd_shift = Modifiers::COMMAND.plus(Modifiers::SHIFT);
    let none = Modifiers::NONE;
    [
        (key(cmd_shift, Key::S), Command::SaveAs),
        (key(cmd_shift, Key::Z), Command::Redo),
        (key(cmd, Key::Y), Command::Redo),
        (key(cmd, Key::Z), Command::Undo),
        (key(cmd, Key::N), Command::New),
        (key(cmd, Key::O), Command::Open),
        (key(cmd, Key::S), Command::Save),
        (key(cmd, Key::Q), Command::Quit),
        (key(cmd, Key::A), Command::SelectAll),
        (key(cmd, Key::C), Command::Copy),
        (key(cmd, Key::X), Command::Cut),
        (key(cmd, Key::V), Command::Paste(None)),
        (key(none, Key::Delete), Command::Delete),
        (key(none, Key::Backspace), Command::Delete),
        (key(none, Key::F), Command::Fit),
        (key(none, Key::Escape), Command::Cancel),
        // Simulation and playback.
        (key(none, Key::F5), Command::Run),
        (key(none, Key::Space), Command::PlayPause),
        (key(none, Key::Period), Command::Step),
        (key(none, Key::Home), Command::Rewind),
    ]
    .into_iter()
    .map(|(keys, command)| Shortcut { keys, command })
    .collect()
}

/// The first shortcut for `command`, for menu hints.
pub fn for_command(command: &Command) -> Option<KeyboardShortcut> {
    table()
        .into_iter()
        .find(|s| &s.command == command)
        .map(|s| s.keys)
}

/// The commands whose shortcuts were pressed this frame. None while a text
/// field has focus: there, keys edit the text (and Ctrl+Z undoes typing).
/// `was_typing` says whether one had focus in the previous frame: egui
/// drops the focus on Escape before the frame runs, and that Escape only
/// leaves the field.
pub fn pressed(ctx: &egui::Context, was_typing: bool) -> Vec<Command> {
    if was_typing || ctx.text_edit_focused() {
        return Vec::new();
    }
    ctx.input_mut(|input| {
        let mut commands: Vec<Command> = table()
            .into_iter()
            .filter(|s| input.consume_shortcut(&s.keys))
            .map(|s| s.command)
            .collect();
        // The window turns the clipboard keys into these events (with the
        // system clipboard's text for a paste) instead of key presses.
        commands.extend(input.events.iter().filter_map(|e| match e {
            egui::Event::Copy => Some(Command::Copy),
            egui::Event::Cut => Some(Command::Cut),
            egui::Event::Paste(text) => Some(Command::Paste(Some(text.clone()))),
            _ => None,
        }));
        commands
    })
}

/// The canvas gestures, for Help ▸ Shortcuts.
pub const GESTURES: &[(&str, &str)] = &[
    ("Drag a node", "move it (and the other selected nodes)"),
    (
        "Drag from a node's + handle",
        "connect it to the node you release on",
    ),
    (
        "Connect tool",
        "drag from any node to another to connect them",
    ),
    ("Click, Shift+click", "select, add to the selection"),
    ("Shift+drag on empty canvas", "select the nodes in a box"),
    ("Drag on empty canvas", "pan"),
    ("Scroll, Ctrl+scroll", "pan, zoom"),
    ("Double-click empty canvas", "add a service there"),
    ("Double-click a node", "rename it"),
    ("Drop a palette item", "add that node where you drop it"),
    ("Drop a file on the window", "open it"),
    (
        "Right-click a node",
        "inject a what-if fault for the next runs",
    ),
    (
        "Click the timeline or a chart",
        "show that moment of the run",
    ),
];
