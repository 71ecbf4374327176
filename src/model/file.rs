//! Reading and writing `.archsim.ron` files.
//!
//! Loading is load → parse → validate: every failure becomes a
//! [`LoadError`] that names the file, line and column and says what to
//! change. Saving is canonical (the same design always gives the same bytes)
//! and atomic (a temporary file in the same directory, flushed, synced, then
//! renamed over the target), so a crash never leaves a half-written design.

use std::cell::Cell;
use std::io::Write;
use std::path::Path;

use ron::error::{Error as RonError, SpannedError};
use ron::extensions::Extensions;
use ron::ser::PrettyConfig;

use serde::de::{DeserializeSeed, Deserializer, Error as _, IgnoredAny, MapAccess, Visitor};

use super::disk::DiskStamp;
use super::error::{LoadError, Location, one_line};
use super::locate::locate;
use super::path::FieldPath;
use super::read::{self, Contents};
use super::temp;
use super::{Design, FORMAT_VERSION, v1, validate};

/// The file name extension of designs.
pub const EXTENSION: &str = "archsim.ron";

/// The first version of the format there ever was: a file that declares an
/// older one was not written by any archsim.
pub const FIRST_FORMAT_VERSION: u32 = 1;

/// Files larger than this are refused, whatever their size claims: no
/// design comes near it, and reading it would only waste memory.
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// Nesting deeper than this is refused (a design needs about ten levels);
/// it keeps hostile input from exhausting the stack.
const RECURSION_LIMIT: usize = 128;

/// The RON extensions archsim writes (declared in the file's header) and
/// also accepts without the header: `Some(..)` may be left out, and an enum
/// variant's struct is written `Service(workers: 4)` with one pair of
/// parentheses.
fn extensions() -> Extensions {
    Extensions::IMPLICIT_SOME | Extensions::UNWRAP_VARIANT_NEWTYPES
}

/// Why a design could not be saved.
#[derive(Debug, thiserror::Error)]
pub enum SaveError {
    /// Writing, syncing or renaming failed; the original file is untouched.
    #[error("{file}: cannot save: {source}")]
    Io {
        /// The file.
        file: String,
        /// What the operating system said.
        #[source]
        source: std::io::Error,
    },
    /// The design could not be turned into text (a bug).
    #[error("{file}: cannot write the design as RON: {message}")]
    Serialize {
        /// The file.
        file: String,
        /// RON's message.
        message: String,
    },
}

/// Reads, parses and validates the design at `path`. Only a regular file
/// is read, and no more of it than [`MAX_FILE_BYTES`] (a FIFO or a device
/// is refused, saying what it is). Temporary files that killed saves of
/// this design left beside it are removed.
pub fn load(path: &Path) -> Result<Design, LoadError> {
    load_stamped(path).map(|(design, _)| design)
}

/// [`load`], and what the file looked like on disk: to notice later that
/// someone else changed it.
pub fn load_stamped(path: &Path) -> Result<(Design, DiskStamp), LoadError> {
    let file = path.display().to_string();
    let (data, metadata) = match read::regular_file(path, MAX_FILE_BYTES) {
        Ok(Contents::Bytes(data, metadata)) => (data, metadata),
        Ok(Contents::TooLarge(bytes)) => {
            return Err(LoadError::TooLarge {
                file,
                bytes,
                limit: MAX_FILE_BYTES,
            });
        }
        Err(source) => return Err(LoadError::Read { file, source }),
    };
    temp::remove_stale(path);
    let design = parse_bytes(&data, &file)?;
    Ok((design, DiskStamp::of(&data, &metadata)))
}

/// Parses and validates design bytes; `file` names them in messages.
pub fn parse_bytes(data: &[u8], file: &str) -> Result<Design, LoadError> {
    if data.len() as u64 > MAX_FILE_BYTES {
        return Err(LoadError::TooLarge {
            file: file.to_owned(),
            bytes: data.len() as u64,
            limit: MAX_FILE_BYTES,
        });
    }
    let text = std::str::from_utf8(data).map_err(|e| {
        let valid = &data[..e.valid_up_to()];
        // The prefix is valid UTF-8 by construction.
        let prefix = std::str::from_utf8(valid).unwrap_or_default();
        let (line, col) = end_line_col(prefix);
        LoadError::NotText {
            at: Location {
                file: file.to_owned(),
                line,
                col,
            },
        }
    })?;
    parse(text, file)
}

