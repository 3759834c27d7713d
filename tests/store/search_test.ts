/**
 * The word index of `/find` (src/store/search.ts): how words are cut and
 * normalised, what a query matches, pages both ways, the bounds of one query,
 * the index written in the commit of its message, the rebuild of older
 * stores, and the @username index (store/users.ts).
 *
 * @module
 */
import assert from "node:assert/strict";
import {
  expandWord,
  FIRST_PAGE,
  getSearchIndexState,
  markSearchIndexDone,
  normalizeText,
  queryWords,
  reindexSearch,
  SEARCH_LIMITS,
  searchIndexProgress,
  type SearchQuery,
  searchTickets,
  searchWords,
  stageSearch,
} from "../../src/store/search.ts";
import { keys } from "../../src/store/keys.ts";
import {
  addSupportMessage,
  addUserMessage,
  type NewMessage,
  stageMessageRecord,
  stageNewTicket,
} from "../../src/store/tickets.ts";
import {
  findUsersByUsername,
  stageUser,
  touchUser,
  type UserRecord,
} from "../../src/store/users.ts";
import { afterSupportMessage, openTicket } from "../../src/domain/ticket.ts";
import { kvWith } from "../helpers/kv_with.ts";

const NOW = Date.UTC(2026, 10, 24, 9);

/** Writes tickets 1..n, ticket i holding the words `words(i)`, as one commit each. */
async function indexTickets(kv: Deno.Kv, n: number, words: (id: number) => string) {
  for (let id = 1; id <= n; id++) {
    const op = kv.atomic();
    stageSearch(op, id, words(id));
    await op.commit();
  }
}

async function allPages(kv: Deno.Kv, query: SearchQuery, limit = 10): Promise<number[][]> {
  const pages: number[][] = [];
  let page = await searchTickets(kv, query, FIRST_PAGE, { limit });
  pages.push(page.ticketIds);
  while (page.older !== undefined) {
    page = await searchTickets(kv, query, { older: page.older }, { limit });
    pages.push(page.ticketIds);
  }
  return pages;
}

function text(userId: number, words: string): NewMessage {
  return {
    direction: "in",
    kind: "text",
    text: words,
    at: NOW,
    authorId: userId,
    source: { chatId: userId, messageIds: [1] },
  };
}

async function searchKeys(kv: Deno.Kv): Promise<Deno.KvKey[]> {
  const found: Deno.KvKey[] = [];
  for await (const entry of kv.list({ prefix: ["search"] })) found.push(entry.key);
  return found;
}

Deno.test("search: words are normalised (NFKC, any case, Cyrillic too, ё = е); one-letter words are left out, long ones cut", () => {
  assert.equal(normalizeText("ＡＢＣ Ёлка ЗАКАЗ"), "abc елка заказ");
  assert.deepEqual(searchWords("Где мой ЗАКАЗ? Заказ №42, a я"), ["где", "мой", "заказ", "42"]);
  assert.deepEqual(searchWords("john.smith@example.com +7 (999) 123-45"), [
    "john",
    "smith",
    "example",
    "com",
    "999",
    "123",
    "45",
  ]);
  const long = "x".repeat(100);
  assert.deepEqual(searchWords(long), ["x".repeat(SEARCH_LIMITS.wordChars)]);
  const many = Array.from({ length: 1000 }, (_, i) => `w${i}`).join(" ");
  assert.equal(
    searchWords(many).length,
    SEARCH_LIMITS.wordsPerText,
    "a message's words are capped",
  );
  assert.equal(queryWords(many).length, SEARCH_LIMITS.queryWords);
});

Deno.test("search: a word finds the tickets that contain it or a longer word it begins, newest first", async () => {
  using kv = await Deno.openKv(":memory:");
  await indexTickets(
    kv,
    6,
    (id) =>
      ["refund please", "my order", "refunded yesterday", "order refund", "nothing", "referral"][
        id - 1
      ],
  );
  const ids = async (q: string) =>
    (await searchTickets(kv, { words: queryWords(q) }, FIRST_PAGE)).ticketIds;
  assert.deepEqual(await ids("refund"), [4, 3, 1]);
  assert.deepEqual(await ids("REF"), [6, 4, 3, 1]);
  assert.deepEqual(await ids("refunded"), [3]);
  assert.deepEqual(await ids("order refund"), [4], "several words: tickets with all of them");
  assert.deepEqual(await ids("refund missing"), []);
  // Two-character query words match whole words only (no run over every word they begin).
  await indexTickets(kv, 0, () => "");
  const op = kv.atomic();
  stageSearch(op, 7, "ok okay");
  stageSearch(op, 8, "okay");
  await op.commit();
  assert.deepEqual(await ids("ok"), [7]);
  assert.deepEqual(await ids("oka"), [8, 7]);
});

