/**
 * The group part: the real program with `SUPPORT_CHAT_ID` set, against the
 * fake Telegram's forum supergroup. One scenario, "group burst": many new
 * customers write at once; how long until the support group shows every text,
 * each in its customer's topic, against the least time the group's limit
 * (20 messages a minute × S) allows.
 *
 * @module
 */
import { startFakeTelegram, TELEGRAM_LIMITS } from "./fake_telegram.ts";
import { BENCH_TOKEN, startRealBot } from "./process.ts";
import {
  apiErrors,
  customer,
  FILLER,
  peakRss,
  ready,
  type ScenarioOptions,
  sleep,
  TOKEN_PATTERN,
} from "./black_box.ts";

/** The support group's id (SUPPORT_CHAT_ID): a forum supergroup of the fake. */
export const SUPPORT_CHAT_ID = -1001234567890;

/** Which customer a topic is for: its name carries the customer's first name, `Customer <n>`. */
const OWNER_PATTERN = /\bCustomer (\d+)\b/;

/** Figures of the group burst. */
export interface GroupBurstFigures {
  customers: number;
  perCustomer: number;
  /** Seconds from queueing until every text is visible in its customer's topic (or to giving up). */
  burstSeconds: number;
  /** The least time the limits allow for the texts as separate messages, seconds. */
  leastSeconds: number;
  ratio: number;
  complete: boolean;
  limited429: number;
  limitedByMethod: Record<string, number>;
  /** Texts never visible in their customer's topic, up to the bot's exit. */
  lost: number;
  /** Texts that landed in the group in more than one message. */
  duplicated: number;
  /** Texts that landed in the group outside their customer's topic (another topic, General). */
  misplaced: number;
  /** Customers whose texts became visible in another order than they sent them. */
  outOfOrder: number;
  /** Customer texts delivered into the agents' private chats (none should be, in group mode). */
  agentChatTexts: number;
  /** Topics created (createForumTopic answered ok). */
  topics: number;
  /** Topics beyond one per customer, or whose name names no customer. */
  duplicateTopics: number;
  /** Customers without a topic at the end. */
  customersWithoutTopic: number;
  /** Renames (editForumTopic answered ok). */
  renames: number;
  /** Messages delivered into the group (not counting topics' service messages). */
  groupMessages: number;
  /** Those messages by how many customer texts each carried ("0": a card without texts). */
  textsPerMessage: Record<string, number>;
  /** Messages the group's limit counted from queueing until done: sends, topic creations, renames. */
  countedUntilDone: number;
  /** The least time the group's limit allows for `countedUntilDone`, seconds. */
  countedLeastSeconds: number;
  apiErrors: number;
  errorKinds: Record<string, number>;
  cpuMsPerUpdate: number;
  updatesHandled: number;
  calls: Record<string, number>;
  startupMs: number;
  peakRssMb: number;
  exitCode: number;
}

/** The least time the group's limit allows for `n` messages, seconds (the burst goes at once). */
export function groupLeastSeconds(n: number, scale: number): number {
  return Math.max(0, n - TELEGRAM_LIMITS.groupBurst) / (TELEGRAM_LIMITS.groupRate * scale);
}

/**
 * `customers` new customers each send `perCustomer` texts; all updates are
 * queued at once (every customer's first message, then every second one…).
 * The bot runs with SUPPORT_CHAT_ID set to the fake's forum supergroup. A
 * text is visible when a message containing it lands in the group in its
 * customer's topic (the topic whose name carries the customer's first name).
 *
 * Throws when the program does not look at the group at start-up (no getChat
 * or getChatMember on SUPPORT_CHAT_ID before its first getUpdates): that code
 * has no group mode.
 */