/// Parses and validates design text; `file` names it in messages.
pub fn parse(text: &str, file: &str) -> Result<Design, LoadError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(LoadError::Empty {
            file: file.to_owned(),
        });
    }
    let design: Design = match options().from_str(text) {
        Ok(design) => design,
        Err(e) => {
            // A file from a newer archsim fails on its new fields: its
            // version is the problem, not the fields.
            return Err(match declared_format(text) {
                Some(found) if !(1..=u64::from(FORMAT_VERSION)).contains(&found) => {
                    unsupported_format(text, file, found)
                }
                _ => ron_error(e, text, file),
            });
        }
    };
    let mut design = design;
    let (mut problems, from_v1) = match design.format {
        1 => v1::migrate(&mut design),
        FORMAT_VERSION => (v1::leftovers(&design), v1::PathMap::new()),
        other => return Err(unsupported_format(text, file, u64::from(other))),
    };
    problems.extend(v1::latency_shorthand(&mut design));
    if problems.is_empty() {
        problems = validate::validate(&design);
        // Steps made from a format-1 file are not in its text.
        for p in &mut problems {
            if let Some(path) = v1::original_path(&from_v1, &p.path) {
                p.path = path;
            }
        }
    }
    if problems.is_empty() {
        return Ok(design);
    }
    let paths: Vec<&FieldPath> = problems.iter().map(|p| &p.path).collect();
    let places = locate(text, &paths);
    for (problem, place) in problems.iter_mut().zip(places) {
        problem.line_col = place;
    }
    Err(LoadError::Invalid {
        file: file.to_owned(),
        problems,
    })
}

fn options() -> ron::Options {
    ron::Options::default()
        .with_default_extension(extensions())
        .with_recursion_limit(RECURSION_LIMIT)
}

/// The `format` the text declares, read without parsing the rest of the
/// design: the probe stops as soon as it has the `format` field (the first
/// field in files archsim writes), so it costs nothing on large files.
/// `None` when the text does not get that far.
fn declared_format(text: &str) -> Option<u64> {
    struct Probe<'a>(&'a Cell<Option<u64>>);

    impl<'de> DeserializeSeed<'de> for Probe<'_> {
        type Value = ();

        fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
            d.deserialize_struct("Design", &["format"], self)
        }
    }

    impl<'de> Visitor<'de> for Probe<'_> {
        type Value = ();

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a design")
        }

        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
            while let Some(key) = map.next_key::<String>()? {
                if key == "format" {
                    self.0.set(Some(map.next_value()?));
                    // Found: stop reading.
                    return Err(A::Error::custom("found the format"));
                }
                map.next_value::<IgnoredAny>()?;
            }
            Ok(())
        }
    }

    let found = Cell::new(None);
    // The error is expected (the probe stops early); only `found` matters.
    let _ = options().from_str_seed(text, Probe(&found));
    found.get()
}

/// The error for a file in a format version this archsim cannot read,
/// located at its `format` field: one older than the first never existed
/// (no archsim reads it), a newer one needs a newer archsim.
fn unsupported_format(text: &str, file: &str, found: u64) -> LoadError {
    let path = FieldPath::root().field("format");
    let (line, col) = locate(text, &[&path])[0].unwrap_or((1, 1));
    let at = Location {
        file: file.to_owned(),
        line,
        col,
    };
    if found < u64::from(FIRST_FORMAT_VERSION) {
        LoadError::UnknownFormat {
            at,
            found,
            first: FIRST_FORMAT_VERSION,
            newest: FORMAT_VERSION,
        }
    } else {
        LoadError::UnsupportedFormat {
            at,
            found,
            supported: FORMAT_VERSION,
        }
    }
}

