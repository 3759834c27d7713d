/**
 * Language: the choice between English and Русский, stored per user.
 *
 * @module
 */
import { Composer } from "grammy";
import type { BotContext } from "../context.ts";
import { decode, encode } from "../callbacks.ts";
import { setLocale } from "../../store/users.ts";
import { bindT, languageKeyboard, mainMenuKeyboard } from "../render/menu.ts";

/** The language feature. */
export const languageFeature = new Composer<BotContext>();

languageFeature.callbackQuery(encode({ kind: "menu", item: "language" }), async (ctx) => {
  await ctx.answerCallbackQuery();
  await ctx.reply(ctx.t("conv-language-choose"), {
    parse_mode: "HTML",
    reply_markup: languageKeyboard(bindT(ctx.deps.i18n, ctx.locale)),
  });
});

languageFeature.callbackQuery(/^l:/, async (ctx) => {
  const callback = decode(ctx.callbackQuery.data);
  if (callback?.kind !== "lang") {
    await ctx.answerCallbackQuery({ text: ctx.t("button-expired") });
    return;
  }
  await setLocale(ctx.deps.kv, ctx.from.id, callback.locale);
  ctx.locale = callback.locale;
  await ctx.answerCallbackQuery({ text: ctx.t("conv-language-set") });
  const text = ctx.t("conv-language-set");
  try {
    await ctx.editMessageText(text, { parse_mode: "HTML" });
  } catch {
    await ctx.reply(text, { parse_mode: "HTML" });
  }
  if (ctx.chat?.type === "private" && !ctx.isAdmin) {
    await ctx.reply(ctx.t("conv-menu"), {
      parse_mode: "HTML",
      reply_markup: mainMenuKeyboard(bindT(ctx.deps.i18n, ctx.locale)),
    });
  }
});
