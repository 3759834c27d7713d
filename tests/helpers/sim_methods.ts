/**
 * The sim's method table, keyed by lower-cased name (Telegram's method names
 * are case-insensitive), plus the smaller methods: bot settings, chats,
 * callback queries, files, forum topics. Each handler validates like
 * Telegram, changes {@link SimState} and returns the `result`, or throws an
 * ApiFailure.
 *
 * @module
 */

import type { ChatFullInfo, Message } from "grammy/types";
import {
  deleteMessage,
  deleteMessages,
  editMessageCaption,
  editMessageMedia,
  editMessageReplyMarkup,
  editMessageText,
} from "./sim_edit.ts";
import {
  copyMessage,
  copyMessages,
  forwardMessage,
  forwardMessages,
  messageIdParam,
  sendMedia,
  sendMediaGroup,
  sendMessage,
} from "./sim_send.ts";
import {
  type ChatState,
  commandsKeyOf,
  type Handler,
  type Payload,
  type SimState,
} from "./sim_state.ts";
import { ApiFailure, bad, checkReplyMarkup, jsonParam, stringParam } from "./validate.ts";
import { filePathOf, findFile, takeCallbackQuery } from "./world.ts";

const CHAT_ACTIONS = new Set([
  "typing",
  "upload_photo",
  "record_video",
  "upload_video",
  "record_voice",
  "upload_voice",
  "upload_document",
  "choose_sticker",
  "find_location",
  "record_video_note",
  "upload_video_note",
]);

function sendChatAction(s: SimState, p: Payload): true {
  if (!CHAT_ACTIONS.has(stringParam(p.action) ?? "")) bad("wrong parameter action in request");
  s.threadParam(s.sendTarget(p), p);
  return true;
}

function answerCallbackQuery(_s: SimState, p: Payload): true {
  const id = stringParam(p.callback_query_id);
  if (!id) bad("query_id is empty");
  if (typeof p.text === "string" && p.text.length > 200) bad("MESSAGE_TOO_LONG");
  // Unknown ids and second answers fail the same way in Telegram.
  if (!takeCallbackQuery(id)) {
    bad("query is too old and response timeout expired or query ID is invalid");
  }
  return true;
}

function getChat(s: SimState, p: Payload): ChatFullInfo {
  const st = s.existingChat(p.chat_id);
  return {
    ...st.chat,
    accent_color_id: 0,
    max_reaction_count: 11,
    accepted_gift_types: {
      unlimited_gifts: false,
      limited_gifts: false,
      unique_gifts: false,
      premium_subscription: false,
      gifts_from_channels: false,
    },
  } as ChatFullInfo;
}

function getFile(_s: SimState, p: Payload) {
  const id = stringParam(p.file_id);
  if (!id) bad("file_id is empty");
  const f = findFile(id);
  if (!f) bad("invalid file_id");
  if ((f.file_size ?? 0) > 20 * 1024 * 1024) bad("file is too big");
  return {
    file_id: f.file_id,
    file_unique_id: f.file_unique_id,
    ...(f.file_size !== undefined ? { file_size: f.file_size } : {}),
    file_path: filePathOf(f),
  };
}

const SCOPES = new Set([
  "default",
  "all_private_chats",
  "all_group_chats",
  "all_chat_administrators",
  "chat",
  "chat_administrators",
  "chat_member",
]);

/** Key of a command list: scope plus language; chat scopes must name an existing chat. */
function commandsKey(s: SimState, p: Payload): string {
  const scope = jsonParam<Payload>(p.scope, "bot command scope") ?? { type: "default" };
  if (!SCOPES.has(String(scope.type))) bad("can't parse BotCommandScope: unsupported type");
  if (String(scope.type).startsWith("chat")) s.existingChat(scope.chat_id);
  return commandsKeyOf(scope, stringParam(p.language_code) ?? "");
}

function setMyCommands(s: SimState, p: Payload): true {
  const commands = jsonParam<Payload[]>(p.commands, "BotCommand array") ?? [];
  if (!Array.isArray(commands)) bad("can't parse BotCommand array JSON object");
  if (commands.length > 100) bad("too many commands specified");
  for (const c of commands) {
    if (typeof c?.command !== "string") bad(`can't parse BotCommand: Can't find field "command"`);
    if (typeof c.description !== "string") {
      bad(`can't parse BotCommand: Can't find field "description"`);
    }
    if (!/^[a-z0-9_]{1,32}$/.test(c.command)) bad("BOT_COMMAND_INVALID");
    if (c.description.trim() === "") bad("command description must be non-empty");
    if (c.description.length > 256) bad("command description is too long");
  }
  s.commands.set(
    commandsKey(s, p),
    commands.map((c) => ({ command: c.command, description: c.description })),
  );
  return true;
}

