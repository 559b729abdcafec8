#!/usr/bin/env bash
# Builds a Node.js base image from this machine's own files and imports it under the given tag
# (default node:24-bookworm-slim, the name the Dockerfiles start FROM). Images cannot be pulled where
# the tests run, so CI and the tests make their base this way: busybox for a shell, the node binary
# with the C and C++ runtime libraries, npm, CA certificates and a `node` user (uid 1000), nothing else.
# With WITH_PYTHON=1 and Debian's python3 on this machine (/usr/bin/python3), it is added too (the
# interpreter, its libraries and its standard library, as Debian's python3 package lays them out).
# Usage: [WITH_PYTHON=1] scripts/docker/import-node-base.sh [tag]   (needs docker, busybox-static, Node 24 on PATH)
set -euo pipefail
tag="${1:-node:24-bookworm-slim}"
node_bin="$(readlink -f "$(command -v node)")"
npm_dir="$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")"
busybox="$(command -v busybox)"
root="$(mktemp -d)"
trap 'rm -rf "$root"' EXIT

mkdir -p "$root"/{bin,usr/bin,usr/local/bin,usr/local/lib/node_modules,etc/ssl/certs,tmp,home/node,root}
chmod 1777 "$root/tmp"
cp "$busybox" "$root/bin/busybox"
for applet in $("$busybox" --list); do
  [ -e "$root/bin/$applet" ] || ln -s busybox "$root/bin/$applet"
done
ln -s ../../bin/busybox "$root/usr/bin/env" # npm's "#!/usr/bin/env node"
cp "$node_bin" "$root/usr/local/bin/node"
cp -a "$npm_dir" "$root/usr/local/lib/node_modules/npm"
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/local/bin/npm"
ln -s ../lib/node_modules/npm/bin/npx-cli.js "$root/usr/local/bin/npx"
# The libraries node links, at the paths the loader looks for them, plus the rest of what a Debian
# slim image has (libc6, libgcc-s1, libstdc++6): native addons built for glibc link librt, libdl…
base_libs=$(dpkg -L libc6 libgcc-s1 libstdc++6 2>/dev/null | grep -E '^/(usr/)?lib.*\.so(\.[0-9]+)*$' || true)
for lib in $(ldd "$node_bin" | grep -oE '/[^ ]+') $base_libs; do
  [ -e "$lib" ] || continue
  mkdir -p "$root$(dirname "$lib")"
  cp -L "$lib" "$root$lib"
done
if [ "${WITH_PYTHON:-}" = 1 ] && [ -x /usr/bin/python3 ]; then
  python_bin="$(readlink -f /usr/bin/python3)"           # e.g. /usr/bin/python3.11 (not a pyenv shim)
  stdlib="/usr/lib/$(basename "$python_bin")"
  if [ -d "$stdlib" ]; then
    cp "$python_bin" "$root$python_bin"
    ln -s "$(basename "$python_bin")" "$root/usr/bin/python3"
    for lib in $(ldd "$python_bin" | grep -oE '/[^ ]+'); do
      [ -e "$lib" ] || continue
      mkdir -p "$root$(dirname "$lib")"
      cp -L "$lib" "$root$lib"
    done
    mkdir -p "$root/usr/lib"
    tar -C /usr/lib -c --exclude=test --exclude=idlelib --exclude=tkinter --exclude=ensurepip \
      --exclude=lib2to3 --exclude='config-*' --exclude=site-packages --exclude=dist-packages \
      "$(basename "$stdlib")" | tar -C "$root/usr/lib" -x
  fi
fi
cp -L /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/" 2>/dev/null || true
printf 'root:x:0:0:root:/root:/bin/sh\nnode:x:1000:1000:node:/home/node:/bin/sh\n' >"$root/etc/passwd"
printf 'root:x:0:\nnode:x:1000:\n' >"$root/etc/group"
chown 1000:1000 "$root/home/node"

tar -C "$root" -c . | docker import \
  --change 'ENV PATH=/usr/local/bin:/bin' \
  --change 'ENV SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt' \
  --change 'CMD ["node"]' \
  - "$tag" >/dev/null
echo "$tag"
