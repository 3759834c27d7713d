/**
 * The same `update_id` delivered twice (a webhook retry, a restart before the
 * offset was confirmed) has one effect: the first delivery claims the id in
 * the store with a version check, later ones are dropped.
 *
 * @module
 */
import type { MiddlewareFn } from "grammy";
import type { BotContext, BotDeps } from "../context.ts";
import { keys } from "../../store/keys.ts";

/** How long an update id is remembered; Telegram keeps unconfirmed updates for 24 hours. */
const SEEN_TTL_MS = 25 * 3_600_000;

/** The dedup middleware. */
export function dedupMiddleware(deps: Pick<BotDeps, "kv" | "log">): MiddlewareFn<BotContext> {
  return async (ctx, next) => {
    const key = keys.updateSeen(ctx.update.update_id);
    const claimed = await deps.kv.atomic()
      .check({ key, versionstamp: null })
      .set(key, true, { expireIn: SEEN_TTL_MS })
      .commit();
    if (!claimed.ok) {
      deps.log.info("Dropped a repeated update", { updateId: ctx.update.update_id });
      return;
    }
    await next();
  };
}
