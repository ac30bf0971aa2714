//! Phone and fax numbers: one canonical form everywhere (SPEC §8, NAP).
//!
//! Writers type numbers in many ways (`555-010-0140`, `(555) 010-0140`,
//! `+1 555 010 0140`); the site must print each number identically, in E.164
//! for `tel:` links and structured data. Pure functions, no I/O.

use std::collections::BTreeMap;
use std::ops::Range;

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

/// The numbers a site publishes in its NAP data (the organization, its
/// locations, its service lines' referral lines), by E.164. A number typed
/// in text becomes a `tel:` link only when it is one of these, so a date,
/// an NPI or a fax number never does.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Numbers {
    by_e164: BTreeMap<String, Phone>,
}

impl Numbers {
    pub fn new<'p>(phones: impl IntoIterator<Item = &'p Phone>) -> Numbers {
        // Many service lines share one number: each is copied once, not
        // once per line (a phone's display and link follow from its E.164).
        let mut by_e164 = BTreeMap::new();
        for p in phones {
            if !by_e164.contains_key(&p.e164) {
                by_e164.insert(p.e164.clone(), p.clone());
            }
        }
        Numbers { by_e164 }
    }

    /// No numbers: text that types none links none.
    pub fn none() -> &'static Numbers {
        static NONE: Numbers = Numbers {
            by_e164: BTreeMap::new(),
        };
        &NONE
    }

    pub fn is_empty(&self) -> bool {
        self.by_e164.is_empty()
    }

    /// The published numbers `text` types, with their byte ranges.
    pub fn find_in<'n>(&'n self, text: &str) -> Vec<(Range<usize>, &'n Phone)> {
        if self.is_empty() {
            return Vec::new();
        }
        find_numbers(text)
            .into_iter()
            .filter_map(|(range, p)| Some((range, self.by_e164.get(&p.e164)?)))
            .collect()
    }
}

/// Every phone number typed in `text` in a common format (`(555) 010-0100`,
/// `555.010.0100`, `+1 555 010 0100`, `555-010-0100`), with its byte range.
/// A number must stand alone: no letter or digit touches it, and a `.` or
/// `-` inside it sits between digits (so "1. 555-010-0100" is not one
/// 11-digit number).
pub fn find_numbers(text: &str) -> Vec<(Range<usize>, Phone)> {
    // Bytes, not a list of chars: a body can be megabytes long. Every
    // character a number is made of is ASCII, or a no-break space.
    const NBSP: [u8; 2] = [0xc2, 0xa0];
    let b = text.as_bytes();
    let digit = |k: usize| b.get(k).is_some_and(u8::is_ascii_digit);
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        // A number starts at an ASCII byte, always a character boundary;
        // any other byte is stepped over alone.
        let starts = digit(i) || (matches!(b[i], b'+' | b'(') && digit(i + 1));
        if !starts
            || text[..i]
                .chars()
                .next_back()
                .is_some_and(|p| p.is_alphanumeric() || matches!(p, '+' | '-' | '.' | '/' | '_'))
        {
            i += 1;
            continue;
        }
        // Extend over digits and single separators between them.
        let mut end = i + 1;
        loop {
            let then_digit_or_paren = |k: usize| digit(k) || b.get(k) == Some(&b'(');
            let width = match b.get(end) {
                Some(d) if d.is_ascii_digit() => 1,
                Some(b')') if digit(end - 1) => 1,
                Some(b'(' | b'-' | b'.') if digit(end + 1) => 1,
                Some(b' ') if then_digit_or_paren(end + 1) => 1,
                _ if b[end..].starts_with(&NBSP) && then_digit_or_paren(end + 2) => 2,
                _ => break,
            };
            end += width;
        }
        // A closing `)` without its `(` belongs to the sentence.
        let count = |end: usize, c: u8| b[i..end].iter().filter(|x| **x == c).count();
        if count(end, b')') > count(end, b'(') && b[end - 1] == b')' {
            end -= 1;
        }
        let balanced = count(end, b'(') == count(end, b')');
        let alone = !text[end..]
            .chars()
            .next()
            .is_some_and(char::is_alphanumeric);
        let digits = b[i..end].iter().filter(|x| x.is_ascii_digit()).count();
        if balanced
            && alone
            && (10..=15).contains(&digits)
            && let Ok(phone) = Phone::parse(&text[i..end])
        {
            out.push((i..end, phone));
        }
        i = end;
    }
    out
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

    fn found(text: &str) -> Vec<(&str, String)> {
        find_numbers(text)
            .into_iter()
            .map(|(r, p)| (&text[r], p.e164))
            .collect()
    }

    #[test]
    fn numbers_are_found_in_every_common_format() {
        for (text, written) in [
            ("Call (555) 010-0100 today.", "(555) 010-0100"),
            ("Call 555.010.0100.", "555.010.0100"),
            ("Call +1 555 010 0100, please", "+1 555 010 0100"),
            ("call 555-010-0100", "555-010-0100"),
            ("(call 555-010-0100)", "555-010-0100"),
            ("1-555-010-0100", "1-555-010-0100"),
            (
                "+1\u{a0}555\u{a0}010\u{a0}0100",
                "+1\u{a0}555\u{a0}010\u{a0}0100",
            ),
        ] {
            assert_eq!(
                found(text),
                vec![(written, "+15550100100".to_owned())],
                "{text}"
            );
        }
    }

    #[test]
    fn dates_ids_and_run_together_text_are_not_numbers() {
        for text in [
            "Updated 2026-03-01.",
            "NPI1234567893",
            "order 555-010-0100x",
            "v1.555.010.0100",
            "12345",
            "1. 555-010-01",
        ] {
            assert_eq!(found(text), vec![], "{text}");
        }
        // A list number before a phone number stays out of it.
        assert_eq!(
            found("1. 555-010-0100"),
            vec![("555-010-0100", "+15550100100".to_owned())]
        );
    }

    #[test]
    fn only_published_numbers_are_kept() {
        let main = Phone::parse("+1-555-010-0100").unwrap();
        let numbers = Numbers::new([&main]);
        let text = "Main (555) 010-0100; fax 555-010-0199.";
        let hits = numbers.find_in(text);
        assert_eq!(hits.len(), 1);
        assert_eq!(&text[hits[0].0.clone()], "(555) 010-0100");
        assert_eq!(hits[0].1, &main);
        assert!(Numbers::default().find_in(text).is_empty());
    }

    #[test]
    fn garbage_is_refused_with_a_reason() {
        assert!(Phone::parse("call us").is_err());
        assert!(Phone::parse("010-0140").is_err());
        assert!(Phone::parse("+1 555 010 0140 ext 4").is_err());
        assert!(Phone::parse("").is_err());
    }
}
