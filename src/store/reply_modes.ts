/**
 * Reply mode: after pressing Reply on a card, an admin's next message answers
 * that ticket. Stored per admin so that it survives a restart; it ends with
 * the answer, with Cancel, when the admin opens another ticket's card, and
 * after {@link REPLY_MODE_TTL_MS} (README: "Answering").
 *
 * @module
 */
import { keys } from "./keys.ts";
import { commit, whileLocked } from "./locked.ts";

/** The ticket an admin is replying to. */
export interface ReplyMode {
  ticketId: number;
  since: number;
  /** The ticket's user (absent in old records). */
  userId?: number;
}

/** How long reply mode lasts without an answer: 30 minutes. */
export const REPLY_MODE_TTL_MS = 30 * 60_000;

/** Puts an admin in reply mode for a ticket. */
export async function setReplyMode(kv: Deno.Kv, adminId: number, mode: ReplyMode): Promise<void> {
  await whileLocked(() => kv.set(keys.replyMode(adminId), mode, { expireIn: REPLY_MODE_TTL_MS }));
}

/** The admin's reply mode at `now`, if any (one older than {@link REPLY_MODE_TTL_MS} is over). */
export async function getReplyMode(
  kv: Deno.Kv,
  adminId: number,
  now: number,
): Promise<ReplyMode | null> {
  const mode = (await kv.get<ReplyMode>(keys.replyMode(adminId))).value;
  return mode && now - mode.since < REPLY_MODE_TTL_MS ? mode : null;
}

/** Leaves reply mode. */
export async function clearReplyMode(kv: Deno.Kv, adminId: number): Promise<void> {
  await whileLocked(() => kv.delete(keys.replyMode(adminId)));
}

/** Leaves reply mode when it is for another ticket than `ticketId` (the admin opened its card). */
export async function leaveReplyModeUnlessFor(
  kv: Deno.Kv,
  adminId: number,
  ticketId: number,
): Promise<void> {
  const entry = await kv.get<ReplyMode>(keys.replyMode(adminId));
  if (entry.value && entry.value.ticketId !== ticketId) {
    await commit(kv.atomic().check(entry).delete(entry.key));
  }
}

/** Leaves reply mode within `op` (the atomic operation that stores the answer). */
export function stageClearReplyMode(op: Deno.AtomicOperation, adminId: number): void {
  op.delete(keys.replyMode(adminId));
}
