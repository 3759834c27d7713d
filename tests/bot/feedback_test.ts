import assert from "node:assert/strict";
import { ADMIN_A, ADMIN_B, createTestApp, HOUR } from "../helpers/app.ts";
import type { User } from "grammy/types";
import { album, command, privateText, user } from "../helpers/updates.ts";
import { getOpenTicket } from "../../src/store/tickets.ts";
import { readStats } from "../../src/store/stats.ts";
import { press } from "./conversation_support.ts";

Deno.test("feedback: is stored and delivered to the admins and the alert chat, not as a ticket", async () => {
  const alertChat = -1009876543210;
  await using app = await createTestApp({ env: { ALERT_CHAT_ID: String(alertChat) } });
  app.sim.addGroup(alertChat);
  const u = user(1101, { first_name: "Fiona" });
  await app.send(command(u, "start"));
  await press(app, u, "Feedback");
  await app.send(privateText(u, "Your bot is very helpful!"));
  assert.equal(await getOpenTicket(app.kv, u.id), null);
  assert.equal((await readStats(app.kv, app.clock.now())).feedbackCount, 1);
  for (const chat of [ADMIN_A, ADMIN_B, alertChat]) {
    const texts = app.sim.textsTo(chat).join("\n");
    assert.match(texts, /Your bot is very helpful!/);
    assert.match(texts, /Fiona/);
  }
});

Deno.test("feedback: inside the cooldown a second one is refused with the time of the next", async () => {
  await using app = await createTestApp({
    env: { FEEDBACK_COOLDOWN_ENABLED: "true", FEEDBACK_COOLDOWN_HOURS: "24", TIMEZONE: "UTC" },
  });
  const u = user(1102);
  await app.send(command(u, "start"));
  await press(app, u, "Feedback");
  await app.send(privateText(u, "First feedback message"));
  app.clock.advance(2 * HOUR);
  await press(app, u, "Feedback");
  const refusal = app.sim.lastMessageIn(u.id)!.text!;
  // Sent at 09:00 UTC on 24/11/2026; the next one is allowed 24 hours later.
  assert.match(refusal, /25\/11\/2026, 09:00/);
  assert.equal((await readStats(app.kv, app.clock.now())).feedbackCount, 1);

  app.clock.advance(23 * HOUR);
  await press(app, u, "Feedback");
  await app.send(privateText(u, "Second feedback message"));
  assert.equal((await readStats(app.kv, app.clock.now())).feedbackCount, 2);
});

Deno.test("feedback: the cooldown message is in the user's language", async () => {
  await using app = await createTestApp({ env: { FEEDBACK_COOLDOWN_ENABLED: "true" } });
  const u = user(1103, { language_code: "ru" });
  await app.send(command(u, "start"));
  await press(app, u, "отзыв");
  await app.send(privateText(u, "Первый отзыв о боте"));
  await press(app, u, "отзыв");
  assert.match(app.sim.lastMessageIn(u.id)!.text!, /Следующий можно отправить/);
});

Deno.test("feedback: handled again after a crash, it is stored once, not refused, and never becomes a ticket", async () => {
  await using app = await createTestApp({
    env: { FEEDBACK_COOLDOWN_ENABLED: "true", FEEDBACK_COOLDOWN_HOURS: "24" },
  });
  const u = user(1199);
  await app.send(command(u, "start"));
  await press(app, u, "Feedback");
  const feedback = privateText(u, "Feedback that is handled twice");
  await app.send(feedback);
  // The start-up replay after a crash: the update's handled mark is gone.
  await app.kv.delete(["update_seen", feedback.update_id]);
  await app.send(feedback);

  assert.equal((await readStats(app.kv, app.clock.now())).feedbackCount, 1);
  assert.equal(await getOpenTicket(app.kv, u.id), null);
  assert.ok(
    !app.sim.textsTo(u.id).some((t) => /25\/11\/2026|next/i.test(t)),
    "no cooldown refusal",
  );
  assert.ok(app.sim.textsTo(ADMIN_A).some((t) => t.includes("Feedback that is handled twice")));
});

/** An album whose caption is on item `captioned` (0-based), in its own media group. */
function albumCaptionedOn(from: User, count: number, captioned: number, caption: string) {
  const parts = album(from, Array(count).fill("photo"));
  // (updates.ts's album() ids stop changing past 2^53: each album here gets its own group.)
  const group = `feedback-album-${from.id}-${captioned}`;
  for (const [index, part] of parts.entries()) {
    part.message!.media_group_id = group;
    if (index === captioned) part.message!.caption = caption;
  }
  return parts;
}

Deno.test("feedback: an album captioned on a later item loses none of its items", async () => {
  await using app = await createTestApp();
  const u = user(1103, { first_name: "Greta" });
  await app.send(command(u, "start"));
  await press(app, u, "Feedback");
  const parts = albumCaptionedOn(u, 4, 1, "These screens show what I mean");
  await app.send(...parts);

  assert.equal(await getOpenTicket(app.kv, u.id), null, "feedback, not a ticket");
  assert.equal((await readStats(app.kv, app.clock.now())).feedbackCount, 1);
  assert.equal(app.sim.textsTo(u.id).filter((t) => t.includes("Thank you")).length, 1);
  const ids = parts.map((p) => p.message!.message_id);
  for (const chat of [ADMIN_A, ADMIN_B]) {
    const copied = app.sim.sentTo(chat).flatMap((c) =>
      c.method === "copyMessages"
        ? c.payload.message_ids as number[]
        : c.method === "copyMessage"
        ? [c.payload.message_id as number]
        : []
    );
    assert.deepEqual(copied.toSorted((a, b) => a - b), ids, `admin ${chat} got every item once`);
    assert.ok(app.sim.textsTo(chat).some((t) => t.includes("Greta")));
  }
});
