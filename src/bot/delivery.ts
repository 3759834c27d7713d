/**
 * Moving messages between chats: a user's message to the admins, an admin's
 * answer to the user, feedback to the admins.
 *
 * Messages are copied (`copyMessage` / `copyMessages`), so every kind of media
 * goes through with its caption, and the ticket header goes with it: as a
 * caption prefix when header and caption fit Telegram's 1024 characters, else
 * as a message of its own right before the copy. Texts are re-sent with the
 * header, escaped, and split over 4096 characters without losing a character.
 *
 * Albums arrive as one update per item. {@link bufferAlbumPart} lets each item be
 * stored as it arrives (nothing is lost if the process stops) and delivers the
 * whole album with one `copyMessages` once no new item came for
 * {@link ALBUM_WAIT_MS}, without holding up the chat's next update.
 *
 * @module
 */
import { type Api, GrammyError, type InlineKeyboard } from "grammy";
import type { Message } from "grammy/types";
import type { BotDeps } from "./context.ts";
import { escapeHtml } from "../html.ts";
import {
  type MessageKind,
  type NewMessage,
  STORED_TEXT_LIMIT,
  type TicketMessage,
} from "../store/tickets.ts";

/** Telegram's longest message text. */
export const TEXT_LIMIT = 4096;
/** Telegram's longest media caption. */
export const CAPTION_LIMIT = 1024;
/** How long an album waits for its next item before it is delivered. */
export const ALBUM_WAIT_MS = 500;

/** Kinds whose copy can carry a caption. */
const CAPTIONED = new Set<MessageKind>([
  "photo",
  "video",
  "document",
  "voice",
  "audio",
  "animation",
]);

/** Whether Telegram refused because the user blocked the bot (or is gone): 403. */
export function isUnreachableError(error: unknown): boolean {
  return error instanceof GrammyError && error.error_code === 403;
}

/**
 * Message fields that make a message a copyable one (Telegram copies these;
 * service messages, stories, games, invoices, paid media and giveaways it refuses).
 */
const COPYABLE_FIELDS = [
  "text",
  "animation",
  "audio",
  "document",
  "photo",
  "sticker",
  "video",
  "video_note",
  "voice",
  "contact",
  "venue",
  "location",
  "checklist",
] as const;

/**
 * Fields of service messages: Telegram's notes about something that happened
 * in the chat (a pin, a timer, a payment), not something a person wrote to us.
 */
const SERVICE_FIELDS = [
  "new_chat_members",
  "left_chat_member",
  "new_chat_title",
  "new_chat_photo",
  "delete_chat_photo",
  "group_chat_created",
  "supergroup_chat_created",
  "channel_chat_created",
  "message_auto_delete_timer_changed",
  "migrate_to_chat_id",
  "migrate_from_chat_id",
  "pinned_message",
  "successful_payment",
  "refunded_payment",
  "users_shared",
  "chat_shared",
  "gift",
  "unique_gift",
  "connected_website",
  "write_access_allowed",
  "passport_data",
  "proximity_alert_triggered",
  "boost_added",
  "chat_background_set",
  "checklist_tasks_done",
  "checklist_tasks_added",
  "direct_message_price_changed",
  "forum_topic_created",
  "forum_topic_edited",
  "forum_topic_closed",
  "forum_topic_reopened",
  "general_forum_topic_hidden",
  "general_forum_topic_unhidden",
  "giveaway_created",
  "giveaway_completed",
  "paid_message_price_changed",
  "video_chat_scheduled",
  "video_chat_started",
  "video_chat_ended",
  "video_chat_participants_invited",
  "web_app_data",
] as const;

/**
 * Whether the bot can pass a message on: "ok" (text, media, contact,
 * location...), "service" (a note from Telegram, ignored) or "unsupported"
 * (polls, dice, stories, games...: the sender is told so).
 */
export function contentSupport(message: Message): "ok" | "service" | "unsupported" {
  const fields = message as unknown as Record<string, unknown>;
  if (message.dice !== undefined || message.poll !== undefined) return "unsupported";
  if (COPYABLE_FIELDS.some((field) => fields[field] !== undefined)) return "ok";
  if (SERVICE_FIELDS.some((field) => fields[field] !== undefined)) return "service";
  return "unsupported";
}

/** Logs a failed Telegram call and reports it to the alert chat (throttled there). */
export function reportFailure(
  deps: Pick<BotDeps, "log"> & Partial<Pick<BotDeps, "alerts">>,
  error: unknown,
  what: string,
  details: Record<string, unknown> = {},
): void {
  deps.log.warn(what, { ...details, error });
  deps.alerts?.error(error, what);
}

/** What a single Telegram message is. */
export function kindOf(message: Message): MessageKind {
  if (message.text !== undefined) return "text";
  if (message.photo) return "photo";
  if (message.animation) return "animation";
  if (message.video) return "video";
  if (message.video_note) return "video_note";
  if (message.voice) return "voice";
  if (message.audio) return "audio";
  if (message.sticker) return "sticker";
  if (message.document) return "document";
  return "other";
}

