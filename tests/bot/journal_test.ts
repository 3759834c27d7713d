/**
 * The update journal, driven through the bot: an update whose work cannot be
 * stored is not marked handled, the sender is told the truth, and the journal
 * retries it until it is stored (and delivered once); one that keeps failing
 * is set aside without holding up its chat; a repeat is handled once; what a
 * killed process left in the journal is handled at the next start.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { Update } from "grammy/types";
import { ADMIN_A, ADMIN_B, createTestApp, type TestApp } from "../helpers/app.ts";
import { kvWith } from "../helpers/kv_with.ts";
import { TelegramSim } from "../helpers/telegram_sim.ts";
import * as make from "../helpers/updates.ts";
import {
  acceptUpdate,
  journaledUpdates,
  type JournalEntry,
  journalTransformer,
  retryJournal,
  SET_ASIDE_AFTER,
  type SetAsideEntry,
} from "../../src/bot/journal.ts";
import { keys } from "../../src/store/keys.ts";
import { getOpenTicket, getTicket, lastMessages } from "../../src/store/tickets.ts";
import { silentLogger } from "../../src/log.ts";
import { recordingAlerts } from "../hardening/support.ts";
import { findButton, press } from "./conversation_support.ts";

const admin = make.user(ADMIN_A, { first_name: "Agent" });

/** A getUpdates answer of Telegram, for the journal transformer. */
function fetched(updates: Update[]) {
  // deno-lint-ignore no-explicit-any
  return (() => Promise.resolve({ ok: true, result: updates })) as any;
}

/** Telegram hands `updates` to this process's long poll: they are journaled, as in production. */
async function poll(app: Pick<TestApp, "kv">, updates: Update[]): Promise<Update[]> {
  const transformer = journalTransformer({ kv: app.kv, log: silentLogger });
  const response = await transformer(fetched(updates), "getUpdates", {}, undefined);
  return "result" in response ? response.result as unknown as Update[] : [];
}

/** The pause before every journaled update's next attempt passes now. */
async function retryPauseEnds(kv: Deno.Kv): Promise<void> {
  for await (const entry of kv.list<JournalEntry>({ prefix: keys.journalAll() })) {
    if (entry.value.retryAt === undefined) continue;
    await kv.set(entry.key, { ...entry.value, retryAt: Date.now() - 1 });
  }
}

/** What main.ts does every two seconds: handles the failed updates that are due. */
async function retry(app: TestApp): Promise<number> {
  const handled = await retryJournal(app.kv, (update) => app.receive(update));
  await app.outbox.settle();
  return handled;
}

/**
 * A store whose commits that store a ticket message fail while `failing`
 * says so (for the text it would store), like a store that is down or full.
 */
function failingStore(raw: Deno.Kv, failing: (text: string) => boolean) {
  const wrap = (op: Deno.AtomicOperation): Deno.AtomicOperation => {
    let text: string | undefined;
    const proxy: Deno.AtomicOperation = new Proxy(op, {
      get(target, name) {
        const value = Reflect.get(target, name, target);
        if (typeof value !== "function") return value;
        return (...args: unknown[]) => {
          if (name === "set" && (args[0] as Deno.KvKey)[0] === "ticket_message") {
            text = String((args[1] as { text?: string }).text ?? "");
          }
          if (name === "commit" && text !== undefined && failing(text)) {
            return Promise.reject(new Error("database is locked"));
          }
          const result = value.apply(target, args);
          return result === target ? proxy : result;
        };
      },
    });
    return proxy;
  };
  return kvWith(raw, { atomic: () => wrap(raw.atomic()) });
}

function count(app: TestApp, chatId: number, part: string): number {
  return app.sim.textsTo(chatId).filter((t) => t.includes(part)).length;
}

