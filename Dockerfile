# syntax=docker/dockerfile:1
# One image for every component; docker-compose.yml picks the entry point:
#   node collector/src/main.js | node exporter/src/server.js | node simulator/src/main.js
# Stages: deps (all dependencies) -> build (tsc) ; prod-deps (runtime dependencies only) -> runtime.
# `dev` (docker-compose.dev.yml) runs the TypeScript sources with tsx watch.

ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci --no-audit --no-fund

FROM deps AS build
COPY tsconfig.json tsconfig.build.json ./
COPY common ./common
COPY collector ./collector
COPY exporter ./exporter
COPY simulator ./simulator
COPY dashboards ./dashboards
RUN npm run build

FROM deps AS dev
ENV NODE_ENV=development
USER node
CMD ["npx", "tsx", "watch", "--max-semi-space-size=4", "--heap-growing-percent=100", "exporter/src/server.ts"]

FROM ${NODE_IMAGE} AS prod-deps
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
# package.json: "type": "module" makes node load the *.js as ES modules, and its "imports" map
# (#common/* -> ./common/src/*) holds because dist/ is copied to the root with the source layout.
COPY --chown=root:root package.json ./
COPY --from=prod-deps --chown=root:root /app/node_modules ./node_modules
COPY --from=build --chown=root:root /app/dist ./
# The code is owned by root and read-only for the `node` user (uid 1000) the processes run as.
USER node
EXPOSE 5000
CMD ["node", "--max-semi-space-size=4", "--heap-growing-percent=100", "exporter/src/server.js"]
