/**
 * A whole bot wired for tests: real config parsing, real Deno KV (`:memory:`
 * unless a path is given), the fake Telegram behind an API transformer, and a
 * clock the test moves.
 *
 * @module
 */
import { type Bot, BotError } from "grammy";
import type { Update } from "grammy/types";
import { type Config, parseConfig } from "../../src/config.ts";
import type { BotContext, BotDeps } from "../../src/bot/context.ts";
import { noAlerts } from "../../src/bot/context.ts";
import { createBot } from "../../src/bot/mod.ts";
import { loadTranslator, type Translator } from "../../src/i18n.ts";
import { silentLogger } from "../../src/log.ts";
import { createOutbox, type Outbox } from "../../src/services/outbox.ts";
import { Pacer } from "../../src/telegram/pacing.ts";
import { assertNoUnexpectedErrors, TelegramSim } from "./telegram_sim.ts";
import type { FloodLimits } from "./sim_limits.ts";
import { TEST_BOT_INFO } from "./bot_api.ts";

/** The admins of every test app. */
export const ADMIN_A = 1001;
export const ADMIN_B = 1002;

/** A clock that moves only when the test says so. */
export class TestClock {
  constructor(public current = Date.UTC(2026, 10, 24, 9, 0, 0)) {}
  now = () => this.current;
  advance(ms: number): void {
    this.current += ms;
  }
  set(ms: number): void {
    this.current = ms;
  }
}

/** Hours in milliseconds, for moving the clock. */
export const HOUR = 3_600_000;

/** The environment every test app starts from; tests override single variables. */
export const BASE_ENV: Record<string, string> = {
  BOT_TOKEN: "123456789:TEST-token_for-tests",
  ADMIN_ID: `${ADMIN_A},${ADMIN_B}`,
  DEFAULT_LOCALE: "en",
  TELEGRAM_API_ROOT: "http://127.0.0.1:9",
  // Tests are not about pacing unless they say so: a thousand times Telegram's rates.
  TELEGRAM_RATE_SCALE: "1000",
};

let sharedI18n: Translator | undefined;

/** A running test bot and everything around it. */
export interface TestApp {
  bot: Bot<BotContext>;
  sim: TelegramSim;
  kv: Deno.Kv;
  deps: BotDeps;
  clock: TestClock;
  config: Config;
  /** The outbox sender of this app (started; `settle()` waits until it is idle). */
  outbox: Outbox;
  /**
   * Handles updates one after another, as the runner would for one chat (an
   * error goes to the bot's error handler, as in production), then waits
   * until the outbox has sent what they stored.
   */
  send(...updates: (Update | Update[])[]): Promise<void>;
  /** Handles updates without waiting for the outbox. */
  receive(...updates: (Update | Update[])[]): Promise<void>;
  /** Stops the outbox sender, then closes the store. */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Options of {@link createTestApp}. */
export interface TestAppOptions {
  env?: Record<string, string>;
  /** A store path; default `:memory:`. */
  kvPath?: string;
  kv?: Deno.Kv;
  sim?: TelegramSim;
  clock?: TestClock;
  deps?: Partial<BotDeps>;
  /** Telegram's flood limits, enforced in front of the sim (none by default). */
  limits?: FloodLimits;
  /** Auto-retry attempts (default 2, with real waiting for retry_after). */
  maxRetryAttempts?: number;
}

/** Builds a test app. Use with `await using app = await createTestApp()`. */
export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const config = parseConfig({ ...BASE_ENV, ...options.env });
  const kv = options.kv ?? await Deno.openKv(options.kvPath ?? ":memory:");
  const sim = options.sim ?? new TelegramSim();
  const clock = options.clock ?? new TestClock();
  sharedI18n ??= loadTranslator();
  const deps: BotDeps = {
    kv,
    config,
    clock,
    log: silentLogger,
    i18n: sharedI18n,
    alerts: noAlerts,
    runtime: { processId: crypto.randomUUID(), startedAt: clock.now(), errorCount: 0, inFlight: 0 },
    wake: () => {},
    ...options.deps,
  };
  const pacer = new Pacer(config.telegramRateScale);
  const bot = createBot(deps, {
    pacer,
    botInfo: TEST_BOT_INFO,
    transformers: [
      (_prev, method, payload) =>
        (options.limits?.check(method, payload as Record<string, unknown>) ??
          sim.call(method, payload as Record<string, unknown>)) as never,
    ],
    maxRetryAttempts: options.maxRetryAttempts ?? 2,
  });
  await bot.init();
  const outbox = createOutbox({ deps, api: bot.api, pacer });
  if (!options.deps?.wake) deps.wake = outbox.wake;
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await outbox.stop();
    if (!options.kv) kv.close();
    await Promise.resolve();
    assertNoUnexpectedErrors(sim);
  };
  const receive = async (...updates: (Update | Update[])[]) => {
    for (const update of updates.flat()) {
      try {
        await bot.handleUpdate(update);
      } catch (error) {
        // As the runner does: the error boundary handles it.
        if (error instanceof BotError) await bot.errorHandler(error);
        else throw error;
      }
    }
  };
  return {
    bot,
    sim,
    kv,
    deps,
    clock,
    config,
    outbox,
    receive,
    async send(...updates) {
      await receive(...updates);
      await outbox.settle();
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}
