//! Findings: what is wrong with a site, where, and how to fix it.
//!
//! Every stage reports problems in the writer's input as [`Diagnostic`]
//! values collected into [`Diagnostics`]; nothing here is an
//! `std::error::Error`. Positions are 1-based lines and character columns in
//! the file as the writer sees it. This module renders findings
//! (rustc-style for people); it does no I/O beyond the writer it is given.

use std::borrow::Cow;
use std::fmt::{self, Write as _};
use std::path::Path;

/// How bad a finding is: errors fail the run, warnings fail only `--strict`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// Stable finding codes; the README lists each with an example and the fix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Code {
    /// site.toml unreadable or not valid TOML.
    ConfigSyntax,
    /// A key in site.toml that handoff does not know.
    ConfigUnknownKey,
    /// A required site.toml key is missing.
    ConfigMissingKey,
    /// A site.toml value is not allowed.
    ConfigInvalidValue,
    /// The output folder holds files handoff did not write.
    ForeignOutput,
    /// Front matter opened with `---` but never closed.
    FrontMatterUnclosed,
    /// YAML that does not parse, or a value of the wrong type.
    YamlSyntax,
    /// A front-matter or checklist key that handoff does not know.
    UnknownKey,
    /// A required field is missing.
    MissingField,
    /// A value outside what the field allows.
    InvalidValue,
    /// YAML nested too deep or expanding aliases without bound.
    YamlLimit,
    /// A file that is not UTF-8 text.
    NotUtf8,
    /// A file over the size limit.
    FileTooLarge,
    /// A path that cannot be read (permissions, symlink loop).
    Unreadable,
    /// A reference to an id that does not exist.
    DanglingReference,
    /// A symlink whose target lies outside the site folder (never read).
    LinkOutsideSite,
    /// A checklist that extends itself through a chain.
    ExtendsCycle,
    /// Two files that claim the same URL or id.
    Duplicate,
    /// A checklist item id that is repeated or malformed.
    ChecklistItem,
    /// An email that is more than a plain address (`?`, `&`, spaces, `%`).
    EmailNotPlain,
    /// A URL that carries user-info, a fragment, or (base_url) a query.
    UrlNotPlain,
    /// A site-relative path that does not start with a single `/`.
    SitePathNotLocal,
    /// A `javascript:`-like link target.
    UnsafeLink,
    /// A template that does not parse.
    TemplateSyntax,
    /// A template that fails while rendering a page.
    TemplateRender,
    /// A theme stylesheet that does not parse.
    CssError,
    /// A theme folder whose form markup follows another form contract
    /// than this handoff's (`forms` in its theme.toml).
    ThemeFormContract,
    /// A page has no description.
    DescriptionMissing,
    /// A page description is too long for search results.
    DescriptionTooLong,
    /// An internal link to a page that does not exist.
    BrokenLink,
    /// A link to a `#section` the target page does not have.
    BrokenAnchor,
    /// An image or file the site does not contain.
    MissingFile,
    /// An image without alt text.
    ImageAlt,
    /// Two pages with the same title.
    DuplicateTitle,
    /// Raw HTML that bypasses the form guardrails or the CSP (`<script>`, `on*=`).
    RawHtml,
    /// A phone number or email that matches nothing of the practice's (NAP).
    NapDrift,
    /// A service line's referring section lacks a block referral partners need.
    ReferralIncomplete,
    /// A location lacks data maps and search engines use.
    StructuredDataIncomplete,
    /// A theme colour too close to the colour it is painted on or under.
    ThemeContrast,
    /// An `[intake]` value that is still a placeholder (a reserved example
    /// domain, an id of zeros): every submission would be lost.
    IntakePlaceholder,
    /// A `TODO:` note still in site.toml or a content file: a placeholder
    /// (`handoff new` writes them) waiting for the practice's own words.
    Placeholder,
    /// An event without registration or without a place (location or online).
    EventIncomplete,
    /// A service line's availability (`as_of`) last confirmed more than
    /// 90 days before the build: a stale promise hurts trust.
    StaleAvailability,
    /// A recruiting clinical trial with no one named to ask about it.
    TrialWithoutContact,
}

