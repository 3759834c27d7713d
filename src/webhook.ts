/**
 * Webhook mode (WEBHOOK_URL): Telegram posts each update to the bot.
 *
 * grammY's `webhookCallback` (the `std/http` adapter for `Deno.serve`) checks
 * the secret header (401 for a missing or wrong one, nothing stored). Behind
 * it an "intake" bot does one thing: journal the update (bot/journal.ts
 * `acceptUpdate`), so Telegram gets its 200 only once the update is safely
 * stored, and never waits for the handling: the update is handled right
 * after, by the real bot, from the journal's copy. An update Telegram sends
 * again (its first request failed, or timed out) is stored once and handled
 * once. `GET /healthz` on the same port answers 200 while the store answers.
 *
 * Written here rather than with grammY's `webhookCallback` alone: that would
 * answer Telegram only when the whole handling is done (a slow update would
 * be sent again) or, with its timeout, before anything is stored.
 *
 * @module
 */
import { Bot, webhookCallback } from "grammy";
import type { Update, UserFromGetMe } from "grammy/types";
import type { BotDeps } from "./deps.ts";
import { acceptUpdate } from "./bot/journal.ts";
import { keys } from "./store/keys.ts";

/** What Telegram sends the bot, in both modes. */
export const ALLOWED_UPDATES = [
  "message",
  "edited_message",
  "callback_query",
  "my_chat_member",
] as const;

/** The running webhook server. */
export interface WebhookServer {
  /** Stops taking requests, waits for those in flight and the updates they brought. */
  shutdown(): Promise<void>;
}

/**
 * Serves the webhook on PORT at WEBHOOK_URL's path, and /healthz. `handle`
 * runs an update through the bot (with its error boundary); it is called
 * after Telegram got its answer.
 */
export function serveWebhook(
  deps: BotDeps,
  options: {
    botInfo: UserFromGetMe;
    handle: (update: Update) => Promise<void>;
    onListen?: (address: Deno.NetAddr) => void;
  },
): WebhookServer {
  const path = new URL(deps.config.webhookUrl!).pathname;
  const handling = new Set<Promise<void>>();
  const intake = new Bot(deps.config.botToken, { botInfo: options.botInfo });
  intake.use(async (ctx) => {
    if (!await acceptUpdate(deps, ctx.update)) return;
    const run = options.handle(ctx.update).catch((error) =>
      deps.log.error("An update failed", { updateId: ctx.update.update_id, error })
    ).finally(() => handling.delete(run));
    handling.add(run);
  });
  const callback = webhookCallback(intake, "std/http", {
    secretToken: deps.config.webhookSecret,
  });
  const server = Deno.serve({
    port: deps.config.port,
    onListen: (address) => options.onListen?.(address as Deno.NetAddr),
  }, async (request) => {
    const url = new URL(request.url);
    if (url.pathname === "/healthz" && request.method === "GET") return await health(deps);
    if (url.pathname !== path || request.method !== "POST") {
      return new Response("not found", { status: 404 });
    }
    try {
      return await callback(request);
    } catch (error) {
      // Not stored (the store failed, or the body is not an update): Telegram sends it again.
      deps.log.warn("A webhook request was not taken", { error });
      return new Response("not stored", { status: 500 });
    }
  });
  return {
    async shutdown() {
      await server.shutdown();
      await Promise.allSettled([...handling]);
    },
  };
}

/** 200 while the store answers, 503 when it does not. */
async function health(deps: Pick<BotDeps, "kv" | "log">): Promise<Response> {
  try {
    await deps.kv.get(keys.meta("heartbeat"));
    return new Response("ok\n", { status: 200 });
  } catch (error) {
    deps.log.warn("Health check: the store does not answer", { error });
    return new Response("the store does not answer\n", { status: 503 });
  }
}
