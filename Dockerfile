# syntax=docker/dockerfile:1
# Chibo: multi-stage build. The build stage compiles better-sqlite3, generates the Prisma client for both
# providers (no engine download: see scripts/prisma-generate.mjs) and compiles TypeScript. The runtime stage
# has production dependencies only and runs as a non-root user; migrations are applied at start-up.

FROM node:24-bookworm-slim AS build
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
COPY scripts ./scripts
COPY prisma ./prisma
COPY prisma.config.ts tsconfig.json tsconfig.build.json ./
RUN npm ci --no-audit --no-fund
COPY src ./src
COPY locales ./locales
RUN npm run build && npm prune --omit=dev

FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production \
    HTTP_HOST=0.0.0.0 \
    HTTP_PORT=3000 \
    DATABASE_URL=file:/data/chibo.db
WORKDIR /app
# fonts for the report charts (Vietnamese diacritics)
RUN apt-get update && apt-get install -y --no-install-recommends fonts-dejavu-core && rm -rf /var/lib/apt/lists/*
RUN groupadd --system chibo && useradd --system --gid chibo --home-dir /app chibo \
    && mkdir -p /data && chown chibo:chibo /data
COPY --from=build --chown=chibo:chibo /app/package.json ./
COPY --from=build --chown=chibo:chibo /app/node_modules ./node_modules
COPY --from=build --chown=chibo:chibo /app/dist ./dist
COPY --from=build --chown=chibo:chibo /app/prisma ./prisma
COPY --from=build --chown=chibo:chibo /app/locales ./locales
USER chibo
VOLUME ["/data"]
EXPOSE 3000
# /healthz answers in webhook mode (the HTTP server runs there); in polling mode the check passes while the
# process lives, since there is no port to ask.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD node -e "if (process.env.BOT_MODE !== 'webhook') process.exit(0); fetch('http://127.0.0.1:' + (process.env.HTTP_PORT || 3000) + '/healthz').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"
CMD ["node", "dist/main.js"]
