import assert from "node:assert/strict";
import { ADMIN_A, ADMIN_B, createTestApp } from "../helpers/app.ts";
import { FloodLimits } from "../helpers/sim_limits.ts";
import { photo, privateText, replyTo, user } from "../helpers/updates.ts";
import { Pacer } from "../../src/telegram/pacing.ts";

const SCALE = 25;

/** A burst: `customers` users write `each` messages at once, each user's in order. */
async function burst(
  app: Awaited<ReturnType<typeof createTestApp>>,
  options: { customers: number; each: number; first?: number },
) {
  const users = Array.from(
    { length: options.customers },
    (_, i) => user((options.first ?? 7000) + i),
  );
  await Promise.all(users.map(async (u, i) => {
    for (let m = 1; m <= options.each; m++) {
      await app.receive(privateText(u, `q${i}-${m} please help me with my order`));
    }
  }));
  await app.outbox.settle();
  return users;
}

Deno.test("pacing: a burst of 12 customers × 3 messages reaches both agents with no 429, nothing lost or twice, in order", async () => {
  const limits = new FloodLimits(SCALE);
  await using app = await createTestApp({ env: { TELEGRAM_RATE_SCALE: String(SCALE) }, limits });
  await burst(app, { customers: 12, each: 3 });

  assert.deepEqual(limits.limited, [], "the bot never ran into a limit");
  for (const agent of [ADMIN_A, ADMIN_B]) {
    const texts = app.sim.textsTo(agent).join("\n");
    for (let i = 0; i < 12; i++) {
      const positions = [1, 2, 3].map((m) => {
        const token = `q${i}-${m} `;
        assert.equal(texts.split(token).length - 1, 1, `agent ${agent} saw ${token} once`);
        return texts.indexOf(token);
      });
      assert.ok(positions[0] < positions[1] && positions[1] < positions[2], `q${i} in order`);
    }
  }
});

Deno.test("grouping: texts of one ticket that wait for a busy agent chat go as one message, and a reply to it answers the ticket", async () => {
  const limits = new FloodLimits(SCALE);
  await using app = await createTestApp({ env: { TELEGRAM_RATE_SCALE: String(SCALE) }, limits });
  const users = await burst(app, { customers: 12, each: 3 });

  // Without grouping each agent would get 12 cards and 36 copies.
  const sent = app.sim.sentTo(ADMIN_A).length;
  assert.ok(sent < 48, `texts were grouped (${sent} messages for 48 items)`);
  const grouped = app.sim.messagesIn(ADMIN_A).find((m) =>
    /q\d+-1 /.test(m.text ?? "") && /q\d+-2 /.test(m.text ?? "")
  );
  assert.ok(grouped, "at least one message carries two texts of one ticket");
  assert.ok(grouped.text!.length <= 4096);
  const index = Number(/q(\d+)-1 /.exec(grouped.text!)![1]);

  const admin = user(ADMIN_A, { first_name: "Agent" });
  await app.send(replyTo(admin, grouped, "Answer to the grouped message"));
  const answer = app.sim.textsTo(users[index].id).find((t) => t.includes("Answer to the grouped"));
  assert.ok(answer, "the reply reached that ticket's customer");
  assert.match(answer, new RegExp(`#${/#(\d+)/.exec(grouped.text!)![1]}`));
});

Deno.test("grouping: media keep their place between texts of the same ticket", async () => {
  const limits = new FloodLimits(SCALE);
  await using app = await createTestApp({ env: { TELEGRAM_RATE_SCALE: String(SCALE) }, limits });
  const u = user(7600);
  await app.receive(privateText(u, "first text before the photo"));
  await app.receive(privateText(u, "second text before the photo"));
  await app.receive(photo(u, "the photo itself"));
  await app.receive(privateText(u, "third text after the photo"));
  await app.outbox.settle();

  assert.deepEqual(limits.limited, []);
  const texts = app.sim.textsTo(ADMIN_A);
  const at = (s: string) => texts.findIndex((t) => t.includes(s));
  assert.ok(at("first text") >= 0 && at("second text") >= 0 && at("third text") >= 0);
  assert.ok(at("first text") <= at("second text"));
  assert.ok(at("second text") < at("the photo itself"), "texts before the photo come before it");
  assert.ok(at("the photo itself") < at("third text"), "the text after the photo comes after it");
});

Deno.test("pacer: one chat gets a message per interval after its burst; other chats are not held up", async () => {
  let now = 0;
  const pacer = new Pacer(1, () => now);
  assert.equal(pacer.delay(1), 0);
  await pacer.take(1);
  // Burst of two: the second message may go at once, the third waits a second.
  assert.equal(pacer.delay(1), 0);
  const second = pacer.take(1);
  await second;
  assert.equal(pacer.delay(1), 1000);
  assert.equal(pacer.delay(2), 0, "another chat is free");
  now = 1000;
  assert.equal(pacer.delay(1), 0);
});

Deno.test("pacer: a group gets 20 messages a minute, TELEGRAM_RATE_SCALE multiplies the rates", () => {
  let now = 0;
  const pacer = new Pacer(1, () => now);
  void pacer.take(-100);
  void pacer.take(-100);
  assert.equal(pacer.delay(-100), 3000);
  const fast = new Pacer(10, () => now);
  void fast.take(5);
  void fast.take(5);
  assert.equal(fast.delay(5), 100);
  now = 0;
});

Deno.test("pacer: a 429 holds the chat for retry_after", () => {
  let now = 0;
  const pacer = new Pacer(1, () => now);
  pacer.hold(9, 3);
  assert.equal(pacer.delay(9), 3000);
  now = 3000;
  assert.equal(pacer.delay(9), 0);
});