impl Code {
    pub fn as_str(self) -> &'static str {
        match self {
            Code::ConfigSyntax => "E001",
            Code::ConfigUnknownKey => "E002",
            Code::ConfigMissingKey => "E003",
            Code::ConfigInvalidValue => "E004",
            Code::ForeignOutput => "E005",
            Code::FrontMatterUnclosed => "E010",
            Code::YamlSyntax => "E011",
            Code::UnknownKey => "E012",
            Code::MissingField => "E013",
            Code::InvalidValue => "E014",
            Code::YamlLimit => "E015",
            Code::NotUtf8 => "E016",
            Code::FileTooLarge => "E017",
            Code::Unreadable => "E018",
            Code::LinkOutsideSite => "E019",
            Code::DanglingReference => "E020",
            Code::ExtendsCycle => "E021",
            Code::Duplicate => "E022",
            Code::ChecklistItem => "E023",
            Code::EmailNotPlain => "E024",
            Code::UrlNotPlain => "E025",
            Code::SitePathNotLocal => "E026",
            Code::UnsafeLink => "E030",
            Code::TemplateSyntax => "E040",
            Code::TemplateRender => "E041",
            Code::CssError => "E042",
            Code::ThemeFormContract => "E043",
            Code::DescriptionMissing => "W001",
            Code::DescriptionTooLong => "W002",
            Code::BrokenLink => "E050",
            Code::BrokenAnchor => "E051",
            Code::MissingFile => "E052",
            Code::ImageAlt => "W010",
            Code::DuplicateTitle => "W011",
            Code::RawHtml => "W012",
            Code::NapDrift => "W020",
            Code::ReferralIncomplete => "W030",
            Code::StructuredDataIncomplete => "W031",
            Code::ThemeContrast => "W040",
            Code::IntakePlaceholder => "W050",
            Code::Placeholder => "W051",
            Code::EventIncomplete => "W032",
            Code::StaleAvailability => "W035",
            Code::TrialWithoutContact => "W033",
        }
    }

    /// The severity a code always has.
    pub fn severity(self) -> Severity {
        match self {
            Code::DescriptionMissing
            | Code::DescriptionTooLong
            | Code::ImageAlt
            | Code::DuplicateTitle
            | Code::RawHtml
            | Code::NapDrift
            | Code::ReferralIncomplete
            | Code::StructuredDataIncomplete
            | Code::ThemeContrast
            | Code::IntakePlaceholder
            | Code::Placeholder
            | Code::EventIncomplete
            | Code::StaleAvailability
            | Code::TrialWithoutContact => Severity::Warning,
            Code::ConfigSyntax
            | Code::ConfigUnknownKey
            | Code::ConfigMissingKey
            | Code::ConfigInvalidValue
            | Code::ForeignOutput
            | Code::FrontMatterUnclosed
            | Code::YamlSyntax
            | Code::UnknownKey
            | Code::MissingField
            | Code::InvalidValue
            | Code::YamlLimit
            | Code::NotUtf8
            | Code::FileTooLarge
            | Code::Unreadable
            | Code::LinkOutsideSite
            | Code::DanglingReference
            | Code::ExtendsCycle
            | Code::Duplicate
            | Code::ChecklistItem
            | Code::EmailNotPlain
            | Code::UrlNotPlain
            | Code::SitePathNotLocal
            | Code::UnsafeLink
            | Code::TemplateSyntax
            | Code::TemplateRender
            | Code::CssError
            | Code::ThemeFormContract
            | Code::BrokenLink
            | Code::BrokenAnchor
            | Code::MissingFile => Severity::Error,
        }
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A place in a file: 1-based line and column (in characters), and the
/// length of the marked text in characters (at least 1 when shown).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Span {
    pub line: usize,
    pub col: usize,
    pub len: usize,
}

impl Span {
    pub fn new(line: usize, col: usize, len: usize) -> Self {
        Span { line, col, len }
    }

    /// The start of a file, for findings about the file as a whole.
    pub fn start() -> Self {
        Span::new(1, 1, 0)
    }
}

/// One finding about the writer's input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub code: Code,
    /// Path relative to the site root, with `/` separators.
    pub file: Option<String>,
    pub span: Option<Span>,
    pub message: String,
    pub hint: Option<String>,
    /// The text of the line the span points at, for display.
    pub source_line: Option<String>,
}

