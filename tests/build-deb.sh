#!/usr/bin/env bash
# Builds the release .deb offline and checks what is in it.
#   tests/build-deb.sh            (~9 min on 2 cores; needs `npm ci` in ui/ and libwebkit2gtk-4.1-dev)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$root/target}
start=$(date +%s)
npx --prefix ui tauri build --bundles deb
deb=$(ls -t "$CARGO_TARGET_DIR"/release/bundle/deb/*.deb | head -1)
echo "built $deb in $(($(date +%s) - start))s ($(du -h "$deb" | cut -f1))"
dpkg-deb --info "$deb" | grep -E "Package|Version|Depends|Architecture"
contents=$(dpkg-deb --contents "$deb")
for want in usr/bin/casebook-desktop usr/share/applications/Casebook.desktop \
  usr/share/icons/hicolor/128x128/apps/casebook-desktop.png; do
  grep -q "$want" <<<"$contents" || { echo "missing from the package: $want" >&2; exit 1; }
done
dpkg-deb --info "$deb" | grep -q "libwebkit2gtk-4.1" || { echo "no webkit2gtk dependency" >&2; exit 1; }
echo "deb OK"
