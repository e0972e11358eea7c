# syntax=docker/dockerfile:1
# switchyard as a container image: the daemon and its production dependencies only, on a
# distroless Node.js base (no shell, no package manager), running as uid/gid 65532 (the
# base's "nonroot" user, and the uid the OpenFeature operator sets for its flagd sidecar).
# Nothing is written to the filesystem at run time, so the root filesystem can be read-only.
#
#   docker build -t switchyard:0.1.0 .
#   docker run --read-only -p 8013-8016:8013-8016 -v "$PWD/flags:/etc/flagd:ro" switchyard:0.1.0
#
# Run on Kubernetes: docs/run-on-kubernetes.md.

ARG NODE_VERSION=22

FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /src
# pnpm at the version package.json pins, through corepack (shipped with Node).
RUN corepack enable
COPY package.json pnpm-lock.yaml pnpm-workspace.yaml tsconfig.base.json ./
COPY scripts/build-package.mjs scripts/
COPY test/package.json test/
COPY packages/ packages/
# The lock file's install (the build needs the root's TypeScript), a build of the daemon and
# the workspace packages it depends on, then a self-contained copy of the daemon with its
# production dependencies only.
RUN pnpm install --frozen-lockfile \
 && pnpm --filter "@switchyard/daemon..." run build \
 && pnpm --filter @switchyard/daemon deploy --prod --legacy /out
COPY deploy/docker/healthcheck.cjs /out/healthcheck.cjs

FROM gcr.io/distroless/nodejs${NODE_VERSION}-debian12:nonroot
WORKDIR /app
COPY --from=build --chown=65532:65532 /out/ /app/
USER 65532:65532
ENV NODE_ENV=production
# 8013 evaluation (gRPC), 8014 management (/healthz, /readyz, /metrics, /flags), 8015 sync
# (flagd.sync.v1), 8016 OFREP.
EXPOSE 8013 8014 8015 8016
# /readyz on the management port (FLAGD_MANAGEMENT_PORT, default 8014): 200 while flags are
# served, degraded or not.
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
  CMD ["/nodejs/bin/node", "/app/healthcheck.cjs"]
ENTRYPOINT ["/nodejs/bin/node", "/app/bin/switchyard.cjs"]
CMD ["start", "--uri", "file:/etc/flagd"]