impl Diagnostic {
    pub fn new(code: Code, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: code.severity(),
            code,
            file: None,
            span: None,
            message: shorten(message.into()),
            hint: None,
            source_line: None,
        }
    }

    pub fn in_file(mut self, file: impl Into<String>) -> Self {
        self.file = Some(file.into());
        self
    }

    /// Places the finding at `span` and keeps that line of `text` to show.
    pub fn at(mut self, text: &str, span: Span) -> Self {
        self.source_line = text
            .lines()
            .nth(span.line.saturating_sub(1))
            .map(|line| shorten(line.to_owned()));
        self.span = Some(span);
        self
    }

    /// Places the finding at a byte offset of `text`.
    pub fn at_offset(self, text: &str, offset: usize, len_bytes: usize) -> Self {
        let span = span_of(text, offset, len_bytes);
        self.at(text, span)
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn with_hint_opt(mut self, hint: Option<String>) -> Self {
        self.hint = hint;
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    fn sort_key(&self) -> (Option<&str>, Option<Span>, Code, &str) {
        (self.file.as_deref(), self.span, self.code, &self.message)
    }
}

/// All findings of a run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diagnostics(Vec<Diagnostic>);

impl Diagnostics {
    pub fn new() -> Self {
        Diagnostics(Vec::new())
    }

    pub fn push(&mut self, d: Diagnostic) {
        self.0.push(d);
    }

    pub fn extend(&mut self, other: Diagnostics) {
        self.0.extend(other.0);
    }

    pub fn has_errors(&self) -> bool {
        self.0.iter().any(Diagnostic::is_error)
    }

    pub fn error_count(&self) -> usize {
        self.0.iter().filter(|d| d.is_error()).count()
    }

    pub fn warning_count(&self) -> usize {
        self.0.len() - self.error_count()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter()
    }

    /// Sorts by file, then position, so output is stable across runs.
    pub fn sort(&mut self) {
        self.0.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        self.0.dedup();
    }

    pub fn into_vec(self) -> Vec<Diagnostic> {
        self.0
    }
}

impl From<Diagnostic> for Diagnostics {
    fn from(d: Diagnostic) -> Self {
        Diagnostics(vec![d])
    }
}

impl FromIterator<Diagnostic> for Diagnostics {
    fn from_iter<I: IntoIterator<Item = Diagnostic>>(iter: I) -> Self {
        Diagnostics(iter.into_iter().collect())
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

/// The most characters of a message or source line a finding keeps: a
/// value quoted from a multi-megabyte line must not flood the terminal.
pub const MAX_SHOWN_CHARS: usize = 400;

/// Cuts `s` to [`MAX_SHOWN_CHARS`] characters, marking the cut with `…`.
fn shorten(s: String) -> String {
    match s.char_indices().nth(MAX_SHOWN_CHARS) {
        Some((at, _)) => format!("{}…", &s[..at]),
        None => s,
    }
}

/// Converts a byte offset (and byte length) in `text` to a line/column span.
/// Offsets past the end or inside a character are clamped, never a panic.
pub fn span_of(text: &str, offset: usize, len_bytes: usize) -> Span {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = text[line_start..offset].chars().count() + 1;
    let mut end = (offset + len_bytes).min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    // A span never runs past its line: only the first line is shown.
    let marked = text[offset..end].split('\n').next().unwrap_or("");
    Span::new(line, col, marked.chars().count())
}

/// The closest candidate to `unknown`, if one is close enough to be a typo.
pub fn closest<'a>(
    unknown: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(unknown, c), c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
        .map(|(_, c)| c)
}

/// A "did you mean" hint, or a list of what is allowed when nothing is close.
pub fn did_you_mean(unknown: &str, candidates: &[&str]) -> String {
    match closest(unknown, candidates.iter().copied()) {
        Some(c) => format!("did you mean `{c}`?"),
        None if candidates.is_empty() => "nothing of that kind exists yet".to_owned(),
        None => {
            let shown: Vec<String> = candidates
                .iter()
                .take(12)
                .map(|c| format!("`{c}`"))
                .collect();
            let more = if candidates.len() > 12 { ", …" } else { "" };
            format!("expected one of {}{more}", shown.join(", "))
        }
    }
}

/// Renders findings the way rustc does, with the source line and a hint.
/// Every path and quoted text goes through [`shown`].
pub fn render_human(diags: &Diagnostics, color: bool) -> String {
    use annotate_snippets::{AnnotationKind, Group, Level, Origin, Renderer, Snippet};

    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let mut out = String::new();
    for d in diags.iter() {
        let level = match d.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
        };
        let message = shown(&d.message);
        let file = d.file.as_deref().map(shown);
        let source_line = d.source_line.as_deref().map(shown);
        let hint = d.hint.as_deref().map(shown);
        let title = level.primary_title(message.as_ref()).id(d.code.as_str());
        let mut group: Group<'_> = match (&file, d.span, &d.source_line, &source_line) {
            (Some(file), Some(span), Some(line), Some(shown_line)) => {
                let (start, end) = marked(line, span);
                title.element(
                    Snippet::source(shown_line.as_ref())
                        .line_start(span.line)
                        .path(file.as_ref())
                        .annotation(AnnotationKind::Primary.span(start..end)),
                )
            }
            (Some(file), Some(span), _, _) => title.element(
                Origin::path(file.as_ref())
                    .line(span.line)
                    .char_column(span.col),
            ),
            (Some(file), None, _, _) => title.element(Origin::path(file.as_ref())),
            (None, _, _, _) => Group::with_title(title),
        };
        if let Some(hint) = &hint {
            group = group.element(Level::HELP.message(hint.as_ref()));
        }
        let _ = writeln!(out, "{}\n", renderer.render(&[group]));
    }
    out
}