function forumTopicOf(s: SimState, p: Payload) {
  const st = s.existingChat(p.chat_id);
  const id = Number(p.message_thread_id);
  s.assertTopicAlive(st, id);
  const topic = s.topic(st, id);
  if (!topic) bad("message thread not found");
  st.topics.set(id, topic);
  return { st, id, topic };
}

/** Posts the service message a topic change leaves in the topic. */
function topicServiceMessage(
  s: SimState,
  st: ChatState,
  id: number,
  content: Partial<Message>,
): void {
  const created = s.findMessage(st.chat.id, id)?.message;
  const m: Message = {
    message_id: s.allocMessageId(st),
    from: s.botUser,
    chat: st.chat,
    date: s.now(),
    message_thread_id: id,
    ...(created
      ? { reply_to_message: structuredClone(created) as Message["reply_to_message"] }
      : {}),
    ...content,
    is_topic_message: true,
  };
  s.store(st, m);
}

function createForumTopic(s: SimState, p: Payload) {
  const st = s.existingChat(p.chat_id);
  if (st.chat.type !== "supergroup" || !st.chat.is_forum) bad("the chat is not a forum");
  s.assertCanWrite(st);
  if (!st.botIsAdmin || !st.canManageTopics) bad("not enough rights to create a topic");
  const name = stringParam(p.name) ?? "";
  if (name.trim() === "") bad("TOPIC_TITLE_EMPTY");
  if (name.length > 128) bad("TOPIC_TITLE_TOO_LONG");
  const icon_color = Number(p.icon_color ?? 7322096);
  // The topic id is the id of the "topic created" service message.
  const created: Message = {
    message_id: s.allocMessageId(st),
    from: s.botUser,
    chat: st.chat,
    date: s.now(),
    forum_topic_created: { name, icon_color },
    is_topic_message: true,
  };
  created.message_thread_id = created.message_id;
  s.store(st, created);
  const emoji = stringParam(p.icon_custom_emoji_id);
  st.topics.set(created.message_id, {
    name,
    icon_color,
    closed: false,
    byBot: true,
    ...(emoji ? { icon_custom_emoji_id: emoji } : {}),
  });
  s.topicCreated(st);
  return {
    message_thread_id: created.message_id,
    name,
    icon_color,
    ...(emoji ? { icon_custom_emoji_id: emoji } : {}),
  };
}

function setTopicClosed(closed: boolean): Handler {
  return (s, p) => {
    const { st, id, topic } = forumTopicOf(s, p);
    if (!s.mayManageTopic(st, topic)) bad("not enough rights to edit a topic");
    if (topic.closed === closed) bad("TOPIC_NOT_MODIFIED");
    topic.closed = closed;
    topicServiceMessage(
      s,
      st,
      id,
      closed ? { forum_topic_closed: {} } : { forum_topic_reopened: {} },
    );
    return true;
  };
}

function editForumTopic(s: SimState, p: Payload): true {
  const { st, id, topic } = forumTopicOf(s, p);
  if (!s.mayManageTopic(st, topic)) bad("not enough rights to edit a topic");
  const name = stringParam(p.name);
  const emoji = stringParam(p.icon_custom_emoji_id);
  if (name !== undefined && name.length > 128) bad("TOPIC_TITLE_TOO_LONG");
  if (
    (name ?? topic.name) === topic.name &&
    (emoji ?? topic.icon_custom_emoji_id) === topic.icon_custom_emoji_id
  ) {
    bad("TOPIC_NOT_MODIFIED");
  }
  if (name) topic.name = name;
  if (emoji !== undefined) topic.icon_custom_emoji_id = emoji;
  topicServiceMessage(s, st, id, {
    forum_topic_edited: {
      ...(name ? { name } : {}),
      ...(emoji !== undefined ? { icon_custom_emoji_id: emoji } : {}),
    },
  });
  return true;
}

