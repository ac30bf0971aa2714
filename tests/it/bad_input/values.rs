//! Values that become URLs, emails, paths and dates: each carries no more
//! than it says (E014, E024, E025, E026).
