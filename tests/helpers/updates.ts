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

/** A photo (two sizes, the largest last). */
export function photo(from: User, caption?: string): Update {
  return wrap(message(from, privateChat(from), {
    photo: photoSizes(newFile("photo", 98_765)),
    ...captionOf(caption),
  }));
}

/** A video. */
export function video(from: User, caption?: string): Update {
  const f = newFile("video", 1_234_567, "clip.mp4");
  return wrap(
    message(from, privateChat(from), { video: videoOf(f, "clip.mp4"), ...captionOf(caption) }),
  );
}

/** A file. */
export function document(
  from: User,
  opts: { file_name?: string; caption?: string; file_size?: number } = {},
): Update {
  const name = opts.file_name ?? "report.pdf";
  const f = newFile("document", opts.file_size ?? 45_678, name);
  return wrap(message(from, privateChat(from), {
    document: documentOf(f, name),
    ...captionOf(opts.caption),
  }));
}

/** A voice message. */
export function voice(from: User, caption?: string): Update {
  return wrap(message(from, privateChat(from), {
    voice: voiceOf(newFile("voice", 23_456)),
    ...captionOf(caption),
  }));
}

/** A music file. */
export function audio(from: User, caption?: string): Update {
  const f = newFile("audio", 3_456_789, "song.mp3");
  return wrap(
    message(from, privateChat(from), { audio: audioOf(f, "song.mp3"), ...captionOf(caption) }),
  );
}

/** A GIF: Telegram sends both `animation` and `document`. */
export function animation(from: User, caption?: string): Update {
  const f = newFile("animation", 234_567, "funny.gif.mp4");
  return wrap(message(from, privateChat(from), {
    animation: animationOf(f, "funny.gif.mp4"),
    document: documentOf(f, "funny.gif.mp4"),
    ...captionOf(caption),
  }));
}

/** A sticker. */
export function sticker(from: User, emoji = "👍"): Update {
  return wrap(
    message(from, privateChat(from), { sticker: stickerOf(newFile("sticker", 23_000), emoji) }),
  );
}

/** A round video message. */
export function videoNote(from: User): Update {
  return wrap(
    message(from, privateChat(from), { video_note: videoNoteOf(newFile("video_note", 345_678)) }),
  );
}

let mediaGroupSeq = 13_900_000_000_000_000;

/** An album: one update per item, sharing a media_group_id; the caption is on the first item. */
export function album(from: User, kinds: ("photo" | "video")[], caption?: string): Update[] {
  const groupId = String(++mediaGroupSeq);
  return kinds.map((kind, i) => {
    const content: Partial<Message> = kind === "photo"
      ? { photo: photoSizes(newFile("photo", 98_765)) }
      : { video: videoOf(newFile("video", 1_234_567, `clip${i + 1}.mp4`), `clip${i + 1}.mp4`) };
    return wrap(message(from, privateChat(from), {
      ...content,
      media_group_id: groupId,
      ...(i === 0 ? captionOf(caption) : {}),
    }));
  });
}

/** Options of {@link groupText}. */
export interface GroupTextOptions {
  /** Forum topic the message is in. */
  threadId?: number;
  /** The group is a forum supergroup (implied by threadId). */
  isForum?: boolean;
  reply_to_message?: Message;
}

/** A text message in a group or forum topic. */
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
