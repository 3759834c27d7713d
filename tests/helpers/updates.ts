/**
 * Factories for incoming updates shaped like Telegram sends them, with
 * increasing update_id and message_id. Every message made here is known to
 * every {@link TelegramSim} (replies, copies and forwards of it work; file_ids
 * in it are valid), and every callback query is waiting for one answer.
 *
 * @module
 */

import type { Chat, Message, MessageEntity, Update, User } from "grammy/types";
import { TEST_BOT_INFO } from "./bot_info.ts";
import {
  animationOf,
  audioOf,
  documentOf,
  photoSizes,
  stickerOf,
  videoNoteOf,
  videoOf,
  voiceOf,
} from "./media.ts";
import {
  findChat,
  findMessage,
  newFile,
  nextMessageId,
  nextUpdateId,
  rememberCallbackQuery,
  rememberMessage,
  rememberUser,
  resetWorld,
} from "./world.ts";
import type { TelegramSim } from "./telegram_sim.ts";

export { nextUpdateId };

/** Message sent in a chat other than a channel (what `Update.message` holds). */
type IncomingMessage = NonNullable<Update["message"]>;

let dateSource = () => Math.floor(Date.now() / 1000);

/** Sets the clock (Unix seconds) used for message dates; call with no argument to restore. */
export function setDateSource(source?: () => number): void {
  dateSource = source ?? (() => Math.floor(Date.now() / 1000));
}

/** Resets update_id/message_id counters and forgets all messages, files and queries. */
export function resetIds(): void {
  resetWorld();
}

/** Options of {@link user}. */
export interface UserOptions {
  first_name?: string;
  last_name?: string;
  username?: string;
  language_code?: string;
  is_premium?: true;
}

/** A Telegram user (remembered, so getChat/private chats show the name). */
export function user(id: number, opts: UserOptions = {}): User {
  const u: User = {
    id,
    is_bot: false,
    first_name: opts.first_name ?? `User${id}`,
    ...(opts.last_name ? { last_name: opts.last_name } : {}),
    ...(opts.username ? { username: opts.username } : {}),
    language_code: opts.language_code ?? "en",
    ...(opts.is_premium ? { is_premium: true as const } : {}),
  };
  rememberUser(u);
  return u;
}

/** The private chat of a user with the bot. */
export function privateChat(u: User): Chat.PrivateChat {
  return {
    id: u.id,
    type: "private",
    first_name: u.first_name,
    ...(u.last_name ? { last_name: u.last_name } : {}),
    ...(u.username ? { username: u.username } : {}),
  };
}

/**
 * A group chat object: the one registered with `sim.addGroup` if any, else a
 * supergroup for forums and ids below -10^12 (as addGroup would make it).
 */
export function groupChat(
  chatId: number,
  isForum = false,
): Exclude<Chat, Chat.PrivateChat | Chat.ChannelChat> {
  const known = findChat(chatId);
  if (known && known.type !== "private" && known.type !== "channel") return known;
  const title = `Test group ${-chatId}`;
  return isForum || chatId <= -1_000_000_000_000
    ? { id: chatId, type: "supergroup", title, ...(isForum ? { is_forum: true as const } : {}) }
    : { id: chatId, type: "group", title };
}

/** A message object from `from` in `chat` (remembered). */
function message(from: User, chat: Chat, content: Partial<Message>): IncomingMessage {
  const m = {
    message_id: nextMessageId(),
    from,
    chat,
    date: dateSource(),
    ...content,
  } as IncomingMessage;
  rememberMessage(m);
  return m;
}

/** Wraps a message into an update. */
function wrap(m: IncomingMessage): Update {
  return { update_id: nextUpdateId(), message: m };
}

/** Telegram marks a leading /command with a bot_command entity. */
function commandEntities(text: string): MessageEntity[] {
  const cmd = /^\/[A-Za-z0-9_]{1,32}(@[A-Za-z0-9_]{3,32})?/.exec(text);
  return cmd ? [{ type: "bot_command", offset: 0, length: cmd[0].length }] : [];
}

function textContent(text: string, entities?: MessageEntity[]): Partial<Message> {
  const list = entities ?? commandEntities(text);
  return { text, ...(list.length ? { entities: list } : {}) };
}

function replyField(replied?: Message): Partial<Message> {
  if (!replied) return {};
  const { reply_to_message: _nested, ...rest } = replied;
  return { reply_to_message: rest as Message & { reply_to_message: undefined } };
}

