/**
 * Sending a message on from one chat to another under a header: a user's
 * message to an agent, an agent's answer to the user.
 *
 * Messages are copied (`copyMessage` / `copyMessages`), so every kind of media
 * goes through with its caption, and the header goes with it: as a caption
 * prefix when header and caption fit Telegram's 1024 characters, else as a
 * message of its own right before the copy. Texts are re-sent with the header,
 * escaped, and split over 4096 characters without losing a character. HTML
 * parse mode is set by the API transformer (telegram/api.ts).
 *
 * @module
 */
import type { Api, InlineKeyboard } from "grammy";
import type { Message } from "grammy/types";
import { escapeHtml } from "../html.ts";
import {
  CAPTION_LIMIT,
  CAPTIONED,
  isUnreachableError,
  kindOf,
  splitForHtml,
  TEXT_LIMIT,
} from "./content.ts";

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
  const html = thread;
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
