#!/usr/bin/env bash
# Copy the YASGUI build from node_modules into api/static/yasgui/, where the SPARQL
# page loads it from (no CDN at run time; a Python-only machine serves the committed
# copy).  Run after changing the @zazuko/yasgui version in package.json:
#   npm ci && bash tools/update_yasgui_assets.sh
set -euo pipefail
cd "$(dirname "$0")/.."
src=node_modules/@zazuko/yasgui
dest=api/static/yasgui
if [ ! -f "$src/build/yasgui.min.js" ]; then
    echo "no $src/build: run \`npm ci\` (or \`npm install\`) at the repository root first" >&2
    exit 1
fi
mkdir -p "$dest"
cp "$src/build/yasgui.min.js" "$src/build/yasgui.min.css" "$dest/"
version=$(node -p "require('./$src/package.json').version")
license=$(node -p "require('./$src/package.json').license")
cat > "$dest/VERSION" <<NOTE
@zazuko/yasgui $version ($license licence), copied from the npm package by
tools/update_yasgui_assets.sh; see package.json and package-lock.json.
NOTE
# The page must work offline: the bundle may name hosts (vocabulary IRIs, links),
# but it must not load scripts, styles or fonts from one.
if grep -Eo '(src|href)="https?://[^"]*' "$dest/yasgui.min.css" | grep -q .; then
    echo "warning: yasgui.min.css refers to an external host" >&2
fi
echo "copied YASGUI $version into $dest"
