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

const written = new WeakMap<Deno.Kv, Map<number, ReplyMode | null>>();

function remember(kv: Deno.Kv, adminId: number, mode: ReplyMode | null): void {
  let modes = written.get(kv);
  if (!modes) written.set(kv, modes = new Map());
  modes.set(adminId, mode);
}

/**
 * The reply mode this process last wrote for an admin (undefined: none known).
 * Only a hint, for reading the ticket ahead (bot/prefetch.ts): another process
 * may have changed the record since, so the record read with it decides.
 */
export function replyModeHint(kv: Deno.Kv, adminId: number): ReplyMode | null | undefined {
  return written.get(kv)?.get(adminId);
}

/** Puts an admin in reply mode for a ticket. */
export async function setReplyMode(kv: Deno.Kv, adminId: number, mode: ReplyMode): Promise<void> {
  await kv.set(keys.replyMode(adminId), mode);
  remember(kv, adminId, mode);
}

/** The admin's reply mode, if any. */
export async function getReplyMode(kv: Deno.Kv, adminId: number): Promise<ReplyMode | null> {
  return (await kv.get<ReplyMode>(keys.replyMode(adminId))).value;
}

/** Leaves reply mode. */
export async function clearReplyMode(kv: Deno.Kv, adminId: number): Promise<void> {
  await kv.delete(keys.replyMode(adminId));
  remember(kv, adminId, null);
}

/** Leaves reply mode within `op` (the atomic operation that stores the answer). */
export function stageClearReplyMode(
  kv: Deno.Kv,
  op: Deno.AtomicOperation,
  adminId: number,
): void {
  op.delete(keys.replyMode(adminId));
  // A hint only: should the operation fail, the record read next time decides.
  remember(kv, adminId, null);
}
