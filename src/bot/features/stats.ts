/**
 * Statistics (`a:stats:0`), read from counters and the 30-day indexes, with
 * the names of the agents listed.
 *
 * @module
 */
import { Composer } from "grammy";
import type { BotContext } from "../context.ts";
import { readStats } from "../../store/stats.ts";
import { getUsers } from "../../store/users.ts";
import { AGENTS_SHOWN, renderStats } from "../../render/stats.ts";
import { displayName } from "../../render/card.ts";
import { adminButton, showScreen } from "../screen.ts";

/** The stats feature. */
export const statsFeature = new Composer<BotContext>();

/** Shows the statistics screen. */
export async function showStats(ctx: BotContext): Promise<void> {
  const { kv } = ctx.deps;
  const stats = await readStats(kv, ctx.deps.clock.now());
  const shown = stats.last30Days.agents.slice(0, AGENTS_SHOWN).map((agent) => agent.agentId);
  const users = await getUsers(kv, shown);
  const names = new Map(shown.map((id) => [id, displayName(users.get(id) ?? null, id)]));
  await showScreen(ctx, renderStats(stats, ctx.locale, ctx.deps.i18n, names));
}

statsFeature.on(
  "callback_query:data",
  adminButton(
    (cb) => cb.kind === "admin" && cb.screen === "stats" ? cb : undefined,
    (ctx) => showStats(ctx),
  ),
);
