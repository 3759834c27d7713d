import assert from "node:assert/strict";
import { ADMIN_A, ADMIN_B, createTestApp, HOUR } from "../helpers/app.ts";
import { callback, photo, privateText, user } from "../helpers/updates.ts";
import { setBlocked } from "../../src/store/users.ts";
import { getOpenTicket } from "../../src/store/tickets.ts";

Deno.test("blocked: a blocked user gets one short notice per few hours and nothing reaches the admins", async () => {
  await using app = await createTestApp();
  const u = user(1201, { language_code: "ru" });
  await setBlocked(app.kv, u.id, true, { now: app.clock.now() });
  await app.send(
    privateText(u, "Let me in, this is a long message"),
    photo(u, "and a photo with caption"),
    privateText(u, "and another long message"),
    callback(u, "m:ask"),
  );
  assert.equal(app.sim.sentTo(ADMIN_A).length + app.sim.sentTo(ADMIN_B).length, 0);
  assert.equal(await getOpenTicket(app.kv, u.id), null);
  const notices = app.sim.textsTo(u.id);
  assert.equal(notices.length, 1);
  assert.match(notices[0], /заблокированы/);

  app.clock.advance(7 * HOUR);
  await app.send(privateText(u, "Still blocked and still writing"));
  assert.equal(app.sim.textsTo(u.id).length, 2);
});

Deno.test("blocked: after unblocking everything works again", async () => {
  await using app = await createTestApp();
  const u = user(1202);
  await setBlocked(app.kv, u.id, true, { now: app.clock.now() });
  await app.send(privateText(u, "Blocked message never delivered"));
  await setBlocked(app.kv, u.id, false, { now: app.clock.now() });
  await app.send(privateText(u, "Now I can write to support"));
  assert.equal((await getOpenTicket(app.kv, u.id))?.id, 1);
  assert.ok(app.sim.textsTo(ADMIN_A).some((t) => t.includes("Now I can write to support")));
  assert.ok(!app.sim.textsTo(ADMIN_A).some((t) => t.includes("Blocked message")));
});
