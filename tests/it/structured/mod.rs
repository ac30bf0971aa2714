//! Structured data and search essentials (SPEC §8): the schema.org JSON-LD
//! `@graph` of every page, its safe embedding, one canonical form of every
//! phone number (NAP), `sitemap.xml` (checked against the sitemaps.org 0.9
//! XSD with xmllint), `robots.txt`, `_redirects`, `_headers` and the
//! Content-Security-Policy, canonical and Open Graph meta, preview builds,
//! and an outside reader of the structured data (the `extruct` Python
//! package) that nobody here wrote.
//!
//! Pages are read with `scraper`, never with regexes on quotes (see
//! `support::html`). Expected values come from the site's own files
//! (site.toml, front matter), read here independently of handoff's model.
//!
//! Tools: `xmllint` (Debian libxml2-utils) and a Python virtualenv with
//! extruct (`HANDOFF_PYTHON`), both installed by `scripts/test`. Without them
//! the tests that need them fail with the command to run; they never skip.
//!
//! The tests, by topic:
//! - `graph`: the JSON-LD of every page of the example site, checked node by
//!   node against the site's files and the vocabulary, and one snapshot per
//!   page kind;
//! - `injection`: hostile text stays text in JSON-LD and attributes;
//! - `nap`: one source and one canonical form for every number;
//! - `indexing`: `sitemap.xml`, `robots.txt`, `_redirects`, the 404 page;
//! - `csp`: `_headers` and the Content-Security-Policy per intake backend;
//! - `meta`: canonical and link-preview meta, and preview builds;
//! - `extruct`: the same data read back by an outside parser.
//!
//! Their support: `built` (a build and its pages, the JSON-LD of a page),
//! `facts` (the site's own files, read independently of handoff) and
//! `schema_org` (the vocabulary check: which types and properties
//! schema.org defines, and the rules of a sound graph).

mod built;
mod facts;
mod schema_org;

mod csp;
mod extruct;
mod graph;
mod indexing;
mod injection;
mod meta;
mod nap;
