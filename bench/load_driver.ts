/**
 * The load driver: synthetic conversations pushed through `bot.handleUpdate`.
 *
 * One conversation is six updates: a user's first message (a new ticket), a
 * follow-up, an admin's Reply button and the admin's answer, the admin's Close
 * button, and the user's rating. `lanes` conversations run at once, like the
 * grammY runner serving many chats; the two steps of one admin's reply hold
 * that admin's chat so that two conversations never interleave there (a person
 * cannot either).
 *
 * @module
 */
import type { Update, User } from "grammy/types";
import { keys } from "../src/store/keys.ts";
import { ADMINS, BENCH_BOT_INFO } from "./setup.ts";

/** Handles one update (a real bot, or the floor). */
export type HandleUpdate = (update: Update) => Promise<unknown>;

/** Options of {@link runLoad}. */
export interface LoadOptions {
  /** Conversations to run; each is six updates. */
  conversations: number;
  /** Conversations in flight at once. */
  lanes: number;
  /** Users are numbered from here (distinct per run, so every run opens new tickets). */
  firstUserId: number;
  /**
   * Update ids, and message ids, are numbered from here (distinct per run: the
   * bot drops repeated update ids, and takes an admin's message whose id it has
   * linked before for an answer handled again, which it does not store twice).
   */
  firstUpdateId: number;
  /** Called every 500 updates (for RSS sampling). */
  onProgress?: () => void;
}

/** What a load run measured. */
export interface LoadResult {
  updates: number;
  seconds: number;
  /** Time of each `handleUpdate`, in milliseconds. */
  latenciesMs: Float64Array;
  /** Conversations whose ticket the bot really created (0 when features are stubs). */
  ticketsSeen: number;
}

const USER_TEXTS = [
  "Hello! I cannot log in to my account since this morning, the app says 'error 42'.",
  "I was charged twice for the March invoice, could you check please?",
  "The export to CSV stops at 1000 rows, is that a limit of my plan?",
  "How do I change the e-mail address of my account? The settings page hangs.",
];
const FOLLOW_UPS = [
  "Also: I already tried to reinstall the app, same thing.",
  "Here is the order number: 58213-AB. Thanks!",
];
const ADMIN_TEXTS = [
  "Hi! Thanks for writing. Please update to version 5.2, it fixes exactly this. <b>Let us know</b>.",
  "We refunded the second charge, it will show on your statement in 3-5 days.",
];

function lock() {
  let tail = Promise.resolve();
  return async <T>(work: () => Promise<T>): Promise<T> => {
    const previous = tail;
    let release!: () => void;
    tail = new Promise<void>((resolve) => release = resolve);
    await previous;
    try {
      return await work();
    } finally {
      release();
    }
  };
}

/** Pushes `options.conversations` conversations through `handle`. */
export async function runLoad(
  handle: HandleUpdate,
  kv: Deno.Kv,
  options: LoadOptions,
): Promise<LoadResult> {
  const latencies = new Float64Array(options.conversations * 6);
  let count = 0;
  let updateId = options.firstUpdateId;
  // Six messages per conversation, as many as updates: the ranges of two runs never meet.
  let messageId = options.firstUpdateId;
  let ticketsSeen = 0;
  const adminLocks = new Map<number, ReturnType<typeof lock>>(ADMINS.map((id) => [id, lock()]));

  const send = async (update: Update) => {
    const started = performance.now();
    await handle(update);
    latencies[count++] = performance.now() - started;
    if (count % 500 === 0) options.onProgress?.();
  };
  const now = () => Math.floor(Date.now() / 1000);
  const person = (id: number, name: string): User => ({
    id,
    is_bot: false,
    first_name: name,
    username: `${name.toLowerCase()}_${id}`,
    language_code: "en",
  });
  const text = (from: User, body: string): Update => ({
    update_id: updateId++,
    message: {
      message_id: messageId++,
      date: now(),
      chat: { id: from.id, type: "private", first_name: from.first_name },
      from,
      text: body,
    },
  });
  const press = (from: User, data: string): Update => ({
    update_id: updateId++,
    callback_query: {
      id: String(updateId),
      from,
      chat_instance: `ci${from.id}`,
      data,
      message: {
        message_id: messageId++,
        date: now(),
        chat: { id: from.id, type: "private", first_name: from.first_name },
        from: BENCH_BOT_INFO,
        text: "#1",
      },
    },
  });

  const conversation = async (index: number) => {
    const user = person(options.firstUserId + index, "Customer");
    const admin = person(ADMINS[index % ADMINS.length], "Agent");
    const adminLock = adminLocks.get(admin.id)!;
    await send(text(user, USER_TEXTS[index % USER_TEXTS.length]));
    // The admin learns the ticket id from the notification; we read the index (not timed).
    const open = (await kv.get<number>(keys.openTicket(user.id))).value;
    if (open !== null) ticketsSeen++;
    const ticketId = open ?? index + 1;
    await send(text(user, FOLLOW_UPS[index % FOLLOW_UPS.length]));
    await adminLock(async () => {
      await send(press(admin, `t:reply:${ticketId}`));
      await send(text(admin, ADMIN_TEXTS[index % ADMIN_TEXTS.length]));
    });
    await adminLock(() => send(press(admin, `t:close:${ticketId}`)));
    await send(press(user, `r:${ticketId}:${1 + index % 3}`));
  };

  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: Math.max(1, options.lanes) }, async () => {
      while (next < options.conversations) await conversation(next++);
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return { updates: count, seconds, latenciesMs: latencies.subarray(0, count), ticketsSeen };
}
