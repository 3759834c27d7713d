/**
 * `deno task bench`: the whole benchmark in one run, on file-backed stores in a
 * temporary folder. Prints a table, then (last line) one JSON object with the
 * figures. `--quick` runs a small version (10,000 instead of 100,000 tickets,
 * fewer updates) for trying the benchmark itself out; its figures are not
 * comparable.
 *
 * Not a test: nothing here asserts a time, and CI does not run it.
 *
 * @module
 */
import { openLocalStore } from "../src/store/mod.ts";
import "../src/quiet_warnings.ts";
import type { Bot } from "grammy";
import { marksSettled } from "../src/bot/journal.ts";
import type { BotContext, BotDeps } from "../src/bot/context.ts";
import { systemClock } from "../src/clock.ts";
import { createFakeApi, type FakeApi } from "./fake_api.ts";
import { createBenchBot } from "./setup.ts";
import { type HandleUpdate, type LoadResult, runLoad } from "./load_driver.ts";
import { createFloorBot } from "./floor.ts";
import { countingKv } from "./kv_counter.ts";
import { buildScaleStore, measureScale, TICKETS_PER_DAY } from "./scale.ts";
import { measureSeed, type SeedFigures } from "./seed_json.ts";
import { readStats } from "../src/store/stats.ts";
import { machine, peakRssMb, percentile, round, rssMb, table } from "./report.ts";

const quick = Deno.args.includes("--quick");
const LANES = 32;
const WARM_UP = quick ? 30 : 100;
/** Conversations (six updates each) per timed round; rounds alternate our bot and the floor. */
const ROUND = quick ? 100 : 400;
const ROUNDS_CONCURRENT = quick ? 1 : 3;
const ROUNDS_SEQUENTIAL = quick ? 1 : 2;
const SIZES = quick ? [1_000, 10_000] as const : [1_000, 100_000] as const;

const log = (line: string) => console.log(line);
const dir = await Deno.makeTempDir({ prefix: "support-desk-bench-" });
const startedAt = new Date();
const runStarted = performance.now();
log(`Support desk benchmark, ${startedAt.toISOString()}${quick ? " (quick)" : ""}`);
log(`Machine: ${machine()}`);
const loadBefore = Deno.loadavg();
log(`Load average before: ${loadBefore.map((n) => n.toFixed(2)).join(" ")}`);
log(`Stores in ${dir}\n`);

// ---------------------------------------------------------------- load
let rssSamplePeak = rssMb();
const sample = () => rssSamplePeak = Math.max(rssSamplePeak, rssMb());

interface Bench {
  name: string;
  handle: HandleUpdate;
  kv: Deno.Kv;
  api: FakeApi;
  deps?: BotDeps;
}

async function openRealBot(path: string): Promise<Bench & { bot: Bot<BotContext> }> {
  const kv = await openLocalStore(path);
  const { deps, api, bot } = await createBenchBot(kv, dir, systemClock);
  return { name: "our bot", handle: (u) => bot.handleUpdate(u), kv, api, deps, bot };
}

async function openFloor(path: string): Promise<Bench> {
  const kv = await Deno.openKv(path);
  const api = createFakeApi();
  const bot = await createFloorBot(kv, api);
  return { name: "floor", handle: (u) => bot.handleUpdate(u), kv, api };
}

let nextUserId = 1_000_000;
let nextUpdateId = 1;
async function drive(bench: Bench, conversations: number, lanes: number): Promise<LoadResult> {
  const result = await runLoad(bench.handle, bench.kv, {
    conversations,
    lanes,
    firstUserId: nextUserId,
    firstUpdateId: nextUpdateId,
    onProgress: sample,
  });
  // Updates do not wait for their journal marks; the round is not over until they land.
  const settling = performance.now();
  if (bench.deps) await marksSettled(bench.deps.kv);
  result.seconds += (performance.now() - settling) / 1000;
  nextUserId += conversations;
  nextUpdateId += conversations * 6;
  return result;
}

