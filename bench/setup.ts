/**
 * The in-process bot of the scale part: real config parsing, real
 * translations, a file-backed store, a silent logger, Telegram faked by an API
 * transformer (`fake_api.ts`). The outbox sender does not run (`wake` does
 * nothing), so an update's time is its own handling and commits.
 *
 * @module
 */
import type { UserFromGetMe } from "grammy/types";
import { type Config, parseConfig } from "../src/config.ts";
import type { Bot } from "grammy";
import type { BotContext } from "../src/bot/context.ts";
import { type BotDeps, noAlerts } from "../src/deps.ts";
import { createBot } from "../src/bot/mod.ts";
import { createFakeApi, type FakeApi } from "./fake_api.ts";
import { loadTranslator } from "../src/i18n.ts";
import { silentLogger } from "../src/log.ts";
import type { Clock } from "../src/clock.ts";
import { Pacer } from "../src/telegram/pacing.ts";

/** The admins of the benchmark bot. */
export const ADMINS = [1001, 1002] as const;

/** getMe of the benchmark bot, so grammY never calls it. */
export const BENCH_BOT_INFO: UserFromGetMe = {
  id: 7000000001,
  is_bot: true,
  first_name: "Support Desk",
  username: "support_desk_bench_bot",
  can_join_groups: true,
  can_read_all_group_messages: false,
  supports_inline_queries: false,
  can_connect_to_business: false,
  has_main_web_app: false,
  has_topics_enabled: false,
  allows_users_to_create_topics: false,
  can_manage_bots: false,
  supports_join_request_queries: false,
};

/** The configuration of every benchmark bot (defaults otherwise). */
export function benchConfig(dataDir: string): Config {
  return parseConfig({
    BOT_TOKEN: "123456789:BENCH-token_for-benchmarks",
    ADMIN_ID: ADMINS.join(","),
    DEFAULT_LOCALE: "en",
    TELEGRAM_API_ROOT: "http://127.0.0.1:9",
    DATA_DIR: dataDir,
  });
}

/** Dependencies of a benchmark bot on `kv` (a plain `Deno.openKv(path)`). */
export function benchDeps(kv: Deno.Kv, dataDir: string, clock: Clock): BotDeps {
  return {
    kv,
    config: benchConfig(dataDir),
    clock,
    log: silentLogger,
    i18n: loadTranslator(),
    alerts: noAlerts,
    runtime: { processId: crypto.randomUUID(), startedAt: clock.now(), errorCount: 0, inFlight: 0 },
    wake: () => {},
  };
}

/**
 * A benchmark bot: the real bot on `kv` (see {@link benchDeps}), Telegram faked
 * by `api`. Its pacing is scaled out of the way (a sweep's notices would wait
 * for their turn otherwise): the scale part times our code and the store.
 */
export async function createBenchBot(
  kv: Deno.Kv,
  dataDir: string,
  clock: Clock,
  api: FakeApi = createFakeApi(),
): Promise<{ deps: BotDeps; api: FakeApi; bot: Bot<BotContext> }> {
  const deps = benchDeps(kv, dataDir, clock);
  const bot = createBot(deps, {
    botInfo: BENCH_BOT_INFO,
    transformers: [api.transformer],
    maxRetryAttempts: 0,
    pacer: new Pacer(1_000_000),
  });
  await bot.init();
  return { deps, api, bot };
}
