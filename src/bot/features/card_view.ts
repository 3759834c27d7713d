/**
 * Opening a ticket card (`t:open:<id>`, also from the inbox) and its history
 * (`t:history:<id>`). The other card buttons live in ticket_actions.ts, which
 * refreshes the card with {@link cardScreen} / {@link showCard}.
 *
 * @module
 */
import { Composer } from "grammy";
import type { Locale } from "../../config.ts";
import type { BotContext, BotDeps } from "../context.ts";
import type { Ticket } from "../../domain/ticket.ts";
import { getTicket, lastMessages } from "../../store/tickets.ts";
import { renderCardKeyboard, renderCardText } from "../../render/card.ts";
import { HISTORY_LIMIT, renderHistory } from "../../render/history.ts";
import { loadCardData } from "../../services/card_data.ts";
import { leaveReplyModeUnlessFor } from "../../store/reply_modes.ts";
import { adminButton, type Screen, showScreen } from "../screen.ts";

/** The card_view feature (open a card, history). */
export const cardViewFeature = new Composer<BotContext>();

/**
 * The card as a screen in `locale`, read fresh from the store.
 *
 * @example
 * ```ts
 * const screen = await cardScreen(ctx.deps, ticket, ctx.locale);
 * await ctx.editMessageText(screen.text, { reply_markup: screen.keyboard });
 * ```
 */
export async function cardScreen(
  deps: Pick<BotDeps, "kv" | "config" | "clock" | "i18n">,
  ticket: Ticket,
  locale: Locale,
): Promise<Screen> {
  const data = await loadCardData(deps, ticket);
  return {
    text: renderCardText(data, locale, deps.i18n),
    keyboard: renderCardKeyboard(data, locale, deps.i18n),
  };
}

/**
 * Shows a ticket's card, re-read from the store: edits the pressed message in
 * place (or sends a new one for commands). A missing ticket gets a clear
 * answer. `toast` explains a refresh (e.g. a stale button).
 */
export async function showCard(
  ctx: BotContext,
  ticketId: number,
  options: { toast?: string } = {},
): Promise<void> {
  const ticket = await getTicket(ctx.deps.kv, ticketId);
  if (!ticket) {
    const text = ctx.t("card-not-found", { id: String(ticketId) });
    if (ctx.callbackQuery) await ctx.answerCallbackQuery({ text });
    else await ctx.reply(text);
    return;
  }
  await showScreen(ctx, await cardScreen(ctx.deps, ticket, ctx.locale), options);
}

/** Shows the last messages of a ticket in place of the card. */
export async function showHistory(ctx: BotContext, ticketId: number): Promise<void> {
  const ticket = await getTicket(ctx.deps.kv, ticketId);
  if (!ticket) {
    await ctx.answerCallbackQuery({ text: ctx.t("card-not-found", { id: String(ticketId) }) });
    return;
  }
  const messages = await lastMessages(ctx.deps.kv, ticketId, HISTORY_LIMIT);
  await showScreen(
    ctx,
    renderHistory(
      { ticket, messages, timezone: ctx.deps.config.timezone },
      ctx.locale,
      ctx.deps.i18n,
    ),
  );
}

cardViewFeature.on(
  "callback_query:data",
  adminButton(
    (cb) =>
      cb.kind === "ticket" && (cb.action === "open" || cb.action === "history") ? cb : undefined,
    async (ctx, cb) => {
      // Opening another ticket's card ends reply mode: the next message must not go astray.
      if (cb.action === "open") {
        await leaveReplyModeUnlessFor(ctx.deps.kv, ctx.from!.id, cb.ticketId);
      }
      await (cb.action === "open" ? showCard(ctx, cb.ticketId) : showHistory(ctx, cb.ticketId));
    },
  ),
);