function deleteForumTopic(s: SimState, p: Payload): true {
  const { st, id, topic } = forumTopicOf(s, p);
  // Deleting a topic needs can_delete_messages, which the bot has as administrator.
  if (!st.botIsAdmin && !topic.byBot) bad("not enough rights to delete a topic");
  s.deleteTopic(st, id, false);
  return true;
}

function pinChatMessage(s: SimState, p: Payload): true {
  const st = s.existingChat(p.chat_id);
  const id = messageIdParam(p.message_id);
  if (!s.findMessage(st.chat.id, id)) bad("message to pin not found");
  st.pinned = [...st.pinned.filter((x) => x !== id), id];
  return true;
}

function simpleSend(build: (s: SimState, p: Payload) => Partial<Message>): Handler {
  return (s, p) => {
    const content = build(s, p);
    const markup = checkReplyMarkup(p.reply_markup);
    const st = s.sendTarget(p);
    return s.store(st, Object.assign(s.newMessage(st, p, markup), content));
  };
}

function botText(kind: string, field: string): [Handler, Handler] {
  const key = (p: Payload) => `${kind}|${stringParam(p.language_code) ?? ""}`;
  return [
    (s, p) => {
      s.botTexts.set(key(p), stringParam(p[field]) ?? "");
      return true;
    },
    (s, p) => ({ [field]: s.botTexts.get(key(p)) ?? (kind === "name" ? s.bot.first_name : "") }),
  ];
}

const [setMyName, getMyName] = botText("name", "name");
const [setMyDescription, getMyDescription] = botText("description", "description");
const [setMyShortDescription, getMyShortDescription] = botText("short", "short_description");

/** Every update type Telegram knows (for allowed_updates). */
export const UPDATE_TYPES: ReadonlySet<string> = new Set([
  "message",
  "edited_message",
  "channel_post",
  "edited_channel_post",
  "business_connection",
  "business_message",
  "edited_business_message",
  "deleted_business_messages",
  "message_reaction",
  "message_reaction_count",
  "inline_query",
  "chosen_inline_result",
  "callback_query",
  "shipping_query",
  "pre_checkout_query",
  "purchased_paid_media",
  "poll",
  "poll_answer",
  "my_chat_member",
  "chat_member",
  "chat_join_request",
  "chat_boost",
  "removed_chat_boost",
]);

/** What Telegram sends without allowed_updates: every type but these three. */
const NOT_BY_DEFAULT = ["chat_member", "message_reaction", "message_reaction_count"];

/** A webhook as setWebhook registered it. */
export interface WebhookSettings {
  url: string;
  /** "" when none was given (then no secret header is sent). */
  secretToken: string;
  /** 1..100, default 40. */
  maxConnections: number;
  /** The update types Telegram delivers. */
  allowedUpdates: string[];
  /** allowed_updates was given (getWebhookInfo shows it then). */
  explicitUpdates: boolean;
}

const webhooks = new WeakMap<SimState, WebhookSettings>();
/** Telegram takes one setWebhook with a URL per second per bot; earlier ones get a 429. */
const nextSetWebhookAt = new WeakMap<SimState, number>();

/**
 * Reads setWebhook's parameters with Telegram's checks and wording (Telegram's
 * order: the URL parses, the secret's length and alphabet, then the webhook's
 * check of the scheme and the port). One check is the sim's own:
 * allowed_updates must be a JSON array of known update types (Telegram
 * silently ignores what it cannot use, which only hides a bug).
 * Returns undefined for an empty URL (setWebhook then removes the webhook).
 */
export function webhookSettings(p: Payload): WebhookSettings | undefined {
  const url = stringParam(p.url) ?? "";
  if (url === "") return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    bad("invalid webhook URL specified");
  }
  if (!/^https?:$/.test(parsed.protocol) || parsed.hostname === "") {
    bad("invalid webhook URL specified");
  }
  const secretToken = stringParam(p.secret_token) ?? "";
  if (secretToken.length > 256) bad("secret token is too long");
  if (!/^[A-Za-z0-9_-]*$/.test(secretToken)) bad("secret token contains unallowed characters");
  if (parsed.protocol !== "https:") bad("bad webhook: An HTTPS URL must be provided for webhook");
  if (!["", "80", "88", "443", "8443"].includes(parsed.port)) {
    bad("bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443");
  }
  const asked = Number(p.max_connections ?? 40);
  const maxConnections = Number.isInteger(asked) ? Math.min(100, Math.max(1, asked)) : 40;
  const list = jsonParam<unknown>(p.allowed_updates, "allowed updates");
  if (list !== undefined && !Array.isArray(list)) {
    bad("allowed_updates must be a JSON array of update types (the sim's check)");
  }
  for (const type of list ?? []) {
    if (typeof type !== "string" || !UPDATE_TYPES.has(type)) {
      bad(`unknown update type ${JSON.stringify(type)} in allowed_updates (the sim's check)`);
    }
  }
  const given = (list ?? []) as string[];
  return {
    url,
    secretToken,
    maxConnections,
    allowedUpdates: given.length
      ? [...new Set(given)]
      : [...UPDATE_TYPES].filter((t) => !NOT_BY_DEFAULT.includes(t)),
    explicitUpdates: given.length > 0,
  };
}

