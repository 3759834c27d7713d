import assert from "node:assert/strict";
import { ADMIN_A, ADMIN_B, createTestApp } from "../helpers/app.ts";
import {
  album,
  animation,
  audio,
  contact,
  document,
  location,
  photo,
  privateText,
  sticker,
  user,
  video,
  videoNote,
  voice,
} from "../helpers/updates.ts";
import { getOpenTicket, lastMessages } from "../../src/store/tickets.ts";
import { splitForHtml } from "../../src/telegram/content.ts";
import { escapeHtml } from "../../src/html.ts";
import { press } from "./conversation_support.ts";

const admin = user(ADMIN_A, { first_name: "Agent" });

Deno.test("media: every kind of user media reaches every admin as a copy naming #id", async () => {
  await using app = await createTestApp();
  const u = user(801);
  await app.send(privateText(u, "I will send you all sorts of files"));
  const kinds = [
    photo(u, "photo caption"),
    video(u, "video caption"),
    document(u),
    voice(u),
    audio(u),
    animation(u),
    sticker(u),
    videoNote(u),
    contact(u),
    location(u),
  ];
  for (const update of kinds) {
    app.sim.clear();
    await app.send(update);
    const source = update.message!.message_id;
    for (const chat of [ADMIN_A, ADMIN_B]) {
      const copy = app.sim.callsTo("copyMessage").find((c) =>
        c.payload.chat_id === chat && c.payload.message_id === source
      );
      assert.ok(copy, `a copy of ${Object.keys(update.message!).join(",")} to ${chat}`);
      assert.ok(app.sim.textsTo(chat).some((t) => t.includes("#1")), "the header names #1");
    }
  }
  assert.equal((await getOpenTicket(app.kv, u.id))?.messageCount, 1 + kinds.length);
});

Deno.test("media: an album starts a ticket and reaches the admins together, with the header first", async () => {
  await using app = await createTestApp();
  const u = user(802);
  const parts = album(u, ["photo", "video", "photo"], "Three pictures of the broken device");
  await app.send(...parts);
  // Each item is stored on arrival.
  const stored = await lastMessages(app.kv, 1, 5);
  assert.equal(stored.length, 1);
  assert.equal(stored[0].kind, "album");
  assert.deepEqual(stored[0].source.messageIds, parts.map((p) => p.message!.message_id));
  await app.outbox.settle();
  for (const chat of [ADMIN_A, ADMIN_B]) {
    const copies = app.sim.callsTo("copyMessages").filter((c) => c.payload.chat_id === chat);
    assert.equal(copies.length, 1);
    assert.deepEqual(copies[0].payload.message_ids, parts.map((p) => p.message!.message_id));
    assert.ok(app.sim.textsTo(chat).some((t) => t.includes("#1")));
  }
  assert.ok(app.sim.textsTo(u.id).some((t) => t.includes("#1")));
});

Deno.test("media: an album without a caption and without an open ticket gets one hint", async () => {
  await using app = await createTestApp();
  const u = user(803);
  await app.send(...album(u, ["photo", "photo"]));
  await app.outbox.settle();
  assert.equal(await getOpenTicket(app.kv, u.id), null);
  assert.equal(app.sim.sentTo(u.id).length, 1);
  assert.equal(app.sim.sentTo(ADMIN_A).length, 0);
});

Deno.test("media: an admin's album reply reaches the user as one album under the header", async () => {
  await using app = await createTestApp();
  const u = user(804);
  await app.send(privateText(u, "Show me how it should look"));
  await press(app, admin, "Reply", ADMIN_A);
  const parts = album(admin, ["photo", "photo"], "Like this");
  await app.send(...parts);
  await app.outbox.settle();
  const copies = app.sim.callsTo("copyMessages").filter((c) => c.payload.chat_id === u.id);
  assert.equal(copies.length, 1);
  assert.equal((copies[0].payload.message_ids as number[]).length, 2);
  assert.ok(app.sim.textsTo(u.id).some((t) => t.includes("#1")));
  assert.ok(app.sim.textsTo(ADMIN_A).at(-1)!.includes("#1"));
  const out = (await lastMessages(app.kv, 1, 1))[0];
  assert.equal(out.direction, "out");
  assert.equal(out.source.messageIds.length, 2);
});

