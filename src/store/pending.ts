/**
 * What the bot expects next from a user: the description of a question after
 * "Ask a question", or a feedback text after "Send feedback".
 *
 * @module
 */
import { keys } from "./keys.ts";
import { whileLocked } from "./locked.ts";

/** An input the bot is waiting for. */
export interface PendingInput {
  kind: "ask" | "feedback";
  since: number;
}

/** Pending inputs are forgotten after a day, so a stale one cannot surprise a user. */
const PENDING_TTL_MS = 86_400_000;

/** Remembers what the user is expected to send next. */
export async function setPending(kv: Deno.Kv, userId: number, input: PendingInput): Promise<void> {
  await whileLocked(() => kv.set(keys.pending(userId), input, { expireIn: PENDING_TTL_MS }));
}

/** What the user is expected to send, if anything. */
export async function getPending(kv: Deno.Kv, userId: number): Promise<PendingInput | null> {
  return (await kv.get<PendingInput>(keys.pending(userId))).value;
}

/** Forgets the pending input. */
export async function clearPending(kv: Deno.Kv, userId: number): Promise<void> {
  await whileLocked(() => kv.delete(keys.pending(userId)));
}

/** Forgets the pending input within `op` (the atomic operation of what it led to). */
export function stageClearPending(op: Deno.AtomicOperation, userId: number): void {
  op.delete(keys.pending(userId));
}
