/**
 * Messages the bot cannot pass on. Service messages in a private chat (a pin,
 * an auto-delete timer, a payment note) are Telegram's, not the sender's: they
 * are ignored. Polls, dice, stories, games and the like get a polite localized
 * answer that lists what can be sent; nothing is stored, so no ticket holds a
 * message that never reached anyone.
 *
 * @module
 */
import { Composer } from "grammy";
import type { BotContext } from "../context.ts";
import { contentSupport } from "../../telegram/content.ts";

/** The unsupported feature. */
export const unsupportedFeature = new Composer<BotContext>();

unsupportedFeature.chatType("private").on("message", async (ctx, next) => {
  const support = contentSupport(ctx.message);
  if (support === "ok") return await next();
  if (support === "service") return;
  await ctx.reply(ctx.t("hardening-not-supported"));
});
