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
import { afterSupportMessage } from "../../domain/ticket.ts";
import {
  addSupportMessage,
  appendToMessage,
  type CopyLink,
  findByCopies,
  getMessage,
  getTicket,
} from "../../store/tickets.ts";
import { getUser, type UserRecord } from "../../store/users.ts";
import { keys } from "../../store/keys.ts";
import { started } from "../../async.ts";
import type { Prefetch } from "../prefetch.ts";
import {
  clearReplyMode,
  getReplyMode,
  replyModeHint,
  stageClearReplyMode,
} from "../../store/reply_modes.ts";
import type { Ticket } from "../../domain/ticket.ts";
import { clearPending } from "../../store/pending.ts";
import { encode } from "../callbacks.ts";
import { bufferAlbumPart, isCommand, recordOf, storedMessages } from "../delivery.ts";
import { bindT } from "../render/menu.ts";
import { type Accepted, deliverReply, type Sender } from "../../services/ticket_delivery.ts";

type Stored = Accepted | { refused: "closed" | "missing"; ticketId: number };

/** The ticket an admin's message answers; `userId`: its user, when reply mode knows it. */
interface Target {
  ticketId: number;
  viaMode: boolean;
  userId?: number;
}

/**
 * Stores an admin's message on a ticket; refuses closed and unknown tickets.
 * An answer given in reply mode (`viaMode`) leaves it, in the same commit as
 * the answer, or on its own when the answer is refused.
 */
async function storeReply(
  deps: BotDeps,
  sender: Sender,
  target: Target,
  messages: Message[],
  ahead?: { ticket?: Deno.KvEntryMaybe<Ticket>; user?: Deno.KvEntryMaybe<UserRecord> },
): Promise<Stored> {
  const now = deps.clock.now();
  const { ticketId } = target;
  // The delivery needs the user's language: read it with the ticket when we know who it is.
  const user = ahead?.user
    ? Promise.resolve(ahead.user.value)
    : target.userId === undefined
    ? undefined
    : started(getUser(deps.kv, target.userId));
  const stored = await addSupportMessage(
    deps.kv,
    ticketId,
    recordOf(messages, { direction: "out", authorId: sender.adminId, at: now }),
    (ticket) =>
      ticket.status === "closed"
        ? null
        : afterSupportMessage(ticket, sender.adminId, now, deps.config.autoCloseAfterHours),
    target.viaMode ? (op) => stageClearReplyMode(deps.kv, op, sender.adminId) : undefined,
    ahead?.ticket,
  );
  if (stored) {
    return {
      ticket: stored.ticket,
      seq: stored.message.seq,
      written: stored,
      user: user && stored.ticket.userId === target.userId ? await user : undefined,
    };
  }
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
 * An admin's message handled again after a crash (see journal.ts) is already
 * stored (`link` points at it): deliver it to the user if that had not happened
 * yet (its copies are empty), never store it twice. Returns false when the link
 * is not a stored answer (the message is then handled as usual).
 */
async function resumeStoredReply(
  api: Api,
  deps: BotDeps,
  sender: Sender,
  link: CopyLink,
): Promise<boolean> {
  const [stored, ticket] = await Promise.all([
    getMessage(deps.kv, link.ticketId, link.seq),
    getTicket(deps.kv, link.ticketId),
  ]);
  if (!stored || stored.direction !== "out") return false;
  if (ticket && stored.copies.length === 0) {
    await deliverReply(api, deps, sender, { ticket, seq: link.seq }, storedMessages(stored));
  }
  return true;
}

/** The admin's reply mode: as the context read it, else from the store. */
async function replyModeOf(ctx: BotContext, adminId: number) {
  return ctx.replyMode !== undefined ? ctx.replyMode : await getReplyMode(ctx.deps.kv, adminId);
}

/**
 * The ticket an admin's message answers: a Telegram reply to a ticket message
 * (`repliedLink`: the link of the message replied to, as read), else reply mode.
 */
async function targetTicket(
  ctx: BotContext,
  adminId: number,
  repliedLink: CopyLink | null,
): Promise<Target | null> {
  if (repliedLink) return { ticketId: repliedLink.ticketId, viaMode: false };
  const mode = await replyModeOf(ctx, adminId);
  return mode ? { ticketId: mode.ticketId, viaMode: true, userId: mode.userId } : null;
}

/** The reply links of an admin's message and of the message it replies to. */
function linkKeys(ctx: BotContext): Deno.KvKey[] {
  const message = ctx.message!;
  const replied = message.reply_to_message;
  return [
    keys.copy(message.chat.id, message.message_id),
    ...(replied ? [keys.copy(message.chat.id, replied.message_id)] : []),
  ];
}

/**
 * The ticket and user of the reply mode this process last wrote for the admin
 * (a hint: the mode read with them decides whether they are the ones needed).
 */
function modeKeys(ctx: BotContext): Deno.KvKey[] {
  if (ctx.message?.reply_to_message) return [];
  const mode = replyModeHint(ctx.deps.kv, ctx.from!.id);
  if (!mode) return [];
  return [keys.ticket(mode.ticketId), ...(mode.userId ? [keys.user(mode.userId)] : [])];
}

/**
 * An admin's message in the private chat reads its reply links first, then the
 * ticket it answers: read ahead, the ticket when reply mode is likely to name it.
 */
export const replyPrefetch: Prefetch = (ctx) =>
  ctx.isAdmin && ctx.message && ctx.chat?.type === "private" && !isCommand(ctx.message)
    ? [...linkKeys(ctx), ...modeKeys(ctx)]
    : [];

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
  const sender: Sender = { adminId, locale: ctx.locale };
  const api = ctx.api;
  // Handled again after a crash, the answer may be stored already (its source is
  // linked); read with the link of the message replied to, in one round trip.
  const ahead = linkKeys(ctx).map((key) => ctx.prefetched.get<CopyLink>(key));
  const [own, repliedLink] = ahead.every((entry) => entry !== undefined)
    ? ahead.map((entry) => entry!.value)
    : await findByCopies(deps.kv, message.chat.id, [
      message.message_id,
      ...(message.reply_to_message ? [message.reply_to_message.message_id] : []),
    ]);
  if (own && await resumeStoredReply(api, deps, sender, own)) return;
  const target = await targetTicket(ctx, adminId, repliedLink ?? null);
  if (!target) return next();

  if (!message.media_group_id) {
    const stored = await storeReply(deps, sender, target, [message], {
      ticket: ctx.prefetched.get<Ticket>(keys.ticket(target.ticketId)),
      user: target.userId === undefined
        ? undefined
        : ctx.prefetched.get<UserRecord>(keys.user(target.userId)),
    });
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
