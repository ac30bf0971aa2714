//! The fields of the two forms (SPEC §7.1), in canonical names, grouped in
//! fieldsets as people fill them in. Every constraint a field has (required,
//! length, pattern) is written here once: the markup prints it and the JSON
//! Schema (`schema.rs`) is read from it. Which backend receives the
//! form changes nothing here; renames come later ([`super::spec`]).

use super::{Choice, Field, Fieldset, Input, Placement};
use crate::content::{Urgency, VisitType};
use crate::model::Site;

const NAME_MAX: usize = 100;
const PHONE_MAX: usize = 30;
const EMAIL_MAX: usize = 254;
const QUESTION_MAX: usize = 1000;

/// NPI: 10 digits (the check digit is verified by the script, SPEC §7.1).
pub const NPI_PATTERN: &str = "[0-9]{10}";
// Escaped so it is valid with the `v` flag browsers now apply to `pattern`
// and in JSON Schema (ECMA-262) alike.
const PHONE_PATTERN: &str = "[0-9+\\(\\)\\-. ]{7,30}";
const DATE_PATTERN: &str = "[0-9]{4}-[0-9]{2}-[0-9]{2}";

/// The records enclosed: the ids of the ticked checklist items.
pub const RECORDS_ENCLOSED: &str = "records_enclosed";
/// The box for "the records not ticked follow later".
pub const RECORDS_LATER: &str = "records_later";

/// Fields the script fills at submit time (SPEC §7.2); present and empty in the markup.
/// Each with its label.
pub const TRACKING: [(&str, &str); 4] = [
    ("utm_source", "utm_source"),
    ("utm_medium", "utm_medium"),
    ("utm_campaign", "utm_campaign"),
    ("referrer_host", "Referring site"),
];

/// A field sent under its canonical name, optional until said otherwise.
pub(super) fn field(canonical: &str, label: &str, input: Input) -> Field {
    Field {
        name: canonical.to_owned(),
        canonical: canonical.to_owned(),
        id: String::new(),
        label: label.to_owned(),
        short: None,
        help: None,
        input,
        required: false,
        maxlength: None,
        pattern: None,
        autocomplete: None,
        contact: false,
    }
}

/// A hidden field with its value.
pub(super) fn hidden(canonical: &str, label: &str, value: String) -> Field {
    field(canonical, label, Input::Hidden { value })
}

impl Field {
    fn required(mut self) -> Self {
        self.required = true;
        self
    }
    fn max(mut self, n: usize) -> Self {
        self.maxlength = Some(n);
        self
    }
    fn auto(mut self, token: &str) -> Self {
        self.autocomplete = Some(token.to_owned());
        self
    }
    fn pattern(mut self, p: &str) -> Self {
        self.pattern = Some(p.to_owned());
        self
    }
    fn help(mut self, h: &str) -> Self {
        self.help = Some(h.to_owned());
        self
    }
    fn short(mut self, s: &str) -> Self {
        self.short = Some(s.to_owned());
        self
    }
    fn contact(mut self) -> Self {
        self.contact = true;
        self
    }
}

fn choices(options: &[(&str, &str)], selected: Option<&str>) -> Vec<Choice> {
    options
        .iter()
        .map(|(v, l)| Choice {
            value: (*v).to_owned(),
            label: (*l).to_owned(),
            selected: selected == Some(*v),
        })
        .collect()
}

/// A select's first, empty choice ("Choose a …").
fn prompt(label: &str, selected: bool) -> Choice {
    Choice {
        value: String::new(),
        label: label.to_owned(),
        selected,
    }
}

fn choice(value: &str, label: &str) -> Choice {
    Choice {
        value: value.to_owned(),
        label: label.to_owned(),
        selected: false,
    }
}

fn fieldset(legend: &str, help: Option<&str>, fields: Vec<Field>) -> Fieldset {
    Fieldset {
        more: false,
        legend: legend.to_owned(),
        help: help.map(str::to_owned),
        fields,
        html: None,
    }
}