Deno.test("media: an admin's album sent outside reply mode gets one hint, not one per item", async () => {
  await using app = await createTestApp();
  const u = user(807);
  await app.send(privateText(u, "A question nobody has pressed Reply on"));
  const before = app.sim.sentTo(ADMIN_A).length;
  await app.send(...album(admin, ["photo", "photo", "video"], "Pictures for nobody"));
  const hints = app.sim.textsTo(ADMIN_A).filter((t) => t.includes("To answer a user"));
  assert.equal(hints.length, 1);
  assert.equal(app.sim.sentTo(ADMIN_A).length, before + 1, "nothing else");
  assert.equal(app.sim.sentTo(u.id).length, 1, "the user has only the confirmation");
  assert.equal((await lastMessages(app.kv, 1, 10)).length, 1);

  // Another album later is another stray message: one hint again.
  // (updates.ts's album() ids stop changing past 2^53: give this one its own media group.)
  const again = album(admin, ["photo", "photo"]);
  for (const part of again) part.message!.media_group_id = "second-album-of-the-agent";
  await app.send(...again);
  assert.equal(app.sim.textsTo(ADMIN_A).filter((t) => t.includes("To answer a user")).length, 2);
});

Deno.test("media: a caption too long for the header goes with a separate header message", async () => {
  await using app = await createTestApp();
  const u = user(805);
  const caption = "x".repeat(1020);
  await app.send(photo(u, caption));
  const copy = app.sim.callsTo("copyMessage").find((c) => c.payload.chat_id === ADMIN_A)!;
  assert.equal(copy.payload.caption, undefined, "the original caption is kept as it is");
  assert.ok(app.sim.textsTo(ADMIN_A).some((t) => t.includes("#1")));
  assert.ok(app.sim.textsTo(ADMIN_A).some((t) => t === caption));
});

Deno.test("media: a long text is split over several messages, each naming #id, nothing lost", async () => {
  await using app = await createTestApp();
  const u = user(806);
  const words = Array.from({ length: 900 }, (_, i) => `word${i}<&>`).join(" ");
  await app.send(privateText(u, words.slice(0, 4096)));
  const texts = app.sim.messagesIn(ADMIN_A).map((m) => m.text ?? "").filter((t) =>
    t.includes("word")
  );
  assert.ok(texts.length >= 2);
  for (const text of texts) assert.match(text, /#1/);
  const joined = texts.map((t) => t.slice(t.indexOf("\n\n") + 2)).join("");
  assert.equal(joined.replace(/\s/g, ""), words.slice(0, 4096).replace(/\s/g, ""));
});

Deno.test("media: splitForHtml never cuts a character and keeps each piece within the budget", () => {
  const text = "😀<>&".repeat(500) + "\n" + "plain words ".repeat(300);
  const chunks = splitForHtml(text, 1000);
  assert.equal(chunks.join(""), text);
  for (const chunk of chunks) assert.ok(escapeHtml(chunk).length <= 1000);
});

Deno.test("media: when copyMessages is refused, the album's items still arrive one by one", async () => {
  await using app = await createTestApp();
  const u = user(803);
  app.sim.failNext("copyMessages", {
    error_code: 400,
    description: "Bad Request: method is unavailable",
  }, 2);
  const parts = album(u, ["photo", "photo"], "Two pictures of the receipt");
  await app.send(...parts);
  await app.outbox.settle();
  for (const chat of [ADMIN_A, ADMIN_B]) {
    const singles = app.sim.callsTo("copyMessage").filter((c) =>
      c.payload.chat_id === chat && c.response.ok
    );
    assert.deepEqual(
      singles.map((c) => c.payload.message_id),
      parts.map((p) => p.message!.message_id),
    );
  }
  const [stored] = await lastMessages(app.kv, 1, 1);
  assert.equal(stored.copies.length, 2, "both admins' copies are recorded");
  assert.equal(app.deps.runtime.errorCount, 0);
});
