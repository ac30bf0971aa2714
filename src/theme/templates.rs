//! Theme and site templates (as `source` read them) → a ready Tera 2 instance.
//!
//! Takes the templates of `themes/<theme>/templates/` with the site's
//! `templates/` on top (same name wins; `source::template_files`), reports
//! every template that does not parse (each checked on its own so one error
//! does not hide the next), and registers the template functions. Knows the
//! template contract only through `view`.

use std::collections::BTreeMap;
use std::sync::Arc;

use tera::{ErrorKind, Kwargs, State, Tera};

use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::source::{TemplateFiles, TextFile};

/// Templates ready to render, with their sources kept for error messages.
pub struct Templates {
    pub tera: Tera,
    /// The templates as written, when `tera` holds minified ones: a failed
    /// render is repeated with these so the finding points at the line the
    /// writer sees.
    as_written: Option<Tera>,
    /// By template name: where each was read and its text.
    sources: BTreeMap<String, TextFile>,
}

/// Loads the templates `source` read. A set with a template that could not
/// be read is not compiled: the findings of the reading and of each
/// template's own parse are the result.
pub fn load(
    files: TemplateFiles,
    manifest: &BTreeMap<String, String>,
    minify: bool,
) -> Result<Templates, Diagnostics> {
    let TemplateFiles {
        by_name: sources,
        unread: mut diags,
    } = files;
    // Check each template alone first: Tera stops at the first bad one.
    for (name, file) in &sources {
        let mut alone = Tera::new();
        if let Err(e) = alone.add_raw_template(name, &file.text)
            && let ErrorKind::SyntaxError(report) = e.kind()
        {
            diags.push(located(
                Code::TemplateSyntax,
                file,
                report,
                format!("the template `{name}` does not parse: {}", report.message()),
            ));
        }
    }
    if diags.has_errors() {
        return Err(diags);
    }
    let as_written = compile(&sources, manifest, |_, text| text.to_owned())?;
    if !minify {
        return Ok(Templates {
            tera: as_written,
            as_written: None,
            sources,
        });
    }
    // A template minify-html cannot handle safely stays as written.
    let minified = compile(&sources, manifest, |name, text| {
        if name.ends_with(".html") {
            super::minify::template(text).unwrap_or_else(|| text.to_owned())
        } else {
            text.to_owned()
        }
    });
    Ok(match minified {
        Ok(tera) => Templates {
            tera,
            as_written: Some(as_written),
            sources,
        },
        Err(_) => Templates {
            tera: as_written,
            as_written: None,
            sources,
        },
    })
}

/// One Tera instance with every template (each passed through `text`) and
/// the template functions.
fn compile(
    sources: &BTreeMap<String, TextFile>,
    manifest: &BTreeMap<String, String>,
    text: impl Fn(&str, &str) -> String,
) -> Result<Tera, Diagnostics> {
    let mut tera = Tera::new();
    tera.autoescape_on(vec![".html", ".xml"]);
    let manifest = Arc::new(manifest.clone());
    tera.register_function(
        "asset_url",
        move |kwargs: Kwargs, _: &State| -> tera::TeraResult<String> {
            let path: String = kwargs.must_get("path")?;
            manifest.get(&path).cloned().ok_or_else(|| {
                tera::Error::message(format!(
                    "asset_url: the theme has no asset `{path}` (known: {})",
                    manifest.keys().cloned().collect::<Vec<_>>().join(", ")
                ))
            })
        },
    );
    let texts: Vec<(&str, String)> = sources
        .iter()
        .map(|(n, f)| (n.as_str(), text(n, &f.text)))
        .collect();
    tera.add_raw_templates(texts.iter().map(|(n, t)| (*n, t.as_str())))
        .map_err(|e| Diagnostics::from(load_error(sources, &e)))?;
    Ok(tera)
}