/** A text message in the user's private chat with the bot. */
export function privateText(
  from: User,
  text: string,
  opts: { reply_to_message?: Message; entities?: MessageEntity[] } = {},
): Update {
  return wrap(message(from, privateChat(from), {
    ...textContent(text, opts.entities),
    ...replyField(opts.reply_to_message),
  }));
}

/** A /command (with its bot_command entity), e.g. `command(u, "start", "ref_42")`. */
export function command(from: User, name: string, args?: string): Update {
  const text = args ? `/${name} ${args}` : `/${name}`;
  return privateText(from, text, {
    entities: [{ type: "bot_command", offset: 0, length: name.length + 1 }],
  });
}

/** A reply by `from` to `repliedMessage` (e.g. a copy the bot delivered), in that message's chat. */
export function replyTo(from: User, repliedMessage: Message, text: string): Update {
  const thread = repliedMessage.is_topic_message
    ? { message_thread_id: repliedMessage.message_thread_id, is_topic_message: true as const }
    : {};
  return wrap(message(from, repliedMessage.chat, {
    ...textContent(text),
    ...thread,
    ...replyField(repliedMessage),
  }));
}

/** The bot as it appears in `from` of its messages. */
const BOT_USER: User = {
  id: TEST_BOT_INFO.id,
  is_bot: true,
  first_name: TEST_BOT_INFO.first_name,
  username: TEST_BOT_INFO.username,
};

let callbackSeq = 0;

/**
 * A button press. `message` is the message the button was on (give a message
 * the sim holds, e.g. `sim.lastMessageIn(chatId)`); by default a bot message in
 * the user's private chat.
 */
export function callback(from: User, data: string, message?: Message): Update {
  const m = message ?? botMessage(privateChat(from), {
    text: "Menu",
    reply_markup: { inline_keyboard: [[{ text: "Button", callback_data: data }]] },
  });
  const id = `${4_000_000_000_000_000_000n + BigInt(++callbackSeq) * 7_919n}`;
  rememberCallbackQuery(id);
  return {
    update_id: nextUpdateId(),
    callback_query: {
      id,
      from,
      message: m,
      chat_instance: `-${(BigInt(Math.abs(m.chat.id)) * 104_729n + 31n).toString()}`,
      data,
    },
  };
}

/** A message the bot sent earlier (remembered; the sim lets the bot edit it). */
export function botMessage(chat: Chat, content: Partial<Message>): Message {
  const m = {
    message_id: nextMessageId(),
    from: BOT_USER,
    chat,
    date: dateSource(),
    ...content,
  } as Message;
  rememberMessage(m);
  return m;
}

const captionOf = (caption?: string): Partial<Message> => caption ? { caption } : {};

/** Media kinds a user can send (what {@link userMedia} builds). */
export type UserMediaKind =
  | "photo"
  | "video"
  | "document"
  | "voice"
  | "audio"
  | "animation"
  | "sticker"
  | "video_note";

/** Options of {@link userMedia}. */
export interface UserMediaOptions {
  /** Caption (ignored for stickers and video notes, which have none). */
  caption?: string;
  /** File name of a video, document, audio or animation. */
  file_name?: string;
  /** Size in bytes. */
  file_size?: number;
  /** Emoji of a sticker (default 👍). */
  emoji?: string;
}

/**
 * The content fields of a media message a user sends, with a new valid
 * file_id, e.g. `userMedia("photo", { caption: "look" })`: what {@link photo},
 * {@link video}, ... put into a private chat, for any chat (see
 * {@link topicUpdate}).
 */
export function userMedia(kind: UserMediaKind, opts: UserMediaOptions = {}): Partial<Message> {
  const caption = captionOf(opts.caption);
  switch (kind) {
    case "photo":
      return { photo: photoSizes(newFile("photo", opts.file_size ?? 98_765)), ...caption };
    case "video": {
      const name = opts.file_name ?? "clip.mp4";
      const f = newFile("video", opts.file_size ?? 1_234_567, name);
      return { video: videoOf(f, name), ...caption };
    }
    case "document": {
      const name = opts.file_name ?? "report.pdf";
      const f = newFile("document", opts.file_size ?? 45_678, name);
      return { document: documentOf(f, name), ...caption };
    }
    case "voice":
      return { voice: voiceOf(newFile("voice", opts.file_size ?? 23_456)), ...caption };
    case "audio": {
      const name = opts.file_name ?? "song.mp3";
      const f = newFile("audio", opts.file_size ?? 3_456_789, name);
      return { audio: audioOf(f, name), ...caption };
    }
    case "animation": {
      // Telegram sends both `animation` and `document`, for old clients.
      const name = opts.file_name ?? "funny.gif.mp4";
      const f = newFile("animation", opts.file_size ?? 234_567, name);
      return { animation: animationOf(f, name), document: documentOf(f, name), ...caption };
    }
    case "sticker":
      return {
        sticker: stickerOf(newFile("sticker", opts.file_size ?? 23_000), opts.emoji ?? "👍"),
      };
    case "video_note":
      return { video_note: videoNoteOf(newFile("video_note", opts.file_size ?? 345_678)) };
  }
}

