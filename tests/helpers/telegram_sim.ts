/**
 * An in-memory Telegram Bot API that answers like the real one, strictly:
 * HTML parse mode, length limits, inline keyboards, replies, edits, chats
 * that block the bot, uploads, injected faults (429/5xx). Every call is
 * recorded with its response so tests can assert on what the bot did.
 *
 * Plug it into grammY with `attachSim` (bot_api.ts) or serve it over HTTP
 * with `startFakeApi` (fake_api_server.ts). Build incoming updates with
 * updates.ts: the sim knows every message those factories create, so the
 * bot can reply to, copy and forward them.
 *
 * @module
 */

import { AssertionError } from "node:assert";
import type { Message } from "grammy/types";
import { isInputFile, isUploadedFile, readInputFile, type UploadedFile } from "./media.ts";
import { METHODS } from "./sim_methods.ts";
import {
  commandsKeyOf,
  type GroupOptions,
  type Payload,
  type SimOptions,
  SimState,
} from "./sim_state.ts";
import { type ApiErrorBody, ApiFailure, stringParam } from "./validate.ts";
import { rememberMessage } from "./world.ts";

export type { ApiErrorBody, GroupOptions, SimOptions, UploadedFile };

/** A successful answer. */
export interface SimSuccess {
  ok: true;
  result: unknown;
}

/** A failed answer, as Telegram's JSON. */
export interface SimFailure extends ApiErrorBody {
  ok: false;
}

/**
 * One error answer the sim gave. `expected` ones were set up by the test:
 * injected faults ({@link TelegramSim.failNext}), 403s from a user who blocked
 * the bot or never started it, a group that kicked it, a deleted chat. The
 * rest (bad parameters, edits that change nothing, missing messages, ...) the
 * bot provoked: see {@link TelegramSim.unexpectedErrors}.
 */
export interface SimError {
  method: string;
  payload: Payload;
  /** Date.now() when the call arrived. */
  at: number;
  error: ApiErrorBody;
  expected: boolean;
}

/** A forum topic as {@link TelegramSim.topic} reports it. */
export interface SimTopic {
  message_thread_id: number;
  name: string;
  icon_color: number;
  icon_custom_emoji_id?: string;
  closed: boolean;
  /** The bot created it with createForumTopic. */
  byBot: boolean;
}

/** What {@link TelegramSim.call} returns. */
export type SimResponse = SimSuccess | SimFailure;

/** An upload seen in a call. */
export interface RecordedUpload extends UploadedFile {
  /** Where it was in the payload, e.g. "document" or "media.1.media". */
  field: string;
}

/** One recorded call (failed ones included). */
export interface RecordedCall {
  method: string;
  /** Parameters as the sim saw them; uploads are replaced by {@link UploadedFile}s. */
  payload: Payload;
  /** Date.now() when the call arrived. */
  at: number;
  response: SimResponse;
  uploads: RecordedUpload[];
}

interface Fault {
  method: string;
  error: ApiErrorBody;
  remaining: number;
  predicate?: (payload: Payload) => boolean;
}

/** Upload limit of the cloud Bot API. */
const MAX_UPLOAD_BYTES = 50 * 1024 * 1024;

/** Methods that put a message into a chat (see {@link TelegramSim.sentTo}). */
export const MESSAGE_METHODS = new Set([
  "sendmessage",
  "copymessage",
  "copymessages",
  "forwardmessage",
  "forwardmessages",
  "sendphoto",
  "sendvideo",
  "senddocument",
  "sendaudio",
  "sendvoice",
  "sendanimation",
  "sendsticker",
  "sendvideonote",
  "sendmediagroup",
  "sendlocation",
  "sendcontact",
  "sendpoll",
  "senddice",
  "editmessagetext",
  "editmessagecaption",
  "editmessagemedia",
  "editmessagereplymarkup",
]);

