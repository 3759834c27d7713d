/**
 * Helpers of the hardening tests: a dump of the whole store (to prove that a
 * refused action changed nothing), a consistency check of tickets and their
 * indexes (no half-written ticket), and alerts that record what they were told.
 *
 * @module
 */
import assert from "node:assert/strict";
import { BotError } from "grammy";
import type { Update } from "grammy/types";
import type { Alerts } from "../../src/bot/context.ts";
import type { Ticket } from "../../src/domain/ticket.ts";
import type { TicketMessage } from "../../src/store/tickets.ts";
import { keys } from "../../src/store/keys.ts";
import type { TestApp } from "../helpers/app.ts";

/** Every KV entry as `JSON key → value`, without the update journal and dedup marks. */
export async function dumpStore(
  kv: Deno.Kv,
  options: { skipUsers?: number[] } = {},
): Promise<Map<string, unknown>> {
  const skip = new Set((options.skipUsers ?? []).map((id) => JSON.stringify(keys.user(id))));
  const out = new Map<string, unknown>();
  for await (const entry of kv.list({ prefix: [] })) {
    const first = entry.key[0];
    if (first === "update_seen" || first === "journal") continue;
    const key = JSON.stringify(entry.key);
    if (skip.has(key)) continue;
    out.set(key, entry.value instanceof Deno.KvU64 ? `u64:${entry.value.value}` : entry.value);
  }
  return out;
}

/** Asserts that two dumps hold the same entries, naming the first difference. */
export function assertSameStore(
  before: Map<string, unknown>,
  after: Map<string, unknown>,
  what: string,
): void {
  for (const [key, value] of after) {
    assert.ok(before.has(key), `${what}: new entry ${key}`);
    assert.deepEqual(value, before.get(key), `${what}: changed entry ${key}`);
  }
  for (const key of before.keys()) assert.ok(after.has(key), `${what}: deleted entry ${key}`);
}

async function readU64(kv: Deno.Kv, key: Deno.KvKey): Promise<number> {
  const entry = await kv.get<Deno.KvU64>(key);
  return Number(entry.value?.value ?? 0n);
}

/**
 * Asserts that every ticket is whole: its messages 1..messageCount exist, the
 * open-ticket index points at open tickets only, the sequence and the counters
 * agree with the records. Returns the tickets.
 */
export async function assertTicketsWhole(kv: Deno.Kv): Promise<Ticket[]> {
  const tickets: Ticket[] = [];
  for await (const entry of kv.list<Ticket>({ prefix: keys.tickets() })) tickets.push(entry.value);
  for (const ticket of tickets) {
    const seqs: number[] = [];
    for await (
      const entry of kv.list<TicketMessage>({ prefix: keys.ticketMessages(ticket.id) })
    ) seqs.push(entry.value.seq);
    assert.deepEqual(
      seqs,
      Array.from({ length: ticket.messageCount }, (_, i) => i + 1),
      `messages of #${ticket.id}`,
    );
    const open = (await kv.get<number>(keys.openTicket(ticket.userId))).value;
    if (ticket.status !== "closed") assert.equal(open, ticket.id, `open index of #${ticket.id}`);
    else assert.notEqual(open, ticket.id, `closed #${ticket.id} is not open`);
  }
  for await (const entry of kv.list<number>({ prefix: ["open_ticket"] })) {
    assert.ok(tickets.some((t) => t.id === entry.value), `open index points at #${entry.value}`);
  }
  assert.equal(await readU64(kv, keys.ticketSeq()), tickets.length, "ticket sequence");
  assert.equal(await readU64(kv, keys.stat("tickets_total")), tickets.length, "tickets_total");
  const count = (status: string) => tickets.filter((t) => t.status === status).length;
  assert.equal(await readU64(kv, keys.stat("tickets_new")), count("new"), "tickets_new");
  assert.equal(
    await readU64(kv, keys.stat("tickets_in_progress")),
    count("in_progress"),
    "tickets_in_progress",
  );
  return tickets;
}

/** Alerts that remember every error reported (no throttling: that is the alert service's job). */
export function recordingAlerts(): Alerts & { errors: { error: unknown; where: string }[] } {
  const errors: { error: unknown; where: string }[] = [];
  return {
    errors,
    send: () => Promise.resolve(),
    error(error, where) {
      errors.push({ error, where });
    },
  };
}

/** The ticket ids named in the texts a chat received. */
export function namedIds(app: TestApp, chatId: number, containing: string): number[] {
  return app.sim.textsTo(chatId).filter((t) => t.includes(containing)).flatMap((t) =>
    [...t.matchAll(/#(\d+)/g)].map((m) => Number(m[1]))
  );
}

/** A Telegram error answer. */
export const errors = {
  tooMany: (seconds: number) => ({
    error_code: 429,
    description: `Too Many Requests: retry after ${seconds}`,
    parameters: { retry_after: seconds },
  }),
  blocked: { error_code: 403, description: "Forbidden: bot was blocked by the user" },
  chatNotFound: { error_code: 400, description: "Bad Request: chat not found" },
  replyNotFound: { error_code: 400, description: "Bad Request: message to be replied not found" },
  badGateway: { error_code: 502, description: "Bad Gateway" },
};

/**
 * Handles an update the way the runner does in production: an error that
 * escapes the middleware goes to the bot's error handler instead of the caller.
 */
export async function handleLikeRunner(app: TestApp, update: Update): Promise<void> {
  try {
    await app.bot.handleUpdate(update);
  } catch (error) {
    if (!(error instanceof BotError)) throw error;
    await app.bot.errorHandler(error);
  }
}
