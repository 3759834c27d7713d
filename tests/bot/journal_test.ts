import assert from "node:assert/strict";
import type { Update } from "grammy/types";
import { Bot } from "grammy";
import type { BotContext } from "../../src/bot/context.ts";
import { contextMiddleware } from "../../src/bot/middleware/context.ts";
import { journaledUpdates, journalTransformer, marksSettled } from "../../src/bot/journal.ts";
import { createLogger, silentLogger } from "../../src/log.ts";
import { keys } from "../../src/store/keys.ts";
import { getOpenTicket } from "../../src/store/tickets.ts";
import { ADMIN_A, createTestApp } from "../helpers/app.ts";
import * as make from "../helpers/updates.ts";
import { findButton } from "./conversation_support.ts";
import { kvWith } from "../helpers/kv_with.ts";

function fetched(updates: Update[]) {
  // deno-lint-ignore no-explicit-any
  return (() => Promise.resolve({ ok: true, result: updates })) as any;
}

Deno.test("journal: a batch larger than one KV commit is journaled whole and passed on", async () => {
  using kv = await Deno.openKv(":memory:");
  const from = make.user(77);
  const updates = Array.from(
    { length: 150 },
    (_, i) => make.privateText(from, `${i} ` + "Ж".repeat(4000)),
  );
  const transformer = journalTransformer({ kv, log: silentLogger });
  const response = await transformer(fetched(updates), "getUpdates", {}, undefined);
  assert.strictEqual(
    ("result" in response ? (response.result as unknown as Update[]) : []).length,
    150,
  );
  const journaled = await journaledUpdates(kv);
  assert.deepStrictEqual(journaled.map((u) => u.update_id), updates.map((u) => u.update_id));
});

Deno.test("journal: an update too large to store does not stop the batch", async () => {
  using kv = await Deno.openKv(":memory:");
  const from = make.user(78);
  const small = make.privateText(from, "hello, I need help");
  const huge = make.privateText(from, "x".repeat(70_000));
  const transformer = journalTransformer({ kv, log: silentLogger });
  const response = await transformer(fetched([small, huge]), "getUpdates", {}, undefined);
  assert.strictEqual(
    ("result" in response ? (response.result as unknown as Update[]) : []).length,
    2,
  );
  assert.deepStrictEqual((await journaledUpdates(kv)).map((u) => u.update_id), [small.update_id]);
});

Deno.test("journal: updates handled before are not journaled again", async () => {
  using kv = await Deno.openKv(":memory:");
  const update = make.privateText(make.user(79), "hello there");
  await kv.set(["update_seen", update.update_id], true);
  const transformer = journalTransformer({ kv, log: silentLogger });
  await transformer(fetched([update]), "getUpdates", {}, undefined);
  assert.deepStrictEqual(await journaledUpdates(kv), []);
});

/**
 * A store whose commits that write a journal mark (`only` that update's) wait
 * for `release()`, or fail with `fail`. Everything else goes straight through
 * (but the batching layer keeps later commits behind a held one).
 */
function holdingMarks(kv: Deno.Kv, options: { fail?: Error; only?: number } = {}) {
  const gate = Promise.withResolvers<void>();
  const hold = (op: Deno.AtomicOperation): Deno.AtomicOperation => {
    let writesMark = false;
    const proxy: Deno.AtomicOperation = new Proxy(op, {
      get(target, name) {
        const value = Reflect.get(target, name, target);
        if (typeof value !== "function") return value;
        return (...args: unknown[]) => {
          const key = args[0] as Deno.KvKey;
          if (
            name === "set" && key[0] === "update_seen" &&
            (options.only === undefined || key[1] === options.only)
          ) writesMark = true;
          if (name === "commit" && writesMark) {
            return options.fail
              ? Promise.reject(options.fail)
              : gate.promise.then(() => target.commit());
          }
          const result = value.apply(target, args);
          return result === target ? proxy : result;
        };
      },
    });
    return proxy;
  };
  const store = kvWith(kv, { atomic: () => hold(kv.atomic()) });
  return { kv: store, release: () => gate.resolve() };
}

/** Whether `promise` is still pending after everything queued so far has run. */
async function pending(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  promise.then(() => done = true, () => done = true);
  await new Promise((resolve) => setTimeout(resolve, 0));
  return !done;
}

Deno.test("journal: an update ends before its mark lands, and marksSettled waits for the mark", async () => {
  using raw = await Deno.openKv(":memory:");
  const store = holdingMarks(raw);
  await using app = await createTestApp({ kv: store.kv });
  try {
    const update = make.privateText(make.user(4101), "Hello, I need help with my order");
    await app.kv.set(keys.journal(update.update_id), update);
    await app.send(update);
    assert.ok(await getOpenTicket(app.kv, 4101), "the update's work is done");
    assert.equal((await app.kv.get(keys.updateSeen(update.update_id))).versionstamp, null);

    const settled = marksSettled(app.kv);
    assert.ok(await pending(settled), "settling waits for the mark under way");
    store.release();
    await settled;
    assert.equal((await app.kv.get(keys.updateSeen(update.update_id))).value, true);
    assert.deepEqual(await journaledUpdates(app.kv), [], "the update left the journal");
  } finally {
    store.release();
  }
});