Deno.test("journal: an update whose storing fails is not marked handled, the user is told the truth, and it is retried until stored, then delivered once", async () => {
  using raw = await Deno.openKv(":memory:");
  let down = true;
  await using app = await createTestApp({ kv: failingStore(raw, () => down) });
  const u = make.user(4201);
  const text = "A question while the store is failing";
  const [update] = await poll(app, [make.privateText(u, text)]);
  await app.send(update);

  assert.equal(await getOpenTicket(app.kv, u.id), null, "nothing stored");
  assert.equal((await app.kv.get(keys.updateSeen(update.update_id))).versionstamp, null);
  const entry = (await app.kv.get<JournalEntry>(keys.journal(update.update_id))).value;
  assert.equal(entry?.attempts, 1, "the failed attempt is counted");
  assert.ok(entry!.retryAt! > Date.now(), "and waits for its retry");
  const told = app.sim.textsTo(u.id);
  assert.equal(told.length, 1);
  assert.doesNotMatch(told[0], /saved/i, "the user is not told it was saved");
  assert.match(told[0], /try again by itself/);
  assert.equal(count(app, ADMIN_A, text), 0);

  // Not due yet: nothing is retried.
  assert.equal(await retry(app), 0);
  // Due, still failing: counted again, and the user is not told twice.
  await retryPauseEnds(app.kv);
  assert.equal(await retry(app), 1);
  assert.equal((await app.kv.get<JournalEntry>(keys.journal(update.update_id))).value?.attempts, 2);
  assert.equal(app.sim.textsTo(u.id).length, 1, "told once");

  down = false;
  await retryPauseEnds(app.kv);
  assert.equal(await retry(app), 1);
  assert.equal((await getOpenTicket(app.kv, u.id))?.id, 1);
  for (const chat of [ADMIN_A, ADMIN_B]) assert.equal(count(app, chat, text), 1);
  assert.equal(count(app, u.id, "#1"), 1, "the ticket's confirmation");
  assert.deepEqual(await journaledUpdates(app.kv), [], "it left the journal");
  assert.equal((await app.kv.get(keys.updateSeen(update.update_id))).value, true);
  assert.equal(await retry(app), 0);

  // Telegram hands it over once more (its confirmation was lost): dropped, and not journaled for good.
  for (const again of await poll(app, [update])) await app.send(again);
  for (const chat of [ADMIN_A, ADMIN_B]) assert.equal(count(app, chat, text), 1);
  assert.equal((await lastMessages(app.kv, 1, 10)).length, 1);
  assert.deepEqual(await journaledUpdates(app.kv), []);
});

Deno.test("journal: an update that keeps failing is set aside (kept, alerted, counted on Debug) and does not hold up its chat", async () => {
  using raw = await Deno.openKv(":memory:");
  const alerts = recordingAlerts();
  await using app = await createTestApp({
    kv: failingStore(raw, (text) => text.includes("poison")),
    deps: { alerts },
  });
  const u = make.user(4202);
  const [bad] = await poll(app, [make.privateText(u, "A poison message that always fails")]);
  await app.send(bad);

  // The same chat's next update goes through while the first one waits for its retry.
  const [good] = await poll(app, [make.privateText(u, "A normal question from the same user")]);
  await app.send(good);
  assert.equal((await getOpenTicket(app.kv, u.id))?.id, 1);
  for (const chat of [ADMIN_A, ADMIN_B]) assert.equal(count(app, chat, "normal question"), 1);

  for (let attempt = 2; attempt <= SET_ASIDE_AFTER; attempt++) {
    await retryPauseEnds(app.kv);
    assert.equal(await retry(app), 1, `attempt ${attempt}`);
  }
  assert.deepEqual(await journaledUpdates(app.kv), [], "no longer retried");
  await retryPauseEnds(app.kv);
  assert.equal(await retry(app), 0);
  const aside = (await app.kv.get<SetAsideEntry>(keys.setAside(bad.update_id))).value;
  assert.equal(aside?.attempts, SET_ASIDE_AFTER);
  assert.deepEqual(aside?.update, bad, "the update is kept");
  assert.match(aside!.error, /database is locked/);
  assert.ok(alerts.errors.some((e) => /set aside/.test(e.where)), "the agents are alerted");
  assert.equal(count(app, u.id, "try again by itself"), 1, "the user was told once");

  // Still the same chat: the user's later messages are handled.
  await app.send(make.privateText(u, "Another normal follow-up"));
  assert.equal((await getTicket(app.kv, 1))?.messageCount, 2);
  for (const chat of [ADMIN_A, ADMIN_B]) assert.equal(count(app, chat, "normal follow-up"), 1);

  // Settings → Debug counts it.
  await app.send(make.command(admin, "start"));
  await press(app, admin, "Settings", ADMIN_A);
  await press(app, admin, "Debug", ADMIN_A);
  const debug = app.sim.messagesIn(ADMIN_A).find((m) => m.text?.includes("Debug"))!;
  assert.match(debug.text!, /set aside[^\n]*: 1/i);
});

