//! The built-in example designs, compiled into the binary so the app and the
//! command line find them from any directory.

use crate::model::{Design, LoadError, file};

/// One built-in example: its file name and text.
#[derive(Debug, Clone, Copy)]
pub struct Example {
    /// The file name without extension, e.g. `fraud-check-blocking`.
    pub slug: &'static str,
    /// The file's text.
    pub text: &'static str,
}

macro_rules! examples {
    ($($slug:literal),* $(,)?) => {
        &[$(Example {
            slug: $slug,
            text: include_str!(concat!("../examples/", $slug, ".archsim.ron")),
        }),*]
    };
}

/// Every built-in example, in the order they are listed.
pub const EXAMPLES: &[Example] = examples!["fraud-check-blocking",];

/// The example the app opens when started without a file.
pub const DEFAULT_EXAMPLE: &str = "fraud-check-blocking";

impl Example {
    /// The file name, `slug.archsim.ron`.
    pub fn file_name(&self) -> String {
        format!("{}.{}", self.slug, file::EXTENSION)
    }

    /// Parses the example.
    pub fn design(&self) -> Result<Design, LoadError> {
        file::parse(self.text, &self.file_name())
    }
}

/// The example called `slug`.
pub fn find(slug: &str) -> Option<&'static Example> {
    EXAMPLES.iter().find(|e| e.slug == slug)
}
