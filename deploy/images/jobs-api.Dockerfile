# syntax=docker/dockerfile:1.7
# jobs-api: the HTTP API, outbox relay and event folding. Build from the repository root:
#   docker build -f deploy/images/jobs-api.Dockerfile -t tella-imports/jobs-api .
# Debian 12 (bookworm) matches the machines the tests run on.
ARG NODE_IMAGE=node:26-bookworm-slim

# Installs the service's production dependencies from the lockfile, with the workspace
# packages it imports and tsx (the TypeScript loader it runs with, from deploy/package.json).
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json pnpm-lock.yaml pnpm-workspace.yaml .npmrc ./
RUN npm install --global --no-audit --no-fund \
      "pnpm@$(node -p "require('./package.json').packageManager.split('@')[1]")"
COPY deploy/package.json deploy/
COPY packages/contracts/package.json packages/contracts/
COPY packages/platform/package.json packages/platform/
COPY services/jobs-api/package.json services/jobs-api/
RUN --mount=type=cache,id=pnpm-store,target=/root/.local/share/pnpm/store \
    pnpm install --frozen-lockfile --prod --filter "@tella/jobs-api..." --filter @tella/deploy
COPY packages/contracts/src packages/contracts/src
COPY packages/platform/src packages/platform/src
COPY services/jobs-api/src services/jobs-api/src

FROM ${NODE_IMAGE}
# tini as PID 1 forwards SIGTERM to node and reaps what child processes leave behind.
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/*
# Root owns the code; the service runs as the image's `node` user (1000) and cannot change it.
COPY --from=build /app /app
ENV NODE_ENV=production PORT=3000
USER 1000:1000
# tsx resolves from deploy/node_modules, so the process starts there.
WORKDIR /app/deploy
EXPOSE 3000
# SIGTERM: the server stops accepting, finishes requests and folding within SHUTDOWN_GRACE_MS.
STOPSIGNAL SIGTERM
# Ready means Postgres and NATS are reachable; compose waits on it (Kubernetes uses probes).
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT}/readyz`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "--import", "tsx", "/app/services/jobs-api/src/server.ts"]