/// The service field: hidden when the page knows the service, else a select.
/// `not_sure` adds a "Not sure" choice: patients often cannot name a service.
/// The patient's select lists the first `[build] page_size` service lines
/// (the navigation's order) and "Not sure" stands for the rest: a select
/// of every line of a large site would outweigh its page, and each line's
/// own pages carry the form with the line known. The clinician's select is
/// only on a hub that fits one page.
fn service_field(site: &Site, at: &Placement<'_>, not_sure: bool) -> Field {
    if let Some(i) = at.service {
        return hidden("service", "Service line", site.services[i].slug.clone());
    }
    let listed = if not_sure {
        site.config.build.page_size
    } else {
        site.services.len()
    };
    let mut options = vec![prompt("Choose a service line", true)];
    options.extend(
        site.services
            .iter()
            .take(listed)
            .map(|s| choice(&s.slug, &s.title)),
    );
    if not_sure {
        let label = if site.services.len() > listed {
            "Not listed or not sure: please help me choose"
        } else {
            "Not sure: please help me choose"
        };
        options.push(choice("not_sure", label));
    }
    field("service", "Service line", Input::Select { options }).required()
}

// ---- the clinician's referral ----

/// The referral form. Without `phi_ok` it is contact-only: no patient, no
/// reason or question, no records checklist (SPEC §7.5).
pub(super) fn referral(site: &Site, phi_ok: bool, at: &Placement<'_>) -> Vec<Fieldset> {
    let (you, mut more) = clinician();
    let mut sets = vec![you];
    let mut referral = vec![service_field(site, at, false), urgency(site, at)];
    referral.extend(location(site, at));
    if phi_ok {
        let (patient, patient_phone) = patient();
        sets.push(patient);
        more.push(patient_phone);
        referral.push(reason(site, at));
        referral.push(clinical_question());
    }
    sets.push(fieldset("The referral", None, referral));
    if phi_ok {
        let asked: Vec<&Field> = sets.iter().flat_map(|s| s.fields.iter()).collect();
        let records = records(site, at, &asked);
        sets.extend(records);
    }
    more.push(
        field(
            "preferred_contact",
            "Preferred way to reach you",
            Input::Radio {
                options: choices(
                    &[("phone", "Phone"), ("fax", "Fax"), ("email", "Email")],
                    Some("phone"),
                ),
            },
        )
        .short("Preferred contact")
        .required(),
    );
    sets.push(more_details(more));
    sets
}

/// The optional part a form folds away, so at most about fifteen controls
/// show before it (every field in it is optional or has its default).
fn more_details(fields: Vec<Field>) -> Fieldset {
    Fieldset {
        more: true,
        ..fieldset("More details (optional)", None, fields)
    }
}

/// The clinician's own details, and (for "more details") their NPI and fax.
fn clinician() -> (Fieldset, Vec<Field>) {
    let set = fieldset(
        "You, the referring clinician",
        None,
        vec![
            field("clinician_name", "Your name", Input::Text)
                .short("Referring clinician")
                .contact()
                .required()
                .max(NAME_MAX)
                .auto("name"),
            field(
                "clinician_practice",
                "Practice or organization",
                Input::Text,
            )
            .short("Practice")
            .required()
            .max(NAME_MAX)
            .auto("organization"),
            field("clinician_phone", "Phone", Input::Tel)
                .required()
                .max(PHONE_MAX)
                .pattern(PHONE_PATTERN)
                .auto("work tel"),
            field("clinician_email", "Email", Input::Email)
                .required()
                .max(EMAIL_MAX)
                .auto("work email"),
        ],
    );
    let more = vec![
        field("clinician_npi", "Your NPI", Input::Text)
            .short("NPI")
            .max(10)
            .pattern(NPI_PATTERN)
            .help("10 digits; helps us match your practice")
            .auto("off"),
        field("clinician_fax", "Your fax", Input::Tel)
            .short("Fax")
            .max(PHONE_MAX)
            .pattern(PHONE_PATTERN)
            .auto("off"),
    ];
    (set, more)
}

