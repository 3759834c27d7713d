/**
 * Filling a store with history fast, in the real layout.
 *
 * Every ticket goes through the domain transitions and through the
 * repository's own {@link stageNewTicket}, so the records, indexes and
 * counters are exactly what the bot writes. Only the commits are batched: a
 * {@link BatchWriter} stands in for the atomic operation, collects the
 * mutations of many tickets and commits them together (counter sums to one key
 * are added up first).
 *
 * @module
 */
import { dayOf, keys } from "../src/store/keys.ts";
import { stageNewTicket, type TicketMessage } from "../src/store/tickets.ts";
import { stageUser, type UserRecord } from "../src/store/users.ts";
import type { RatingRecord } from "../src/store/ratings.ts";
import {
  afterSupportMessage,
  afterUserMessage,
  closeTicket,
  openTicket,
  type Ticket,
} from "../src/domain/ticket.ts";
import { increment } from "../src/store/counters.ts";
import { markSearchIndexDone, nameText, stageSearch } from "../src/store/search.ts";
import { ADMINS } from "./setup.ts";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const U64 = 1n << 64n;

/** Collects mutations of many tickets and commits them in few atomic operations. */
export class BatchWriter {
  #op: Deno.AtomicOperation;
  #sums = new Map<string, { key: Deno.KvKey; n: bigint }>();
  #mutations = 0;
  #bytes = 0;
  /** Real commits so far. */
  commits = 0;

  constructor(private kv: Deno.Kv) {
    this.#op = kv.atomic();
  }

  /** This writer typed as the atomic operation the repositories expect. */
  get op(): Deno.AtomicOperation {
    return this as unknown as Deno.AtomicOperation;
  }

