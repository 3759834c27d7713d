/**
 * Idle memory: started by `run.ts` as its own process. Opens the store given
 * as the first argument, builds the bot with every feature, lets one
 * conversation through (so lazy paths are loaded, as in a bot that has been
 * serving), waits, and prints its RSS as one JSON line.
 *
 * Usage: deno run -A bench/idle.ts <store path> <data dir>
 *
 * @module
 */
import { openLocalStore } from "../src/store/mod.ts";
import { marksSettled } from "../src/bot/journal.ts";
import { systemClock } from "../src/clock.ts";
import { createBenchBot } from "./setup.ts";
import { runLoad } from "./load_driver.ts";

const [path, dataDir] = Deno.args;
if (!path || !dataDir) throw new Error("Usage: idle.ts <store path> <data dir>");

const kv = await openLocalStore(path);
const { deps, bot } = await createBenchBot(kv, dataDir, systemClock);
const rssBefore = Deno.memoryUsage().rss;
await runLoad((update) => bot.handleUpdate(update), kv, {
  conversations: 1,
  lanes: 1,
  firstUserId: 50_000_000,
  firstUpdateId: 50_000_000,
});
await new Promise((resolve) => setTimeout(resolve, 2_000));
const memory = Deno.memoryUsage();
console.log(JSON.stringify({
  rss_mb: memory.rss / 1_048_576,
  rss_before_first_update_mb: rssBefore / 1_048_576,
  heap_used_mb: memory.heapUsed / 1_048_576,
}));
await marksSettled(deps.kv);
kv.close();
