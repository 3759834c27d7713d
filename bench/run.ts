/**
 * `deno task bench`: what users feel, against Telegram's limits. Prints a
 * table, then (last line) one JSON object with every figure.
 *
 * - Black box: the real program (`main.ts`) as a subprocess against a fake Bot
 *   API with Telegram's limits scaled by S (`fake_telegram.ts`): a burst, a
 *   steady stream, idle memory beside a bare grammY bot.
 * - Group: the same program with SUPPORT_CHAT_ID set to the fake's forum
 *   supergroup; a burst of new customers, each text into its customer's
 *   topic, against the group's limit (`group.ts`).
 * - Scale: the inbox, statistics, sweep, a new ticket and a search with 100,000
 *   against 1,000 closed tickets, in process; the seed's JSON file beside them.
 *
 * Flags: `--quick` (a smaller run for trying the benchmark itself out; its
 * figures are not comparable), `--only=black-box`, `--only=group` or `--only=scale`,
 * `--root=<dir>` (run that checkout's `main.ts` instead of this one's, e.g. a
 * `git archive` of a commit to compare with).
 *
 * Not a test: nothing here asserts a time, and CI does not run it.
 *
 * @module
 */
import {
  type BurstFigures,
  runBurst,
  runIdle,
  runSteady,
  type SteadyFigures,
} from "./black_box.ts";
import { type GroupBurstFigures, runGroupBurst } from "./group.ts";
import { measureSeed, type SeedFigures, TICKETS_PER_DAY } from "./seed_json.ts";
import { machine, round, table } from "./report.ts";
import { ROOT } from "./process.ts";

const args = Deno.args;
const quick = args.includes("--quick");
const only = args.find((a) => a.startsWith("--only="))?.slice("--only=".length);
const root = args.find((a) => a.startsWith("--root="))?.slice("--root=".length) ?? ROOT;
if (only && only !== "black-box" && only !== "group" && only !== "scale") {
  throw new Error(`--only takes black-box, group or scale, got '${only}'`);
}

/** S: the fake's limits and TELEGRAM_RATE_SCALE. */
const SCALE = 10;
/** The fake's answer delay, uniform, ms. */
const LATENCY: [number, number] = [30, 80];
const AGENTS = [1001, 1002] as const;
const BURST = quick ? { customers: 10, perCustomer: 3 } : { customers: 40, perCustomer: 3 };
const GROUP_BURST = BURST;
const STEADY = quick
  ? { customers: 10, perSecond: 5, seconds: 6 }
  : { customers: 20, perSecond: 5, seconds: 20 };
const SIZES = quick ? [1_000, 10_000] as const : [1_000, 100_000] as const;

const log = (line: string) => console.log(line);
const dir = await Deno.makeTempDir({ prefix: "support-desk-bench-" });
const startedAt = new Date();
const runStarted = performance.now();
const commit = await describeCommit(root);
log(`Support desk benchmark, ${startedAt.toISOString()}${quick ? " (quick)" : ""}`);
log(`Program: ${root}/main.ts at ${commit}`);
log(`Machine: ${machine()}`);
const loadBefore = Deno.loadavg();
log(`Load average before: ${loadBefore.map((n) => n.toFixed(2)).join(" ")}`);
log(`Work folder ${dir}\n`);

const figures: Record<string, unknown> = {
  date: startedAt.toISOString(),
  commit,
  quick,
  scale_factor: SCALE,
};
const ms = (value: number) => value < 10 ? value.toFixed(2) : value.toFixed(1);

try {
  if (!only || only === "black-box") await blackBox();
  if (!only || only === "group") await groupPart();
  if (!only || only === "scale") await scalePart();
} finally {
  await Deno.remove(dir, { recursive: true });
}

const loadAfter = Deno.loadavg();
figures.load_average = [round(loadBefore[0]), round(loadAfter[0])];
log(
  `\nTotal run time ${((performance.now() - runStarted) / 1000).toFixed(0)} s; load average ` +
    `after: ${
      loadAfter.map((n) => n.toFixed(2)).join(" ")
    } (${navigator.hardwareConcurrency} CPUs)`,
);
console.log(JSON.stringify(figures));

