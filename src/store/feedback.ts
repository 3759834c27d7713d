/**
 * Feedback repository: feedback records, the per-user cooldown stamp and the
 * feedback counter, in one atomic operation.
 *
 * @module
 */
import { keys } from "./keys.ts";
import { increment } from "./counters.ts";
import { updateUser, type UserRecord } from "./users.ts";

/** A feedback message, under ["feedback", at, userId]. */
export interface FeedbackRecord {
  userId: number;
  at: number;
  text: string;
  /** The original message in the user's chat. */
  chatId: number;
  messageId: number;
}

/** The outcome of {@link addFeedback}. */
export type FeedbackResult =
  | { ok: true; record: FeedbackRecord }
  | { ok: false; nextAllowedAt: number };

/**
 * Stores feedback unless the user is inside the cooldown (`cooldownMs` 0: no
 * cooldown). The cooldown check and the write are one atomic operation, so two
 * quick submissions cannot both pass.
 */
export async function addFeedback(
  kv: Deno.Kv,
  record: FeedbackRecord,
  cooldownMs: number,
): Promise<FeedbackResult> {
  let refusedUntil: number | undefined;
  const user = await updateUser(
    kv,
    record.userId,
    (current: UserRecord) => {
      const last = current.lastFeedbackAt;
      refusedUntil = cooldownMs > 0 && last !== undefined && record.at < last + cooldownMs
        ? last + cooldownMs
        : undefined;
      return refusedUntil === undefined ? { ...current, lastFeedbackAt: record.at } : current;
    },
    (op) => {
      if (refusedUntil !== undefined) return;
      op.set(keys.feedback(record.at, record.userId), record);
      increment(op, keys.stat("feedback_count"));
    },
    () => ({
      id: record.userId,
      firstName: String(record.userId),
      blocked: false,
      reachable: true,
      createdAt: record.at,
    }),
  );
  if (!user) throw new Error(`Could not store feedback of user ${record.userId}`);
  return refusedUntil === undefined
    ? { ok: true, record }
    : { ok: false, nextAllowedAt: refusedUntil };
}

/** When the user may send feedback again, or undefined when allowed now. */
export function feedbackAllowedAt(
  user: UserRecord | null,
  now: number,
  cooldownMs: number,
): number | undefined {
  const last = user?.lastFeedbackAt;
  if (cooldownMs <= 0 || last === undefined || now >= last + cooldownMs) return undefined;
  return last + cooldownMs;
}
