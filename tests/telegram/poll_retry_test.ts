import assert from "node:assert/strict";
import { Bot } from "grammy";
import { run } from "@grammyjs/runner";
import {
  FIRST_PAUSE_MS,
  MAX_PAUSE_MS,
  QUICK_PAUSE_MS,
  QUICK_PHASE_MS,
  retryPolling,
} from "../../src/telegram/poll_retry.ts";
import { createLogger } from "../../src/log.ts";
import { createTestApp } from "../helpers/app.ts";

const UPDATE = { update_id: 7 } as never;

/** What the Bot API server does with each getUpdates: fail in these ways, then answer. */
type Failure = "network" | 502 | 429 | "proxy page";

/** A bot whose fetch fails getUpdates `failures` in turn, then answers; time is fake. */
function setup(failures: Failure[], options: { retryAfter?: number } = {}) {
  let calls = 0;
  let clock = 0;
  const pauses: number[] = [];
  const lines: string[] = [];
  const bot = new Bot("1:x", {
    client: {
      fetch: ((_url: string) => {
        const failure = failures[calls++];
        const json = (body: unknown, status = 200) =>
          Promise.resolve(new Response(JSON.stringify(body), { status }));
        if (failure === "network") return Promise.reject(new TypeError("connection refused"));
        if (failure === 502) {
          return json({ ok: false, error_code: 502, description: "Bad Gateway" }, 502);
        }
        if (failure === 429) {
          return json({
            ok: false,
            error_code: 429,
            description: "Too Many Requests",
            parameters: { retry_after: options.retryAfter ?? 1 },
          }, 429);
        }
        if (failure === "proxy page") return json({ message: "upstream unavailable" }, 503);
        return json({ ok: true, result: [UPDATE] });
      }) as never,
    },
  });
  const log = createLogger("debug", { console: false, sinks: [{ write: (l) => lines.push(l) }] });
  bot.api.config.use(retryPolling({
    log,
    now: () => clock,
    sleep: (ms) => {
      pauses.push(ms);
      clock += ms;
      return Promise.resolve();
    },
  }));
  return { bot, pauses, lines, calls: () => calls, elapsed: () => clock };
}

Deno.test("poll retry: pauses stay short in the outage's first minute and never exceed a minute", async () => {
  const kinds: Failure[] = ["network", 502, "proxy page"];
  const failures = Array.from({ length: 30 }, (_, i) => kinds[i % kinds.length]);
  const { bot, pauses, lines, calls, elapsed } = setup(failures);
  const updates = await bot.api.getUpdates({ timeout: 0 });
  assert.deepEqual(updates, [UPDATE]);
  assert.equal(calls(), 31);
  assert.equal(pauses.length, 30);
  assert.deepEqual(pauses.slice(0, 5), [
    FIRST_PAUSE_MS,
    2000,
    4000,
    QUICK_PAUSE_MS,
    QUICK_PAUSE_MS,
  ]);
  let outage = 0;
  for (const pause of pauses) {
    assert.ok(pause <= (outage < QUICK_PHASE_MS ? QUICK_PAUSE_MS : MAX_PAUSE_MS), `${pauses}`);
    outage += pause;
  }
  assert.ok(pauses.includes(MAX_PAUSE_MS), "a long outage reaches the cap");
  assert.ok(elapsed() > QUICK_PHASE_MS);

  // Every failure is logged with what the server said, and the recovery once.
  const warnings = lines.filter((l) => l.includes("Fetching updates failed; trying again in"));
  assert.equal(warnings.length, 30);
  assert.match(
    warnings[0],
    /error="Network request for 'getUpdates' failed! \(connection refused\)"/,
  );
  assert.match(warnings[1], /error="502 Bad Gateway"/);
  assert.match(warnings[2], /error="{\\"message\\":\\"upstream unavailable\\"}"/);
  assert.ok(lines.at(-1)!.includes("Fetching updates works again attempts=31"), lines.at(-1));
});

Deno.test("poll retry: a 429 waits as long as Telegram asks", async () => {
  const { bot, pauses } = setup([429], { retryAfter: 7 });
  await bot.api.getUpdates({ timeout: 0 });
  assert.deepEqual(pauses, [7000]);
});

Deno.test("poll retry: what no retry mends goes to the caller at once, logged", async () => {
  let calls = 0;
  const lines: string[] = [];
  const log = createLogger("debug", { console: false, sinks: [{ write: (l) => lines.push(l) }] });
  const bot = new Bot("1:x");
  bot.api.config.use(() => {
    calls++;
    return Promise.resolve({ ok: false, error_code: 409, description: "Conflict" } as never);
  });
  bot.api.config.use(retryPolling({ log, sleep: () => assert.fail("no pause") }));
  await assert.rejects(bot.api.getUpdates(), /Conflict/);
  assert.equal(calls, 1);
  assert.equal(lines.length, 1);
  assert.match(lines[0], /WARN Fetching updates failed error="409 Conflict"$/);
});

Deno.test("poll retry: other methods pass through untouched", async () => {
  const bot = new Bot("1:x");
  bot.api.config.use(() =>
    Promise.resolve({ ok: false, error_code: 502, description: "Bad Gateway" } as never)
  );
  bot.api.config.use(retryPolling({ sleep: () => assert.fail("no pause") }));
  await assert.rejects(bot.api.getMe(), /Bad Gateway/);
});

Deno.test("poll retry: stopping the runner ends a long pause at once", async () => {
  let calls = 0;
  const bot = new Bot("1:x", { botInfo: { id: 1 } as never });
  bot.api.config.use((_prev, method) => {
    if (method === "getUpdates") calls++;
    // An hour to wait: a stop must not sit it out.
    return Promise.resolve({
      ok: false,
      error_code: 429,
      description: "Too Many Requests",
      parameters: { retry_after: 3600 },
    } as never);
  });
  bot.api.config.use(retryPolling()); // the real timer
  const runner = run(bot, { runner: { silent: true } });
  while (calls === 0) await new Promise((resolve) => setTimeout(resolve, 5));
  const started = performance.now();
  await runner.stop();
  assert.ok(performance.now() - started < 1000, "stopped without waiting the pause out");
  assert.equal(calls, 1);
  assert.equal(runner.isRunning(), false);
});

Deno.test("poll retry: the bot retries a failed poll itself, with a log line saying why", async () => {
  const lines: string[] = [];
  const log = createLogger("debug", { console: false, sinks: [{ write: (l) => lines.push(l) }] });
  await using app = await createTestApp({ deps: { log } });
  app.sim.failNext("getUpdates", { error_code: 502, description: "Bad Gateway" });
  await app.bot.api.getUpdates({ timeout: 0 });
  assert.ok(
    lines.some((l) =>
      /Fetching updates failed; trying again in 1 s .*error="502 Bad Gateway"/.test(l)
    ),
    lines.join("\n"),
  );
});
