/**
 * The floor: a bare grammY bot whose only work per update is one Deno KV
 * commit. Nothing we write can be cheaper than this per update.
 *
 * @module
 */
import { Bot } from "grammy";
import type { FakeApi } from "./fake_api.ts";
import { BENCH_BOT_INFO } from "./setup.ts";

/** A grammY bot that commits one KV write per update and does nothing else. */
export async function createFloorBot(kv: Deno.Kv, api: FakeApi): Promise<Bot> {
  const bot = new Bot("123456789:BENCH-token_for-benchmarks", {
    botInfo: BENCH_BOT_INFO,
    client: { apiRoot: "http://127.0.0.1:9" },
  });
  bot.api.config.use(api.transformer);
  bot.use(async (ctx) => {
    await kv.atomic().set(["floor", ctx.update.update_id], true).commit();
  });
  await bot.init();
  return bot;
}
