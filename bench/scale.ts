/**
 * Scale: the admin's inbox page, the statistics screen, a new ticket, the
 * auto-close sweep and a search (`/find`), with 1,000 and with 100,000 closed
 * tickets in the store.
 *
 * History is written at a constant 25 tickets a day, so the bigger store is
 * the smaller one with more past (4,000 days instead of 40): both hold the
 * same open tickets and the same last 30 days, and what differs is only how
 * much history lies behind them. Operations are timed alternately on the two
 * stores, many times, and compared by their medians.
 *
 * @module
 */
import "../src/quiet_warnings.ts";
import type { Bot } from "grammy";
import type { Update } from "grammy/types";
import type { BotContext } from "../src/bot/context.ts";
import type { BotDeps } from "../src/deps.ts";
import { inboxPage } from "../src/store/tickets.ts";
import { FIRST_PAGE, queryWords, searchTickets } from "../src/store/search.ts";
import { readStats } from "../src/store/stats.ts";
import { sweepAutoClose } from "../src/jobs/autoclose.ts";
import { ADMINS, BENCH_BOT_INFO, createBenchBot } from "./setup.ts";
import { addOpenTickets, fillHistory } from "./fill.ts";
import { median } from "./report.ts";
import { TICKETS_PER_DAY } from "./seed_json.ts";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** Tickets made due before each timed sweep. */
export const DUE_PER_SWEEP = 20;

/** A filled store with a bot on it. */
export interface ScaleStore {
  closed: number;
  path: string;
  kv: Deno.Kv;
  deps: BotDeps;
  bot: Bot<BotContext>;
  fillSeconds: number;
  lastTicketId: number;
  nextUserId: number;
  nextUpdateId: number;
}

/**
 * Creates `dir/scale-<closed>.kv` with `closed` closed tickets, 30 tickets
 * waiting for support and 20 answered ones (auto-close not yet due).
 */
export async function buildScaleStore(
  dir: string,
  closed: number,
  now: number,
): Promise<ScaleStore> {
  const path = `${dir}/scale-${closed}.kv`;
  const kv = await Deno.openKv(path);
  const started = performance.now();
  const lastClosed = await fillHistory(kv, {
    closed,
    perDay: TICKETS_PER_DAY,
    now,
    firstUserId: 10_000_000,
  });
  const open = await addOpenTickets(kv, {
    lastId: lastClosed,
    waiting: 30,
    answered: 20,
    now,
    dueAt: now + 12 * HOUR,
    firstUserId: 20_000_000,
  });
  const fillSeconds = (performance.now() - started) / 1000;
  const { deps, bot } = await createBenchBot(kv, dir, { now: () => now });
  return {
    closed,
    path,
    kv,
    deps,
    bot,
    fillSeconds,
    lastTicketId: open.at(-1)!,
    nextUserId: 30_000_000,
    nextUpdateId: 1,
  };
}

function adminPress(store: ScaleStore, data: string): Update {
  const admin = { id: ADMINS[0], is_bot: false, first_name: "Agent", language_code: "en" };
  return {
    update_id: store.nextUpdateId++,
    callback_query: {
      id: `q${store.nextUpdateId}`,
      from: admin,
      chat_instance: "admin",
      data,
      message: {
        message_id: 10,
        date: Math.floor(store.deps.clock.now() / 1000),
        chat: { id: admin.id, type: "private", first_name: admin.first_name },
        from: BENCH_BOT_INFO,
        text: "Support desk",
      },
    },
  };
}

/** The query the search figures time: two words, each in most tickets, together in many. */
export const SEARCH_QUERY = "screenshot invoice";

function adminCommand(store: ScaleStore, text: string): Update {
  const admin = { id: ADMINS[0], is_bot: false, first_name: "Agent", language_code: "en" };
  return {
    update_id: store.nextUpdateId++,
    message: {
      message_id: 1,
      date: Math.floor(store.deps.clock.now() / 1000),
      chat: { id: admin.id, type: "private", first_name: admin.first_name },
      from: admin,
      text,
      entities: [{ type: "bot_command", offset: 0, length: text.split(" ")[0].length }],
    },
  };
}

function newTicketMessage(store: ScaleStore): Update {
  const id = store.nextUserId++;
  const from = { id, is_bot: false, first_name: "Newcomer", language_code: "en" };
  return {
    update_id: store.nextUpdateId++,
    message: {
      message_id: 1,
      date: Math.floor(store.deps.clock.now() / 1000),
      chat: { id, type: "private", first_name: from.first_name },
      from,
      text: "Hello, my order has not arrived yet, could you check please?",
    },
  };
}

/** One measured operation: its name and how to run it once on a store. */
interface Operation {
  name: string;
  key?: "inbox" | "stats" | "sweep" | "new_ticket" | "search";
  /** Untimed preparation before each run. */
  prepare?: (store: ScaleStore) => Promise<void>;
  run: (store: ScaleStore) => Promise<unknown>;
  iterations: number;
}

