#!/usr/bin/env bash
# Casebook desktop: UI checks and tests, binding drift, and end-to-end tests of the real app.
#
#   tests/run-ui-and-e2e.sh            # everything below
#   tests/run-ui-and-e2e.sh ui         # lint + types + unit + UI tests (mocked IPC, headless Chromium)
#   tests/run-ui-and-e2e.sh bindings   # TypeScript bindings match the Rust types
#   tests/run-ui-and-e2e.sh rust       # the desktop crate's Rust tests
#   tests/run-ui-and-e2e.sh e2e        # build the app, drive it under Xvfb (tauri-driver)
#
# Needs (Debian 12): `npm ci` done in ui/; apt packages libwebkit2gtk-4.1-dev build-essential
# pkg-config (build), chromium (UI tests), xvfb xauth webkit2gtk-driver xdotool python3-gi
# gir1.2-gtk-3.0 (e2e); tauri-driver (installed here with `cargo install --locked` if missing).
# CARGO_TARGET_DIR is honoured (default: target/).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$root/target}
what=${1:-all}

step() { printf '\n== %s\n' "$*"; }
elapsed() { printf '   (%ss)\n' "$(($(date +%s) - $1))"; }

run_ui() {
  local t=$(date +%s)
  step "UI: format + lint"
  (cd ui && npx prettier --check . ../tests/e2e && npx eslint .)
  step "UI: types (svelte-check)"
  (cd ui && npx svelte-check --tsconfig ./tsconfig.json --fail-on-warnings)
  step "UI: unit tests (vitest)"
  (cd ui && npx vitest run)
  step "UI: build the production bundle and the IPC mock"
  (cd ui && npm run --silent build:test)
  step "UI: tests in headless Chromium (mocked IPC, production CSP)"
  (cd ui && npx playwright test)
  elapsed "$t"
}

run_bindings() {
  local t=$(date +%s) out
  step "Bindings: regenerate (ts-rs) and compare with what is committed in ui/src/lib/bindings"
  # Into a temp dir, then compared with the committed files (not the working tree, which
  # `cargo test --workspace` may just have rewritten).
  out=$(mktemp -d)
  # The whole workspace, as `cargo test --workspace` built it: a `-p` subset would unify
  # features differently and rebuild the dependencies.
  TS_RS_EXPORT_DIR="$out" cargo test -q --workspace --locked export_bindings >/dev/null
  local committed
  committed=$(mktemp -d)
  git archive HEAD ui/src/lib/bindings | tar -x -C "$committed"
  if ! diff -ru "$committed/ui/src/lib/bindings" "$out"; then
    echo "TypeScript bindings are out of date: run 'cargo test export_bindings' and commit ui/src/lib/bindings" >&2
    rm -rf "$out" "$committed"
    return 1
  fi
  rm -rf "$out" "$committed"
  echo "bindings up to date"
  elapsed "$t"
}

run_rust() {
  local t=$(date +%s)
  step "Rust: casebook-desktop tests"
  cargo test -p casebook-desktop
  elapsed "$t"
}

run_e2e() {
  local t=$(date +%s)
  if ! command -v tauri-driver >/dev/null; then
    step "Installing tauri-driver"
    cargo install tauri-driver --locked
  fi
  step "E2E: build the CLI (it seeds hostile data) and the app (debug, UI embedded)"
  # The CLI as `cargo test --workspace` builds it (nothing to do after it; `cargo build -p`
  # would unify features differently and rebuild a dozen dependencies).
  cargo test -q --workspace --locked --no-run
  npx --prefix ui tauri build --debug --no-bundle
  step "E2E: real webview under Xvfb"
  local runner=()
  # A session bus lets the single-instance plugin work as on a desktop (optional).
  command -v dbus-run-session >/dev/null && runner=(dbus-run-session --)
  CASEBOOK_APP="$CARGO_TARGET_DIR/debug/casebook-desktop" \
    xvfb-run -a -s "-screen 0 1400x900x24" "${runner[@]}" \
    timeout --kill-after=30 1800 \
    node --test --test-concurrency=1 --test-force-exit --test-timeout=300000 \
    --test-reporter=spec tests/e2e/
  elapsed "$t"
}

case "$what" in
  ui) run_ui ;;
  bindings) run_bindings ;;
  rust) run_rust ;;
  e2e) run_e2e ;;
  all)
    # (the desktop crate's Rust tests run with `cargo test --workspace`)
    run_ui
    run_bindings
    if [ "${CASEBOOK_SKIP_E2E:-}" = 1 ]; then echo "== E2E skipped (CASEBOOK_SKIP_E2E=1)"; else run_e2e; fi
    ;;
  *)
    echo "usage: $0 [ui|bindings|rust|e2e|all]" >&2
    exit 2
    ;;
esac
