# Sourced by the other scripts: where tools and build caches live.
# The build cache sits outside the clone so CI's fresh clones start warm.
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/hookwright/target}"
export PATH="$HOME/.cargo/bin:$root/e2e/node_modules/.bin:$PATH"
export CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}"
export CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
# wasm-bindgen-test runs the app's wasm tests in headless Chromium (flags in webdriver.json).
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner
export WASM_BINDGEN_TEST_TIMEOUT="${WASM_BINDGEN_TEST_TIMEOUT:-120}"

# DuckDB for the SQL differential tests: the PyPI wheel, in a venv outside the clone.
export DUCKDB_VENV="${DUCKDB_VENV:-$HOME/.cache/hookwright/duckdb-venv}"
DUCKDB_VERSION=2.0.1

# binaryen 108's wasm-split (Debian's package, unpacked here by scripts/setup; npm's binaryen has
# none), for the release build's split of the page's wasm (scripts/split-page.mjs).
BINARYEN_SPLIT_VERSION=108-1
export WASM_SPLIT="${WASM_SPLIT:-$HOME/.cache/hookwright/binaryen-$BINARYEN_SPLIT_VERSION/usr/bin/wasm-split}"

TRUNK_VERSION=0.21.14
CARGO_FUZZ_VERSION=0.13.2

step() { printf '\n==> %s\n' "$*"; }
# The exact wasm-bindgen version in Cargo.lock: the CLI must match it.
wasm_bindgen_version() {
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$root/Cargo.lock"
}
