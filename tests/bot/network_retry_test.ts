import assert from "node:assert/strict";
import { Bot, HttpError } from "grammy";
import { retryNetworkErrors } from "../../src/telegram/network_retry.ts";
import { TEST_BOT_INFO } from "../helpers/bot_api.ts";

function botFailing(times: number, method = "sendMessage") {
  const attempts: string[] = [];
  const bot = new Bot("1:x", { botInfo: TEST_BOT_INFO });
  bot.api.config.use((_prev, called) => {
    attempts.push(called);
    if (called === method && attempts.length <= times) {
      throw new HttpError("Network request failed", new TypeError("fetch failed"));
    }
    return Promise.resolve({ ok: true, result: { message_id: 1 } as never });
  });
  bot.api.config.use(retryNetworkErrors({ attempts: 3, firstDelayMs: 1 }));
  return { bot, attempts };
}

Deno.test("network retry: a call that got no answer is tried again and succeeds once", async () => {
  const { bot, attempts } = botFailing(2);
  await bot.api.sendMessage(5, "hi");
  assert.deepStrictEqual(attempts, ["sendMessage", "sendMessage", "sendMessage"]);
});

Deno.test("network retry: it gives up after the last attempt with the network error", async () => {
  const { bot, attempts } = botFailing(5);
  await assert.rejects(() => bot.api.sendMessage(5, "hi"), HttpError);
  assert.strictEqual(attempts.length, 3);
});

Deno.test("network retry: getUpdates is left to the runner", async () => {
  const { bot, attempts } = botFailing(1, "getUpdates");
  await assert.rejects(() => bot.api.getUpdates(), HttpError);
  assert.strictEqual(attempts.length, 1);
});