Deno.test("journal: the same update handed over again while its mark is under way is dropped", async () => {
  using raw = await Deno.openKv(":memory:");
  const u = make.user(4104);
  const question = make.privateText(u, "A question closed by a press handed over twice");
  const store = holdingMarks(raw, { only: question.update_id + 1 });
  await using app = await createTestApp({ kv: store.kv });
  try {
    await app.send(question);
    const close = findButton(app, ADMIN_A, "Close");
    const press = make.callback(make.user(ADMIN_A), close.data, close.message);
    assert.equal(press.update_id, question.update_id + 1);
    app.sim.clear();
    await app.bot.handleUpdate(press);
    await app.bot.handleUpdate(structuredClone(press));
    assert.equal(app.deps.runtime.errorCount, 0, "the press is not answered twice");
    assert.equal(app.sim.sentTo(u.id).length, 1, "one closure notice");
  } finally {
    store.release();
  }
});

Deno.test("journal: a mark that cannot be committed is logged, not thrown, and the update stays journaled", async () => {
  using raw = await Deno.openKv(":memory:");
  const store = holdingMarks(raw, { fail: new Error("disk full") });
  const lines: string[] = [];
  const log = createLogger("error", { console: false, sinks: [{ write: (l) => lines.push(l) }] });
  await using app = await createTestApp({ kv: store.kv, deps: { log } });
  const update = make.privateText(make.user(4102), "Hello, I need help with my order");
  await app.kv.set(keys.journal(update.update_id), update);
  await app.send(update);
  await marksSettled(app.kv);

  assert.equal(lines.length, 1, lines.join("\n"));
  assert.match(lines[0], /ERROR An update could not be marked handled.*disk full/);
  assert.equal(app.deps.runtime.errorCount, 0, "the update itself did not fail");
  assert.deepEqual(
    (await journaledUpdates(app.kv)).map((u) => u.update_id),
    [update.update_id],
    "the next start handles it again",
  );
});

Deno.test("journal: an update replayed at start-up and fetched again by polling is handled once", async () => {
  using raw = await Deno.openKv(":memory:");
  const store = holdingMarks(raw);
  await using app = await createTestApp({ kv: store.kv });
  try {
    const text = "A question left over from the last run";
    const update = make.privateText(make.user(4103), text);
    // Journaled by the process that was killed; Telegram never saw it confirmed.
    await app.kv.set(keys.journal(update.update_id), update);
    for (const left of await journaledUpdates(app.kv)) await app.bot.handleUpdate(left);

    // Polling starts; Telegram hands the same update out again.
    const fetching = journalTransformer(app.deps)(fetched([update]), "getUpdates", {}, undefined);
    assert.ok(await pending(fetching), "a fetched batch waits for the replay's marks");
    store.release();
    const response = await fetching;
    for (const again of "result" in response ? response.result as unknown as Update[] : []) {
      await app.bot.handleUpdate(again);
    }
    await marksSettled(app.kv);

    assert.equal(app.sim.textsTo(ADMIN_A).filter((t) => t.includes(text)).length, 1);
    assert.deepEqual(await journaledUpdates(app.kv), []);
  } finally {
    store.release();
  }
});

Deno.test("journal: a repeat fetched after its mark landed is dropped, its mark read once per batch", async () => {
  using raw = await Deno.openKv(":memory:");
  let reads = 0;
  const counting = kvWith(raw, {
    get: ((...args: Parameters<Deno.Kv["get"]>) => {
      reads++;
      return raw.get(...args);
    }) as Deno.Kv["get"],
    getMany: ((...args: Parameters<Deno.Kv["getMany"]>) => {
      reads++;
      return raw.getMany(...args);
    }) as Deno.Kv["getMany"],
  });
  const lines: string[] = [];
  const log = createLogger("info", { console: false, sinks: [{ write: (l) => lines.push(l) }] });
  await using app = await createTestApp({ kv: counting, deps: { log } });
  const update = make.privateText(make.user(4105), "A question Telegram hands out twice");
  await app.send(update);
  await marksSettled(app.kv);

  reads = 0;
  const response = await journalTransformer(app.deps)(
    fetched([update]),
    "getUpdates",
    {},
    undefined,
  );
  const again = "result" in response ? response.result as unknown as Update[] : [];
  assert.deepEqual(again.map((u) => u.update_id), [update.update_id], "the offset moves past it");
  for (const u of again) await app.bot.handleUpdate(u);

  assert.equal(reads, 1, "one read for the batch, none for the update");
  assert.ok(lines.some((l) => l.includes("Dropped a repeated update")), lines.join("\n"));
  assert.deepEqual(await journaledUpdates(app.kv), []);
});

Deno.test("journal: a read-ahead hook that throws does not keep its update in the journal", async () => {
  await using app = await createTestApp();
  const warnings: string[] = [];
  const deps = {
    ...app.deps,
    log: { ...app.deps.log, warn: (message: string) => warnings.push(message) },
  };
  const bot = new Bot<BotContext>("123:test", { botInfo: app.bot.botInfo });
  const handled: number[] = [];
  bot.use(contextMiddleware(deps, [() => {
    throw new Error("a hook's bug");
  }]));
  bot.use((ctx) => {
    handled.push(ctx.update.update_id);
  });
  const update = make.privateText(make.user(777), "hello there, is anyone here?");
  await app.kv.set(keys.journal(update.update_id), update);
  await bot.handleUpdate(update);
  await marksSettled(app.kv);
  assert.deepEqual(handled, [update.update_id]);
  assert.deepEqual(await journaledUpdates(app.kv), [], "left the journal");
  assert.ok(warnings.some((w) => w.includes("read-ahead hook failed")), warnings.join("\n"));
});