fn located(code: Code, file: &TextFile, report: &tera::ReportError, message: String) -> Diagnostic {
    let span = report.span();
    let len = if span.start_line == span.end_line {
        span.end_col.saturating_sub(span.start_col).max(1)
    } else {
        1
    };
    Diagnostic::new(code, message).in_file(file.rel.clone()).at(
        &file.text,
        crate::diag::Span::new(span.start_line.max(1), span.start_col + 1, len),
    )
}

fn load_error(sources: &BTreeMap<String, TextFile>, e: &tera::Error) -> Diagnostic {
    // The template to point at, and the name its tag quotes.
    let (message, file, quoted) = match e.kind() {
        ErrorKind::MissingParent { current, parent } => (
            format!("the template `{current}` extends `{parent}`, which does not exist"),
            sources.get(current),
            Some(parent.as_str()),
        ),
        ErrorKind::CircularExtend {
            tpl,
            inheritance_chain,
        } => (
            format!(
                "templates extend each other in a loop: {} -> {tpl}",
                inheritance_chain.join(" -> ")
            ),
            sources.get(tpl),
            None,
        ),
        ErrorKind::CircularInclude { tpl, include_chain } => (
            format!(
                "templates include each other in a loop: {}",
                include_chain.join(" -> ")
            ),
            sources.get(tpl),
            include_chain.last().map(String::as_str),
        ),
        other => (
            format!(
                "the templates could not be loaded: {}",
                first_line(&other.to_string())
            ),
            None,
            None,
        ),
    };
    let d = Diagnostic::new(Code::TemplateSyntax, message)
        .with_hint("fix the `{% extends %}` or `{% include %}` tags named here");
    let Some(TextFile { rel, text, .. }) = file else {
        return d;
    };
    // At the tag: the quoted name, else the `extends` tag itself.
    let at = quoted
        .and_then(|name| {
            [format!("\"{name}\""), format!("'{name}'")]
                .iter()
                .find_map(|q| text.find(q.as_str()))
        })
        .or_else(|| text.find("extends"));
    match at {
        Some(offset) => d.in_file(rel.clone()).at_offset(text, offset, 1),
        None => d.in_file(rel.clone()),
    }
}

fn first_line(s: &str) -> &str {
    s.lines().find(|l| !l.trim().is_empty()).unwrap_or(s).trim()
}

impl Templates {
    /// Whether a template of that name exists.
    pub fn has(&self, name: &str) -> bool {
        self.sources.contains_key(name)
    }

    /// Renders a template; a failure names the template, its line, and the page.
    pub fn render(
        &self,
        name: &str,
        context: &tera::Context,
        page_path: &str,
    ) -> Result<String, Diagnostic> {
        self.tera.render(name, context).map_err(|e| {
            // Positions of a minified template mean nothing to the writer.
            let e = match &self.as_written {
                Some(t) => t.render(name, context).err().unwrap_or(e),
                None => e,
            };
            self.render_error(name, &e, page_path)
        })
    }

    fn render_error(&self, name: &str, e: &tera::Error, page_path: &str) -> Diagnostic {
        let hint = "check the variable names against themes/clinic/CONTEXT.md; use `{% if x %}` for values that may be missing";
        match e.kind() {
            ErrorKind::RenderingError(report) => {
                let tpl = if report.filename().is_empty() {
                    name
                } else {
                    report.filename()
                };
                match self.sources.get(tpl) {
                    Some(file) => located(
                        Code::TemplateRender,
                        file,
                        report,
                        format!("the template `{tpl}` failed while rendering the page `{page_path}`: {}", report.message()),
                    )
                    .with_hint(hint),
                    None => Diagnostic::new(Code::TemplateRender, format!("the template `{tpl}` failed while rendering `{page_path}`: {}", report.message())),
                }
            }
            other => {
                let d = Diagnostic::new(
                    Code::TemplateRender,
                    format!(
                        "the template `{name}` failed while rendering the page `{page_path}`: {}",
                        first_line(&other.to_string())
                    ),
                )
                .with_hint(hint);
                match self.sources.get(name) {
                    Some(file) => d.in_file(file.rel.clone()),
                    None => d,
                }
            }
        }
    }
}
