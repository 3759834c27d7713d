import assert from "node:assert/strict";
import { createTestApp } from "../helpers/app.ts";
import { command, groupCommand, privateText, user } from "../helpers/updates.ts";
import { getUser } from "../../src/store/users.ts";
import { buttonsOf, press } from "./conversation_support.ts";

Deno.test("start: greets in English with Ask, Feedback and Language buttons", async () => {
  await using app = await createTestApp();
  const u = user(901, { language_code: "en" });
  await app.send(command(u, "start"));
  const menu = app.sim.lastMessageIn(u.id)!;
  const labels = buttonsOf(menu).map((b) => b.text).join(" | ");
  for (const word of ["Ask", "Feedback", "Language"]) assert.match(labels, new RegExp(word));
});

Deno.test("start: a Russian Telegram user is greeted in Russian; other languages get DEFAULT_LOCALE", async () => {
  await using app = await createTestApp({ env: { DEFAULT_LOCALE: "ru" } });
  const ru = user(902, { language_code: "ru" });
  const de = user(903, { language_code: "de" });
  const en = user(904, { language_code: "en" });
  await app.send(command(ru, "start"), command(de, "start"), command(en, "start"));
  assert.match(app.sim.lastMessageIn(ru.id)!.text!, /Здравствуйте/);
  assert.match(app.sim.lastMessageIn(de.id)!.text!, /Здравствуйте/);
  assert.match(app.sim.lastMessageIn(en.id)!.text!, /Hello/);
});

Deno.test("language: the choice offers English and Русский and persists", async () => {
  await using app = await createTestApp();
  const u = user(905, { language_code: "en" });
  await app.send(command(u, "start"));
  await press(app, u, "Language");
  const labels = buttonsOf(app.sim.lastMessageIn(u.id)).map((b) => b.text);
  assert.deepEqual(labels, ["English", "Русский"]);
  await press(app, u, "Русский");
  assert.equal((await getUser(app.kv, u.id))?.locale, "ru");
  await app.send(command(u, "start"));
  assert.match(app.sim.lastMessageIn(u.id)!.text!, /Здравствуйте/);
  await app.send(privateText(u, "short"));
  assert.match(app.sim.lastMessageIn(u.id)!.text!, /символов/);
});

Deno.test("id: a private chat gets the user id; a forum topic gets chat, topic and user ids", async () => {
  await using app = await createTestApp();
  const u = user(906);
  await app.send(command(u, "id"));
  assert.match(app.sim.lastMessageIn(u.id)!.text!, /906/);

  const group = -1001234567890;
  app.sim.addGroup(group, { isForum: true });
  app.sim.addTopic(group, 77);
  await app.send(groupCommand(group, u, "id", undefined, { threadId: 77 }));
  const reply = app.sim.lastSentTo(group)!;
  const text = String(reply.payload.text);
  assert.match(text, /-1001234567890/);
  assert.match(text, /77/);
  assert.match(text, /906/);
  assert.equal(reply.payload.message_thread_id, 77);
});

Deno.test("start: an unknown command gets the menu, not a ticket", async () => {
  await using app = await createTestApp();
  const u = user(907);
  await app.send(command(u, "whatever"));
  assert.ok(buttonsOf(app.sim.lastMessageIn(u.id)).some((b) => b.text.includes("Ask")));
});
