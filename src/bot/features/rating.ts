/**
 * Rating a closed ticket with 1 to 3 stars (`r:<id>:<stars>`): one rating per
 * ticket; the admins hear of it with the user's name and a clickable `#id`.
 *
 * @module
 */
import { Composer } from "grammy";
import type { BotContext } from "../context.ts";
import { editPressed, editPressedKeyboard } from "../screen.ts";
import { decode } from "../../render/callbacks.ts";
import { rateTicket } from "../../store/ratings.ts";
import { getUser } from "../../store/users.ts";
import { notifyAdmins } from "../../services/notify.ts";
import { stageTopicNotice, wakeGroup } from "../../services/topics.ts";
import { bindT, stars } from "../../render/menu.ts";
import { ticketLinkHtml, userLabelHtml } from "../../render/notices.ts";

/** The rating feature. */
export const ratingFeature = new Composer<BotContext>();

ratingFeature.callbackQuery(/^r:/, async (ctx) => {
  const { deps } = ctx;
  const callback = decode(ctx.callbackQuery.data);
  if (callback?.kind !== "rate") {
    await ctx.answerCallbackQuery({ text: ctx.t("button-expired") });
    return;
  }
  const id = String(callback.ticketId);
  const result = await rateTicket(deps.kv, {
    ticketId: callback.ticketId,
    userId: ctx.from.id,
    stars: callback.stars,
    at: deps.clock.now(),
  }, (op, after) => stageTopicNotice(op, deps.config, after, "rated"));
  if (!result.ok) {
    const already = result.reason === "already_rated";
    await ctx.answerCallbackQuery({
      text: already ? ctx.t("conv-rate-already", { id }) : ctx.t("button-expired"),
    });
    if (already) await editPressedKeyboard(ctx).catch(() => {});
    return;
  }
  await ctx.answerCallbackQuery({ text: stars(callback.stars) });
  const thanks = ctx.t("conv-rate-thanks", { id, stars: stars(callback.stars) });
  await editPressed(ctx, thanks).catch(() => ctx.reply(thanks));
  // With a support group the rating goes to the customer's topic (the outbox).
  if (deps.config.supportChatId !== undefined) return wakeGroup(deps);
  // The rating comes from the user's private chat: the context holds the user's record.
  const user = ctx.profile ?? await getUser(deps.kv, ctx.from.id);
  await notifyAdmins(ctx.api, deps, (locale) => ({
    text: bindT(deps.i18n, locale)("conv-admin-rating", {
      name: userLabelHtml(user, ctx.from.id),
      ticket: ticketLinkHtml(ctx.me.username, callback.ticketId),
      stars: stars(callback.stars),
    }),
  }));
});
