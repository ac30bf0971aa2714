//! Every output path has one owner: aliases against the files a build
//! writes, and `--output` folders handoff must not destroy (E005, E022).
