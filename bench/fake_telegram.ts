/**
 * A fake Bot API over HTTP, for running the real bot as a subprocess against
 * it (`TELEGRAM_API_ROOT=<url>`). It behaves like Telegram where the benchmark
 * needs it to:
 *
 * - every call is answered after a random delay, uniform in 30–80 ms by default
 *   (the round trip to Telegram);
 * - `getUpdates` long-polls with Telegram's offset semantics: the benchmark
 *   pushes updates, a call returns the unconfirmed ones from `offset` on, and
 *   an update is forgotten once a later call passes an `offset` above its id;
 * - messages get a fresh `message_id` per chat, and `copyMessage(s)` copies the
 *   text or caption of a message it knows (one a customer sent, or one the bot
 *   sent);
 * - Telegram's flood limits, scaled by a factor `S`, as token buckets: per
 *   private chat (id > 0) 1 message/s × S with a burst of 3, per group (id < 0
 *   or `@name`) 20 messages/min × S with a burst of 3, and 30 messages/s × S
 *   overall with a burst of 30. Only calls that put messages into a chat take
 *   tokens (one per message). A call over a limit gets HTTP 429 with
 *   `retry_after` and delivers nothing;
 * - a forum supergroup (the support group, when configured): `getChat` says it
 *   is a forum, `getChatMember` makes the bot an administrator who may manage
 *   topics, `createForumTopic`, `editForumTopic` (`TOPIC_NOT_MODIFIED` for a
 *   rename that changes nothing), `closeForumTopic`, `reopenForumTopic` and
 *   `deleteForumTopic` work on its topics, and `message_thread_id` must name a
 *   live topic there ("message thread not found"). Topic creations, renames,
 *   closings and reopenings post a service message and take a token of the
 *   group's limit like any message.
 *
 * The limits are checked when a request arrives; the answer leaves after the
 * delay, and a delivered message is recorded, per receiving chat, with the time
 * of that answer.
 *
 * @module
 */

/** A message the fake delivered into a chat, as the chat's members see it. */
export interface Delivered {
  chatId: number;
  messageId: number;
  method: string;
  /** `performance.now()` when the answer left the fake. */
  at: number;
  /** Text or caption ("" when none); a topic's name for a topic's service message. */
  text: string;
  /** The forum topic it landed in (absent: a chat without topics, or a forum's General). */
  threadId?: number;
  /** A service message (a topic created, renamed, closed or reopened), not a sent one. */
  service?: boolean;
}

/** A forum topic of the fake's support group. */
export interface FakeTopic {
  chatId: number;
  /** Its `message_thread_id` (the id of the service message that created it). */
  threadId: number;
  /** Its names, first the one it was created with, then every rename. */
  names: string[];
  iconColor: number;
  closed: boolean;
  /** Deleted by the bot (`deleteForumTopic`) or by a member ({@link FakeTelegram.deleteTopic}). */
  deleted: boolean;
  /** `performance.now()` when it was created (the call's arrival). */
  createdAt: number;
}

/** The support group: a supergroup, by default a forum where the bot may manage topics. */
export interface FakeSupportChat {
  /** Negative, like -1001234567890. */
  id: number;
  title?: string;
  /** Topics turned on; default true. */
  isForum?: boolean;
  /** The bot is an administrator (default true)… */
  botIsAdmin?: boolean;
  /** …with the right to manage topics (default true). */
  canManageTopics?: boolean;
}

/** The fake's limits: rates per second before scaling, bursts in messages. */
export interface Limits {
  /** Messages per second in one private chat (Telegram: about 1). */
  privateRate: number;
  privateBurst: number;
  /** Messages per second in one group (Telegram: 20 a minute). */
  groupRate: number;
  groupBurst: number;
  /** Messages per second overall (Telegram: about 30). */
  globalRate: number;
  globalBurst: number;
}

/** Telegram's limits at scale 1. */
export const TELEGRAM_LIMITS: Limits = {
  privateRate: 1,
  privateBurst: 3,
  groupRate: 20 / 60,
  groupBurst: 3,
  globalRate: 30,
  globalBurst: 30,
};

