/**
 * The sim's model of Telegram: chats, the messages the bot sent, forum topics,
 * bot settings. Method handlers (sim_methods.ts) read and change it; the
 * lookups here throw the errors Telegram gives for missing chats/messages.
 *
 * @module
 */

import type {
  Chat,
  ChatMember,
  InlineKeyboardMarkup,
  Message,
  User,
  UserFromGetMe,
} from "grammy/types";
import { TEST_BOT_INFO } from "./bot_info.ts";
import {
  bumpMessageId,
  findMessage,
  findUser,
  forgetMessage,
  messagesOf,
  nextMessageId,
  rememberChat,
} from "./world.ts";
import { bad, type CheckedMarkup, checkReplyMarkup, forbidden, jsonParam } from "./validate.ts";

/** A call's parameters. */
export type Payload = Record<string, unknown>;

/** A method implementation: returns the call's `result` or throws an ApiFailure. */
export type Handler = (s: SimState, p: Payload) => unknown;

/** Options of the sim. */
export interface SimOptions {
  /**
   * Be stricter than Telegram where leniency only hides bugs (default true):
   * refuse an unescaped `&` in HTML and entities that end after the text.
   */
  strict?: boolean;
  /** The bot (getMe result, `from` of sent messages). */
  botInfo?: UserFromGetMe;
  /** Clock in Unix seconds (message dates). */
  now?: () => number;
}

/** A forum topic. */
export interface Topic {
  name: string;
  icon_color: number;
  icon_custom_emoji_id?: string;
  closed: boolean;
  /** The bot created it (it may then edit it without can_manage_topics). */
  byBot?: boolean;
}

/** How a deleted forum topic answers the calls that still use it. */
export interface DeletedTopic {
  /** Telegram's description without "Bad Request: ". */
  error: "message thread not found" | "TOPIC_DELETED";
  /** A member deleted it ({@link TelegramSim.deleteTopicByUser}), not the bot. */
  byUser: boolean;
  /** A call of the bot has failed because of the deletion. */
  met: boolean;
  /**
   * The bot created a topic in the chat after it met the deletion: from then
   * on a call that still uses this topic is the bot's error.
   */
  moved: boolean;
  /** Ids of the messages that were in the topic (gone with it). */
  messages: Set<number>;
}

/** Everything the sim knows about one chat. */
export interface ChatState {
  chat: Chat;
  /** Messages the bot sent (or copied/forwarded) into this chat, by message_id. */
  messages: Map<number, Message>;
  blocked: boolean;
  deleted: boolean;
  /** The test removed the bot from the group ({@link TelegramSim.kickBot}). */
  kicked: boolean;
  /** The bot left the group itself (leaveChat). */
  left: boolean;
  neverStarted: boolean;
  botIsAdmin: boolean;
  /** The bot, as administrator of a forum, may manage topics (can_manage_topics). */
  canManageTopics: boolean;
  topics: Map<number, Topic>;
  deletedTopics: Map<number, DeletedTopic>;
  members: Map<number, ChatMember>;
  pinned: number[];
}

/** Options of {@link SimState.addGroup}. */
export interface GroupOptions {
  /** A forum supergroup (topics enabled). */
  isForum?: boolean;
  title?: string;
  username?: string;
  /** Whether the bot is an administrator (default true). */
  botIsAdmin?: boolean;
  /**
   * Whether the bot, as administrator of a forum, has the can_manage_topics
   * right (default true). Without it getChatMember shows
   * `can_manage_topics: false` and createForumTopic fails with "not enough
   * rights to create a topic"; editForumTopic and close/reopen fail with "not
   * enough rights to edit a topic" except on topics the bot created.
   */
  canManageTopics?: boolean;
}

