//! Resolves a FILE argument: a path on disk, or the name of a built-in
//! example so newcomers can try every command from any directory.

use std::path::Path;

use archsim::library;
use archsim::model::{Design, LoadError, file};

use super::output::errln;

/// Loads the design named by `arg`: the file if it exists, otherwise the
/// built-in example of that name (with or without `.archsim.ron`).
pub fn load(arg: &Path) -> Result<Design, LoadError> {
    if !arg.exists()
        && let Some(example) = example_named(arg)
    {
        return example.design();
    }
    file::load(arg)
}

/// Whether `arg` is a file that exists or the name of a built-in example.
pub fn names_a_design(arg: &Path) -> bool {
    arg.exists() || example_named(arg).is_some()
}

/// The built-in example `arg` names (with or without `.archsim.ron`).
pub fn example_named(arg: &Path) -> Option<&'static library::Example> {
    let name = arg.to_str()?;
    let slug = name
        .strip_suffix(&format!(".{}", file::EXTENSION))
        .unwrap_or(name);
    library::find(slug)
}

/// A load error as lines for people, one problem per line, with a hint
/// where the file does not exist.
pub fn error_lines(arg: &Path, err: &LoadError) -> Vec<String> {
    let mut lines: Vec<String> = match err {
        LoadError::Invalid { file, problems } => problems.iter().map(|p| p.render(file)).collect(),
        other => vec![other.to_string()],
    };
    if let LoadError::Read { source, .. } = err
        && source.kind() == std::io::ErrorKind::NotFound
    {
        lines.push(match closest_example(arg) {
            Some(guess) => format!(
                "hint: no file {} and no built-in example of that name; did you mean the example {guess}?",
                arg.display()
            ),
            None => format!(
                "hint: no file {} and no built-in example of that name; `archsim examples` lists them",
                arg.display()
            ),
        });
    }
    lines
}

/// Of `candidates`, the one `word` most likely is a typo of, if any is
/// close enough (Jaro-Winkler similarity, as clap's own suggestions).
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    const CLOSE: f64 = 0.85;
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(word, c), c))
        .filter(|(score, _)| *score >= CLOSE)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

/// The built-in example whose name `arg` most likely is a typo of: only
/// for a bare name (no folder), since a path is not meant as an example.
pub fn closest_example(arg: &Path) -> Option<&'static str> {
    if arg.components().count() != 1 {
        return None;
    }
    let name = arg.to_str()?;
    let name = name
        .strip_suffix(&format!(".{}", file::EXTENSION))
        .unwrap_or(name);
    closest(name, library::EXAMPLES.iter().map(|e| e.slug))
}

/// Prints a load error on stderr: see [`error_lines`].
pub fn report(arg: &Path, err: &LoadError) {
    for line in error_lines(arg, err) {
        errln!("{line}");
    }
}
