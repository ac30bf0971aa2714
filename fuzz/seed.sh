#!/usr/bin/env bash
# Fills fuzz/corpus/<target>/ with seed inputs made from the example site and
# the test fixtures, in each target's input format (see fuzz/harness/).
# The corpus is not committed (fuzz/.gitignore); run this before the first
# `cargo +nightly fuzz run <target>`.
#
#   fuzz/seed.sh
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
corpus="$repo/fuzz/corpus"
cd "$repo"
mkdir -p "$corpus"/{page,checklists,site_toml,site}

seed() { # seed TARGET < bytes: stored under its SHA-1, as libFuzzer names inputs
  local tmp
  tmp=$(mktemp)
  cat >"$tmp"
  mv "$tmp" "$corpus/$1/$(sha1sum "$tmp" | cut -c1-40)"
}

# --- page: one kind byte, then a Markdown file -------------------------------
kind_byte() {
  case "$1" in
    */content/_index.md | content/_index.md) printf '\x00' ;;
    */services/_index.md | */referrals/_index.md | */locations/_index.md | */physicians/_index.md) printf '\x02' ;;
    */services/*.md) printf '\x03' ;;
    */referrals/*.md) printf '\x04' ;;
    */locations/*.md) printf '\x05' ;;
    */physicians/*.md) printf '\x06' ;;
    *) printf '\x01' ;;
  esac
}
while IFS= read -r -d '' f; do
  { kind_byte "$f"; cat "$f"; } | seed page
done < <(find content tests/fixtures -path '*/themes' -prune -o -name '*.md' -type f -print0 | sort -z)

# --- checklists: files a, b, … separated by `=====` lines; `extends` renamed
# to the letter of the parent when the parent is in the same input.
for f in content/checklists/*.yaml tests/fixtures/*/*/content/checklists/*.yaml; do
  [ -f "$f" ] || continue
  parent=$(sed -n 's/^extends: *\([a-z0-9-]*\).*/\1/p' "$f" | head -n1)
  dir=$(dirname "$f")
  if [ -n "$parent" ] && [ -f "$dir/$parent.yaml" ]; then
    { sed "s/^extends: .*/extends: b/" "$f"; printf '\n=====\n'; cat "$dir/$parent.yaml"; } | seed checklists
  else
    seed checklists <"$f"
  fi
done

# --- site_toml ------------------------------------------------------------------
for f in site.toml tests/fixtures/*/*/site.toml; do
  seed site_toml <"$f"
done

# --- site: a whole tree, `=== path` before each file -------------------------------
pack() { # pack DIR: every file but themes/ and public/
  (cd "$1" && find . \( -path ./themes -o -path ./public \) -prune -o \( -type f -o -type l \) -print | sed 's|^\./||' | sort |
    while IFS= read -r rel; do
      if [ -L "$rel" ]; then
        printf '@@@ %s -> %s\n' "$rel" "$(readlink "$rel")"
      else
        printf '=== %s\n' "$rel"
        cat "$rel"
        [ -z "$(tail -c1 "$rel")" ] || printf '\n'
      fi
    done)
}
for d in tests/fixtures/*/*/; do
  [ -f "$d/site.toml" ] || continue
  pack "$d" | seed site
done
{ printf '=== site.toml\n'; cat site.toml; for f in content/_index.md content/about.md content/privacy.md; do
    [ -f "$f" ] && { printf '=== %s\n' "$f"; cat "$f"; }
  done; } | seed site

# Links out of the site, into the `outside/` folder the target writes beside
# it (fuzz/harness/mod.rs, OUTSIDE and CANARY): each must be refused, unread.
file() { # file PATH: `=== PATH` and its bytes, ending in a newline
  printf '=== %s\n' "$1"
  cat "$1"
  [ -z "$(tail -c1 "$1")" ] || printf '\n'
}
for links in \
  '@@@ content/leak.md -> /environ' \
  '@@@ content/outside -> ../../outside/pages' \
  '@@@ content/a.md -> b.md
@@@ content/b.md -> ../../outside/page.md' \
  '@@@ static/secret.txt -> ../../outside/secret.txt' \
  '@@@ themes/clinic/css/extra.css -> /site.css' \
  '@@@ templates/base.html -> /base.html'; do
  { file site.toml; file content/_index.md; printf '%s\n' "$links"; } | seed site
done
{ file content/_index.md; printf '@@@ site.toml -> /site.toml\n'; } | seed site

echo "seeded $(find "$corpus" -type f | wc -l) inputs under $corpus" >&2
