/**
 * Where the bot works: private chats, and the support group (SUPPORT_CHAT_ID,
 * support_group.ts). In other groups, supergroups and channels only `/id` is
 * answered (id.ts runs before this); every other update there (messages,
 * admin commands, service messages, membership changes) is ignored, so
 * nothing about tickets is ever shown outside those chats.
 *
 * @module
 */
import { Composer } from "grammy";
import type { BotContext } from "../context.ts";

/** The scope feature. */
export const scopeFeature = new Composer<BotContext>();

scopeFeature.use(async (ctx, next) => {
  if (ctx.chat && ctx.chat.type !== "private" && ctx.chat.id !== ctx.deps.config.supportChatId) {
    return;
  }
  await next();
});
