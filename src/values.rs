//! Values a writer types that end up inside links: emails (`mailto:`),
//! absolute addresses, site paths, and dates. One rule each, used by
//! site.toml, front matter and the theme alike.
//!
//! Each value must carry no more than it says. `mailto:a@b.example?bcc=x`
//! copies every message to a stranger; `https://user:pass@host` and a `#…`
//! hide what a link opens; `//evil.example` and `/\evil.example` look like
//! paths but browsers read both as another host. Pure functions, no I/O.

use std::fmt;

use crate::diag::Code;

/// Why a value is refused, and which finding that is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// Not the kind of value the field takes: the field's own code (E004 in
    /// site.toml, E014 in front matter).
    Invalid(String),
    /// An email that is more than an address (E024).
    EmailNotPlain(String),
    /// An address with user-info, a fragment or (base_url) a query (E025).
    UrlNotPlain(String),
    /// A `/…` path a browser would read as another host (E026).
    PathNotLocal(String),
}

impl Fault {
    /// The finding code; `invalid` is the field's code for [`Fault::Invalid`].
    pub fn code(&self, invalid: Code) -> Code {
        match self {
            Fault::Invalid(_) => invalid,
            Fault::EmailNotPlain(_) => Code::EmailNotPlain,
            Fault::UrlNotPlain(_) => Code::UrlNotPlain,
            Fault::PathNotLocal(_) => Code::SitePathNotLocal,
        }
    }

    pub fn message(&self) -> &str {
        match self {
            Fault::Invalid(m)
            | Fault::EmailNotPlain(m)
            | Fault::UrlNotPlain(m)
            | Fault::PathNotLocal(m) => m,
        }
    }

    /// The hint of the rule that refused the value; `None` for
    /// [`Fault::Invalid`], whose hint depends on the field.
    pub fn hint(&self) -> Option<&'static str> {
        match self {
            Fault::Invalid(_) => None,
            Fault::EmailNotPlain(_) => Some(EMAIL_HINT),
            Fault::UrlNotPlain(_) => Some(URL_HINT),
            Fault::PathNotLocal(_) => Some(PATH_HINT),
        }
    }
}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

pub const EMAIL_HINT: &str =
    "write the address alone, like `referrals@your-practice.org`: nothing before or after it";
pub const URL_HINT: &str = "write the address alone, like `https://portal.your-practice.org/referrals`: no `name:password@` before the host, no `#…` at the end";
pub const PATH_HINT: &str = "start a path on this site with a single `/`, like `/privacy/`; write other sites' addresses in full with `https://`";

/// Characters an address may have besides letters and digits: the local
/// part's common `. _ - + '`, nothing that means something in a URL.
const EMAIL_PUNCTUATION: [char; 5] = ['.', '_', '-', '+', '\''];

/// A plain email address: one `@`, a local part of letters, digits and
/// `. _ - + '`, and a domain of dot-separated labels. `?`, `&` and `%` would
/// add headers (`?bcc=…`) or smuggle them in encoded to every `mailto:` link.
pub fn email(text: &str) -> Result<(), Fault> {
    let shown = text.escape_debug();
    let refuse = |why: String| {
        Err(Fault::EmailNotPlain(format!(
            "`{shown}` is not a plain email address: {why}"
        )))
    };
    if let Some(c) = text.chars().find(|c| c.is_whitespace() || c.is_control()) {
        return refuse(match c {
            ' ' => "it contains a space".to_owned(),
            _ => format!("it contains `{}`", c.escape_debug()),
        });
    }
    if let Some(c) = text.chars().find(|c| matches!(c, '?' | '&' | '%')) {
        return refuse(format!(
            "`{c}` would add to every message sent from a `mailto:` link (e.g. `?bcc=…`)"
        ));
    }
    let Some((local, domain)) = text.split_once('@') else {
        return refuse("it has no `@`".to_owned());
    };
    if domain.contains('@') {
        return refuse("it has more than one `@`".to_owned());
    }
    let allowed = |c: char, extra: &[char]| c.is_alphanumeric() || extra.contains(&c);
    if let Some(c) = text
        .chars()
        .find(|&c| c != '@' && !allowed(c, &EMAIL_PUNCTUATION))
    {
        return refuse(format!("`{c}` has no place in an address"));
    }
    if local.is_empty() || local.starts_with('.') || local.ends_with('.') || local.contains("..") {
        return refuse("the part before `@` is empty or has a stray `.`".to_owned());
    }
    let labels: Vec<&str> = domain.split('.').collect();
    let label_ok = |l: &&str| {
        !l.is_empty()
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.chars().all(|c| allowed(c, &['-']))
    };
    if labels.len() < 2 || !labels.iter().all(label_ok) {
        return refuse("the part after `@` is not a domain like `your-practice.org`".to_owned());
    }
    Ok(())
}