// ---------------------------------------------------------------- black box

async function blackBox(): Promise<void> {
  const base = { scale: SCALE, admins: AGENTS, latencyMs: LATENCY, root };
  const n = BURST.customers * BURST.perCustomer;
  log(
    `Burst: ${BURST.customers} customers × ${BURST.perCustomer} texts, ${n} updates queued ` +
      `at once, ${AGENTS.length} agents, S = ${SCALE}…`,
  );
  const burst = await runBurst({ ...base, dir: `${dir}/burst`, ...BURST });
  log(
    `Steady: ${STEADY.perSecond} messages/s from ${STEADY.customers} customers for ` +
      `${STEADY.seconds} s…`,
  );
  const steady = await runSteady({ ...base, dir: `${dir}/steady`, ...STEADY });
  log("Idle: our bot, then the bare grammY bot…");
  const ours = await runIdle({ ...base, dir: `${dir}/idle`, bare: false });
  const bare = await runIdle({ ...base, dir: `${dir}/bare`, bare: true });

  reportBlackBox(burst, steady, ours.rssMb, bare.rssMb, ours.startupMs);
  Object.assign(figures, {
    burst_drain_ratio: round(burst.ratio),
    burst_drain_s: round(burst.drainSeconds),
    burst_least_s: round(burst.leastSeconds),
    burst_complete: burst.complete,
    limited_429: burst.limited429,
    lost: burst.lost,
    duplicated: burst.duplicated,
    api_errors: burst.apiErrors,
    cpu_ms_per_update: round(burst.cpuMsPerUpdate),
    burst_messages_per_agent: burst.deliveredPerAgent,
    burst_peak_rss_mb: round(burst.peakRssMb, 1),
    p50_visible_ms: round(steady.p50Ms, 1),
    p99_visible_ms: round(steady.p99Ms, 1),
    p99_visible_first_ms: round(steady.firstP99Ms, 1),
    p99_visible_later_ms: round(steady.laterP99Ms, 1),
    fake_mean_latency_ms: round(steady.fakeMeanLatencyMs, 1),
    p99_visible_target_ms: round(3 * steady.fakeMeanLatencyMs, 1),
    steady_limited_429: steady.limited429,
    steady_lost: steady.lost,
    steady_duplicated: steady.duplicated,
    steady_api_errors: steady.apiErrors,
    idle_rss_mb: round(ours.rssMb, 1),
    bare_idle_rss_mb: round(bare.rssMb, 1),
    idle_rss_ratio: round(ours.rssMb / bare.rssMb),
    startup_ms: round(ours.startupMs, 0),
  });
}

