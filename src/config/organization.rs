//! `[organization]`: the practice's name, type and contact data, the single
//! source of truth for name, address and phone (NAP) on every page, and
//! its physician liaisons (`[[organization.liaisons]]`).
//! Raw values → [`Organization`], each bad value a finding at the value.

use toml::Spanned;

use super::raw::{RawLiaison, RawOrganization};
use super::{FILE, at, invalid, refused};
use crate::diag::{Code, Diagnostics, did_you_mean};
use crate::phone::Phone;
use crate::theme::Origin;
use crate::values::{self, UrlRule};

/// schema.org types a practice can be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrganizationType {
    MedicalOrganization,
    MedicalClinic,
    Hospital,
    Physician,
}

impl OrganizationType {
    const NAMES: [&'static str; 4] = [
        "MedicalOrganization",
        "MedicalClinic",
        "Hospital",
        "Physician",
    ];

    fn parse(s: &str) -> Option<Self> {
        match s {
            "MedicalOrganization" => Some(Self::MedicalOrganization),
            "MedicalClinic" => Some(Self::MedicalClinic),
            "Hospital" => Some(Self::Hospital),
            "Physician" => Some(Self::Physician),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::MedicalOrganization => "MedicalOrganization",
            Self::MedicalClinic => "MedicalClinic",
            Self::Hospital => "Hospital",
            Self::Physician => "Physician",
        }
    }
}

/// The single source of truth for name, phone and contact data.
#[derive(Debug, Clone, PartialEq)]
pub struct Organization {
    pub name: String,
    pub kind: OrganizationType,
    pub phone: Option<Phone>,
    pub fax: Option<Phone>,
    pub email: Option<String>,
    pub logo: Option<String>,
    pub same_as: Vec<String>,
    pub privacy_policy: Option<String>,
    /// The confidentiality notice printed on the fax cover sheet.
    pub fax_notice: String,
    /// The insurance plans the practice accepts, as patients know them.
    pub insurance: Vec<String>,
    /// Self-pay terms, Markdown.
    pub self_pay: Option<String>,
    /// `[[organization.liaisons]]`, in the order written.
    pub liaisons: Vec<Liaison>,
}

impl Organization {
    /// `/insurance/` exists when the practice says which plans it takes
    /// or what self-pay costs.
    pub fn has_insurance_page(&self) -> bool {
        !self.insurance.is_empty() || self.self_pay.is_some()
    }
}

/// A physician liaison as site.toml writes one: the model resolves its
/// service lines (a slug that names none is a finding there).
#[derive(Debug, Clone, PartialEq)]
pub struct Liaison {
    pub name: String,
    pub role: Option<String>,
    pub territory: Option<String>,
    /// Service line slugs, each with where it is written.
    pub services: Vec<(String, Origin)>,
    pub phone: Option<Phone>,
    pub email: Option<String>,
    pub photo: Option<String>,
}

/// The fax cover's notice when `fax_notice` is not set: what referral
/// offices expect on any fax that may carry health information.
pub const DEFAULT_FAX_NOTICE: &str = "Confidential: this fax may contain protected health information. It is meant only for the recipient named above. If you received it in error, please call us at once and destroy all pages; do not read, copy or share them.";

/// `[organization]`, or its defaults (the name is the site's `title`).
pub(super) fn validate(
    raw: Option<RawOrganization>,
    title: &str,
    text: &str,
    diags: &mut Diagnostics,
) -> Organization {
    let RawOrganization {
        name,
        kind,
        phone,
        fax,
        email,
        logo,
        same_as,
        privacy_policy,
        fax_notice,
        insurance,
        self_pay,
        liaisons,
    } = raw.unwrap_or_default();
    let kind = kind.map_or(OrganizationType::MedicalOrganization, |k| {
        organization_type(&k, text, diags)
    });
    let phone = phone.and_then(|p| phone_number(p, "phone", text, diags));
    let fax = fax.and_then(|p| phone_number(p, "fax", text, diags));
    let email = email.and_then(|e| email_address(e, text, diags));
    let same_as = same_as
        .unwrap_or_default()
        .into_iter()
        .filter_map(|u| profile_link(u, text, diags))
        .collect();
    let logo = logo.and_then(|v| site_link(v, "logo", text, diags));
    let privacy_policy = privacy_policy.and_then(|v| site_link(v, "privacy_policy", text, diags));
    Organization {
        name: name.unwrap_or_else(|| title.to_owned()),
        kind,
        phone,
        fax,
        email,
        logo,
        same_as,
        privacy_policy,
        fax_notice: fax_notice
            .filter(|n| !n.trim().is_empty())
            .unwrap_or_else(|| DEFAULT_FAX_NOTICE.to_owned()),
        insurance: plans(insurance.unwrap_or_default(), text, diags),
        self_pay: self_pay.filter(|s| !s.trim().is_empty()),
        liaisons: liaisons
            .unwrap_or_default()
            .into_iter()
            .filter_map(|l| liaison(l, text, diags))
            .collect(),
    }
}

