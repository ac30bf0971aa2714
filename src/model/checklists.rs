//! Checklists (SPEC §5) with their `extends` chains applied: parent items
//! first, an item with a parent's id replacing it in place. A chain that
//! dangles or loops is one finding, where it breaks.

use std::cell::OnceCell;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use super::resolver::Resolver;
use super::types::{Checklist, ChecklistItem};
use crate::content::{ChecklistDoc, Located};
use crate::diag::{Code, Diagnostic, did_you_mean};

/// Where a checklist stands while `extends` chains are flattened.
#[derive(Clone)]
enum Flat {
    Pending,
    /// On the chain being walked, at this position.
    Walking(usize),
    /// Its chain dangles or loops (reported once, where it breaks).
    Broken,
    Done(Vec<Arc<ChecklistItem>>),
}

/// Applies `extends` chains; a cycle is one finding naming the whole loop.
///
/// Each checklist is flattened once: a walk up its chain stops at the first
/// checklist already flattened (or broken), and the walked ones are then
/// flattened from the top down, each from its parent's items. A chain of n
/// files costs the items it yields, where walking every file's chain to
/// its top cost n² steps (cubic with the loop check; minutes for 3,000
/// files); and nothing recurses, so no chain is too long for the stack.
pub(super) fn flatten(docs: &[&ChecklistDoc], r: &mut Resolver<'_>) -> BTreeMap<String, Checklist> {
    // The ids a dangling `extends` is compared with, made on the first one.
    let known: OnceCell<Vec<&str>> = OnceCell::new();
    let mut flat = vec![Flat::Pending; docs.len()];
    for start in 0..docs.len() {
        if !matches!(flat[start], Flat::Pending) {
            continue;
        }
        let mut walk = vec![start];
        flat[start] = Flat::Walking(0);
        // The flattened parent of the walk's top, or `None` when it broke.
        let mut base: Option<Vec<Arc<ChecklistItem>>> = Some(Vec::new());
        while let Some(&child) = walk.last() {
            let Some(parent) = &docs[child].extends else {
                break;
            };
            let Some(p) = r.checklist_index(&parent.value) else {
                let known = known.get_or_init(|| {
                    let mut ids: Vec<&str> = docs.iter().map(|d| d.id.as_str()).collect();
                    ids.sort_unstable();
                    ids
                });
                let d = dangling_extends(r, docs[child], parent, known);
                r.push(d);
                base = None;
                break;
            };
            match &flat[p] {
                Flat::Pending => {
                    flat[p] = Flat::Walking(walk.len());
                    walk.push(p);
                }
                Flat::Walking(from) => {
                    let d = extends_cycle(r, docs, &walk[*from..], parent);
                    r.push(d);
                    base = None;
                    break;
                }
                Flat::Broken => {
                    base = None;
                    break;
                }
                Flat::Done(items) => {
                    base = Some(items.clone());
                    break;
                }
            }
        }
        for &i in walk.iter().rev() {
            flat[i] = match &base {
                Some(parent) => {
                    let items = merge_items(parent, docs[i]);
                    base = Some(items.clone());
                    Flat::Done(items)
                }
                None => Flat::Broken,
            };
        }
    }
    docs.iter()
        .zip(flat)
        .filter_map(|(doc, f)| match f {
            Flat::Done(items) => Some((
                doc.id.clone(),
                Checklist {
                    id: doc.id.clone(),
                    title: doc
                        .title
                        .clone()
                        .unwrap_or_else(|| "What to send with a referral".to_owned()),
                    items,
                    file: doc.file,
                },
            )),
            _ => None,
        })
        .collect()
}

/// A checklist's own items over its parent's: an item with a parent's id
/// replaces it in place, a new one goes at the end.
fn merge_items(parent: &[Arc<ChecklistItem>], doc: &ChecklistDoc) -> Vec<Arc<ChecklistItem>> {
    let own: HashMap<&str, usize> = doc
        .items
        .iter()
        .enumerate()
        .map(|(i, item)| (item.id.as_str(), i))
        .collect();
    let new = |i: usize| {
        let item = &doc.items[i];
        Arc::new(ChecklistItem {
            id: item.id.clone(),
            label: item.label.clone(),
            required: item.required,
            detail: item.detail.clone(),
            file: doc.file,
        })
    };
    let mut replaced = vec![false; doc.items.len()];
    let mut items = Vec::with_capacity(parent.len() + doc.items.len());
    for item in parent {
        match own.get(item.id.as_str()) {
            Some(&i) => {
                replaced[i] = true;
                items.push(new(i));
            }
            None => items.push(Arc::clone(item)),
        }
    }
    items.extend((0..doc.items.len()).filter(|&i| !replaced[i]).map(new));
    items
}

fn dangling_extends(
    r: &Resolver<'_>,
    child: &ChecklistDoc,
    parent: &Located<String>,
    known: &[&str],
) -> Diagnostic {
    r.at(
        child.file,
        parent,
        Code::DanglingReference,
        format!("`extends: {}` does not match any checklist", parent.value),
    )
    .with_hint(format!(
        "{} (the file names in `content/checklists/`)",
        did_you_mean(&parent.value, known)
    ))
}

/// The loop `cycle[0] -> … -> cycle[last] -> cycle[0]`, reported at the
/// `extends` that closes it. A long loop is named by its length, first and
/// last links: in full it would pass the length a finding shows.
fn extends_cycle(
    r: &Resolver<'_>,
    docs: &[&ChecklistDoc],
    cycle: &[usize],
    closing: &Located<String>,
) -> Diagnostic {
    const SHOWN: usize = 4;
    let ids: Vec<&str> = cycle.iter().map(|&i| docs[i].id.as_str()).collect();
    let first = ids.first().copied().unwrap_or_default();
    let message = if ids.len() <= 3 * SHOWN {
        format!(
            "checklists extend each other in a loop: {} -> {first}",
            ids.join(" -> ")
        )
    } else {
        format!(
            "{} checklists extend each other in a loop: {} -> … -> {} -> {first}",
            ids.len(),
            ids[..SHOWN].join(" -> "),
            ids[ids.len() - SHOWN..].join(" -> ")
        )
    };
    let last = cycle.last().map_or(0, |&i| docs[i].file);
    r.at(last, closing, Code::ExtendsCycle, message)
        .with_hint("remove `extends` from one of these checklists")
}
