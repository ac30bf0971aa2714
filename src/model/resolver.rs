//! The look-ups of the resolve stage: which id names which service line,
//! location or checklist, and the finding (with the closest id as a hint)
//! when a reference dangles. Also collects the stage's findings.

use std::cell::OnceCell;
use std::collections::BTreeMap;

use super::docs::Docs;
use crate::content::Located;
use crate::diag::{Code, Diagnostic, Diagnostics, did_you_mean};
use crate::source::SourceSet;
use crate::theme::Origin;

/// What a reference names: the folder whose file names are its ids.
#[derive(Debug, Clone, Copy)]
pub(super) enum Target {
    Service,
    Location,
    Checklist,
}

impl Target {
    /// What a writer calls it, in "does not match any …".
    fn what(self) -> &'static str {
        match self {
            Target::Service => "service line",
            Target::Location => "location",
            Target::Checklist => "checklist",
        }
    }

    /// The folder under `content/` that holds them.
    fn folder(self) -> &'static str {
        match self {
            Target::Service => "services",
            Target::Location => "locations",
            Target::Checklist => "checklists",
        }
    }
}

/// The ids of one kind of file, each with its index in the sorted documents.
struct Ids<'a> {
    by_id: BTreeMap<&'a str, usize>,
    /// Every id in order, made on the first dangling reference only.
    known: OnceCell<Vec<&'a str>>,
}

impl<'a> Ids<'a> {
    fn new(ids: impl Iterator<Item = &'a str>) -> Self {
        Ids {
            by_id: ids.enumerate().map(|(i, id)| (id, i)).collect(),
            known: OnceCell::new(),
        }
    }

    fn known(&self) -> &[&'a str] {
        self.known
            .get_or_init(|| self.by_id.keys().copied().collect())
    }
}

/// Resolves references between files and collects the findings of the
/// resolve stage.
pub(super) struct Resolver<'a> {
    pub sources: &'a SourceSet,
    diags: Diagnostics,
    services: Ids<'a>,
    locations: Ids<'a>,
    /// Every checklist file counts as existing, even one whose `extends`
    /// chain is broken: that is reported once, at its own file.
    checklists: Ids<'a>,
}

impl<'a> Resolver<'a> {
    pub fn new(sources: &'a SourceSet, docs: &'a Docs) -> Self {
        Resolver {
            sources,
            diags: Diagnostics::new(),
            services: Ids::new(
                docs.services
                    .iter()
                    .map(|d| d.page.common.slug.value.as_str()),
            ),
            locations: Ids::new(
                docs.locations
                    .iter()
                    .map(|d| d.page.common.slug.value.as_str()),
            ),
            checklists: Ids::new(docs.checklists.iter().map(|c| c.id.as_str())),
        }
    }

    fn ids(&self, target: Target) -> &Ids<'a> {
        match target {
            Target::Service => &self.services,
            Target::Location => &self.locations,
            Target::Checklist => &self.checklists,
        }
    }

    /// The index of what `id` names, or `None`, with no finding: for a
    /// caller that first checks that every reference is found.
    pub fn lookup(&self, target: Target, id: &str) -> Option<usize> {
        self.ids(target).by_id.get(id).copied()
    }

    /// The index of the checklist file with this id, if there is one.
    pub fn checklist_index(&self, id: &str) -> Option<usize> {
        self.checklists.by_id.get(id).copied()
    }

    /// The index of what `key: <id>` names in `file`; a finding naming the
    /// closest id when nothing has that id.
    pub fn find(
        &mut self,
        target: Target,
        file: usize,
        key: &str,
        loc: &Located<String>,
    ) -> Option<usize> {
        let ids = self.ids(target);
        if let Some(&i) = ids.by_id.get(loc.value.as_str()) {
            return Some(i);
        }
        let d = self
            .at(
                file,
                loc,
                Code::DanglingReference,
                format!(
                    "`{key}: {}` does not match any {}",
                    loc.value,
                    target.what()
                ),
            )
            .with_hint(self.closest(target, &loc.value));
        self.push(d);
        None
    }

    /// The index of what `value`, written in site.toml at `origin` under
    /// `key`, names; a finding naming the closest id when nothing has it.
    pub fn find_configured(
        &mut self,
        target: Target,
        origin: &Origin,
        key: &str,
        value: &str,
    ) -> Option<usize> {
        if let Some(&i) = self.ids(target).by_id.get(value) {
            return Some(i);
        }
        let d = origin
            .finding(
                Code::DanglingReference,
                format!(
                    "`{key} = [\"{value}\"]` does not match any {}",
                    target.what()
                ),
            )
            .with_hint(self.closest(target, value));
        self.push(d);
        None
    }

    /// The hint of a dangling reference: the closest id, and where ids come from.
    fn closest(&self, target: Target, value: &str) -> String {
        format!(
            "{} (the file names in `content/{}/`)",
            did_you_mean(value, self.ids(target).known()),
            target.folder()
        )
    }

    /// The id of the checklist `checklist:` names, if it names one.
    pub fn checklist(&mut self, file: usize, loc: &Option<Located<String>>) -> Option<String> {
        let loc = loc.as_ref()?;
        self.find(Target::Checklist, file, "checklist", loc)
            .map(|_| loc.value.clone())
    }

    /// A finding at a located value of a file.
    pub fn at(
        &self,
        file: usize,
        loc: &Located<String>,
        code: Code,
        message: String,
    ) -> Diagnostic {
        let f = &self.sources.files[file];
        Diagnostic::new(code, message)
            .in_file(f.rel.clone())
            .at_offset(&f.text, loc.offset, loc.len)
    }

    pub fn push(&mut self, d: Diagnostic) {
        self.diags.push(d);
    }

    /// Every finding of the stage, or `Ok` when none is an error.
    pub fn finish(self) -> Result<(), Diagnostics> {
        if self.diags.has_errors() {
            Err(self.diags)
        } else {
            Ok(())
        }
    }
}