/// Routine unless the page is about a reason the practice sees with priority.
fn urgency(site: &Site, at: &Placement<'_>) -> Field {
    let urgency = match at.reason.map(|r| site.referrals[r].urgency) {
        Some(Urgency::Priority) => Urgency::Priority,
        _ => Urgency::Routine,
    };
    field(
        "urgency",
        "How soon should we see the patient?",
        Input::Radio {
            options: choices(
                &[
                    (Urgency::Routine.as_str(), "Routine"),
                    (Urgency::Priority.as_str(), "Priority (within a few days)"),
                ],
                Some(urgency.as_str()),
            ),
        },
    )
    .short("Urgency")
    .required()
    .help("Urgent or emergent? Do not use this form: call the number on this page.")
}

/// The patient's details: `autocomplete="off"` on each, so a browser never
/// fills in the clinician's own (SPEC §7.2).
/// The patient's name and date of birth, and (for "more details") their
/// phone.
fn patient() -> (Fieldset, Field) {
    let set = fieldset(
        "The patient",
        Some("Sent over an encrypted connection to our intake team only."),
        vec![
            field("patient_name", "Patient name", Input::Text)
                .required()
                .max(NAME_MAX)
                .auto("off"),
            field("patient_dob", "Date of birth", Input::Date)
                .required()
                .max(10)
                .pattern(DATE_PATTERN)
                .auto("off"),
        ],
    );
    let phone = field("patient_phone", "Patient phone", Input::Tel)
        .max(PHONE_MAX)
        .pattern(PHONE_PATTERN)
        .auto("off");
    (set, phone)
}

/// The reasons of the page's service (every reason on the hub), the page's
/// own reason chosen.
fn reason(site: &Site, at: &Placement<'_>) -> Field {
    let reasons: Vec<usize> = match at.service {
        Some(s) => site.services[s].reasons.clone(),
        None => (0..site.referrals.len()).collect(),
    };
    let selected = at.reason.map(|r| site.referrals[r].slug.as_str());
    let mut options = vec![prompt("Choose a reason", selected.is_none())];
    options.extend(reasons.iter().map(|&r| {
        let reason = &site.referrals[r];
        Choice {
            value: reason.slug.clone(),
            label: reason.title.clone(),
            selected: selected == Some(reason.slug.as_str()),
        }
    }));
    options.push(choice("other", "Other (describe below)"));
    field(
        "referral_reason",
        "Reason for referral",
        Input::Select { options },
    )
    .short("Referral reason")
    .required()
}

fn clinical_question() -> Field {
    field(
        "clinical_question",
        "Your clinical question for our team",
        Input::Textarea,
    )
    .short("Clinical question")
    .required()
    .max(QUESTION_MAX)
    .help("A sentence or two: what would you like us to answer or do?")
}

/// The records question, compact: one group of tick boxes listing the page's
/// checklist (the reason's, else the service's), the records the practice
/// needs ticked, so the office unticks what it is not sending; then one box
/// for "the rest follows". None on the hub. An item the form asks for
/// itself (`clinical-question`, the clinical question field) is not asked
/// twice.
fn records(site: &Site, at: &Placement<'_>, asked: &[&Field]) -> Option<Fieldset> {
    let checklist = at
        .reason
        .and_then(|r| site.referrals[r].checklist.as_deref())
        .or_else(|| {
            at.service
                .and_then(|s| site.services[s].checklist.as_deref())
        })
        .and_then(|id| site.checklists.get(id))?;
    let asked_here = |id: &str| asked.iter().any(|f| f.canonical == id.replace('-', "_"));
    let items: Vec<_> = checklist
        .items
        .iter()
        .filter(|i| !asked_here(&i.id))
        .collect();
    let required = items.iter().filter(|i| i.required);
    let optional = items.iter().filter(|i| !i.required);
    let options: Vec<Choice> = required
        .chain(optional)
        .map(|item| Choice {
            value: item.id.clone(),
            label: item.label.clone(),
            selected: item.required,
        })
        .collect();
    if options.is_empty() {
        return None;
    }
    Some(fieldset(
        "Records",
        Some("Send records by fax, secure email or the portal; tell us here what is on its way."),
        vec![
            field(
                RECORDS_ENCLOSED,
                "Enclosed with this referral",
                Input::Checkboxes { options },
            )
            .short("Enclosed")
            .help("Ticked: the records we need. Untick what you are not sending now."),
            field(
                RECORDS_LATER,
                "I will send the rest later",
                Input::Checkbox {
                    value: "yes".into(),
                    checked: false,
                },
            )
            .short("The rest will follow"),
        ],
    ))
}