/** The text or caption of messages (an album's captions joined). */
export function textOf(messages: Message[]): string | undefined {
  const parts = messages.map((m) => m.text ?? m.caption).filter((text): text is string =>
    !!text?.trim()
  );
  return parts.length ? parts.join("\n") : undefined;
}

/** A ticket message record for Telegram messages (one, or an album's items). */
export function recordOf(
  messages: Message[],
  options: { direction: "in" | "out"; authorId: number; at: number },
): NewMessage {
  const first = messages[0];
  return {
    direction: options.direction,
    kind: first.media_group_id ? "album" : kindOf(first),
    text: textOf(messages),
    at: options.at,
    authorId: options.authorId,
    source: { chatId: first.chat.id, messageIds: messages.map((m) => m.message_id) },
  };
}

/**
 * Stand-ins for the original messages of a stored record, enough for
 * {@link deliver} to copy them again from their source chat under the usual
 * header (redelivery after a crash or an outage, when the update is gone). A
 * text is re-sent from the record unless it was shortened; then, as anything
 * else without a caption, it is copied after the header.
 */
export function storedMessages(record: TicketMessage): Message[] {
  const { chatId, messageIds } = record.source;
  const base = { chat: { id: chatId, type: "private" }, date: Math.floor(record.at / 1000) };
  if (record.kind === "album" || messageIds.length > 1) {
    return messageIds.map((id) =>
      ({ ...base, message_id: id, media_group_id: "stored" }) as unknown as Message
    );
  }
  const single: Record<string, unknown> = { ...base, message_id: messageIds[0] };
  if (record.kind === "text") {
    if (record.text !== undefined && record.text.length <= STORED_TEXT_LIMIT) {
      single.text = record.text;
    }
  } else if (CAPTIONED.has(record.kind)) {
    single[record.kind] = {};
    if (record.text !== undefined) single.caption = record.text;
  }
  return [single as unknown as Message];
}