/** A photo (two sizes, the largest last). */
export function photo(from: User, caption?: string): Update {
  return wrap(message(from, privateChat(from), userMedia("photo", { caption })));
}

/** A video. */
export function video(from: User, caption?: string): Update {
  return wrap(message(from, privateChat(from), userMedia("video", { caption })));
}

/** A file. */
export function document(
  from: User,
  opts: { file_name?: string; caption?: string; file_size?: number } = {},
): Update {
  return wrap(message(from, privateChat(from), userMedia("document", opts)));
}

/** A voice message. */
export function voice(from: User, caption?: string): Update {
  return wrap(message(from, privateChat(from), userMedia("voice", { caption })));
}

/** A music file. */
export function audio(from: User, caption?: string): Update {
  return wrap(message(from, privateChat(from), userMedia("audio", { caption })));
}

/** A GIF: Telegram sends both `animation` and `document`. */
export function animation(from: User, caption?: string): Update {
  return wrap(message(from, privateChat(from), userMedia("animation", { caption })));
}

/** A sticker. */
export function sticker(from: User, emoji = "👍"): Update {
  return wrap(message(from, privateChat(from), userMedia("sticker", { emoji })));
}

/** A round video message. */
export function videoNote(from: User): Update {
  return wrap(message(from, privateChat(from), userMedia("video_note")));
}

let mediaGroupSeq = 13_900_000_000_000_000;

/** Contents of an album's items: a shared media_group_id, the caption on the first item. */
function albumContents(kinds: ("photo" | "video")[], caption?: string): Partial<Message>[] {
  const groupId = String(++mediaGroupSeq);
  return kinds.map((kind, i) => ({
    ...(kind === "photo"
      ? userMedia("photo")
      : userMedia("video", { file_name: `clip${i + 1}.mp4` })),
    media_group_id: groupId,
    ...(i === 0 ? captionOf(caption) : {}),
  }));
}

/** An album: one update per item, sharing a media_group_id; the caption is on the first item. */
export function album(from: User, kinds: ("photo" | "video")[], caption?: string): Update[] {
  return albumContents(kinds, caption).map((content) =>
    wrap(message(from, privateChat(from), content))
  );
}

/** Colour of a topic's icon when none is chosen (Telegram's default blue). */
export const DEFAULT_TOPIC_COLOR = 7322096;

/** A message without its nested reply, as Telegram embeds replied and pinned messages. */
function unnested(m: Message): Message & { reply_to_message: undefined } {
  const { reply_to_message: _nested, ...rest } = structuredClone(m);
  return rest as Message & { reply_to_message: undefined };
}

/**
 * The "topic created" service message of a topic (its message_id is the
 * thread id): the sim's if it knows it, else one synthesized from the topic's
 * name in the sim, with `from` as its creator, and remembered.
 */
function topicRoot(
  sim: TelegramSim | undefined,
  chatId: number,
  threadId: number,
  from: User,
): Message & { reply_to_message: undefined } {
  const known = sim?.message(chatId, threadId) ?? findMessage(chatId, threadId);
  if (known) return unnested(known);
  const topic = sim?.topic(chatId, threadId);
  const root = {
    message_id: threadId,
    from,
    chat: groupChat(chatId, true),
    date: dateSource(),
    message_thread_id: threadId,
    forum_topic_created: {
      name: topic?.name ?? `Topic ${threadId}`,
      icon_color: topic?.icon_color ?? DEFAULT_TOPIC_COLOR,
    },
    is_topic_message: true as const,
  } as IncomingMessage;
  rememberMessage(root);
  return unnested(root);
}

/** Options of {@link topicUpdate}. */
export interface TopicMessageOptions {
  /**
   * The message this one replies to (e.g. a bot message in the topic, from
   * `sim.topicMessages`); it must be in the same topic.
   */
  replyTo?: Message;
}

