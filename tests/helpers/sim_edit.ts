/**
 * Sim methods that change or remove messages: editMessage*, deleteMessage(s).
 * Only messages the bot sent can be edited, and an edit must change something.
 *
 * @module
 */

import type { Message, MessageEntity } from "grammy/types";
import {
  CAPTIONED_KEYS,
  mediaContent,
  type MediaKind,
  messageIdParam,
  resolveFile,
  setCaption,
} from "./sim_send.ts";
import { type ChatState, type Payload, sameMarkup, type SimState } from "./sim_state.ts";
import {
  bad,
  checkCaption,
  checkMessageText,
  checkReplyMarkup,
  jsonParam,
  stringParam,
} from "./validate.ts";
import { forgetMessage } from "./world.ts";

const NOT_MODIFIED =
  "message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message";

/** The bot's own message addressed by chat_id + message_id, for edits. */
function editable(s: SimState, p: Payload): { st: ChatState; m: Message } {
  const st = s.existingChat(p.chat_id);
  const id = messageIdParam(p.message_id);
  const found = s.findMessage(st.chat.id, id);
  if (!found) s.messageNotFound(st.chat.id, id, "message to edit not found");
  s.assertCanWrite(st);
  if (found.own) return { st, m: found.message };
  if (found.message.from?.id !== s.bot.id) bad("message can't be edited");
  // A bot message a factory made (e.g. callback()'s default): the sim takes it over.
  forgetMessage(st.chat.id, id);
  return { st, m: s.store(st, structuredClone(found.message)) };
}

/**
 * A formatted text as Telegram compares it: surrounding whitespace trimmed
 * (Telegram stores texts trimmed), entities in Telegram's order (offset, then
 * longer first) with their fields in one order, a mention by its user id.
 */
function canonicalText(text: string, entities: MessageEntity[] | undefined): string {
  const start = text.length - text.trimStart().length;
  const trimmed = text.trim();
  const list = (entities ?? [])
    .map((e) => {
      const offset = Math.max(0, e.offset - start);
      const end = Math.min(trimmed.length, e.offset - start + e.length);
      const fields: Record<string, unknown> = { ...e, offset, length: end - offset };
      if (e.type === "text_mention") fields.user = e.user.id;
      return fields;
    })
    .filter((e) => (e.length as number) > 0)
    .sort((a, b) =>
      (a.offset as number) - (b.offset as number) || (b.length as number) - (a.length as number) ||
      String(a.type).localeCompare(String(b.type))
    )
    .map((e) => Object.fromEntries(Object.entries(e).sort(([x], [y]) => x.localeCompare(y))));
  return JSON.stringify([trimmed, list]);
}

/** Whether a message's text or caption already is `text` with `entities`. */
const sameText = (
  current: { text: string; entities?: MessageEntity[] },
  next: { text: string; entities?: MessageEntity[] },
) => canonicalText(current.text, current.entities) === canonicalText(next.text, next.entities);

/** editMessageText. */
export function editMessageText(s: SimState, p: Payload): Message | true {
  const parsed = checkMessageText(p.text, p.parse_mode, p.entities, s.fmt);
  const markup = checkReplyMarkup(p.reply_markup);
  if (p.inline_message_id !== undefined) return true;
  const { m } = editable(s, p);
  if (m.text === undefined) bad("there is no text in the message to edit");
  if (
    sameText({ text: m.text, entities: m.entities }, parsed) &&
    sameMarkup(m.reply_markup, markup.inline)
  ) bad(NOT_MODIFIED);
  m.text = parsed.text;
  if (parsed.entities.length) m.entities = parsed.entities;
  else delete m.entities;
  applyMarkup(m, markup.inline);
  m.edit_date = s.now();
  return m;
}

function applyMarkup(m: Message, inline: Message["reply_markup"]) {
  if (inline) m.reply_markup = inline;
  else delete m.reply_markup;
}

function hasCaptionSlot(m: Message): boolean {
  return CAPTIONED_KEYS.some((k) => m[k] !== undefined);
}

/** editMessageCaption. */
export function editMessageCaption(s: SimState, p: Payload): Message | true {
  const caption = checkCaption(p.caption, p.parse_mode, p.caption_entities, s.fmt);
  const markup = checkReplyMarkup(p.reply_markup);
  if (p.inline_message_id !== undefined) return true;
  const { m } = editable(s, p);
  if (!hasCaptionSlot(m)) bad("there is no caption in the message to edit");
  const current = { text: m.caption ?? "", entities: m.caption_entities };
  if (
    sameText(current, caption ?? { text: "" }) && sameMarkup(m.reply_markup, markup.inline)
  ) bad(NOT_MODIFIED);
  setCaption(m, caption);
  applyMarkup(m, markup.inline);
  m.edit_date = s.now();
  return m;
}

/** editMessageReplyMarkup. */
export function editMessageReplyMarkup(s: SimState, p: Payload): Message | true {
  const markup = checkReplyMarkup(p.reply_markup);
  if (p.inline_message_id !== undefined) return true;
  const { m } = editable(s, p);
  if (sameMarkup(m.reply_markup, markup.inline)) bad(NOT_MODIFIED);
  applyMarkup(m, markup.inline);
  m.edit_date = s.now();
  return m;
}

/** editMessageMedia. */
export function editMessageMedia(s: SimState, p: Payload): Message | true {
  const media = jsonParam<Payload>(p.media, "media");
  if (!media || typeof media !== "object") bad('parameter "media" is required');
  const kind = stringParam(media.type) as MediaKind;
  if (!["photo", "video", "document", "audio", "animation"].includes(kind)) {
    bad(`can't parse InputMedia: unsupported media type "${kind}"`);
  }
  const caption = checkCaption(media.caption, media.parse_mode, media.caption_entities, s.fmt);
  const markup = checkReplyMarkup(p.reply_markup);
  const file = resolveFile(media.media, kind);
  if (p.inline_message_id !== undefined) return true;
  const { m } = editable(s, p);
  if (!hasCaptionSlot(m)) bad("there is no media in the message to edit");
  for (const k of CAPTIONED_KEYS) delete m[k];
  Object.assign(m, mediaContent(kind, file));
  setCaption(m, caption);
  applyMarkup(m, markup.inline);
  m.edit_date = s.now();
  return m;
}

function deleteOne(s: SimState, st: ChatState, id: number): boolean {
  const found = s.findMessage(st.chat.id, id);
  if (!found) return false;
  const mine = found.own || found.message.from?.id === s.bot.id;
  if (!mine && st.chat.type !== "private" && !st.botIsAdmin) bad("message can't be deleted");
  st.messages.delete(id);
  forgetMessage(st.chat.id, id);
  return true;
}

/** deleteMessage. */
export function deleteMessage(s: SimState, p: Payload): true {
  const st = s.existingChat(p.chat_id);
  const id = messageIdParam(p.message_id);
  if (!deleteOne(s, st, id)) s.messageNotFound(st.chat.id, id, "message to delete not found");
  return true;
}

/** deleteMessages: missing ids are skipped. */
export function deleteMessages(s: SimState, p: Payload): true {
  const st = s.existingChat(p.chat_id);
  const ids = jsonParam<unknown[]>(p.message_ids, "message identifiers");
  if (!Array.isArray(ids) || ids.length === 0) bad("message_ids is empty");
  if (ids.length > 100) bad("too many messages identifiers specified");
  for (const id of ids) deleteOne(s, st, Number(id));
  return true;
}
