/**
 * Statistics (`a:stats:0`), read from counters and the 30-day indexes.
 *
 * @module
 */
import { Composer } from "grammy";
import type { BotContext } from "../context.ts";
import { readStats } from "../../store/stats.ts";
import { renderStats } from "../../render/stats.ts";
import { adminButton, showScreen } from "../screen.ts";

/** The stats feature. */
export const statsFeature = new Composer<BotContext>();

/** Shows the statistics screen. */
export async function showStats(ctx: BotContext): Promise<void> {
  const stats = await readStats(ctx.deps.kv, ctx.deps.clock.now());
  await showScreen(ctx, renderStats(stats, ctx.locale, ctx.deps.i18n));
}

statsFeature.on(
  "callback_query:data",
  adminButton(
    (cb) => cb.kind === "admin" && cb.screen === "stats" ? cb : undefined,
    (ctx) => showStats(ctx),
  ),
);
