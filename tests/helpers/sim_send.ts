/**
 * Sim methods that put messages into chats: sendMessage, send<Media>,
 * sendMediaGroup, copyMessage(s), forwardMessage(s).
 *
 * @module
 */

import type { Message, MessageEntity, MessageOrigin } from "grammy/types";
import {
  animationOf,
  audioOf,
  documentOf,
  isUploadedFile,
  photoSizes,
  stickerOf,
  videoNoteOf,
  videoOf,
  voiceOf,
} from "./media.ts";
import type { ChatState, Handler, Payload, SimState } from "./sim_state.ts";
import {
  bad,
  checkCaption,
  checkMessageText,
  checkReplyMarkup,
  jsonParam,
  stringParam,
} from "./validate.ts";
import { type FileInfo, findFile, newFile } from "./world.ts";

/** Media kinds that have their own send method. */
export type MediaKind =
  | "photo"
  | "video"
  | "document"
  | "audio"
  | "voice"
  | "animation"
  | "sticker"
  | "video_note";

/** Message fields holding media that can carry a caption. */
export const CAPTIONED_KEYS = [
  "photo",
  "video",
  "document",
  "audio",
  "voice",
  "animation",
] as const;
const CAPTIONED = new Set<MediaKind>(CAPTIONED_KEYS);

/** Message fields that make up its content (what copyMessage copies). */
const CONTENT_KEYS = [
  "text",
  "entities",
  "animation",
  "audio",
  "document",
  "photo",
  "sticker",
  "video",
  "video_note",
  "voice",
  "caption",
  "caption_entities",
  "has_media_spoiler",
  "show_caption_above_media",
  "contact",
  "dice",
  "poll",
  "venue",
  "location",
  "checklist",
] as const;
const COPYABLE = [
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
  "dice",
  "poll",
  "venue",
  "location",
  "checklist",
] as const;

const clone = <T>(v: T): T => structuredClone(v);

/** Reads a message_id parameter (Telegram: "message identifier is not specified"). */
export function messageIdParam(v: unknown): number {
  if (v === undefined || v === null || v === "") bad("message identifier is not specified");
  const id = Number(v);
  if (!Number.isInteger(id) || id <= 0) bad("message identifier is not specified");
  return id;
}