Deno.test("search: pages walk the results both ways, ten by ten, and back to a full first page", async () => {
  using kv = await Deno.openKv(":memory:");
  // 25 tickets with the word, others between them without it.
  await indexTickets(kv, 60, (id) => id % 2 === 0 && id <= 50 ? "invoice march" : "hello");
  const query = { words: ["invoice"] };
  const pages = await allPages(kv, query);
  const expected = Array.from({ length: 25 }, (_, i) => 50 - 2 * i);
  assert.deepEqual(pages, [expected.slice(0, 10), expected.slice(10, 20), expected.slice(20)]);
  const first = await searchTickets(kv, query, FIRST_PAGE);
  assert.equal(first.newer, undefined, "nothing newer than the first page");
  const second = await searchTickets(kv, query, { older: first.older! });
  const third = await searchTickets(kv, query, { older: second.older! });
  assert.equal(third.older, undefined);
  // Back from the third page: the ten just newer than it, then the first page again.
  const back = await searchTickets(kv, query, { newer: third.newer! });
  assert.deepEqual(back.ticketIds, second.ticketIds);
  assert.ok(back.newer !== undefined && back.older !== undefined);
  const front = await searchTickets(kv, query, { newer: back.newer! });
  assert.deepEqual(front.ticketIds, first.ticketIds);
  assert.equal(front.newer, undefined);
  // Several words page the same way.
  assert.deepEqual((await allPages(kv, { words: ["invoice", "march"] })).flat(), expected);
});

Deno.test("search: a query word that begins too many words uses the first ones and says so", async () => {
  using kv = await Deno.openKv(":memory:");
  await indexTickets(
    kv,
    SEARCH_LIMITS.expansion + 5,
    (id) => `order${String(id).padStart(3, "0")}`,
  );
  const expanded = await expandWord(kv, "order");
  assert.equal(expanded.cut, true);
  assert.equal(expanded.words.length, SEARCH_LIMITS.expansion);
  assert.equal(expanded.words[0], "order001");
  const page = await searchTickets(kv, { words: ["order"] }, FIRST_PAGE);
  assert.deepEqual(page.cut, ["order"]);
  assert.equal(page.ticketIds[0], SEARCH_LIMITS.expansion);
  const exact = await searchTickets(kv, { words: ["order055"] }, FIRST_PAGE);
  assert.deepEqual(exact.ticketIds, [55]);
  assert.deepEqual(exact.cut, []);
});

Deno.test("search: a page that reaches its work limit stops and says where the next one resumes", async () => {
  using kv = await Deno.openKv(":memory:");
  // Two words that never meet: every seek jumps past the other list's chunk.
  await indexTickets(kv, 400, (id) => id % 2 ? "alpha" : "beta");
  const query = { words: ["alpha", "beta"] };
  const page = await searchTickets(kv, query, FIRST_PAGE, { reads: 3 });
  assert.equal(page.stopped, true);
  assert.deepEqual(page.ticketIds, []);
  assert.ok(page.older !== undefined && page.older <= 400);
  // Without the limit the whole history is looked at: nothing.
  const full = await searchTickets(kv, query, FIRST_PAGE);
  assert.equal(full.stopped, false);
  assert.deepEqual(full.ticketIds, []);
  assert.equal(full.older, undefined);
});

Deno.test("search: a user's tickets, newest first, from the ticket index", async () => {
  using kv = await Deno.openKv(":memory:");
  const op = kv.atomic();
  for (const [id, userId] of [[1, 7], [2, 8], [3, 7], [4, 7]]) {
    stageNewTicket(op, openTicket(id, userId, NOW + id));
  }
  await op.commit();
  const page = await searchTickets(kv, { userIds: [7] }, FIRST_PAGE);
  assert.deepEqual(page.ticketIds, [4, 3, 1]);
  assert.deepEqual((await searchTickets(kv, { userIds: [7, 8] }, FIRST_PAGE)).ticketIds, [
    4,
    3,
    2,
    1,
  ]);
});

Deno.test("search: a message's words are written in its commit: stored means findable, a failed commit leaves no index entry", async () => {
  using raw = await Deno.openKv(":memory:");
  let failing = true;
  const kv = kvWith(raw, {
    atomic: () => {
      const op = raw.atomic();
      const commit = op.commit.bind(op);
      op.commit = () => failing ? Promise.reject(new Error("disk full")) : commit();
      return op;
    },
  });
  await touchUser(raw, { id: 7, first_name: "Анна", last_name: "Petrova" }, NOW);
  const input = {
    userId: 7,
    content: text(7, "Where is my parcel?"),
    mayOpen: true,
    delivery: { to: [1001] },
  };
  await assert.rejects(() => addUserMessage(kv, input), /disk full/);
  assert.deepEqual(await searchKeys(raw), []);
  failing = false;
  const stored = await addUserMessage(kv, input);
  assert.equal(stored?.ticket.id, 1);
  for (const q of ["parcel", "АННА", "petrova"]) {
    assert.deepEqual(
      (await searchTickets(raw, { words: queryWords(q) }, FIRST_PAGE)).ticketIds,
      [1],
      q,
    );
  }
  // An answer's words too, in the answer's commit.
  await addSupportMessage(raw, {
    ticketId: 1,
    content: { ...text(1001, "Tracking number 77AB"), direction: "out", authorId: 1001 },
    change: (ticket) => afterSupportMessage(ticket, 1001, NOW),
  });
  assert.deepEqual(
    (await searchTickets(raw, { words: ["77ab"] }, FIRST_PAGE)).ticketIds,
    [1],
  );
});