interface Totals {
  updates: number;
  seconds: number;
  latencies: number[];
}
const emptyTotals = (): Totals => ({ updates: 0, seconds: 0, latencies: [] });
function add(totals: Totals, result: LoadResult): void {
  totals.updates += result.updates;
  totals.seconds += result.seconds;
  for (const value of result.latenciesMs) totals.latencies.push(value);
}

log("Load: warming up…");
const real = await openRealBot(`${dir}/load.kv`);
const floor = await openFloor(`${dir}/floor.kv`);
await drive(real, WARM_UP, LANES);
await drive(floor, WARM_UP, LANES);

const modes = [
  { label: `${LANES} chats in flight`, lanes: LANES, rounds: ROUNDS_CONCURRENT },
  { label: "one update at a time", lanes: 1, rounds: ROUNDS_SEQUENTIAL },
];
const loadFigures: { mode: string; real: Totals; floor: Totals }[] = [];
let ticketsSeen = 0;
for (const mode of modes) {
  const figures = { mode: mode.label, real: emptyTotals(), floor: emptyTotals() };
  for (let round = 0; round < mode.rounds; round++) {
    const ours = await drive(real, ROUND, mode.lanes);
    ticketsSeen += ours.ticketsSeen;
    add(figures.real, ours);
    add(figures.floor, await drive(floor, ROUND, mode.lanes));
  }
  loadFigures.push(figures);
  log(`Load: ${mode.label} done`);
}
const peakRss = peakRssMb() ?? rssSamplePeak;
const realErrors = real.deps!.runtime.errorCount;
const apiCalls = real.api.total();
const loadUpdates = loadFigures.reduce((sum, f) => sum + f.real.updates, 0);
const loadStats = await readStats(real.kv, Date.now());

// Where the round trips go: a short extra pass through a counting wrapper (untimed).
const counted = countingKv(await Deno.openKv(`${dir}/counted.kv`));
const { deps: countedDeps, api: countedApi, bot: countedBot } = await createBenchBot(
  counted.kv,
  dir,
  systemClock,
);
const STEPS = [
  "user: first message",
  "user: follow-up",
  "admin: Reply button",
  "admin: the answer",
  "admin: Close button",
  "user: rating",
];
const perStep = STEPS.map(() => ({ get: 0, getMany: 0, list: 0, commit: 0, api: 0 }));
let step = 0;
const COUNTED = 20;
await runLoad(
  async (update) => {
    counted.reset();
    countedApi.reset();
    await countedBot.handleUpdate(update);
    const row = perStep[step++ % STEPS.length];
    row.get += counted.counts.get;
    row.getMany += counted.counts.getMany;
    row.list += counted.counts.list;
    row.commit += counted.counts.commit;
    row.api += countedApi.total();
  },
  counted.kv,
  { conversations: COUNTED, lanes: 1, firstUserId: 900_000_000, firstUpdateId: 1 },
);
// The same with 32 chats in flight, where updates share commits and reads (all kinds together).
const COUNTED_CONCURRENT = quick ? 50 : 200;
counted.reset();
const concurrentPass = await runLoad(
  (update) => countedBot.handleUpdate(update),
  counted.kv,
  {
    conversations: COUNTED_CONCURRENT,
    lanes: LANES,
    firstUserId: 910_000_000,
    firstUpdateId: COUNTED * 6 + 1,
  },
);
const concurrentCounts = { ...counted.counts, updates: concurrentPass.updates };
await marksSettled(countedDeps.kv);
counted.kv.close();

for (const bench of [real, floor]) bench.kv.close();

// ---------------------------------------------------------------- scale
const now = Date.now();
log(`Scale: filling stores with ${SIZES.join(" and ")} closed tickets…`);
const small = await buildScaleStore(dir, SIZES[0], now);
const large = await buildScaleStore(dir, SIZES[1], now);
log(
  `Scale: filled in ${small.fillSeconds.toFixed(1)} s and ${large.fillSeconds.toFixed(1)} s;` +
    " measuring…",
);
const scaleRows = await measureScale(small, large);
const largeFileMb = (await Deno.stat(large.path)).size / 1_048_576;

