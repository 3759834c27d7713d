/**
 * Reply mode: after pressing Reply on a card, an admin's next message answers
 * that ticket. Stored per admin so that it survives a restart.
 *
 * @module
 */
import { keys } from "./keys.ts";

/** The ticket an admin is replying to. */
export interface ReplyMode {
  ticketId: number;
  since: number;
  /** The ticket's user, so that the answer can read the user with the ticket (absent in old records). */
  userId?: number;
}

/** Puts an admin in reply mode for a ticket. */
export async function setReplyMode(kv: Deno.Kv, adminId: number, mode: ReplyMode): Promise<void> {
  await kv.set(keys.replyMode(adminId), mode);
}

/** The admin's reply mode, if any. */
export async function getReplyMode(kv: Deno.Kv, adminId: number): Promise<ReplyMode | null> {
  return (await kv.get<ReplyMode>(keys.replyMode(adminId))).value;
}

/** Leaves reply mode. */
export async function clearReplyMode(kv: Deno.Kv, adminId: number): Promise<void> {
  await kv.delete(keys.replyMode(adminId));
}

/** Leaves reply mode within `op` (the atomic operation that stores the answer). */
export function stageClearReplyMode(op: Deno.AtomicOperation, adminId: number): void {
  op.delete(keys.replyMode(adminId));
}
