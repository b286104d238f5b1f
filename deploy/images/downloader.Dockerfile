# syntax=docker/dockerfile:1.7
# downloader: uploads and YouTube links to 16 kHz mono WAV, with ffmpeg and yt-dlp. Build from
# the repository root:
#   docker build -f deploy/images/downloader.Dockerfile -t tella-imports/downloader .
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
COPY services/downloader/package.json services/downloader/
RUN --mount=type=cache,id=pnpm-store,target=/root/.local/share/pnpm/store \
    pnpm install --frozen-lockfile --prod --filter "@tella/downloader..." --filter @tella/deploy
COPY packages/contracts/src packages/contracts/src
COPY packages/platform/src packages/platform/src
COPY services/downloader/src services/downloader/src

# yt-dlp from PyPI in its own virtual environment: Debian's is too old for YouTube. The
# [default] extra brings yt-dlp-ejs, the JavaScript that YouTube now requires; yt-dlp runs it
# with the image's node (the downloader passes --js-runtimes). Raise the version as YouTube
# changes: docker build --build-arg YTDLP_VERSION=<release> ...
FROM ${NODE_IMAGE} AS yt-dlp
ARG YTDLP_VERSION=2026.10.26
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 python3-venv \
 && rm -rf /var/lib/apt/lists/*
RUN python3 -m venv /opt/yt-dlp \
 && /opt/yt-dlp/bin/pip install --no-cache-dir "yt-dlp[default]==${YTDLP_VERSION}" \
 && /opt/yt-dlp/bin/yt-dlp --version

FROM ${NODE_IMAGE}
# tini as PID 1 forwards SIGTERM to node and reaps what ffmpeg and yt-dlp leave behind.
RUN apt-get update \
 && apt-get install -y --no-install-recommends ffmpeg python3 ca-certificates tini \
 && rm -rf /var/lib/apt/lists/*
COPY --from=yt-dlp /opt/yt-dlp /opt/yt-dlp
# Root owns the code; the service runs as the image's `node` user (1000) and cannot change it.
COPY --from=build /app /app
# yt-dlp keeps its cache under XDG_CACHE_HOME: /tmp is the one writable place.
ENV NODE_ENV=production HEALTH_PORT=9464 YTDLP_PATH=/opt/yt-dlp/bin/yt-dlp \
    FFMPEG_PATH=/usr/bin/ffmpeg FFPROBE_PATH=/usr/bin/ffprobe XDG_CACHE_HOME=/tmp/.cache
USER 1000:1000
# tsx resolves from deploy/node_modules, so the process starts there.
WORKDIR /app/deploy
EXPOSE 9464
# SIGTERM: the worker stops pulling, lets running downloads finish within SHUTDOWN_GRACE_MS
# and hands the rest back to JetStream.
STOPSIGNAL SIGTERM
# /healthz, /readyz and /metrics listen on HEALTH_PORT; ready means NATS is connected.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.HEALTH_PORT}/readyz`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "--import", "tsx", "/app/services/downloader/src/main.ts"]
