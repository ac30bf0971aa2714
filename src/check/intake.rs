//! W050: an `[intake]` value that is still a placeholder. It builds, and
//! every submission is lost: the referral never arrives. Each finding is at
//! the value in site.toml.

use crate::config::Config;
use crate::diag::{Code, Diagnostics};
use crate::forms::backend::Check;

/// Top-level domains reserved for examples and tests, and the example
/// second-level names (RFC 2606 §2–3, RFC 6761 §6): no intake service
/// answers there.
const RESERVED_TLDS: [&str; 4] = ["example", "test", "invalid", "localhost"];
const EXAMPLE_DOMAINS: [&str; 3] = ["example.com", "example.net", "example.org"];

/// Every placeholder among the account values the practice wrote.
pub(super) fn placeholders(config: &Config) -> Diagnostics {
    let mut diags = Diagnostics::new();
    let Some(intake) = &config.intake else {
        return diags;
    };
    // A shorthand (`form_id`) is written once for two keys: one finding.
    let mut reported = Vec::new();
    for key in intake.profile().keys {
        let (Some(value), Some(origin)) =
            (intake.account.get(key.name), intake.written.get(key.name))
        else {
            continue;
        };
        if reported.contains(&origin.span) {
            continue;
        }
        let finding = match key.check {
            Check::Endpoint => reserved_name(value).map(|name| {
                (
                    format!("the intake address `{value}` is a placeholder: `{name}` names are reserved for examples and no server receives there, so every submission would be lost"),
                    "write the address your intake service gives you; `check --strict` fails until then".to_owned(),
                )
            }),
            id => id
                .expects()
                .filter(|_| is_placeholder_id(value))
                .map(|(_, copy_from)| {
                    (
                        format!(
                            "`{} = \"{value}\"` is a placeholder: every submission would be lost",
                            key.name
                        ),
                        copy_from.to_owned(),
                    )
                }),
        };
        if let Some((message, hint)) = finding {
            reported.push(origin.span);
            diags.push(
                origin
                    .finding(Code::IntakePlaceholder, message)
                    .with_hint(hint),
            );
        }
    }
    diags
}

/// The reserved name the endpoint's host is under (`.example`,
/// `example.com`), if it is.
fn reserved_name(endpoint: &str) -> Option<String> {
    let url = url::Url::parse(endpoint).ok()?;
    let host = url.host_str()?.trim_end_matches('.').to_ascii_lowercase();
    let tld = host.rsplit('.').next().unwrap_or(&host);
    if RESERVED_TLDS.contains(&tld) {
        return Some(format!(".{tld}"));
    }
    EXAMPLE_DOMAINS
        .iter()
        .find(|d| host == **d || host.ends_with(&format!(".{d}")))
        .map(|d| (*d).to_owned())
}

/// An id of zeros or `x`s, as documentation and templates write one
/// (`00000000-0000-0000-0000-000000000000`, `xxxxxxxx`, `00D000000000000`).
fn is_placeholder_id(id: &str) -> bool {
    let rest: String = id
        .strip_prefix("00D")
        .unwrap_or(id)
        .chars()
        .filter(|c| *c != '-')
        .collect();
    !rest.is_empty()
        && (rest.chars().all(|c| c == '0') || rest.chars().all(|c| c.eq_ignore_ascii_case(&'x')))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reserved_hosts_are_placeholders() {
        for placeholder in [
            "https://intake.riverbend-health.example/v1/submissions",
            "https://forms.clinic.test/x",
            "https://a.invalid/",
            "https://localhost/x",
            "https://example.com/hook",
            "https://hooks.example.org/hook",
        ] {
            assert!(reserved_name(placeholder).is_some(), "{placeholder}");
        }
        for real in [
            "https://intake.riverbend-health.org/v1/submissions",
            "https://webto.salesforce.com/servlet/servlet.WebToLead?encoding=UTF-8",
            "https://myexample.com/hook",
            "https://example.co/hook",
        ] {
            assert_eq!(reserved_name(real), None, "{real}");
        }
    }

    #[test]
    fn ids_of_zeros_or_xs_are_placeholders() {
        for placeholder in [
            "00000000-0000-0000-0000-000000000000",
            "xxxxxxxx",
            "XXXXXXXX",
            "00D000000000000",
            "0000000",
        ] {
            assert!(is_placeholder_id(placeholder), "{placeholder}");
        }
        for real in [
            "0a1b2c3d-1111-4222-8333-944455556666",
            "xqkrvbza",
            "00D5e000000AbCd",
            "4455667",
        ] {
            assert!(!is_placeholder_id(real), "{real}");
        }
    }
}