/// The byte range `span` marks in `line` as [`shown`] shows it: at least
/// one character, clamped to the line.
fn marked(line: &str, span: Span) -> (usize, usize) {
    let start = byte_of_col(line, span.col);
    let end = byte_of_col(line, span.col + span.len.max(1)).max(start);
    let end = if end == start {
        line[start..]
            .chars()
            .next()
            .map_or(start, |c| start + c.len_utf8())
    } else {
        end
    };
    (shown(&line[..start]).len(), shown(&line[..end]).len())
}

/// Text from a site (a path, a quoted line, a value inside a message) as a
/// terminal or a CI log may show it: each character a terminal would act
/// on rather than print is replaced by one visible character, its Control
/// Picture (`\n` → `␊`, ESC → `␛`, DEL → `␡`) or, for C1 controls, line
/// and paragraph separators and the bidirectional controls of "Trojan
/// Source", `�`. The renderer does the same for the C0 controls of
/// messages and source lines (as rustc does), but not for line ends, C1 or
/// paths: one function for all of them. So no file name or line can move
/// the cursor, retitle or clear the terminal, start a line of its own (a
/// GitHub workflow command is any output line that starts with `::`), or
/// reorder what a reader sees; and columns stay the file's, one character
/// for one.
pub fn shown(s: &str) -> Cow<'_, str> {
    if !s.chars().any(needs_escape) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(
        s.chars()
            .map(|c| match c {
                '\t' => c,
                '\0'..='\x1f' => char::from_u32(0x2400 + u32::from(c)).unwrap_or('\u{fffd}'),
                '\x7f' => '\u{2421}',
                c if needs_escape(c) => '\u{fffd}',
                c => c,
            })
            .collect(),
    )
}

/// Characters [`shown`] replaces. Tabs stay: the renderer turns them into
/// spaces, and they neither move the cursor back nor end a line.
fn needs_escape(c: char) -> bool {
    (c.is_control() && c != '\t')
        || matches!(
            c,
            '\u{2028}'
                | '\u{2029}'
                | '\u{061c}'
                | '\u{200e}'
                | '\u{200f}'
                | '\u{202a}'..='\u{202e}'
                | '\u{2066}'..='\u{2069}'
        )
}

/// One JSON object per finding, one per line (JSON Lines).
pub fn render_json(diags: &Diagnostics) -> String {
    let mut out = String::new();
    for d in diags.iter() {
        let obj = serde_json::json!({
            "severity": d.severity.as_str(),
            "code": d.code.as_str(),
            "file": d.file,
            "line": d.span.map(|s| s.line),
            "column": d.span.map(|s| s.col),
            "message": d.message,
            "hint": d.hint,
        });
        // serde_json escapes C0 controls; DEL, C1 and the characters
        // `shown` escapes pass through raw, and would reach the terminal
        // of whoever prints a line. Escaped as `\uXXXX` the JSON stays the
        // same data (they can only occur inside strings).
        for c in obj.to_string().chars() {
            if needs_escape(c) {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            } else {
                out.push(c);
            }
        }
        out.push('\n');
    }
    out
}

/// GitHub Actions workflow commands: `::error file=…,line=…,col=…::…`.
pub fn render_github(diags: &Diagnostics) -> String {
    // GitHub's escaping for workflow commands (docs.github.com, "Workflow
    // commands for GitHub Actions"; `escapeData` and `escapeProperty` in
    // github.com/actions/toolkit packages/core/src/command.ts): the message
    // escapes `%`, CR and LF; property values also `:` and `,`.
    // So nothing a file name or a message holds can end the command's line
    // and start another. The file stays as it is (escaped only so), so the
    // annotation lands on it; the message is also `shown`, as for people.
    let data = |s: &str| {
        s.replace('%', "%25")
            .replace('\r', "%0D")
            .replace('\n', "%0A")
    };
    let prop = |s: &str| data(s).replace(':', "%3A").replace(',', "%2C");
    let mut out = String::new();
    for d in diags.iter() {
        let level = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let mut props = Vec::new();
        if let Some(f) = &d.file {
            props.push(format!("file={}", prop(f)));
        }
        if let Some(s) = d.span {
            props.push(format!("line={}", s.line));
            props.push(format!("col={}", s.col));
        }
        props.push(format!("title={}", prop(d.code.as_str())));
        let mut message = format!("{}: {}", d.code, shown(&d.message));
        if let Some(h) = &d.hint {
            message.push_str(&format!(" (hint: {})", shown(h)));
        }
        out.push_str(&format!(
            "::{level} {}::{}\n",
            props.join(","),
            data(&message)
        ));
    }
    out
}

/// Byte offset of a 1-based character column in `line` (end of line if past).
fn byte_of_col(line: &str, col: usize) -> usize {
    line.char_indices()
        .nth(col.saturating_sub(1))
        .map_or(line.len(), |(i, _)| i)
}

/// A path relative to the site root, with `/` separators, for messages.
pub fn display_path(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests;
