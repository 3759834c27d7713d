/**
 * Tickets imported from the Python bot, found by their old id: an admin sends
 * `T-20240101-0001` (also with `#`, in any case) as a message and gets the
 * ticket's card, as with `/start t_<id>`. Registered right before the
 * unhandled hint, so reply mode and replies to ticket messages come first.
 *
 * @module
 */
import { Composer } from "grammy";
import type { BotContext } from "../context.ts";
import { escapeHtml } from "../../html.ts";
import { findByLegacyId } from "../../store/legacy.ts";
import { sendTicketCard } from "./ticket_actions.ts";

/** The Python bot's ticket id in a message (`T-YYYYMMDD-NNNN`), upper-cased as it wrote it; or null. */
export function legacyIdOf(text: string): string | null {
  const match = /^#?\s*(T-\d{8}-\d{1,6})$/i.exec(text.trim());
  return match ? match[1].toUpperCase() : null;
}

/** The legacy_lookup feature. */
export const legacyLookupFeature = new Composer<BotContext>();

legacyLookupFeature.chatType("private").on("message:text", async (ctx, next) => {
  const legacyId = ctx.isAdmin ? legacyIdOf(ctx.message.text) : null;
  if (!legacyId) return await next();
  const ticketId = await findByLegacyId(ctx.deps.kv, legacyId);
  const target = { chatId: ctx.chat.id, locale: ctx.locale };
  if (ticketId !== null && await sendTicketCard(ctx.api, ctx.deps, target, ticketId)) return;
  await ctx.reply(ctx.t("card-legacy-not-found", { legacyId: escapeHtml(legacyId) }), {});
});