/// Turns RON's error into one that says what to change, at the place a
/// person would look: the offending token, not the whitespace before it.
fn ron_error(e: SpannedError, text: &str, file: &str) -> LoadError {
    let offset = error_offset(&e, text);
    let (line, col) = end_line_col(&text[..offset]);
    let at = Location {
        file: file.to_owned(),
        line,
        col,
    };
    let context = |outer: &Option<String>, word: &str| {
        outer
            .as_ref()
            .map(|o| format!(" {word} {o}"))
            .unwrap_or_default()
    };
    match e.code {
        RonError::NoSuchStructField {
            expected,
            found,
            outer,
        } => LoadError::UnknownField {
            at,
            field: found,
            context: context(&outer, "in"),
            known: expected.join(", "),
        },
        RonError::MissingStructField { field, outer } => LoadError::MissingField {
            at,
            field: field.to_owned(),
            context: context(&outer, "in"),
        },
        RonError::NoSuchEnumVariant {
            expected,
            found,
            outer,
        } => LoadError::UnknownVariant {
            at,
            found,
            context: context(&outer, "for"),
            known: expected.join(", "),
        },
        RonError::Utf8Error(_) => LoadError::NotText { at },
        RonError::ExceededRecursionLimit => LoadError::Syntax {
            at,
            message: format!(
                "values are nested more than {RECURSION_LIMIT} levels deep; steps nest at most {} blocks deep (move a branch into an operation of its own)",
                super::MAX_STEP_DEPTH
            ),
        },
        RonError::Eof => LoadError::Syntax {
            at,
            message: "the file ends too early; a bracket or quote is probably not closed".into(),
        },
        RonError::TrailingCharacters => LoadError::Syntax {
            at,
            message: format!(
                "unexpected {} after the end of the design; the design is one `( ... )`",
                found_at(text, offset)
            ),
        },
        RonError::DuplicateStructField { field, outer } => LoadError::Syntax {
            at,
            message: format!(
                "field `{field}` appears twice{}; keep one",
                context(&outer, "in")
            ),
        },
        other => LoadError::Syntax {
            at,
            message: one_line(&plain_words(&other, text, offset)).into_owned(),
        },
    }
}

/// The byte offset in `text` that an error from RON is really about.
///
/// RON's span starts where the parser was before its last step, which is
/// often the whitespace before the offending token, or the middle of it.
fn error_offset(e: &SpannedError, text: &str) -> usize {
    let start = offset_of(text, e.span.start.line, e.span.start.col);
    match e.code {
        // Already at the opening quote, or at the end of the text.
        RonError::Eof | RonError::ExpectedStringEnd => start,
        RonError::UnclosedBlockComment => unclosed_comment_start(text).unwrap_or(start),
        RonError::IntegerOutOfBounds | RonError::InvalidIntegerDigit { .. } => {
            number_start(text, start)
        }
        RonError::ExpectedComma if is_decimal_point(text, start) => number_start(text, start),
        _ => skip_trivia(text, start),
    }
}

/// The byte offset of a 1-based line and column (in characters), clamped
/// to the end of `text`.
fn offset_of(text: &str, line: usize, col: usize) -> usize {
    let mut line_start = 0;
    for _ in 1..line {
        match text[line_start..].find('\n') {
            Some(i) => line_start += i + 1,
            None => return text.len(),
        }
    }
    text[line_start..]
        .char_indices()
        .nth(col.saturating_sub(1))
        .map_or(text.len(), |(i, _)| line_start + i)
}

/// The offset of the first character at or after `i` that is neither
/// whitespace nor inside a comment.
fn skip_trivia(text: &str, mut i: usize) -> usize {
    loop {
        let rest = &text[i..];
        let trimmed = rest.trim_start();
        i += rest.len() - trimmed.len();
        if trimmed.starts_with("//") {
            i += trimmed.find('\n').unwrap_or(trimmed.len());
        } else if trimmed.starts_with("/*") {
            match block_comment_len(trimmed) {
                Some(len) => i += len,
                None => return i,
            }
        } else {
            return i;
        }
    }
}

/// The length of the (nested) block comment `text` starts with, or `None`
/// when it is never closed.
fn block_comment_len(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let (mut depth, mut i) = (0usize, 0usize);
    while i + 1 < bytes.len() {
        match (bytes[i], bytes[i + 1]) {
            (b'/', b'*') => {
                depth += 1;
                i += 2;
            }
            (b'*', b'/') => {
                depth = depth.saturating_sub(1);
                i += 2;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => i += 1,
        }
    }
    None
}

/// Where the block comment that is never closed starts: the first `/*`
/// outside strings and comments whose comment runs to the end of the text.
fn unclosed_comment_start(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                i += text[i..].find('\n').unwrap_or(text.len() - i);
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => match block_comment_len(&text[i..]) {
                Some(len) => i += len,
                None => return Some(i),
            },
            _ => i += 1,
        }
    }
    None
}

/// Whether `text[at]` is the `.` of a number written with a fraction
/// (`4.5`): a digit on each side.
fn is_decimal_point(text: &str, at: usize) -> bool {
    let bytes = text.as_bytes();
    bytes.get(at) == Some(&b'.')
        && at > 0
        && bytes[at - 1].is_ascii_digit()
        && bytes.get(at + 1).is_some_and(u8::is_ascii_digit)
}