/** The sim's mutable state plus lookups with Telegram's errors. */
export class SimState {
  readonly bot: UserFromGetMe;
  readonly strict: boolean;
  readonly now: () => number;
  readonly chats = new Map<number, ChatState>();
  readonly commands = new Map<string, unknown[]>();
  readonly menuButtons = new Map<string, unknown>();
  /** setMyName / setMyDescription / setMyShortDescription values by kind and language. */
  readonly botTexts = new Map<string, string>();
  webhookUrl = "";
  /** Updates waiting for getUpdates (the fake server overrides this). */
  pendingUpdateCount: () => number = () => 0;
  #mediaGroupSeq = 13_000_000_000_000_000;

  /** The bot as a plain User, as it appears in `from` (getMe-only fields left out). */
  readonly botUser: User;

  constructor(options: SimOptions = {}) {
    this.bot = options.botInfo ?? TEST_BOT_INFO;
    const { id, is_bot, first_name, username } = this.bot;
    this.botUser = { id, is_bot, first_name, username };
    this.strict = options.strict ?? true;
    this.now = options.now ?? (() => Math.floor(Date.now() / 1000));
  }

  /** Formatting options for validate.ts. */
  get fmt() {
    return { strict: this.strict };
  }

  /** State of chat `id`; private chats exist for every positive id. */
  chatState(id: number): ChatState | undefined {
    let st = this.chats.get(id);
    if (!st && id > 0) {
      const user = findUser(id);
      const chat: Chat = {
        id,
        type: "private",
        first_name: user?.first_name ?? `User ${id}`,
        ...(user?.last_name ? { last_name: user.last_name } : {}),
        ...(user?.username ? { username: user.username } : {}),
      };
      st = newChatState(chat);
      this.chats.set(id, st);
    }
    return st;
  }

  /** Registers a group or supergroup (negative id). */
  addGroup(id: number, options: GroupOptions = {}): ChatState {
    if (id >= 0) throw new Error(`group ids are negative, got ${id}`);
    const supergroup = options.isForum || id <= -1_000_000_000_000;
    const title = options.title ?? `Test group ${-id}`;
    const chat: Chat = supergroup
      ? {
        id,
        type: "supergroup",
        title,
        ...(options.username ? { username: options.username } : {}),
        ...(options.isForum ? { is_forum: true as const } : {}),
      }
      : { id, type: "group", title };
    const st = newChatState(chat);
    st.botIsAdmin = options.botIsAdmin ?? true;
    st.canManageTopics = options.canManageTopics ?? true;
    this.chats.set(id, st);
    rememberChat(chat);
    return st;
  }

  /** Resolves a chat_id parameter to a number (Telegram: "chat_id is empty" / "chat not found"). */
  chatId(value: unknown, name = "chat_id"): number {
    if (value === undefined || value === null || value === "") bad(`${name} is empty`);
    if (typeof value === "number" && Number.isInteger(value)) return value;
    if (typeof value === "string" && /^-?\d+$/.test(value)) return Number(value);
    if (typeof value === "string" && value.startsWith("@")) {
      const name = value.slice(1).toLowerCase();
      for (const st of this.chats.values()) {
        if (st.chat.username?.toLowerCase() === name && !st.deleted) return st.chat.id;
      }
    }
    return bad("chat not found");
  }

  /** The chat named by `value`, which must exist. */
  existingChat(value: unknown, name = "chat_id"): ChatState {
    const st = this.chatState(this.chatId(value, name));
    if (!st) bad("chat not found");
    // A chat the test deleted: the bot could not have known.
    if (st.deleted) bad("chat not found", { expected: true });
    return st;
  }

  /** The chat a message is sent to; applies the 403s of blocked/kicked/bots. */
  sendTarget(p: Payload): ChatState {
    const st = this.existingChat(p.chat_id);
    this.assertCanWrite(st);
    return st;
  }

