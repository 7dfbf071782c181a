#!/usr/bin/env bash
# The test-only OpenID provider of the peer tests (node's oidc-provider, MIT; never shipped):
# installed from the npm registry into tests/oidc/node_modules at the versions pinned in
# tests/oidc/package-lock.json (npm ci), again only when the lock file changed.
# Node.js and npm come from devtools/system_packages.sh (Debian's nodejs; npm beside it).
set -euo pipefail
cd "$(dirname "$0")/../tests/oidc"
stamp=node_modules/.installed-lock
if [ -f "$stamp" ] && cmp -s package-lock.json "$stamp"; then
    echo "oidc-provider: installed ($(node -p 'require("oidc-provider/package.json").version'))"
    exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
    echo "oidc-provider: npm is missing; install it (apt-get install npm) and repeat" >&2
    exit 1
fi
npm ci --no-audit --no-fund --loglevel=error
cp package-lock.json "$stamp"
echo "oidc-provider: installed ($(node -p 'require("oidc-provider/package.json").version'))"
