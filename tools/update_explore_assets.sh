#!/usr/bin/env bash
# Copy the Cytoscape.js build from node_modules into api/static/explore/, where the
# /explore page loads it from (no CDN at run time; a Python-only machine serves the
# committed copy).  Run after changing the cytoscape version in package.json:
#   npm ci && bash tools/update_explore_assets.sh
set -euo pipefail
cd "$(dirname "$0")/.."
src=node_modules/cytoscape
dest=api/static/explore
if [ ! -f "$src/dist/cytoscape.min.js" ]; then
    echo "no $src/dist: run \`npm ci\` (or \`npm install\`) at the repository root first" >&2
    exit 1
fi
mkdir -p "$dest"
cp "$src/dist/cytoscape.min.js" "$dest/"
version=$(node -p "require('./$src/package.json').version")
license=$(node -p "require('./$src/package.json').license")
cat > "$dest/VERSION" <<NOTE
cytoscape $version ($license licence), copied from the npm package by
tools/update_explore_assets.sh; see package.json and package-lock.json.
NOTE
echo "copied Cytoscape.js $version into $dest"
