/**
 * Language: the choice between English and Русский, stored per user.
 *
 * @module
 */
import { Composer } from "grammy";
import type { BotContext } from "../context.ts";
import { editPressed } from "../screen.ts";
import { decode, encode } from "../../render/callbacks.ts";
import { setLocale } from "../../store/users.ts";
import { bindT, languageKeyboard, mainMenuKeyboard } from "../../render/menu.ts";

/** The language feature. */
export const languageFeature = new Composer<BotContext>();

languageFeature.callbackQuery(encode({ kind: "menu", item: "language" }), async (ctx) => {
  await ctx.answerCallbackQuery();
  await ctx.reply(ctx.t("conv-language-choose"), {
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
    await editPressed(ctx, text);
  } catch {
    await ctx.reply(text);
  }
  if (ctx.chat?.type === "private" && !ctx.isAdmin) {
    await ctx.reply(ctx.t("conv-menu"), {
      reply_markup: mainMenuKeyboard(bindT(ctx.deps.i18n, ctx.locale)),
    });
  }
});
