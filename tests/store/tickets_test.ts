import assert from "node:assert/strict";
import {
  addSupportMessage,
  addUserMessage,
  appendToMessage,
  dueTicketIds,
  findByCopy,
  getOpenTicket,
  getTicket,
  inboxPage,
  lastMessages,
  type NewMessage,
  recordCopies,
  updateTicket,
} from "../../src/store/tickets.ts";
import {
  afterSupportMessage,
  afterUserMessage,
  closeTicket,
  takeTicket,
} from "../../src/domain/ticket.ts";
import { readStats } from "../../src/store/stats.ts";
import { keys } from "../../src/store/keys.ts";
import { BatchingKv, batchingKv } from "../../src/store/batching_kv.ts";
import type { Ticket } from "../../src/domain/ticket.ts";

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 10, 24, 9, 0);

function text(userId: number, at: number, body = "hello there, I need help"): NewMessage {
  return {
    direction: "in",
    kind: "text",
    text: body,
    at,
    authorId: userId,
    source: { chatId: userId, messageIds: [Math.floor(Math.random() * 1e9)] },
  };
}

function reply(adminId: number, at: number): NewMessage {
  return {
    direction: "out",
    kind: "text",
    text: "an answer",
    at,
    authorId: adminId,
    source: { chatId: adminId, messageIds: [Math.floor(Math.random() * 1e9)] },
  };
}

const userMessage = (userId: number, at: number) =>
  addUserMessage(kvRef.kv!, userId, text(userId, at), {
    onExisting: (ticket) => afterUserMessage(ticket, at),
  });

const kvRef: { kv?: Deno.Kv } = {};

/** Runs a test on `:memory:`, on a temp file, and on a temp file through the batching layer. */
function storeTest(name: string, fn: (kv: Deno.Kv) => Promise<void>) {
  Deno.test(`${name} (:memory:)`, async () => {
    const kv = await Deno.openKv(":memory:");
    kvRef.kv = kv;
    try {
      await fn(kv);
    } finally {
      kv.close();
    }
  });
  Deno.test(`${name} (file)`, async () => {
    const dir = await Deno.makeTempDir();
    const kv = await Deno.openKv(`${dir}/bot.kv`);
    kvRef.kv = kv;
    try {
      await fn(kv);
    } finally {
      kv.close();
      await Deno.remove(dir, { recursive: true });
    }
  });
  Deno.test(`${name} (file, batching)`, async () => {
    const dir = await Deno.makeTempDir();
    const kv = batchingKv(await Deno.openKv(`${dir}/bot.kv`));
    kvRef.kv = kv;
    try {
      await fn(kv);
    } finally {
      kv.close();
      await Deno.remove(dir, { recursive: true });
    }
  });
}

storeTest("tickets: 200 concurrent new tickets get 200 distinct consecutive ids", async (kv) => {
  const results = await Promise.all(
    Array.from({ length: 200 }, (_, i) => userMessage(10_000 + i, T0 + i)),
  );
  const ids = results.map((result) => result.ticket.id).sort((a, b) => a - b);
  assert.deepStrictEqual(ids, Array.from({ length: 200 }, (_, i) => i + 1));
  assert.ok(results.every((result) => result.created));
  const stats = await readStats(kv, T0);
  assert.strictEqual(stats.ticketsTotal, 200);
  assert.strictEqual(stats.ticketsNew, 200);
  assert.strictEqual(stats.last30Days.created, 200);
});

storeTest("tickets: a user's second message joins the open ticket", async (kv) => {
  const first = await userMessage(7, T0);
  const second = await userMessage(7, T0 + 1000);
  assert.strictEqual(second.created, false);
  assert.strictEqual(second.ticket.id, first.ticket.id);
  assert.strictEqual(second.ticket.messageCount, 2);
  assert.strictEqual((await getOpenTicket(kv, 7))?.id, first.ticket.id);
  const messages = await lastMessages(kv, first.ticket.id, 10);
  assert.deepStrictEqual(messages.map((m) => m.seq), [1, 2]);
});

