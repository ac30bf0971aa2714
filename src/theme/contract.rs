//! The form contract between handoff and a theme on disk.
//!
//! A theme's form markup (`templates/partials/form.html`) and script
//! (`js/forms.js`) must send what this handoff's schemas and backends
//! expect. The built-in theme always does; an ejected or hand-made theme
//! says which contract it was written for with `forms = N` in its
//! `theme.toml`. A theme that names another contract, or none (ejected
//! before contracts were numbered), is an error (E043): its forms could
//! lose referrals without a sign, so the build stops and says how to fix it.

use serde::Deserialize;
use toml::Spanned;

use super::settings::Origin;
use crate::diag::{Code, Diagnostic};
use crate::source::AssetFiles;

/// The contract this handoff's forms follow. Raise it, in step with
/// `forms` in `themes/clinic/theme.toml` (a test compares them), whenever
/// a theme's form markup or script must change to keep working.
pub const FORMS: i64 = 2;

/// The one key of theme.toml read here; `settings` reads (and checks the
/// names of) the others.
#[derive(Deserialize)]
struct Declared {
    forms: Option<Spanned<toml::Value>>,
}

/// The finding for a theme folder whose form contract is not [`FORMS`];
/// `None` for the built-in theme and for a theme that matches. A theme.toml
/// that does not parse is reported by `settings`.
pub fn check(files: &AssetFiles) -> Option<Diagnostic> {
    let folder = files.folder.as_ref()?;
    let Some(settings) = &files.settings else {
        return Some(
            Diagnostic::new(
                Code::ThemeFormContract,
                format!("the theme in `{folder}/` has no theme.toml, so nothing says its forms work with this handoff"),
            )
            .in_file(format!("{folder}/theme.toml"))
            .with_hint(fix_hint(folder)),
        );
    };
    let declared: Declared = toml::from_str(&settings.text).ok()?;
    let Some(forms) = declared.forms else {
        return Some(
            Diagnostic::new(
                Code::ThemeFormContract,
                format!(
                    "this theme's form markup is older than this handoff: theme.toml has no `forms = {FORMS}`"
                ),
            )
            .in_file(settings.rel.clone())
            .at_offset(&settings.text, 0, 1)
            .with_hint(fix_hint(folder)),
        );
    };
    let origin = Origin::of(&settings.rel, &settings.text, forms.span());
    let message = match forms.get_ref() {
        toml::Value::Integer(n) if *n == FORMS => return None,
        toml::Value::Integer(n) if *n < FORMS => format!(
            "this theme's form markup is older than this handoff: `forms = {n}`, this handoff needs `forms = {FORMS}`"
        ),
        toml::Value::Integer(n) => format!(
            "this theme's form markup is newer than this handoff: `forms = {n}`, this handoff knows `forms = {FORMS}`; update handoff"
        ),
        other => format!("`forms` must be a whole number, found `{other}`"),
    };
    Some(
        origin
            .finding(Code::ThemeFormContract, message)
            .with_hint(fix_hint(folder)),
    )
}

fn fix_hint(folder: &str) -> String {
    format!(
        "eject the built-in theme beside it (`handoff theme eject --to {folder}-new`) and move your \
         changes into the copy, or bring `templates/partials/form.html` and `js/forms.js` up to \
         date from it and set `forms = {FORMS}` in `{folder}/theme.toml`"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The built-in theme is exempt from the check: it must be what the
    /// binary says it is.
    #[test]
    fn the_built_in_theme_declares_this_contract() {
        let text = super::super::embedded::DEFAULT_THEME
            .get_file("theme.toml")
            .and_then(|f| f.contents_utf8())
            .unwrap_or_default();
        let declared: Declared = toml::from_str(text).expect("theme.toml parses");
        let forms = declared.forms.map(Spanned::into_inner);
        assert_eq!(forms, Some(toml::Value::Integer(FORMS)));
    }
}
