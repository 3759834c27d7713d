/**
 * What a Telegram message is, for passing it on: its kind, its text, whether
 * it can be copied, its record in the store, and texts split to Telegram's
 * limits.
 *
 * @module
 */
import { GrammyError } from "grammy";
import type { Message } from "grammy/types";
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
/** How long an album waits for its next item before it is passed on. */
export const ALBUM_WAIT_MS = 500;

/** Kinds whose copy can carry a caption. */
export const CAPTIONED = new Set<MessageKind>([
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
  const { chatId, messageIds } = record.from ?? record.source;
  const base = { chat: { id: chatId, type: "private" }, date: Math.floor(record.at / 1000) };
  if (record.kind === "album" || messageIds.length > 1) {
    return messageIds.map((id) =>
      ({ ...base, message_id: id, media_group_id: "stored" }) as unknown as Message
    );
  }
  const single: Record<string, unknown> = { ...base, message_id: messageIds[0] };
  // As last edited: a copy sent after an edit shows the new text.
  const text = record.current ?? record.text;
  if (record.kind === "text") {
    if (text !== undefined && text.length <= STORED_TEXT_LIMIT) single.text = text;
  } else if (CAPTIONED.has(record.kind)) {
    single[record.kind] = {};
    if (text !== undefined) single.caption = text;
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
