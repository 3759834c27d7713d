import assert from "node:assert/strict";
import {
  addSupportMessage,
  addUserMessage,
  appendToMessage,
  dueTicketIds,
  findByCopy,
  getMessage,
  getOpenTicket,
  getTicket,
  inboxPage,
  lastMessages,
  type NewMessage,
  recordCopies,
  updateTicket,
  type UserMessageResult,
} from "../../src/store/tickets.ts";
import {
  afterSupportMessage,
  answerDelivered,
  closeTicket,
  takeTicket,
} from "../../src/domain/ticket.ts";
import { readStats } from "../../src/store/stats.ts";
import { keys } from "../../src/store/keys.ts";
import { listOutbox, type OutboxItem, outboxKey } from "../../src/store/outbox.ts";
import { kvWith } from "../helpers/kv_with.ts";

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

/** The agents' chats every customer message goes to. */
const AGENTS = [1001, 1002];

/** A customer's message that may open a ticket (it always gets stored). */
async function userMessage(userId: number, at: number, kv = kvRef.kv!): Promise<UserMessageResult> {
  const result = await addUserMessage(kv, {
    userId,
    content: text(userId, at),
    mayOpen: true,
    delivery: { to: AGENTS },
  });
  if (!result) throw new Error(`the message of user ${userId} was not stored`);
  return result;
}

/** Support answers at `at` (the answer is stored, not yet delivered). */
const answer = (kv: Deno.Kv, ticketId: number, adminId: number, at: number) =>
  addSupportMessage(kv, {
    ticketId,
    content: reply(adminId, at),
    change: (t) => t.status === "closed" ? null : afterSupportMessage(t, adminId, at),
  });

/** Every entry of the store, by key. */
async function everything(kv: Deno.Kv): Promise<Map<string, Deno.KvEntry<unknown>>> {
  const found = new Map<string, Deno.KvEntry<unknown>>();
  for await (const entry of kv.list({ prefix: [] })) found.set(JSON.stringify(entry.key), entry);
  return found;
}

const kvRef: { kv?: Deno.Kv } = {};

/** Runs a test on `:memory:` and on a temp file. */
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

storeTest(
  "tickets: a reply hands the turn to the user; its delivery schedules auto-close",
  async (kv) => {
    const { ticket } = await userMessage(9, T0);
    const replied = await answer(kv, ticket.id, 1001, T0 + HOUR);
    assert.ok(replied);
    assert.strictEqual(replied.ticket.status, "in_progress");
    assert.strictEqual(replied.ticket.turn, "user");
    assert.strictEqual(replied.ticket.firstResponseAt, T0 + HOUR);
    // Stored, not delivered: nothing counts yet.
    assert.strictEqual(replied.ticket.autoCloseAt, undefined);
    assert.deepStrictEqual(await dueTicketIds(kv, T0 + 100 * HOUR), []);
    assert.strictEqual((await readStats(kv, T0 + HOUR)).autoCloseWaiting, 0);
    // Delivered an hour later: due 24 hours after that, with its index entry and counter.
    const delivered = await updateTicket(
      kv,
      ticket.id,
      (t) => answerDelivered(t, T0 + 2 * HOUR, 24),
    );
    assert.strictEqual(delivered?.after.autoCloseAt, T0 + 26 * HOUR);
    assert.strictEqual((await readStats(kv, T0 + 2 * HOUR)).autoCloseWaiting, 1);
    assert.deepStrictEqual(await dueTicketIds(kv, T0 + 26 * HOUR - 1), []);
    assert.deepStrictEqual(await dueTicketIds(kv, T0 + 26 * HOUR), [ticket.id]);

    // The user answers: the due entry disappears with the same commit.
    await userMessage(9, T0 + 3 * HOUR);
    assert.deepStrictEqual(await dueTicketIds(kv, T0 + 100 * HOUR), []);
    const stats = await readStats(kv, T0 + 3 * HOUR);
    assert.strictEqual(stats.autoCloseWaiting, 0);
    assert.strictEqual(stats.ticketsInProgress, 1);
    assert.strictEqual(stats.ticketsNew, 0);
    assert.strictEqual(stats.last30Days.medianFirstResponseMs, HOUR);
  },
);