// ---- the patient's appointment request ----

/// The appointment form: contact details and the visit, no medical details
/// (the form says so).
pub(super) fn appointment(site: &Site, at: &Placement<'_>) -> Vec<Fieldset> {
    let mut sets = vec![you(), fieldset("Your visit", None, visit(site, at))];
    // Optional questions fold away, so the request stays short.
    let mut more = Vec::new();
    for set in &mut sets {
        let (optional, main) = set
            .fields
            .drain(..)
            .partition(|f| ["best_time", "referred_by"].contains(&f.canonical.as_str()));
        set.fields = main;
        more.extend::<Vec<Field>>(optional);
    }
    more.push(insurance(site));
    sets.push(more_details(more));
    sets.push(fieldset(
        "Consent",
        None,
        vec![
            field(
                "consent",
                "I agree that the practice may contact me by phone or email about this request.",
                Input::Checkbox {
                    value: "yes".into(),
                    checked: false,
                },
            )
            .short("Consent to be contacted")
            .required(),
        ],
    ));
    sets
}

fn you() -> Fieldset {
    fieldset(
        "About you",
        Some("Please do not include medical details here; our team will ask when they call."),
        vec![
            field("name", "Your name", Input::Text)
                .contact()
                .required()
                .max(NAME_MAX)
                .auto("name"),
            field("phone", "Phone", Input::Tel)
                .required()
                .max(PHONE_MAX)
                .pattern(PHONE_PATTERN)
                .auto("tel"),
            field("email", "Email (optional)", Input::Email)
                .short("Email")
                .max(EMAIL_MAX)
                .auto("email"),
            field(
                "preferred_contact",
                "Best way to reach you",
                Input::Radio {
                    options: choices(
                        &[("phone", "Phone call"), ("email", "Email")],
                        Some("phone"),
                    ),
                },
            )
            .short("Preferred contact")
            .required(),
            field(
                "best_time",
                "Best time to call",
                Input::Select {
                    options: choices(
                        &[
                            ("any", "Any time"),
                            ("morning", "Morning"),
                            ("afternoon", "Afternoon"),
                        ],
                        Some("any"),
                    ),
                },
            )
            .short("Best time to call"),
        ],
    )
}

fn visit(site: &Site, at: &Placement<'_>) -> Vec<Field> {
    // A reason's page knows the visit (a second opinion's page presets
    // it); a trial's page asks about that trial.
    let preset = if at.trial.is_some() {
        VisitType::ClinicalTrial
    } else {
        at.reason
            .and_then(|r| site.referrals[r].visit_type)
            .unwrap_or(VisitType::NewConsult)
    };
    let mut visit = vec![
        service_field(site, at, true),
        field(
            "visit_type",
            "What kind of visit?",
            Input::Radio {
                options: VisitType::ALL
                    .iter()
                    .map(|&v| Choice {
                        selected: v == preset,
                        ..choice(v.as_str(), v.label())
                    })
                    .collect(),
            },
        )
        .short("Visit type")
        .required(),
        field("referred_by", "Referred by (optional)", Input::Text)
            .short("Referred by")
            .max(NAME_MAX)
            .auto("off")
            .help("Your doctor's name, if a doctor sent you"),
    ];
    visit.extend(location(site, at));
    visit
}

