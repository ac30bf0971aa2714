//! Checklist files (`content/checklists/<id>.yaml`, SPEC §5) → [`ChecklistDoc`].
//!
//! Validates item ids and required keys within one file. `extends` is kept
//! as a located reference: flattening the chain and finding cycles needs
//! every checklist and happens in `model`.

use std::collections::HashSet;

use serde::Deserialize;

use super::findings::FileCx;
use super::keys::keys_of;
use super::yaml::{self, Seg};
use super::{Located, file_stem, is_slug, wrong_value};
use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::source::SourceFile;

#[derive(Debug, Deserialize)]
struct RawChecklist {
    title: Option<String>,
    extends: Option<String>,
    items: Option<Vec<RawItem>>,
}

#[derive(Debug, Deserialize)]
struct RawItem {
    id: Option<String>,
    label: Option<String>,
    required: Option<bool>,
    detail: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ChecklistDoc {
    pub file: usize,
    /// The file name without `.yaml`.
    pub id: String,
    pub title: Option<String>,
    pub extends: Option<Located<String>>,
    pub items: Vec<ItemDoc>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ItemDoc {
    pub id: String,
    pub label: String,
    pub required: bool,
    /// Inline Markdown, rendered later.
    pub detail: Option<String>,
}

/// The keys of a block inside a checklist, by the key that holds it.
fn block_keys(parent: &str) -> &'static [&'static str] {
    match parent {
        "items" => keys_of::<RawItem>(),
        _ => &[],
    }
}

pub fn parse(index: usize, file: &SourceFile) -> Result<ChecklistDoc, Diagnostics> {
    let text: &str = &file.text;
    let mut cx = FileCx::new(file, 0, text);
    let parsed = yaml::parse::<RawChecklist>(text).map_err(|e| {
        // A value of the wrong kind inside `items`: told in plain words.
        let key = e.message.split(['.', '[', ':']).next().unwrap_or("");
        Diagnostics::from(
            if wrong_value::is_wrong_value(&e) && e.message.contains(": ") && !key.contains(' ') {
                wrong_value::finding(&cx, key, &e)
            } else {
                cx.yaml_error(&e)
            },
        )
    })?;
    cx.unknown_keys(&parsed.unknown_keys, keys_of::<RawChecklist>(), block_keys);
    let raw = parsed.value;
    let id = file_stem(&file.rel).to_owned();
    if !is_slug(&id) {
        cx.push(
            Diagnostic::new(
                Code::InvalidValue,
                format!("the checklist file name `{id}` is not a valid id"),
            )
            .in_file(file.rel.clone())
            .with_hint("use lower-case letters, digits and `-`, e.g. `lung-nodule.yaml`"),
        );
    }
    let extends = raw
        .extends
        .map(|e| cx.located(&[Seg::Key("extends".into())], e));
    let mut items: Vec<ItemDoc> = Vec::new();
    // The ids of `items`, so a repeated id is found without a scan per item.
    let mut ids: HashSet<String> = HashSet::new();
    for (i, item) in raw.items.unwrap_or_default().into_iter().enumerate() {
        let path = |k: &str| vec![Seg::Key("items".into()), Seg::Index(i), Seg::Key(k.into())];
        let Some(item_id) = item.id else {
            let d = cx
                .finding(
                    Code::MissingField,
                    &path("label"),
                    format!("item {} has no `id`", i + 1),
                )
                .with_hint("give each item an `id:` such as `pathology-report`");
            cx.push(d);
            continue;
        };
        if !is_slug(&item_id) {
            let d = cx
                .finding(
                    Code::ChecklistItem,
                    &path("id"),
                    format!("item id `{item_id}` may only use lower-case letters, digits and `-`"),
                )
                .with_hint("ids become form field names: e.g. `pathology-report`");
            cx.push(d);
        }
        if ids.contains(&item_id) {
            let d = cx
                .finding(
                    Code::ChecklistItem,
                    &path("id"),
                    format!("item id `{item_id}` appears twice in this checklist"),
                )
                .with_hint(
                    "give each item its own id; to replace a parent's item, use its id once",
                );
            cx.push(d);
        }
        let Some(label) = item.label.filter(|l| !l.trim().is_empty()) else {
            let d = cx
                .finding(
                    Code::MissingField,
                    &path("id"),
                    format!("item `{item_id}` has no `label`"),
                )
                .with_hint("add `label:` with what the referring office should send");
            cx.push(d);
            continue;
        };
        ids.insert(item_id.clone());
        items.push(ItemDoc {
            id: item_id,
            label,
            required: item.required.unwrap_or(false),
            detail: item.detail,
        });
    }
    if cx.diags.has_errors() {
        return Err(cx.diags);
    }
    Ok(ChecklistDoc {
        file: index,
        id,
        title: raw.title,
        extends,
        items,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceKind;

    fn file(text: &str) -> SourceFile {
        SourceFile {
            rel: "content/checklists/onc.yaml".into(),
            kind: SourceKind::Checklist,
            text: text.into(),
        }
    }

    #[test]
    fn items_parse_in_order() {
        let c = parse(0, &file("title: T\nitems:\n  - id: a\n    label: A\n    required: true\n  - id: b\n    label: B\n")).unwrap();
        assert_eq!(c.id, "onc");
        assert_eq!(c.items.len(), 2);
        assert!(c.items[0].required);
    }

    #[test]
    fn duplicate_and_malformed_ids_are_findings() {
        let e = parse(0, &file("items:\n  - id: a\n    label: A\n  - id: a\n    label: B\n  - id: Bad_Id\n    label: C\n")).unwrap_err();
        let codes: Vec<_> = e.iter().map(|d| (d.code, d.span.map(|s| s.line))).collect();
        assert_eq!(
            codes,
            vec![
                (Code::ChecklistItem, Some(4)),
                (Code::ChecklistItem, Some(6))
            ]
        );
    }

    #[test]
    fn unknown_item_key_gets_hint() {
        let e = parse(0, &file("items:\n  - id: a\n    lable: A\n")).unwrap_err();
        assert!(
            e.iter()
                .any(|d| d.hint.as_deref() == Some("did you mean `label`?"))
        );
    }

    /// Unknown keys of a checklist and of its items, with their hints.
    #[test]
    fn unknown_keys_of_checklists_and_items() {
        let cases: &[(&str, &[&str])] = &[
            (
                "titel: T\nextend: x\nitems:\n  - id: a\n    lable: A\n    requird: true\n    id2: x\n",
                &[
                    "UnknownKey 1:1 `titel` is not a key handoff knows here | did you mean `title`?",
                    "UnknownKey 2:1 `extend` is not a key handoff knows here | did you mean `extends`?",
                    "MissingField 4:9 item `a` has no `label` | add `label:` with what the referring office should send",
                    "UnknownKey 5:5 `items[0].lable` is not a key handoff knows here | did you mean `label`?",
                    "UnknownKey 6:5 `items[0].requird` is not a key handoff knows here | did you mean `required`?",
                    "UnknownKey 7:5 `items[0].id2` is not a key handoff knows here | did you mean `id`?",
                ],
            ),
            (
                "items: [{id: a, label: A, zzzzzz: 1}]\nzzzzzz: 1\n",
                &[
                    "UnknownKey 1:27 `items[0].zzzzzz` is not a key handoff knows here | expected one of `id`, `label`, `required`, `detail`",
                    "UnknownKey 2:1 `zzzzzz` is not a key handoff knows here | expected one of `title`, `extends`, `items`",
                ],
            ),
            (
                "- a\n",
                &[
                    "YamlSyntax 1:1 the YAML here does not parse: invalid type: sequence, expected `key: value` lines | check indentation, and quote values that contain `: ` or start with a special character",
                ],
            ),
            (
                "title: T\ntitle: U\n",
                &[
                    "YamlSyntax 1:1 the YAML here does not parse: duplicate field `title` | check indentation, and quote values that contain `: ` or start with a special character",
                ],
            ),
            (
                "items:\n  - id: a\n    label: A\n    detail: {x: 1}\n",
                &[
                    "InvalidValue 4:13 `items[0].detail` must be text, found a block of keys | write the text after `detail: `, in quotes if it starts with `[`, `{`, `-` or contains `: `",
                ],
            ),
        ];
        for (text, expected) in cases {
            let found: Vec<String> = match parse(0, &file(text)) {
                Ok(_) => Vec::new(),
                Err(mut diags) => {
                    diags.sort();
                    diags
                        .iter()
                        .map(|d| {
                            let (line, col) = d.span.map_or((0, 0), |s| (s.line, s.col));
                            format!(
                                "{:?} {line}:{col} {} | {}",
                                d.code,
                                d.message,
                                d.hint.as_deref().unwrap_or("")
                            )
                        })
                        .collect()
                }
            };
            assert_eq!(found, *expected, "{text}");
        }
    }
}
