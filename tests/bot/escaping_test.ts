import assert from "node:assert/strict";
import { ADMIN_A, createTestApp } from "../helpers/app.ts";
import { document, photo, privateText, user } from "../helpers/updates.ts";
import { press } from "./conversation_support.ts";

const NASTY = ["<b>", "a < b & c", "<3", "</code>", '"quoted" & <i>'];

Deno.test("escaping: names, usernames and texts with HTML characters arrive intact", async () => {
  await using app = await createTestApp();
  const u = user(1301, { first_name: "<b>Bold</b>", last_name: "a < b & c" });
  const text = NASTY.join(" ... ");
  await app.send(privateText(u, text));
  // Every call succeeded (the sim rejects malformed HTML), and the text is intact.
  assert.ok(app.sim.calls.every((c) => c.response.ok), "no call was refused");
  const shown = app.sim.messagesIn(ADMIN_A).map((m) => m.text ?? "");
  assert.ok(shown.some((t) => t.includes(text)));
  assert.ok(shown.some((t) => t.includes("<b>Bold</b> a < b & c")));
});

Deno.test("escaping: captions and replies with HTML characters go out as valid HTML", async () => {
  await using app = await createTestApp();
  const u = user(1302, { first_name: "</code>", username: "lt_3" });
  await app.send(
    photo(u, "caption <3 & </code>"),
    document(u, { file_name: "file<1>.pdf", caption: "see <file> & co" }),
  );
  const admin = user(ADMIN_A);
  await press(app, admin, "Reply", ADMIN_A);
  await app.send(privateText(admin, "Answer: a < b & c, <b>not bold</b>"));
  assert.ok(app.sim.calls.every((c) => c.response.ok), "no call was refused");
  const captions = app.sim.messagesIn(ADMIN_A).map((m) => m.caption ?? "");
  assert.ok(captions.some((c) => c.includes("caption <3 & </code>")));
  const toUser = app.sim.messagesIn(u.id).map((m) => m.text ?? "");
  assert.ok(toUser.some((t) => t.includes("Answer: a < b & c, <b>not bold</b>")));
});