// ---------------------------------------------------------------- idle
log("Idle: starting a bot process on the large store…");
const idleOutput = await new Deno.Command(Deno.execPath(), {
  args: [
    "run",
    "--allow-env",
    "--allow-read",
    "--allow-write",
    "--allow-net",
    "--allow-sys",
    "--config",
    new URL("../deno.json", import.meta.url).pathname,
    new URL("./idle.ts", import.meta.url).pathname,
    large.path,
    dir,
  ],
  stdout: "piped",
  stderr: "piped",
}).output();
if (!idleOutput.success) {
  throw new Error(`bench/idle.ts failed: ${new TextDecoder().decode(idleOutput.stderr)}`);
}
const idle = JSON.parse(new TextDecoder().decode(idleOutput.stdout).trim().split("\n").at(-1)!);
for (const store of [small, large]) {
  await marksSettled(store.deps.kv);
  store.kv.close();
}

// ---------------------------------------------------------------- seed
log("Seed: one JSON file rewritten per change…");
const seed: SeedFigures[] = [];
for (const size of SIZES) {
  seed.push(
    await measureSeed(dir, size, {
      now,
      perDay: TICKETS_PER_DAY,
      changes: size > 10_000 ? 5 : 30,
      reads: size > 10_000 ? 10 : 100,
    }),
  );
}

await Deno.remove(dir, { recursive: true });

// ---------------------------------------------------------------- report
const headline = loadFigures[0];
const oneByOne = loadFigures[1];
const rate = (t: Totals) => t.updates / t.seconds;
const ratio = (f: { real: Totals; floor: Totals }) => rate(f.floor) / rate(f.real);
const ms = (value: number) => value < 10 ? value.toFixed(2) : value.toFixed(1);
const sizeLabel = (n: number) => n >= 1000 ? `${n / 1000}k` : String(n);

log("");
log(
  `Load: ${loadUpdates.toLocaleString("en")} timed updates through createBot + ` +
    "handleUpdate (6-update conversations), file-backed Deno KV, a recording fake Telegram",
);
log(table(
  ["", "updates/s", "p50 ms", "p99 ms", "floor ratio"],
  loadFigures.flatMap((f) => [
    [
      `our bot, ${f.mode}`,
      rate(f.real).toFixed(0),
      ms(percentile(f.real.latencies, 50)),
      ms(
        percentile(f.real.latencies, 99),
      ),
      ratio(f).toFixed(2),
    ],
    [
      `floor (1 KV commit), ${f.mode}`,
      rate(f.floor).toFixed(0),
      ms(
        percentile(f.floor.latencies, 50),
      ),
      ms(percentile(f.floor.latencies, 99)),
      "",
    ],
  ]),
));
log(
  `Our bot made ${apiCalls.toLocaleString("en")} Bot API calls, ` +
    `opened ${ticketsSeen.toLocaleString("en")} of ${
      (ROUND * (ROUNDS_CONCURRENT + ROUNDS_SEQUENTIAL)).toLocaleString("en")
    } tickets in timed rounds, ${realErrors} update errors; its store holds ` +
    `${loadStats.ticketsTotal.toLocaleString("en")} tickets, ` +
    `${loadStats.ticketsClosed.toLocaleString("en")} closed, ` +
    `${loadStats.ratingsCount.toLocaleString("en")} rated (warm-up included).`,
);

log("\nStore round trips and Bot API calls per update (diagnostic pass, untimed)");
log(table(
  ["update", "get", "getMany", "list", "commit", "API calls"],
  [
    ...STEPS.map((name, i) => [
      name,
      ...(["get", "getMany", "list", "commit", "api"] as const).map((k) =>
        (perStep[i][k] / COUNTED).toFixed(1)
      ),
    ]),
    [
      `mean, one at a time`,
      ...(["get", "getMany", "list", "commit", "api"] as const).map((k) =>
        (perStep.reduce((sum, row) => sum + row[k], 0) / (COUNTED * STEPS.length)).toFixed(2)
      ),
    ],
    [
      `mean, ${LANES} chats in flight`,
      ...(["get", "getMany", "list", "commit"] as const).map((k) =>
        (concurrentCounts[k] / concurrentCounts.updates).toFixed(2)
      ),
      "",
    ],
  ],
));

