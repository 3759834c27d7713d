/**
 * A user's messages in the private chat: they start a ticket (text of at least
 * ASK_MIN_LENGTH characters, or media with a caption) or join the user's open
 * ticket, and reach every admin under a header naming `#id`. A message that
 * cannot start a ticket gets a hint; none is dropped silently.
 *
 * @module
 */
import { type Api, Composer } from "grammy";
import type { Message } from "grammy/types";
import type { BotContext, BotDeps } from "../context.ts";
import { afterUserMessage, type Ticket } from "../../domain/ticket.ts";
import {
  addEditMessage,
  addUserMessage,
  appendToMessage,
  type CopyLink,
  findByCopy,
  getMessage,
  getOpenTicket,
  getTicket,
  type MessageRef,
  readForUserMessage,
  recordCopies,
  type UserMessageHooks,
  userMessageKeys,
} from "../../store/tickets.ts";
import type { Prefetch } from "../prefetch.ts";
import { getUser, markUnreachable } from "../../store/users.ts";
import { stageClearPending } from "../../store/pending.ts";
import { adminLocale } from "../../services/notify.ts";
import {
  bufferAlbumPart,
  contentSupport,
  deliver,
  isCommand,
  isUnreachableError,
  recordOf,
  reportFailure,
  textOf,
} from "../delivery.ts";
import { bindT, ticketReplyKeyboard } from "../render/menu.ts";
import { adminHeader } from "../render/notices.ts";
import { deliverToAdmins } from "../../services/ticket_delivery.ts";

/**
 * Why these messages cannot start a ticket (a locale key), or null when they can:
 * a text needs ASK_MIN_LENGTH characters, media needs a caption.
 */
export function startProblem(messages: Message[], minLength: number): string | null {
  const first = messages[0];
  if (first.text !== undefined) {
    return [...first.text.trim()].length >= minLength ? null : "conv-ask-too-short";
  }
  return textOf(messages) ? null : "conv-ask-needs-caption";
}

/**
 * A message handled again after a crash (see journal.ts) is already stored
 * (`link` points at it): deliver it if that had not happened yet, never store
 * it twice.
 */
async function resumeStored(ctx: BotContext, message: Message, link: CopyLink): Promise<void> {
  const { deps } = ctx;
  const [stored, ticket] = await Promise.all([
    getMessage(deps.kv, link.ticketId, link.seq),
    getTicket(deps.kv, link.ticketId),
  ]);
  if (stored && ticket && stored.copies.length === 0) {
    await deliverToAdmins(ctx.api, deps, ticket, link.seq, [message], {
      created: link.seq === 1,
    });
  }
}

/** A new ticket also ends a pending "Ask a question" (or feedback) input, in the same commit. */
function userMessageHooks(userId: number, now: number): UserMessageHooks {
  return {
    onExisting: (ticket) => afterUserMessage(ticket, now),
    onCreate: (op) => stageClearPending(op, userId),
  };
}

/**
 * Tells the user something (a confirmation, a hint). A failure is reported but
 * never stops the message from reaching the admins; a 403 marks the user
 * unreachable (they blocked the bot right after writing).
 */
async function tellUser(api: Api, deps: BotDeps, userId: number, html: string): Promise<void> {
  try {
    await api.sendMessage(userId, html, { parse_mode: "HTML" });
  } catch (error) {
    if (isUnreachableError(error)) await markUnreachable(deps.kv, userId);
    else reportFailure(deps, error, "Could not answer a user", { userId });
  }
}

/** Where a user's message comes from, as {@link userMessageKeys} wants it. */
function sourceOf(message: Message) {
  return { chatId: message.chat.id, messageId: message.message_id };
}

/** A user's message (not an album item) reads its link and the open ticket: read ahead. */
export const userMessagesPrefetch: Prefetch = (ctx) => {
  const message = ctx.message;
  return !ctx.isAdmin && message && ctx.chat?.type === "private" && !isCommand(message) &&
      !message.media_group_id
    ? userMessageKeys(message.chat.id, sourceOf(message))
    : [];
};