Deno.test("search: reindex builds the index of a store written without it, resumably, one process at a time", async () => {
  using kv = await Deno.openKv(":memory:");
  // An older store: tickets, users and messages, no index.
  const op = kv.atomic();
  const users: UserRecord[] = [
    {
      id: 7,
      firstName: "Ольга",
      username: "Olga_K",
      blocked: false,
      reachable: true,
      createdAt: NOW,
    },
    { id: 8, firstName: "Bob", blocked: false, reachable: true, createdAt: NOW },
  ];
  for (const user of users) op.set(keys.user(user.id), user);
  for (let id = 1; id <= 60; id++) {
    const userId = id % 2 ? 7 : 8;
    op.set(keys.ticket(id), openTicket(id, userId, NOW + id));
    stageMessageRecord(op, {
      ...text(userId, id === 30 ? "Ёлочная игрушка разбилась" : `message number ${id}`),
      ticketId: id,
      seq: 1,
      copies: [],
    });
  }
  op.set(keys.ticketSeq(), new Deno.KvU64(60n));
  await op.commit();
  assert.equal(await searchIndexProgress(kv), 0);

  // Another process holds the claim: this one leaves it alone.
  await kv.set(keys.meta("search_index"), {
    version: 1,
    done: false,
    phase: "tickets",
    next: 1,
    owner: "other",
    until: Date.now() + 60_000,
  });
  assert.equal(await reindexSearch(kv, { owner: "me" }), "busy");
  // Its claim lapses: this one takes over and finishes.
  await kv.set(keys.meta("search_index"), {
    version: 1,
    done: false,
    phase: "tickets",
    next: 1,
    owner: "other",
    until: Date.now() - 1,
  });
  assert.equal(await reindexSearch(kv, { owner: "me", budgetMs: 0 }), "partial");
  assert.equal(await reindexSearch(kv, { owner: "me" }), "done");
  assert.equal((await getSearchIndexState(kv))?.done, true);
  assert.equal(await searchIndexProgress(kv), undefined);
  assert.deepEqual((await searchTickets(kv, { words: ["елочн"] }, FIRST_PAGE)).ticketIds, [30]);
  assert.deepEqual(
    (await searchTickets(kv, { words: queryWords("ольга") }, FIRST_PAGE)).ticketIds.length,
    10,
  );
  assert.deepEqual((await findUsersByUsername(kv, "olga_k")).map((u) => u.id), [7]);
  // Done: a second run changes nothing.
  const before = (await searchKeys(kv)).length;
  assert.equal(await reindexSearch(kv, { owner: "other" }), "done");
  assert.equal((await searchKeys(kv)).length, before);
});

Deno.test("search: a fresh store is marked complete by its first rebuild; markSearchIndexDone does it at once", async () => {
  using kv = await Deno.openKv(":memory:");
  assert.equal(await reindexSearch(kv, { owner: "me" }), "done");
  using other = await Deno.openKv(":memory:");
  await markSearchIndexDone(other);
  assert.equal(await searchIndexProgress(other), undefined);
});

Deno.test("search: users are found by @username in any case; a changed username no longer finds them", async () => {
  using kv = await Deno.openKv(":memory:");
  await touchUser(kv, { id: 7, first_name: "Dan", username: "Dan_Smith" }, NOW);
  assert.deepEqual((await findUsersByUsername(kv, "@dan_smith")).map((u) => u.id), [7]);
  await touchUser(kv, { id: 7, first_name: "Dan", username: "dan_new" }, NOW);
  assert.deepEqual(await findUsersByUsername(kv, "dan_smith"), []);
  assert.deepEqual((await findUsersByUsername(kv, "DAN_NEW")).map((u) => u.id), [7]);
  // An entry left behind by a record written elsewhere is checked against the user.
  const op = kv.atomic();
  stageUser(op, {
    id: 9,
    firstName: "Old",
    username: "taken",
    blocked: false,
    reachable: true,
    createdAt: NOW,
  }, null);
  await op.commit();
  await kv.set(keys.user(9), {
    id: 9,
    firstName: "Old",
    username: "other",
    blocked: false,
    reachable: true,
    createdAt: NOW,
  });
  assert.deepEqual(await findUsersByUsername(kv, "taken"), []);
});