function reportBlackBox(
  burst: BurstFigures,
  steady: SteadyFigures,
  rss: number,
  bareRss: number,
  startupMs: number,
): void {
  const met = (ok: boolean) => ok ? "met" : "MISSED";
  log(`\nBlack box: main.ts as a subprocess, fake Telegram answering in ${LATENCY.join("–")} ms`);
  log(table(["figure", "value", "target", ""], [
    [
      `burst: time until both agents saw all ${burst.customers * burst.perCustomer} texts`,
      `${burst.complete ? "" : "≥ "}${burst.drainSeconds.toFixed(1)} s`,
      "",
      "",
    ],
    ["burst: least time the limits allow", `${burst.leastSeconds.toFixed(1)} s`, "", ""],
    [
      "burst_drain_ratio",
      `${burst.complete ? "" : "≥ "}${burst.ratio.toFixed(2)}`,
      "≤ 1.2",
      met(burst.complete && burst.ratio <= 1.2),
    ],
    ["burst: 429 answers (limited_429)", burst.limited429, "0", met(burst.limited429 === 0)],
    ["burst: texts an agent never saw (lost)", burst.lost, "0", met(burst.lost === 0)],
    ["burst: texts an agent saw twice (duplicated)", burst.duplicated, "0", met(!burst.duplicated)],
    ["burst: other API errors", burst.apiErrors, "0", met(burst.apiErrors === 0)],
    ["burst: messages delivered per agent chat", burst.deliveredPerAgent.join(", "), "", ""],
    ["burst: CPU ms per update (diagnostic)", burst.cpuMsPerUpdate.toFixed(2), "", ""],
    ["burst: peak RSS (VmHWM)", `${burst.peakRssMb.toFixed(1)} MB`, "", ""],
    [
      `steady: visible p50 / p99 / max (${steady.messages} messages × ${AGENTS.length} agents)`,
      `${ms(steady.p50Ms)} / ${ms(steady.p99Ms)} / ${ms(steady.maxMs)} ms`,
      `p99 ≤ ${(3 * steady.fakeMeanLatencyMs).toFixed(0)} ms`,
      met(steady.p99Ms <= 3 * steady.fakeMeanLatencyMs),
    ],
    [
      "steady: p99 of first messages (new ticket) / of later ones",
      `${ms(steady.firstP99Ms)} / ${ms(steady.laterP99Ms)} ms`,
      "",
      "",
    ],
    ["steady: the fake's mean latency", `${steady.fakeMeanLatencyMs.toFixed(1)} ms`, "", ""],
    [
      "steady: 429s / lost / duplicated / API errors",
      [steady.limited429, steady.lost, steady.duplicated, steady.apiErrors].join(" / "),
      "0",
      met(!steady.limited429 && !steady.lost && !steady.duplicated && !steady.apiErrors),
    ],
    ["idle RSS, our bot", `${rss.toFixed(1)} MB`, "", ""],
    ["idle RSS, bare grammY bot", `${bareRss.toFixed(1)} MB`, "", ""],
    ["idle_rss_ratio", (rss / bareRss).toFixed(2), "≤ 1.2", met(rss / bareRss <= 1.2)],
    ["start-up (spawn to first getUpdates)", `${startupMs.toFixed(0)} ms`, "", ""],
  ]));
  const errors = { ...burst.errorKinds };
  for (const [key, n] of Object.entries(steady.errorKinds)) errors[key] = (errors[key] ?? 0) + n;
  if (Object.keys(errors).length) {
    log("API errors by kind (burst and steady):");
    for (const [key, n] of Object.entries(errors)) log(`  ${n} × ${key}`);
  }
  log(
    `Burst calls: ${
      Object.entries(burst.calls).map(([method, n]) => `${method} ${n}`).join(", ")
    }; bot exit codes ${burst.exitCode} and ${steady.exitCode}.`,
  );
}

// ---------------------------------------------------------------- group

