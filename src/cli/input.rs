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
        lines.push(format!(
            "hint: no file {} and no built-in example of that name; `archsim examples` lists them",
            arg.display()
        ));
    }
    lines
}

/// Prints a load error on stderr: see [`error_lines`].
pub fn report(arg: &Path, err: &LoadError) {
    for line in error_lines(arg, err) {
        errln!("{line}");
    }
}