/** Options of {@link startFakeTelegram}. */
export interface FakeTelegramOptions {
  /** The factor S the rates are multiplied by (bursts stay). Default 1. */
  scale?: number;
  /** The answer delay, uniform in [min, max] ms. Default [30, 80]. */
  latencyMs?: [number, number];
  /** The token the bot must use. */
  token: string;
  /** Limits before scaling; default {@link TELEGRAM_LIMITS}. */
  limits?: Limits;
  /** A forum supergroup the bot administers (SUPPORT_CHAT_ID). */
  supportChat?: FakeSupportChat;
}

/** Counts kept by the fake. */
export interface FakeStats {
  calls: Record<string, number>;
  /** Calls answered 429 (nothing delivered). */
  limited_429: number;
  /** The same, by method. */
  limitedByMethod: Record<string, number>;
  /** Other error answers, by `"<code> <method>: <description>"`. */
  errors: Record<string, number>;
  /** Messages delivered into chats. */
  delivered: number;
  /** Mean of the answer delays applied so far, ms. */
  meanLatencyMs: number;
}

/** The running fake. */
export interface FakeTelegram {
  /** The value for TELEGRAM_API_ROOT. */
  apiRoot: string;
  /** The bot's identity (getMe). */
  botInfo: Record<string, unknown>;
  /**
   * Queues an update (its `update_id` is assigned here) and returns it with
   * the time it was queued. A message in it becomes known for copying.
   */
  push(update: Record<string, unknown>): { update: Record<string, unknown>; at: number };
  /** A customer's text message in their private chat, as an update. */
  pushText(
    from: { id: number; first_name: string; language_code?: string },
    text: string,
  ): { updateId: number; messageId: number; at: number };
  /** Resolves when the next `getUpdates` call is waiting (or at once if one is). */
  polling(): Promise<void>;
  /** Every message delivered to `chatId`, in order (service messages of topics included). */
  deliveries(chatId: number): Delivered[];
  /** The topics of a forum chat, deleted ones included, in the order they were created. */
  topics(chatId: number): FakeTopic[];
  /** One topic, or undefined. */
  topic(chatId: number, threadId: number): FakeTopic | undefined;
  /** A member deletes a topic: later messages into it get "message thread not found". */
  deleteTopic(chatId: number, threadId: number): void;
  /** Called for every call when it arrives, before it is checked. */
  onCall(listener: (method: string, params: Record<string, unknown>) => void): () => void;
  /** Called for every delivered message, when its answer leaves. */
  onDeliver(listener: (message: Delivered) => void): () => void;
  /** Updates handed out by getUpdates at least once. */
  handedOut(): number;
  /** Updates confirmed by a later offset. */
  confirmed(): number;
  stats(): FakeStats;
  /** Ends pending long polls and stops the server. */
  close(): Promise<void>;
}

/** One token bucket: `rate` tokens per ms, at most `burst`. */
class Bucket {
  #tokens: number;
  #last = performance.now();
  constructor(private rate: number, private burst: number) {
    this.#tokens = burst;
  }
  #refill(now: number): void {
    this.#tokens = Math.min(this.burst, this.#tokens + (now - this.#last) * this.rate);
    this.#last = now;
  }
  /**
   * 0 when `n` messages may go now, else the milliseconds until they may. A call
   * of more messages than the burst needs a full bucket and leaves it in debt.
   */
  wait(n: number, now: number): number {
    this.#refill(now);
    const need = Math.min(n, this.burst);
    const missing = need - this.#tokens;
    return missing <= 1e-9 ? 0 : missing / this.rate;
  }
  take(n: number): void {
    this.#tokens -= n;
  }
}

type Params = Record<string, unknown>;

class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly description: string,
    readonly parameters?: Record<string, unknown>,
  ) {
    super(description);
  }
}

