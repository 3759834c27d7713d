import assert from "node:assert/strict";
import { TelegramSim } from "../helpers/telegram_sim.ts";
import { startFakeApi } from "../helpers/fake_api_server.ts";
import * as make from "../helpers/updates.ts";
import { botEnv, killBot, startBot } from "./process.ts";
import type { Ticket } from "../../src/domain/ticket.ts";
import type { TicketMessage } from "../../src/store/tickets.ts";

const TOKEN = "123456789:E2E-crash_token";
const USERS = 40;
const PER_USER = 2;

function token(userId: number, index: number): string {
  return `Q-${userId}-${index}`;
}

async function until(condition: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

Deno.test("crash: kill -9 during a burst loses no acknowledged message and half-writes no ticket", async () => {
  const dataDir = await Deno.makeTempDir();
  const sim = new TelegramSim();
  const api = await startFakeApi(sim, { token: TOKEN });
  // The fake has no flood limits; at Telegram's own rate (one message a second in
  // one chat) the 80 cards and copies to the one admin alone would take 80 s.
  const env = botEnv(api.url, dataDir, TOKEN, { ASK_MIN_LENGTH: "3", TELEGRAM_RATE_SCALE: "20" });
  const delivered = () => sim.textsTo(1001).join("\n");
  const first = startBot(env);
  let second: ReturnType<typeof startBot> | undefined;
  try {
    // A burst: every user writes twice.
    for (let i = 0; i < PER_USER; i++) {
      for (let u = 0; u < USERS; u++) {
        const from = make.user(50_000 + u);
        api.pushUpdate(make.privateText(from, `${token(from.id, i)} please help me`));
      }
    }
    // Kill as soon as the bot is visibly busy with the burst.
    await until(() => delivered().includes("Q-"), "the first delivery");
    first.child.kill("SIGKILL");
    const killed = await first.finished;
    assert.notStrictEqual(killed.code, 0);

    second = startBot(env);
    await until(() => {
      const text = delivered();
      for (let u = 0; u < USERS; u++) {
        for (let i = 0; i < PER_USER; i++) if (!text.includes(token(50_000 + u, i))) return false;
      }
      return api.pendingUpdates() === 0;
    }, "every message to reach the admin after the restart");
    // A send the killed process made but had not recorded is made again once its
    // claim lapses (at-least-once): the outbox drains, and every copy is recorded.
    const store = await Deno.openKv(`${dataDir}/bot.kv`);
    try {
      const deadline = Date.now() + 60_000;
      for (;;) {
        const left = await store.list({ prefix: ["outbox"] }, { limit: 1 }).next();
        if (left.done) break;
        if (Date.now() > deadline) throw new Error(`The outbox kept ${JSON.stringify(left.value)}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    } finally {
      store.close();
    }
    second.child.kill("SIGTERM");
    const { code, output } = await second.finished;
    assert.strictEqual(code, 0, output);

    // The store: every message once, every ticket whole.
    const kv = await Deno.openKv(`${dataDir}/bot.kv`);
    try {
      const tickets: Ticket[] = [];
      for await (const entry of kv.list<Ticket>({ prefix: ["ticket"] })) tickets.push(entry.value);
      assert.strictEqual(tickets.length, USERS, "one ticket per user");
      const seen = new Map<string, number>();
      for (const ticket of tickets) {
        const messages: TicketMessage[] = [];
        for await (
          const entry of kv.list<TicketMessage>({ prefix: ["ticket_message", ticket.id] })
        ) {
          messages.push(entry.value);
        }
        assert.strictEqual(messages.length, ticket.messageCount, `#${ticket.id} message count`);
        assert.deepStrictEqual(
          messages.map((m) => m.seq),
          messages.map((_, i) => i + 1),
          `#${ticket.id} has no gaps`,
        );
        const open = await kv.get<number>(["open_ticket", ticket.userId]);
        assert.strictEqual(open.value, ticket.id, `#${ticket.id} is the user's open ticket`);
        for (const message of messages) {
          const found = message.text?.match(/Q-\d+-\d+/)?.[0];
          assert.ok(found, "a stored message keeps its text");
          seen.set(found, (seen.get(found) ?? 0) + 1);
          assert.ok(message.copies.length > 0, `${found} was delivered`);
        }
      }
      for (let u = 0; u < USERS; u++) {
        for (let i = 0; i < PER_USER; i++) {
          assert.strictEqual(
            seen.get(token(50_000 + u, i)),
            1,
            `${token(50_000 + u, i)} stored once`,
          );
        }
      }
      const journal = [];
      for await (const entry of kv.list({ prefix: ["journal"] })) journal.push(entry.key);
      assert.deepStrictEqual(journal, [], "nothing is left in the journal");
    } finally {
      kv.close();
    }
  } finally {
    await killBot(first);
    await killBot(second);
    await api.close();
    await Deno.remove(dataDir, { recursive: true });
  }
});
