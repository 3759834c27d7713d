/**
 * An admin answers a ticket: the next message after Reply (reply mode), or a
 * Telegram reply to any message of the ticket the bot delivered to the admin.
 * The message (any kind) is copied to the user under a header naming `#id`,
 * and the admin gets a confirmation naming `#id`. Cancel (`x`) leaves reply
 * mode, or a user's pending input.
 *
 * @module
 */
import { Composer } from "grammy";
import type { Message } from "grammy/types";
import type { BotContext } from "../context.ts";
import { editPressed } from "../screen.ts";
import { afterSupportMessage } from "../../domain/ticket.ts";
import {
  addSupportMessage,
  findByCopies,
  getTicket,
  joinStoredAlbum,
  stageAlbum,
} from "../../store/tickets.ts";
import { clearReplyMode, getReplyMode, stageClearReplyMode } from "../../store/reply_modes.ts";
import { clearPending } from "../../store/pending.ts";
import { encode } from "../../render/callbacks.ts";
import { ALBUM_WAIT_MS, isCommand, recordOf } from "../../telegram/content.ts";

/** The ticket an admin's message answers. */
interface Target {
  ticketId: number;
  viaMode: boolean;
}

/**
 * Stores an admin's message (one, or an album's first item) as an answer,
 * with its copy to the customer in the outbox; refuses closed and unknown
 * tickets (the admin is told). An answer given in reply mode leaves it, in
 * the same commit, or on its own when the answer is refused.
 */
async function storeAnswer(
  ctx: BotContext,
  target: Target,
  message: Message,
): Promise<void> {
  const { deps } = ctx;
  const adminId = ctx.from!.id;
  const now = deps.clock.now();
  const album = message.media_group_id;
  const stored = await addSupportMessage(deps.kv, {
    ticketId: target.ticketId,
    content: recordOf([message], { direction: "out", authorId: adminId, at: now }),
    change: (ticket) =>
      ticket.status === "closed" ? null : afterSupportMessage(ticket, adminId, now),
    readyAt: album ? Date.now() + ALBUM_WAIT_MS : 0,
    extra: (op, record) => {
      if (target.viaMode) stageClearReplyMode(op, adminId);
      if (album) {
        const albumRecord = { ticketId: record.ticketId, seq: record.seq };
        stageAlbum(op, { chatId: message.chat.id, mediaGroupId: album, record: albumRecord });
      }
    },
  });
  if (stored) {
    deps.wake(stored.ticket.userId);
    return;
  }
  if (target.viaMode) await clearReplyMode(deps.kv, adminId);
  const ticket = await getTicket(deps.kv, target.ticketId);
  const key = ticket ? "conv-reply-closed" : "conv-ticket-missing";
  await ctx.reply(ctx.t(key, { id: String(target.ticketId) }));
}

/**
 * The ticket an admin's message answers: a Telegram reply to a ticket message
 * (`repliedTicket`), else reply mode (unless it has expired).
 */
async function targetTicket(
  ctx: BotContext,
  repliedTicket: number | undefined,
): Promise<Target | null> {
  if (repliedTicket !== undefined) return { ticketId: repliedTicket, viaMode: false };
  const mode = await getReplyMode(ctx.deps.kv, ctx.from!.id, ctx.deps.clock.now());
  return mode ? { ticketId: mode.ticketId, viaMode: true } : null;
}

/** The reply feature. */
export const replyFeature = new Composer<BotContext>();

replyFeature.callbackQuery(encode({ kind: "cancel" }), async (ctx) => {
  const { deps } = ctx;
  const userId = ctx.from.id;
  const mode = ctx.isAdmin ? await getReplyMode(deps.kv, userId, deps.clock.now()) : null;
  if (mode) await clearReplyMode(deps.kv, userId);
  await clearPending(deps.kv, userId);
  await ctx.answerCallbackQuery();
  const text = mode
    ? ctx.t("conv-reply-cancelled", { id: String(mode.ticketId) })
    : ctx.t("conv-cancelled");
  try {
    await editPressed(ctx, text);
  } catch {
    await ctx.reply(text);
  }
});

const admins = replyFeature.chatType("private").filter((ctx) => ctx.isAdmin);

admins.on("message", async (ctx, next) => {
  const { deps } = ctx;
  const message = ctx.message;
  if (isCommand(message)) return next();
  // Handled again after a failure or a crash, the answer may be stored already
  // (its source is linked); read with the link of the message replied to.
  const replied = message.reply_to_message;
  const [own, repliedLink] = await findByCopies(deps.kv, message.chat.id, [
    message.message_id,
    ...(replied ? [replied.message_id] : []),
  ]);
  if (own) return;
  const joined = message.media_group_id !== undefined && await joinStoredAlbum(deps.kv, {
    chatId: message.chat.id,
    mediaGroupId: message.media_group_id,
    messageId: message.message_id,
    text: message.caption,
    readyAt: Date.now() + ALBUM_WAIT_MS,
    to: (ticket) => [ticket.userId],
  });
  if (joined) return;
  const target = await targetTicket(ctx, repliedLink?.ticketId);
  if (!target) return next();
  await storeAnswer(ctx, target, message);
});
