//! `[intake]` values a backend would refuse or lose (issue #18), each E004
//! at the value with a hint saying what to write or where to copy it from:
//! Formspree's `form_id` beside `form_ids`, ids of the wrong shape, an
//! `encoding` the backend does not take, and `[intake.field_names]` names
//! the backend would refuse (HubSpot) or drop (Salesforce).
//!
//! Each case writes one site.toml with ONE defect into a fresh copy of a
//! fixture site (`endpoint_not_plain`, whose content builds) and goes
//! through `expect_failed_build`: exit 1, nothing written, a previous
//! `public/` untouched.

use super::values::expect_only_at;

const FIXTURE: &str = "endpoint_not_plain";

/// site.toml with `[intake]` holding `intake`.
fn site_toml(intake: &str) -> String {
    format!(
        "title = \"Example Clinic\"\nbase_url = \"https://www.example-clinic.example\"\n\n\
         [organization]\nprivacy_policy = \"/privacy/\"\n\n[intake]\n{intake}\n"
    )
}

const GUIDS: &str = "form_guids = { referral = \"0a1b2c3d-1111-4222-8333-944455556666\", appointment = \"7e8f9a0b-2222-4333-8444-a55566667777\" }";

/// The build fails with one E004 at `needle` in site.toml, whose hint
/// contains `hint` and whose message contains `says`.
fn refused(intake: &str, needle: &str, says: &str, hint: &str) {
    let text = site_toml(intake);
    let out = expect_only_at(FIXTURE, "site.toml", &text, "E004", needle);
    let found = out.diagnostic("E004");
    let message = &found.diag.message;
    assert!(
        message.contains(says),
        "message {message:?} lacks {says:?}\n{}",
        out.report()
    );
    let found_hint = found.diag.hint.clone().unwrap_or_default();
    assert!(
        found_hint.contains(hint),
        "hint {found_hint:?} lacks {hint:?}\n{}",
        out.report()
    );
}

// --- Formspree: one form id per form, or one for both -------------------------

#[test]
fn formspree_form_id_beside_form_ids() {
    refused(
        "backend = \"formspree\"\nform_id = \"xqkrvbza\"\nform_ids = { referral = \"xqkrvbza\", appointment = \"mrbgyjwo\" }",
        "\"xqkrvbza\"\nform_ids",
        "`form_id` and `form_ids` are both set",
        "or `form_id` alone for one that takes both",
    );
}

// --- id shapes ------------------------------------------------------------------

#[test]
fn hubspot_portal_id_is_digits() {
    refused(
        &format!("backend = \"hubspot\"\nportal_id = \"hub-4455667\"\n{GUIDS}"),
        "\"hub-4455667\"",
        "digits only",
        "copy the Hub ID from HubSpot",
    );
}

#[test]
fn hubspot_form_guid_is_a_uuid() {
    refused(
        "backend = \"hubspot\"\nportal_id = \"4455667\"\nform_guids = { referral = \"0a1b2c3d-1111-4222-8333-94445555666\", appointment = \"7e8f9a0b-2222-4333-8444-a55566667777\" }",
        "\"0a1b2c3d",
        "`form_guids.referral = \"0a1b2c3d-1111-4222-8333-94445555666\"`",
        "Marketing › Forms",
    );
}

#[test]
fn salesforce_oid_is_an_organization_id() {
    refused(
        "backend = \"salesforce\"\noid = \"00N5e000000AbCd\"",
        "\"00N5e",
        "`00D` and 12 more letters or digits",
        "Setup › Company Information",
    );
}

#[test]
fn formspree_form_id_is_the_end_of_its_endpoint() {
    refused(
        "backend = \"formspree\"\nform_ids = { referral = \"https://formspree.io/f/xqkrvbza\", appointment = \"mrbgyjwo\" }",
        "\"https://formspree",
        "6 to 16 letters and digits",
        "the part after `/f/`",
    );
}

// --- encodings ------------------------------------------------------------------

#[test]
fn json_with_a_backend_that_takes_native_posts_only() {
    for backend in [
        "backend = \"netlify\"",
        "backend = \"salesforce\"\noid = \"00D5e000000AbCd\"",
    ] {
        refused(
            &format!("{backend}\nencoding = \"json\""),
            "\"json\"",
            "takes native form posts only",
            "remove `encoding`",
        );
    }
}

#[test]
fn form_with_hubspot_which_takes_json_only() {
    refused(
        &format!("backend = \"hubspot\"\nportal_id = \"4455667\"\n{GUIDS}\nencoding = \"form\""),
        "\"form\"",
        "takes JSON only",
        "remove `encoding`",
    );
}

// --- [intake.field_names] ---------------------------------------------------------

#[test]
fn hubspot_field_name_is_a_property_internal_name() {
    refused(
        &format!(
            "backend = \"hubspot\"\nportal_id = \"4455667\"\n{GUIDS}\n\n[intake.field_names]\nurgency = \"Referral Urgency\""
        ),
        "\"Referral Urgency\"",
        "not a HubSpot property's internal name",
        "create a contact property with the internal name `referral_urgency` in HubSpot",
    );
}

#[test]
fn salesforce_field_name_is_a_lead_field_or_custom_field_id() {
    refused(
        "backend = \"salesforce\"\noid = \"00D5e000000AbCd\"\n\n[intake.field_names]\nurgency = \"Urgency__c\"",
        "\"Urgency__c\"",
        "not a Salesforce lead field",
        "copy the 15-character `00N…` id from the field's page in Setup",
    );
}
