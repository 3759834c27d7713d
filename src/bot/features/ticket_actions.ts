/**
 * The ticket card's buttons: Take, Reply, Close, Block / Unblock (`t:<action>:<id>`).
 * "open" and "history" belong to the card view feature.
 *
 * Every press re-checks the sender and re-reads the ticket; a press on a card
 * that is out of date (closed or changed by another admin) gets a toast and a
 * refreshed card.
 *
 * @module
 */
import { type Api, Composer } from "grammy";
import type { BotContext, BotDeps } from "../context.ts";
import type { Locale } from "../../config.ts";
import { decode } from "../../render/callbacks.ts";
import { closeTicket, takeTicket } from "../../domain/ticket.ts";
import { getTicket, linkCard, updateTicket } from "../../store/tickets.ts";
import { setBlocked } from "../../store/users.ts";
import { leaveReplyModeUnlessFor, setReplyMode } from "../../store/reply_modes.ts";
import { renderCardKeyboard, renderCardText } from "../../render/card.ts";
import { bindT, cancelKeyboard } from "../../render/menu.ts";
import { announceClosed } from "../../services/closing.ts";
import { loadCardData } from "../../services/card_data.ts";
import { editPressed } from "../screen.ts";
import { stageTopicNotice, wakeGroup } from "../../services/topics.ts";

/**
 * Sends the card of ticket `ticketId` to `chatId` (in `locale`). Replying to
 * the card answers the ticket. Returns false when the ticket does not exist.
 */
export async function sendTicketCard(
  api: Api,
  deps: BotDeps,
  target: { chatId: number; locale: Locale },
  ticketId: number,
): Promise<boolean> {
  const ticket = await getTicket(deps.kv, ticketId);
  if (!ticket) return false;
  // Opening another ticket's card ends reply mode: the next message must not go astray.
  await leaveReplyModeUnlessFor(deps.kv, target.chatId, ticketId);
  const data = await loadCardData(deps, ticket);
  const sent = await api.sendMessage(
    target.chatId,
    renderCardText(data, target.locale, deps.i18n),
    {
      reply_markup: renderCardKeyboard(data, target.locale, deps.i18n),
      link_preview_options: { is_disabled: true },
    },
  );
  await linkCard(deps.kv, { chatId: target.chatId, messageId: sent.message_id, ticketId });
  return true;
}

/** Whether the pressed message is a ticket card (and not, say, a delivered message). */
function isCard(ctx: BotContext): boolean {
  const rows = ctx.callbackQuery?.message?.reply_markup?.inline_keyboard ?? [];
  return rows.flat().some((button) =>
    "callback_data" in button && button.callback_data?.startsWith("t:history:")
  );
}

/** Re-renders the pressed card in place; not when nothing changed (e.g. after Reply). */
async function refreshCard(ctx: BotContext, ticketId: number): Promise<void> {
  if (!isCard(ctx)) return;
  const ticket = await getTicket(ctx.deps.kv, ticketId);
  if (!ticket) return;
  const data = await loadCardData(ctx.deps, ticket);
  try {
    await editPressed(ctx, renderCardText(data, ctx.locale, ctx.deps.i18n), {
      reply_markup: renderCardKeyboard(data, ctx.locale, ctx.deps.i18n),
      link_preview_options: { is_disabled: true },
    });
  } catch (error) {
    ctx.deps.log.debug("Card not refreshed", { ticketId, error });
  }
}

/** The actions of this feature (not "open" and "history"), parsed from a press. */
function actionOf(data: string | undefined) {
  const callback = decode(data);
  return callback?.kind === "ticket" && callback.action !== "open" &&
      callback.action !== "history"
    ? callback
    : null;
}

/** The ticket_actions feature. */
export const ticketActionsFeature = new Composer<BotContext>();

ticketActionsFeature.callbackQuery(/^t:/, async (ctx, next) => {
  const callback = actionOf(ctx.callbackQuery.data);
  if (!callback) return next();
  if (!ctx.isAdmin) {
    await ctx.answerCallbackQuery({ text: ctx.t("not-allowed"), show_alert: true });
    return;
  }
  const { deps } = ctx;
  const ticketId = callback.ticketId;
  const id = String(ticketId);
  const adminId = ctx.from.id;
  const now = deps.clock.now();
  const current = await getTicket(deps.kv, ticketId);
  if (!current) {
    await ctx.answerCallbackQuery({ text: ctx.t("conv-ticket-missing", { id }) });
    return;
  }

  switch (callback.action) {
    case "take": {
      const result = await updateTicket(
        deps.kv,
        ticketId,
        (ticket) => ticket.status === "new" ? takeTicket(ticket, adminId) : null,
        (op, after) => stageTopicNotice(op, deps.config, after, "topic"),
      );
      if (result) wakeGroup(deps);
      const text = result
        ? ctx.t("conv-take-done", { id })
        : current.status === "closed"
        ? ctx.t("conv-stale-closed", { id })
        : ctx.t("conv-take-already", { id });
      await ctx.answerCallbackQuery({ text });
      break;
    }
    case "reply": {
      if (current.status === "closed") {
        await ctx.answerCallbackQuery({ text: ctx.t("conv-stale-closed", { id }) });
        break;
      }
      if (ctx.chat?.id === deps.config.supportChatId) {
        // In the support group, writing in the customer's topic is the answer.
        await ctx.answerCallbackQuery({
          text: ctx.t("group-reply-toast", { id }),
          show_alert: true,
        });
        break;
      }
      await setReplyMode(deps.kv, adminId, { ticketId, since: now, userId: current.userId });
      await ctx.answerCallbackQuery({ text: ctx.t("conv-reply-toast", { id }) });
      await ctx.reply(ctx.t("conv-reply-prompt", { id }), {
        reply_markup: cancelKeyboard(bindT(deps.i18n, ctx.locale)),
      });
      break;
    }
    case "close": {
      const result = await updateTicket(
        deps.kv,
        ticketId,
        (ticket) => ticket.status === "closed" ? null : closeTicket(ticket, adminId, now),
        (op, after) => stageTopicNotice(op, deps.config, after, "closed"),
      );
      if (!result) {
        await ctx.answerCallbackQuery({ text: ctx.t("conv-stale-closed", { id }) });
        break;
      }
      wakeGroup(deps);
      const notice = await announceClosed(ctx.api, deps, result.after, { auto: false });
      const key = notice === "sent"
        ? "conv-close-done"
        : notice === "blocked"
        ? "conv-close-unreachable"
        : "conv-close-failed";
      await ctx.answerCallbackQuery({ text: ctx.t(key, { id }), show_alert: notice !== "sent" });
      break;
    }
    case "block":
    case "unblock": {
      const block = callback.action === "block";
      const changed = await setBlocked(deps.kv, current.userId, block, { by: adminId, now });
      await ctx.answerCallbackQuery({
        text: ctx.t(
          changed ? (block ? "conv-block-done" : "conv-unblock-done") : "conv-block-already",
          { id },
        ),
      });
      break;
    }
  }
  await refreshCard(ctx, ticketId);
});
