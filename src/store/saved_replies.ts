/**
 * Saved replies: answers the team keeps under a short name, under
 * ["saved_reply", name]. Shared by every agent; the same name replaces.
 * Media are kept as the message they were saved from (the bot copies it),
 * text as text.
 *
 * @module
 */
import { keys } from "./keys.ts";
import { commit, whileLocked } from "./locked.ts";
import type { MessageKind } from "./tickets.ts";

/** A saved reply's name: 1 to 32 letters, digits, `_` or `-` (kept lowercase). */
export const SAVED_NAME = /^[\p{L}\p{N}_-]{1,32}$/u;

/** The most saved replies kept (one /saved list and its buttons must stay usable). */
export const SAVED_LIMIT = 30;

/** One saved reply. */
export interface SavedReply {
  name: string;
  kind: MessageKind;
  /** The text, or the media's caption. */
  text?: string;
  /** The message the media is copied from. */
  from: { chatId: number; messageId: number };
  /** Who saved it, and when. */
  by: number;
  at: number;
}

/** The form a name is kept in, or null when it is not a valid name. */
export function savedName(raw: string): string | null {
  const name = raw.trim().toLowerCase();
  return SAVED_NAME.test(name) ? name : null;
}

/** A saved reply, or null. */
export async function getSavedReply(kv: Deno.Kv, name: string): Promise<SavedReply | null> {
  return (await kv.get<SavedReply>(keys.savedReply(name))).value;
}

/** Every saved reply, by name. */
export async function listSavedReplies(kv: Deno.Kv): Promise<SavedReply[]> {
  const found: SavedReply[] = [];
  for await (const entry of kv.list<SavedReply>({ prefix: keys.savedReplies() })) {
    found.push(entry.value);
  }
  return found;
}

/**
 * Saves `reply` under its name, replacing one of the same name. False when
 * the limit is reached and the name is new.
 */
export async function saveReply(kv: Deno.Kv, reply: SavedReply): Promise<boolean> {
  for (;;) {
    const existing = await kv.get<SavedReply>(keys.savedReply(reply.name));
    if (!existing.value && (await listSavedReplies(kv)).length >= SAVED_LIMIT) return false;
    const result = await commit(kv.atomic().check(existing).set(existing.key, reply));
    if (result.ok) return true;
  }
}

/** Deletes a saved reply; false when there was none. */
export async function deleteSavedReply(kv: Deno.Kv, name: string): Promise<boolean> {
  const existing = await kv.get<SavedReply>(keys.savedReply(name));
  if (!existing.value) return false;
  await whileLocked(() => kv.delete(existing.key));
  return true;
}