storeTest("tickets: concurrent first messages of one user open one ticket", async (kv) => {
  const results = await Promise.all(
    Array.from({ length: 20 }, (_, i) => userMessage(8, T0 + i)),
  );
  assert.strictEqual(new Set(results.map((r) => r.ticket.id)).size, 1);
  assert.strictEqual(results.filter((r) => r.created).length, 1);
  assert.strictEqual((await getTicket(kv, results[0].ticket.id))?.messageCount, 20);
});

storeTest("tickets: a reply hands the turn to the user and schedules auto-close", async (kv) => {
  const { ticket } = await userMessage(9, T0);
  const replied = await addSupportMessage(
    kv,
    ticket.id,
    reply(1001, T0 + HOUR),
    (t) => afterSupportMessage(t, 1001, T0 + HOUR, 24),
  );
  assert.ok(replied);
  assert.strictEqual(replied.ticket.status, "in_progress");
  assert.strictEqual(replied.ticket.turn, "user");
  assert.strictEqual(replied.ticket.firstResponseAt, T0 + HOUR);
  assert.strictEqual(replied.ticket.autoCloseAt, T0 + 25 * HOUR);
  assert.deepStrictEqual(await dueTicketIds(kv, T0 + 25 * HOUR - 1), []);
  assert.deepStrictEqual(await dueTicketIds(kv, T0 + 25 * HOUR), [ticket.id]);

  // The user answers: the due entry disappears with the same commit.
  await userMessage(9, T0 + 2 * HOUR);
  assert.deepStrictEqual(await dueTicketIds(kv, T0 + 100 * HOUR), []);
  const stats = await readStats(kv, T0 + 2 * HOUR);
  assert.strictEqual(stats.autoCloseWaiting, 0);
  assert.strictEqual(stats.ticketsInProgress, 1);
  assert.strictEqual(stats.ticketsNew, 0);
  assert.strictEqual(stats.last30Days.medianFirstResponseMs, HOUR);
});

storeTest(
  "tickets: the inbox lists waiting users first, oldest first, and drops closed",
  async (kv) => {
    const a = await userMessage(1, T0);
    const b = await userMessage(2, T0 + 1000);
    const c = await userMessage(3, T0 + 2000);
    await addSupportMessage(
      kv,
      a.ticket.id,
      reply(1001, T0 + 3000),
      (t) => afterSupportMessage(t, 1001, T0 + 3000, 24),
    );
    await updateTicket(kv, c.ticket.id, (t) => closeTicket(t, 1001, T0 + 4000));
    const page = await inboxPage(kv, { offset: 0, limit: 10 });
    assert.deepStrictEqual(
      page.tickets.map((t) => t.id),
      [b.ticket.id, a.ticket.id],
    );
    assert.strictEqual(page.hasMore, false);
    assert.strictEqual(await getOpenTicket(kv, 3), null);
    // After closing, the user's next message opens a new ticket.
    const next = await userMessage(3, T0 + 5000);
    assert.ok(next.created);
    assert.strictEqual(next.ticket.id, 4);
  },
);

storeTest("tickets: closing twice closes once and counts once", async (kv) => {
  const { ticket } = await userMessage(5, T0);
  const [first, second] = await Promise.all([
    updateTicket(kv, ticket.id, (t) => t.status === "closed" ? null : closeTicket(t, 1001, T0 + 1)),
    updateTicket(kv, ticket.id, (t) => t.status === "closed" ? null : closeTicket(t, 1002, T0 + 2)),
  ]);
  assert.strictEqual([first, second].filter(Boolean).length, 1);
  const stats = await readStats(kv, T0);
  assert.strictEqual(stats.ticketsClosed, 1);
  assert.strictEqual(stats.ticketsNew, 0);
  assert.strictEqual(stats.last30Days.closed, 1);
});

storeTest("tickets: a delivered copy leads back to its ticket", async (kv) => {
  const { ticket, message } = await userMessage(6, T0);
  await recordCopies(kv, ticket.id, message.seq, [{ chatId: 1001, messageIds: [55, 56] }]);
  assert.deepStrictEqual(await findByCopy(kv, 1001, 56), { ticketId: ticket.id, seq: 1 });
  assert.deepStrictEqual(await findByCopy(kv, 6, message.source.messageIds[0]), {
    ticketId: ticket.id,
    seq: 1,
  });
  assert.strictEqual(await findByCopy(kv, 1002, 55), null);
  const [stored] = await lastMessages(kv, ticket.id, 1);
  assert.deepStrictEqual(stored.copies, [{ chatId: 1001, messageIds: [55, 56] }]);
});