export async function runGroupBurst(
  options: ScenarioOptions & { customers: number; perCustomer: number },
): Promise<GroupBurstFigures> {
  const { customers, perCustomer, scale, admins } = options;
  const group = SUPPORT_CHAT_ID;
  const fake = startFakeTelegram({
    token: BENCH_TOKEN,
    scale,
    latencyMs: options.latencyMs,
    supportChat: { id: group, title: "Support team" },
  });
  let checked = false;
  const offCall = fake.onCall((method, params) => {
    if (
      (method === "getChat" || method === "getChatMember") &&
      Number(params.chat_id) === group
    ) checked = true;
  });
  const bot = startRealBot({
    apiRoot: fake.apiRoot,
    adminIds: admins,
    dataDir: `${options.dir}/data`,
    scale,
    root: options.root,
    env: { SUPPORT_CHAT_ID: String(group) },
  });
  try {
    const startupMs = await ready(fake, bot);
    offCall();
    if (!checked) {
      throw new Error(
        "the program did not look at SUPPORT_CHAT_ID at start-up (no getChat or getChatMember " +
          "on it before its first getUpdates): this code has no group mode",
      );
    }
    const n = customers * perCustomer;
    const leastSeconds = Math.max(
      groupLeastSeconds(n, scale),
      (n - TELEGRAM_LIMITS.globalBurst) / (TELEGRAM_LIMITS.globalRate * scale),
    );

    // token → [customer, k]
    const expected = new Map<string, [number, number]>();
    for (let c = 0; c < customers; c++) {
      for (let k = 0; k < perCustomer; k++) expected.set(`g${c}-${k}`, [c, k]);
    }
    /** Per token: the first message in its customer's topic, and every group message with it. */
    const visible = new Map<string, { at: number; messageId: number }>();
    const landings = new Map<string, number>();
    const misplaced = new Set<string>();
    let agentChatTexts = 0;
    let missing = expected.size;
    const done = Promise.withResolvers<void>();
    const agents = new Set(admins);
    const textsPerMessage: Record<string, number> = {};
    const off = fake.onDeliver((message) => {
      if (message.service) return;
      const tokens = new Set(
        (message.text.match(TOKEN_PATTERN) ?? []).filter((t) => expected.has(t)),
      );
      if (agents.has(message.chatId)) agentChatTexts += tokens.size;
      if (message.chatId !== group) return;
      textsPerMessage[tokens.size] = (textsPerMessage[tokens.size] ?? 0) + 1;
      const topic = message.threadId === undefined
        ? undefined
        : fake.topic(group, message.threadId);
      const owner = topic && ownerOf(topic.names);
      for (const token of tokens) {
        landings.set(token, (landings.get(token) ?? 0) + 1);
        if (owner !== expected.get(token)![0]) {
          misplaced.add(token);
          continue;
        }
        if (visible.has(token)) continue;
        visible.set(token, { at: message.at, messageId: message.messageId });
        if (--missing === 0) done.resolve();
      }
    });

    const cpuBefore = bot.cpuTicks();
    const started = performance.now();
    for (let k = 0; k < perCustomer; k++) {
      for (let c = 0; c < customers; c++) fake.pushText(customer(c), `g${c}-${k} ${FILLER}`);
    }
    const deadline = started + (3 * leastSeconds + 10) * 1000;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const complete = await Promise.race([
      done.promise.then(() => true),
      new Promise<false>((resolve) =>
        timer = setTimeout(() => resolve(false), deadline - performance.now())
      ),
    ]);
    clearTimeout(timer);
    const ended = complete
      ? Math.max(...[...visible.values()].map((v) => v.at))
      : performance.now();
    const cpuTicks = bot.cpuTicks() - cpuBefore;
    const updatesHandled = fake.handedOut();
    const peakRssMb = peakRss(bot.pid);
    // Late duplicates (a retried send) still count: wait a little, then stop the bot.
    await sleep(2_000);
    const exitCode = await bot.stop();
    off();

    const inGroup = fake.deliveries(group);
    const countedUntilDone = inGroup.filter((m) => m.at >= started && m.at <= ended).length;
    const topics = fake.topics(group);
    const perOwner = new Map<number, number>();
    let unowned = 0;
    for (const topic of topics) {
      const owner = ownerOf(topic.names);
      if (owner === undefined) unowned++;
      else perOwner.set(owner, (perOwner.get(owner) ?? 0) + 1);
    }
    let duplicateTopics = unowned;
    for (const count of perOwner.values()) duplicateTopics += count - 1;
    let customersWithoutTopic = 0;
    for (let c = 0; c < customers; c++) if (!perOwner.has(c)) customersWithoutTopic++;
    let outOfOrder = 0;
    for (let c = 0; c < customers; c++) {
      const ids = Array.from(
        { length: perCustomer },
        (_, k) => visible.get(`g${c}-${k}`)?.messageId,
      )
        .filter((id) => id !== undefined);
      if (ids.some((id, i) => i > 0 && id < ids[i - 1])) outOfOrder++;
    }
    const stats = fake.stats();
    const burstSeconds = (ended - started) / 1000;
    return {
      customers,
      perCustomer,
      burstSeconds,
      leastSeconds,
      ratio: burstSeconds / leastSeconds,
      complete,
      limited429: stats.limited_429,
      limitedByMethod: stats.limitedByMethod,
      lost: missing,
      duplicated: [...landings.values()].filter((count) => count > 1).length,
      misplaced: misplaced.size,
      outOfOrder,
      agentChatTexts,
      topics: topics.length,
      duplicateTopics,
      customersWithoutTopic,
      renames: inGroup.filter((m) => m.method === "editForumTopic").length,
      groupMessages: inGroup.filter((m) => !m.service).length,
      textsPerMessage,
      countedUntilDone,
      countedLeastSeconds: groupLeastSeconds(countedUntilDone, scale),
      apiErrors: apiErrors(fake),
      errorKinds: stats.errors,
      cpuMsPerUpdate: cpuTicks * 10 / Math.max(1, updatesHandled),
      updatesHandled,
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

/** The customer a topic is for, from the first of its names that names one. */
function ownerOf(names: readonly string[]): number | undefined {
  for (const name of names) {
    const match = OWNER_PATTERN.exec(name);
    if (match) return Number(match[1]);
  }
  return undefined;
}
