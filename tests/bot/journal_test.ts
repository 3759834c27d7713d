import assert from "node:assert/strict";
import type { Update } from "grammy/types";
import { journaledUpdates, journalTransformer } from "../../src/bot/journal.ts";
import { silentLogger } from "../../src/log.ts";
import * as make from "../helpers/updates.ts";

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
