/**
 * Where the bot works: private chats. In groups, supergroups and channels
 * only `/id` is answered (id.ts runs before this); every other update there
 * (messages, admin commands, service messages, membership changes) is ignored,
 * so nothing about tickets is ever shown outside a private chat.
 *
 * @module
 */
import { Composer } from "grammy";
import type { BotContext } from "../context.ts";

/** The scope feature. */
export const scopeFeature = new Composer<BotContext>();

scopeFeature.use(async (ctx, next) => {
  if (ctx.chat && ctx.chat.type !== "private") return;
  await next();
});
