/**
 * Telegram's flood limits for the fake Telegram: about one message a second
 * in a private chat (bursts of three pass), 20 a minute in a group (bursts of
 * three), 30 a second overall, each multiplied by `scale` so that a test
 * stays short. A call over a limit gets Telegram's 429 with `retry_after`
 * and puts nothing into the chat. Only calls that put messages into a chat
 * count (a `copyMessages` of n counts n); edits and callback answers do not.
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

const COUNTED: Record<string, (payload: Record<string, unknown>) => number> = {
  sendMessage: () => 1,
  copyMessage: () => 1,
  forwardMessage: () => 1,
  copyMessages: (p) => (p.message_ids as unknown[] | undefined)?.length ?? 1,
  forwardMessages: (p) => (p.message_ids as unknown[] | undefined)?.length ?? 1,
  sendMediaGroup: (p) => (p.media as unknown[] | undefined)?.length ?? 1,
  sendPhoto: () => 1,
  sendVideo: () => 1,
  sendDocument: () => 1,
  sendAudio: () => 1,
  sendVoice: () => 1,
  sendAnimation: () => 1,
  sendSticker: () => 1,
  sendVideoNote: () => 1,
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
    const count = COUNTED[method];
    const chatId = payload.chat_id;
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
