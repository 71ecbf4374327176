//! The formats a report comes in, and how a file name says which.

use std::fmt;
use std::path::Path;

/// A report format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// One self-contained HTML page for people: diagram, findings,
    /// suggestions, charts.
    Html,
    /// Markdown for a pull-request comment, with a Mermaid diagram.
    Markdown,
    /// Everything, for programs (docs/report-json.md).
    Json,
    /// The diagram alone, as an SVG picture.
    Svg,
}

impl Format {
    /// Every format, in the order menus list them.
    pub const ALL: [Format; 4] = [Self::Html, Self::Markdown, Self::Json, Self::Svg];

    /// The name on the command line (`--format`): `html`, `md`, `json`,
    /// `svg`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Html => "html",
            Self::Markdown => "md",
            Self::Json => "json",
            Self::Svg => "svg",
        }
    }

    /// What people call it, for dialogs.
    pub fn label(self) -> &'static str {
        match self {
            Self::Html => "HTML page",
            Self::Markdown => "Markdown",
            Self::Json => "JSON",
            Self::Svg => "SVG diagram",
        }
    }

    /// The file extension written for it, without the dot.
    pub fn extension(self) -> &'static str {
        self.name()
    }

    /// The extensions that mean it, without the dot, lower case.
    pub fn extensions(self) -> &'static [&'static str] {
        match self {
            Self::Html => &["html", "htm", "xhtml"],
            Self::Markdown => &["md", "markdown"],
            Self::Json => &["json"],
            Self::Svg => &["svg"],
        }
    }

    /// The format named `name` (`--format`): a name or one of its
    /// extensions, any case.
    pub fn from_name(name: &str) -> Option<Self> {
        let name = name.to_ascii_lowercase();
        Self::ALL
            .into_iter()
            .find(|f| f.extensions().contains(&name.as_str()))
    }

    /// The format `path`'s extension names, if any.
    pub fn from_path(path: &Path) -> Option<Self> {
        Self::from_name(path.extension()?.to_str()?)
    }

    /// Whether making it runs the simulation (all but the diagram).
    pub fn simulates(self) -> bool {
        self != Self::Svg
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_extension_says_the_format() {
        assert_eq!(Format::from_path(Path::new("r.HTML")), Some(Format::Html));
        assert_eq!(
            Format::from_path(Path::new("a/b.markdown")),
            Some(Format::Markdown)
        );
        assert_eq!(Format::from_path(Path::new("report")), None);
        assert_eq!(Format::from_path(Path::new("report.txt")), None);
        for f in Format::ALL {
            assert_eq!(Format::from_name(f.name()), Some(f));
        }
    }
}