  /**
   * Throws the 403 Telegram gives when the bot cannot write to `st`. Refusals
   * the test set up (blocked, never started, kicked) are expected errors.
   */
  assertCanWrite(st: ChatState): void {
    if (st.chat.id === this.bot.id) forbidden("bot can't send messages to bots");
    const expected = { expected: true };
    if (st.chat.type === "private") {
      if (st.blocked) forbidden("bot was blocked by the user", expected);
      if (st.neverStarted) forbidden("bot can't initiate conversation with a user", expected);
    } else if (st.kicked) {
      forbidden(`bot was kicked from the ${this.#groupKind(st)} chat`, expected);
    } else if (st.left) {
      forbidden(`bot is not a member of the ${this.#groupKind(st)} chat`);
    }
  }

  #groupKind(st: ChatState): string {
    return st.chat.type === "group" ? "group" : "supergroup";
  }

  /** A message in `chatId`: one the bot sent, or one users sent (from the factories). */
  findMessage(chatId: number, messageId: number): { message: Message; own: boolean } | undefined {
    const own = this.chats.get(chatId)?.messages.get(messageId);
    if (own) return { message: own, own: true };
    const theirs = findMessage(chatId, messageId);
    return theirs ? { message: theirs, own: false } : undefined;
  }

  /** All messages of a chat the sim knows, oldest first. */
  messagesIn(chatId: number): Message[] {
    const own = [...(this.chats.get(chatId)?.messages.values() ?? [])];
    return [...own, ...messagesOf(chatId)].sort((a, b) => a.message_id - b.message_id);
  }

  /**
   * A fresh message_id for `st`. The shared counter is already above every
   * factory-made message; the bump covers sim messages older than a resetIds().
   */
  allocMessageId(st: ChatState): number {
    bumpMessageId(Math.max(0, ...st.messages.keys()));
    return nextMessageId();
  }

  /** A new media_group_id. */
  nextMediaGroupId(): string {
    return String(++this.#mediaGroupSeq);
  }

  /**
   * Starts a message the bot sends to `st`: id, date, sender, thread and
   * reply (validated like Telegram), inline keyboard.
   */
  newMessage(
    st: ChatState,
    p: Payload,
    markup: CheckedMarkup = checkReplyMarkup(undefined),
  ): Message {
    // A deleted topic answers before the reply is looked up, like Telegram.
    this.threadParam(st, p);
    const reply = this.replyTarget(st, p);
    const thread = this.threadFor(st, p, reply);
    const m: Message = {
      message_id: this.allocMessageId(st),
      from: this.botUser,
      chat: st.chat,
      date: this.now(),
    };
    if (thread !== undefined) {
      Object.assign(m, { message_thread_id: thread, is_topic_message: true });
    }
    if (reply) {
      // Telegram never nests replies deeper than one level.
      const { reply_to_message: _nested, ...replied } = reply;
      m.reply_to_message = replied as NonNullable<Message["reply_to_message"]>;
    }
    if (markup.inline) m.reply_markup = markup.inline;
    if (p.protect_content === true) m.has_protected_content = true;
    return m;
  }

  /** Stores a sent message and returns it. */
  store(st: ChatState, m: Message): Message {
    st.messages.set(m.message_id, m);
    return m;
  }

  /** The message a send replies to (reply_parameters or legacy reply_to_message_id). */
  replyTarget(st: ChatState, p: Payload): Message | undefined {
    type Params = {
      message_id?: unknown;
      chat_id?: unknown;
      allow_sending_without_reply?: unknown;
    };
    let rp = jsonParam<Params>(p.reply_parameters, "reply parameters");
    if (!rp && p.reply_to_message_id !== undefined) {
      rp = {
        message_id: p.reply_to_message_id,
        allow_sending_without_reply: p.allow_sending_without_reply,
      };
    }
    if (!rp) return undefined;
    const chatId = rp.chat_id === undefined ? st.chat.id : this.chatId(rp.chat_id);
    const found = this.findMessage(chatId, Number(rp.message_id));
    if (!found) {
      if (rp.allow_sending_without_reply === true || rp.allow_sending_without_reply === "true") {
        return undefined;
      }
      this.messageNotFound(chatId, Number(rp.message_id), "message to be replied not found");
    }
    const quote = (rp as { quote?: unknown }).quote;
    if (typeof quote === "string") {
      const source = found.message.text ?? found.message.caption ?? "";
      if (!source.includes(quote)) bad("QUOTE_TEXT_INVALID");
    }
    // A reply into another chat is shown as external_reply; only same-chat replies embed it.
    return chatId === st.chat.id ? found.message : undefined;
  }

  /** Topic of a message sent to a forum; validates message_thread_id. */
  threadFor(st: ChatState, p: Payload, reply?: Message): number | undefined {
    const id = this.threadParam(st, p);
    if (id !== undefined) return id;
    const isForum = st.chat.type === "supergroup" && st.chat.is_forum === true;
    return isForum && reply?.is_topic_message ? reply.message_thread_id : undefined;
  }

  /**
   * Validates a message_thread_id parameter of a forum: the topic must exist
   * (a deleted one answers as {@link assertTopicAlive} says) and be open
   * unless the bot may manage topics. Undefined when absent or not a forum.
   */
  threadParam(st: ChatState, p: Payload): number | undefined {
    const raw = p.message_thread_id;
    if (raw === undefined || raw === null) return undefined;
    // Outside forums the parameter only addresses reply threads; the sim ignores it there.
    if (st.chat.type !== "supergroup" || st.chat.is_forum !== true) return undefined;
    const id = Number(raw);
    this.assertTopicAlive(st, id);
    const topic = this.topic(st, id);
    if (!topic) bad("message thread not found");
    if (topic.closed && !this.mayManageTopic(st, topic)) bad("TOPIC_CLOSED");
    return id;
  }

  /**
   * Throws the error a deleted topic answers with ("message thread not found"
   * or "TOPIC_DELETED"). It is expected while the bot cannot know: the topic
   * was deleted by a member and the bot has not yet created a topic in the
   * chat after meeting the deletion (see {@link DeletedTopic.moved}).
   */
  assertTopicAlive(st: ChatState, id: number): void {
    const gone = st.deletedTopics.get(id);
    if (gone) this.#failDeleted(gone, gone.error);
  }

  #failDeleted(gone: DeletedTopic, description: string): never {
    const expected = gone.byUser && !gone.moved;
    gone.met = true;
    return bad(description, { expected });
  }

  /**
   * Throws `description` for a message that is not there; when the message
   * went with a deleted topic, the error is expected like the topic's own.
   */
  messageNotFound(chatId: number, messageId: number, description: string): never {
    const gone = this.#deletedTopicOf(chatId, messageId);
    return gone ? this.#failDeleted(gone, description) : bad(description);
  }

  /** Whether a message went with a deleted topic. */
  wentWithTopic(chatId: number, messageId: number): boolean {
    return this.#deletedTopicOf(chatId, messageId) !== undefined;
  }

  #deletedTopicOf(chatId: number, messageId: number): DeletedTopic | undefined {
    for (const gone of this.chats.get(chatId)?.deletedTopics.values() ?? []) {
      if (gone.messages.has(messageId)) return gone;
    }
    return undefined;
  }

  /** Marks that the bot created a topic in `st`: deletions it met are now its to handle. */
  topicCreated(st: ChatState): void {
    for (const gone of st.deletedTopics.values()) if (gone.met) gone.moved = true;
  }

  /**
   * Deletes topic `id` with its messages (the bot's and users'); later calls
   * that use it fail with `error`.
   */
  deleteTopic(
    st: ChatState,
    id: number,
    byUser: boolean,
    error: DeletedTopic["error"] = "message thread not found",
  ): void {
    const messages = new Set<number>([id]);
    for (const [mid, m] of st.messages) {
      if (m.message_thread_id === id) {
        messages.add(mid);
        st.messages.delete(mid);
      }
    }
    for (const m of messagesOf(st.chat.id)) {
      if (m.message_thread_id === id && m.is_topic_message) {
        messages.add(m.message_id);
        forgetMessage(st.chat.id, m.message_id);
      }
    }
    st.topics.delete(id);
    st.deletedTopics.set(id, { error, byUser, met: false, moved: false, messages });
    st.pinned = st.pinned.filter((x) => !messages.has(x));
  }

  /** Whether the bot may edit, close or reopen `topic` (can_manage_topics, or it created it). */
  mayManageTopic(st: ChatState, topic: Topic): boolean {
    return (st.botIsAdmin && st.canManageTopics) || topic.byBot === true;
  }

  /** A forum topic: created by the bot, added by a test, or seen in users' messages. */
  topic(st: ChatState, id: number): Topic | undefined {
    if (st.deletedTopics.has(id)) return undefined;
    const known = st.topics.get(id);
    if (known) return known;
    const seen = messagesOf(st.chat.id).some((m) =>
      m.is_topic_message && m.message_thread_id === id
    );
    return seen ? { name: `Topic ${id}`, icon_color: 7322096, closed: false } : undefined;
  }

  /** A chat member as getChatMember reports it. */
  member(st: ChatState, userId: number): ChatMember {
    const known = st.members.get(userId);
    if (known) return known;
    const user: User = userId === this.bot.id
      ? this.botUser
      : findUser(userId) ?? { id: userId, is_bot: false, first_name: `User ${userId}` };
    if (userId === this.bot.id && st.botIsAdmin && st.chat.type !== "private") {
      const forum = st.chat.type === "supergroup" && !!st.chat.is_forum;
      return botAdministrator(this.botUser, forum, st.canManageTopics);
    }
    const spoke = st.chat.type === "private"
      ? st.chat.id === userId
      : messagesOf(st.chat.id).some((m) => m.from?.id === userId);
    return spoke || userId === this.bot.id ? { status: "member", user } : { status: "left", user };
  }
}