/** Resolves a media parameter (upload, URL or known file_id) to a stored file. */
export function resolveFile(value: unknown, kind: string): FileInfo {
  if (isUploadedFile(value)) {
    if (value.size === 0 && value.url === undefined) bad("file must be non-empty");
    return newFile(kind, value.url ? undefined : value.size, value.file_name);
  }
  const ref = stringParam(value);
  if (ref === undefined || ref === "") bad(`there is no ${kind} in the request`);
  if (/^https?:\/\//i.test(ref)) return newFile(kind, undefined, ref.split("/").pop() || undefined);
  const known = findFile(ref);
  if (!known) bad("wrong file identifier/HTTP URL specified");
  return known;
}

/** The content fields of a media message. */
export function mediaContent(kind: MediaKind, f: FileInfo): Partial<Message> {
  const name = f.file_name;
  switch (kind) {
    case "photo":
      return { photo: photoSizes(f) };
    case "video":
      return { video: videoOf(f, name) };
    case "document":
      return { document: documentOf(f, name) };
    case "audio":
      return { audio: audioOf(f, name) };
    case "voice":
      return { voice: voiceOf(f) };
    case "animation":
      // Telegram sends animations with both fields, for old clients.
      return {
        animation: animationOf(f, name),
        document: documentOf(f, name ?? "animation.gif.mp4"),
      };
    case "sticker":
      return { sticker: stickerOf(f) };
    case "video_note":
      return { video_note: videoNoteOf(f) };
  }
}

/** Sets or removes a message caption. */
export function setCaption(
  m: Message,
  caption: { text: string; entities: MessageEntity[] } | undefined,
) {
  delete m.caption;
  delete m.caption_entities;
  if (caption && caption.text !== "") {
    m.caption = caption.text;
    if (caption.entities.length) m.caption_entities = caption.entities;
  }
}

/** sendPhoto, sendVideo, ... for one media kind. */
export function sendMedia(kind: MediaKind): Handler {
  return (s, p) => {
    const caption = CAPTIONED.has(kind)
      ? checkCaption(p.caption, p.parse_mode, p.caption_entities, s.fmt)
      : undefined;
    const markup = checkReplyMarkup(p.reply_markup);
    const file = resolveFile(p[kind], kind);
    const st = s.sendTarget(p);
    const m = Object.assign(s.newMessage(st, p, markup), mediaContent(kind, file));
    setCaption(m, caption);
    if (p.has_spoiler === true) m.has_media_spoiler = true;
    return s.store(st, m);
  };
}

/** sendMessage. */
export function sendMessage(s: SimState, p: Payload): Message {
  const parsed = checkMessageText(p.text, p.parse_mode, p.entities, s.fmt);
  const markup = checkReplyMarkup(p.reply_markup);
  const st = s.sendTarget(p);
  const m = s.newMessage(st, p, markup);
  m.text = parsed.text;
  if (parsed.entities.length) m.entities = parsed.entities;
  const preview = jsonParam<Message["link_preview_options"]>(
    p.link_preview_options,
    "link preview options",
  );
  if (preview) m.link_preview_options = preview;
  return s.store(st, m);
}

const GROUPABLE = new Set(["photo", "video", "document", "audio"]);

/** sendMediaGroup: 2-10 items sharing a media_group_id. */
export function sendMediaGroup(s: SimState, p: Payload): Message[] {
  if (p.media === undefined) bad('parameter "media" is required');
  const media = jsonParam<Payload[]>(p.media, "media");
  if (!Array.isArray(media)) bad("can't parse media JSON object");
  if (media.length > 10) bad("Too many messages to send as an album");
  if (media.length < 2) bad("media must include 2-10 items");
  const kinds = media.map((item) => {
    const type = stringParam(item?.type) ?? "";
    if (!GROUPABLE.has(type)) {
      bad(`can't parse InputMedia: unsupported media type "${type}" in an album`);
    }
    return type as MediaKind;
  });
  // Documents and audio can only be grouped with their own kind.
  for (const only of ["document", "audio"]) {
    if (kinds.includes(only as MediaKind) && kinds.some((k) => k !== only)) {
      bad(`${only} can't be mixed with other media types in an album`);
    }
  }
  const captions = media.map((item) =>
    checkCaption(item.caption, item.parse_mode, item.caption_entities, s.fmt)
  );
  const files = media.map((item, i) => resolveFile(item.media, kinds[i]));
  const st = s.sendTarget(p);
  const groupId = s.nextMediaGroupId();
  return files.map((file, i) => {
    // Only the first message of an album carries the reply.
    const params = i === 0
      ? p
      : { ...p, reply_parameters: undefined, reply_to_message_id: undefined };
    const m = Object.assign(s.newMessage(st, params), mediaContent(kinds[i], file));
    m.media_group_id = groupId;
    setCaption(m, captions[i]);
    if (media[i].has_spoiler === true) m.has_media_spoiler = true;
    return s.store(st, m);
  });
}

function sourceMessage(s: SimState, p: Payload, id: number): Message | undefined {
  const from = s.existingChat(p.from_chat_id, "from_chat_id");
  return s.findMessage(from.chat.id, id)?.message;
}

function contentOf(src: Message): Partial<Message> {
  const out: Record<string, unknown> = {};
  for (const k of CONTENT_KEYS) {
    if (src[k] !== undefined) out[k] = clone(src[k]);
  }
  return out as Partial<Message>;
}

function isCopyable(m: Message): boolean {
  return COPYABLE.some((k) => m[k] !== undefined);
}

function copyInto(
  s: SimState,
  st: ChatState,
  p: Payload,
  src: Message,
  overrideCaption: { text: string; entities: MessageEntity[] } | undefined,
  groupIds?: Map<string, string>,
): Message {
  const m = Object.assign(s.newMessage(st, p, checkReplyMarkup(p.reply_markup)), contentOf(src));
  const captionable = m.text === undefined && CAPTIONED_KEYS.some((k) => m[k] !== undefined);
  if (captionable && (overrideCaption || p.remove_caption === true)) setCaption(m, overrideCaption);
  if (src.media_group_id && groupIds) {
    if (!groupIds.has(src.media_group_id)) groupIds.set(src.media_group_id, s.nextMediaGroupId());
    m.media_group_id = groupIds.get(src.media_group_id);
  }
  return s.store(st, m);
}

/** copyMessage: the copy has no link to the original; returns its message_id. */
export function copyMessage(s: SimState, p: Payload): { message_id: number } {
  const caption = checkCaption(p.caption, p.parse_mode, p.caption_entities, s.fmt);
  checkReplyMarkup(p.reply_markup);
  const id = messageIdParam(p.message_id);
  const src = sourceMessage(s, p, id);
  if (!src) s.messageNotFound(s.chatId(p.from_chat_id), id, "message to copy not found");
  if (!isCopyable(src)) bad("message can't be copied");
  const st = s.sendTarget(p);
  return { message_id: copyInto(s, st, p, src, caption).message_id };
}

function messageIdList(p: Payload): number[] {
  const ids = jsonParam<unknown[]>(p.message_ids, "message identifiers");
  if (!Array.isArray(ids) || ids.length === 0) bad("message_ids is empty");
  if (ids.length > 100) bad("too many messages identifiers specified");
  const nums = ids.map(Number);
  if (nums.some((n, i) => !Number.isInteger(n) || (i > 0 && n <= nums[i - 1]))) {
    bad("message identifiers must be specified in a strictly increasing order");
  }
  return nums;
}

/** copyMessages: albums stay albums; missing ids are skipped. */
export function copyMessages(s: SimState, p: Payload): { message_id: number }[] {
  const ids = messageIdList(p);
  const from = s.existingChat(p.from_chat_id, "from_chat_id");
  const sources = ids.map((id) => s.findMessage(from.chat.id, id)?.message)
    .filter((m): m is Message => m !== undefined && isCopyable(m));
  if (sources.length === 0) {
    const gone = ids.find((id) => s.wentWithTopic(from.chat.id, id)) ?? ids[0];
    s.messageNotFound(from.chat.id, gone, "messages to copy not found");
  }
  const st = s.sendTarget(p);
  const groups = new Map<string, string>();
  const params = { ...p, reply_markup: undefined };
  return sources.map((src) => ({
    message_id: copyInto(s, st, params, src, undefined, groups).message_id,
  }));
}

function originOf(src: Message): MessageOrigin {
  if (src.chat.type === "channel") {
    return { type: "channel", chat: src.chat, message_id: src.message_id, date: src.date };
  }
  if (src.from) return { type: "user", sender_user: src.from, date: src.date };
  return { type: "hidden_user", sender_user_name: "Hidden", date: src.date };
}

function forwardOne(s: SimState, st: ChatState, p: Payload, src: Message): Message {
  if (src.has_protected_content) bad("message can't be forwarded");
  if (!isCopyable(src)) bad("message can't be forwarded");
  const m = Object.assign(s.newMessage(st, p), contentOf(src));
  m.forward_origin = src.forward_origin ?? originOf(src);
  return s.store(st, m);
}

/** forwardMessage: returns the forwarded Message with forward_origin. */
export function forwardMessage(s: SimState, p: Payload): Message {
  const id = messageIdParam(p.message_id);
  const src = sourceMessage(s, p, id);
  if (!src) s.messageNotFound(s.chatId(p.from_chat_id), id, "message to forward not found");
  return forwardOne(s, s.sendTarget(p), p, src);
}

/** forwardMessages. */
export function forwardMessages(s: SimState, p: Payload): { message_id: number }[] {
  const ids = messageIdList(p);
  const from = s.existingChat(p.from_chat_id, "from_chat_id");
  const sources = ids.map((id) => s.findMessage(from.chat.id, id)?.message)
    .filter((m): m is Message => m !== undefined);
  if (sources.length === 0) {
    const gone = ids.find((id) => s.wentWithTopic(from.chat.id, id)) ?? ids[0];
    s.messageNotFound(from.chat.id, gone, "messages to forward not found");
  }
  const st = s.sendTarget(p);
  return sources.map((src) => ({ message_id: forwardOne(s, st, p, src).message_id }));
}
