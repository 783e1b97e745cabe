#!/usr/bin/env bash
# Re-renders the app icons from icons/casebook.svg.
# ImageMagick's built-in SVG renderer drops gradients, so the SVG is rasterised by headless
# Chromium, then `tauri icon` makes every size and format the bundles need.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf '<html><body style="margin:0"><img src="file://%s/icons/casebook.svg" width="1024" height="1024" style="display:block"></body></html>' "$PWD" >"$tmp/icon.html"
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --default-background-color=00000000 \
  --window-size=1024,1024 --screenshot="$tmp/icon.png" "file://$tmp/icon.html" 2>/dev/null
cp "$tmp/icon.png" icons/icon-source.png
npx --prefix ui tauri icon icons/icon-source.png --output icons
rm -rf icons/android icons/ios
