/**
 * Fills our part of the context: dependencies, the admin check, the sender's
 * stored profile (private chats) and language.
 *
 * @module
 */
import type { MiddlewareFn } from "grammy";
import type { BotContext, BotDeps } from "../context.ts";
import { pickLocale } from "../../i18n.ts";
import { touchUser } from "../../store/users.ts";

/** The context middleware. */
export function contextMiddleware(deps: BotDeps): MiddlewareFn<BotContext> {
  const admins = new Set(deps.config.adminIds);
  return async (ctx, next) => {
    ctx.deps = deps;
    const from = ctx.from;
    ctx.isAdmin = from !== undefined && admins.has(from.id);
    // Profiles are kept for people who write to the bot privately, and for agents
    // in the support group: their names go on cards, answers and statistics.
    const agentInGroup = ctx.isAdmin && ctx.chat !== undefined &&
      ctx.chat.id === deps.config.supportChatId;
    if (from && !from.is_bot && (ctx.chat?.type === "private" || agentInGroup)) {
      ctx.profile = await touchUser(deps.kv, from, deps.clock.now());
    }
    ctx.locale = ctx.profile?.locale ?? pickLocale(from?.language_code, deps.config.defaultLocale);
    ctx.t = (key, args) => deps.i18n.t(ctx.locale, key, args);
    await next();
  };
}
