/**
 * The update journal: nothing Telegram handed us is lost, nothing runs twice.
 *
 * Long polling confirms a batch of updates to Telegram by asking for the next
 * one, possibly before the previous batch is fully handled. So every update is
 * written to ["journal", id] as it arrives, before it can be confirmed; it
 * leaves the journal in the same commit that marks it handled (["update_seen",
 * id]). At start-up, whatever is still in the journal (the process was killed)
 * is handled again. An update already marked handled (a repeated delivery) is
 * dropped by the middleware.
 *
 * @module
 */
import type { MiddlewareFn, Transformer } from "grammy";
import type { Update } from "grammy/types";
import type { BotContext, BotDeps } from "./context.ts";
import { keys } from "../store/keys.ts";

/** How long an update id is remembered; Telegram keeps unconfirmed updates for 24 hours. */
const SEEN_TTL_MS = 25 * 3_600_000;
/** Journal writes per atomic operation, well inside Deno KV's limits. */
const BATCH = 100;

/**
 * An API transformer that journals every update returned by getUpdates
 * before the runner can confirm it. Updates handled before are not journaled
 * again, but stay in the result so that the runner's offset moves past them.
 */
export function journalTransformer(deps: Pick<BotDeps, "kv" | "log">): Transformer {
  return async (prev, method, payload, signal) => {
    const response = await prev(method, payload, signal);
    if (method !== "getUpdates" || !response.ok) return response;
    const updates = response.result as unknown as Update[];
    if (updates.length === 0) return response;
    const fresh: Update[] = [];
    for (let i = 0; i < updates.length; i += 10) {
      const batch = updates.slice(i, i + 10);
      const seen = await deps.kv.getMany(batch.map((u) => keys.updateSeen(u.update_id)));
      batch.forEach((update, index) => {
        if (seen[index].versionstamp === null) fresh.push(update);
      });
    }
    for (let i = 0; i < fresh.length; i += BATCH) {
      const op = deps.kv.atomic();
      for (const update of fresh.slice(i, i + BATCH)) {
        op.set(keys.journal(update.update_id), update);
      }
      await op.commit();
    }
    return response;
  };
}

/** Updates received but not handled before the process stopped, oldest first. */
export async function journaledUpdates(kv: Deno.Kv): Promise<Update[]> {
  const updates: Update[] = [];
  for await (const entry of kv.list<Update>({ prefix: keys.journalAll() })) {
    updates.push(entry.value);
  }
  return updates;
}

/**
 * Drops an update that was handled before, and marks each update handled
 * (leaving the journal) when its handling ends, whether it succeeded or not:
 * a failing update is logged and alerted, not retried forever.
 */
export function journalMiddleware(deps: Pick<BotDeps, "kv" | "log">): MiddlewareFn<BotContext> {
  return async (ctx, next) => {
    const id = ctx.update.update_id;
    const seen = await deps.kv.get(keys.updateSeen(id));
    if (seen.versionstamp !== null) {
      deps.log.info("Dropped a repeated update", { updateId: id });
      return;
    }
    try {
      await next();
    } finally {
      await deps.kv.atomic()
        .set(keys.updateSeen(id), true, { expireIn: SEEN_TTL_MS })
        .delete(keys.journal(id))
        .commit();
    }
  };
}
