import assert from "node:assert/strict";
import { join } from "node:path";
import { BatchWriter } from "../../src/legacy/batch.ts";
import { createTestApp } from "../helpers/app.ts";
import { getTicket, lastMessages } from "../../src/store/tickets.ts";
import { readStats } from "../../src/store/stats.ts";
import { runImport, tempFolder } from "./support.ts";

Deno.test("legacy batch: units share commits; the last write of a key wins; sums add up", async () => {
  await using kv = await Deno.openKv(":memory:");
  const writer = new BatchWriter(kv, { mutations: 5, bytes: 100_000 });
  writer.op.set(["a"], 1).sum(["n"], 1n).set(["b"], 1);
  await writer.endUnit();
  writer.op.delete(["b"]);
  writer.op.sum(["n"], 2n);
  await writer.endUnit();
  assert.equal(writer.commits, 0);
  writer.op.set(["c"], 1).set(["d"], 1).set(["e"], 1);
  await writer.endUnit(); // three keys and three more: the first two units are committed first
  assert.equal(writer.commits, 1);
  await writer.flush();
  assert.equal(writer.commits, 2);
  const [a, b, c, n] = await kv.getMany([["a"], ["b"], ["c"], ["n"]]);
  assert.deepEqual([a.value, b.value, c.value], [1, null, 1]);
  assert.equal((n.value as Deno.KvU64).value, 3n);
});

Deno.test("legacy batch: a unit too large for one commit writes its 'ahead' part first", async () => {
  await using kv = await Deno.openKv(":memory:");
  const writer = new BatchWriter(kv, { mutations: 4, bytes: 100_000 });
  for (let i = 0; i < 9; i++) writer.op.set(["part", i], i);
  writer.op.set(["record"], "visible last").sum(["count"], 1n);
  await writer.endUnit({ ahead: 9 });
  await writer.flush();
  assert.equal(writer.commits, 4); // 4 + 4 + 1 parts, then the record with its counter
  assert.equal((await kv.get(["part", 8])).value, 8);
  assert.equal((await kv.get(["record"])).value, "visible last");

  for (let i = 0; i < 6; i++) writer.op.set(["core", i], i);
  await assert.rejects(() => writer.endUnit(), /too large for one commit/);
});

Deno.test("import-legacy: a ticket with 1,200 messages is imported whole", async () => {
  await using folder = await tempFolder();
  const at = (minute: number) => new Date(Date.UTC(2026, 10, 1, 10, minute)).toISOString();
  const messages = Array.from({ length: 1200 }, (_, i) => ({
    sender: i % 2 ? "admin" : "user",
    text: `Message ${i + 1}: ${"long text ".repeat(50)}`,
    at: at(i),
  }));
  const ticket = {
    id: "T-20261101-0001",
    user_id: 42,
    created_at: at(0),
    status: "done",
    messages,
    last_actor: "admin",
    rating: "good",
  };
  await Deno.writeTextFile(
    join(folder.path, "data.json"),
    JSON.stringify({ tickets: { [ticket.id]: ticket }, users: {} }),
  );
  await using app = await createTestApp();
  const run = await runImport(app.deps, folder.path);
  assert.equal(run.code, 0, run.all);
  assert.equal((await getTicket(app.kv, 1))?.messageCount, 1200);
  const [last] = await lastMessages(app.kv, 1, 1);
  assert.equal(last.seq, 1200);
  assert.match(last.text!, /^Message 1200: /);
  const stats = await readStats(app.kv, app.clock.now());
  assert.equal(stats.ticketsTotal, 1);
  assert.equal(stats.ratingsCount, 1);
});
