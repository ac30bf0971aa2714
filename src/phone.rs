//! Phone and fax numbers: one canonical form everywhere (SPEC §8, NAP).
//!
//! Writers type numbers in many ways (`555-010-0140`, `(555) 010-0140`,
//! `+1 555 010 0140`); the site must print each number identically, in E.164
//! for `tel:` links and structured data. Pure functions, no I/O.

use serde::Serialize;

pub const HINT: &str = "write the number with its country code, e.g. `+1-555-010-0140`";

/// A phone number in E.164 (`+15550100140`) with its display form.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Phone {
    pub display: String,
    pub e164: String,
    pub tel: String,
}

impl Phone {
    /// Accepts common human formats; numbers without a `+` country code are
    /// taken as North American (NANP) only when they have 10 or 11 digits.
    pub fn parse(text: &str) -> Result<Phone, String> {
        let trimmed = text.trim();
        let plus = trimmed.starts_with('+');
        let mut digits = String::new();
        for (i, c) in trimmed.char_indices() {
            match c {
                '0'..='9' => digits.push(c),
                '+' if i == 0 => {}
                ' ' | '-' | '.' | '(' | ')' | '\u{a0}' => {}
                _ => {
                    return Err(format!(
                        "`{trimmed}` is not a phone number (unexpected `{c}`)"
                    ));
                }
            }
        }
        let e164_digits = if plus {
            digits
        } else if digits.len() == 10 {
            format!("1{digits}")
        } else if digits.len() == 11 && digits.starts_with('1') {
            digits
        } else {
            return Err(format!(
                "`{trimmed}` has no country code and is not a 10-digit North American number"
            ));
        };
        if !(8..=15).contains(&e164_digits.len()) || e164_digits.starts_with('0') {
            return Err(format!(
                "`{trimmed}` does not have the 8 to 15 digits of an international number"
            ));
        }
        let display = match e164_digits.strip_prefix('1') {
            Some(national) if national.len() == 10 => {
                format!(
                    "({}) {}-{}",
                    &national[..3],
                    &national[3..6],
                    &national[6..]
                )
            }
            _ => format!("+{e164_digits}"),
        };
        let e164 = format!("+{e164_digits}");
        Ok(Phone {
            display,
            tel: format!("tel:{e164}"),
            e164,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_formats_normalise_to_one_form() {
        for input in [
            "+1-555-010-0140",
            "(555) 010-0140",
            "555.010.0140",
            "1 555 010 0140",
            "+1 (555) 010 0140",
        ] {
            let p = Phone::parse(input).unwrap();
            assert_eq!(p.e164, "+15550100140", "{input}");
            assert_eq!(p.display, "(555) 010-0140", "{input}");
            assert_eq!(p.tel, "tel:+15550100140");
        }
        assert_eq!(
            Phone::parse("+44 20 7946 0958").unwrap().display,
            "+442079460958"
        );
    }

    #[test]
    fn garbage_is_refused_with_a_reason() {
        assert!(Phone::parse("call us").is_err());
        assert!(Phone::parse("010-0140").is_err());
        assert!(Phone::parse("+1 555 010 0140 ext 4").is_err());
        assert!(Phone::parse("").is_err());
    }
}
