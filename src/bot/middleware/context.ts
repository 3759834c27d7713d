/**
 * Fills our part of the context: dependencies, the admin check, the sender's
 * stored profile, pending input or reply mode (private chats) and language. It
 * also runs the update inside the journal ({@link journaled}: a repeated update
 * is dropped, every update is marked handled when it ends), and reads the
 * sender's records with what the features will read for this update
 * ({@link Prefetch}) in one round trip.
 *
 * @module
 */
import type { MiddlewareFn } from "grammy";
import type { BotContext, BotDeps } from "../context.ts";
import { pickLocale } from "../../i18n.ts";
import { keys } from "../../store/keys.ts";
import { touchUser, type UserRecord } from "../../store/users.ts";
import type { PendingInput } from "../../store/pending.ts";
import type { ReplyMode } from "../../store/reply_modes.ts";
import { journaled } from "../journal.ts";
import { KV_LIMITS } from "../../store/batching_kv.ts";
import { NOTHING_PREFETCHED, type Prefetch, Prefetched } from "../prefetch.ts";

/**
 * The context middleware (with the journal around everything after it).
 * `prefetch` are the features' read-ahead hooks.
 */
export function contextMiddleware(
  deps: BotDeps,
  prefetch: readonly Prefetch[] = [],
): MiddlewareFn<BotContext> {
  const admins = new Set(deps.config.adminIds);
  return (ctx, next) => {
    ctx.deps = deps;
    const from = ctx.from;
    ctx.isAdmin = from !== undefined && admins.has(from.id);
    // Profiles are kept for people who write to the bot privately.
    const sender = from && !from.is_bot && ctx.chat?.type === "private" ? from : undefined;
    // The sender's record, and what their next message means: an admin's reply
    // mode, a user's pending input.
    const own = sender
      ? [keys.user(sender.id), ctx.isAdmin ? keys.replyMode(sender.id) : keys.pending(sender.id)]
      : [];
    // One getMany: the features get what the sender's records leave.
    const ahead = prefetch.flatMap((keysOf) => readAhead(deps, keysOf, ctx))
      .slice(0, KV_LIMITS.readKeys - own.length);
    return journaled(deps, ctx.update.update_id, [...own, ...ahead], async (entries) => {
      ctx.prefetched = ahead.length
        ? new Prefetched(entries.slice(own.length))
        : NOTHING_PREFETCHED;
      if (sender) {
        const [userEntry, expected] = entries;
        ctx.profile = await touchUser(
          deps.kv,
          sender,
          deps.clock.now(),
          userEntry as Deno.KvEntryMaybe<UserRecord>,
        );
        if (ctx.isAdmin) ctx.replyMode = expected.value as ReplyMode | null;
        else ctx.pending = expected.value as PendingInput | null;
      }
      ctx.locale = ctx.profile?.locale ??
        pickLocale(from?.language_code, deps.config.defaultLocale);
      ctx.t = (key, args) => deps.i18n.t(ctx.locale, key, args);
      await next();
    });
  };
}

/**
 * A hook's keys; none when it throws. It runs before the journal, so a throw
 * would leave the update journaled and replayed at every start: without its
 * read-ahead the feature reads for itself.
 */
function readAhead(deps: BotDeps, keysOf: Prefetch, ctx: BotContext): Deno.KvKey[] {
  try {
    return keysOf(ctx);
  } catch (error) {
    deps.log.warn("A read-ahead hook failed; the update goes on without it", {
      updateId: ctx.update.update_id,
      error,
    });
    return [];
  }
}