/** The simulated Telegram. */
export class TelegramSim {
  /** Every call in arrival order, failed ones included. */
  readonly calls: RecordedCall[] = [];
  readonly #state: SimState;
  #faults: Fault[] = [];
  /** Every error answer, kept across {@link clear}. */
  readonly #errors: SimError[] = [];
  #allowed: ((error: SimError) => boolean)[] = [];
  /** Faults taken by the fake server, to be recognised when it records their answers. */
  #takenOutside: ApiErrorBody[] = [];

  constructor(options: SimOptions = {}) {
    this.#state = new SimState(options);
  }

  /** Answers one Bot API call like Telegram (never throws for API errors). */
  async call(method: string, payload: Payload = {}): Promise<SimResponse> {
    const at = Date.now();
    const { normalized, uploads } = await normalizeUploads(payload ?? {});
    const { response, expected } = this.#answer(method, normalized, uploads);
    this.calls.push({ method, payload: normalized, at, response, uploads });
    this.#noteError(method, normalized, at, response, expected);
    return structuredClone(response);
  }

  #answer(
    method: string,
    payload: Payload,
    uploads: RecordedUpload[],
  ): { response: SimResponse; expected: boolean } {
    const fault = this.#takeFault(method, payload);
    if (fault) return { response: { ok: false, ...fault }, expected: true };
    const fail = (error_code: number, description: string) => ({
      response: { ok: false as const, error_code, description },
      expected: false,
    });
    if (uploads.some((u) => u.size > MAX_UPLOAD_BYTES)) {
      return fail(413, "Request Entity Too Large");
    }
    const handler = METHODS[method.toLowerCase()];
    if (!handler) return fail(404, "Not Found");
    try {
      // A JSON round trip, like the wire: drops undefined fields and never aliases sim state.
      const result = JSON.parse(JSON.stringify(handler(this.#state, payload)));
      return { response: { ok: true, result }, expected: false };
    } catch (e) {
      if (!(e instanceof ApiFailure)) throw e;
      return { response: { ok: false, ...structuredClone(e.body) }, expected: e.expected };
    }
  }

  #noteError(
    method: string,
    payload: Payload,
    at: number,
    response: SimResponse,
    expected: boolean,
  ): void {
    if (response.ok) return;
    const { ok: _, ...error } = response;
    this.#errors.push({ method, payload, at, error: structuredClone(error), expected });
  }

  /**
   * Records a call answered outside the sim (the fake server's getUpdates),
   * so `calls` shows the whole conversation. A failure is expected when it
   * answers with a fault the server took with {@link takeFault}.
   */
  record(method: string, payload: Payload, response: SimResponse): void {
    const at = Date.now();
    this.calls.push({ method, payload, at, response, uploads: [] });
    if (response.ok) return;
    const index = this.#takenOutside.findIndex((f) =>
      f.error_code === response.error_code && f.description === response.description
    );
    if (index >= 0) this.#takenOutside.splice(index, 1);
    this.#noteError(method, payload, at, response, index >= 0);
  }

  /** Every error answer so far, expected or not (kept across {@link clear}). */
  errors(): SimError[] {
    return structuredClone(this.#errors);
  }

  /**
   * Error answers the bot provoked and the test did not allow with
   * {@link allowErrors}: in normal use the bot provokes no Bot API error.
   * `createTestApp`'s close fails the test when there are any.
   */
  unexpectedErrors(): SimError[] {
    return this.errors().filter((e) => !e.expected && !this.#allowed.some((allow) => allow(e)));
  }

  /**
   * Counts errors that `predicate` picks as expected, for a test that provokes
   * them on purpose (e.g. a test of the error path itself). It applies to
   * errors before and after the call.
   *
   * @example
   * ```ts
   * app.sim.allowErrors((e) => e.method === "sendMessage" && e.error.error_code === 400);
   * ```
   */
  allowErrors(predicate: (error: SimError) => boolean): void {
    this.#allowed.push(predicate);
  }

  /**
   * Makes the next `times` calls of `method` ("*" for any) that match
   * `predicate` fail with `error`, e.g.
   * `{ error_code: 429, description: "Too Many Requests: retry after 1", parameters: { retry_after: 1 } }`.
   */
  failNext(
    method: string,
    error: ApiErrorBody,
    times = 1,
    predicate?: (payload: Payload) => boolean,
  ): void {
    this.#faults.push({ method: method.toLowerCase(), error, remaining: times, predicate });
  }

  /**
   * Consumes a matching injected fault (used by the fake server for getUpdates,
   * which answers with it and then calls {@link record}).
   */
  takeFault(method: string, payload: Payload): ApiErrorBody | undefined {
    const fault = this.#takeFault(method, payload);
    if (fault) this.#takenOutside.push(structuredClone(fault));
    return fault;
  }

  #takeFault(method: string, payload: Payload): ApiErrorBody | undefined {
    const name = method.toLowerCase();
    const fault = this.#faults.find((f) =>
      (f.method === name || f.method === "*") && (!f.predicate || f.predicate(payload))
    );
    if (!fault) return undefined;
    if (--fault.remaining <= 0) this.#faults = this.#faults.filter((f) => f !== fault);
    return structuredClone(fault.error);
  }

  /** Calls of `method` (case-insensitive), failed ones included. */
  callsTo(method: string): RecordedCall[] {
    const name = method.toLowerCase();
    return this.calls.filter((c) => c.method.toLowerCase() === name);
  }

  /** Successful message-producing calls (sends, copies, forwards, edits) targeting `chatId`. */
  sentTo(chatId: number): RecordedCall[] {
    return this.calls.filter((c) =>
      c.response.ok && MESSAGE_METHODS.has(c.method.toLowerCase()) &&
      String(c.payload.chat_id) === String(chatId)
    );
  }

  /** The last successful message-producing call targeting `chatId`. */
  lastSentTo(chatId: number): RecordedCall | undefined {
    return this.sentTo(chatId).at(-1);
  }

  /**
   * Texts and captions of {@link sentTo} calls, as sent (HTML source included).
   * For copies and forwards: the caption override, else the copied text/caption.
   */
  textsTo(chatId: number): string[] {
    return this.sentTo(chatId).flatMap((c) => this.#textsOf(chatId, c));
  }

  #textsOf(chatId: number, c: RecordedCall): string[] {
    const method = c.method.toLowerCase();
    const own = (v: unknown) => {
      const s = stringParam(v);
      return s === undefined || s === "" ? [] : [s];
    };
    const stored = (id: number) => {
      const m = this.#state.findMessage(chatId, id)?.message;
      return own(m?.text ?? m?.caption);
    };
    switch (method) {
      case "sendmessage":
      case "editmessagetext":
        return own(c.payload.text);
      case "sendmediagroup": {
        const media = typeof c.payload.media === "string"
          ? JSON.parse(c.payload.media)
          : c.payload.media;
        return (media as Payload[]).flatMap((item) => own(item.caption));
      }
      case "copymessage": {
        if (c.payload.caption !== undefined) return own(c.payload.caption);
        return stored((c.response as SimSuccess & { result: Message }).result.message_id);
      }
      case "copymessages":
      case "forwardmessages":
        return (c.response as { result: { message_id: number }[] }).result
          .flatMap((r) => stored(r.message_id));
      case "forwardmessage":
        return stored((c.response as { result: Message }).result.message_id);
      case "editmessagemedia": {
        const media = typeof c.payload.media === "string"
          ? JSON.parse(c.payload.media)
          : c.payload.media;
        return own((media as Payload | undefined)?.caption);
      }
      default:
        return own(c.payload.caption);
    }
  }

  /**
   * Forgets recorded calls (state such as chats and messages is kept, and so
   * are the errors {@link unexpectedErrors} reports).
   */
  clear(): void {
    this.calls.length = 0;
  }

  /** Messages in a chat as Telegram has them now (bot's, after edits, and users'). */
  messagesIn(chatId: number): Message[] {
    return structuredClone(this.#state.messagesIn(chatId));
  }

  /** The newest message in a chat. */
  lastMessageIn(chatId: number): Message | undefined {
    return this.messagesIn(chatId).at(-1);
  }

  /** One message of a chat. */
  message(chatId: number, messageId: number): Message | undefined {
    const found = this.#state.findMessage(chatId, messageId);
    return found && structuredClone(found.message);
  }

  /** Makes a hand-built message known, as if a user had sent it. */
  addIncoming(message: Message): void {
    rememberMessage(message);
  }

  /** Registers a group (forum supergroup with `isForum`); unregistered negative ids are "chat not found". */
  addGroup(id: number, options: GroupOptions = {}): void {
    this.#state.addGroup(id, options);
  }

  /** Registers a forum topic that users created. */
  addTopic(chatId: number, threadId: number, name = `Topic ${threadId}`): void {
    const st = this.#state.chatState(chatId);
    if (!st) throw new Error(`unknown chat ${chatId}: addGroup first`);
    st.deletedTopics.delete(threadId);
    st.topics.set(threadId, { name, icon_color: 7322096, closed: false });
  }

  /** Forum topics of a chat (created by the bot or added by the test), deleted ones left out. */
  topics(chatId: number): { message_thread_id: number; name: string; closed: boolean }[] {
    const st = this.#state.chats.get(chatId);
    return [...(st?.topics ?? [])].map(([id, t]) => ({
      message_thread_id: id,
      name: t.name,
      closed: t.closed,
    }));
  }

  /**
   * One forum topic as Telegram has it now: created by the bot, added by the
   * test, or seen in users' messages; undefined when unknown or deleted.
   */
  topic(chatId: number, threadId: number): SimTopic | undefined {
    const st = this.#state.chats.get(chatId);
    const t = st && this.#state.topic(st, threadId);
    return t && {
      message_thread_id: threadId,
      name: t.name,
      icon_color: t.icon_color,
      ...(t.icon_custom_emoji_id ? { icon_custom_emoji_id: t.icon_custom_emoji_id } : {}),
      closed: t.closed,
      byBot: t.byBot === true,
    };
  }

  /** Whether a forum topic was deleted (by the bot or with {@link deleteTopicByUser}). */
  isTopicDeleted(chatId: number, threadId: number): boolean {
    return this.#state.chats.get(chatId)?.deletedTopics.has(threadId) ?? false;
  }

  /**
   * The newest live topic of a chat whose name contains `part` (e.g. a
   * customer's name or "#12"), or undefined.
   */
  topicByName(chatId: number, part: string): SimTopic | undefined {
    const found = this.topics(chatId).filter((t) => t.name.includes(part)).at(-1);
    return found && this.topic(chatId, found.message_thread_id);
  }

  /**
   * A member deleted a forum topic (with all its messages). Afterwards every
   * call that uses its message_thread_id (sends, copies, albums, chat actions,
   * editForumTopic, ...) fails with 400 "Bad Request: message thread not
   * found" (`error: "thread"`, the default) or "Bad Request: TOPIC_DELETED"
   * (`error: "deleted"`), and a reply to, copy, edit or deletion of a message
   * that was in it fails as for a missing message.
   *
   * These errors are expected (the bot cannot know) until the bot, after one
   * of its calls met the deletion, creates a topic in the chat: from then on a
   * call that still uses the deleted topic is the bot's error.
   */
  deleteTopicByUser(
    chatId: number,
    threadId: number,
    options: { error?: "thread" | "deleted" } = {},
  ): void {
    const st = this.#state.chatState(chatId);
    if (!st) throw new Error(`unknown chat ${chatId}: addGroup first`);
    if (!this.#state.topic(st, threadId)) throw new Error(`no topic ${threadId} in ${chatId}`);
    const error = options.error === "deleted" ? "TOPIC_DELETED" : "message thread not found";
    this.#state.deleteTopic(st, threadId, true, error);
  }

  /**
   * A member renamed a topic (or changed its icon) in the app; the service
   * message is for the update factories (see `topicEdited` in updates.ts).
   */
  editTopicByUser(
    chatId: number,
    threadId: number,
    edit: { name?: string; icon_custom_emoji_id?: string },
  ): void {
    const st = this.#state.chatState(chatId);
    const topic = st && this.#state.topic(st, threadId);
    if (!st || !topic) throw new Error(`no topic ${threadId} in ${chatId}`);
    if (edit.name !== undefined) topic.name = edit.name;
    if (edit.icon_custom_emoji_id !== undefined) {
      topic.icon_custom_emoji_id = edit.icon_custom_emoji_id;
    }
    st.topics.set(threadId, topic);
  }

  /**
   * The bot's messages in one forum topic as Telegram has them now (after
   * edits), oldest first; service messages (topic created, edited, closed)
   * are left out. Users' messages are in {@link messagesIn}.
   */
  topicMessages(chatId: number, threadId: number): Message[] {
    return this.messagesIn(chatId).filter((m) =>
      m.is_topic_message && m.message_thread_id === threadId &&
      m.from?.id === this.#state.bot.id && !isTopicService(m)
    );
  }

  /**
   * Successful message-producing calls ({@link sentTo}) whose message went
   * into forum topic `threadId` of `chatId` (by message_thread_id, or by the
   * reply that put it there; edits of messages in the topic included).
   */
  sentToTopic(chatId: number, threadId: number): RecordedCall[] {
    return this.sentTo(chatId).filter((c) => this.#threadOfCall(chatId, c) === threadId);
  }

  /** Texts and captions of {@link sentToTopic} calls, as sent (like {@link textsTo}). */
  textsInTopic(chatId: number, threadId: number): string[] {
    return this.sentToTopic(chatId, threadId).flatMap((c) => this.#textsOf(chatId, c));
  }

  #threadOfCall(chatId: number, c: RecordedCall): number | undefined {
    if (c.payload.message_thread_id !== undefined) return Number(c.payload.message_thread_id);
    const result = (c.response as SimSuccess).result;
    const first = Array.isArray(result) ? result[0] : result;
    if (typeof first !== "object" || first === null) return undefined;
    const m = first as Partial<Message> & { message_id: number };
    if (m.chat) return m.is_topic_message ? m.message_thread_id : undefined;
    // copyMessage(s) / forwardMessages answer with ids only.
    const stored = this.#state.findMessage(chatId, m.message_id)?.message;
    return stored?.is_topic_message ? stored.message_thread_id : undefined;
  }

  /** Sets a user's membership in a group, e.g. to make them an administrator. */
  setMember(
    chatId: number,
    userId: number,
    status: "creator" | "administrator" | "member" | "left" | "kicked",
  ): void {
    const st = this.#state.chatState(chatId);
    if (!st) throw new Error(`unknown chat ${chatId}: addGroup first`);
    const user = this.#state.member(st, userId).user;
    const member = status === "administrator"
      ? {
        status,
        user,
        can_be_edited: false,
        is_anonymous: false,
        can_manage_chat: true,
        can_delete_messages: true,
        can_manage_video_chats: false,
        can_restrict_members: true,
        can_promote_members: false,
        can_change_info: false,
        can_invite_users: true,
        can_post_stories: false,
        can_edit_stories: false,
        can_delete_stories: false,
      }
      : status === "creator"
      ? { status, user, is_anonymous: false }
      : status === "kicked"
      ? { status, user, until_date: 0 }
      : { status, user };
    st.members.set(userId, member as never);
  }

  /** The user blocked the bot: sends to their chat fail with 403. */
  blockBot(userId: number): void {
    this.#privateChat(userId).blocked = true;
  }

  /** The user unblocked the bot. */
  unblockBot(userId: number): void {
    this.#privateChat(userId).blocked = false;
  }

  /** The user never pressed Start: sends fail with "bot can't initiate conversation". */
  neverStarted(userId: number): void {
    this.#privateChat(userId).neverStarted = true;
  }

  /** The bot was removed from a group: sends fail with 403. */
  kickBot(chatId: number): void {
    const st = this.#state.chatState(chatId);
    if (!st) throw new Error(`unknown chat ${chatId}: addGroup first`);
    st.kicked = true;
  }

  /** The chat (or user account) is gone: every call naming it fails with "chat not found". */
  deleteChat(id: number): void {
    const st = this.#state.chatState(id);
    if (st) st.deleted = true;
  }

  /** Current webhook URL ("" when polling). */
  get webhookUrl(): string {
    return this.#state.webhookUrl;
  }

  /** Commands set for a scope (default scope) and language. */
  commands(scope: Record<string, unknown> = { type: "default" }, languageCode = ""): unknown[] {
    return this.#state.commands.get(commandsKeyOf(scope, languageCode)) ?? [];
  }

  /** Lets the fake server report its queue in getWebhookInfo. */
  set pendingUpdateCount(fn: () => number) {
    this.#state.pendingUpdateCount = fn;
  }

  #privateChat(userId: number) {
    const st = this.#state.chatState(userId);
    if (!st || st.chat.type !== "private") throw new Error(`${userId} is not a user id`);
    return st;
  }
}

/**
 * Gives the payload the form it has on the wire: InputFiles become
 * {@link UploadedFile}s (read like an upload would), class instances such as
 * grammY's InlineKeyboard become their JSON, null/undefined fields are dropped
 * (grammY omits them), and the result shares nothing with the caller's objects.
 */
async function normalizeUploads(
  payload: Payload,
): Promise<{ normalized: Payload; uploads: RecordedUpload[] }> {
  const uploads: RecordedUpload[] = [];
  const walk = async (v: unknown, path: string): Promise<unknown> => {
    if (isInputFile(v)) v = await readInputFile(v);
    if (isUploadedFile(v)) {
      uploads.push({ ...v, field: path });
      return v;
    }
    if (typeof v !== "object" || v === null) return v;
    if (Array.isArray(v)) return await Promise.all(v.map((x, i) => walk(x, `${path}.${i}`)));
    const proto = Object.getPrototypeOf(v);
    if (proto !== Object.prototype && proto !== null) {
      return JSON.parse(JSON.stringify(v) ?? "null");
    }
    const out: Payload = {};
    for (const [k, x] of Object.entries(v)) {
      if (x !== undefined && x !== null) out[k] = await walk(x, path ? `${path}.${k}` : k);
    }
    return out;
  };
  const normalized = await walk(payload, "") as Payload;
  return { normalized, uploads };
}

/** A service message about a forum topic (created, edited, closed, reopened). */
function isTopicService(m: Message): boolean {
  return m.forum_topic_created !== undefined || m.forum_topic_edited !== undefined ||
    m.forum_topic_closed !== undefined || m.forum_topic_reopened !== undefined;
}

/** One line about a call's parameters: each value cut to a few dozen characters. */
function summarize(payload: Payload): string {
  const parts = Object.entries(payload).map(([k, v]) => {
    const shown = isUploadedFile(v)
      ? `<upload ${v.size} bytes>`
      : typeof v === "string"
      ? JSON.stringify(v)
      : JSON.stringify(v) ?? String(v);
    return `${k}: ${shown.length > 80 ? `${shown.slice(0, 77)}...` : shown}`;
  });
  return `{ ${parts.join(", ")} }`;
}

/**
 * Throws an AssertionError listing every error answer the bot provoked that
 * the test did not allow (see {@link TelegramSim.unexpectedErrors} and
 * {@link TelegramSim.allowErrors}): method, a summary of the parameters, and
 * Telegram's description.
 */
export function assertNoUnexpectedErrors(sim: TelegramSim): void {
  const errors = sim.unexpectedErrors();
  if (errors.length === 0) return;
  const lines = errors.map((e) =>
    `- ${e.method} ${summarize(e.payload)}\n  -> ${e.error.error_code} ${e.error.description}`
  );
  throw new AssertionError({
    message: `The bot provoked ${errors.length} Bot API error(s) the test did not expect ` +
      `(a test that provokes one on purpose allows it with sim.allowErrors):\n${lines.join("\n")}`,
  });
}