storeTest(
  "tickets: copies recorded against a record that changed since are not lost",
  async (kv) => {
    const written = await userMessage(7, T0);
    const { ticket, message } = written;
    // An album item joins the record after it was written: the known version is stale.
    await appendToMessage(kv, ticket.id, message.seq, { messageId: 901, text: "second" });
    await recordCopies(kv, ticket.id, message.seq, [{ chatId: 1001, messageIds: [57] }], written);
    const [stored] = await lastMessages(kv, ticket.id, 1);
    assert.deepStrictEqual(stored.source.messageIds, [...message.source.messageIds, 901]);
    assert.deepStrictEqual(stored.copies, [{ chatId: 1001, messageIds: [57] }]);
    assert.deepStrictEqual(await findByCopy(kv, 1001, 57), { ticketId: ticket.id, seq: 1 });
  },
);

storeTest("tickets: take keeps the counters consistent", async (kv) => {
  const { ticket } = await userMessage(11, T0);
  await updateTicket(kv, ticket.id, (t) => takeTicket(t, 1002));
  const stored = await getTicket(kv, ticket.id);
  assert.strictEqual(stored?.takenBy, 1002);
  const stats = await readStats(kv, T0);
  assert.strictEqual(stats.ticketsNew, 0);
  assert.strictEqual(stats.ticketsInProgress, 1);
  const inbox = [];
  for await (const entry of kv.list({ prefix: keys.inboxAll() })) inbox.push(entry.key);
  assert.strictEqual(inbox.length, 1);
});

storeTest("tickets: a ticket opened by another process in between gets its own id", async (kv) => {
  // Another process: a separate view of the same store, with its own memory.
  const other = new BatchingKv(kv);
  const hooks = { onExisting: (ticket: Ticket) => ticket };
  const first = await addUserMessage(kv, 501, text(501, T0), hooks);
  const second = await addUserMessage(other, 502, text(502, T0 + 1), hooks);
  // This process last allocated #1; the sequence moved on without it.
  const third = await addUserMessage(kv, 503, text(503, T0 + 2), hooks);
  assert.deepStrictEqual([first, second, third].map((r) => r.ticket.id), [1, 2, 3]);
  assert.strictEqual((await getTicket(kv, 2))?.userId, 502);
  assert.strictEqual((await getTicket(kv, 3))?.userId, 503);
  assert.strictEqual((await readStats(kv, T0)).ticketsTotal, 3);
});

storeTest("tickets: an inbox page shows each ticket as it is now", async (kv) => {
  const a = await userMessage(21, T0);
  const b = await userMessage(22, T0 + 1000);
  await userMessage(21, T0 + 2000);
  await updateTicket(kv, b.ticket.id, (t) => takeTicket(t, 1001));
  const page = await inboxPage(kv, { offset: 0, limit: 10 });
  assert.deepStrictEqual(page.tickets, [
    await getTicket(kv, a.ticket.id),
    await getTicket(kv, b.ticket.id),
  ]);
  assert.strictEqual(page.tickets[0].messageCount, 2);
  assert.strictEqual(page.tickets[1].status, "in_progress");
});

storeTest(
  "tickets: inbox entries written before they carried their ticket still list it",
  async (kv) => {
    const tickets = [];
    for (let i = 0; i < 5; i++) tickets.push((await userMessage(30 + i, T0 + i * 1000)).ticket);
    // As an older version wrote them: the entry's value is null.
    for await (const entry of kv.list({ prefix: keys.inboxAll() })) {
      if (entry.key[3] === tickets[1].id || entry.key[3] === tickets[3].id) {
        await kv.set(entry.key, null);
      }
    }
    const first = await inboxPage(kv, { offset: 0, limit: 3 });
    const second = await inboxPage(kv, { offset: 3, limit: 3 });
    assert.deepStrictEqual(
      [...first.tickets, ...second.tickets].map((t) => t.id),
      tickets.map((t) => t.id),
    );
    assert.deepStrictEqual(first.tickets[1], await getTicket(kv, tickets[1].id));
    assert.deepStrictEqual([first.hasMore, second.hasMore], [true, false]);
  },
);
