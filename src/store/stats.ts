/**
 * Statistics read from counters and indexes. The cost follows the number of
 * counters and the last 30 days' volume, never the whole history. Per-agent
 * figures come from per-day counters (["agent_day"]) and the agent each
 * ["first_response"] entry names.
 *
 * @module
 */
import { type AgentStatName, dayOf, keys, type StatName } from "./keys.ts";
import { counterValue } from "./counters.ts";
import { readMany } from "./read_many.ts";

/** The statistics screen's figures. */
export interface Stats {
  users: number;
  ticketsTotal: number;
  ticketsNew: number;
  ticketsInProgress: number;
  ticketsClosed: number;
  autoCloseWaiting: number;
  blocked: number;
  ratingsCount: number;
  ratingsAverage: number | null;
  ratingDistribution: { 1: number; 2: number; 3: number };
  feedbackCount: number;
  last30Days: {
    created: number;
    closed: number;
    ratingsAverage: number | null;
    /** Median time from creation to the first support reply, in milliseconds. */
    medianFirstResponseMs: number | null;
    /** Each agent who answered, closed or gave a first response; most answers first. */
    agents: AgentStats[];
  };
}

/** What one agent did in the last 30 days. */
export interface AgentStats {
  agentId: number;
  /** Support messages the agent stored (an album counts once; notes and edits do not). */
  answers: number;
  /** Tickets the agent closed (auto-close is nobody's). */
  closed: number;
  /** Median first-response time of the tickets whose first answer the agent gave. */
  medianFirstResponseMs: number | null;
}

const TOTALS: StatName[] = [
  "users",
  "tickets_total",
  "tickets_new",
  "tickets_in_progress",
  "tickets_closed",
  "tickets_autoclose_waiting",
  "blocked",
  "ratings_count",
  "ratings_sum",
  "rating_1",
  "rating_2",
  "rating_3",
  "feedback_count",
];

const DAY_MS = 86_400_000;

/** Reads the statistics as of `now`. */
export async function readStats(kv: Deno.Kv, now: number): Promise<Stats> {
  const totals = await readCounters(kv, TOTALS);
  const total = (name: StatName) => totals[name] ?? 0;

  // The last 30 days, today included.
  const firstDay = dayOf(now - 29 * DAY_MS);
  const window = { created: 0, closed: 0, ratings_count: 0, ratings_sum: 0 };
  for await (
    const entry of kv.list<Deno.KvU64>({
      start: ["stat_day", firstDay],
      end: ["stat_day", "\uffff"],
    })
  ) {
    const name = entry.key[2] as keyof typeof window;
    if (name in window) window[name] += counterValue(entry.value);
  }
  const agents = new Map<number, { answers: number; closed: number; times: number[] }>();
  const agent = (id: number) => {
    let found = agents.get(id);
    if (!found) agents.set(id, found = { answers: 0, closed: 0, times: [] });
    return found;
  };
  for await (
    const entry of kv.list<Deno.KvU64>({
      start: [...keys.agentDays(), firstDay],
      end: [...keys.agentDays(), "\uffff"],
    })
  ) {
    const [, , agentId, name] = entry.key as [string, string, number, AgentStatName];
    if (name === "answers" || name === "closed") agent(agentId)[name] += counterValue(entry.value);
  }
  const responseTimes: number[] = [];
  for await (
    const entry of kv.list<number | null>({
      start: ["first_response", firstDay],
      end: ["first_response", "\uffff"],
    })
  ) {
    const ms = entry.key[2] as number;
    responseTimes.push(ms);
    // Entries written before agents were recorded hold null: in the overall median only.
    if (typeof entry.value === "number") agent(entry.value).times.push(ms);
  }

  const ratingsCount = total("ratings_count");
  return {
    users: total("users"),
    ticketsTotal: total("tickets_total"),
    ticketsNew: total("tickets_new"),
    ticketsInProgress: total("tickets_in_progress"),
    ticketsClosed: total("tickets_closed"),
    autoCloseWaiting: total("tickets_autoclose_waiting"),
    blocked: total("blocked"),
    ratingsCount,
    ratingsAverage: ratingsCount ? total("ratings_sum") / ratingsCount : null,
    ratingDistribution: { 1: total("rating_1"), 2: total("rating_2"), 3: total("rating_3") },
    feedbackCount: total("feedback_count"),
    last30Days: {
      created: window.created,
      closed: window.closed,
      ratingsAverage: window.ratings_count ? window.ratings_sum / window.ratings_count : null,
      medianFirstResponseMs: median(responseTimes),
      agents: [...agents].map(([agentId, a]) => ({
        agentId,
        answers: a.answers,
        closed: a.closed,
        medianFirstResponseMs: median(a.times),
      })).sort((a, b) => b.answers - a.answers || b.closed - a.closed || a.agentId - b.agentId),
    },
  };
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = values.toSorted((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * Reads a few running totals (one `getMany` per ten names), for screens that
 * need counts without the 30-day window of {@link readStats}.
 */
export async function readCounters<N extends StatName>(
  kv: Deno.Kv,
  names: readonly N[],
): Promise<Record<N, number>> {
  const found = await readMany<N, Deno.KvU64>(kv, names, (name) => keys.stat(name));
  const result = {} as Record<N, number>;
  for (const name of names) result[name] = counterValue(found.get(name));
  return result;
}
