# syntax=docker/dockerfile:1.7
# transcriber: speech to text with pocketsphinx (offline) or an OpenAI-compatible server; it
# finds pauses in the WAV itself, so no ffmpeg. Build from the repository root:
#   docker build -f deploy/images/transcriber.Dockerfile -t tella-imports/transcriber .
# Debian 12 (bookworm): its pocketsphinx ships pocketsphinx_continuous, which the engine runs
# (later Debian releases replace that program).
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
COPY services/transcriber/package.json services/transcriber/
RUN --mount=type=cache,id=pnpm-store,target=/root/.local/share/pnpm/store \
    pnpm install --frozen-lockfile --prod --filter "@tella/transcriber..." --filter @tella/deploy
COPY packages/contracts/src packages/contracts/src
COPY packages/platform/src packages/platform/src
COPY services/transcriber/src services/transcriber/src

FROM ${NODE_IMAGE}
# tini as PID 1 forwards SIGTERM to node and reaps what pocketsphinx leaves behind.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      pocketsphinx pocketsphinx-en-us ca-certificates tini \
 && rm -rf /var/lib/apt/lists/*
# Root owns the code; the service runs as the image's `node` user (1000) and cannot change it.
COPY --from=build /app /app
ENV NODE_ENV=production HEALTH_PORT=9464 \
    POCKETSPHINX_PATH=/usr/bin/pocketsphinx_continuous
USER 1000:1000
# tsx resolves from deploy/node_modules, so the process starts there.
WORKDIR /app/deploy
EXPOSE 9464
# SIGTERM: the worker stops pulling, lets the running transcription finish within
# SHUTDOWN_GRACE_MS and hands the rest back to JetStream.
STOPSIGNAL SIGTERM
# /healthz, /readyz and /metrics listen on HEALTH_PORT; ready means NATS is connected.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.HEALTH_PORT}/readyz`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "--import", "tsx", "/app/services/transcriber/src/main.ts"]
