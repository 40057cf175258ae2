#!/usr/bin/env bash
# Tags a release the way GitHub's own actions do: vX.Y.Z on this commit, and
# the major tag vX moved to it, so `uses: OWNER/REPO@v1` gets every 1.x.y.
# vX only moves forward: a patch of an older line (1.0.1 after 1.1.0) is
# tagged, and vX stays on the newest release.
# Refuses unless the tree is clean, package.json and CHANGELOG.md name the
# version, and dist/ is exactly the build of src/ (runners execute dist/).
#
#   scripts/release.sh 1.2.0          # make the tags here, print the push command
#   scripts/release.sh 1.2.0 --push   # and push them to origin
set -euo pipefail
cd "$(dirname "$0")/.."

version="${1:-}"
push="${2:-}"
fail() { echo "release: $*" >&2; exit 1; }

[[ "$version" =~ ^([0-9]+)\.[0-9]+\.[0-9]+$ ]] || fail "give the version as X.Y.Z, not \"$version\"."
major="v${BASH_REMATCH[1]}"
tag="v$version"

[ "$push" != "--push" ] || git remote get-url origin >/dev/null 2>&1 ||
  fail "--push needs a remote named origin; without --push the tags are made here only."
[ -z "$(git status --porcelain)" ] || fail "the work tree has uncommitted changes: commit or stash them first."
! git rev-parse -q --verify "refs/tags/$tag" >/dev/null || fail "$tag exists already: a released version never moves."
[ "$(node -p 'require("./package.json").version')" = "$version" ] ||
  fail "package.json says version $(node -p 'require("./package.json").version'), not $version."
grep -q "^## \[$version\] - [0-9]\{4\}-[0-9]\{2\}-[0-9]\{2\}$" CHANGELOG.md ||
  fail "CHANGELOG.md has no section \"## [$version] - YYYY-MM-DD\"."

npm run build >/dev/null 2>&1 || fail "npm run build failed."
if [ -n "$(git status --porcelain -- dist)" ]; then
  git checkout -- dist
  fail "dist/ is not the build of src/: run 'npm run build', commit dist/, and release that commit."
fi

newest=$( (echo "$version"; git tag -l "$major.*" | sed -n 's/^v\([0-9]*\.[0-9]*\.[0-9]*\)$/\1/p') | sort -V | tail -1)
git tag -a "$tag" -m "$tag"
if [ "$newest" = "$version" ]; then
  git tag -fa "$major" -m "$major: latest is $tag" >/dev/null
  echo "Tagged $(git rev-parse --short HEAD) as $tag and moved $major to it."
  publish=("refs/tags/$tag" "+refs/tags/$major")
else
  echo "Tagged $(git rev-parse --short HEAD) as $tag; $major stays on v$newest, which is newer."
  publish=("refs/tags/$tag")
fi
if [ "$push" = "--push" ]; then
  git push origin "${publish[@]}"
else
  echo "Publish with: git push origin ${publish[*]}"
fi