log(
  `\nScale: medians, history at ${TICKETS_PER_DAY} tickets/day; both stores hold 50 open ` +
    `tickets and the same last 30 days (${sizeLabel(SIZES[1])} store: ${
      largeFileMb.toFixed(0)
    } MB)`,
);
log(table(
  ["operation", "runs", `${sizeLabel(SIZES[0])} ms`, `${sizeLabel(SIZES[1])} ms`, "ratio"],
  [
    ...scaleRows.map((row) => [
      row.name,
      row.iterations,
      ms(row.medians[0]),
      ms(row.medians[1]),
      row.ratio.toFixed(2),
    ]),
    ...([
      ["seed: one change (id scan + data.json rewrite)", "changeMs"],
      ["seed: inbox (scan every ticket)", "inboxMs"],
      ["seed: statistics (scan every ticket)", "statsMs"],
    ] as const).map(([name, key]) => [
      name,
      seed[1].closed > 10_000 ? "5/10" : "30/100",
      ms(seed[0][key]),
      ms(seed[1][key]),
      (seed[1][key] / seed[0][key]).toFixed(1),
    ]),
  ],
));
log(`Seed data.json: ${seed[0].fileMb.toFixed(1)} MB and ${seed[1].fileMb.toFixed(1)} MB.`);

log("\nMemory");
log(table(["", "MB"], [
  ["idle RSS (own process, bot + large store, after one conversation)", idle.rss_mb.toFixed(1)],
  ["peak RSS of the load phase (VmHWM)", peakRss.toFixed(1)],
]));
const loadAfter = Deno.loadavg();
log(
  `\nTotal run time ${((performance.now() - runStarted) / 1000).toFixed(0)} s; load average ` +
    `after: ${loadAfter.map((n) => n.toFixed(2)).join(" ")} (this run keeps about 1 of the ` +
    `${navigator.hardwareConcurrency} CPUs busy; more means other work shared the machine).`,
);

const scaleRatio = (key: string) => round(scaleRows.find((row) => row.key === key)!.ratio);
console.log(JSON.stringify({
  date: startedAt.toISOString(),
  quick,
  updates_per_s: round(rate(headline.real), 0),
  p50_ms: round(percentile(headline.real.latencies, 50)),
  p99_ms: round(percentile(headline.real.latencies, 99)),
  floor_ratio: round(ratio(headline)),
  floor_updates_per_s: round(rate(headline.floor), 0),
  sequential_updates_per_s: round(rate(oneByOne.real), 0),
  sequential_p50_ms: round(percentile(oneByOne.real.latencies, 50)),
  sequential_p99_ms: round(percentile(oneByOne.real.latencies, 99)),
  sequential_floor_ratio: round(ratio(oneByOne)),
  inbox_scale_ratio: scaleRatio("inbox"),
  stats_scale_ratio: scaleRatio("stats"),
  sweep_scale_ratio: scaleRatio("sweep"),
  new_ticket_scale_ratio: scaleRatio("new_ticket"),
  seed_change_scale_ratio: round(seed[1].changeMs / seed[0].changeMs, 1),
  idle_rss_mb: round(idle.rss_mb, 1),
  peak_rss_mb: round(peakRss, 1),
  // Store round trips (reads, list calls and commits) per update, from the diagnostic passes.
  round_trips_per_update: round(
    perStep.reduce((sum, row) => sum + row.get + row.getMany + row.list + row.commit, 0) /
      (COUNTED * STEPS.length),
  ),
  round_trips_per_update_in_flight: round(
    (concurrentCounts.get + concurrentCounts.getMany + concurrentCounts.list +
      concurrentCounts.commit) / concurrentCounts.updates,
  ),
  load_average: [round(loadBefore[0]), round(loadAfter[0])],
}));