async function receiveMessage(ctx: BotContext, message: Message): Promise<void> {
  const { deps } = ctx;
  const userId = message.chat.id;
  const [linkKey, indexKey] = userMessageKeys(userId, sourceOf(message));
  const linkEntry = ctx.prefetched.get<CopyLink>(linkKey);
  const indexEntry = ctx.prefetched.get<number>(indexKey);
  const { link, open } = await readForUserMessage(
    deps.kv,
    userId,
    sourceOf(message),
    linkEntry && indexEntry ? [linkEntry, indexEntry] : undefined,
  );
  if (link) return await resumeStored(ctx, message, link);
  if (!open.ticket?.value) {
    const problem = startProblem([message], deps.config.askMinLength);
    if (problem) {
      await ctx.reply(ctx.t(problem, { min: deps.config.askMinLength }), { parse_mode: "HTML" });
      return;
    }
  }
  const now = deps.clock.now();
  const result = await addUserMessage(
    deps.kv,
    userId,
    recordOf([message], { direction: "in", authorId: userId, at: now }),
    userMessageHooks(userId, now),
    open,
  );
  if (result.created) {
    await tellUser(
      ctx.api,
      deps,
      userId,
      ctx.t("conv-ticket-created", { id: String(result.ticket.id) }),
    );
  }
  await deliverToAdmins(ctx.api, deps, result.ticket, result.message.seq, [message], {
    created: result.created,
    user: ctx.profile,
    written: result,
  });
}

interface AlbumTicket {
  ticket: Ticket;
  seq: number;
  created: boolean;
}

async function receiveAlbumPart(ctx: BotContext, message: Message): Promise<void> {
  const { deps } = ctx;
  const api = ctx.api;
  const t = ctx.t;
  const userId = message.chat.id;
  await bufferAlbumPart<AlbumTicket>(deps, message, {
    async part(group, item) {
      if (group.state) {
        await appendToMessage(deps.kv, group.state.ticket.id, group.state.seq, {
          messageId: item.message_id,
          text: item.caption,
        });
        return;
      }
      const open = await getOpenTicket(deps.kv, userId);
      // Without an open ticket the album needs a caption; it may come with a later item.
      if (!open && startProblem(group.messages, deps.config.askMinLength)) return;
      const now = deps.clock.now();
      const result = await addUserMessage(
        deps.kv,
        userId,
        recordOf(group.messages, { direction: "in", authorId: userId, at: now }),
        userMessageHooks(userId, now),
      );
      group.state = { ticket: result.ticket, seq: result.message.seq, created: result.created };
    },
    async done(group) {
      const state = group.state;
      if (!state) return await tellUser(api, deps, userId, t("conv-ask-needs-caption"));
      if (state.created) {
        await tellUser(
          api,
          deps,
          userId,
          t("conv-ticket-created", { id: String(state.ticket.id) }),
        );
      }
      await deliverToAdmins(api, deps, state.ticket, state.seq, group.messages, {
        created: state.created,
      });
    },
  });
}

/** The user_messages feature. */
export const userMessagesFeature = new Composer<BotContext>();

const users = userMessagesFeature.chatType("private").filter((ctx) => !ctx.isAdmin);

users.on("message", async (ctx, next) => {
  const message = ctx.message;
  if (isCommand(message)) return next();
  if (message.media_group_id) return await receiveAlbumPart(ctx, message);
  await receiveMessage(ctx, message);
});

// An edit of a message that belongs to the open ticket is kept (as an "edit"
// beside the original) and shown to the admins. A live location's moves arrive
// as edits too: those are not news for support.
users.on("edited_message", async (ctx) => {
  const { deps } = ctx;
  const edited = ctx.editedMessage;
  if (edited.location || contentSupport(edited) !== "ok") return;
  const link = await findByCopy(deps.kv, edited.chat.id, edited.message_id);
  if (!link) return;
  const open = await getOpenTicket(deps.kv, edited.chat.id);
  if (!open || open.id !== link.ticketId) return;
  const stored = await addEditMessage(
    deps.kv,
    open.id,
    recordOf([edited], { direction: "in", authorId: edited.chat.id, at: deps.clock.now() }),
  );
  if (!stored) return;
  const user = await getUser(deps.kv, open.userId);
  const copies = await Promise.all(deps.config.adminIds.map(async (adminId) => {
    try {
      const t = bindT(deps.i18n, await adminLocale(deps, adminId));
      const ids = await deliver(ctx.api, { chatId: adminId }, [edited], {
        headerHtml: t("conv-admin-edited", {
          header: adminHeader(t, open.id, user, open.userId),
        }),
        keyboard: ticketReplyKeyboard(t, open.id),
      });
      return { chatId: adminId, messageIds: ids };
    } catch (error) {
      reportFailure(deps, error, "Could not deliver an edit to an admin", { adminId });
      return null;
    }
  }));
  await recordCopies(
    deps.kv,
    open.id,
    stored.message.seq,
    copies.filter((ref): ref is MessageRef => ref !== null),
  );
});
