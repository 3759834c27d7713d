import assert from "node:assert/strict";
import { createTestApp } from "../helpers/app.ts";
import { beat, HEARTBEAT_STALE_MS } from "../../src/bot/heartbeat.ts";
import { getHeartbeat } from "../../src/store/meta.ts";
import { runCli } from "../../src/cli.ts";
import { APP_VERSION } from "../../src/version.ts";
import { RUNNING_REFUSAL } from "../../src/legacy/command.ts";
import { fixture, storeData } from "../legacy/support.ts";
import { capture } from "../helpers/output.ts";

Deno.test("heartbeat: answered polls write it, at most every 15 s", async () => {
  await using app = await createTestApp();
  assert.equal(await getHeartbeat(app.kv), null);
  await app.bot.api.getUpdates({ timeout: 0 });
  const first = await getHeartbeat(app.kv);
  assert.deepEqual(first, { at: app.clock.now(), state: "running", version: APP_VERSION });

  app.clock.advance(10_000);
  await app.bot.api.getUpdates({ timeout: 0 });
  assert.equal((await getHeartbeat(app.kv))?.at, first!.at, "not rewritten within 15 s");

  app.clock.advance(6_000);
  await app.bot.api.getUpdates({ timeout: 0 });
  assert.equal((await getHeartbeat(app.kv))?.at, app.clock.now());

  // Other calls are no sign of polling.
  app.clock.advance(60_000);
  await app.bot.api.sendMessage(5001, "hi");
  assert.equal((await getHeartbeat(app.kv))?.at, app.clock.now() - 60_000);
});

Deno.test("heartbeat: a failed poll writes nothing", async () => {
  await using app = await createTestApp();
  app.sim.failNext("getUpdates", {
    error_code: 409,
    description: "Conflict: terminated by other getUpdates request",
  });
  await assert.rejects(app.bot.api.getUpdates({ timeout: 0 }));
  assert.equal(await getHeartbeat(app.kv), null);
});

Deno.test("healthcheck: fresh → 0, stale, stopped or missing → 1, each with its reason", async () => {
  await using app = await createTestApp();
  const check = async () => {
    const io = capture();
    const code = await runCli("healthcheck", [], app.deps, io.output);
    return { code, line: [...io.out, ...io.err].join("\n") };
  };
  assert.deepEqual(await check(), {
    code: 1,
    line: "unhealthy: no heartbeat; the bot has not reached Telegram on this store yet",
  });

  await beat(app.deps, "running");
  app.clock.advance(30_000);
  const fresh = await check();
  assert.equal(fresh.code, 0);
  assert.match(
    fresh.line,
    /^healthy: 1 process alive, version .*, last answer from Telegram 30 s ago$/,
  );

  app.clock.advance(HEARTBEAT_STALE_MS);
  const stale = await check();
  assert.equal(stale.code, 1);
  assert.match(stale.line, /unhealthy: the last answer from Telegram was 120 s ago/);

  await beat(app.deps, "stopped");
  app.clock.advance(5_000);
  assert.deepEqual(await check(), { code: 1, line: "unhealthy: the bot stopped 5 s ago" });

  const io = capture();
  assert.equal(await runCli("healthcheck", ["now"], app.deps, io.output), 2);
});

Deno.test("restore and import-legacy refuse to write beside a running bot, and say so", async () => {
  await using app = await createTestApp();
  await using legacy = await fixture("basic");
  await beat(app.deps, "running");
  const restore = capture();
  assert.equal(await runCli("restore", ["/nonexistent.tar.gz"], app.deps, restore.output), 1);
  assert.match(restore.err.join("\n"), /The bot is running on this store.*Stop it first/);

  const refused = capture();
  assert.equal(await runCli("import-legacy", [legacy.path], app.deps, refused.output), 1);
  assert.ok(refused.err.includes(RUNNING_REFUSAL), refused.err.join("\n"));
  assert.deepEqual(await storeData(app.kv), []);

  // Once the bot has stopped, the same import goes ahead.
  await beat(app.deps, "stopped");
  const done = capture();
  assert.equal(await runCli("import-legacy", [legacy.path], app.deps, done.output), 0);
  assert.match(done.out.at(-1)!, /^Imported 8 tickets/);
});

Deno.test("healthcheck: counts the processes alive on one store, each with its own heartbeat", async () => {
  await using app = await createTestApp();
  const other = { ...app.deps, runtime: { ...app.deps.runtime, processId: "second" } };
  const webhook = {
    ...app.deps,
    runtime: { ...app.deps.runtime, processId: "third" },
    config: { ...app.config, webhookUrl: "https://bot.example.com/hook", webhookSecret: "s" },
  };
  const check = async () => {
    const io = capture();
    const code = await runCli("healthcheck", [], app.deps, io.output);
    return { code, line: [...io.out, ...io.err].join("\n") };
  };
  await beat(app.deps, "running");
  await beat(other, "running");
  assert.match((await check()).line, /^healthy: 2 processes alive, /);
  await beat(webhook, "running");
  assert.match((await check()).line, /^healthy: 3 processes alive, /);
  // One stops, one goes silent: the last one alive keeps the store healthy.
  await beat(other, "stopped");
  app.clock.advance(HEARTBEAT_STALE_MS + 1_000);
  await beat(webhook, "running");
  const last = await check();
  assert.equal(last.code, 0);
  assert.match(last.line, /^healthy: 1 process alive, .*last heartbeat 0 s ago$/);
});
