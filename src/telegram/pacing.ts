/**
 * Keeping within Telegram's limits: about one message a second in one chat
 * (short bursts pass), 20 a minute in a group, about 30 a second overall.
 * Every call that puts a message into a chat waits for its turn here instead
 * of being fired until Telegram answers 429.
 *
 * Written here rather than taken from `@grammyjs/transformer-throttler`: that
 * plugin queues calls inside the API layer (Bottleneck), where the outbox
 * sender cannot see that a chat is busy, so it could not group the texts
 * that wait for that chat; it also paces every method, edits and callback
 * answers included, and its dependency has had no release since 2019. Each
 * limit here is a "virtual scheduling" token bucket (GCRA): a send is given
 * the first moment every bucket it touches allows, so calls keep the order
 * they were made in (bench/README.md, "Pacing").
 *
 * @module
 */
import type { Transformer } from "grammy";

/** A rate: `perSecond` on average, at most `burst` at once. */
export interface Rate {
  perSecond: number;
  burst: number;
}

/** What the bot paces itself to, before `TELEGRAM_RATE_SCALE`. */
export const TELEGRAM_RATES = {
  private: { perSecond: 1, burst: 2 },
  group: { perSecond: 20 / 60, burst: 2 },
  overall: { perSecond: 30, burst: 10 },
} as const satisfies Record<string, Rate>;

/** Methods that put messages into a chat, and how many each call puts. */
const MESSAGE_COUNT: Record<string, (payload: Record<string, unknown>) => number> = {
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
  sendLocation: () => 1,
  sendVenue: () => 1,
  sendContact: () => 1,
  // A topic created or renamed posts a service message in the group.
  createForumTopic: () => 1,
  editForumTopic: () => 1,
};

class Bucket {
  /** When the next message would be on time (the theoretical arrival time). */
  next = 0;
  constructor(readonly interval: number, readonly tolerance: number) {}
  static of(rate: Rate, scale: number): Bucket {
    const interval = 1000 / (rate.perSecond * scale);
    return new Bucket(interval, interval * (rate.burst - 1));
  }
  /** The first moment from `now` a message may go. */
  earliest(now: number): number {
    return Math.max(now, this.next - this.tolerance);
  }
  /** Takes `count` messages at `at`. */
  take(at: number, count: number): void {
    this.next = Math.max(this.next, at) + this.interval * count;
  }
}

/** Per-chat and overall pacing, shared by every call of one process. */
export class Pacer {
  readonly #chats = new Map<number, Bucket>();
  readonly #overall: Bucket;
  readonly #scale: number;
  readonly #now: () => number;

  /** `scale` multiplies every rate (TELEGRAM_RATE_SCALE). */
  constructor(scale = 1, now: () => number = Date.now) {
    this.#scale = scale;
    this.#now = now;
    this.#overall = Bucket.of(TELEGRAM_RATES.overall, scale);
  }

  #chat(chatId: number): Bucket {
    let bucket = this.#chats.get(chatId);
    if (!bucket) {
      bucket = Bucket.of(chatId < 0 ? TELEGRAM_RATES.group : TELEGRAM_RATES.private, this.#scale);
      this.#chats.set(chatId, bucket);
    }
    return bucket;
  }

  /** Milliseconds until a message to `chatId` may go (0: now). */
  delay(chatId: number): number {
    const now = this.#now();
    const at = Math.max(this.#chat(chatId).earliest(now), this.#overall.earliest(now));
    return at - now;
  }

  /** Waits until a message to `chatId` may go, without taking the turn. */
  async ready(chatId: number, signal?: AbortSignal): Promise<void> {
    for (let ms = this.delay(chatId); ms > 0 && !signal?.aborted; ms = this.delay(chatId)) {
      await sleep(ms, signal);
    }
  }

  /** Takes the turn of `count` messages to `chatId` and waits until it comes. */
  async take(chatId: number, count = 1, signal?: AbortSignal): Promise<void> {
    const now = this.#now();
    const chat = this.#chat(chatId);
    const at = Math.max(chat.earliest(now), this.#overall.earliest(now));
    chat.take(at, count);
    this.#overall.take(at, count);
    this.#forget(now);
    if (at > now) await sleep(at - now, signal);
  }

  /** Telegram asked to wait (a 429 with `retry_after`): nothing goes to the chat before then. */
  hold(chatId: number, seconds: number): void {
    const chat = this.#chat(chatId);
    chat.next = Math.max(chat.next, this.#now() + seconds * 1000 + chat.tolerance);
  }

  /** Chats idle for a minute are forgotten, so the map stays small. */
  #forget(now: number): void {
    if (this.#chats.size < 1000) return;
    for (const [id, bucket] of this.#chats) if (bucket.next < now - 60_000) this.#chats.delete(id);
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}

/**
 * The API transformer: a call that puts messages into a chat waits for its
 * turn; a 429 that still comes holds the chat for `retry_after`. Install it
 * under auto-retry, so that each retry is paced too.
 */
export function pacing(pacer: Pacer): Transformer {
  return async (prev, method, payload, signal) => {
    const count = MESSAGE_COUNT[method];
    const chatId = (payload as { chat_id?: unknown }).chat_id;
    if (!count || typeof chatId !== "number") return await prev(method, payload, signal);
    await pacer.take(chatId, count(payload as Record<string, unknown>), signal as AbortSignal);
    const result = await prev(method, payload, signal);
    const retryAfter = !result.ok ? result.parameters?.retry_after : undefined;
    if (retryAfter !== undefined) pacer.hold(chatId, retryAfter);
    return result;
  };
}
