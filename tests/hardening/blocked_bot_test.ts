import assert from "node:assert/strict";
import type { Update } from "grammy/types";
import { ADMIN_A, ADMIN_B, createTestApp } from "../helpers/app.ts";
import {
  album,
  nextUpdateId,
  photo,
  privateChat,
  privateText,
  replyTo,
  user,
} from "../helpers/updates.ts";
import { getOpenTicket, getTicket } from "../../src/store/tickets.ts";
import { getUser } from "../../src/store/users.ts";
import { press, toasts } from "../bot/conversation_support.ts";
import { errors } from "./support.ts";

const admin = user(ADMIN_A, { first_name: "Agent" });
const adminRu = user(ADMIN_B, { first_name: "Агент", language_code: "ru" });

Deno.test("403: a reply to a user who blocked the bot tells the admin plainly, and nothing crashes", async () => {
  await using app = await createTestApp();
  const u = user(6201);
  await app.send(privateText(u, "Please answer me later, thanks"));
  app.sim.blockBot(u.id);
  await press(app, admin, "Reply", ADMIN_A);
  await app.send(privateText(admin, "Here is your answer"));

  const told = app.sim.textsTo(ADMIN_A).at(-1)!;
  assert.match(told, /blocked/);
  assert.match(told, /#1/);
  assert.equal((await getUser(app.kv, u.id))?.reachable, false);
  assert.equal(app.deps.runtime.errorCount, 0);
  // The bot keeps serving.
  await app.send(privateText(user(6202), "Another user with a question"));
  assert.equal((await getOpenTicket(app.kv, 6202))?.id, 2);
});

Deno.test("403: a Russian-speaking admin is told «заблокировал», also for a Telegram reply", async () => {
  await using app = await createTestApp();
  const u = user(6203);
  await app.send(privateText(u, "Вопрос, на который ответят позже"));
  const delivered = app.sim.messagesIn(ADMIN_B).find((m) => m.text?.includes("Вопрос"))!;
  app.sim.blockBot(u.id);
  await app.send(replyTo(adminRu, delivered, "Ответ на ваш вопрос"));

  const told = app.sim.textsTo(ADMIN_B).at(-1)!;
  assert.match(told, /заблокировал/);
  assert.match(told, /#1/);
  assert.equal((await getUser(app.kv, u.id))?.reachable, false);
  assert.equal(app.deps.runtime.errorCount, 0);
});

Deno.test("403: an album reply to a user who blocked the bot is reported as blocked", async () => {
  await using app = await createTestApp();
  const u = user(6204);
  await app.send(privateText(u, "Please send me the pictures"));
  app.sim.blockBot(u.id);
  await press(app, admin, "Reply", ADMIN_A);
  await app.send(...album(admin, ["photo", "photo"], "The pictures"));
  await app.outbox.settle();
  assert.match(app.sim.textsTo(ADMIN_A).at(-1)!, /blocked.*#1|#1.*blocked/s);
  assert.equal(app.deps.runtime.errorCount, 0);
});

Deno.test("403: closing the ticket of a user who blocked the bot says so", async () => {
  await using app = await createTestApp();
  const u = user(6205);
  await app.send(privateText(u, "A question soon closed"));
  app.sim.blockBot(u.id);
  await press(app, admin, "Close", ADMIN_A);
  assert.match(toasts(app).at(-1)!, /blocked/);
  assert.equal((await getTicket(app.kv, 1))?.status, "closed");
  assert.equal((await getUser(app.kv, u.id))?.reachable, false);
  assert.equal(app.deps.runtime.errorCount, 0);
});

Deno.test("403: the unreachable mark clears when the user writes again", async () => {
  await using app = await createTestApp();
  const u = user(6206);
  await app.send(privateText(u, "First message before blocking"));
  app.sim.blockBot(u.id);
  await press(app, admin, "Reply", ADMIN_A);
  await app.send(photo(admin, "An answer they will not see"));
  assert.equal((await getUser(app.kv, u.id))?.reachable, false);

  app.sim.unblockBot(u.id);
  await app.send(privateText(u, "I am back, sorry"));
  assert.equal((await getUser(app.kv, u.id))?.reachable, true);
  await press(app, admin, "Reply", ADMIN_A);
  await app.send(privateText(admin, "Welcome back"));
  assert.ok(app.sim.textsTo(u.id).some((t) => t.includes("Welcome back")));
});

Deno.test("403: a user who blocks the bot right after writing still reaches the admins", async () => {
  await using app = await createTestApp();
  const u = user(6207);
  // The confirmation to the user is refused: the user blocked the bot meanwhile.
  app.sim.failNext("sendMessage", errors.blocked, 1, (p) => p.chat_id === u.id);
  await app.send(privateText(u, "Question sent just before blocking"));
  assert.equal((await getOpenTicket(app.kv, u.id))?.id, 1);
  for (const chat of [ADMIN_A, ADMIN_B]) {
    assert.equal(
      app.sim.textsTo(chat).filter((t) => t.includes("just before blocking")).length,
      1,
    );
  }
  assert.equal((await getUser(app.kv, u.id))?.reachable, false);
  assert.equal(app.deps.runtime.errorCount, 0);
});

function membership(u: ReturnType<typeof user>, status: "kicked" | "member"): Update {
  const old = status === "kicked" ? "member" : "kicked";
  const bot = { id: 7_000_000_001, is_bot: true, first_name: "Support", username: "support_bot" };
  return {
    update_id: nextUpdateId(),
    my_chat_member: {
      chat: privateChat(u),
      from: u,
      date: Math.floor(Date.now() / 1000),
      old_chat_member: old === "kicked"
        ? { status: "kicked", user: bot, until_date: 0 }
        : { status: "member", user: bot },
      new_chat_member: status === "kicked"
        ? { status: "kicked", user: bot, until_date: 0 }
        : { status: "member", user: bot },
    },
  };
}

Deno.test("403: Telegram's notice that the user blocked the bot marks them unreachable at once", async () => {
  await using app = await createTestApp();
  const u = user(6208);
  await app.send(privateText(u, "Question before blocking the bot"));
  app.sim.clear();
  await app.send(membership(u, "kicked"));
  assert.equal((await getUser(app.kv, u.id))?.reachable, false);
  assert.equal(app.sim.sentTo(u.id).length, 0, "nothing is sent to a user who blocked the bot");
  await app.send(membership(u, "member"));
  assert.equal((await getUser(app.kv, u.id))?.reachable, true);
  assert.equal(app.deps.runtime.errorCount, 0);
});

Deno.test("close: a notice refused for another reason is not blamed on a block", async () => {
  await using app = await createTestApp();
  const u = user(6207);
  await app.send(privateText(u, "A question about an invoice"));
  app.sim.failNext(
    "sendMessage",
    { error_code: 400, description: "Bad Request: chat not found" },
    1,
    (payload) => payload.chat_id === u.id,
  );
  await press(app, admin, "Close", ADMIN_A);
  const toast = toasts(app).at(-1)!;
  assert.match(toast, /#1/);
  assert.match(toast, /could not be sent/);
  assert.doesNotMatch(toast, /blocked/);
  assert.equal((await getTicket(app.kv, 1))?.status, "closed");
  assert.equal((await getUser(app.kv, u.id))?.reachable, true);
});