/// Steps back from inside a number to its first character (sign included).
fn number_start(text: &str, mut at: usize) -> usize {
    let bytes = text.as_bytes();
    while at > 0 && matches!(bytes[at - 1], b'0'..=b'9' | b'_' | b'.' | b'-' | b'+') {
        at -= 1;
    }
    at
}

/// The token at `at`, for messages: `` `links` ``, `` `"a string"` ``, or
/// "the end of the file".
fn found_at(text: &str, at: usize) -> String {
    const LONGEST: usize = 40;
    let rest = &text[at.min(text.len())..];
    let Some(first) = rest.chars().next() else {
        return "the end of the file".into();
    };
    let len = if first == '"' {
        rest[1..].find('"').map_or(rest.len(), |i| i + 2)
    } else if first.is_alphanumeric() || matches!(first, '_' | '-' | '+' | '.') {
        rest.find(|c: char| !(c.is_alphanumeric() || matches!(c, '_' | '-' | '+' | '.')))
            .unwrap_or(rest.len())
    } else {
        first.len_utf8()
    };
    let token = &rest[..len];
    if first.is_control() {
        return format!("the control character {first:?}");
    }
    // A message is one line: a string token stops at its first line break
    // (or other control character).
    let shown: String = token
        .chars()
        .take_while(|c| !c.is_control())
        .take(LONGEST)
        .collect();
    if shown.len() < token.len() {
        format!("`{shown}…`")
    } else {
        format!("`{shown}`")
    }
}

/// RON's messages for the common slips, in words that say what to change.
fn plain_words(code: &RonError, text: &str, at: usize) -> String {
    let found = found_at(text, at);
    match code {
        RonError::ExpectedStringEnd => "a string is not closed: add the missing `\"`".into(),
        RonError::IntegerOutOfBounds => format!(
            "{found} is out of range: this field takes a whole number ≥ 0 (counts go up to {})",
            u32::MAX
        ),
        RonError::InvalidIntegerDigit { .. } => not_whole(&found),
        RonError::ExpectedComma if is_decimal_point(text, skip_number(text, at)) => {
            not_whole(&found)
        }
        RonError::ExpectedInteger => format!("expected a whole number ≥ 0, found {found}"),
        RonError::ExpectedFloat => format!("expected a number, found {found}"),
        RonError::ExpectedComma => {
            let before = text[..at].trim_end();
            if text[before.len()..at].contains('\n') {
                let line = 1 + before.matches('\n').count();
                format!(
                    "expected a comma or a closing bracket before {found}; is a comma missing at the end of line {line}?"
                )
            } else {
                format!("expected a comma or a closing bracket before {found}")
            }
        }
        RonError::ExpectedArrayEnd => {
            format!("expected `]` to close the list (or a comma), found {found}")
        }
        RonError::ExpectedStructLikeEnd | RonError::ExpectedOptionEnd => {
            format!("expected `)` to close the value (or a comma), found {found}")
        }
        RonError::ExpectedString => format!("expected a string in double quotes, found {found}"),
        RonError::ExpectedBoolean => format!("expected `true` or `false`, found {found}"),
        RonError::ExpectedArray => format!("expected `[` to start a list, found {found}"),
        RonError::ExpectedMapColon => {
            format!("expected `:` between a field name and its value, found {found}")
        }
        RonError::ExpectedIdentifier => format!("expected a field name, found {found}"),
        RonError::ExpectedStructLike => {
            format!("expected `(` and the value's fields, found {found}")
        }
        RonError::ExpectedNamedStructLike(name) if *name == "Design" => format!(
            "expected `(` to start the design, found {found}; a design is one `( ... )` with format, name, nodes..."
        ),
        RonError::ExpectedNamedStructLike(name) => {
            format!("expected `(` to start {}, found {found}", a(name))
        }
        RonError::ExpectedDifferentStructName { expected, found } => format!(
            "found `{found}` where {} `( ... )` was expected; is a closing `]` or `)` missing before it?",
            a(expected)
        ),
        RonError::UnexpectedChar(c) => format!("unexpected character {c:?}"),
        RonError::UnclosedBlockComment => "a `/*` comment is never closed with `*/`".into(),
        other => other.to_string(),
    }
}

/// `name` with its indefinite article: "a Node", "an Operation".
fn a(name: &str) -> String {
    let article = match name.chars().next() {
        Some('A' | 'E' | 'I' | 'O' | 'U' | 'a' | 'e' | 'i' | 'o' | 'u') => "an",
        _ => "a",
    };
    format!("{article} {name}")
}

