# syntax=docker/dockerfile:1
#
# Holdfast in a container. Provided, not built or tested where Holdfast is developed (no Docker
# engine runs there): see README.md, Containers. The steps are those of
# test/distribution/pack-and-run.test.ts, which the suite runs: build, pack, install the tarball
# with `npm ci --omit=dev` from the lock written by test/distribution/write-install-manifest.mjs.

# Build: every dependency, the compiled server and the browser assets, then the package tarball.
FROM node:20-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
# No scripts yet: `prepare` builds, and the sources are not copied until the next step.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .
RUN npm run build \
  && mkdir /pack \
  && npm pack --ignore-scripts --pack-destination /pack \
  && node test/distribution/write-install-manifest.mjs /pack/holdfast-*.tgz /install

# Run: the tarball installed as a user's project installs it, production dependencies only.
FROM node:20-bookworm-slim
# Listening on every interface of the container; the links Holdfast hands out (challenge and
# return URLs) name where browsers reach it, which is the published port, not 0.0.0.0: override
# HOLDFAST_PUBLIC_URL when that is not http://localhost:8080.
ENV HOST=0.0.0.0 \
    PORT=8080 \
    HOLDFAST_PUBLIC_URL=http://localhost:8080 \
    HOLDFAST_DATA_DIR=/data
WORKDIR /app
COPY --from=build /install/ ./
RUN npm ci --omit=dev --no-audit --no-fund \
  && rm holdfast-*.tgz \
  && npm cache clean --force \
  && mkdir /data \
  && chown node:node /data
# The node image's unprivileged user; /data holds sandbox.json, and with no DATABASE_URL the
# embedded database and its generated master key.
USER node
VOLUME /data
# 8080: the API, hosted pages, dashboard and docs; 9464: Prometheus metrics (HOLDFAST_METRICS_PORT).
EXPOSE 8080 9464
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8080) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "node_modules/holdfast/bin/holdfast.js", "start"]
