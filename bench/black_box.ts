/**
 * The black-box part: the real program as a subprocess against the fake
 * Telegram of `fake_telegram.ts`, driven the way customers drive it. Three
 * scenarios, each on a fresh store and a fresh fake:
 *
 * - burst: many customers write at once; how long until both agents have seen
 *   every message, against the least time Telegram's limits allow;
 * - steady: customers write at a steady pace; how long each message takes to
 *   reach each agent;
 * - idle: the resident memory after one message and 2 s of rest, beside a bare
 *   grammY bot's.
 *
 * @module
 */
import { type FakeTelegram, startFakeTelegram, TELEGRAM_LIMITS } from "./fake_telegram.ts";
import { BENCH_TOKEN, type BotProcess, startBareBot, startRealBot } from "./process.ts";
import { percentile } from "./report.ts";

/** Options shared by the scenarios. */
export interface ScenarioOptions {
  /** A fresh folder for this scenario's store and logs. */
  dir: string;
  /** The scale factor S of the fake's limits and of TELEGRAM_RATE_SCALE. */
  scale: number;
  /** The agents (ADMIN_ID). */
  admins: readonly number[];
  /** The fake's answer delay range, ms. */
  latencyMs: [number, number];
  /** The checkout whose `main.ts` runs; default this repository. */
  root?: string;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
export const TOKEN_PATTERN = /\b[a-z]\d+-\d+\b/g;
export const FILLER = "my order has not arrived yet, could you check please";
const FIRST_CUSTOMER = 5_000_000;

/** A new customer (ids from 5,000,000), first name `Customer <index>`. */
export function customer(index: number) {
  return { id: FIRST_CUSTOMER + index, first_name: `Customer ${index}`, language_code: "en" };
}

/** Waits for the bot's first long poll; fails when it exits or takes over a minute. */
export async function ready(fake: FakeTelegram, bot: BotProcess): Promise<number> {
  const started = performance.now();
  const deadline = started + 60_000;
  let polling = false;
  fake.polling().then(() => polling = true);
  while (!polling) {
    if (bot.exited()) throw new Error(`The bot exited at start-up:\n${bot.output()}`);
    if (performance.now() > deadline) {
      await bot.stop(5_000);
      throw new Error(`The bot did not poll within 60 s:\n${bot.output()}`);
    }
    await sleep(10);
  }
  return performance.now() - started;
}

/**
 * Which customer tokens each agent has seen: a token is seen when a message
 * delivered into the agent's chat contains it (one message may carry several).
 */
class Sightings {
  /** Per agent: token → times it was delivered (the first one and the count). */
  readonly seen = new Map<number, Map<string, { first: number; count: number }>>();
  #missing: number;
  #done = Promise.withResolvers<void>();
  #off: () => void;

  constructor(
    fake: FakeTelegram,
    readonly agents: readonly number[],
    readonly expected: Set<string>,
  ) {
    for (const agent of agents) this.seen.set(agent, new Map());
    this.#missing = agents.length * expected.size;
    this.#off = fake.onDeliver((message) => {
      const mine = this.seen.get(message.chatId);
      if (!mine) return;
      for (const token of new Set(message.text.match(TOKEN_PATTERN) ?? [])) {
        if (!this.expected.has(token)) continue;
        const entry = mine.get(token);
        if (entry) entry.count++;
        else {
          mine.set(token, { first: message.at, count: 1 });
          if (--this.#missing === 0) this.#done.resolve();
        }
      }
    });
  }

