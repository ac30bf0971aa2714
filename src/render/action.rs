//! A page's quick actions (issue #19): the call button for the page's own
//! line and the button to its form, which the theme keeps within a thumb's
//! reach on a phone and beside the text on a wide screen.
//!
//! Which line and which form follow from the page kind, so every theme
//! gets the same answer without repeating the rules in its templates.

use serde::Serialize;

use crate::content::{Audience, Urgency};
use crate::forms::FormSpec;
use crate::model::{Page, PageKind};
use crate::phone::Phone;
use crate::render::reads::Reader;

/// `page.action` in templates.
#[derive(Debug, Serialize)]
pub struct ActionView<'a> {
    /// The page's own line: the service's referral line on a service's
    /// pages (its refer, packet and referral-reason pages too), else the
    /// main number. None when the site has neither.
    pub phone: Option<&'a Phone>,
    /// Where the second button goes: the form on this page, else the
    /// service line's refer page, the appointment page (for patients) or
    /// the `/refer/` hub. None on an urgent reason's page (call, never a
    /// form) and where it would lead to the page itself.
    pub go: Option<ActionLink>,
}

#[derive(Debug, Serialize)]
pub struct ActionLink {
    pub title: &'static str,
    /// `#referral-form` for the form on this page, else a page's path.
    pub path: String,
    /// True when `path` is a place on this page (the theme marks it ↓).
    pub on_page: bool,
}

/// The quick actions of `page`, given the forms it shows.
pub fn action<'a>(
    r: &mut Reader<'a>,
    page: &'a Page,
    form: Option<&FormSpec>,
    appointment_form: Option<&FormSpec>,
) -> ActionView<'a> {
    let main = r.config().organization.phone.as_ref();
    let mut service = None;
    // On a service line's page at one location: that location's line.
    let mut place = None;
    // Patients call the main number: a referral line is for referring offices.
    let mut for_patients = matches!(page.kind, PageKind::Appointment | PageKind::Trial(_));
    // An urgent case goes to the phone, never a form.
    let mut urgent = false;
    match page.kind {
        PageKind::Service(i) | PageKind::Refer(i) | PageKind::Packet(i) => service = Some(i),
        PageKind::ServiceLocation {
            service: i,
            location,
        } => {
            service = Some(i);
            place = Some((location, r.location(location)));
        }
        PageKind::Referral(i) => {
            let reason = r.referral(i);
            service = Some(reason.service);
            for_patients = reason.audience == Audience::Patient;
            urgent = reason.urgency == Urgency::Urgent;
        }
        _ => {}
    }
    let phone = match service {
        Some(i) if !for_patients => r.service(i).line(place).phone.or(main),
        _ => main,
    };
    let elsewhere = |title, path: String| ActionLink {
        title,
        path,
        on_page: false,
    };
    // The first form on the page: the referral form where there are both.
    let go = if urgent {
        None
    } else if let Some((f, title)) = form
        .or(appointment_form)
        .and_then(|f| Some((f, f.kind.words().action?)))
    {
        Some(ActionLink {
            title,
            path: format!("#{}", f.id),
            on_page: true,
        })
    } else if for_patients {
        Some(elsewhere(
            "Request an appointment",
            "/request-appointment/".to_owned(),
        ))
    } else if let Some(i) = service {
        Some(elsewhere(
            "How to refer",
            format!("{}refer/", r.service(i).path),
        ))
    } else {
        Some(elsewhere("Refer a patient", "/refer/".to_owned()))
    };
    ActionView {
        phone,
        go: go.filter(|g| g.path != page.path),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::forms::{self, FormKind, Placement};
    use crate::model::Site;

    fn example() -> Site {
        crate::example().site
    }

    fn page(site: &Site, kind: PageKind) -> &Page {
        site.pages.iter().find(|p| p.kind == kind).unwrap()
    }

    /// (phone e164, go path) of a page given its forms.
    fn of(site: &Site, kind: PageKind, form: Option<&FormSpec>) -> (String, Option<String>) {
        let a = action(&mut Reader::new(site), page(site, kind), form, None);
        (
            a.phone.map(|p| p.e164.clone()).unwrap_or_default(),
            a.go.map(|g| g.path),
        )
    }

    #[test]
    fn a_service_line_s_pages_call_its_referral_line_and_others_the_main_number() {
        let site = example();
        let main = site.config.organization.phone.clone().unwrap().e164;
        let s = site
            .services
            .iter()
            .position(|s| {
                s.referring.phone.as_ref().map(|p| &p.e164) != Some(&main) && !s.reasons.is_empty()
            })
            .unwrap();
        let line = site.services[s].referring.phone.clone().unwrap().e164;
        let refer = format!("{}refer/", site.services[s].path);
        assert_eq!(
            of(&site, PageKind::Service(s), None),
            (line.clone(), Some(refer.clone()))
        );
        assert_eq!(
            of(&site, PageKind::Packet(s), None),
            (line.clone(), Some(refer))
        );
        let reason = site.services[s].reasons[0];
        assert_eq!(of(&site, PageKind::Referral(reason), None).0, line);
        assert_eq!(
            of(&site, PageKind::Home, None),
            (main.clone(), Some("/refer/".to_owned()))
        );
        // The hub links no button to itself.
        assert_eq!(of(&site, PageKind::ReferHub, None), (main, None));
    }

    #[test]
    fn the_button_goes_to_the_form_on_the_page() {
        let site = example();
        let at = Placement {
            page: "/refer/",
            service: None,
            reason: None,
            local: false,
            trial: None,
            location: None,
        };
        let form = forms::spec(&site, FormKind::Referral, &at).unwrap();
        let a = action(
            &mut Reader::new(&site),
            page(&site, PageKind::ReferHub),
            Some(&form),
            None,
        );
        let go = a.go.unwrap();
        assert_eq!((go.path.as_str(), go.on_page), ("#referral-form", true));
    }

    #[test]
    fn patients_call_the_main_number_and_urgent_reasons_offer_no_form() {
        let mut site = example();
        let main = site.config.organization.phone.clone().unwrap().e164;
        let i = site
            .referrals
            .iter()
            .position(|r| r.urgency == Urgency::Urgent)
            .unwrap();
        assert_eq!(of(&site, PageKind::Referral(i), None).1, None);
        // Even where the page still carries a form.
        let at = Placement {
            page: &site.referrals[i].path,
            service: Some(site.referrals[i].service),
            reason: Some(i),
            local: false,
            trial: None,
            location: None,
        };
        let form = forms::spec(&site, FormKind::Referral, &at).unwrap();
        assert_eq!(of(&site, PageKind::Referral(i), Some(&form)).1, None);
        let r = &mut site.referrals[i];
        r.urgency = Urgency::Routine;
        r.audience = Audience::Patient;
        assert_eq!(
            of(&site, PageKind::Referral(i), None),
            (main, Some("/request-appointment/".to_owned()))
        );
    }
}