/** Methods that deliver exactly one message (plus sendMediaGroup, copyMessages… below). */
const SEND_ONE = new Set([
  "sendMessage",
  "sendPhoto",
  "sendAudio",
  "sendDocument",
  "sendVideo",
  "sendAnimation",
  "sendVoice",
  "sendVideoNote",
  "sendPaidMedia",
  "sendLocation",
  "sendVenue",
  "sendContact",
  "sendPoll",
  "sendChecklist",
  "sendDice",
  "sendSticker",
  "sendInvoice",
  "sendGame",
  "copyMessage",
  "forwardMessage",
]);

/** Methods that change nothing a benchmark looks at: answered `true`. */
const TRUE_METHODS = new Set([
  "deleteWebhook",
  "setWebhook",
  "setMyCommands",
  "deleteMyCommands",
  "setMyDescription",
  "setMyShortDescription",
  "setMyName",
  "setChatMenuButton",
  "answerCallbackQuery",
  "sendChatAction",
  "deleteMessage",
  "deleteMessages",
  "pinChatMessage",
  "unpinChatMessage",
  "unpinAllChatMessages",
  "setMessageReaction",
  "leaveChat",
  "close",
  "logOut",
]);

const MEDIA_FIELDS = [
  "photo",
  "audio",
  "document",
  "video",
  "animation",
  "voice",
  "video_note",
  "sticker",
] as const;