/// The insurance question's name: its canonical name and the name every
/// backend receives it under.
pub const INSURANCE: &str = "insurance";

/// The patient's insurance plan, optional: a choice of the plans the
/// practice lists (`[organization] insurance`), self-pay, or "other / not
/// sure", so what reaches intake matches its own list; free text where the
/// practice lists none. Only the plan's name: a member or policy number
/// identifies the patient, and the page says it is never asked for.
fn insurance(site: &Site) -> Field {
    let plans = &site.config.organization.insurance;
    let help = "The plan's name only; never your member ID. We check your coverage when we call.";
    let label = "Insurance plan";
    if plans.is_empty() {
        return field(INSURANCE, label, Input::Text)
            .short("Insurance")
            .max(NAME_MAX)
            .auto("off")
            .help(help);
    }
    let mut options = vec![prompt("Choose your plan", true)];
    options.extend(plans.iter().map(|p| choice(p, p)));
    options.push(choice("self_pay", "Self-pay (no insurance)"));
    options.push(choice("not_sure", "Other / not sure"));
    field(INSURANCE, label, Input::Select { options })
        .short("Insurance")
        .help(help)
}

// ---- the referring office's updates sign-up ----

/// The updates sign-up of `/partners/`: who signs up, for which practice,
/// and the service lines they refer to. Contact details only, whatever
/// the backend: nothing here is about a patient.
pub(super) fn updates(site: &Site) -> Vec<Fieldset> {
    let mut you = vec![
        field("name", "Your name", Input::Text)
            .contact()
            .required()
            .max(NAME_MAX)
            .auto("name"),
        field("practice", "Practice or organization", Input::Text)
            .short("Practice")
            .required()
            .max(NAME_MAX)
            .auto("organization"),
        field("role", "Your role (optional)", Input::Text)
            .short("Role")
            .max(NAME_MAX)
            .auto("organization-title")
            .help("For example: physician, nurse coordinator, practice manager"),
        field("email", "Email", Input::Email)
            .required()
            .max(EMAIL_MAX)
            .auto("work email"),
    ];
    if !site.services.is_empty() {
        let options = site
            .services
            .iter()
            .map(|s| choice(&s.slug, &s.title))
            .collect();
        you.push(
            field(
                "specialties",
                "Service lines you would like news of",
                Input::Checkboxes { options },
            )
            .short("Specialties of interest")
            .help("Tick none for news of every service line."),
        );
    }
    vec![
        fieldset("Updates for your office", None, you),
        fieldset(
            "Consent",
            None,
            vec![
                field(
                    "consent",
                    &format!(
                        "I agree that {} may email me updates for referring offices. I can unsubscribe at any time.",
                        site.config.organization.name
                    ),
                    Input::Checkbox {
                        value: "yes".into(),
                        checked: false,
                    },
                )
                .short("Consent to email updates")
                .required(),
            ],
        ),
    ]
}

/// The value of the location choice's "No preference".
pub const ANY_LOCATION: &str = "any";

