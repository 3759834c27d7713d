import assert from "node:assert/strict";
import { createTestApp, TestClock } from "../helpers/app.ts";
import { backupSlot, scheduledBackupTick } from "../../src/jobs/schedule.ts";
import { listBackups } from "../../src/jobs/backup.ts";
import { zonedParts } from "../../src/time.ts";
import { startJobs } from "../../src/jobs/mod.ts";
import { tempDir } from "./fixtures.ts";

const MINUTE = 60_000;

/** Ticks every minute from `from` to `to` (UTC) and returns the instants a backup was made. */
async function tickEveryMinute(
  env: Record<string, string>,
  from: number,
  to: number,
): Promise<number[]> {
  await using dir = await tempDir();
  const clock = new TestClock(from);
  await using app = await createTestApp({
    env: { BACKUP_ENABLED: "true", DATA_DIR: dir.path, ...env },
    clock,
  });
  const made: number[] = [];
  for (; clock.now() <= to; clock.advance(MINUTE)) {
    if (await scheduledBackupTick(app.deps, app.bot.api)) made.push(clock.now());
  }
  return made;
}

const local = (ms: number, zone: string) => {
  const p = zonedParts(ms, zone);
  return `${p.year}-${String(p.month).padStart(2, "0")}-${String(p.day).padStart(2, "0")} ${
    String(p.hour).padStart(2, "0")
  }:${String(p.minute).padStart(2, "0")}`;
};

Deno.test("schedule: one backup a day at BACKUP_TIME local time (Europe/Berlin, winter and summer)", async () => {
  const env = { TIMEZONE: "Europe/Berlin", BACKUP_TIME: "03:00" };
  const winter = await tickEveryMinute(
    env,
    Date.UTC(2026, 0, 10, 0, 0),
    Date.UTC(2026, 0, 11, 23, 59),
  );
  assert.deepEqual(winter.map((ms) => local(ms, "Europe/Berlin")), [
    "2026-01-10 03:00",
    "2026-01-11 03:00",
  ]);
  assert.equal(new Date(winter[0]).getUTCHours(), 2);
  const summer = await tickEveryMinute(
    env,
    Date.UTC(2026, 6, 10, 0, 0),
    Date.UTC(2026, 6, 10, 23, 59),
  );
  assert.deepEqual(summer.map((ms) => local(ms, "Europe/Berlin")), ["2026-07-10 03:00"]);
  assert.equal(new Date(summer[0]).getUTCHours(), 1);
});

Deno.test("schedule: spring forward in Berlin, a BACKUP_TIME inside the skipped hour runs right after the gap", async () => {
  // 2026-03-29: 02:00 CET jumps to 03:00 CEST (01:00 UTC).
  const made = await tickEveryMinute(
    { TIMEZONE: "Europe/Berlin", BACKUP_TIME: "02:30" },
    Date.UTC(2026, 2, 28, 23, 0),
    Date.UTC(2026, 2, 30, 12, 0),
  );
  assert.deepEqual(made.map((ms) => local(ms, "Europe/Berlin")), [
    "2026-03-29 03:00",
    "2026-03-30 02:30",
  ]);
  assert.equal(made[0], Date.UTC(2026, 2, 29, 1, 0));
});

Deno.test("schedule: fall back in Berlin, a BACKUP_TIME in the repeated hour runs once", async () => {
  // 2026-10-25: 03:00 CEST falls back to 02:00 CET (01:00 UTC); 02:30 happens twice.
  const made = await tickEveryMinute(
    { TIMEZONE: "Europe/Berlin", BACKUP_TIME: "02:30" },
    Date.UTC(2026, 9, 24, 23, 0),
    Date.UTC(2026, 9, 26, 12, 0),
  );
  assert.deepEqual(made, [Date.UTC(2026, 9, 25, 0, 30), Date.UTC(2026, 9, 26, 1, 30)]);
});

Deno.test("schedule: a missed backup time is made up at the next tick of the same day", async () => {
  const made = await tickEveryMinute(
    { TIMEZONE: "UTC", BACKUP_TIME: "03:00" },
    Date.UTC(2026, 4, 1, 17, 42),
    Date.UTC(2026, 4, 1, 17, 50),
  );
  assert.deepEqual(made, [Date.UTC(2026, 4, 1, 17, 42)]);
});

Deno.test("schedule: nothing happens unless BACKUP_ENABLED=true", async () => {
  await using dir = await tempDir();
  await using app = await createTestApp({ env: { DATA_DIR: dir.path } });
  assert.equal(await scheduledBackupTick(app.deps, app.bot.api), null);
  assert.deepEqual(await listBackups(`${dir.path}/backups`), []);
});

Deno.test("schedule: two processes on one store make one backup a day between them", async () => {
  await using dir = await tempDir();
  const clock = new TestClock(Date.UTC(2026, 4, 1, 4, 0));
  const env = { BACKUP_ENABLED: "true", DATA_DIR: dir.path };
  await using first = await createTestApp({ env, clock, kvPath: `${dir.path}/bot.kv` });
  await using second = await createTestApp({ env, clock, kvPath: `${dir.path}/bot.kv` });
  const results = await Promise.all([
    scheduledBackupTick(first.deps, first.bot.api),
    scheduledBackupTick(second.deps, second.bot.api),
  ]);
  assert.equal(results.filter((r) => r?.ok).length, 1);
  assert.equal((await listBackups(`${dir.path}/backups`)).length, 1);
});

Deno.test("schedule: backupSlot compares the local wall clock", () => {
  const config = { timezone: "Asia/Tokyo", backupTime: { hour: 3, minute: 0 } };
  assert.deepEqual(backupSlot(Date.UTC(2026, 0, 1, 17, 59), config), {
    day: "2026-01-02",
    reached: false,
  });
  assert.deepEqual(backupSlot(Date.UTC(2026, 0, 1, 18, 0), config), {
    day: "2026-01-02",
    reached: true,
  });
});

Deno.test("schedule: startJobs checks the backup at start-up, so a missed daily backup is made", async () => {
  await using dir = await tempDir();
  const clock = new TestClock(Date.UTC(2026, 4, 1, 9, 0));
  await using app = await createTestApp({
    env: { BACKUP_ENABLED: "true", DATA_DIR: dir.path, AUTO_CLOSE_AFTER_HOURS: "0" },
    clock,
  });
  const jobs = startJobs(app.deps, app.bot.api);
  await jobs.stop();
  assert.equal((await listBackups(`${dir.path}/backups`)).length, 1);
});