/**
 * A message from `from` in forum topic `threadId` of supergroup `chatId`,
 * shaped like Telegram's: `chat` is the forum (is_forum), `message_thread_id`
 * the topic and `is_topic_message` true; `reply_to_message` is `replyTo`, or
 * else the topic's "topic created" service message (Telegram's way of
 * marking the topic), taken from `sim` when it knows it. With `threadId`
 * undefined the message is in the General topic: no thread, no reply.
 *
 * `content` is a text (a leading /command gets its bot_command entity, so
 * `"/note some text"` is a command) or message fields, e.g.
 * `userMedia("photo", { caption: "look" })` or `{ location: {...} }`.
 * The message is remembered, so the bot can reply to, copy and forward it.
 *
 * @example
 * ```ts
 * await app.send(topicUpdate(app.sim, GROUP, thread, agent, "Hello!"));
 * await app.send(topicUpdate(app.sim, GROUP, thread, agent, userMedia("voice")));
 * const card = app.sim.topicMessages(GROUP, thread)[0];
 * await app.send(topicUpdate(app.sim, GROUP, thread, agent, "/note vip", { replyTo: card }));
 * ```
 */
export function topicUpdate(
  sim: TelegramSim | undefined,
  chatId: number,
  threadId: number | undefined,
  from: User,
  content: string | Partial<Message>,
  opts: TopicMessageOptions = {},
): Update {
  return wrap(topicMessage(sim, chatId, threadId, from, content, opts));
}

/** The message of {@link topicUpdate} (remembered, not wrapped). */
function topicMessage(
  sim: TelegramSim | undefined,
  chatId: number,
  threadId: number | undefined,
  from: User,
  content: string | Partial<Message>,
  opts: TopicMessageOptions,
): IncomingMessage {
  if (threadId !== undefined && sim?.isTopicDeleted(chatId, threadId)) {
    throw new Error(`topic ${threadId} of ${chatId} was deleted: nobody can write there`);
  }
  const replied = opts.replyTo;
  const repliedThread = replied?.is_topic_message ? replied.message_thread_id : undefined;
  if (replied && (replied.chat.id !== chatId || repliedThread !== threadId)) {
    throw new Error(
      `replyTo is message ${replied.message_id} of ${replied.chat.id} in thread ${repliedThread}, ` +
        `not in ${chatId} thread ${threadId}`,
    );
  }
  const fields = typeof content === "string" ? textContent(content) : content;
  const thread = threadId === undefined ? {} : {
    message_thread_id: threadId,
    reply_to_message: replied ? unnested(replied) : topicRoot(sim, chatId, threadId, from),
    is_topic_message: true as const,
  };
  return message(from, groupChat(chatId, true), {
    ...thread,
    ...(threadId === undefined ? replyField(replied) : {}),
    ...fields,
  });
}

/**
 * An album in a forum topic (see {@link topicUpdate}): one update per item,
 * sharing a media_group_id, the caption on the first item, every item in the
 * topic.
 */
export function topicAlbum(
  sim: TelegramSim | undefined,
  chatId: number,
  threadId: number | undefined,
  from: User,
  kinds: ("photo" | "video")[],
  caption?: string,
): Update[] {
  return albumContents(kinds, caption).map((content) =>
    topicUpdate(sim, chatId, threadId, from, content)
  );
}

/**
 * Service message: `from` created a forum topic in `chatId`. Its message_id
 * is the new thread id (`update.message.message_thread_id`); the topic is
 * registered with `sim`.
 */
export function topicCreated(
  sim: TelegramSim | undefined,
  chatId: number,
  from: User,
  name: string,
  iconColor = DEFAULT_TOPIC_COLOR,
): Update {
  const id = nextMessageId();
  const m = {
    message_id: id,
    from,
    chat: groupChat(chatId, true),
    date: dateSource(),
    message_thread_id: id,
    forum_topic_created: { name, icon_color: iconColor },
    is_topic_message: true as const,
  } as IncomingMessage;
  rememberMessage(m);
  sim?.addTopic(chatId, id, name);
  return wrap(m);
}

/** Service message: `from` renamed topic `threadId` (or changed its icon); `sim` follows. */
export function topicEdited(
  sim: TelegramSim | undefined,
  chatId: number,
  threadId: number,
  from: User,
  edit: { name?: string; icon_custom_emoji_id?: string },
): Update {
  const update = topicUpdate(sim, chatId, threadId, from, { forum_topic_edited: edit });
  sim?.editTopicByUser(chatId, threadId, edit);
  return update;
}

/**
 * Service message: `from` pinned `pinned` (a message of a group); it is in
 * the pinned message's topic, or in General.
 */
export function pinnedUpdate(sim: TelegramSim | undefined, from: User, pinned: Message): Update {
  const threadId = pinned.is_topic_message ? pinned.message_thread_id : undefined;
  return topicUpdate(sim, pinned.chat.id, threadId, from, { pinned_message: unnested(pinned) });
}

