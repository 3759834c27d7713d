import assert from "node:assert/strict";
import { join } from "node:path";
import { ADMIN_A, createTestApp } from "../helpers/app.ts";
import { admin, buttonsOf } from "../bot/admin_fixtures.ts";
import { command } from "../helpers/updates.ts";
import { press } from "../bot/conversation_support.ts";
import { readStats } from "../../src/store/stats.ts";
import { findByLegacyId } from "../../src/store/legacy.ts";
import { getTicket } from "../../src/store/tickets.ts";
import { outboxChats } from "../../src/store/outbox.ts";
import { writeGeneratedFolder } from "./generate.ts";
import { runImport, storeData, tempFolder } from "./support.ts";

Deno.test("import-legacy: 10,000 generated tickets import in batches, and a second run adds nothing", async () => {
  await using folder = await tempFolder();
  const data = join(folder.path, "data");
  await Deno.mkdir(data);
  // A store file, as in production (not :memory:).
  await using app = await createTestApp({ kvPath: join(folder.path, "bot.kv") });
  const figures = await writeGeneratedFolder(data, { count: 10_000, now: app.clock.now() });

  const run = await runImport(app.deps, data);
  assert.equal(run.code, 0, run.all);
  // A "new" ticket that was answered is in progress here.
  const newTickets = figures.byStatus.new - figures.answeredNew;
  const inProgress = figures.byStatus.working + figures.answeredNew;
  assert.ok(figures.answeredNew > 0 && newTickets > 0);
  assert.match(
    run.all,
    new RegExp(
      `Tickets: 10000 \\(new ${newTickets}, in progress ${inProgress}, ` +
        `closed ${figures.byStatus.done}\\)`,
    ),
  );
  assert.match(run.all, /Imported 10000 tickets \(#1 to #10000\)/);
  const commits = Number(/\((\d+) commits\)/.exec(run.all)![1]);
  assert.ok(commits < 400, `${commits} commits: the import is batched`);

  const stats = await readStats(app.kv, app.clock.now());
  assert.equal(stats.ticketsTotal, 10_000);
  assert.equal(stats.ticketsNew, newTickets);
  assert.equal(stats.ticketsInProgress, inProgress);
  assert.equal(stats.ticketsClosed, figures.byStatus.done);
  assert.equal(
    stats.autoCloseWaiting,
    figures.byStatus.new + figures.byStatus.working - figures.waiting,
  );
  assert.equal(stats.users, figures.users);
  assert.equal(stats.blocked, figures.blocked);
  assert.deepEqual(stats.ratingDistribution, figures.ratings);
  assert.match(run.all, new RegExp(`Messages: ${figures.messages} `));
  assert.match(run.all, new RegExp(`Auto-close: ${figures.autoCloseDue} open tickets were`));
  assert.deepEqual(await outboxChats(app.kv), []);

  // The inbox starts with the ticket whose user has waited longest.
  const first = await findByLegacyId(app.kv, figures.longestWaiting);
  const agent = admin(ADMIN_A);
  await app.send(command(agent, "admin"));
  await press(app, agent, "Inbox");
  const rows = buttonsOf(app.sim.lastSentTo(ADMIN_A)).filter((b) => b.text.startsWith("#"));
  assert.equal(rows[0].text.split(" ")[0], `#${first}`);
  assert.equal((await getTicket(app.kv, first!))?.legacyId, figures.longestWaiting);

  const before = (await storeData(app.kv)).length;
  const again = await runImport(app.deps, data, "--force");
  assert.equal(again.code, 0, again.all);
  assert.match(again.all, /already imported, skipped: 10000/);
  assert.match(again.all, /Imported 0 tickets and 0 user records/);
  assert.equal((await storeData(app.kv)).length, before);
  assert.equal((await readStats(app.kv, app.clock.now())).ticketsTotal, 10_000);
});
