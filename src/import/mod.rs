//! A design from a running system's distributed traces: `archsim import`.
//!
//! The readers (`otlp`, `jaeger`, `zipkin`) turn each format into the same
//! [`span::Span`]s, grouped by trace in [`Spans`]; [`infer`] turns the
//! spans into a design (services and operations, the calls each makes in
//! order and in parallel, stores, brokers and external services, own work,
//! network latency, error rates, entry points and their rates) and an
//! [`ImportReport`] that says how sure each number is and what it guessed.
//! The format of each file is told from its content.

mod fit;
mod infer;
mod jaeger;
mod json;
mod observe;
mod otlp;
mod report;
pub mod span;
mod tree;
mod zipkin;

use foldhash::HashMap;
use std::path::Path;

pub use infer::infer;
pub use report::{Counts, FileRead, Guess, ImportReport, Inferred};
use span::Span;

/// The largest trace file read: traces are verbose, and a file this size
/// holds millions of spans.
pub const MAX_TRACE_FILE_BYTES: u64 = 1024 * 1024 * 1024;

/// The trace formats archsim reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    /// OpenTelemetry OTLP JSON.
    Otlp,
    /// Jaeger JSON.
    Jaeger,
    /// Zipkin v2 JSON.
    Zipkin,
}

impl Format {
    /// Tells the format from the start of a file's content.
    pub fn detect(data: &[u8]) -> Option<Self> {
        let head = &data[..data.len().min(1 << 16)];
        let text = String::from_utf8_lossy(head);
        let first = text.trim_start().chars().next()?;
        if text.contains("\"resourceSpans\"") {
            Some(Self::Otlp)
        } else if first == '{' && text.contains("\"data\"") {
            Some(Self::Jaeger)
        } else if first == '[' && text.contains("\"traceId\"") {
            Some(Self::Zipkin)
        } else {
            None
        }
    }

    /// The format named `name` on the command line: `otlp`, `jaeger`,
    /// `zipkin`.
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "otlp" => Some(Self::Otlp),
            "jaeger" => Some(Self::Jaeger),
            "zipkin" => Some(Self::Zipkin),
            _ => None,
        }
    }

    /// The format's name for people.
    pub fn label(self) -> &'static str {
        match self {
            Self::Otlp => "OpenTelemetry OTLP JSON",
            Self::Jaeger => "Jaeger JSON",
            Self::Zipkin => "Zipkin v2 JSON",
        }
    }
}

/// Why traces could not be imported.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file is not valid JSON, or a span lacks a field it must have.
    #[error("{file}:{line}:{col}: {message}")]
    Json {
        /// The file.
        file: String,
        /// Where, from 1.
        line: usize,
        /// See `line`.
        col: usize,
        /// What is wrong.
        message: String,
    },
    /// The file is JSON but not traces in a format archsim reads.
    #[error(
        "{file}: not a trace file archsim reads: expected OpenTelemetry OTLP JSON (\"resourceSpans\"), Jaeger JSON (\"data\": [traces]) or Zipkin v2 JSON (a list of spans with \"traceId\")"
    )]
    UnknownFormat {
        /// The file.
        file: String,
    },
    /// The file cannot be read (missing, not a regular file, too large).
    #[error("{file}: cannot read: {message}")]
    Read {
        /// The file.
        file: String,
        /// Why.
        message: String,
    },
    /// The files hold no span that ended.
    #[error("no finished spans in {files}: nothing to import")]
    NoSpans {
        /// The files, joined.
        files: String,
    },
}

impl ImportError {
    fn json(file: &str, e: &serde_json::Error) -> Self {
        let message = e.to_string();
        // serde_json ends its message with " at line L column C".
        let message = message
            .split(" at line ")
            .next()
            .unwrap_or(&message)
            .to_owned();
        Self::Json {
            file: file.to_owned(),
            line: e.line(),
            col: e.column(),
            message,
        }
    }
}

/// Spans read so far, by trace, and what had to be left out.
#[derive(Debug, Default)]
pub struct Spans {
    traces: HashMap<String, Vec<Span>>,
    /// Spans without an end, or ending before they start.
    pub unfinished: usize,
    /// Files read, with their format.
    pub files: Vec<(String, Format)>,
}

impl Spans {
    fn push(&mut self, mut span: Span) {
        if span.end_ns == i64::MIN || span.end_ns < span.start_ns {
            self.unfinished += 1;
            return;
        }
        // A name is what an operation or a service is called by.
        if span.name.trim().is_empty() {
            span.name = "unnamed".to_owned();
        }
        if span.service.trim().is_empty() {
            span.service = "unknown_service".to_owned();
        }
        self.traces
            .entry(span.trace.clone())
            .or_default()
            .push(span);
    }

    /// Reads the spans of one file, telling its format from its content.
    pub fn read(&mut self, data: &[u8], file: &str) -> Result<(), ImportError> {
        let format = Format::detect(data).ok_or_else(|| ImportError::UnknownFormat {
            file: file.to_owned(),
        })?;
        match format {
            Format::Otlp => otlp::read(data, file, self)?,
            Format::Jaeger => jaeger::read(data, file, self)?,
            Format::Zipkin => zipkin::read(data, file, self)?,
        }
        self.files.push((file.to_owned(), format));
        Ok(())
    }

    /// Reads the spans of the trace file at `path` (a regular file of at
    /// most [`MAX_TRACE_FILE_BYTES`]).
    pub fn read_file(&mut self, path: &Path) -> Result<(), ImportError> {
        let file = path.display().to_string();
        let fail = |message: String| ImportError::Read {
            file: file.clone(),
            message,
        };
        match crate::model::read::regular_file(path, MAX_TRACE_FILE_BYTES) {
            Ok(crate::model::read::Contents::Bytes(bytes, _)) => self.read(&bytes, &file),
            Ok(crate::model::read::Contents::TooLarge(n)) => Err(fail(format!(
                "{} bytes, more than the {} bytes a trace file may have; split it",
                n, MAX_TRACE_FILE_BYTES
            ))),
            Err(e) => Err(fail(e.to_string())),
        }
    }

    /// How many spans were kept.
    pub fn len(&self) -> usize {
        self.traces.values().map(Vec::len).sum()
    }

    /// Whether no span was kept.
    pub fn is_empty(&self) -> bool {
        self.traces.is_empty()
    }
}
