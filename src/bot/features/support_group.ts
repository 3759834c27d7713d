/**
 * The support group (SUPPORT_CHAT_ID), where agents work together: in a
 * customer's topic, whatever an agent writes (text, any media, an album)
 * answers the customer, opening a ticket in progress when none is open;
 * `/note …` stays internal, kept in the ticket's history as a note. A member
 * who is not an agent reaches no one and is told so once per topic. The
 * General topic, topics that are not a customer's, and service messages (a
 * topic created or renamed, members joining) are not answers.
 *
 * `/r <name>` in a topic answers with a saved reply. From here on only the
 * agents' commands (`/admin`, `/help`, `/ban`, `/unban`, `/save`, `/saved`,
 * `/find`) and buttons go on from the group to the other features.
 *
 * @module
 */
import { Composer } from "grammy";
import type { Message } from "grammy/types";
import type { BotContext } from "../context.ts";
import {
  openWithAnswer,
  savedAnswer,
  savedReplyName,
  storeAnswer,
  storeAnswerEdit,
} from "../answer.ts";
import { addNote, findByCopy, getOpenTicket, joinStoredAlbum } from "../../store/tickets.ts";
import { getTopic, topicUser, warnOnce } from "../../store/topics.ts";
import { ALBUM_WAIT_MS, contentSupport, recordOf } from "../../telegram/content.ts";

/** Agents' commands that work in the group as in a private chat. */
const GROUP_COMMANDS = new Set(["admin", "help", "ban", "unban", "save", "saved", "find"]);

/** The command a message starts with (`/note@bot text` → "note"), if any. */
function commandOf(message: Message): string | undefined {
  const entity = message.entities?.[0];
  if (entity?.type !== "bot_command" || entity.offset !== 0) return undefined;
  return message.text!.slice(1, entity.length).split("@")[0].toLowerCase();
}

/** The support_group feature. */
export const supportGroupFeature = new Composer<BotContext>();

const group = supportGroupFeature.filter((ctx) =>
  ctx.chat !== undefined && ctx.chat.id === ctx.deps.config.supportChatId
);

group.on("message", async (ctx, next) => {
  const message = ctx.message;
  const command = commandOf(message);
  if (command !== undefined && command !== "note" && command !== "r") {
    return ctx.isAdmin && GROUP_COMMANDS.has(command) ? await next() : undefined;
  }
  // A message in a topic carries the topic's thread even when it replies to nothing.
  if (!message.is_topic_message || message.message_thread_id === undefined) return;
  const support = contentSupport(message);
  if (support === "service") return;
  const { deps } = ctx;
  const chatId = message.chat.id;
  const threadId = message.message_thread_id;
  const userId = await topicUser(deps.kv, chatId, threadId);
  if (userId === null) return; // a topic the members made, not a customer's
  if (!ctx.isAdmin) {
    if (await warnOnce(deps.kv, { chatId, threadId, memberId: ctx.from.id })) {
      await ctx.reply(ctx.t("group-agents-only"));
    }
    return;
  }
  if (support === "unsupported") return void await ctx.reply(ctx.t("hardening-not-supported"));
  // Handled again after a failure or a crash, the message may be stored already.
  if (await findByCopy(deps.kv, chatId, message.message_id)) return;
  if (command === "note") return await keepNote(ctx, userId, message);
  const saved = command === "r" ? savedReplyName(message) : undefined;
  const content = saved === undefined ? undefined : await savedAnswer(ctx, message, saved);
  if (saved !== undefined && !content) return;
  const joined = message.media_group_id !== undefined && await joinStoredAlbum(deps.kv, {
    chatId,
    mediaGroupId: message.media_group_id,
    messageId: message.message_id,
    text: message.caption,
    readyAt: Date.now() + ALBUM_WAIT_MS,
    to: (ticket) => [ticket.userId],
  });
  if (joined) return;
  for (let attempt = 0; attempt < 3; attempt++) {
    const open = await getOpenTicket(deps.kv, userId);
    const target = { ticketId: open?.id ?? 0, viaMode: false };
    if (open) return await storeAnswer(ctx, target, message, content ?? undefined);
    if (await openWithAnswer(ctx, userId, message, content ?? undefined)) return;
  }
});

/** `/note …`: kept in the history of the customer's open (else latest) ticket. */
async function keepNote(ctx: BotContext, userId: number, message: Message): Promise<void> {
  const { deps } = ctx;
  const text = message.text!.replace(/^\/\S+\s*/, "").trim();
  if (!text) return void await ctx.reply(ctx.t("group-note-empty"));
  const open = await getOpenTicket(deps.kv, userId);
  const topic = (await getTopic(deps.kv, message.chat.id, userId)).value;
  const ticketId = open?.id ?? (topic && "threadId" in topic ? topic.ticketId : undefined);
  if (ticketId === undefined) return;
  const content = recordOf([message], {
    direction: "out",
    authorId: ctx.from!.id,
    at: deps.clock.now(),
  });
  const stored = await addNote(deps.kv, ticketId, { ...content, text });
  if (stored) await ctx.reply(ctx.t("group-note-kept", { id: String(ticketId) }));
}

// An agent edited an answer in a topic: the customer's copy follows.
group.on("edited_message", async (ctx) => {
  if (ctx.isAdmin) await storeAnswerEdit(ctx, ctx.editedMessage);
});

// Buttons, and the agents' commands let through above, go on; nothing else of the group does.
group.use(async (ctx, next) => {
  if (ctx.callbackQuery || ctx.message) await next();
});