function newChatState(chat: Chat): ChatState {
  return {
    chat,
    messages: new Map(),
    blocked: false,
    deleted: false,
    kicked: false,
    left: false,
    neverStarted: false,
    botIsAdmin: true,
    canManageTopics: true,
    topics: new Map(),
    deletedTopics: new Map(),
    members: new Map(),
    pinned: [],
  };
}

function botAdministrator(bot: User, forum: boolean, canManageTopics: boolean): ChatMember {
  return {
    status: "administrator",
    user: bot,
    can_be_edited: false,
    is_anonymous: false,
    can_manage_chat: true,
    can_delete_messages: true,
    can_manage_video_chats: true,
    can_restrict_members: true,
    can_promote_members: false,
    can_change_info: true,
    can_invite_users: true,
    can_post_stories: false,
    can_edit_stories: false,
    can_delete_stories: false,
    can_pin_messages: true,
    ...(forum ? { can_manage_topics: canManageTopics } : {}),
  } as ChatMember;
}

/** Key of a command list: scope (key order ignored; chat ids as numbers) and language. */
export function commandsKeyOf(scope: Record<string, unknown>, languageCode: string): string {
  const norm = Object.entries(scope)
    .map(([k, v]) => [k, k === "chat_id" || k === "user_id" ? Number(v) : v] as const)
    .sort(([a], [b]) => a.localeCompare(b));
  return `${JSON.stringify(norm)}|${languageCode}`;
}

/**
 * Whether two inline keyboards are the same to Telegram: absent and empty are
 * the same, empty rows do not count, and a button's fields are compared
 * whatever their order.
 */
export function sameMarkup(
  a: InlineKeyboardMarkup | undefined,
  b: InlineKeyboardMarkup | undefined,
): boolean {
  const sorted = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(sorted) : typeof v === "object" && v !== null
      ? Object.fromEntries(
        Object.entries(v).sort(([x], [y]) => x.localeCompare(y)).map(([k, x]) => [k, sorted(x)]),
      )
      : v;
  const norm = (m?: InlineKeyboardMarkup) =>
    JSON.stringify(sorted((m?.inline_keyboard ?? []).filter((row) => row.length > 0)));
  return norm(a) === norm(b);
}
