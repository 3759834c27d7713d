/**
 * Connects a grammY `Api` to a {@link TelegramSim} without any network.
 *
 * @example
 * ```ts
 * const sim = new TelegramSim();
 * const bot = new Bot("123:TEST", { botInfo: TEST_BOT_INFO });
 * attachSim(bot.api, sim);
 * await bot.handleUpdate(command(user(1), "start"));
 * assert.match(sim.textsTo(1)[0], /Welcome/);
 * ```
 *
 * @module
 */

import type { Api, Transformer } from "grammy";
import type { TelegramSim } from "./telegram_sim.ts";

export { TEST_BOT_INFO } from "./bot_info.ts";

/**
 * Makes every call of `api` answered by `sim`. grammY turns `ok: false`
 * answers into GrammyError, exactly as with real Telegram.
 *
 * The sim takes the place of the network: transformers installed on `api`
 * before this call (auto-retry, throttling, ...) still run around the sim,
 * and ones installed later wrap it as usual, so a 429 from `failNext` reaches
 * the product's retry logic just like a real one.
 */
export function attachSim(api: Api, sim: TelegramSim): void {
  const earlier = api.config.installedTransformers();
  type Call = Parameters<Transformer>[0];
  // deno-lint-ignore no-explicit-any
  const network: Call = (method, payload) => sim.call(method, payload ?? {}) as Promise<any>;
  // Re-apply the earlier transformers over the sim in their original order.
  const chain = earlier.reduce<Call>(
    (prev, t) => (method, payload, signal) => t(prev, method, payload, signal),
    network,
  );
  api.config.use((_prev, method, payload, signal) => chain(method, payload, signal));
}