/// One `[[organization.liaisons]]`: a name and a way to reach them are
/// what a referring office needs, so each missing one is a finding at the
/// table.
fn liaison(raw: Spanned<RawLiaison>, text: &str, diags: &mut Diagnostics) -> Option<Liaison> {
    let table = raw.span();
    let RawLiaison {
        name,
        role,
        territory,
        services,
        phone,
        email,
        photo,
    } = raw.into_inner();
    let start = diags.error_count();
    let name = match name {
        Some(n) if !n.get_ref().trim().is_empty() => Some(n.into_inner()),
        Some(n) => {
            diags.push(invalid(
                text,
                n.span(),
                "a liaison's `name` is empty".to_owned(),
                "write the name referring offices know them by",
            ));
            None
        }
        None => {
            diags.push(
                at(
                    text,
                    Code::ConfigMissingKey,
                    table.clone(),
                    "a liaison in `[[organization.liaisons]]` has no `name`".to_owned(),
                )
                .with_hint("add `name = \"…\"`: the name referring offices know them by"),
            );
            None
        }
    };
    if phone.is_none() && email.is_none() {
        let who = name.as_deref().unwrap_or("a liaison");
        diags.push(
            at(
                text,
                Code::ConfigMissingKey,
                table,
                format!("{who} has no `phone` or `email` in `[[organization.liaisons]]`"),
            )
            .with_hint("add `phone = \"…\"` or `email = \"…\"`: a liaison is the person a referring office calls or writes to"),
        );
    }
    let phone = phone.and_then(|p| phone_number(p, "phone", text, diags));
    let email = email.and_then(|e| email_address(e, text, diags));
    let photo = photo.and_then(|v| site_link(v, "photo", text, diags));
    let services = services
        .unwrap_or_default()
        .into_iter()
        .map(|s| {
            let origin = Origin::of(FILE, text, s.span());
            (s.into_inner(), origin)
        })
        .collect();
    if diags.error_count() > start {
        return None;
    }
    Some(Liaison {
        name: name?,
        role: role.filter(|r| !r.trim().is_empty()),
        territory: territory.filter(|t| !t.trim().is_empty()),
        services,
        phone,
        email,
        photo,
    })
}

/// A plain email address, or a finding at it.
fn email_address(e: Spanned<String>, text: &str, diags: &mut Diagnostics) -> Option<String> {
    match values::email(e.get_ref()) {
        Ok(()) => Some(e.into_inner()),
        Err(fault) => {
            diags.push(refused(text, e.span(), "email", &fault, values::EMAIL_HINT));
            None
        }
    }
}

/// `insurance`: each plan named once, none blank (a patient picks one
/// from the list on the appointment form).
fn plans(raw: Vec<Spanned<String>>, text: &str, diags: &mut Diagnostics) -> Vec<String> {
    let mut plans: Vec<String> = Vec::new();
    for plan in raw {
        let name = plan.get_ref().trim();
        let fault = if name.is_empty() {
            Some("`insurance` has a blank plan name".to_owned())
        } else if plans.iter().any(|p| p.eq_ignore_ascii_case(name)) {
            Some(format!("`insurance` names the plan `{name}` twice"))
        } else {
            None
        };
        match fault {
            Some(message) => diags.push(invalid(
                text,
                plan.span(),
                message,
                "list each plan once, as patients know it: `insurance = [\"Medicare\", \"Aetna\"]`",
            )),
            None => plans.push(name.to_owned()),
        }
    }
    plans
}

fn organization_type(k: &Spanned<String>, text: &str, diags: &mut Diagnostics) -> OrganizationType {
    OrganizationType::parse(k.get_ref()).unwrap_or_else(|| {
        diags.push(
            invalid(
                text,
                k.span(),
                format!(
                    "`type = \"{}\"` is not a practice type handoff knows",
                    k.get_ref()
                ),
                "",
            )
            .with_hint(did_you_mean(k.get_ref(), &OrganizationType::NAMES)),
        );
        OrganizationType::MedicalOrganization
    })
}

fn phone_number(
    p: Spanned<String>,
    key: &str,
    text: &str,
    diags: &mut Diagnostics,
) -> Option<Phone> {
    match Phone::parse(p.get_ref()) {
        Ok(phone) => Some(phone),
        Err(msg) => {
            diags.push(invalid(
                text,
                p.span(),
                format!("`{key}`: {msg}"),
                crate::phone::HINT,
            ));
            None
        }
    }
}

/// One of `same_as`: a profile page elsewhere.
fn profile_link(u: Spanned<String>, text: &str, diags: &mut Diagnostics) -> Option<String> {
    match values::url(u.get_ref(), UrlRule::LINK) {
        Ok(_) => Some(u.into_inner()),
        Err(fault) => {
            diags.push(refused(
                text,
                u.span(),
                "same_as",
                &fault,
                "list profile pages like `https://www.linkedin.com/company/…`",
            ));
            None
        }
    }
}

/// `logo` and `privacy_policy` end up in `src`/`href` attributes on every
/// page (SPEC §4: no script-running link targets; a path stays on this site).
fn site_link(v: Spanned<String>, key: &str, text: &str, diags: &mut Diagnostics) -> Option<String> {
    let hint = "use a path on the site (`/privacy/`) or an `https://` address";
    if crate::values::is_unsafe_target(v.get_ref()) {
        diags.push(invalid(
            text,
            v.span(),
            format!("`{key}` would run a script or hide content"),
            hint,
        ));
        return None;
    }
    match values::link(v.get_ref()) {
        Ok(()) => Some(v.into_inner()),
        Err(fault) => {
            diags.push(refused(text, v.span(), key, &fault, hint));
            None
        }
    }
}
