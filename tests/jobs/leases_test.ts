/**
 * Scheduled jobs run once per schedule across processes sharing a store:
 * each claims its slot (the minute) with a version-checked write.
 *
 * @module
 */
import assert from "node:assert/strict";
import { createTestApp } from "../helpers/app.ts";
import { claimJobSlot } from "../../src/store/meta.ts";
import { startJobs } from "../../src/jobs/mod.ts";
import { getLastAutoClose } from "../../src/store/meta.ts";

Deno.test("leases: of two processes on one store, one claims each minute", async () => {
  const dir = await Deno.makeTempDir();
  try {
    using one = await Deno.openKv(`${dir}/bot.kv`);
    using two = await Deno.openKv(`${dir}/bot.kv`);
    const both = await Promise.all([
      claimJobSlot(one, "autoclose", 100),
      claimJobSlot(two, "autoclose", 100),
    ]);
    assert.deepEqual(both.toSorted(), [false, true]);
    assert.equal(await claimJobSlot(two, "autoclose", 100), false, "a minute runs once");
    assert.equal(await claimJobSlot(two, "autoclose", 99), false, "never an earlier one");
    assert.equal(await claimJobSlot(one, "autoclose", 101), true, "the next minute");
    assert.equal(await claimJobSlot(one, "backup", 101), true, "jobs are claimed apart");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("leases: two processes starting in the same minute sweep auto-close once", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await using one = await createTestApp({ kvPath: `${dir}/bot.kv` });
    await using two = await createTestApp({ kvPath: `${dir}/bot.kv`, clock: one.clock });
    const first = startJobs(one.deps, one.bot.api);
    await first.stop();
    const swept = await getLastAutoClose(one.kv);
    assert.equal(swept?.at, one.clock.now());
    const second = startJobs(two.deps, two.bot.api);
    await second.stop();
    // The second process found the minute taken: no second sweep was recorded.
    assert.deepEqual(await getLastAutoClose(two.kv), swept);
    one.clock.advance(60_000);
    const next = startJobs(two.deps, two.bot.api);
    await next.stop();
    assert.equal((await getLastAutoClose(two.kv))?.at, one.clock.now());
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
