/**
 * Storing an agent's answer: written after Reply, as a Telegram reply to a
 * ticket's message, or in the customer's topic of the support group. Shared
 * by the reply feature (private chats) and the support group feature.
 *
 * @module
 */
import type { Message } from "grammy/types";
import type { BotContext } from "./context.ts";
import { afterSupportMessage } from "../domain/ticket.ts";
import {
  addEdit,
  addSupportMessage,
  findByCopy,
  getMessage,
  getTicket,
  openBySupport,
  stageAlbum,
} from "../store/tickets.ts";
import { clearReplyMode, stageClearReplyMode } from "../store/reply_modes.ts";
import { ALBUM_WAIT_MS, contentSupport, recordOf } from "../telegram/content.ts";
import type { NewMessage } from "../store/tickets.ts";
import { getSavedReply, listSavedReplies, savedName } from "../store/saved_replies.ts";
import { escapeHtml } from "../html.ts";
import { stageTopicNotice, wakeGroup } from "../services/topics.ts";

/** The ticket an agent's message answers. */
export interface AnswerTarget {
  ticketId: number;
  /** Given after Reply: the answer ends reply mode. */
  viaMode: boolean;
}

/**
 * Stores an agent's message (one, or an album's first item) as an answer,
 * with its copy to the customer in the outbox; refuses closed and unknown
 * tickets (the agent is told). An answer given in reply mode leaves it, in
 * the same commit, or on its own when the answer is refused. With a support
 * group, the topic's name follows a new ticket into progress.
 */
export async function storeAnswer(
  ctx: BotContext,
  target: AnswerTarget,
  message: Message,
  content?: NewMessage,
): Promise<void> {
  const { deps } = ctx;
  const adminId = ctx.from!.id;
  const now = deps.clock.now();
  let wasNew = false;
  const stored = await addSupportMessage(deps.kv, {
    ticketId: target.ticketId,
    content: content ?? recordOf([message], { direction: "out", authorId: adminId, at: now }),
    change: (ticket) => {
      wasNew = ticket.status === "new";
      return ticket.status === "closed" ? null : afterSupportMessage(ticket, adminId, now);
    },
    readyAt: message.media_group_id ? Date.now() + ALBUM_WAIT_MS : 0,
    extra: (op, record) => {
      if (target.viaMode) stageClearReplyMode(op, adminId);
      stageAnswerAlbum(op, message, record);
      if (wasNew) {
        stageTopicNotice(
          op,
          deps.config,
          { id: record.ticketId, messageCount: record.seq },
          "topic",
        );
      }
    },
  });
  if (stored) {
    deps.wake(stored.ticket.userId);
    if (wasNew) wakeGroup(deps);
    return;
  }
  if (target.viaMode) await clearReplyMode(deps.kv, adminId);
  const ticket = await getTicket(deps.kv, target.ticketId);
  const key = ticket ? "conv-reply-closed" : "conv-ticket-missing";
  await ctx.reply(ctx.t(key, { id: String(target.ticketId) }));
}

/**
 * Opens a ticket, in progress, with an agent's message in the topic of a
 * customer who has none open. False when one is open now (answer that one).
 */
export async function openWithAnswer(
  ctx: BotContext,
  userId: number,
  message: Message,
  content?: NewMessage,
): Promise<boolean> {
  const { deps } = ctx;
  const opened = await openBySupport(deps.kv, {
    userId,
    agentId: ctx.from!.id,
    content: content ?? recordOf([message], {
      direction: "out",
      authorId: ctx.from!.id,
      at: deps.clock.now(),
    }),
    cardTo: deps.config.supportChatId === undefined ? [] : [deps.config.supportChatId],
    readyAt: message.media_group_id ? Date.now() + ALBUM_WAIT_MS : 0,
    extra: (op, record) => stageAnswerAlbum(op, message, record),
  });
  if (!opened) return false;
  deps.wake(userId);
  wakeGroup(deps);
  return true;
}

/** The name in `/r <name>` (a saved reply to send), or undefined for any other message. */
export function savedReplyName(message: Message): string | undefined {
  const match = /^\/r(?:@\w+)?(?:\s+(.*))?$/s.exec(message.text ?? "");
  return match ? (match[1] ?? "").trim() : undefined;
}

/**
 * Saved reply `name` as the agent's answer, exactly as if the agent had sent
 * it (its media is copied from where it was saved). Null when there is no
 * such reply: the agent is told which names exist.
 */
export async function savedAnswer(
  ctx: BotContext,
  message: Message,
  name: string,
): Promise<NewMessage | null> {
  const { deps } = ctx;
  const key = savedName(name);
  const saved = key ? await getSavedReply(deps.kv, key) : null;
  if (!saved) {
    const names = (await listSavedReplies(deps.kv)).map((reply) => reply.name).sort();
    await ctx.reply(
      names.length
        ? ctx.t("saved-unknown", { name: escapeHtml(name), names: escapeHtml(names.join(", ")) })
        : ctx.t("saved-empty"),
    );
    return null;
  }
  return {
    direction: "out",
    kind: saved.kind,
    text: saved.text,
    at: deps.clock.now(),
    authorId: ctx.from!.id,
    source: { chatId: message.chat.id, messageIds: [message.message_id] },
    from: { chatId: saved.from.chatId, messageIds: [saved.from.messageId] },
  };
}

/**
 * An agent edited an answer (in a private chat or in the topic): the
 * customer's copy follows (the outbox edits it, or answers it with the new
 * text). Notes and messages that answered nothing are not followed.
 */
export async function storeAnswerEdit(ctx: BotContext, edited: Message): Promise<void> {
  const { deps } = ctx;
  if (contentSupport(edited) !== "ok") return;
  const link = await findByCopy(deps.kv, edited.chat.id, edited.message_id);
  if (!link || link.seq === 0) return;
  const record = await getMessage(deps.kv, link.ticketId, link.seq);
  if (!record || record.direction !== "out" || record.note) return;
  const ticket = await getTicket(deps.kv, link.ticketId);
  if (!ticket) return;
  const stored = await addEdit(deps.kv, {
    ticketId: ticket.id,
    seq: record.seq,
    content: recordOf([edited], { direction: "out", authorId: ctx.from!.id, at: deps.clock.now() }),
    to: () => [ticket.userId],
  });
  if (stored) deps.wake(ticket.userId);
}

/** An album's first item: its later items join the stored answer. */
function stageAnswerAlbum(
  op: Deno.AtomicOperation,
  message: Message,
  record: { ticketId: number; seq: number },
): void {
  if (!message.media_group_id) return;
  stageAlbum(op, {
    chatId: message.chat.id,
    mediaGroupId: message.media_group_id,
    record: { ticketId: record.ticketId, seq: record.seq },
  });
}
