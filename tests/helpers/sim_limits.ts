/**
 * Telegram's flood limits for the fake Telegram: about one message a second
 * in a private chat (bursts of three pass), 20 a minute in a group (bursts of
 * three), 30 a second overall, each multiplied by `scale` so that a test
 * stays short. A call over a limit gets Telegram's 429 with `retry_after`
 * and puts nothing into the chat. Only calls that put messages into a chat
 * count (a `copyMessages` of n counts n, a `sendMediaGroup` its items); so do
 * the forum topic changes that post a service message (createForumTopic,
 * editForumTopic, closeForumTopic, reopenForumTopic). Edits of messages and
 * callback answers do not. Every chat with a negative id (group, supergroup,
 * forum) has the group limit.
 *
 * @module
 */
import type { SimResponse } from "./telegram_sim.ts";

/** Telegram's limits as the fake enforces them, before `scale`. */
export const SIM_LIMITS = {
  private: { perSecond: 1, burst: 3 },
  group: { perSecond: 20 / 60, burst: 3 },
  overall: { perSecond: 30, burst: 30 },
};

/** Length of a list parameter (an array, or its JSON as form bodies carry it). */
function listLength(value: unknown): number {
  let list = value;
  if (typeof value === "string") {
    try {
      list = JSON.parse(value);
    } catch {
      return 1;
    }
  }
  return Array.isArray(list) && list.length > 0 ? list.length : 1;
}

const one = () => 1;

/** Messages a call puts into its chat, by lower-cased method name. */
const COUNTED: Record<string, (payload: Record<string, unknown>) => number> = {
  sendmessage: one,
  copymessage: one,
  forwardmessage: one,
  copymessages: (p) => listLength(p.message_ids),
  forwardmessages: (p) => listLength(p.message_ids),
  sendmediagroup: (p) => listLength(p.media),
  sendphoto: one,
  sendvideo: one,
  senddocument: one,
  sendaudio: one,
  sendvoice: one,
  sendanimation: one,
  sendsticker: one,
  sendvideonote: one,
  sendlocation: one,
  sendvenue: one,
  sendcontact: one,
  sendpoll: one,
  senddice: one,
  createforumtopic: one,
  editforumtopic: one,
  closeforumtopic: one,
  reopenforumtopic: one,
};

/** A token bucket that a call may enter while it holds at least one token. */
class Bucket {
  tokens: number;
  at = performance.now();
  constructor(readonly perMs: number, readonly burst: number) {
    this.tokens = burst;
  }
  refill(now: number): void {
    this.tokens = Math.min(this.burst, this.tokens + (now - this.at) * this.perMs);
    this.at = now;
  }
  /** Milliseconds until a token is there (0: now). */
  wait(): number {
    return this.tokens >= 1 ? 0 : (1 - this.tokens) / this.perMs;
  }
}

/** The limits of one fake Telegram, and the 429s they gave. */
export class FloodLimits {
  readonly #chats = new Map<number, Bucket>();
  readonly #overall: Bucket;
  readonly #scale: number;
  /** Every 429 given, by chat. */
  readonly limited: { chatId: number; method: string }[] = [];

  constructor(scale: number) {
    this.#scale = scale;
    this.#overall = new Bucket(
      (SIM_LIMITS.overall.perSecond * scale) / 1000,
      SIM_LIMITS.overall.burst,
    );
  }

  #chat(chatId: number): Bucket {
    let bucket = this.#chats.get(chatId);
    if (!bucket) {
      const rate = chatId < 0 ? SIM_LIMITS.group : SIM_LIMITS.private;
      bucket = new Bucket((rate.perSecond * this.#scale) / 1000, rate.burst);
      this.#chats.set(chatId, bucket);
    }
    return bucket;
  }

  /** Telegram's answer when the call is over a limit, or null when it may go (and is counted). */
  check(method: string, payload: Record<string, unknown>): SimResponse | null {
    const count = COUNTED[method.toLowerCase()];
    const raw = payload.chat_id;
    const chatId = typeof raw === "string" && /^-?\d+$/.test(raw) ? Number(raw) : raw;
    if (!count || typeof chatId !== "number") return null;
    const now = performance.now();
    const chat = this.#chat(chatId);
    chat.refill(now);
    this.#overall.refill(now);
    const wait = Math.max(chat.wait(), this.#overall.wait());
    if (wait > 0) {
      this.limited.push({ chatId, method });
      const retryAfter = Math.max(1, Math.ceil(wait / 1000));
      return {
        ok: false,
        error_code: 429,
        description: `Too Many Requests: retry after ${retryAfter}`,
        parameters: { retry_after: retryAfter },
      };
    }
    const n = count(payload);
    chat.tokens -= n;
    this.#overall.tokens -= n;
    return null;
  }
}
