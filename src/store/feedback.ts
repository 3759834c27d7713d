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
  /** `duplicate`: this message was stored before (its update handled again); nothing was written. */
  | { ok: true; record: FeedbackRecord; duplicate?: boolean }
  | { ok: false; nextAllowedAt: number };

/**
 * Stores feedback unless the user is inside the cooldown (`cooldownMs` 0: no
 * cooldown) or this very message is stored already (the user record keeps the
 * last feedback's message id: a replayed update costs nothing extra). The cooldown check and the write are one atomic operation, so two
 * quick submissions cannot both pass.
 */
export async function addFeedback(
  kv: Deno.Kv,
  record: FeedbackRecord,
  cooldownMs: number,
): Promise<FeedbackResult> {
  let refusedUntil: number | undefined;
  let duplicate = false;
  const user = await updateUser(
    kv,
    record.userId,
    (current: UserRecord) => {
      duplicate = current.lastFeedbackMessageId === record.messageId;
      if (duplicate) return current;
      const last = current.lastFeedbackAt;
      refusedUntil = cooldownMs > 0 && last !== undefined && record.at < last + cooldownMs
        ? last + cooldownMs
        : undefined;
      return refusedUntil === undefined
        ? { ...current, lastFeedbackAt: record.at, lastFeedbackMessageId: record.messageId }
        : current;
    },
    (op) => {
      if (duplicate || refusedUntil !== undefined) return;
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
  if (duplicate) return { ok: true, record, duplicate };
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