/** Whether a message is a bot command (`/start`, `/id@bot`, ...). */
export function isCommand(message: Message): boolean {
  return message.entities?.some((e) => e.type === "bot_command" && e.offset === 0) ?? false;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/**
 * Splits `text` into pieces whose escaped HTML is at most `budget` characters,
 * preferring line breaks, then spaces; never drops or cuts a character.
 */
export function splitForHtml(text: string, budget: number): string[] {
  const chunks: string[] = [];
  let rest = text;
  while (escapeHtml(rest).length > budget) {
    let end = 0;
    let length = 0;
    while (end < rest.length) {
      const add = escapeHtml(rest[end]).length;
      if (length + add > budget) break;
      length += add;
      end++;
    }
    if (end > 1 && isHighSurrogate(rest.charCodeAt(end - 1))) end--;
    const window = rest.slice(0, end);
    let cut = window.lastIndexOf("\n");
    if (cut < end / 2) cut = window.lastIndexOf(" ");
    cut = cut < end / 2 ? end : cut + 1;
    chunks.push(rest.slice(0, cut));
    rest = rest.slice(cut);
  }
  if (rest.length || chunks.length === 0) chunks.push(rest);
  return chunks;
}

/** Where a delivery goes. */
export interface Destination {
  chatId: number;
  /** A forum topic (the alert chat). */
  threadId?: number;
}

/** Options of {@link deliver}. */
export interface DeliverOptions {
  /** HTML naming the ticket (already escaped). */
  headerHtml: string;
  /** Buttons under the delivered message (the last one of a split text). */
  keyboard?: InlineKeyboard;
}

/**
 * Delivers `messages` (one message, or an album's items in order) from
 * `fromChatId` to `to` under a header. Returns the ids of every message that
 * landed (header included). Errors are thrown to the caller (403: see
 * {@link isUnreachableError}).
 */
export async function deliver(
  api: Api,
  to: Destination,
  messages: Message[],
  options: DeliverOptions,
): Promise<number[]> {
  const first = messages[0];
  const fromChatId = first.chat.id;
  const thread = to.threadId === undefined ? {} : { message_thread_id: to.threadId };
  const html = { parse_mode: "HTML" as const, ...thread };
  const header = options.headerHtml;
  const markup = options.keyboard ? { reply_markup: options.keyboard } : {};
  const ids: number[] = [];
  const sendHeader = async (withMarkup: boolean) => {
    const sent = await api.sendMessage(to.chatId, header, {
      ...html,
      ...(withMarkup ? markup : {}),
    });
    ids.push(sent.message_id);
  };

  if (messages.length > 1 || first.media_group_id) {
    await sendHeader(true);
    const messageIds = messages.map((m) => m.message_id).toSorted((a, b) => a - b);
    try {
      const copied = await api.copyMessages(to.chatId, fromChatId, messageIds, thread);
      ids.push(...copied.map((c) => c.message_id));
    } catch (error) {
      // The album is kept together when Telegram allows; if copyMessages is
      // refused (for a reason other than an unreachable chat), its items still
      // go one by one rather than not at all.
      if (isUnreachableError(error)) throw error;
      for (const messageId of messageIds) {
        ids.push((await api.copyMessage(to.chatId, fromChatId, messageId, thread)).message_id);
      }
    }
    return ids;
  }

  if (first.text !== undefined) {
    const budget = TEXT_LIMIT - header.length - 2;
    const chunks = splitForHtml(first.text, budget);
    for (const [index, chunk] of chunks.entries()) {
      const sent = await api.sendMessage(to.chatId, `${header}\n\n${escapeHtml(chunk)}`, {
        ...html,
        ...(index === chunks.length - 1 ? markup : {}),
      });
      ids.push(sent.message_id);
    }
    return ids;
  }

  const kind = kindOf(first);
  if (CAPTIONED.has(kind)) {
    const caption = first.caption?.trim() ? `${header}\n\n${escapeHtml(first.caption)}` : header;
    if (caption.length <= CAPTION_LIMIT) {
      const copy = await api.copyMessage(to.chatId, fromChatId, first.message_id, {
        caption,
        ...html,
        ...markup,
      });
      ids.push(copy.message_id);
      return ids;
    }
  }
  // No room for the header in the caption, or a kind without captions.
  await sendHeader(false);
  const copy = await api.copyMessage(to.chatId, fromChatId, first.message_id, {
    ...thread,
    ...markup,
  });
  ids.push(copy.message_id);
  return ids;
}

/** An album being collected: its items so far and what the handlers keep. */
export interface AlbumGroup<S> {
  messages: Message[];
  state?: S;
}

/** What to do with an album's items: on each arrival, and once it is complete. */
export interface AlbumHandlers<S> {
  /** Runs inside the item's update (store it here). */
  part(group: AlbumGroup<S>, message: Message): Promise<void>;
  /** Runs once after the last item, outside any update (deliver here). */
  done(group: AlbumGroup<S>): Promise<void>;
}

interface PendingGroup {
  group: AlbumGroup<unknown>;
  handlers: AlbumHandlers<unknown>;
  timer?: ReturnType<typeof setTimeout>;
}

interface AlbumState {
  groups: Map<string, PendingGroup>;
  running: Set<Promise<void>>;
}

const albumStates = new WeakMap<object, AlbumState>();

function albumState(deps: object): AlbumState {
  let state = albumStates.get(deps);
  if (!state) {
    state = { groups: new Map(), running: new Set() };
    albumStates.set(deps, state);
  }
  return state;
}

function albumKey(message: Message): string {
  return `${message.chat.id}:${message.media_group_id}`;
}

/** Whether an item of this message's album is already being collected. */
export function isCollectingAlbum(deps: BotDeps, message: Message): boolean {
  return !!message.media_group_id && albumState(deps).groups.has(albumKey(message));
}

function finish(deps: BotDeps, key: string): void {
  const state = albumState(deps);
  const pending = state.groups.get(key);
  if (!pending) return;
  state.groups.delete(key);
  clearTimeout(pending.timer);
  const run = pending.handlers.done(pending.group).catch((error) => {
    deps.runtime.errorCount++;
    deps.log.error("Could not deliver an album", { error });
    deps.alerts.error(error, "album delivery");
  }).finally(() => {
    state.running.delete(run);
    deps.runtime.inFlight--;
  });
  state.running.add(run);
}

/**
 * Adds an album item: `handlers.part` runs now (awaited), `handlers.done` runs
 * once {@link ALBUM_WAIT_MS} passed without a new item. The handlers of the
 * first item are used for the whole album. While an album is pending it counts
 * as an update in flight, so a graceful shutdown waits for it.
 */
export async function bufferAlbumPart<S>(
  deps: BotDeps,
  message: Message,
  handlers: AlbumHandlers<S>,
): Promise<void> {
  const state = albumState(deps);
  const key = albumKey(message);
  let pending = state.groups.get(key);
  if (!pending) {
    pending = { group: { messages: [] }, handlers: handlers as AlbumHandlers<unknown> };
    state.groups.set(key, pending);
    deps.runtime.inFlight++;
  }
  clearTimeout(pending.timer);
  pending.group.messages.push(message);
  try {
    await pending.handlers.part(pending.group, message);
  } finally {
    if (state.groups.get(key) === pending) {
      pending.timer = setTimeout(() => finish(deps, key), ALBUM_WAIT_MS);
    }
  }
}

/**
 * Delivers every album still waiting, now, and waits for all deliveries
 * (graceful shutdown; tests call it instead of sleeping).
 */
export async function flushAlbums(deps: BotDeps): Promise<void> {
  const state = albumState(deps);
  for (const key of [...state.groups.keys()]) finish(deps, key);
  while (state.running.size) await Promise.all([...state.running]);
}
