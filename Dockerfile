# Support Desk Bot as one executable in a small image.
#
#   docker compose up -d          (see compose.yaml and README.md, "Running on Docker")
#
# Stage 1 compiles with the official Deno image at the version pinned in
# .deno-version (a test keeps DENO_VERSION equal to it). Stage 2 is distroless:
# glibc and nothing else, no shell, running as the non-root user 65532.

ARG DENO_VERSION=2.9.6

FROM denoland/deno:${DENO_VERSION} AS build
WORKDIR /app
COPY deno.json deno.lock ./
RUN deno install --frozen
COPY main.ts ./
COPY src ./src
COPY locales ./locales
COPY scripts ./scripts
RUN deno task compile && mkdir -p /data

FROM gcr.io/distroless/cc-debian12:nonroot
COPY --from=build /app/dist/support-bot /usr/local/bin/support-bot
# The store, logs and backups; owned by the non-root user that runs the bot.
COPY --from=build --chown=65532:65532 /data /data
USER 65532:65532
WORKDIR /data
ENV DATA_DIR=/data
VOLUME ["/data"]
# Webhook mode (WEBHOOK_URL) listens here, with GET /healthz; long polling needs no port.
EXPOSE 8080
# Healthy while the bot polls Telegram: `healthcheck` reads the heartbeat the
# running bot writes to the store at least every 30 s (README: "Health check").
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 \
  CMD ["/usr/local/bin/support-bot", "healthcheck"]
# SIGTERM drains updates in flight within 25 s; compose gives 30 s.
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/bin/support-bot"]