async function armDueTickets(store: ScaleStore): Promise<void> {
  const now = store.deps.clock.now();
  const ids = await addOpenTickets(store.kv, {
    lastId: store.lastTicketId,
    waiting: 0,
    answered: DUE_PER_SWEEP,
    now,
    dueAt: now - MINUTE,
    firstUserId: store.nextUserId,
  });
  store.nextUserId += DUE_PER_SWEEP;
  store.lastTicketId = ids.at(-1)!;
}

const OPERATIONS: Operation[] = [
  {
    name: "inbox page (admin presses Inbox)",
    key: "inbox",
    run: (s) => s.bot.handleUpdate(adminPress(s, "a:inbox:0")),
    iterations: 150,
  },
  {
    name: "statistics (admin presses Statistics)",
    key: "stats",
    run: (s) => s.bot.handleUpdate(adminPress(s, "a:stats:0")),
    iterations: 150,
  },
  {
    name: `auto-close sweep (${DUE_PER_SWEEP} due)`,
    key: "sweep",
    prepare: armDueTickets,
    run: async (s) => {
      const result = await sweepAutoClose(s.deps, s.bot.api);
      if (result.closed.length !== DUE_PER_SWEEP) {
        throw new Error(`The sweep closed ${result.closed.length} of ${DUE_PER_SWEEP} due tickets`);
      }
    },
    iterations: 45,
  },
  {
    name: "new ticket (a user's first message)",
    key: "new_ticket",
    run: (s) => s.bot.handleUpdate(newTicketMessage(s)),
    iterations: 100,
  },
  {
    name: `search (admin sends /find ${SEARCH_QUERY})`,
    key: "search",
    run: (s) => s.bot.handleUpdate(adminCommand(s, `/find ${SEARCH_QUERY}`)),
    iterations: 150,
  },
  {
    name: "store: searchTickets(), first page",
    run: (s) => searchTickets(s.kv, { words: queryWords(SEARCH_QUERY) }, FIRST_PAGE),
    iterations: 300,
  },
  {
    name: "store: searchTickets(), a page deep in history",
    run: (s) => searchTickets(s.kv, { words: queryWords(SEARCH_QUERY) }, { older: 500 }),
    iterations: 300,
  },
  {
    name: "store: inboxPage()",
    run: (s) => inboxPage(s.kv, { offset: 0, limit: 8 }),
    iterations: 300,
  },
  {
    name: "store: readStats()",
    run: (s) => readStats(s.kv, s.deps.clock.now()),
    iterations: 300,
  },
  {
    // The engine's own cost of size: 20 commits of new keys, as many as the sweep's closes,
    // with none of our code. The sweep's ratio is to be read beside this one.
    name: `store: ${DUE_PER_SWEEP} plain commits (no bot code)`,
    run: async (s) => {
      for (let i = 0; i < DUE_PER_SWEEP; i++) {
        await s.kv.set(["bench_plain", crypto.randomUUID()], {
          at: Date.now(),
          text: "x".repeat(200),
        });
      }
    },
    iterations: 45,
  },
];

/** Closes a store's connection (after a moment for work the last update left behind). */
export async function closeScaleStore(store: ScaleStore): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 100));
  store.kv.close();
}

/** Medians of one operation on each store. */
export interface ScaleRow {
  name: string;
  key?: string;
  iterations: number;
  /** Median milliseconds per store, in the order of the stores. */
  medians: number[];
  ratio: number;
}

/**
 * Times every operation on `small` and `large` alternately (which store goes
 * first alternates too) and returns the medians and the large / small ratio.
 */
export async function measureScale(small: ScaleStore, large: ScaleStore): Promise<ScaleRow[]> {
  const rows: ScaleRow[] = [];
  for (const operation of OPERATIONS) {
    const stores = [small, large];
    const times = stores.map(() => [] as number[]);
    const warmUp = Math.min(10, operation.iterations);
    for (let i = 0; i < warmUp + operation.iterations; i++) {
      const order = i % 2 ? [1, 0] : [0, 1];
      for (const index of order) {
        const store = stores[index];
        await operation.prepare?.(store);
        const started = performance.now();
        await operation.run(store);
        const elapsed = performance.now() - started;
        if (i >= warmUp) times[index].push(elapsed);
      }
    }
    for (const store of stores) {
      if (store.deps.runtime.errorCount) {
        throw new Error(`'${operation.name}' failed on the store with ${store.closed} tickets`);
      }
    }
    const medians = times.map((list) => median(list));
    rows.push({
      name: operation.name,
      key: operation.key,
      iterations: operation.iterations,
      medians,
      ratio: medians[1] / medians[0],
    });
  }
  return rows;
}