/** Starts the fake on 127.0.0.1, on a free port. */
export function startFakeTelegram(options: FakeTelegramOptions): FakeTelegram {
  const scale = options.scale ?? 1;
  const [minDelay, maxDelay] = options.latencyMs ?? [30, 80];
  const limits = options.limits ?? TELEGRAM_LIMITS;
  const botInfo = {
    id: Number(options.token.split(":")[0]),
    is_bot: true,
    first_name: "Support Desk",
    username: "support_desk_bench_bot",
    can_join_groups: true,
    can_read_all_group_messages: false,
    supports_inline_queries: false,
    can_connect_to_business: false,
    has_main_web_app: false,
  };

  // ------------------------------------------------------------ state
  const calls: Record<string, number> = {};
  const errors: Record<string, number> = {};
  const limitedByMethod: Record<string, number> = {};
  let limited = 0;
  let deliveredCount = 0;
  let delaySum = 0;
  let delayCount = 0;

  const updates: { update_id: number; body: Record<string, unknown> }[] = [];
  let nextUpdateId = 1;
  let handedOutUpTo = 0;
  let confirmedUpTo = 0;
  /** Long polls waiting for updates. */
  const waiters = new Set<() => void>();
  let pollingWaiters: (() => void)[] = [];

  /** Per chat: the next message id and the texts of the messages in it. */
  const chats = new Map<number, { next: number; texts: Map<number, string> }>();
  const chat = (id: number) => {
    let entry = chats.get(id);
    if (!entry) chats.set(id, entry = { next: 1, texts: new Map() });
    return entry;
  };
  const deliveredTo = new Map<number, Delivered[]>();
  const listeners = new Set<(message: Delivered) => void>();
  const callListeners = new Set<(method: string, params: Params) => void>();

  /** The support group, and the topics of each forum chat by thread id. */
  const support = options.supportChat
    ? {
      title: "Support",
      isForum: true,
      botIsAdmin: true,
      canManageTopics: true,
      ...options.supportChat,
    }
    : undefined;
  const forums = new Map<number, Map<number, FakeTopic>>();
  if (support?.isForum) {
    forums.set(support.id, new Map());
    // Thread 1 is the General topic; the group has some history before the bench.
    chat(support.id).next = 100;
  }

  const globalBucket = new Bucket(limits.globalRate * scale / 1000, limits.globalBurst);
  const chatBuckets = new Map<number, Bucket>();
  const bucketOf = (chatId: number) => {
    let bucket = chatBuckets.get(chatId);
    if (!bucket) {
      bucket = chatId > 0
        ? new Bucket(limits.privateRate * scale / 1000, limits.privateBurst)
        : new Bucket(limits.groupRate * scale / 1000, limits.groupBurst);
      chatBuckets.set(chatId, bucket);
    }
    return bucket;
  };

  // ------------------------------------------------------------ helpers
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  const delay = () => {
    const ms = minDelay + Math.random() * (maxDelay - minDelay);
    delaySum += ms;
    delayCount++;
    return ms;
  };
  /** Channels and groups named `@name` count as groups, with an id of their own. */
  const namedChats = new Map<string, number>();
  const chatIdOf = (value: unknown): number => {
    if (typeof value === "number" && Number.isFinite(value) && value !== 0) return value;
    if (typeof value === "string" && /^-?\d+$/.test(value) && value !== "0") return Number(value);
    if (typeof value === "string" && value.startsWith("@")) {
      let id = namedChats.get(value);
      if (id === undefined) namedChats.set(value, id = -1_000_000_000_000 - namedChats.size);
      return id;
    }
    throw new ApiError(400, "Bad Request: chat not found");
  };
  const chatObject = (id: number) =>
    id > 0 ? { id, type: "private", first_name: `User ${id}` } : id === support?.id
      ? {
        id,
        type: "supergroup",
        title: support.title,
        ...(support.isForum ? { is_forum: true } : {}),
      }
      : { id, type: "supergroup", title: `Group ${id}` };
  /** The bot in the support group: an administrator (with or without topics), or a member. */
  const botMember = () =>
    support?.botIsAdmin
      ? {
        status: "administrator",
        user: botInfo,
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
        can_manage_topics: support.canManageTopics,
      }
      : { status: "member", user: botInfo };
  const userOf = (id: number) => ({ id, is_bot: false, first_name: `User ${id}` });

  /**
   * The topic a message goes into: undefined for none (or a forum's General,
   * thread 1); a forum's live topic; else "message thread not found". Outside
   * forums `message_thread_id` is not checked.
   */
  const threadOf = (chatId: number, params: Params): number | undefined => {
    const raw = params.message_thread_id;
    if (raw === undefined || raw === null) return undefined;
    const threadId = Number(raw);
    const forum = forums.get(chatId);
    if (!forum) return Number.isInteger(threadId) ? threadId : undefined;
    if (threadId === 1) return undefined;
    const topic = forum.get(threadId);
    if (!topic || topic.deleted) throw new ApiError(400, "Bad Request: message thread not found");
    return threadId;
  };
  /** A live topic for the topic methods, or their errors. */
  const topicFor = (chatId: number, params: Params): FakeTopic => {
    const forum = forums.get(chatId);
    if (!forum) throw new ApiError(400, "Bad Request: the chat is not a forum");
    if (chatId === support?.id && !(support.botIsAdmin && support.canManageTopics)) {
      throw new ApiError(400, "Bad Request: not enough rights to manage topics");
    }
    const topic = forum.get(Number(params.message_thread_id));
    if (!topic || topic.deleted) throw new ApiError(400, "Bad Request: TOPIC_ID_INVALID");
    return topic;
  };
  /** Telegram's six topic icon colours; the first is the default. */
  const ICON_COLORS = [0x6FB9F0, 0xFFD67E, 0xCB86DB, 0x8EEE98, 0xFF93B2, 0xFB6F5F];
  /** A topic's name: 1 to 128 characters (counted as code points here). */
  const topicName = (value: unknown): string => {
    const name = typeof value === "string" ? value : "";
    if (!name.trim()) throw new ApiError(400, "Bad Request: TOPIC_TITLE_EMPTY");
    if ([...name].length > 128) throw new ApiError(400, "Bad Request: TOPIC_TITLE_TOO_LONG");
    return name;
  };
  const now = () => Math.floor(Date.now() / 1000);
  const textOf = (params: Params): string =>
    typeof params.text === "string"
      ? params.text
      : typeof params.caption === "string"
      ? params.caption
      : "";
  const sourceText = (fromChat: number, messageId: unknown): string => {
    const text = chats.get(fromChat)?.texts.get(Number(messageId));
    if (text === undefined) throw new ApiError(400, "Bad Request: message to copy not found");
    return text;
  };

  /** A message placed into `chatId` now; recorded as delivered when the answer leaves. */
  interface Placed {
    chatId: number;
    messageId: number;
    text: string;
    threadId?: number;
    service?: boolean;
  }
  const place = (chatId: number, text: string, threadId?: number): Placed => {
    const entry = chat(chatId);
    const messageId = entry.next++;
    entry.texts.set(messageId, text);
    return { chatId, messageId, text, ...(threadId === undefined ? {} : { threadId }) };
  };
  /** A topic's service message (created, renamed…): in the chat's numbering, not copyable. */
  const placeService = (chatId: number, name: string, threadId?: number): Placed => {
    const messageId = chat(chatId).next++;
    return { chatId, messageId, text: name, threadId: threadId ?? messageId, service: true };
  };
  const messageObject = (placed: Placed, params: Params, method: string) => {
    const message: Record<string, unknown> = {
      message_id: placed.messageId,
      from: botInfo,
      chat: chatObject(placed.chatId),
      date: now(),
    };
    if (method === "sendMessage" || method.startsWith("editMessageText")) {
      message.text = placed.text;
    } else if (placed.text) message.caption = placed.text;
    if (params.reply_markup) message.reply_markup = params.reply_markup;
    if (placed.threadId !== undefined) {
      message.message_thread_id = placed.threadId;
      if (forums.has(placed.chatId)) message.is_topic_message = true;
    }
    for (const field of MEDIA_FIELDS) {
      if (params[field] !== undefined) {
        message[field] = field === "photo"
          ? [{ file_id: `photo-${placed.messageId}`, file_unique_id: "u", width: 1, height: 1 }]
          : { file_id: `${field}-${placed.messageId}`, file_unique_id: "u" };
      }
    }
    return message;
  };

  /** How many messages a call puts into a chat (0: not a sending call). */
  const messagesOf = (method: string, params: Params): number => {
    if (SEND_ONE.has(method)) return 1;
    if (method === "copyMessages" || method === "forwardMessages") {
      return Array.isArray(params.message_ids) ? params.message_ids.length : 0;
    }
    if (method === "sendMediaGroup") return Array.isArray(params.media) ? params.media.length : 0;
    return 0;
  };

  /** Takes tokens for `n` messages into `chatId`, or throws the 429. */
  const admit = (chatId: number, n: number) => {
    const at = performance.now();
    const bucket = bucketOf(chatId);
    const wait = Math.max(bucket.wait(n, at), globalBucket.wait(n, at));
    if (wait > 0) {
      const retryAfter = Math.max(1, Math.ceil(wait / 1000));
      throw new ApiError(429, `Too Many Requests: retry after ${retryAfter}`, {
        retry_after: retryAfter,
      });
    }
    bucket.take(n);
    globalBucket.take(n);
  };

  // ------------------------------------------------------------ methods
  /**
   * Runs a call at its arrival. Returns the result and the messages it placed,
   * which count as delivered once the answer leaves.
   */
  const perform = (
    method: string,
    params: Params,
  ): { result: unknown; placed: Placed[] } | "getUpdates" => {
    if (method === "getUpdates") return "getUpdates";
    if (method === "getMe") return { result: botInfo, placed: [] };
    if (TRUE_METHODS.has(method)) return { result: true, placed: [] };
    if (method === "getChat") {
      return {
        result: { ...chatObject(chatIdOf(params.chat_id)), accent_color_id: 0 },
        placed: [],
      };
    }
    if (method === "getChatMember") {
      const chatId = chatIdOf(params.chat_id);
      const userId = Number(params.user_id);
      if (!Number.isInteger(userId) || userId <= 0) {
        throw new ApiError(400, "Bad Request: invalid user_id specified");
      }
      if (chatId === support?.id && userId === botInfo.id) {
        return { result: botMember(), placed: [] };
      }
      return { result: { status: "member", user: userOf(userId) }, placed: [] };
    }
    if (method === "getChatAdministrators") {
      const chatId = chatIdOf(params.chat_id);
      const admins = chatId === support?.id && support.botIsAdmin ? [botMember()] : [];
      return { result: admins, placed: [] };
    }
    if (method === "getMyCommands") return { result: [], placed: [] };
    if (method === "getForumTopicIconStickers") return { result: [], placed: [] };
    if (method === "createForumTopic") {
      const chatId = chatIdOf(params.chat_id);
      const forum = forums.get(chatId);
      if (!forum) throw new ApiError(400, "Bad Request: the chat is not a forum");
      if (chatId === support?.id && !(support.botIsAdmin && support.canManageTopics)) {
        throw new ApiError(400, "Bad Request: not enough rights to create a topic");
      }
      const name = topicName(params.name);
      const color = params.icon_color === undefined ? ICON_COLORS[0] : Number(params.icon_color);
      if (!ICON_COLORS.includes(color)) {
        throw new ApiError(400, "Bad Request: TOPIC_ICON_COLOR_INVALID");
      }
      admit(chatId, 1);
      const placed = placeService(chatId, name);
      forum.set(placed.threadId!, {
        chatId,
        threadId: placed.threadId!,
        names: [name],
        iconColor: color,
        closed: false,
        deleted: false,
        createdAt: performance.now(),
      });
      return {
        result: { message_thread_id: placed.threadId, name, icon_color: color },
        placed: [placed],
      };
    }
    if (method === "editForumTopic") {
      const chatId = chatIdOf(params.chat_id);
      const topic = topicFor(chatId, params);
      const name = params.name === undefined ? undefined : topicName(params.name);
      // A rename to the same name, or a call that changes nothing, is refused.
      // (The custom emoji icon is not modelled: giving one counts as a change.)
      if ((name === undefined || name === topic.names.at(-1)) && !params.icon_custom_emoji_id) {
        throw new ApiError(400, "Bad Request: TOPIC_NOT_MODIFIED");
      }
      admit(chatId, 1);
      if (name !== undefined && name !== topic.names.at(-1)) topic.names.push(name);
      return {
        result: true,
        placed: [placeService(chatId, topic.names.at(-1)!, topic.threadId)],
      };
    }
    if (method === "closeForumTopic" || method === "reopenForumTopic") {
      const chatId = chatIdOf(params.chat_id);
      const topic = topicFor(chatId, params);
      const closing = method === "closeForumTopic";
      if (topic.closed === closing) throw new ApiError(400, "Bad Request: TOPIC_NOT_MODIFIED");
      admit(chatId, 1);
      topic.closed = closing;
      return {
        result: true,
        placed: [placeService(chatId, topic.names.at(-1)!, topic.threadId)],
      };
    }
    if (method === "deleteForumTopic") {
      topicFor(chatIdOf(params.chat_id), params).deleted = true;
      return { result: true, placed: [] };
    }
    if (method === "unpinAllForumTopicMessages") {
      topicFor(chatIdOf(params.chat_id), params);
      return { result: true, placed: [] };
    }
    if (method.startsWith("editMessage")) {
      if (params.inline_message_id !== undefined) return { result: true, placed: [] };
      const chatId = chatIdOf(params.chat_id);
      const messageId = Number(params.message_id);
      const texts = chats.get(chatId)?.texts;
      const old = texts?.get(messageId);
      if (old === undefined) throw new ApiError(400, "Bad Request: message to edit not found");
      const text = method === "editMessageReplyMarkup" ? old : textOf(params);
      texts!.set(messageId, text);
      return {
        result: messageObject({ chatId, messageId, text }, params, method),
        placed: [],
      };
    }
    const n = messagesOf(method, params);
    if (n === 0) {
      if (SEND_ONE.has(method) || method === "copyMessages" || method === "forwardMessages") {
        throw new ApiError(400, "Bad Request: message identifiers are not specified");
      }
      if (method === "sendMediaGroup") throw new ApiError(400, "Bad Request: media is empty");
      throw new ApiError(404, "Not Found: method not found");
    }
    const chatId = chatIdOf(params.chat_id);
    // Bad requests are refused before the limits are asked, as Telegram does.
    const threadId = threadOf(chatId, params);
    let texts: string[];
    if (method === "copyMessage" || method === "forwardMessage") {
      const from = chatIdOf(params.from_chat_id);
      const original = sourceText(from, params.message_id);
      texts = [
        method === "copyMessage" && typeof params.caption === "string" ? params.caption : original,
      ];
    } else if (method === "copyMessages" || method === "forwardMessages") {
      const from = chatIdOf(params.from_chat_id);
      texts = (params.message_ids as unknown[]).map((id) => sourceText(from, id));
    } else if (method === "sendMediaGroup") {
      texts = (params.media as { caption?: unknown }[]).map((item) =>
        typeof item?.caption === "string" ? item.caption : ""
      );
    } else {
      if (method === "sendMessage" && (typeof params.text !== "string" || !params.text.trim())) {
        throw new ApiError(400, "Bad Request: message text is empty");
      }
      texts = [textOf(params)];
    }
    admit(chatId, n);
    const placed = texts.map((text) => place(chatId, text, threadId));
    let result: unknown;
    if (method === "copyMessage") result = { message_id: placed[0].messageId };
    else if (method === "copyMessages" || method === "forwardMessages") {
      result = placed.map((p) => ({ message_id: p.messageId }));
    } else if (method === "sendMediaGroup") {
      result = placed.map((p, i) => {
        const item = (params.media as Record<string, unknown>[])[i] ?? {};
        return messageObject(p, { [String(item.type ?? "photo")]: "x" }, method);
      });
    } else {
      const message = messageObject(placed[0], params, method);
      if (method === "forwardMessage") {
        message.forward_origin = { type: "hidden_user", sender_user_name: "Someone", date: now() };
        message.text = placed[0].text;
      }
      result = message;
    }
    return { result, placed };
  };

  const respond = (body: unknown, status = 200) =>
    new Response(JSON.stringify(body), {
      status,
      headers: { "content-type": "application/json" },
    });

  const readParams = async (req: Request): Promise<Params> => {
    if (req.method === "GET") return Object.fromEntries(new URL(req.url).searchParams);
    const type = req.headers.get("content-type") ?? "";
    if (type.includes("application/json")) {
      const text = await req.text();
      return text ? JSON.parse(text) : {};
    }
    if (type.includes("form")) {
      const form = await req.formData();
      const params: Params = {};
      for (const [key, value] of form) {
        if (typeof value !== "string") {
          params[key] = "(file)";
          continue;
        }
        try {
          params[key] = JSON.parse(value);
        } catch {
          params[key] = value;
        }
      }
      return params;
    }
    await req.body?.cancel();
    return {};
  };

  const pending = (offset: number) => updates.filter((u) => u.update_id >= offset);

  const getUpdates = async (params: Params): Promise<unknown> => {
    const offset = Number(params.offset ?? 0);
    if (offset > 0) {
      // Confirm every update below the offset.
      while (updates.length && updates[0].update_id < offset) updates.shift();
      confirmedUpTo = Math.max(confirmedUpTo, Math.min(offset - 1, nextUpdateId - 1));
    }
    const limit = Math.min(100, Math.max(1, Number(params.limit ?? 100)));
    const timeout = Math.max(0, Number(params.timeout ?? 0)) * 1000;
    const from = offset > 0 ? offset : 0;
    if (pending(from).length === 0 && timeout > 0) {
      const woken = Promise.withResolvers<void>();
      waiters.add(woken.resolve);
      const timer = setTimeout(woken.resolve, timeout);
      for (const resolve of pollingWaiters) resolve();
      pollingWaiters = [];
      await woken.promise;
      clearTimeout(timer);
      waiters.delete(woken.resolve);
    }
    await sleep(delay());
    const batch = pending(from).slice(0, limit);
    for (const u of batch) handedOutUpTo = Math.max(handedOutUpTo, u.update_id);
    return batch.map((u) => u.body);
  };

  // ------------------------------------------------------------ server
  const prefix = `/bot${options.token}/`;
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    async (req) => {
      const path = new URL(req.url).pathname;
      if (!path.startsWith(prefix)) {
        await req.body?.cancel();
        await sleep(delay());
        errors["401 (wrong token or path)"] = (errors["401 (wrong token or path)"] ?? 0) + 1;
        return respond({ ok: false, error_code: 401, description: "Unauthorized" }, 401);
      }
      const method = path.slice(prefix.length);
      calls[method] = (calls[method] ?? 0) + 1;
      let params: Params;
      try {
        params = await readParams(req);
        for (const listener of callListeners) listener(method, params);
      } catch {
        await sleep(delay());
        errors[`400 ${method}: unreadable parameters`] =
          (errors[`400 ${method}: unreadable parameters`] ?? 0) + 1;
        return respond({ ok: false, error_code: 400, description: "Bad Request" }, 400);
      }
      try {
        const done = perform(method, params);
        if (done === "getUpdates") {
          return respond({ ok: true, result: await getUpdates(params) });
        }
        await sleep(delay());
        const at = performance.now();
        for (const placed of done.placed) {
          const message: Delivered = { ...placed, method, at };
          let list = deliveredTo.get(placed.chatId);
          if (!list) deliveredTo.set(placed.chatId, list = []);
          list.push(message);
          deliveredCount++;
          for (const listener of listeners) listener(message);
        }
        return respond({ ok: true, result: done.result });
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        await sleep(delay());
        if (error.code === 429) {
          limited++;
          limitedByMethod[method] = (limitedByMethod[method] ?? 0) + 1;
        } else {
          const key = `${error.code} ${method}: ${error.description}`;
          errors[key] = (errors[key] ?? 0) + 1;
        }
        return respond(
          {
            ok: false,
            error_code: error.code,
            description: error.description,
            ...(error.parameters ? { parameters: error.parameters } : {}),
          },
          error.code,
        );
      }
    },
  );

  return {
    apiRoot: `http://127.0.0.1:${server.addr.port}`,
    botInfo,
    push(update) {
      const body: Record<string, unknown> = { ...update, update_id: nextUpdateId++ };
      const message = body.message as
        | { chat: { id: number }; message_id: number; text?: string; caption?: string }
        | undefined;
      if (message) {
        const entry = chat(message.chat.id);
        entry.texts.set(message.message_id, message.text ?? message.caption ?? "");
        entry.next = Math.max(entry.next, message.message_id + 1);
      }
      updates.push({ update_id: body.update_id as number, body });
      const at = performance.now();
      for (const wake of waiters) wake();
      return { update: body, at };
    },
    pushText(from, text) {
      const messageId = chat(from.id).next;
      const { update, at } = this.push({
        message: {
          message_id: messageId,
          from: { is_bot: false, ...from },
          chat: { id: from.id, type: "private", first_name: from.first_name },
          date: now(),
          text,
        },
      });
      return { updateId: update.update_id as number, messageId, at };
    },
    polling() {
      if (waiters.size > 0) return Promise.resolve();
      return new Promise((resolve) => pollingWaiters.push(resolve));
    },
    deliveries: (chatId) => deliveredTo.get(chatId) ?? [],
    topics: (chatId) => [...(forums.get(chatId)?.values() ?? [])],
    topic: (chatId, threadId) => forums.get(chatId)?.get(threadId),
    deleteTopic(chatId, threadId) {
      const topic = forums.get(chatId)?.get(threadId);
      if (topic) topic.deleted = true;
    },
    onCall(listener) {
      callListeners.add(listener);
      return () => callListeners.delete(listener);
    },
    onDeliver(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    handedOut: () => handedOutUpTo,
    confirmed: () => confirmedUpTo,
    stats: () => ({
      calls: { ...calls },
      limited_429: limited,
      limitedByMethod: { ...limitedByMethod },
      errors: { ...errors },
      delivered: deliveredCount,
      meanLatencyMs: delayCount ? delaySum / delayCount : (minDelay + maxDelay) / 2,
    }),
    async close() {
      for (const wake of waiters) wake();
      await server.shutdown();
    },
  };
}
