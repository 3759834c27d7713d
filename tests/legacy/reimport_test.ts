/**
 * What the import decides about state the bot also changes: a `new` ticket
 * that was answered, and a second run (`--force`) after blocks, languages and
 * feedback were changed in the bot.
 *
 * @module
 */
import assert from "node:assert/strict";
import { ADMIN_A, createTestApp, HOUR } from "../helpers/app.ts";
import { command, privateText, user } from "../helpers/updates.ts";
import { press } from "../bot/conversation_support.ts";
import { admin } from "../bot/admin_fixtures.ts";
import { getTicket } from "../../src/store/tickets.ts";
import { getUser } from "../../src/store/users.ts";
import { readStats } from "../../src/store/stats.ts";
import { dataJson, fixture, folderWith, legacyTicket, runImport } from "./support.ts";

Deno.test("import-legacy: a 'new' ticket an admin answered is in progress, as after a reply here", async () => {
  await using app = await createTestApp();
  const asked = "2026-11-24T08:00:00+00:00";
  const answered = "2026-11-24T09:00:00+00:00";
  const userAgain = "2026-11-24T09:30:00+00:00";
  await using folder = await folderWith({
    "data.json": dataJson([
      // Answered, never taken: the user's turn.
      legacyTicket("T-20261124-0001", 701, asked, {
        messages: [
          { sender: "user", text: "Where is my parcel?", at: asked },
          { sender: "admin", text: "On its way", at: answered },
        ],
        last_actor: "admin",
        last_activity_at: answered,
      }),
      // Answered, then the user wrote again: support's turn, still answered.
      legacyTicket("T-20261124-0002", 702, asked, {
        messages: [
          { sender: "user", text: "Can I change my address?", at: asked },
          { sender: "admin", text: "Which one?", at: answered },
          { sender: "user", text: "The new one", at: userAgain },
        ],
        last_actor: "user",
        last_activity_at: userAgain,
      }),
      // Never answered: stays new.
      legacyTicket("T-20261124-0003", 703, asked),
    ]),
  });
  const run = await runImport(app.deps, folder.path);
  assert.equal(run.code, 0, run.all);
  assert.match(run.all, /Tickets: 3 \(new 1, in progress 2, closed 0\)/);
  assert.match(
    run.all,
    /status 'new': 2 answered tickets \(T-20261124-0001, T-20261124-0002\) were imported as in progress/,
  );

  const first = await getTicket(app.kv, 1);
  assert.equal(first?.status, "in_progress");
  assert.equal(first?.turn, "user");
  assert.equal(first?.firstResponseAt, Date.parse(answered));
  assert.equal(first?.autoCloseAt, Date.parse(answered) + 24 * HOUR);
  const second = await getTicket(app.kv, 2);
  assert.equal(second?.status, "in_progress");
  assert.equal(second?.turn, "support");
  assert.equal((await getTicket(app.kv, 3))?.status, "new");
  const stats = await readStats(app.kv, app.clock.now());
  assert.equal(stats.ticketsNew, 1);
  assert.equal(stats.ticketsInProgress, 2);
});

Deno.test("import-legacy: a user unblocked here after the import stays unblocked on --force", async () => {
  await using app = await createTestApp();
  await using folder = await fixture("basic");
  assert.equal((await runImport(app.deps, folder.path)).code, 0);
  assert.equal((await getUser(app.kv, 504))?.blocked, true);

  await app.send(command(admin(ADMIN_A), "unban", "504"));
  assert.equal((await getUser(app.kv, 504))?.blocked, false);

  const again = await runImport(app.deps, folder.path, "--force");
  assert.equal(again.code, 0, again.all);
  assert.match(again.all, /Blocks: 0/);
  assert.equal((await getUser(app.kv, 504))?.blocked, false);
  assert.equal((await getUser(app.kv, 509))?.blocked, true);
  assert.equal((await readStats(app.kv, app.clock.now())).blocked, 1);
  // The user's messages reach the admins again.
  await app.send(privateText(user(504), "Thank you for unblocking me, one question"));
  assert.doesNotMatch(app.sim.lastMessageIn(504)!.text!, /You are blocked/);
});

Deno.test("import-legacy: a user blocked here before the import, then unblocked, stays unblocked", async () => {
  await using app = await createTestApp();
  await app.send(command(admin(ADMIN_A), "ban", "509"));
  await using folder = await fixture("basic");
  assert.equal((await runImport(app.deps, folder.path, "--force")).code, 0);
  await app.send(command(admin(ADMIN_A), "unban", "509"));
  const again = await runImport(app.deps, folder.path, "--force");
  assert.equal(again.code, 0, again.all);
  assert.equal((await getUser(app.kv, 509))?.blocked, false);
});

Deno.test("import-legacy: --force keeps a language and a feedback time chosen in the bot since", async () => {
  await using app = await createTestApp({
    env: { FEEDBACK_COOLDOWN_ENABLED: "true", FEEDBACK_COOLDOWN_HOURS: "24" },
  });
  await using folder = await fixture("basic");
  assert.equal((await runImport(app.deps, folder.path)).code, 0);
  // Olga imported with Russian; she picks English here.
  assert.equal((await getUser(app.kv, 501))?.locale, "ru");
  const olga = user(501, { language_code: "ru" });
  await app.send(command(olga, "start"));
  await press(app, olga, "Язык");
  await press(app, olga, "English");
  assert.equal((await getUser(app.kv, 501))?.locale, "en");
  // Bob (last suggestion two weeks ago) sends feedback here.
  const bob = user(502);
  await app.send(command(bob, "start"));
  await press(app, bob, "Feedback");
  await app.send(privateText(bob, "The new bot is much faster, thanks"));
  const bobsFeedback = (await getUser(app.kv, 502))?.lastFeedbackAt;
  assert.equal(bobsFeedback, app.clock.now());

  const again = await runImport(app.deps, folder.path, "--force");
  assert.equal(again.code, 0, again.all);
  assert.match(again.all, /languages: en 0, ru 0; feedback cooldowns: 0/);
  assert.equal((await getUser(app.kv, 501))?.locale, "en");
  assert.equal((await getUser(app.kv, 502))?.lastFeedbackAt, bobsFeedback);
});
