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
import type { BotContext } from "../context.ts";
import { editPressed } from "../screen.ts";
import {
  type AnswerTarget,
  savedAnswer,
  savedReplyName,
  storeAnswer,
  storeAnswerEdit,
} from "../answer.ts";
import { findByCopies, joinStoredAlbum } from "../../store/tickets.ts";
import { clearReplyMode, getReplyMode } from "../../store/reply_modes.ts";
import { clearPending } from "../../store/pending.ts";
import { encode } from "../../render/callbacks.ts";
import { ALBUM_WAIT_MS, isCommand } from "../../telegram/content.ts";

/**
 * The ticket an admin's message answers: a Telegram reply to a ticket message
 * (`repliedTicket`), else reply mode (unless it has expired).
 */
async function targetTicket(
  ctx: BotContext,
  repliedTicket: number | undefined,
): Promise<AnswerTarget | null> {
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
  // `/r <name>` answers with a saved reply; other commands are not answers.
  const saved = savedReplyName(message);
  if (isCommand(message) && saved === undefined) return next();
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
  const content = saved === undefined ? undefined : await savedAnswer(ctx, message, saved);
  if (saved !== undefined && !content) return;
  await storeAnswer(ctx, target, message, content ?? undefined);
});

// An agent edited an answer: the customer's copy follows.
admins.on("edited_message", async (ctx) => await storeAnswerEdit(ctx, ctx.editedMessage));
