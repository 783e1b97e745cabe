#!/usr/bin/env bash
# Builds the .deb offline and checks what is in it.
#   tests/build-deb.sh            debug profile: reuses the e2e build (~1 min after it)
#   tests/build-deb.sh release    the release package (~18 min on 2 cores)
# Needs `npm ci` in ui/ and libwebkit2gtk-4.1-dev. The package's layout and manifest are the
# same for both profiles, so CI checks the debug one and stays inside its time limit.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$root/target}
profile=${1:-debug}
case "$profile" in
  debug) flags=(--debug) ;;
  release) flags=() ;;
  *) echo "usage: $0 [debug|release]" >&2; exit 2 ;;
esac
start=$(date +%s)
npx --prefix ui tauri build "${flags[@]}" --bundles deb
deb=$(ls -t "$CARGO_TARGET_DIR/$profile"/bundle/deb/*.deb | head -1)
echo "built $deb in $(($(date +%s) - start))s ($(du -h "$deb" | cut -f1))"
# Captured first: `grep -q` stops reading early, and under pipefail the writer's SIGPIPE
# would fail the check.
info=$(dpkg-deb --info "$deb")
grep -E "Package|Version|Depends|Architecture" <<<"$info"
contents=$(dpkg-deb --contents "$deb")
for want in usr/bin/casebook-desktop usr/share/applications/Casebook.desktop \
  usr/share/icons/hicolor/128x128/apps/casebook-desktop.png; do
  grep -q "$want" <<<"$contents" || { echo "missing from the package: $want" >&2; exit 1; }
done
grep -q "libwebkit2gtk-4.1" <<<"$info" || { echo "no webkit2gtk dependency" >&2; exit 1; }
echo "deb OK"