/// [`email`] as a yes/no, for finding addresses in text.
pub fn is_email(text: &str) -> bool {
    email(text).is_ok()
}

/// What an absolute address may have beyond scheme, host and path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UrlRule {
    /// `?…` is allowed (everywhere but `base_url`, which pages append to).
    pub query: bool,
    /// `http:` is allowed for a loopback host (a preview or a local receiver).
    pub loopback_http: bool,
}

impl UrlRule {
    /// A link to another site: https, queries allowed.
    pub const LINK: UrlRule = UrlRule {
        query: true,
        loopback_http: false,
    };
}

/// An absolute `https://` address with a host, no user-info, no fragment,
/// and no query unless `rule` allows one. The value is checked as written:
/// browsers drop tabs and line breaks inside an address, so none may hide
/// there either.
pub fn url(text: &str, rule: UrlRule) -> Result<url::Url, Fault> {
    let shown = text.escape_debug();
    let not_plain = |why: &str| Err(Fault::UrlNotPlain(format!("`{shown}` {why}")));
    if text.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return not_plain("contains a space or line break");
    }
    let Ok(url) = url::Url::parse(text) else {
        return Err(Fault::Invalid(format!(
            "`{shown}` is not an absolute address like `https://www.example.org`"
        )));
    };
    match url.scheme() {
        "https" => {}
        "http" if rule.loopback_http && is_loopback(&url) => {}
        "http" => {
            return Err(Fault::Invalid(format!(
                "`{shown}` is not encrypted (`http:`); use `https://`"
            )));
        }
        other => {
            return Err(Fault::Invalid(format!(
                "`{shown}` uses `{other}:`; the address must start with `https://`"
            )));
        }
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(Fault::Invalid(format!("`{shown}` names no host")));
    }
    // The parser drops an empty `@` (`https://@host`); the text keeps it.
    let authority = text.split_once("//").map_or("", |(_, rest)| {
        rest.split(['/', '\\', '?', '#']).next().unwrap_or("")
    });
    if !url.username().is_empty() || url.password().is_some() || authority.contains('@') {
        return not_plain("carries a user name or password before the host (`…@`)");
    }
    if url.fragment().is_some() {
        return not_plain("ends in a fragment (`#…`)");
    }
    if !rule.query && url.query().is_some() {
        return not_plain("carries a query (`?…`); pages' addresses are appended to it");
    }
    Ok(url)
}

/// A loopback host: `localhost`, 127.0.0.0/8 or `::1`.
pub fn is_loopback(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d == "localhost",
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// A root-relative path of this site: one `/`, then anything but another
/// `/` or a `\` (browsers read `//host`, `/\host` and `\\host` as another
/// site), and no spaces or control characters (browsers drop tabs and line
/// breaks, so `/\t/host` is `//host` too).
pub fn site_path(text: &str) -> Result<(), Fault> {
    let shown = text.escape_debug();
    let refuse = |why: &str| Err(Fault::PathNotLocal(format!("`{shown}` {why}")));
    if !text.starts_with(['/', '\\']) {
        return Err(Fault::Invalid(format!(
            "`{shown}` is not a path on this site (they start with `/`)"
        )));
    }
    if text.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return refuse("contains a space or line break; browsers may read it as another site");
    }
    if text.starts_with('\\') || text[1..].starts_with(['/', '\\']) {
        return refuse("starts like `//host`: browsers open it on another site");
    }
    Ok(())
}

/// A link to a file or page: a path of this site or an https address.
pub fn link(text: &str) -> Result<(), Fault> {
    if text.starts_with(['/', '\\']) {
        return site_path(text);
    }
    match url::Url::parse(text) {
        Ok(_) => url(text, UrlRule::LINK).map(|_| ()),
        Err(_) => Err(Fault::Invalid(format!(
            "`{}` is not a path on this site (starting with `/`) or an `https://` address",
            text.escape_debug()
        ))),
    }
}

/// A calendar date `YYYY-MM-DD` that exists (`2024-02-29`, not
/// `2025-02-29`): sitemaps and structured data carry it as written. The
/// error says why, in a writer's words.
pub fn date(text: &str) -> Result<(), String> {
    let b = text.as_bytes();
    let shape = b.len() == 10
        && b.iter().enumerate().all(|(i, c)| {
            if i == 4 || i == 7 {
                *c == b'-'
            } else {
                c.is_ascii_digit()
            }
        });
    if !shape {
        return Err("it is not written `YYYY-MM-DD`".to_owned());
    }
    let num =
        |r: std::ops::Range<usize>| b[r].iter().fold(0u32, |n, d| n * 10 + u32::from(d - b'0'));
    let (year, month, day) = (num(0..4), num(5..7), num(8..10));
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return Err(format!("there is no month {month:02}")),
    };
    if year == 0 {
        return Err("there is no year 0000".to_owned());
    }
    if !(1..=days).contains(&day) {
        return Err(format!("month {month:02} of {year:04} has {days} days"));
    }
    Ok(())
}