/**
 * The user edited `original` (any chat, e.g. a topic message of
 * {@link topicUpdate}): its text, or its caption when it has none.
 */
export function editedUpdate(original: Message, newText: string): Update {
  const m = { ...structuredClone(original), edit_date: dateSource() } as
    & IncomingMessage
    & { edit_date: number };
  if (m.text !== undefined) {
    delete m.entities;
    Object.assign(m, textContent(newText));
  } else {
    delete m.caption_entities;
    m.caption = newText;
  }
  rememberMessage(m);
  return { update_id: nextUpdateId(), edited_message: m };
}

/** Options of {@link groupText}. */
export interface GroupTextOptions {
  /** Forum topic the message is in. */
  threadId?: number;
  /** The group is a forum supergroup (implied by threadId). */
  isForum?: boolean;
  reply_to_message?: Message;
}

/**
 * A text message in a group or forum topic. A message in a topic made here
 * has no `reply_to_message` unless given; {@link topicUpdate} builds it as
 * Telegram does.
 */
export function groupText(
  chatId: number,
  from: User,
  text: string,
  opts: GroupTextOptions = {},
): Update {
  const forum = opts.isForum ?? opts.threadId !== undefined;
  const thread = opts.threadId !== undefined
    ? { message_thread_id: opts.threadId, is_topic_message: true as const }
    : {};
  return wrap(message(from, groupChat(chatId, forum), {
    ...textContent(text),
    ...thread,
    ...replyField(opts.reply_to_message),
  }));
}

/** A /command in a group; `withUsername` writes it as /name@bot like clients do from the menu. */
export function groupCommand(
  chatId: number,
  from: User,
  name: string,
  args?: string,
  opts: GroupTextOptions & { withUsername?: boolean } = {},
): Update {
  const cmd = opts.withUsername ? `/${name}@${TEST_BOT_INFO.username}` : `/${name}`;
  return groupText(chatId, from, args ? `${cmd} ${args}` : cmd, opts);
}

/** The user edited their private message `messageId`. */
export function editedText(from: User, messageId: number, newText: string): Update {
  const original = findMessage(from.id, messageId);
  const m = {
    ...(original ?? { message_id: messageId, from, chat: privateChat(from), date: dateSource() }),
    ...textContent(newText),
    edit_date: dateSource(),
  } as IncomingMessage & { edit_date: number };
  delete (m as Partial<Message>).caption;
  rememberMessage(m);
  return { update_id: nextUpdateId(), edited_message: m };
}

/** A shared contact (the user's own by default). */
export function contact(from: User, phone = "+15551234567"): Update {
  return wrap(message(from, privateChat(from), {
    contact: { phone_number: phone, first_name: from.first_name, user_id: from.id },
  }));
}

/** A location. */
export function location(from: User, latitude = 52.52, longitude = 13.405): Update {
  return wrap(message(from, privateChat(from), { location: { latitude, longitude } }));
}

let pollSeq = 0;

/** A poll the user sent. */
export function poll(from: User, question = "Which option?", options = ["Yes", "No"]): Update {
  return wrap(message(from, privateChat(from), {
    poll: {
      id: String(5_000_000_000_000_000_000n + BigInt(++pollSeq)),
      question,
      options: options.map((text, i) => ({ persistent_id: String(i), text, voter_count: 0 })),
      total_voter_count: 0,
      is_closed: false,
      is_anonymous: true,
      type: "regular",
      allows_multiple_answers: false,
      allows_revoting: true,
      members_only: false,
    },
  }));
}

/** A dice throw. */
export function dice(from: User, emoji = "🎲", value = 3): Update {
  return wrap(message(from, privateChat(from), { dice: { emoji, value } }));
}

/** A post in a channel the bot is in (no `from`, sender_chat is the channel). */
export function channelPost(chatId: number, text: string): Update {
  const chat: Chat.ChannelChat = { id: chatId, type: "channel", title: `Test channel ${-chatId}` };
  const m = {
    message_id: nextMessageId(),
    sender_chat: chat,
    chat,
    date: dateSource(),
    text,
  } as Message & { chat: Chat.ChannelChat };
  rememberMessage(m);
  return { update_id: nextUpdateId(), channel_post: m };
}

/** Service message: `members` (default: `from` itself) joined the group. */
export function serviceNewMembers(chatId: number, from: User, members: User[] = [from]): Update {
  return wrap(message(from, groupChat(chatId), { new_chat_members: members }));
}
