/**
 * Mean time of each of the six conversation steps under the headline load,
 * for our bot and the floor, how long the store's own operations take, and
 * the CPU time each thread spends per update (Linux).
 * Diagnostic, not part of `deno task bench`.
 *
 * Usage: deno run -A bench/steps.ts [conversations]
 *
 * @module
 */
import "../src/quiet_warnings.ts";
import type { Update } from "grammy/types";
import { journalTransformer, marksSettled } from "../src/bot/journal.ts";
import { keys } from "../src/store/keys.ts";
import { systemClock } from "../src/clock.ts";
import { createFakeApi } from "./fake_api.ts";
import { ADMINS, createBenchBot } from "./setup.ts";
import { runLoad } from "./load_driver.ts";
import { createFloorBot } from "./floor.ts";
import { batchingKv } from "../src/store/batching_kv.ts";

const conversations = Number(Deno.args[0] ?? 800);
const dir = await Deno.makeTempDir({ prefix: "support-desk-steps-" });

/** Times every store call of `kv` by kind. */
function timedKv(kv: Deno.Kv, times = new Map<string, { n: number; ms: number }>()) {
  const note = (kind: string, started: number) => {
    const row = times.get(kind) ?? { n: 0, ms: 0 };
    row.n++;
    row.ms += performance.now() - started;
    times.set(kind, row);
  };
  const wrapped = new Proxy(kv, {
    get(target, name) {
      const value = Reflect.get(target, name, target);
      if (typeof value !== "function") return value;
      if (name === "atomic") {
        return () => {
          const op = target.atomic();
          const commit = op.commit.bind(op);
          op.commit = async () => {
            const started = performance.now();
            try {
              return await commit();
            } finally {
              note("commit", started);
            }
          };
          return op;
        };
      }
      if (name === "get" || name === "getMany") {
        return async (...args: unknown[]) => {
          const started = performance.now();
          try {
            return await value.apply(target, args);
          } finally {
            note(String(name), started);
          }
        };
      }
      return value.bind(target);
    },
  });
  return { kv: wrapped, times };
}

const stepOf = (update: Update): string => {
  const data = update.callback_query?.data;
  if (data?.startsWith("t:reply")) return "admin: Reply button";
  if (data?.startsWith("t:close")) return "admin: Close button";
  if (data?.startsWith("r:")) return "user: rating";
  const from = update.message?.from?.id ?? 0;
  if ((ADMINS as readonly number[]).includes(from)) return "admin: the answer";
  return "user: message";
};

async function measure(name: string, handle: (u: Update) => Promise<unknown>, kv: Deno.Kv) {
  const steps = new Map<string, { n: number; ms: number }>();
  const timed = async (update: Update) => {
    const started = performance.now();
    await handle(update);
    const row = steps.get(stepOf(update)) ?? { n: 0, ms: 0 };
    row.n++;
    row.ms += performance.now() - started;
    steps.set(stepOf(update), row);
  };
  await runLoad(handle, kv, { conversations: 100, lanes: 32, firstUserId: 1, firstUpdateId: 1 });
  const cpuBefore = threadCpu();
  const result = await runLoad(timed, kv, {
    conversations,
    lanes: 32,
    firstUserId: 1_000_000,
    firstUpdateId: 10_000,
  });
  const cpuAfter = threadCpu();
  console.log(`${name}: ${Math.round(result.updates / result.seconds)} updates/s`);
  for (const [step, row] of steps) {
    console.log(`  ${step.padEnd(22)} ${(row.ms / row.n).toFixed(2)} ms`);
  }
  for (const [thread, ms] of cpuAfter) {
    const used = ms - (cpuBefore.get(thread) ?? 0);
    if (used < 50) continue;
    const perUpdate = (1000 * used / result.updates).toFixed(0);
    const busy = (100 * used / (1000 * result.seconds)).toFixed(0);
    console.log(`  thread ${thread.padEnd(15)} ${perUpdate} µs CPU per update, busy ${busy} %`);
  }
}

/**
 * CPU time (ms) of each thread of this process, from Linux's /proc (empty
 * elsewhere). Deno KV runs each connection's calls on a thread named "sw-0".
 */
function threadCpu(): Map<string, number> {
  const times = new Map<string, number>();
  try {
    for (const task of Deno.readDirSync("/proc/self/task")) {
      const comm = Deno.readTextFileSync(`/proc/self/task/${task.name}/comm`).trim();
      const fields = Deno.readTextFileSync(`/proc/self/task/${task.name}/stat`)
        .split(") ")[1].split(" ");
      // utime and stime, in clock ticks (100 per second on Linux).
      const ms = (Number(fields[11]) + Number(fields[12])) * 10;
      const name = task.name === String(Deno.pid) ? "main (JS)" : `${comm} ${task.name}`;
      times.set(name, ms);
    }
  } catch {
    // Not Linux: no per-thread figures.
  }
  return times;
}

// As openLocalStore: commits through the batching layer, reads on a second connection.
const raw = await Deno.openKv(`${dir}/load.kv`);
const rawReader = await Deno.openKv(`${dir}/load.kv`);
const timed = timedKv(raw);
const timedReader = timedKv(rawReader, timed.times);
const store = batchingKv(timed.kv, { reader: timedReader.kv });
const { deps, bot } = await createBenchBot(store, dir, systemClock);
await measure("our bot", (u) => bot.handleUpdate(u), store);
await marksSettled(deps.kv);
for (const [kind, row] of timed.times) {
  console.log(`  store ${kind.padEnd(8)} ${row.n} calls, ${(row.ms / row.n).toFixed(3)} ms each`);
}

// The getUpdates transformer (outside the load: the driver calls handleUpdate),
// per batch of 100 fresh updates, idle: its handled-check, and all of it.
const transformer = journalTransformer(deps);
let checkMs = 0;
let batchMs = 0;
const BATCHES = 20;
for (let b = 0; b < BATCHES; b++) {
  const updates: Update[] = Array.from({ length: 100 }, (_, i) => {
    const id = 90_000_000 + b * 100 + i;
    const from = { id, is_bot: false, first_name: "Batch" };
    return {
      update_id: id,
      message: {
        message_id: id,
        date: 0,
        chat: { id, type: "private", first_name: "Batch" },
        from,
      },
    } as Update;
  });
  let started = performance.now();
  for (let i = 0; i < updates.length; i += 10) {
    await deps.kv.getMany(updates.slice(i, i + 10).map((u) => keys.updateSeen(u.update_id)));
  }
  checkMs += performance.now() - started;
  started = performance.now();
  const fetched = () => Promise.resolve({ ok: true, result: updates });
  await transformer(fetched as unknown as Parameters<typeof transformer>[0], "getUpdates", {});
  batchMs += performance.now() - started;
}
console.log(
  `  getUpdates transformer, per 100 updates: handled-check ${
    (checkMs / BATCHES).toFixed(2)
  } ms, ` +
    `all (check and journal commit) ${(batchMs / BATCHES).toFixed(2)} ms`,
);

const floorKv = await Deno.openKv(`${dir}/floor.kv`);
const floorBot = await createFloorBot(floorKv, createFakeApi());
await measure("floor", (u) => floorBot.handleUpdate(u), floorKv);
store.close();
floorKv.close();
await Deno.remove(dir, { recursive: true });
