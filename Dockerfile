# Builds the single executable with the Deno version pinned in .deno-version,
# then runs it in a small image. Data lives in the /data volume.
FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY .deno-version ./
RUN npm install -g "deno@$(cat .deno-version)"
COPY deno.json deno.lock ./
RUN deno install --frozen
COPY main.ts ./
COPY src ./src
COPY locales ./locales
RUN deno task compile

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home /data bot \
    && mkdir -p /data && chown bot /data
COPY --from=build /app/dist/support-desk-bot /usr/local/bin/support-desk-bot
USER bot
WORKDIR /data
ENV DATA_DIR=/data
VOLUME ["/data"]
ENTRYPOINT ["/usr/local/bin/support-desk-bot"]
