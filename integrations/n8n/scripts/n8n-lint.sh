#!/bin/sh
# Runs n8n's community node linter over this package. eslint-plugin-n8n-nodes-base declares a
# `preinstall: npx only-allow pnpm` script that makes every npm install of it fail, so it cannot be a
# devDependency of this npm workspace: it is installed apart, without running its scripts, into a
# cache folder (N8N_LINT_DIR), once.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
dir=${N8N_LINT_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/loop-gateway-n8n-lint}
if [ ! -d "$dir/node_modules/eslint-plugin-n8n-nodes-base" ]; then
  mkdir -p "$dir"
  [ -f "$dir/package.json" ] || echo '{"private":true}' > "$dir/package.json"
  npm install --prefix "$dir" --ignore-scripts --no-audit --no-fund --no-save \
    eslint-plugin-n8n-nodes-base@2.0.0 eslint@9 typescript-eslint@8 typescript@5
fi
cp "$here/scripts/n8n-lint.config.mjs" "$dir/eslint.config.mjs"
cd "$here"
exec "$dir/node_modules/.bin/eslint" --no-config-lookup -c "$dir/eslint.config.mjs" \
  package.json 'credentials/**/*.ts' 'nodes/**/*.ts'
