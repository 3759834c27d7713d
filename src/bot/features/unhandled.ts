/**
 * What no feature took: a stale button gets a toast, an admin's stray message a
 * hint on how to answer (one per album, not one per item), a user's unknown
 * command the menu.
 *
 * @module
 */
import { Composer } from "grammy";
import type { BotContext } from "../context.ts";
import { bindT, mainMenuKeyboard } from "../../render/menu.ts";
import { startAlbum } from "../../store/tickets.ts";

/** The unhandled feature. */
export const unhandledFeature = new Composer<BotContext>();

unhandledFeature.on("callback_query", async (ctx) => {
  await ctx.answerCallbackQuery({ text: ctx.t("button-expired") });
});

const privateChat = unhandledFeature.chatType("private");

privateChat.on("message", async (ctx) => {
  if (ctx.isAdmin) {
    const group = ctx.message.media_group_id;
    const first = !group || await startAlbum(ctx.deps.kv, {
      chatId: ctx.chat.id,
      mediaGroupId: group,
      record: { hinted: true },
    });
    if (first) await ctx.reply(ctx.t("conv-admin-hint"));
    return;
  }
  await ctx.reply(ctx.t("conv-unknown-command"), {
    reply_markup: mainMenuKeyboard(bindT(ctx.deps.i18n, ctx.locale)),
  });
});