Deno.test("journal: Settings → Debug shows no updates set aside on a healthy bot, in both languages", async () => {
  await using app = await createTestApp();
  await app.send(make.command(admin, "start"));
  await press(app, admin, "Settings", ADMIN_A);
  await press(app, admin, "Debug", ADMIN_A);
  const debug = app.sim.messagesIn(ADMIN_A).find((m) => m.text?.includes("Debug"))!;
  assert.match(debug.text!, /set aside[^\n]*: 0/i);
  for (const locale of ["en", "ru"] as const) {
    const text = app.deps.i18n.t(locale, "error-generic");
    assert.doesNotMatch(text, /saved|сохран/i, `${locale}: no false promise`);
  }
});

Deno.test("journal: a repeated update (same update_id) is handled once", async () => {
  await using app = await createTestApp();
  const u = make.user(4203);
  const question = make.privateText(u, "A question Telegram delivers twice");
  await app.send(question, structuredClone(question));
  assert.equal((await getOpenTicket(app.kv, u.id))?.messageCount, 1);
  for (const chat of [ADMIN_A, ADMIN_B]) assert.equal(count(app, chat, "delivers twice"), 1);
  assert.equal(count(app, u.id, "#1"), 1);

  await press(app, admin, "Reply", ADMIN_A);
  const answer = make.privateText(admin, "An answer Telegram delivers twice");
  await app.send(answer, structuredClone(answer));
  assert.equal(count(app, u.id, "An answer Telegram"), 1);
  assert.equal(count(app, ADMIN_A, "Sent to the user"), 1);
  assert.equal((await getTicket(app.kv, 1))?.messageCount, 2);
  assert.equal(app.deps.runtime.errorCount, 0);
});

Deno.test("journal: handled again after a kill between its work and its mark, an update is stored and delivered once", async () => {
  await using app = await createTestApp();
  const u = make.user(4204);
  /** The start-up replay after such a kill: the mark never landed, the journal entry stayed. */
  const replay = async (update: Update) => {
    await app.kv.delete(keys.updateSeen(update.update_id));
    await app.kv.set(keys.journal(update.update_id), { update, attempts: 0 });
    for (const left of await journaledUpdates(app.kv)) await app.receive(left);
    await app.outbox.settle();
  };
  const question = make.privateText(u, "A question handled twice by a crash");
  await app.send(question);
  await replay(question);
  for (const chat of [ADMIN_A, ADMIN_B]) assert.equal(count(app, chat, "handled twice"), 1);
  assert.equal(count(app, u.id, "#1"), 1, "one confirmation");

  // An answer in reply mode, and one as a Telegram reply to the delivered copy.
  await press(app, admin, "Reply", ADMIN_A);
  const viaMode = make.privateText(admin, "First answer, in reply mode");
  await app.send(viaMode);
  await replay(viaMode);
  const copy = app.sim.messagesIn(ADMIN_B).find((m) => m.text?.includes("handled twice"))!;
  const viaReply = make.replyTo(make.user(ADMIN_B), copy, "Second answer, as a Telegram reply");
  await app.send(viaReply);
  await replay(viaReply);

  assert.equal(count(app, u.id, "First answer"), 1);
  assert.equal(count(app, u.id, "Second answer"), 1);
  assert.equal((await getTicket(app.kv, 1))?.messageCount, 3);
  assert.equal(count(app, ADMIN_A, "To answer a user"), 0, "no hint for a replayed answer");
  assert.deepEqual(await journaledUpdates(app.kv), []);
});