fn not_whole(found: &str) -> String {
    format!(
        "{found} is not a whole number: this field counts things, so write it without a fraction or exponent"
    )
}

/// The offset just after the digits of the number that starts at `at`.
fn skip_number(text: &str, at: usize) -> usize {
    let rest = &text.as_bytes()[at..];
    at + rest
        .iter()
        .position(|b| !matches!(b, b'0'..=b'9' | b'_' | b'-' | b'+'))
        .unwrap_or(rest.len())
}

/// The 1-based line and column just after `prefix`.
fn end_line_col(prefix: &str) -> (usize, usize) {
    let line = 1 + prefix.matches('\n').count();
    let col = 1 + prefix.rsplit('\n').next().map_or(0, |l| l.chars().count());
    (line, col)
}

/// The canonical text of a design: the same design always gives the same
/// bytes, fields in declaration order, defaults left out, each group on
/// one line when it fits ([`super::canonical`]).
pub fn to_string(design: &Design) -> Result<String, ron::Error> {
    let config = PrettyConfig::new()
        .indentor("    ")
        .new_line("\n")
        .struct_names(false)
        .separate_tuple_members(false)
        .enumerate_arrays(false)
        .extensions(extensions());
    let text = ron::Options::default().to_string_pretty(design, config)?;
    Ok(super::canonical::layout(&text))
}

/// Saves `design` to `path` atomically, in canonical form.
pub fn save(design: &Design, path: &Path) -> Result<(), SaveError> {
    save_stamped(design, path).map(|_| ())
}

/// [`save`], and what the file looks like on disk now: to notice later
/// that someone else changed it.
pub fn save_stamped(design: &Design, path: &Path) -> Result<DiskStamp, SaveError> {
    let file = path.display().to_string();
    let text = to_string(design).map_err(|e| SaveError::Serialize {
        file: file.clone(),
        message: e.to_string(),
    })?;
    write_and_stamp(path, text.as_bytes()).map_err(|source| SaveError::Io { file, source })
}

/// Writes `bytes` to a temporary file beside `path`, syncs it, and renames
/// it over `path`: readers see the old file or the new one, never half.
/// The file keeps the permissions of the file it replaces; a new file gets
/// the ones a plain create would give (on Unix, 0666 less the umask), not
/// the owner-only ones of a temporary file, so others can read a shared
/// design or report. Temporary files that killed saves of `path` left
/// behind are removed first (docs/file-format.md names them).
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write_and_stamp(path, bytes).map(|_| ())
}

/// [`write_atomically`], returning the stamp of what it wrote.
fn write_and_stamp(path: &Path, bytes: &[u8]) -> std::io::Result<DiskStamp> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    temp::remove_stale(path);
    #[cfg(unix)]
    let permissions = {
        use std::os::unix::fs::PermissionsExt;
        Some(
            std::fs::metadata(path)
                .map(|m| m.permissions())
                .unwrap_or_else(|_| std::fs::Permissions::from_mode(0o666)),
        )
    };
    #[cfg(not(unix))]
    let permissions = None;
    let mut tmp = temp::create(path, dir, permissions)?;
    temp::lock_while_writing(tmp.as_file());
    tmp.write_all(bytes)?;
    tmp.flush()?;
    tmp.as_file().sync_all()?;
    // The renamed file is this one: same inode, same time.
    let stamp = DiskStamp::of(bytes, &tmp.as_file().metadata()?);
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(stamp)
}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::write_atomically;

    fn mode(path: &std::path::Path) -> u32 {
        std::fs::metadata(path)
            .expect("exists")
            .permissions()
            .mode()
            & 0o777
    }

    #[test]
    fn written_files_get_the_permissions_of_a_plain_create() {
        let dir = tempfile::tempdir().expect("temporary folder");
        let control = dir.path().join("control");
        std::fs::File::create(&control).expect("created");
        let new = dir.path().join("new");
        write_atomically(&new, b"x").expect("written");
        assert_eq!(mode(&new), mode(&control));
    }

    #[test]
    fn a_replaced_file_keeps_its_permissions() {
        let dir = tempfile::tempdir().expect("temporary folder");
        let path = dir.path().join("kept");
        std::fs::write(&path, b"old").expect("written");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).expect("set");
        write_atomically(&path, b"new").expect("written");
        assert_eq!(mode(&path), 0o600);
        assert_eq!(std::fs::read(&path).expect("read"), b"new");
    }
}