  /** Resolves true when every agent has seen every token, false at `deadline`. */
  async complete(deadline: number): Promise<boolean> {
    if (this.#missing === 0) return true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<false>((resolve) =>
      timer = setTimeout(() => resolve(false), Math.max(0, deadline - performance.now()))
    );
    try {
      return await Promise.race([this.#done.promise.then(() => true as const), late]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** (agent, token) pairs never seen. */
  lost(): number {
    return this.#missing;
  }
  /** (agent, token) pairs seen in more than one message. */
  duplicated(): number {
    let n = 0;
    for (const mine of this.seen.values()) for (const e of mine.values()) if (e.count > 1) n++;
    return n;
  }
  /** The last first sighting. */
  lastFirst(): number {
    let last = -Infinity;
    for (const mine of this.seen.values()) {
      for (const e of mine.values()) last = Math.max(last, e.first);
    }
    return last;
  }
  stop(): void {
    this.#off();
  }
}

export function apiErrors(fake: FakeTelegram): number {
  return Object.values(fake.stats().errors).reduce((sum, n) => sum + n, 0);
}

/** Figures of the burst scenario. */
export interface BurstFigures {
  customers: number;
  perCustomer: number;
  /** Seconds from queueing to the last token seen by both agents (or to giving up). */
  drainSeconds: number;
  /** The least time the limits allow, seconds. */
  leastSeconds: number;
  ratio: number;
  complete: boolean;
  limited429: number;
  lost: number;
  duplicated: number;
  apiErrors: number;
  errorKinds: Record<string, number>;
  cpuMsPerUpdate: number;
  updatesHandled: number;
  /** Messages delivered per agent chat (cards, headers, texts). */
  deliveredPerAgent: number[];
  calls: Record<string, number>;
  startupMs: number;
  peakRssMb: number;
  exitCode: number;
}

/**
 * `customers` customers (new users, private chats) each send `perCustomer`
 * texts; all updates are queued at once (round-robin order: every customer's
 * first message, then every second one…).
 */
export async function runBurst(
  options: ScenarioOptions & { customers: number; perCustomer: number },
): Promise<BurstFigures> {
  const { customers, perCustomer, scale, admins } = options;
  const fake = startFakeTelegram({ token: BENCH_TOKEN, scale, latencyMs: options.latencyMs });
  const bot = startRealBot({
    apiRoot: fake.apiRoot,
    adminIds: admins,
    dataDir: `${options.dir}/data`,
    scale,
    root: options.root,
  });
  try {
    const startupMs = await ready(fake, bot);
    const n = customers * perCustomer;
    const perAgent = (n - TELEGRAM_LIMITS.privateBurst) / (TELEGRAM_LIMITS.privateRate * scale);
    const overall = (admins.length * n - TELEGRAM_LIMITS.globalBurst) /
      (TELEGRAM_LIMITS.globalRate * scale);
    const leastSeconds = Math.max(perAgent, overall);

    const tokens = new Set<string>();
    for (let c = 0; c < customers; c++) {
      for (let k = 0; k < perCustomer; k++) tokens.add(`q${c}-${k}`);
    }
    const sightings = new Sightings(fake, admins, tokens);
    const cpuBefore = bot.cpuTicks();
    const started = performance.now();
    for (let k = 0; k < perCustomer; k++) {
      for (let c = 0; c < customers; c++) fake.pushText(customer(c), `q${c}-${k} ${FILLER}`);
    }
    const complete = await sightings.complete(started + (3 * leastSeconds + 10) * 1000);
    const ended = complete ? sightings.lastFirst() : performance.now();
    const cpuTicks = bot.cpuTicks() - cpuBefore;
    const updatesHandled = fake.handedOut();
    const peakRssMb = peakRss(bot.pid);
    // Late duplicates (a retried send) still count: wait a little, then stop the bot.
    await sleep(2_000);
    const exitCode = await bot.stop();
    sightings.stop();
    const stats = fake.stats();
    const drainSeconds = (ended - started) / 1000;
    return {
      customers,
      perCustomer,
      drainSeconds,
      leastSeconds,
      ratio: drainSeconds / leastSeconds,
      complete,
      limited429: stats.limited_429,
      lost: sightings.lost(),
      duplicated: sightings.duplicated(),
      apiErrors: apiErrors(fake),
      errorKinds: stats.errors,
      cpuMsPerUpdate: cpuTicks * 10 / Math.max(1, updatesHandled),
      updatesHandled,
      deliveredPerAgent: admins.map((id) => fake.deliveries(id).length),
      calls: stats.calls,
      startupMs,
      peakRssMb,
      exitCode,
    };
  } finally {
    if (!bot.exited()) await bot.stop(5_000);
    await fake.close();
  }
}

/** VmHWM of a process, MB. */
export function peakRss(pid: number): number {
  const status = Deno.readTextFileSync(`/proc/${pid}/status`);
  return Number(/^VmHWM:\s+(\d+) kB/m.exec(status)![1]) / 1024;
}

/** Figures of the steady scenario. */
export interface SteadyFigures {
  messages: number;
  perSecond: number;
  /** Per (message, agent) copy, ms from queueing to the fake's answer. */
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** The same for customers' first messages (a new ticket: its card goes first) and later ones. */
  firstP99Ms: number;
  laterP99Ms: number;
  fakeMeanLatencyMs: number;
  limited429: number;
  lost: number;
  duplicated: number;
  apiErrors: number;
  errorKinds: Record<string, number>;
  exitCode: number;
}

/**
 * `customers` customers take turns, one message every `1000 / perSecond` ms in
 * all, for `seconds`; each copy's time from queueing to reaching each agent.
 */
export async function runSteady(
  options: ScenarioOptions & { customers: number; perSecond: number; seconds: number },
): Promise<SteadyFigures> {
  const { customers, perSecond, scale, admins } = options;
  const fake = startFakeTelegram({ token: BENCH_TOKEN, scale, latencyMs: options.latencyMs });
  const bot = startRealBot({
    apiRoot: fake.apiRoot,
    adminIds: admins,
    dataDir: `${options.dir}/data`,
    scale,
    root: options.root,
  });
  try {
    await ready(fake, bot);
    const messages = Math.round(perSecond * options.seconds);
    const tokens = new Set<string>();
    const pushedAt = new Map<string, number>();
    for (let i = 0; i < messages; i++) tokens.add(`s${i % customers}-${Math.floor(i / customers)}`);
    const sightings = new Sightings(fake, admins, tokens);
    const started = performance.now();
    for (let i = 0; i < messages; i++) {
      const wait = started + (i * 1000) / perSecond - performance.now();
      if (wait > 0) await sleep(wait);
      const token = `s${i % customers}-${Math.floor(i / customers)}`;
      pushedAt.set(token, fake.pushText(customer(i % customers), `${token} ${FILLER}`).at);
    }
    await sightings.complete(performance.now() + 10_000);
    await sleep(1_000);
    const exitCode = await bot.stop();
    sightings.stop();
    const latencies: number[] = [];
    const first: number[] = [];
    const later: number[] = [];
    for (const mine of sightings.seen.values()) {
      for (const [token, e] of mine) {
        const ms = e.first - pushedAt.get(token)!;
        latencies.push(ms);
        (token.endsWith("-0") ? first : later).push(ms);
      }
    }
    const stats = fake.stats();
    return {
      messages,
      perSecond,
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      maxMs: Math.max(...latencies),
      firstP99Ms: percentile(first, 99),
      laterP99Ms: percentile(later, 99),
      fakeMeanLatencyMs: stats.meanLatencyMs,
      limited429: stats.limited_429,
      lost: sightings.lost(),
      duplicated: sightings.duplicated(),
      apiErrors: apiErrors(fake),
      errorKinds: stats.errors,
      exitCode,
    };
  } finally {
    if (!bot.exited()) await bot.stop(5_000);
    await fake.close();
  }
}

/** Idle memory of one bot. */
export interface IdleFigures {
  rssMb: number;
  startupMs: number;
}

/**
 * Starts a bot (the real one, or the bare one when `bare`), lets one customer
 * message through, waits until its answer or copies are delivered, rests 2 s
 * and reads VmRSS.
 */
export async function runIdle(options: ScenarioOptions & { bare: boolean }): Promise<IdleFigures> {
  const fake = startFakeTelegram({
    token: BENCH_TOKEN,
    scale: options.scale,
    latencyMs: options.latencyMs,
  });
  Deno.mkdirSync(options.dir, { recursive: true });
  const bot = options.bare
    ? startBareBot(fake.apiRoot, `${options.dir}/bare.kv`, options.dir)
    : startRealBot({
      apiRoot: fake.apiRoot,
      adminIds: options.admins,
      dataDir: `${options.dir}/data`,
      scale: options.scale,
      root: options.root,
    });
  try {
    const startupMs = await ready(fake, bot);
    const from = customer(0);
    const delivered = Promise.withResolvers<void>();
    const wanted = new Set<number>(options.bare ? [from.id] : options.admins);
    const off = fake.onDeliver((message) => {
      if (options.bare || message.text.includes("i0-0")) wanted.delete(message.chatId);
      if (wanted.size === 0) delivered.resolve();
    });
    fake.pushText(from, `i0-0 ${FILLER}`);
    const timer = setTimeout(() => delivered.reject(new Error("No answer within 30 s")), 30_000);
    try {
      await delivered.promise;
    } catch (error) {
      throw new Error(`${(error as Error).message}:\n${bot.output()}`);
    } finally {
      clearTimeout(timer);
      off();
    }
    await sleep(2_000);
    const rssMb = bot.rssMb();
    await bot.stop();
    return { rssMb, startupMs };
  } finally {
    if (!bot.exited()) await bot.stop(5_000);
    await fake.close();
  }
}
