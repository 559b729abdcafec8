# Loop Gateway: API + console in one image. Data (SQLite, secret key) lives on the /data volume.
# Builds with the classic builder and with BuildKit (`docker build .`, `docker compose build`).

FROM node:24-bookworm-slim AS build
# Behind a TLS-inspecting proxy: --build-arg NODE_EXTRA_CA_CERTS=<a CA bundle inside the base image>
# lets npm reach the registry (only this stage sees it; the final image does not keep it).
ARG NODE_EXTRA_CA_CERTS
WORKDIR /app
# Every workspace's package.json before `npm ci`, so each one's dependencies are installed.
COPY package.json package-lock.json ./
COPY apps/api/package.json apps/api/
COPY apps/console/package.json apps/console/
COPY libs/contracts/package.json libs/contracts/
COPY libs/api-client/package.json libs/api-client/
COPY libs/testing/package.json libs/testing/
COPY agent-runner/package.json agent-runner/
COPY integrations/n8n/package.json integrations/n8n/
# Scripts stay off here: `prepare` would build before the sources are copied; better-sqlite3,
# argon2 and esbuild ship prebuilt binaries for linux.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev --ignore-scripts

FROM node:24-bookworm-slim
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000 DATA_DIR=/data
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/libs/contracts/package.json libs/contracts/
COPY --from=build /app/libs/contracts/dist libs/contracts/dist
# The agent loop's decisions, shared with the agent container's runner.
COPY --from=build /app/agent-runner/package.json /app/agent-runner/agent-loop.js /app/agent-runner/agent-loop.d.ts agent-runner/
COPY --from=build /app/apps/api/package.json apps/api/
COPY --from=build /app/apps/api/dist apps/api/dist
COPY --from=build /app/apps/api/prompts apps/api/prompts
COPY --from=build /app/apps/api/roles apps/api/roles
COPY --from=build /app/apps/console/dist apps/console/dist
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME /data
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s CMD node -e "fetch('http://127.0.0.1:3000/api/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# The same command as `npm start`.
CMD ["node", "apps/api/dist/main.js"]
