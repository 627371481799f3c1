# geo-redis serve in a container: one instance per region, next to the applications (docs/serve.md).
#   docker build -t geo-redis .
#   docker run -p 9443:9443 -v /etc/geo-redis:/etc/geo-redis:ro geo-redis --group geo --listen 0.0.0.0:9443 \
#     --tls-cert /etc/geo-redis/serve.pem --tls-key /etc/geo-redis/serve-key.pem --basic-auth-file /etc/geo-redis/auth
# Build stage: the CLI built from this clone (TypeScript, the bundle, the pre-rendered help).
FROM node:20-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev

# Run stage: the built CLI and its runtime dependencies only, as an unprivileged user.
FROM node:20-bookworm-slim
ENV NODE_ENV=production GEO_REDIS_HOME=/home/node/.geo-redis
# glibc gives each of V8's compiler and GC threads a malloc arena of its own, which keeps what it once held: two arenas
# keep serve about 6 MB smaller, at the same CPU and latency (bench/RESULTS.md, "Issue 14: serve")
ENV MALLOC_ARENA_MAX=2
WORKDIR /app
COPY --from=build /src/package.json /src/oclif.manifest.json ./
COPY --from=build /src/bin ./bin
COPY --from=build /src/dist ./dist
COPY --from=build /src/node_modules ./node_modules
USER node
EXPOSE 9443
# SIGTERM (docker stop) ends serve cleanly with exit 0
STOPSIGNAL SIGTERM
# liveness: GET /healthz on the --listen address (HTTP or HTTPS, as configured), from the orchestrator
ENTRYPOINT ["node", "/app/bin/run.js", "serve"]
CMD ["--listen", "127.0.0.1:9443"]
