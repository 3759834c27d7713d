import assert from "node:assert/strict";
import { Bot, HttpError } from "grammy";
import type { BotContext } from "../../src/bot/context.ts";
import { connect, MAX_PAUSE_MS, TokenRefusedError } from "../../src/bot/connect.ts";
import { createLogger } from "../../src/log.ts";
import { TEST_BOT_INFO } from "../helpers/bot_api.ts";

type Answer = "network" | 500 | 429 | 401 | 404 | "ok";

/** A bot whose getMe gets `answers` in turn, a logger that keeps its lines, and recorded pauses. */
function setup(answers: Answer[]) {
  const bot = new Bot<BotContext>("1:x");
  let calls = 0;
  bot.api.config.use((_prev, method) => {
    assert.equal(method, "getMe");
    const answer = answers[Math.min(calls++, answers.length - 1)];
    if (answer === "network") {
      throw new HttpError("Network request failed", new TypeError("connection refused"));
    }
    if (answer === "ok") return Promise.resolve({ ok: true, result: TEST_BOT_INFO as never });
    const description = answer === 401 ? "Unauthorized" : answer === 404 ? "Not Found" : "Later";
    return Promise.resolve({ ok: false, error_code: answer, description } as never);
  });
  const lines: string[] = [];
  const log = createLogger("debug", { console: false, sinks: [{ write: (l) => lines.push(l) }] });
  const pauses: number[] = [];
  const pause = (ms: number) => {
    pauses.push(ms);
    return Promise.resolve();
  };
  return { bot, lines, pauses, pause, log, calls: () => calls };
}

Deno.test("connect: an unreachable Bot API is tried again with growing pauses until it answers", async () => {
  const answers: Answer[] = [...Array(9).fill("network"), 500, 429, "ok"];
  const { bot, lines, pauses, pause, log, calls } = setup(answers);
  const stopping = new AbortController().signal;
  await connect(bot, { log, apiRoot: "http://127.0.0.1:9", stopping, pause });
  assert.equal(bot.botInfo.username, TEST_BOT_INFO.username);
  assert.equal(calls(), 12);
  assert.deepEqual(pauses.slice(0, 7), [1000, 2000, 4000, 8000, 16000, 32000, 60000]);
  assert.ok(pauses.every((ms) => ms <= MAX_PAUSE_MS));
  const warnings = lines.filter((line) => line.includes("Telegram cannot be reached"));
  assert.equal(warnings.length, 11);
  assert.match(warnings[0], /trying again in 1 s .*apiRoot=http:\/\/127\.0\.0\.1:9/);
  assert.match(warnings[0], /reason="Network request failed \(connection refused\)"/);
  assert.match(warnings[9], /reason="getMe: 500 Later"/);
  assert.ok(lines.at(-1)!.includes("Telegram answered attempts=12"));
});

for (const code of [401, 404] as const) {
  Deno.test(`connect: a refused token (${code}) stops at once`, async () => {
    const { bot, pauses, pause, log, calls } = setup(["network", code]);
    await assert.rejects(
      connect(bot, { log, apiRoot: "x", stopping: new AbortController().signal, pause }),
      (error) => error instanceof TokenRefusedError && /refused BOT_TOKEN/.test(error.message),
    );
    assert.equal(calls(), 2);
    assert.equal(pauses.length, 1);
  });
}

Deno.test("connect: a stop signal during a pause ends the wait with the abort reason", async () => {
  const { bot, log } = setup(["network"]);
  const controller = new AbortController();
  const waiting = connect(bot, { log, apiRoot: "x", stopping: controller.signal });
  // The first pause is a real one second; the signal cuts it short.
  setTimeout(() => controller.abort(new Error("SIGTERM")), 10);
  await assert.rejects(waiting, /SIGTERM/);
});
