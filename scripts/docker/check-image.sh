#!/usr/bin/env bash
# Proves the repo's Dockerfile builds and runs: imports the Node base image from this machine's files
# (images cannot be pulled here), runs `docker build` of the Dockerfile as a user would, starts the
# image with a fresh data volume and waits for its own HEALTHCHECK to report healthy, then checks the
# console is served. `npm ci` inside the build reaches the npm registry; where a TLS-inspecting proxy
# sits in between, the CA bundle the base image carries (this machine's) is passed as a build arg.
# Usage: scripts/docker/check-image.sh   (needs a running Docker engine; see .ci/start-dockerd)
set -euo pipefail
cd "$(dirname "$0")/../.."
tag="loop-gateway:check-$$"
name="loop-gateway-check-$$"
cleanup() {
  docker rm -f "$name" >/dev/null 2>&1 || true
  docker volume rm "$name" >/dev/null 2>&1 || true
  docker image rm "$tag" >/dev/null 2>&1 || true
}
trap cleanup EXIT

# The base image carries the node on PATH: it must be the Node 24 the Dockerfile names.
node -v | grep -qE '^v24\.' || { echo "Node 24 must be first on PATH (found $(node -v))" >&2; exit 1; }
scripts/docker/import-node-base.sh node:24-bookworm-slim >/dev/null
build_args=()
if [ -n "${NODE_EXTRA_CA_CERTS:-}" ]; then
  # The base image holds this machine's bundle at the same path (import-node-base.sh copies it).
  build_args+=(--build-arg "NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt")
fi
started=$SECONDS
if ! docker build --force-rm "${build_args[@]}" -t "$tag" . >/tmp/check-image-build.log 2>&1; then
  tail -n 40 /tmp/check-image-build.log >&2
  exit 1
fi
echo "docker build: $((SECONDS - started)) s"

# The image's own health check, run every 2 s instead of every 30 s so the answer comes soon.
docker run -d --name "$name" -v "$name:/data" --health-interval 2s -p 127.0.0.1::3000 "$tag" >/dev/null
for _ in $(seq 1 60); do
  status="$(docker inspect --format '{{.State.Health.Status}}' "$name")"
  [ "$status" = healthy ] && break
  [ "$(docker inspect --format '{{.State.Running}}' "$name")" = true ] || break
  sleep 1
done
if [ "$status" != healthy ]; then
  echo "The image did not become healthy (status: $status). Its log:" >&2
  docker logs "$name" >&2 || true
  exit 1
fi
port="$(docker port "$name" 3000/tcp | head -n 1 | sed 's/.*://')"
health="$(node -e "fetch('http://127.0.0.1:$port/api/health').then(r=>r.json()).then(b=>console.log(JSON.stringify(b)))")"
echo "healthy: $health"
node -e "fetch('http://127.0.0.1:$port/').then(async r=>{const t=await r.text();if(!r.ok||!t.includes('<lg-root'))throw new Error('no console at /: '+r.status);console.log('console served at /')})"
docker image ls "$tag" --format 'image size: {{.Size}}'