function setWebhook(s: SimState, p: Payload): true {
  if (stringParam(p.url)) {
    const now = Date.now();
    if (now < (nextSetWebhookAt.get(s) ?? 0)) {
      // Another process of the same bot may just have set it: the bot cannot know.
      throw new ApiFailure({
        error_code: 429,
        description: "Too Many Requests: retry after 1",
        parameters: { retry_after: 1 },
      }, { expected: true });
    }
    nextSetWebhookAt.set(s, now + 1000);
  }
  const settings = webhookSettings(p);
  s.webhookUrl = settings?.url ?? "";
  if (settings) webhooks.set(s, settings);
  else webhooks.delete(s);
  return true;
}

function getWebhookInfo(s: SimState) {
  const hook = webhooks.get(s);
  return {
    url: s.webhookUrl,
    has_custom_certificate: false,
    pending_update_count: s.pendingUpdateCount(),
    ...(hook ? { max_connections: hook.maxConnections, ip_address: "127.0.0.1" } : {}),
    ...(hook?.explicitUpdates ? { allowed_updates: hook.allowedUpdates } : {}),
  };
}

const ok: Handler = () => true;

/** All methods the sim implements, by lower-cased name. */
export const METHODS: Record<string, Handler> = {
  getme: (s) => s.bot,
  logout: ok,
  close: ok,
  getupdates: () => [],
  setwebhook: setWebhook,
  deletewebhook: (s) => {
    s.webhookUrl = "";
    webhooks.delete(s);
    return true;
  },
  getwebhookinfo: getWebhookInfo,
  setmycommands: setMyCommands,
  getmycommands: (s, p) => s.commands.get(commandsKey(s, p)) ?? [],
  deletemycommands: (s, p) => {
    s.commands.delete(commandsKey(s, p));
    return true;
  },
  setmyname: setMyName,
  getmyname: getMyName,
  setmydescription: setMyDescription,
  getmydescription: getMyDescription,
  setmyshortdescription: setMyShortDescription,
  getmyshortdescription: getMyShortDescription,
  setchatmenubutton: (s, p) => {
    s.menuButtons.set(
      String(p.chat_id ?? ""),
      jsonParam(p.menu_button, "menu button") ?? { type: "default" },
    );
    return true;
  },
  getchatmenubutton: (s, p) =>
    s.menuButtons.get(String(p.chat_id ?? "")) ?? s.menuButtons.get("") ?? { type: "default" },
  setmydefaultadministratorrights: ok,
  getmydefaultadministratorrights: () => ({
    is_anonymous: false,
    can_manage_chat: false,
    can_delete_messages: false,
    can_manage_video_chats: false,
    can_restrict_members: false,
    can_promote_members: false,
    can_change_info: false,
    can_invite_users: false,
    can_post_stories: false,
    can_edit_stories: false,
    can_delete_stories: false,
  }),

  sendmessage: sendMessage,
  sendphoto: sendMedia("photo"),
  sendvideo: sendMedia("video"),
  senddocument: sendMedia("document"),
  sendaudio: sendMedia("audio"),
  sendvoice: sendMedia("voice"),
  sendanimation: sendMedia("animation"),
  sendsticker: sendMedia("sticker"),
  sendvideonote: sendMedia("video_note"),
  sendmediagroup: sendMediaGroup,
  sendlocation: simpleSend((_s, p) => ({
    location: { latitude: Number(p.latitude), longitude: Number(p.longitude) },
  })),
  sendcontact: simpleSend((_s, p) => ({
    contact: {
      phone_number: stringParam(p.phone_number) ?? bad("phone_number is empty"),
      first_name: stringParam(p.first_name) ?? bad("first_name is empty"),
    },
  })),
  senddice: simpleSend((_s, p) => ({ dice: { emoji: stringParam(p.emoji) ?? "🎲", value: 4 } })),
  sendpoll: simpleSend((_s, p) => {
    const options = jsonParam<unknown[]>(p.options, "poll options") ?? [];
    if (!Array.isArray(options) || options.length < 2 || options.length > 12) {
      bad("poll must have 2-12 options");
    }
    const question = stringParam(p.question) ?? "";
    if (question === "") bad("poll question must be non-empty");
    return {
      poll: {
        id: String(Date.now()),
        question,
        options: options.map((o, i) => ({
          persistent_id: String(i),
          text: typeof o === "string" ? o : String((o as { text?: unknown }).text ?? ""),
          voter_count: 0,
        })),
        total_voter_count: 0,
        is_closed: false,
        is_anonymous: p.is_anonymous !== false,
        type: p.type === "quiz" ? "quiz" : "regular",
        allows_multiple_answers: p.allows_multiple_answers === true,
        allows_revoting: true,
        members_only: false,
      },
    };
  }),
  sendchataction: sendChatAction,
  copymessage: copyMessage,
  copymessages: copyMessages,
  forwardmessage: forwardMessage,
  forwardmessages: forwardMessages,
  editmessagetext: editMessageText,
  editmessagecaption: editMessageCaption,
  editmessagereplymarkup: editMessageReplyMarkup,
  editmessagemedia: editMessageMedia,
  deletemessage: deleteMessage,
  deletemessages: deleteMessages,
  setmessagereaction: (s, p) => {
    const st = s.existingChat(p.chat_id);
    if (!s.findMessage(st.chat.id, messageIdParam(p.message_id))) bad("MESSAGE_ID_INVALID");
    return true;
  },
  pinchatmessage: pinChatMessage,
  unpinchatmessage: (s, p) => {
    s.existingChat(p.chat_id);
    return true;
  },
  unpinallchatmessages: (s, p) => {
    s.existingChat(p.chat_id).pinned = [];
    return true;
  },

  answercallbackquery: answerCallbackQuery,
  getchat: getChat,
  getchatmember: (s, p) => s.member(s.existingChat(p.chat_id), Number(p.user_id)),
  getchatadministrators: (s, p) => {
    const st = s.existingChat(p.chat_id);
    if (st.chat.type === "private") bad("there are no administrators in the private chat");
    const admins = [...st.members.values()].filter((m) =>
      m.status === "creator" || m.status === "administrator"
    );
    return st.botIsAdmin ? [...admins, s.member(st, s.bot.id)] : admins;
  },
  getchatmembercount: (s, p) => {
    const st = s.existingChat(p.chat_id);
    return st.chat.type === "private" ? 2 : Math.max(2, st.members.size + 1);
  },
  leavechat: (s, p) => {
    const st = s.existingChat(p.chat_id);
    if (st.chat.type === "private") bad("chat member status can't be changed in private chats");
    st.left = true;
    return true;
  },
  banchatmember: (s, p) => {
    s.existingChat(p.chat_id);
    return true;
  },
  unbanchatmember: (s, p) => {
    s.existingChat(p.chat_id);
    return true;
  },
  restrictchatmember: (s, p) => {
    s.existingChat(p.chat_id);
    return true;
  },
  getfile: getFile,
  getuserprofilephotos: () => ({ total_count: 0, photos: [] }),
  createforumtopic: createForumTopic,
  editforumtopic: editForumTopic,
  closeforumtopic: setTopicClosed(true),
  reopenforumtopic: setTopicClosed(false),
  deleteforumtopic: deleteForumTopic,
  unpinallforumtopicmessages: (s, p) => {
    forumTopicOf(s, p);
    return true;
  },
  exportchatinvitelink: (s, p) => {
    s.existingChat(p.chat_id);
    return `https://t.me/+${crypto.randomUUID().slice(0, 16)}`;
  },
  createchatinvitelink: (s, p) => {
    s.existingChat(p.chat_id);
    return {
      invite_link: `https://t.me/+${crypto.randomUUID().slice(0, 16)}`,
      creator: s.botUser,
      creates_join_request: false,
      is_primary: false,
      is_revoked: false,
    };
  },
};
