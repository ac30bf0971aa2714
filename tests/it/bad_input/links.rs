//! Symlinks whose targets leave the site, and findings that must not quote
//! what they point at (E019).