storeTest(
  "tickets: the inbox lists waiting users first, oldest first, and drops closed",
  async (kv) => {
    const a = await userMessage(1, T0);
    const b = await userMessage(2, T0 + 1000);
    const c = await userMessage(3, T0 + 2000);
    await answer(kv, a.ticket.id, 1001, T0 + 3000);
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
  await recordCopies(kv, {
    ticketId: ticket.id,
    seq: message.seq,
    copies: [{ chatId: 1001, messageIds: [55, 56] }],
  });
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
  "tickets: copies recorded while an album item joins the record are not lost",
  async (kv) => {
    const { ticket, message } = await userMessage(7, T0);
    // The copy to one agent is recorded while a later item of the album joins the message.
    await Promise.all([
      appendToMessage(kv, {
        ticketId: ticket.id,
        seq: message.seq,
        messageId: 901,
        text: "second",
        to: AGENTS,
        readyAt: 0,
      }),
      recordCopies(kv, {
        ticketId: ticket.id,
        seq: message.seq,
        copies: [{ chatId: 1001, messageIds: [57] }],
      }),
    ]);
    const [stored] = await lastMessages(kv, ticket.id, 1);
    assert.deepStrictEqual(stored.source.messageIds, [...message.source.messageIds, 901]);
    assert.strictEqual(stored.text, "hello there, I need help\nsecond");
    assert.deepStrictEqual(stored.copies, [{ chatId: 1001, messageIds: [57] }]);
    assert.deepStrictEqual(await findByCopy(kv, 1001, 57), { ticketId: ticket.id, seq: 1 });
    assert.deepStrictEqual(await findByCopy(kv, 7, 901), { ticketId: ticket.id, seq: 1 });
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

Deno.test("tickets: a ticket opened by another process in between gets its own id", async () => {
  const dir = await Deno.makeTempDir();
  try {
    // Two processes on one store file: two connections.
    using kv = await Deno.openKv(`${dir}/bot.kv`);
    using other = await Deno.openKv(`${dir}/bot.kv`);
    const first = await userMessage(501, T0, kv);
    const second = await userMessage(502, T0 + 1, other);
    // This process last allocated #1; the sequence moved on without it.
    const third = await userMessage(503, T0 + 2, kv);
    assert.deepStrictEqual([first, second, third].map((r) => r.ticket.id), [1, 2, 3]);
    assert.strictEqual((await getTicket(kv, 2))?.userId, 502);
    assert.strictEqual((await getTicket(kv, 3))?.userId, 503);
    assert.strictEqual((await readStats(kv, T0)).ticketsTotal, 3);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
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

for (const moment of ["after the open-ticket read", "after the ticket read"] as const) {
  storeTest(
    `tickets: a short message cannot open a ticket when the ticket was closed between the read and the commit (${moment})`,
    async (kv) => {
      const { ticket } = await userMessage(40, T0);
      // Another agent closes the ticket right after the message's store read what was open.
      let closing: Promise<unknown> | undefined;
      const closeNow = async () => {
        closing ??= updateTicket(kv, ticket.id, (t) => closeTicket(t, 1002, T0 + 1));
        await closing;
      };
      const racing = kvWith(kv, {
        getMany:
          (async (keyList: Deno.KvKey[], options?: { consistency?: Deno.KvConsistencyLevel }) => {
            const entries = await kv.getMany(keyList, options);
            if (moment === "after the open-ticket read") await closeNow();
            return entries;
          }) as Deno.Kv["getMany"],
        get: (async (key: Deno.KvKey, options?: { consistency?: Deno.KvConsistencyLevel }) => {
          const entry = await kv.get(key, options);
          if (moment === "after the ticket read" && key[0] === "ticket") await closeNow();
          return entry;
        }) as Deno.Kv["get"],
      });
      const before = await everything(kv);

      const result = await addUserMessage(racing, {
        userId: 40,
        content: text(40, T0 + 2, "ok"),
        mayOpen: false,
        delivery: { to: AGENTS },
        extra: (op) => op.set(["extra_mark"], true),
      });

      assert.ok(closing, "the close happened during the call");
      assert.strictEqual(result, null);
      const closed = await kv.get(keys.ticket(ticket.id));
      assert.strictEqual((closed.value as { status: string }).status, "closed");
      assert.strictEqual((closed.value as { messageCount: number }).messageCount, 1);
      // Nothing of the message was stored: whatever changed, the close changed.
      const after = await everything(kv);
      for (const [key, entry] of after) {
        if (before.get(key)?.versionstamp === entry.versionstamp) continue;
        assert.strictEqual(entry.versionstamp, closed.versionstamp, `${key} was written`);
      }
      assert.strictEqual(await getMessage(kv, ticket.id, 2), null);
      assert.strictEqual(await getOpenTicket(kv, 40), null);
      assert.strictEqual((await kv.get(["extra_mark"])).value, null);
      for (const agent of AGENTS) {
        assert.deepStrictEqual((await listOutbox(kv, agent)).map((e) => e.value.seq), [0, 1]);
      }
      const stats = await readStats(kv, T0);
      assert.strictEqual(stats.ticketsTotal, 1);
      assert.strictEqual(stats.ticketsClosed, 1);
    },
  );
}

storeTest(
  "tickets: a message that may open one, racing a close, opens a new ticket instead of joining the closed one",
  async (kv) => {
    const { ticket } = await userMessage(41, T0);
    let closing: Promise<unknown> | undefined;
    const racing = kvWith(kv, {
      getMany:
        (async (keyList: Deno.KvKey[], options?: { consistency?: Deno.KvConsistencyLevel }) => {
          const entries = await kv.getMany(keyList, options);
          closing ??= updateTicket(kv, ticket.id, (t) => closeTicket(t, 1002, T0 + 1));
          await closing;
          return entries;
        }) as Deno.Kv["getMany"],
    });
    const result = await addUserMessage(racing, {
      userId: 41,
      content: text(41, T0 + 2, "A new question, long enough"),
      mayOpen: true,
      delivery: { to: AGENTS },
    });
    assert.ok(result?.created);
    assert.strictEqual(result.ticket.id, ticket.id + 1);
    assert.strictEqual((await getTicket(kv, ticket.id))?.messageCount, 1);
    assert.strictEqual((await getTicket(kv, ticket.id))?.status, "closed");
    assert.strictEqual((await getOpenTicket(kv, 41))?.id, result.ticket.id);
  },
);

storeTest(
  "tickets: each stored message gets one outbox item per recipient in the same commit",
  async (kv) => {
    const item = (chatId: number, ticketId: number, seq: number, kind: OutboxItem["kind"]) =>
      kv.get<OutboxItem>(outboxKey({ chatId, ticketId, seq, kind }));

    // A new ticket: each agent gets its card (seq 0) and the copy of message #1.
    const first = await addUserMessage(kv, {
      userId: 50,
      content: text(50, T0),
      mayOpen: true,
      delivery: { to: AGENTS, readyAt: 12_345 },
    });
    assert.ok(first?.created);
    const id = first.ticket.id;
    const record = await kv.get(keys.ticketMessage(id, 1));
    for (const agent of AGENTS) {
      const card = await item(agent, id, 0, "card");
      const copy = await item(agent, id, 1, "copy");
      assert.deepStrictEqual(card.value, {
        chatId: agent,
        ticketId: id,
        seq: 0,
        kind: "card",
        readyAt: 0,
        attempts: 0,
      });
      assert.deepStrictEqual(copy.value, {
        chatId: agent,
        ticketId: id,
        seq: 1,
        kind: "copy",
        readyAt: 12_345,
        attempts: 0,
      });
      assert.strictEqual(card.versionstamp, record.versionstamp);
      assert.strictEqual(copy.versionstamp, record.versionstamp);
      assert.deepStrictEqual((await listOutbox(kv, agent)).length, 2);
    }
    assert.strictEqual((await kv.get(keys.ticket(id))).versionstamp, record.versionstamp);
    assert.deepStrictEqual(await listOutbox(kv, 50), []);

    // A later message: one copy per agent, no second card, with the extra mutations.
    const second = await addUserMessage(kv, {
      userId: 50,
      content: text(50, T0 + 1000, "ok"),
      mayOpen: false,
      delivery: { to: AGENTS },
      extra: (op, stored) => op.set(["extra_mark"], stored.seq),
    });
    assert.strictEqual(second?.created, false);
    assert.strictEqual(second.message.seq, 2);
    const secondRecord = await kv.get(keys.ticketMessage(id, 2));
    const mark = await kv.get(["extra_mark"]);
    assert.strictEqual(mark.value, 2);
    assert.strictEqual(mark.versionstamp, secondRecord.versionstamp);
    for (const agent of AGENTS) {
      assert.strictEqual(
        (await item(agent, id, 2, "copy")).versionstamp,
        secondRecord.versionstamp,
      );
      assert.deepStrictEqual(
        (await listOutbox(kv, agent)).map((e) => [e.value.seq, e.value.kind]),
        [[0, "card"], [1, "copy"], [2, "copy"]],
      );
    }

    // An answer: one copy, to the customer, in the answer's commit.
    const answered = await answer(kv, id, 1001, T0 + 2000);
    assert.ok(answered);
    const answerRecord = await kv.get(keys.ticketMessage(id, 3));
    const toCustomer = await listOutbox(kv, 50);
    assert.deepStrictEqual(toCustomer.map((e) => e.value), [
      { chatId: 50, ticketId: id, seq: 3, kind: "copy", readyAt: 0, attempts: 0 },
    ]);
    assert.strictEqual(toCustomer[0].versionstamp, answerRecord.versionstamp);
    for (const agent of AGENTS) assert.strictEqual((await listOutbox(kv, agent)).length, 3);
  },
);

storeTest("tickets: a short text with no open ticket creates nothing at all", async (kv) => {
  const short = () =>
    addUserMessage(kv, {
      userId: 60,
      content: text(60, T0, "hi"),
      mayOpen: false,
      delivery: { to: AGENTS },
      extra: (op) => op.set(["extra_mark"], true),
    });
  assert.strictEqual(await short(), null);
  assert.deepStrictEqual([...(await everything(kv)).keys()], []);

  // Nor after the user's ticket was closed: the store stays as the close left it.
  const { ticket } = await userMessage(60, T0);
  await updateTicket(kv, ticket.id, (t) => closeTicket(t, 1001, T0 + 1));
  const before = await everything(kv);
  assert.strictEqual(await short(), null);
  const after = await everything(kv);
  assert.deepStrictEqual(
    [...after].map(([key, entry]) => [key, entry.versionstamp]),
    [...before].map(([key, entry]) => [key, entry.versionstamp]),
  );
  assert.strictEqual(await getOpenTicket(kv, 60), null);
  assert.strictEqual((await readStats(kv, T0)).ticketsTotal, 1);
});
