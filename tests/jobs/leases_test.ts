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
import { getLastAutoClose, setLastAutoClose } from "../../src/store/meta.ts";

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

Deno.test("leases: a tick in a minute another process claimed does not sweep; the start-up sweep always runs", async () => {
  await using app = await createTestApp();
  const settled = async (at: number) => {
    for (let i = 0; i < 100 && (await getLastAutoClose(app.kv))?.at !== at; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return (await getLastAutoClose(app.kv))?.at;
  };
  const minute = Math.floor(app.clock.now() / 60_000);
  // Another process has this minute already; the start-up sweep runs all the same.
  assert.equal(await claimJobSlot(app.kv, "autoclose", minute), true);
  const jobs = startJobs(app.deps, app.bot.api);
  try {
    assert.equal(await settled(app.clock.now()), app.clock.now());
    await setLastAutoClose(app.kv, { at: 0, closed: 0 });
    jobs.autoClose();
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal((await getLastAutoClose(app.kv))?.at, 0, "this minute's tick is taken");
    app.clock.advance(60_000);
    jobs.autoClose();
    assert.equal(await settled(app.clock.now()), app.clock.now(), "the next minute's tick sweeps");
  } finally {
    await jobs.stop();
  }
});
