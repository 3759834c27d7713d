/**
 * An admin answers a ticket: the next message after Reply (reply mode), or a
 * Telegram reply to any message of the ticket the bot delivered to the admin.
 * The message (any kind) is copied to the user under a header naming `#id`,
 * and the admin gets a confirmation naming `#id`. Cancel (`x`) leaves reply
 * mode, or a user's pending input.
 *
 * @module
 */
import { type Api, Composer } from "grammy";
import type { Message } from "grammy/types";
import type { BotContext, BotDeps } from "../context.ts";
import type { Locale } from "../../config.ts";
import { afterSupportMessage, type Ticket } from "../../domain/ticket.ts";
import {
  addSupportMessage,
  appendToMessage,
  findByCopy,
  getTicket,
  type MessageRef,
  recordCopies,
  type WrittenMessage,
} from "../../store/tickets.ts";
import { getUser, markUnreachable } from "../../store/users.ts";
import { clearReplyMode, getReplyMode, stageClearReplyMode } from "../../store/reply_modes.ts";
import { clearPending } from "../../store/pending.ts";
import { encode } from "../callbacks.ts";
import { escapeHtml } from "../../html.ts";
import {
  bufferAlbumPart,
  deliver,
  isCommand,
  isUnreachableError,
  recordOf,
  reportFailure,
} from "../delivery.ts";
import { bindT, ticketReplyKeyboard } from "../render/menu.ts";
import { userLocale } from "../../i18n.ts";

/** Who answers, from where. */
interface Sender {
  adminId: number;
  locale: Locale;
}

/** A stored answer (`written`: the record as stored, while nothing was added to it). */
type Accepted = { ticket: Ticket; seq: number; written?: WrittenMessage };
type Stored = Accepted | { refused: "closed" | "missing"; ticketId: number };

/**
 * Stores an admin's message on a ticket; refuses closed and unknown tickets.
 * An answer given in reply mode (`viaMode`) leaves it, in the same commit as
 * the answer, or on its own when the answer is refused.
 */
async function storeReply(
  deps: BotDeps,
  sender: Sender,
  target: { ticketId: number; viaMode: boolean },
  messages: Message[],
): Promise<Stored> {
  const now = deps.clock.now();
  const { ticketId } = target;
  const stored = await addSupportMessage(
    deps.kv,
    ticketId,
    recordOf(messages, { direction: "out", authorId: sender.adminId, at: now }),
    (ticket) =>
      ticket.status === "closed"
        ? null
        : afterSupportMessage(ticket, sender.adminId, now, deps.config.autoCloseAfterHours),
    target.viaMode ? (op) => stageClearReplyMode(op, sender.adminId) : undefined,
  );
  if (stored) return { ticket: stored.ticket, seq: stored.message.seq, written: stored };
  if (target.viaMode) await clearReplyMode(deps.kv, sender.adminId);
  const ticket = await getTicket(deps.kv, ticketId);
  return { refused: ticket ? "closed" : "missing", ticketId };
}

/** Tells the admin why nothing was sent. */
async function sendRefusal(api: Api, deps: BotDeps, sender: Sender, stored: Stored) {
  if (!("refused" in stored)) return;
  const t = bindT(deps.i18n, sender.locale);
  const key = stored.refused === "closed" ? "conv-reply-closed" : "conv-ticket-missing";
  await api.sendMessage(sender.adminId, t(key, { id: String(stored.ticketId) }), {
    parse_mode: "HTML",
  });
}

/**
 * Copies the stored answer to the user and confirms to the admin, or tells the
 * admin that the user blocked the bot (and marks the user unreachable). Both
 * copies (the user's and the confirmation) are recorded in one commit at the end.
 */
