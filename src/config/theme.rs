//! site.toml's `theme`: which theme folder to use, and the practice's
//! `[theme]` settings (brand colours, fonts, logo). The settings' own
//! checks live with the theme (`crate::theme`); this module picks the
//! name out of either spelling and checks it names a folder.

use toml::Spanned;

use super::{FILE, invalid, is_plain_name};
use crate::diag::Diagnostics;
use crate::theme::{RawThemeKey, Settings};

/// `theme = "name"` or `[theme] name = …`, and the `[theme]` settings.
pub(super) fn validate(
    raw: Option<Spanned<RawThemeKey>>,
    text: &str,
    diags: &mut Diagnostics,
) -> (String, Settings) {
    let (name, settings) = match raw.map(|t| (t.span(), t.into_inner())) {
        None => (None, Settings::default()),
        Some((span, RawThemeKey::Name(name))) => (Some((name, span)), Settings::default()),
        Some((_, RawThemeKey::Table(table))) => {
            let name = table.name.as_ref().map(|n| (n.get_ref().clone(), n.span()));
            (name, crate::theme::validate(*table, FILE, text, diags))
        }
    };
    let name = match name {
        Some((name, _)) if is_plain_name(&name) => name,
        Some((name, span)) => {
            diags.push(invalid(
                text,
                span,
                format!("`theme = \"{name}\"` is not a folder name under `themes/`"),
                "use the name of a folder in `themes/`, e.g. `clinic`",
            ));
            String::new()
        }
        // The built-in theme, used when site.toml names none.
        None => crate::theme::embedded::NAME.to_owned(),
    };
    (name, settings)
}