/// The location choice, where there is one to make: the page's service
/// line is seen at two or more places (on a page about no one service
/// line, the practice has two or more). "No preference" comes first and is
/// chosen, unless the page is the service line's page at one location.
///
/// A CRM has no property of its own for it: HubSpot's `address`/`city` and
/// Web-to-Lead's `street`/`city` are the contact's or lead's own address,
/// never the clinic's, so by default it is a `Location: …` line of the
/// digest; the practice may map it (`[intake.field_names]`) to a HubSpot
/// property it creates, which the HubSpot form must declare (the Forms
/// API v3 refuses undeclared fields since March 2022:
/// <https://developers.hubspot.com/changelog/validation-change-to-the-forms-api-submission-endpoints>),
/// or to a Web-to-Lead custom field, named by its `00N…` id
/// (<https://help.salesforce.com/s/articleView?id=sf.setting_up_web-to-lead.htm>).
fn location(site: &Site, at: &Placement<'_>) -> Option<Field> {
    let places: Vec<usize> = match at.service.map(|s| &site.services[s]) {
        // The rule that gives the service line a page at each location.
        Some(s) if s.has_location_pages() => s.locations.clone(),
        Some(_) => return None,
        None if site.locations.len() >= 2 => (0..site.locations.len()).collect(),
        None => return None,
    };
    let mut options = vec![Choice {
        selected: at.location.is_none(),
        ..choice(ANY_LOCATION, "No preference")
    }];
    options.extend(places.into_iter().map(|l| Choice {
        selected: at.location == Some(l),
        ..choice(&site.locations[l].slug, &site.locations[l].title)
    }));
    Some(field("location", "Preferred location", Input::Select { options }).short("Location"))
}

/// Luhn check of an NPI with the `80840` prefix (the card-issuer prefix the
/// NPI standard prepends), as the script does in the browser.
pub fn npi_is_valid(npi: &str) -> bool {
    if npi.len() != 10 || !npi.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let digits: Vec<u32> = format!("80840{npi}")
        .bytes()
        .map(|b| u32::from(b - b'0'))
        .collect();
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| {
            if i % 2 == 1 {
                if d * 2 > 9 { d * 2 - 9 } else { d * 2 }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Words that name a patient's member or policy number, in any field's
    /// name or label: the forms never ask for one (the insurance question
    /// takes the plan's name only).
    const MEMBER_ID_WORDS: [&str; 7] = [
        "member",
        "policy",
        "subscriber",
        "group_number",
        "group number",
        "insurance_id",
        "insurance id",
    ];

    #[test]
    fn no_form_asks_for_a_member_id_or_policy_number() {
        let mut site = crate::example().site;
        assert!(
            !site.config.organization.insurance.is_empty(),
            "the example lists insurance plans"
        );
        let mut asked = 0;
        for plans in [site.config.organization.insurance.clone(), Vec::new()] {
            site.config.organization.insurance = plans;
            let at = Placement {
                page: "/request-appointment/",
                service: None,
                reason: None,
                local: false,
                trial: None,
                location: None,
            };
            for sets in [appointment(&site, &at), referral(&site, true, &at)] {
                for f in sets.iter().flat_map(|s| s.fields.iter()) {
                    let said = format!("{} {} {}", f.canonical, f.name, f.label).to_lowercase();
                    for word in MEMBER_ID_WORDS {
                        assert!(!said.contains(word), "`{}` asks for a {word}", f.canonical);
                    }
                    if f.canonical == INSURANCE {
                        asked += 1;
                        let help = f.help.as_deref().unwrap_or_default();
                        assert!(help.contains("never your member ID"), "{help}");
                    }
                }
            }
        }
        assert_eq!(
            asked, 2,
            "the appointment form asks for the plan, with and without a list"
        );
    }

    #[test]
    fn the_insurance_question_lists_the_plans_then_self_pay_and_not_sure() {
        let mut site = crate::example().site;
        let f = insurance(&site);
        let Input::Select { options } = &f.input else {
            panic!("a select where the practice lists plans");
        };
        let values: Vec<&str> = options.iter().map(|o| o.value.as_str()).collect();
        let mut expected = vec![""];
        expected.extend(
            site.config
                .organization
                .insurance
                .iter()
                .map(String::as_str),
        );
        expected.extend(["self_pay", "not_sure"]);
        assert_eq!(values, expected);
        assert!(!f.required);
        site.config.organization.insurance.clear();
        assert!(matches!(insurance(&site).input, Input::Text));
    }

    #[test]
    fn npi_check_digit() {
        // CMS's published example NPI.
        assert!(npi_is_valid("1234567893"));
        assert!(!npi_is_valid("1234567890"));
        assert!(!npi_is_valid("123456789"));
        assert!(!npi_is_valid("12345678a3"));
    }
}