  check(): this {
    return this; // nothing else writes while we fill
  }
  set(key: Deno.KvKey, value: unknown, options?: { expireIn?: number }): this {
    this.#op.set(key, value, options);
    this.#mutations++;
    this.#bytes += 64 +
      (typeof value === "object" && value !== null && !(value instanceof Deno.KvU64)
        ? JSON.stringify(value).length
        : 16);
    return this;
  }
  delete(key: Deno.KvKey): this {
    this.#op.delete(key);
    this.#mutations++;
    this.#bytes += 64;
    return this;
  }
  sum(key: Deno.KvKey, n: bigint): this {
    const id = JSON.stringify(key);
    const sum = this.#sums.get(id);
    if (sum) sum.n = (sum.n + n) % U64;
    else {
      this.#sums.set(id, { key, n });
      this.#mutations++;
    }
    return this;
  }
  /** Called by the repositories; the real commit happens in {@link flush}. */
  commit(): Promise<Deno.KvCommitResult> {
    return Promise.resolve({ ok: true, versionstamp: "" });
  }
  /** Commits when the batch is near Deno KV's limits (1,000 mutations, 800 KiB). */
  async flushIfFull(): Promise<void> {
    if (this.#mutations >= 850 || this.#bytes >= 700_000) await this.flush();
  }
  /** Commits what was collected. */
  async flush(): Promise<void> {
    if (this.#mutations === 0) return;
    for (const { key, n } of this.#sums.values()) this.#op.sum(key, n);
    const result = await this.#op.commit();
    if (!result.ok) throw new Error("A fill batch did not commit");
    this.commits++;
    this.#op = this.kv.atomic();
    this.#sums.clear();
    this.#mutations = 0;
    this.#bytes = 0;
  }
}

/** A cheap deterministic pseudo-random sequence (the same store every run). */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1_664_525 + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

const TEXTS = [
  "Hello, the app does not open since the last update, it shows a white screen.",
  "Could you please send me the invoice for March again? I cannot find it.",
  "Thanks, it works now!",
  "We have fixed this on our side, please try again and tell us if it helps.",
  "Please send a screenshot of the error so we can look into it.",
];

function message(
  ticket: Ticket,
  seq: number,
  direction: "in" | "out",
  at: number,
  admin: number,
  nextMessageId: () => number,
): TicketMessage {
  const user = ticket.userId;
  return {
    ticketId: ticket.id,
    seq,
    direction,
    kind: "text",
    text: TEXTS[(ticket.id + seq) % TEXTS.length],
    at,
    authorId: direction === "in" ? user : admin,
    source: { chatId: direction === "in" ? user : admin, messageIds: [nextMessageId()] },
    copies: direction === "in"
      ? ADMINS.map((chatId) => ({ chatId, messageIds: [nextMessageId()] }))
      : [{ chatId: user, messageIds: [nextMessageId()] }],
  };
}

/**
 * Collects search index keys, to write them in key order after the tickets:
 * the same keys the bot writes with each message, but appended word by word
 * instead of scattered over the whole index ticket by ticket, which makes
 * filling 100,000 tickets several times faster.
 */
class IndexCollector {
  #ids = new Map<string, number[]>();

  /** What the repository's stageSearch writes into. */
  readonly op = {
    set: (key: Deno.KvKey) => {
      const [, word, ticketId] = key as [string, string, number];
      const ids = this.#ids.get(word);
      if (!ids) this.#ids.set(word, [ticketId]);
      else if (ids.at(-1) !== ticketId) ids.push(ticketId);
      return this.op;
    },
  } as unknown as Deno.AtomicOperation;

  /** Writes every collected key through `writer`, word by word, ticket ids ascending. */
  async write(writer: BatchWriter): Promise<void> {
    for (const word of [...this.#ids.keys()].sort()) {
      for (const ticketId of this.#ids.get(word)!) {
        writer.op.set(keys.search(word, ticketId), null);
        await writer.flushIfFull();
      }
    }
    this.#ids.clear();
  }
}

function writeMessage(
  op: Deno.AtomicOperation,
  stored: TicketMessage,
  index: Deno.AtomicOperation = op,
): void {
  op.set(keys.ticketMessage(stored.ticketId, stored.seq), stored);
  stageSearch(index, stored.ticketId, stored.text); // the words /find looks up, as the bot writes them
  const link = { ticketId: stored.ticketId, seq: stored.seq };
  for (const ref of [stored.source, ...stored.copies]) {
    for (const id of ref.messageIds) op.set(keys.copy(ref.chatId, id), link);
  }
}

function user(id: number, createdAt: number): UserRecord {
  return {
    id,
    firstName: `Customer ${id}`,
    username: `customer_${id}`,
    languageCode: id % 3 ? "en" : "ru",
    locale: id % 3 ? "en" : "ru",
    blocked: false,
    reachable: true,
    createdAt,
  };
}

/** Options of {@link fillHistory}. */
export interface HistoryOptions {
  /** Closed tickets to write. */
  closed: number;
  /** Tickets created per day: history spans `closed / perDay` days before `now`. */
  perDay: number;
  /** The present. */
  now: number;
  /** Users are numbered from here; about one user per three tickets. */
  firstUserId: number;
}

/**
 * Writes `closed` closed tickets (four messages each, 60 % rated, a mix of
 * manual and automatic closes) ending at `now`, with their users. Ticket ids
 * start at 1. Returns the last ticket id.
 */
export async function fillHistory(kv: Deno.Kv, options: HistoryOptions): Promise<number> {
  const writer = new BatchWriter(kv);
  const op = writer.op;
  const index = new IndexCollector();
  const next = random(42);
  let messageId = 1;
  const nextMessageId = () => messageId++;
  const userPool = Math.max(1, Math.ceil(options.closed / 3));
  const spacing = DAY / options.perDay;
  const start = options.now - options.closed * spacing - 2 * DAY;
  for (let id = 1; id <= options.closed; id++) {
    const userId = options.firstUserId + (id - 1) % userPool;
    const admin = ADMINS[id % ADMINS.length];
    const created = Math.round(start + (id - 1) * spacing);
    if (id <= userPool) stageUser(op, user(userId, created), null);
    const answered = created + Math.round(5 * MINUTE + next() * 2 * HOUR);
    const userAgain = answered + Math.round(next() * HOUR);
    const answeredAgain = userAgain + Math.round(next() * HOUR);
    const auto = next() < 0.3;
    const closedAt = auto ? answeredAgain + DAY : answeredAgain + Math.round(next() * HOUR);
    let ticket = openTicket(id, userId, created);
    ticket = afterSupportMessage(ticket, admin, answered);
    ticket = afterUserMessage(ticket, userAgain);
    ticket = afterSupportMessage(ticket, admin, answeredAgain);
    ticket = closeTicket(ticket, auto ? "auto" : admin, closedAt);
    const stars = next() < 0.6 ? (1 + Math.floor(next() * 3)) as 1 | 2 | 3 : undefined;
    if (stars) ticket = { ...ticket, rating: stars };

    stageNewTicket(op, ticket);
    stageSearch(index.op, id, nameText(user(userId, created)));
    writeMessage(op, message(ticket, 1, "in", created, admin, nextMessageId), index.op);
    writeMessage(op, message(ticket, 2, "out", answered, admin, nextMessageId), index.op);
    writeMessage(op, message(ticket, 3, "in", userAgain, admin, nextMessageId), index.op);
    writeMessage(op, message(ticket, 4, "out", answeredAgain, admin, nextMessageId), index.op);
    if (stars) {
      const at = closedAt + 5 * MINUTE;
      const rating: RatingRecord = { ticketId: id, userId, stars, at };
      op.set(keys.rating(id), rating);
      increment(op, keys.stat("ratings_count"));
      increment(op, keys.stat("ratings_sum"), stars);
      increment(op, keys.stat(`rating_${stars}`));
      increment(op, keys.statDay(dayOf(at), "ratings_count"));
      increment(op, keys.statDay(dayOf(at), "ratings_sum"), stars);
    }
    await writer.flushIfFull();
  }
  op.set(keys.ticketSeq(), new Deno.KvU64(BigInt(options.closed)));
  await index.write(writer);
  await writer.flush();
  // Written with its index from the start, as a store of this version is: nothing to rebuild.
  await markSearchIndexDone(kv);
  return options.closed;
}

/**
 * Adds open tickets after ticket `lastId`: `waiting` where the user waits for
 * support and `answered` where the user's answer is expected (`dueAt` sets
 * their auto-close time). Each has its own new user. Returns their ids.
 */
export async function addOpenTickets(
  kv: Deno.Kv,
  options: {
    lastId: number;
    waiting: number;
    answered: number;
    now: number;
    dueAt: number;
    firstUserId: number;
  },
): Promise<number[]> {
  const writer = new BatchWriter(kv);
  const op = writer.op;
  const ids: number[] = [];
  const total = options.waiting + options.answered;
  for (let i = 0; i < total; i++) {
    const id = options.lastId + 1 + i;
    const userId = options.firstUserId + i;
    const created = options.now - (total - i) * 10 * MINUTE - 25 * HOUR;
    stageUser(op, user(userId, created), null);
    let ticket = openTicket(id, userId, created);
    if (i >= options.waiting) {
      const admin = ADMINS[id % ADMINS.length];
      ticket = {
        ...afterSupportMessage(ticket, admin, created + HOUR),
        autoCloseAt: options.dueAt,
      };
    }
    stageNewTicket(op, ticket);
    stageSearch(op, id, nameText(user(userId, created)));
    writeMessage(op, message(ticket, 1, "in", created, ADMINS[0], () => id * 10));
    ids.push(id);
    await writer.flushIfFull();
  }
  op.set(keys.ticketSeq(), new Deno.KvU64(BigInt(options.lastId + total)));
  await writer.flush();
  return ids;
}