/// Schemes that run script or smuggle content when followed.
const UNSAFE_SCHEMES: [&str; 3] = ["javascript:", "vbscript:", "data:"];

/// Browsers ignore whitespace and control characters inside a scheme and
/// compare it case-insensitively; so do we.
pub fn is_unsafe_target(target: &str) -> bool {
    let folded: String = target
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .flat_map(char::to_lowercase)
        .collect();
    UNSAFE_SCHEMES.iter().any(|s| folded.starts_with(s))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_plain_addresses() {
        for ok in [
            "info@clinic.example",
            "dana.o'neil+referrals@sub.clinic-health.example",
            "josé@clínica.example",
        ] {
            assert_eq!(email(ok), Ok(()), "{ok}");
        }
        for bad in [
            "info@clinic.example?bcc=x@evil.example",
            "info@clinic.example&cc=x",
            "info%40clinic.example@evil.example",
            "in fo@clinic.example",
            "info@clinic.example\n",
            "<info@clinic.example>",
            "a@b@clinic.example",
            "info",
            "info@localhost",
            "@clinic.example",
            "info@.clinic.example",
            "info@clinic..example",
            "info@clinic.example;x@y.example",
            "info@clinic.example#x",
        ] {
            assert!(
                matches!(email(bad), Err(Fault::EmailNotPlain(_))),
                "{bad:?} passed"
            );
        }
        let Err(fault) = email("a@b.example?bcc=c@d.example") else {
            panic!("accepted");
        };
        assert!(fault.message().contains("`?`"), "{fault}");
        assert_eq!(fault.code(Code::InvalidValue), Code::EmailNotPlain);
    }

    #[test]
    fn urls_carry_no_user_info_or_fragment() {
        let link = UrlRule::LINK;
        assert!(url("https://portal.clinic.example/refer?x=1", link).is_ok());
        for bad in [
            "https://user:pass@portal.clinic.example/",
            "https://user@portal.clinic.example/",
            "https://@portal.clinic.example/",
            "https://portal.clinic.example/#top",
            "https://portal.clinic.example/#",
            "https://portal.clinic.example/a b",
            "https://portal.clinic.example/\n",
        ] {
            assert!(
                matches!(url(bad, link), Err(Fault::UrlNotPlain(_))),
                "{bad:?} passed"
            );
        }
        let base = UrlRule {
            query: false,
            loopback_http: true,
        };
        assert!(matches!(
            url("https://www.clinic.example/?a=1", base),
            Err(Fault::UrlNotPlain(_))
        ));
        assert!(url("http://127.0.0.1:8080/", base).is_ok());
        for invalid in [
            "http://portal.clinic.example/",
            "ftp://x.example/",
            "/path",
            "mailto:a@b.example",
        ] {
            assert!(
                matches!(url(invalid, link), Err(Fault::Invalid(_))),
                "{invalid:?}"
            );
        }
    }

    #[test]
    fn site_paths_start_with_a_single_slash() {
        assert!(site_path("/privacy/").is_ok());
        assert!(site_path("/images/logo.svg?v=2").is_ok());
        for bad in [
            "//evil.example",
            "/\\evil.example",
            "/\t/evil.example",
            "/a b",
        ] {
            assert!(
                matches!(site_path(bad), Err(Fault::PathNotLocal(_))),
                "{bad:?} passed"
            );
        }
        assert!(matches!(site_path("privacy/"), Err(Fault::Invalid(_))));
        assert!(link("https://www.clinic.example/privacy").is_ok());
        assert!(matches!(
            link("\\\\evil.example"),
            Err(Fault::PathNotLocal(_))
        ));
        assert!(matches!(link("\\privacy"), Err(Fault::PathNotLocal(_))));
        assert!(matches!(
            link("https://a@www.clinic.example/privacy"),
            Err(Fault::UrlNotPlain(_))
        ));
        assert!(matches!(link("images/logo.svg"), Err(Fault::Invalid(_))));
    }

    #[test]
    fn dates_exist_on_the_calendar() {
        for ok in ["2026-03-01", "2024-02-29", "2000-02-29", "2026-12-31"] {
            assert_eq!(date(ok), Ok(()), "{ok}");
        }
        for bad in [
            "2026-02-31",
            "2026-13-01",
            "2025-02-29",
            "1900-02-29",
            "2026-04-31",
            "2026-00-10",
            "2026-01-00",
            "0000-01-01",
            "2026-3-1",
            "March 1",
            "+202-01-01",
            "2026-01-01x",
            "2026-01-1é",
        ] {
            assert!(date(bad).is_err(), "{bad:?} passed");
        }
    }
}
