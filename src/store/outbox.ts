/**
 * The outbox: what waits to be sent to a chat, under
 * ["outbox", chatId, ticketId, seq, kind].
 *
 * An item is written in the same commit as what it sends (a customer's
 * message, an agent's answer, a new ticket) and deleted in the commit that
 * records the sent copy, so a crash, an outage or a 429 never loses a copy:
 * the sender (services/outbox.ts) tries again until Telegram takes it. Keys
 * sort by chat, then ticket, then the message's sequence number, so one chat's
 * items of a ticket go in the order they were written.
 *
 * @module
 */
import { keys } from "./keys.ts";
import { commit } from "./locked.ts";

/**
 * What an item sends: a ticket's card ("card", seq 0), a copy of message `seq`
 * ("copy": a customer's message to an agent, an answer to the customer), the
 * agent's note about an answer ("sent", "blocked", "failed"), or, in the
 * support group's topic, the ticket's closure ("closed"), its rating
 * ("rated"), or the topic's name following the ticket's status ("topic");
 * or an edit ("edit", the seq of the "edit" record) that a copy follows.
 */
export type OutboxKind =
  | "card"
  | "copy"
  | "sent"
  | "blocked"
  | "failed"
  | "closed"
  | "rated"
  | "topic"
  | "edit";

/** One item waiting to be sent. Times are `Date.now()` milliseconds. */
export interface OutboxItem {
  chatId: number;
  ticketId: number;
  seq: number;
  kind: OutboxKind;
  /** Not before this (an album waits for its last item; a failed send waits its backoff). */
  readyAt: number;
  /** Failed attempts so far. */
  attempts: number;
  /** A sender holds the item until then (several processes on one store). */
  claimedUntil?: number;
}

/** An item with its key and version, as read. */
export type OutboxEntry = Deno.KvEntry<OutboxItem>;

/** The key of an item. */
export function outboxKey(item: Pick<OutboxItem, "chatId" | "ticketId" | "seq" | "kind">) {
  return keys.outbox(item.chatId, item.ticketId, item.seq, item.kind);
}

/** Adds `item` to `op` (the commit of what it sends). */
export function stageOutbox(
  op: Deno.AtomicOperation,
  item: Omit<OutboxItem, "attempts" | "readyAt"> & Partial<OutboxItem>,
): void {
  op.set(outboxKey(item), { readyAt: 0, attempts: 0, ...item } satisfies OutboxItem);
}

/** The items waiting for one chat, in sending order (at most `limit`). */
export async function listOutbox(
  kv: Deno.Kv,
  chatId: number,
  limit = 100,
): Promise<OutboxEntry[]> {
  const found: OutboxEntry[] = [];
  for await (const entry of kv.list<OutboxItem>({ prefix: keys.outboxOf(chatId) }, { limit })) {
    found.push(entry);
  }
  return found;
}

/** Every chat with something waiting, one key read per chat. */
export async function outboxChats(kv: Deno.Kv): Promise<number[]> {
  const chats: number[] = [];
  let start: Deno.KvKey = keys.outboxAll();
  for (;;) {
    const iter = kv.list<OutboxItem>({ start, end: ["outbox", Infinity] }, { limit: 1 });
    const first = await iter.next();
    if (first.done) return chats;
    const chatId = first.value.key[1] as number;
    chats.push(chatId);
    // Chat ids are integers: the next chat starts past every key of this one.
    start = ["outbox", chatId + 0.5];
  }
}

/**
 * Claims `entries` for one send until `until` (version checked: of two
 * processes only one wins). Returns the claimed entries, or null when any
 * changed meanwhile.
 */
export async function claimOutbox(
  kv: Deno.Kv,
  entries: OutboxEntry[],
  until: number,
): Promise<OutboxEntry[] | null> {
  const op = kv.atomic();
  const claimed = entries.map((entry) => ({
    ...entry,
    value: { ...entry.value, claimedUntil: until },
  }));
  for (const entry of entries) op.check(entry);
  for (const entry of claimed) op.set(entry.key, entry.value);
  const result = await commit(op);
  return result.ok
    ? claimed.map((entry) => ({ ...entry, versionstamp: result.versionstamp }))
    : null;
}

/** Puts a failed item back, to be tried again at `readyAt`. */
export async function retryOutboxLater(
  kv: Deno.Kv,
  entry: OutboxEntry,
  readyAt: number,
): Promise<void> {
  await commit(
    kv.atomic().check(entry).set(entry.key, {
      ...entry.value,
      readyAt,
      attempts: entry.value.attempts + 1,
      claimedUntil: undefined,
    }),
  );
}
