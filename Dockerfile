# syntax=docker/dockerfile:1
# The merchant proxy (and, with `--demo dist/demo`, the demo). Build: docker build -t bill-pay .
# Run: docker run -p 8080:8080 --env-file .env bill-pay   (settings: .env.example; several instances: compose.yaml)

# 1. Build the widgets, the demo and the proxy from the sources, with the dev dependencies.
FROM node:20-bookworm-slim AS build
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

# 2. Production dependencies only: the package's and the proxy's optional peers (hono, jose, kysely, pg,
#    better-sqlite3, prom-client), at the locked versions. Compilers stay in this stage.
FROM node:20-bookworm-slim AS deps
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json scripts/production-manifest.mjs ./
RUN node production-manifest.mjs && npm install --omit=dev --no-audit --no-fund && npm cache clean --force

# 3. The runtime: node, the built files and the production dependencies, as the unprivileged `node` user.
FROM node:20-bookworm-slim
ENV NODE_ENV=production HOST=0.0.0.0 PORT=8080 DATA_DIR=/data
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=deps /app/package.json ./package.json
COPY --from=build /app/dist ./dist
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME /data
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8080) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
STOPSIGNAL SIGTERM
CMD ["node", "dist/server/main.js"]