Deno.test("journal: after a kill, what the journal kept is handled at the next start, once", async () => {
  const sim = new TelegramSim();
  const kv = await Deno.openKv(":memory:");
  try {
    const u = make.user(4205);
    const text = "A question fetched just before the kill";
    {
      await using first = await createTestApp({ kv, sim });
      // Polled and journaled (so Telegram may consider it confirmed), then killed before handling.
      await poll(first, [make.privateText(u, text)]);
    }
    assert.equal(sim.textsTo(ADMIN_A).length, 0);

    await using second = await createTestApp({ kv, sim });
    // Start-up, as main.ts does it.
    const left = await journaledUpdates(kv);
    assert.equal(left.length, 1);
    for (const update of left) await second.receive(update);
    await second.outbox.wakeAll();
    await second.outbox.settle();
    for (const chat of [ADMIN_A, ADMIN_B]) {
      assert.equal(sim.textsTo(chat).filter((t) => t.includes(text)).length, 1);
    }
    assert.equal(sim.textsTo(u.id).filter((t) => t.includes("#1")).length, 1);
    assert.deepEqual(await journaledUpdates(kv), []);

    // Telegram, not having seen it confirmed, hands it out again: handled once all the same.
    for (const again of await poll(second, left)) await second.send(again);
    for (const chat of [ADMIN_A, ADMIN_B]) {
      assert.equal(sim.textsTo(chat).filter((t) => t.includes(text)).length, 1);
    }
    assert.deepEqual(await journaledUpdates(kv), []);
    assert.ok(findButton(second, ADMIN_A, "Reply"));
  } finally {
    kv.close();
  }
});

Deno.test("journal: a batch larger than one store commit is journaled whole, and a journaled update keeps its attempts", async () => {
  using kv = await Deno.openKv(":memory:");
  const from = make.user(4206);
  const updates = Array.from(
    { length: 150 },
    (_, i) => make.privateText(from, `${i} ` + "Ж".repeat(4000)),
  );
  const passed = await poll({ kv }, updates);
  assert.equal(passed.length, 150);
  const journaled = await journaledUpdates(kv);
  assert.deepEqual(journaled.map((u) => u.update_id), updates.map((u) => u.update_id));

  const first = updates[0];
  await kv.set(keys.journal(first.update_id), { update: first, attempts: 3, retryAt: 1 });
  await poll({ kv }, [first]);
  assert.equal((await kv.get<JournalEntry>(keys.journal(first.update_id))).value?.attempts, 3);
});

Deno.test("journal: two processes on one store: an update claimed by one is not handled by the other until its claim lapses, then once", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const sim = new TelegramSim();
    await using one = await createTestApp({ sim, kvPath: `${dir}/bot.kv` });
    await using two = await createTestApp({ sim, kvPath: `${dir}/bot.kv` });
    const update = make.privateText(make.user(9101), "A question that came by webhook");
    // Process one took it from Telegram (stored, claimed) and is still handling it.
    assert.equal(await acceptUpdate(one.deps, update), true);
    assert.equal(await acceptUpdate(two.deps, update), false, "Telegram's retry stores nothing");
    await two.send(update);
    assert.equal(await getTicket(two.kv, 1), null, "the other process leaves it alone");
    assert.deepEqual(await journaledUpdates(two.kv, { dueAt: Date.now() }), []);
    // Process one died: its claim lapses, and the other process's retry handles it, once.
    const entry = await two.kv.get<JournalEntry>(keys.journal(update.update_id));
    await two.kv.set(entry.key, { ...entry.value!, claimedUntil: Date.now() - 1 });
    const handle = (u: Update) => two.send(u);
    assert.equal(await retryJournal(two.kv, handle), 1);
    assert.equal(await retryJournal(two.kv, handle), 0);
    await one.send(update);
    assert.equal(sim.textsTo(ADMIN_A).filter((t) => t.includes("came by webhook")).length, 1);
    assert.equal((await getTicket(two.kv, 1))?.userId, 9101);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
