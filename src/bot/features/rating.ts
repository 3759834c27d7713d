/**
 * Rating a closed ticket with 1 to 3 stars (`r:<id>:<stars>`): one rating per
 * ticket; the admins hear of it with the user's name and a clickable `#id`.
 *
 * @module
 */
import { Composer } from "grammy";
import type { BotContext } from "../context.ts";
import { decode } from "../callbacks.ts";
import { rateTicket, ratingReadKeys, type RatingRecord } from "../../store/ratings.ts";
import type { Ticket } from "../../domain/ticket.ts";
import type { Prefetch } from "../prefetch.ts";
import { getUser } from "../../store/users.ts";
import { notifyAdmins } from "../../services/notify.ts";
import { bindT, stars } from "../render/menu.ts";
import { ticketLinkHtml, userLabelHtml } from "../render/notices.ts";

/** A rating reads the ticket and its rating: with the update's first round trip. */
export const ratingPrefetch: Prefetch = (ctx) => {
  const callback = decode(ctx.callbackQuery?.data);
  return callback?.kind === "rate" ? ratingReadKeys(callback.ticketId) : [];
};

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
  const [ticketKey, ratingKey] = ratingReadKeys(callback.ticketId);
  const ticketEntry = ctx.prefetched.get<Ticket>(ticketKey);
  const ratingEntry = ctx.prefetched.get<RatingRecord>(ratingKey);
  const result = await rateTicket(
    deps.kv,
    {
      ticketId: callback.ticketId,
      userId: ctx.from.id,
      stars: callback.stars,
      at: deps.clock.now(),
    },
    ticketEntry && ratingEntry ? [ticketEntry, ratingEntry] : undefined,
  );
  if (!result.ok) {
    const already = result.reason === "already_rated";
    await ctx.answerCallbackQuery({
      text: already ? ctx.t("conv-rate-already", { id }) : ctx.t("button-expired"),
    });
    if (already) await ctx.editMessageReplyMarkup().catch(() => {});
    return;
  }
  await ctx.answerCallbackQuery({ text: stars(callback.stars) });
  const thanks = ctx.t("conv-rate-thanks", { id, stars: stars(callback.stars) });
  await ctx.editMessageText(thanks, { parse_mode: "HTML" }).catch(() =>
    ctx.reply(thanks, { parse_mode: "HTML" })
  );
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
