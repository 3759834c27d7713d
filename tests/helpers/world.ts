/**
 * Facts about "the Telegram outside the bot" that the update factories create
 * and the sim must know to answer like Telegram: which user messages exist
 * (to reply to or copy them), which file_ids are real, which callback queries
 * are waiting for an answer, which users exist.
 *
 * Message ids come from one counter shared with the sim, so an id is never
 * given to two messages and ids grow in every chat, as in Telegram.
 *
 * @module
 */

import type { Chat, Message, User } from "grammy/types";

/** What Telegram knows about a stored file. */
export interface FileInfo {
  file_id: string;
  file_unique_id: string;
  file_size?: number;
  /** photo, video, document, ... (used for the file_id prefix and getFile paths). */
  kind: string;
  /** Original file name, for documents, videos, audio and animations. */
  file_name?: string;
}

const FIRST_UPDATE_ID = 500_000_000;

const state = {
  messageId: 0,
  updateId: FIRST_UPDATE_ID,
  fileSeq: 0,
  /** Messages by chat id, then message id. */
  messages: new Map<number, Map<number, Message>>(),
  users: new Map<number, User>(),
  chats: new Map<number, Chat>(),
  files: new Map<string, FileInfo>(),
  callbackQueries: new Set<string>(),
};

/** Next message_id (shared by factories and the sim). */
export function nextMessageId(): number {
  return ++state.messageId;
}

/** Makes sure later ids are above `id` (used when a test hand-builds a message). */
export function bumpMessageId(id: number): void {
  if (id > state.messageId) state.messageId = id;
}

/** Next update_id. */
export function nextUpdateId(): number {
  return ++state.updateId;
}

/** Records a message that users sent (or that exists in a chat) so the sim can find it. */
export function rememberMessage(message: Message): void {
  let chat = state.messages.get(message.chat.id);
  if (!chat) state.messages.set(message.chat.id, chat = new Map());
  chat.set(message.message_id, message);
  bumpMessageId(message.message_id);
  if (message.from) rememberUser(message.from);
}

/** Finds a remembered message. */
export function findMessage(chatId: number, messageId: number): Message | undefined {
  return state.messages.get(chatId)?.get(messageId);
}

/** Forgets a message (deleted by the bot). */
export function forgetMessage(chatId: number, messageId: number): void {
  state.messages.get(chatId)?.delete(messageId);
}

/** All remembered messages of a chat, oldest first. */
export function messagesOf(chatId: number): Message[] {
  return [...(state.messages.get(chatId)?.values() ?? [])]
    .sort((a, b) => a.message_id - b.message_id);
}

/** Records a user (for getChat and private chat objects). */
export function rememberUser(user: User): void {
  state.users.set(user.id, user);
}

/** A remembered user. */
export function findUser(id: number): User | undefined {
  return state.users.get(id);
}

/** Records a group registered with the sim, so factories build the same chat object. */
export function rememberChat(chat: Chat): void {
  state.chats.set(chat.id, chat);
}

/** A registered group chat. */
export function findChat(id: number): Chat | undefined {
  return state.chats.get(id);
}

const FILE_ID_PREFIX: Record<string, string> = {
  photo: "AgACAgIAAxkBAAI",
  video: "BAACAgIAAxkBAAI",
  document: "BQACAgIAAxkBAAI",
  audio: "CQACAgIAAxkBAAI",
  voice: "AwACAgIAAxkBAAI",
  animation: "CgACAgIAAxkBAAI",
  sticker: "CAACAgIAAxkBAAI",
  video_note: "DQACAgIAAxkBAAI",
};

/** Creates and remembers a new file with a realistic-looking file_id. */
export function newFile(kind: string, size?: number, fileName?: string): FileInfo {
  const n = ++state.fileSeq;
  const tail = `${n.toString(36).padStart(6, "0")}${crypto.randomUUID().replaceAll("-", "")}`;
  const info: FileInfo = {
    file_id: `${FILE_ID_PREFIX[kind] ?? "BQACAgIAAxkBAAI"}${tail}`,
    file_unique_id: `AgAD${n.toString(36).padStart(6, "0")}`,
    kind,
    ...(size === undefined ? {} : { file_size: size }),
    ...(fileName === undefined ? {} : { file_name: fileName }),
  };
  state.files.set(info.file_id, info);
  return info;
}

/** A known file by file_id. */
export function findFile(fileId: string): FileInfo | undefined {
  return state.files.get(fileId);
}

/** The file_path getFile reports for a file. */
export function filePathOf(f: FileInfo): string {
  const ext = f.file_name?.includes(".")
    ? f.file_name.split(".").pop()
    : f.kind === "photo"
    ? "jpg"
    : "dat";
  return `${f.kind}s/file_${f.file_unique_id}.${ext}`;
}

/** The file a getFile file_path points at. */
export function findFileByPath(path: string): FileInfo | undefined {
  for (const f of state.files.values()) if (filePathOf(f) === path) return f;
  return undefined;
}

/** Marks a callback query as pending an answer. */
export function rememberCallbackQuery(id: string): void {
  state.callbackQueries.add(id);
}

/** Takes a pending callback query; false if unknown or already answered. */
export function takeCallbackQuery(id: string): boolean {
  return state.callbackQueries.delete(id);
}

/** Resets all counters and forgets everything (call together with creating a new sim). */
export function resetWorld(): void {
  state.messageId = 0;
  state.updateId = FIRST_UPDATE_ID;
  state.fileSeq = 0;
  state.messages.clear();
  state.users.clear();
  state.chats.clear();
  state.files.clear();
  state.callbackQueries.clear();
}
