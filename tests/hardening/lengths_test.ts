import assert from "node:assert/strict";
import type { Message } from "grammy/types";
import { ADMIN_A, ADMIN_B, createTestApp } from "../helpers/app.ts";
import { photo, privateText, user } from "../helpers/updates.ts";
import { lastMessages } from "../../src/store/tickets.ts";
import { press } from "../bot/conversation_support.ts";
import { assertTicketsWhole } from "./support.ts";

const admin = user(ADMIN_A, { first_name: "Agent" });

/** A long text with every character HTML cares about, lines, words and emoji. */
function longText(length: number): string {
  const pieces = ["a<b", "&amp;", "x>y", '"quoted"', "word", "😀", "line\n", "<i>no</i>", "  "];
  let text = "";
  for (let i = 0; text.length < length; i++) text += pieces[i % pieces.length] + " ";
  return text.slice(0, length).trimEnd() + "END";
}

/** What a chat shows of the bot's messages after `from` (text or caption). */
function shownAfter(chat: Message[], from: number): Message[] {
  return chat.filter((m) => m.message_id > from && m.from?.is_bot);
}

/** Joins the bodies of split messages (each is `header\n\nbody`). */
function bodies(messages: Message[]): string {
  return messages.map((m) => {
    const text = m.text ?? "";
    return text.slice(text.indexOf("\n\n") + 2);
  }).join("");
}

function lastId(messages: Message[]): number {
  return messages.at(-1)?.message_id ?? 0;
}

Deno.test("lengths: a reply over 4096 characters reaches the user split, nothing cut", async () => {
  await using app = await createTestApp();
  const u = user(6401);
  await app.send(privateText(u, "Please send me the whole manual"));
  await press(app, admin, "Reply", ADMIN_A);
  const before = lastId(app.sim.messagesIn(u.id));
  const answer = longText(4096);
  // Telegram lets an admin send 4096 characters; escaped and with the header it needs splitting.
  await app.send(privateText(admin, answer));

  const parts = shownAfter(app.sim.messagesIn(u.id), before);
  assert.ok(parts.length >= 2, `split into ${parts.length}`);
  for (const part of parts) {
    assert.match(part.text!, /#1/, "every part names the ticket");
    assert.ok([...part.text!].length <= 4096);
  }
  assert.equal(bodies(parts), answer);
  assert.equal(app.deps.runtime.errorCount, 0);
});

Deno.test("lengths: a user's text of 4096 HTML special characters reaches each admin whole", async () => {
  await using app = await createTestApp();
  const u = user(6402);
  const text = "<&>".repeat(1365) + "<";
  await app.send(privateText(u, text));
  for (const chat of [ADMIN_A, ADMIN_B]) {
    const copies = app.sim.messagesIn(chat).filter((m) => m.text?.includes("<&>"));
    assert.ok(copies.length >= 2);
    assert.equal(bodies(copies), text);
  }
  await assertTicketsWhole(app.kv);
});

Deno.test("lengths: a caption too long for the header goes with the header in a separate message", async () => {
  await using app = await createTestApp();
  const u = user(6403);
  const caption = "<" + "caption & more ".repeat(70).slice(0, 1023);
  assert.equal(caption.length, 1024);
  const update = photo(u, caption);
  await app.send(update);
  for (const chat of [ADMIN_A, ADMIN_B]) {
    const copy = app.sim.messagesIn(chat).find((m) => m.photo);
    assert.equal(copy?.caption, caption, "the caption is copied whole");
    assert.ok(
      app.sim.messagesIn(chat).some((m) =>
        m.message_id < copy!.message_id && /#1/.test(m.text ?? "")
      ),
      "the header comes right before",
    );
  }

  // And the same for an admin's answer with a full caption.
  await press(app, admin, "Reply", ADMIN_A);
  await app.send(photo(admin, caption));
  const toUser = app.sim.messagesIn(u.id).filter((m) => m.photo && m.from?.is_bot);
  assert.equal(toUser.length, 1);
  assert.equal(toUser[0].caption, caption);
  assert.ok(app.sim.messagesIn(u.id).some((m) => /#1/.test(m.text ?? "")));
  assert.equal(app.deps.runtime.errorCount, 0);
});

for (const length of [200, 5000]) {
  Deno.test(`lengths: a ${length}-character name full of HTML specials fits the card and every header`, async () => {
    await using app = await createTestApp();
    const name = `<b>&"Bob"</b> `.repeat(Math.ceil(length / 14)).slice(0, length);
    const u = user(6404, { first_name: name, last_name: "<Smith & Sons>", username: "bob_b" });
    await app.send(privateText(u, "A question from someone with a long name"));
    for (const chat of [ADMIN_A, ADMIN_B]) {
      const card = app.sim.messagesIn(chat).find((m) => m.text?.includes("#1"));
      assert.ok(card, "the card arrived (the sim refuses invalid HTML and texts over 4096)");
      assert.ok([...card.text!].length <= 4096);
      assert.ok(card.text!.includes(name.slice(0, 60)), "the name is shown as written");
      assert.ok(
        app.sim.messagesIn(chat).some((m) => m.text?.includes("someone with a long name")),
      );
    }
    await press(app, admin, "Reply", ADMIN_A);
    await app.send(privateText(admin, "Hello there"));
    await press(app, admin, "Close", ADMIN_A);
    await app.send(privateText(u, "Reopening with another question"));
    assert.equal(app.deps.runtime.errorCount, 0);
    assert.equal((await lastMessages(app.kv, 2, 5)).length, 1);
  });
}
