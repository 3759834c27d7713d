/**
 * A user's messages in the private chat: they start a ticket (text of at least
 * ASK_MIN_LENGTH characters, or media with a caption) or join the user's open
 * ticket, and reach every admin under a header naming `#id`. A message that
 * cannot start a ticket gets a hint; none is dropped silently.
 *
 * @module
 */
import { Composer } from "grammy";
import type { Message } from "grammy/types";
import type { BotContext } from "../context.ts";
import {
  addEdit,
  addUserMessage,
  findByCopy,
  getAlbum,
  joinStoredAlbum,
  stageAlbum,
} from "../../store/tickets.ts";
import { markUnreachable } from "../../store/users.ts";
import { stageClearPending } from "../../store/pending.ts";
import { agentChats } from "../../services/topics.ts";
import { reportFailure } from "../../services/alerts.ts";
import {
  ALBUM_WAIT_MS,
  contentSupport,
  isCommand,
  isUnreachableError,
  recordOf,
  textOf,
} from "../../telegram/content.ts";
import { commit } from "../../store/locked.ts";

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
 * Tells the user something (a confirmation, a hint). A failure is reported but
 * never stops the message from reaching the admins; a 403 marks the user
 * unreachable (they blocked the bot right after writing).
 */
async function tellUser(ctx: BotContext, html: string): Promise<void> {
  const { deps } = ctx;
  const userId = ctx.chat!.id;
  try {
    await ctx.api.sendMessage(userId, html);
  } catch (error) {
    if (isUnreachableError(error)) await markUnreachable(deps.kv, userId);
    else reportFailure(deps, error, "Could not answer a user", { userId });
  }
}

/**
 * Stores a user's message (one, or an album's items so far) with its copies
 * to every agent in the outbox, and wakes the sender. Returns false when no
 * ticket is open and the message may not open one (`problem` is why).
 */
async function store(
  ctx: BotContext,
  messages: Message[],
  options: { problem: string | null; readyAt?: number; album?: string },
): Promise<boolean> {
  const { deps } = ctx;
  const userId = ctx.chat!.id;
  const now = deps.clock.now();
  const result = await addUserMessage(deps.kv, {
    userId,
    content: recordOf(messages, { direction: "in", authorId: userId, at: now }),
    mayOpen: options.problem === null,
    delivery: { to: agentChats(deps.config), readyAt: options.readyAt },
    extra: (op, stored) => {
      stageClearPending(op, userId);
      if (options.album) {
        stageAlbum(op, {
          chatId: userId,
          mediaGroupId: options.album,
          record: { ticketId: stored.ticketId, seq: stored.seq },
        });
      }
    },
  });
  if (!result) return false;
  for (const chatId of agentChats(deps.config)) deps.wake(chatId);
  if (result.created) {
    await tellUser(ctx, ctx.t("conv-ticket-created", { id: String(result.ticket.id) }));
  }
  return true;
}

async function receiveMessage(ctx: BotContext, message: Message): Promise<void> {
  const { deps } = ctx;
  // Handled again after a failure or a crash, the message may be stored already.
  if (await findByCopy(deps.kv, message.chat.id, message.message_id)) return;
  const problem = startProblem([message], deps.config.askMinLength);
  if (await store(ctx, [message], { problem })) return;
  await ctx.reply(ctx.t(problem!, { min: deps.config.askMinLength }));
}

/**
 * An album arrives as one update per item. Each item is stored in its own
 * update: the first one that may open (or joins) a ticket stores the message,
 * later ones join it; its copies wait {@link ALBUM_WAIT_MS} after the latest
 * item, so the album goes as one. Items that came before a caption (no open
 * ticket) wait in the album's record until a captioned item opens the ticket.
 */
async function receiveAlbumItem(ctx: BotContext, message: Message): Promise<void> {
  const { deps } = ctx;
  const userId = message.chat.id;
  const groupId = message.media_group_id!;
  if (await findByCopy(deps.kv, userId, message.message_id)) return;
  const readyAt = Date.now() + ALBUM_WAIT_MS;
  const joined = await joinStoredAlbum(deps.kv, {
    chatId: userId,
    mediaGroupId: groupId,
    messageId: message.message_id,
    text: message.caption,
    readyAt,
    to: () => agentChats(deps.config),
  });
  if (joined) return;
  const album = (await getAlbum(deps.kv, userId, groupId)).value;
  const waiting = album && "waiting" in album ? album.waiting : [];
  const earlier = waiting.map((id) =>
    ({ ...message, message_id: id, caption: undefined }) as Message
  );
  const items = [...earlier, message].toSorted((a, b) => a.message_id - b.message_id);
  const problem = startProblem(items, deps.config.askMinLength);
  if (await store(ctx, items, { problem, readyAt, album: groupId })) return;
  // No open ticket and no caption yet: the items wait for one; the hint comes once.
  const op = deps.kv.atomic();
  stageAlbum(op, {
    chatId: userId,
    mediaGroupId: groupId,
    record: { waiting: items.map((m) => m.message_id) },
  });
  await commit(op);
  if (!album) await ctx.reply(ctx.t("conv-ask-needs-caption"));
}

/** The user_messages feature. */
export const userMessagesFeature = new Composer<BotContext>();

const users = userMessagesFeature.chatType("private").filter((ctx) => !ctx.isAdmin);

users.on("message", async (ctx, next) => {
  const message = ctx.message;
  if (isCommand(message)) return next();
  if (message.media_group_id) return await receiveAlbumItem(ctx, message);
  await receiveMessage(ctx, message);
});

// An edit of a message that reached the agents: every copy follows it (the
// outbox edits it in place, or answers it with the new text). A live
// location's moves arrive as edits too: those are not news for support.
users.on("edited_message", async (ctx) => {
  const { deps } = ctx;
  const edited = ctx.editedMessage;
  if (edited.location || contentSupport(edited) !== "ok") return;
  const link = await findByCopy(deps.kv, edited.chat.id, edited.message_id);
  if (!link || link.seq === 0) return;
  let targets: number[] = [];
  const stored = await addEdit(deps.kv, {
    ticketId: link.ticketId,
    seq: link.seq,
    content: recordOf([edited], {
      direction: "in",
      authorId: edited.chat.id,
      at: deps.clock.now(),
    }),
    // Where agents are now, and wherever a copy went before (the group may have changed).
    to: (original) =>
      targets = [...new Set([...agentChats(deps.config), ...original.copies.map((c) => c.chatId)])],
  });
  if (stored) targets.forEach(deps.wake);
});