async function deliverReply(
  api: Api,
  deps: BotDeps,
  sender: Sender,
  stored: Accepted,
  messages: Message[],
): Promise<void> {
  const { ticket } = stored;
  const t = bindT(deps.i18n, sender.locale);
  const user = await getUser(deps.kv, ticket.userId);
  const tUser = bindT(deps.i18n, userLocale(user, deps.config.defaultLocale));
  // The admin may have deleted their message meanwhile: then the answer goes without the quote.
  const replyTo = {
    reply_parameters: { message_id: messages[0].message_id, allow_sending_without_reply: true },
  };
  let delivered: MessageRef;
  try {
    const ids = await deliver(api, { chatId: ticket.userId }, messages, {
      headerHtml: tUser("conv-user-header", { id: String(ticket.id) }),
    });
    delivered = { chatId: ticket.userId, messageIds: ids };
  } catch (error) {
    const unreachable = isUnreachableError(error);
    if (unreachable) await markUnreachable(deps.kv, ticket.userId);
    else reportFailure(deps, error, "Could not deliver a reply", { ticketId: ticket.id });
    await api.sendMessage(
      sender.adminId,
      unreachable ? t("conv-reply-blocked", { id: String(ticket.id) }) : t("conv-reply-failed", {
        id: String(ticket.id),
        error: escapeHtml(error instanceof Error ? error.message : String(error)),
      }),
      { parse_mode: "HTML", ...replyTo },
    );
    return;
  }
  const copies = [delivered];
  try {
    const confirmation = await api.sendMessage(
      sender.adminId,
      t("conv-reply-sent", { id: String(ticket.id) }),
      { parse_mode: "HTML", reply_markup: ticketReplyKeyboard(t, ticket.id), ...replyTo },
    );
    copies.push({ chatId: sender.adminId, messageIds: [confirmation.message_id] });
  } finally {
    // The user's copy is recorded even when the confirmation could not be sent.
    await recordCopies(deps.kv, ticket.id, stored.seq, copies, stored.written);
  }
}

/** The admin's reply mode: as the context read it, else from the store. */
async function replyModeOf(ctx: BotContext, adminId: number) {
  return ctx.replyMode !== undefined ? ctx.replyMode : await getReplyMode(ctx.deps.kv, adminId);
}

/** The ticket an admin's message answers: a Telegram reply to a ticket message, else reply mode. */
async function targetTicket(ctx: BotContext, adminId: number, message: Message) {
  const replied = message.reply_to_message;
  if (replied) {
    const link = await findByCopy(ctx.deps.kv, message.chat.id, replied.message_id);
    if (link) return { ticketId: link.ticketId, viaMode: false };
  }
  const mode = await replyModeOf(ctx, adminId);
  return mode ? { ticketId: mode.ticketId, viaMode: true } : null;
}

/** The reply feature. */
export const replyFeature = new Composer<BotContext>();

replyFeature.callbackQuery(encode({ kind: "cancel" }), async (ctx) => {
  const { deps } = ctx;
  const userId = ctx.from.id;
  const mode = ctx.isAdmin ? await replyModeOf(ctx, userId) : null;
  if (mode) await clearReplyMode(deps.kv, userId);
  await clearPending(deps.kv, userId);
  await ctx.answerCallbackQuery();
  const text = mode
    ? ctx.t("conv-reply-cancelled", { id: String(mode.ticketId) })
    : ctx.t("conv-cancelled");
  try {
    await ctx.editMessageText(text, { parse_mode: "HTML" });
  } catch {
    await ctx.reply(text, { parse_mode: "HTML" });
  }
});

const admins = replyFeature.chatType("private").filter((ctx) => ctx.isAdmin);

admins.on("message", async (ctx, next) => {
  const { deps } = ctx;
  const message = ctx.message;
  if (isCommand(message)) return next();
  const adminId = ctx.from.id;
  const target = await targetTicket(ctx, adminId, message);
  if (!target) return next();
  const sender: Sender = { adminId, locale: ctx.locale };
  const api = ctx.api;

  if (!message.media_group_id) {
    const stored = await storeReply(deps, sender, target, [message]);
    if ("refused" in stored) return await sendRefusal(api, deps, sender, stored);
    await deliverReply(api, deps, sender, stored, [message]);
    return;
  }
  await bufferAlbumPart<Stored>(deps, message, {
    async part(group, item) {
      if (!group.state) {
        group.state = await storeReply(deps, sender, target, group.messages);
      } else if (!("refused" in group.state)) {
        // The record changes: recording the copies must read it again.
        group.state = { ...group.state, written: undefined };
        await appendToMessage(deps.kv, group.state.ticket.id, group.state.seq, {
          messageId: item.message_id,
          text: item.caption,
        });
      }
    },
    async done(group) {
      const stored = group.state!;
      if ("refused" in stored) return await sendRefusal(api, deps, sender, stored);
      await deliverReply(api, deps, sender, stored, group.messages);
    },
  });
});