async function groupPart(): Promise<void> {
  const n = GROUP_BURST.customers * GROUP_BURST.perCustomer;
  log(
    `\nGroup burst: ${GROUP_BURST.customers} new customers × ${GROUP_BURST.perCustomer} texts, ` +
      `${n} updates queued at once, SUPPORT_CHAT_ID set, ${AGENTS.length} agents, S = ${SCALE}…`,
  );
  let group: GroupBurstFigures;
  try {
    group = await runGroupBurst({
      scale: SCALE,
      admins: AGENTS,
      latencyMs: LATENCY,
      root,
      dir: `${dir}/group`,
      ...GROUP_BURST,
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    log(`Group burst: NOT RUN: ${message}`);
    figures.group_error = message.split("\n")[0];
    return;
  }
  reportGroup(group);
  Object.assign(figures, {
    group_burst_ratio: round(group.ratio),
    group_burst_s: round(group.burstSeconds),
    group_least_s: round(group.leastSeconds),
    group_complete: group.complete,
    group_429: group.limited429,
    group_lost: group.lost,
    group_duplicated: group.duplicated,
    group_misplaced: group.misplaced,
    group_out_of_order: group.outOfOrder,
    group_agent_chat_texts: group.agentChatTexts,
    group_topics: group.topics,
    group_duplicate_topics: group.duplicateTopics,
    group_customers_without_topic: group.customersWithoutTopic,
    group_renames: group.renames,
    group_api_errors: group.apiErrors,
    group_messages: group.groupMessages,
    group_texts_per_message: group.textsPerMessage,
    group_counted_until_done: group.countedUntilDone,
    group_counted_least_s: round(group.countedLeastSeconds),
    group_cpu_ms_per_update: round(group.cpuMsPerUpdate),
    group_peak_rss_mb: round(group.peakRssMb, 1),
  });
}

function reportGroup(group: GroupBurstFigures): void {
  const met = (ok: boolean) => ok ? "met" : "MISSED";
  const n = group.customers * group.perCustomer;
  log(`\nGroup: main.ts with SUPPORT_CHAT_ID (a forum supergroup of the fake), one topic each`);
  log(table(["figure", "value", "target", ""], [
    [
      `group burst: time until the group showed all ${n} texts, each in its topic`,
      `${group.complete ? "" : "≥ "}${group.burstSeconds.toFixed(1)} s`,
      "",
      "",
    ],
    [
      "group burst: least time the group limit allows",
      `${group.leastSeconds.toFixed(1)} s`,
      "",
      "",
    ],
    [
      "group_burst_ratio",
      `${group.complete ? "" : "≥ "}${group.ratio.toFixed(2)}`,
      "≤ 1.2",
      met(group.complete && group.ratio <= 1.2),
    ],
    ["group: 429 answers (group_429)", group.limited429, "0", met(group.limited429 === 0)],
    ["group: texts never visible in their topic (lost)", group.lost, "0", met(group.lost === 0)],
    [
      "group: texts in more than one message (duplicated)",
      group.duplicated,
      "0",
      met(group.duplicated === 0),
    ],
    [
      "group: texts outside their customer's topic (misplaced)",
      group.misplaced,
      "0",
      met(group.misplaced === 0),
    ],
    [
      "group: customers whose texts showed out of order",
      group.outOfOrder,
      "0",
      met(group.outOfOrder === 0),
    ],
    [
      "group: texts in the agents' private chats",
      group.agentChatTexts,
      "0",
      met(group.agentChatTexts === 0),
    ],
    [
      "group: topics created",
      group.topics,
      String(group.customers),
      met(group.topics === group.customers && !group.duplicateTopics),
    ],
    [
      "group: duplicate or unnamed topics / customers without one",
      `${group.duplicateTopics} / ${group.customersWithoutTopic}`,
      "0 / 0",
      met(!group.duplicateTopics && !group.customersWithoutTopic),
    ],
    ["group: other API errors", group.apiErrors, "0", met(group.apiErrors === 0)],
    [
      "group: messages in the group (without topics' service messages), renames",
      `${group.groupMessages}, ${group.renames}`,
      "",
      "",
    ],
    [
      "group: those messages by texts carried (texts: messages)",
      Object.entries(group.textsPerMessage).map(([texts, count]) => `${texts}: ${count}`)
        .join(", "),
      "",
      "",
    ],
    [
      "group: messages the limit counted until done (with topics), their least time",
      `${group.countedUntilDone}, ${group.countedLeastSeconds.toFixed(1)} s`,
      "",
      "",
    ],
    ["group: CPU ms per update (diagnostic)", group.cpuMsPerUpdate.toFixed(2), "", ""],
    ["group: peak RSS (VmHWM)", `${group.peakRssMb.toFixed(1)} MB`, "", ""],
  ]));
  if (Object.keys(group.errorKinds).length) {
    log("API errors by kind (group burst):");
    for (const [key, count] of Object.entries(group.errorKinds)) log(`  ${count} × ${key}`);
  }
  if (group.limited429) {
    log(
      `429s by method: ${
        Object.entries(group.limitedByMethod).map(([method, count]) => `${method} ${count}`)
          .join(", ")
      }`,
    );
  }
  log(
    `Group burst calls: ${
      Object.entries(group.calls).map(([method, count]) => `${method} ${count}`).join(", ")
    }; bot exit code ${group.exitCode}.`,
  );
}

// ---------------------------------------------------------------- scale

async function scalePart(): Promise<void> {
  const now = Date.now();
  const sizeLabel = (n: number) => n >= 1000 ? `${n / 1000}k` : String(n);
  const rows: (string | number)[][] = [];
  let largeFileMb = NaN;
  try {
    // Imported here so the black-box part runs even while src/ does not load.
    const { buildScaleStore, closeScaleStore, measureScale } = await import("./scale.ts");
    log(`\nScale: filling stores with ${SIZES.join(" and ")} closed tickets…`);
    const small = await buildScaleStore(dir, SIZES[0], now);
    const large = await buildScaleStore(dir, SIZES[1], now);
    log(
      `Scale: filled in ${small.fillSeconds.toFixed(1)} s and ${large.fillSeconds.toFixed(1)} s;` +
        " measuring…",
    );
    const scaleRows = await measureScale(small, large);
    largeFileMb = (await Deno.stat(large.path)).size / 1_048_576;
    await closeScaleStore(small);
    await closeScaleStore(large);
    for (const row of scaleRows) {
      rows.push([row.name, row.iterations, ms(row.medians[0]), ms(row.medians[1]), row.ratio]);
      if (row.key) figures[`${row.key}_scale_ratio`] = round(row.ratio);
    }
  } catch (error) {
    log(`Scale: FAILED: ${error instanceof Error ? error.stack ?? error.message : error}`);
    figures.scale_error = error instanceof Error ? error.message : String(error);
  }

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
  const seedRows = ([
    ["seed: one change (id scan + data.json rewrite)", "changeMs", "change"],
    ["seed: inbox (scan every ticket)", "inboxMs", "inbox"],
    ["seed: statistics (scan every ticket)", "statsMs", "stats"],
  ] as const).map(([name, key, short]) => {
    const ratio = seed[1][key] / seed[0][key];
    figures[`seed_${short}_scale_ratio`] = round(ratio, 1);
    figures[`seed_${short}_ms`] = [round(seed[0][key]), round(seed[1][key])];
    return [
      name,
      seed[1].closed > 10_000 ? "5/10" : "30/100",
      ms(seed[0][key]),
      ms(seed[1][key]),
      ratio,
    ];
  });

  log(
    `\nScale: medians, history at ${TICKETS_PER_DAY} tickets/day; both stores hold 50 open ` +
      `tickets and the same last 30 days${
        Number.isNaN(largeFileMb)
          ? ""
          : ` (${sizeLabel(SIZES[1])} store: ${largeFileMb.toFixed(0)} MB)`
      }; target ≤ 1.2 for ours`,
  );
  log(table(
    ["operation", "runs", `${sizeLabel(SIZES[0])} ms`, `${sizeLabel(SIZES[1])} ms`, "ratio"],
    [...rows, ...seedRows].map((row) => [
      ...row.slice(0, 4),
      (row[4] as number).toFixed((row[4] as number) >= 10 ? 1 : 2),
    ]),
  ));
  log(`Seed data.json: ${seed[0].fileMb.toFixed(1)} MB and ${seed[1].fileMb.toFixed(1)} MB.`);
}

// ---------------------------------------------------------------- helpers

/** `git rev-parse --short HEAD`, plus " with uncommitted work" when the tree is dirty. */
async function describeCommit(at: string): Promise<string> {
  const git = async (...gitArgs: string[]) => {
    try {
      const out = await new Deno.Command("git", {
        args: ["-C", at, ...gitArgs],
        stdout: "piped",
        stderr: "null",
      }).output();
      return out.success ? new TextDecoder().decode(out.stdout).trim() : undefined;
    } catch {
      return undefined;
    }
  };
  const head = await git("rev-parse", "--short", "HEAD");
  if (head === undefined) return "unknown (not a git checkout)";
  const dirty = await git("status", "--porcelain");
  return dirty ? `${head} with uncommitted work` : head;
}
