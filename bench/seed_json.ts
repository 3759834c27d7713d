/**
 * The seed's storage approach, re-enacted for comparison: the whole data set
 * is one JSON object (its `data.json` layout, indent 2), rewritten whole on
 * every change, and a new ticket id (`T-YYYYMMDD-NNNN`) is found by scanning
 * every ticket. The inbox and the statistics scan every ticket too.
 *
 * This is the seed's algorithm in TypeScript on V8, not the Python bot itself;
 * V8's JSON is faster than Python's `json.dump`, so these figures flatter it.
 *
 * @module
 */
import { median } from "./report.ts";

/** Tickets created per day in the synthetic history (ours in `fill.ts` and the seed's). */
export const TICKETS_PER_DAY = 25;

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

interface SeedMessage {
  sender: "user" | "admin";
  text: string | null;
  at: string;
}

interface SeedTicket {
  id: string;
  user_id: number;
  username: string | null;
  created_at: string;
  status: "new" | "working" | "done";
  messages: SeedMessage[];
  assigned: number | null;
  last_actor: "user" | "admin" | null;
  last_activity_at: string | null;
  first_response_at: string | null;
  rated: boolean;
  rating: string | null;
  feedback_invited: boolean;
  review_received: boolean;
  suggestion_received: boolean;
}

interface SeedData {
  tickets: Record<string, SeedTicket>;
  users: Record<string, { locale?: string; last_review?: string; thanked?: boolean }>;
}

const iso = (ms: number) => new Date(ms).toISOString().replace("Z", "+00:00");
const dayTag = (ms: number) => new Date(ms).toISOString().slice(0, 10).replaceAll("-", "");

/** The seed's way to pick an id: scan every ticket of the day for the highest counter. */
function nextSeedId(data: SeedData, now: number): string {
  const prefix = `T-${dayTag(now)}-`;
  let highest = 0;
  for (const ticket of Object.values(data.tickets)) {
    if (ticket.id.startsWith(prefix)) highest = Math.max(highest, Number(ticket.id.slice(11)));
  }
  return `${prefix}${String(highest + 1).padStart(4, "0")}`;
}

function seedTicket(id: string, userId: number, created: number, open: boolean): SeedTicket {
  const answered = created + 30 * MINUTE;
  return {
    id,
    user_id: userId,
    username: `customer_${userId}`,
    created_at: iso(created),
    status: open ? "new" : "done",
    messages: open
      ? [{
        sender: "user",
        text: "Hello, the app does not open since the update.",
        at: iso(created),
      }]
      : [
        {
          sender: "user",
          text: "Hello, the app does not open since the update.",
          at: iso(created),
        },
        { sender: "admin", text: "Please try again now, we fixed it.", at: iso(answered) },
        { sender: "user", text: "Thanks, it works now!", at: iso(answered + HOUR) },
        {
          sender: "admin",
          text: "Glad to hear it. Have a nice day!",
          at: iso(answered + 2 * HOUR),
        },
      ],
    assigned: open ? null : 1001,
    last_actor: open ? "user" : "admin",
    last_activity_at: iso(open ? created : answered + 2 * HOUR),
    first_response_at: open ? null : iso(answered),
    rated: !open && userId % 5 < 3,
    rating: !open && userId % 5 < 3 ? ["ok", "good", "excellent"][userId % 3] : null,
    feedback_invited: !open,
    review_received: false,
    suggestion_received: false,
  };
}

/** The seed's data set with `closed` closed and 50 open tickets, same pace as ours. */
export function seedData(closed: number, now: number, perDay: number): SeedData {
  const data: SeedData = { tickets: {}, users: {} };
  const spacing = DAY / perDay;
  const start = now - closed * spacing - 2 * DAY;
  const perDayCount = new Map<string, number>();
  const add = (created: number, userId: number, open: boolean) => {
    const tag = dayTag(created);
    const n = (perDayCount.get(tag) ?? 0) + 1;
    perDayCount.set(tag, n);
    const id = `T-${tag}-${String(n).padStart(4, "0")}`;
    data.tickets[id] = seedTicket(id, userId, created, open);
    data.users[String(userId)] ??= { locale: userId % 3 ? "en" : "ru" };
  };
  const users = Math.max(1, Math.ceil(closed / 3));
  for (let i = 0; i < closed; i++) add(start + i * spacing, 10_000_000 + i % users, false);
  for (let i = 0; i < 50; i++) add(now - (50 - i) * 10 * MINUTE, 20_000_000 + i, true);
  return data;
}

/** The seed's inbox: every ticket scanned, open ones sorted by last activity. */
function seedInbox(data: SeedData): SeedTicket[] {
  return Object.values(data.tickets)
    .filter((ticket) => ticket.status !== "done")
    .sort((a, b) =>
      Date.parse(a.last_activity_at ?? a.created_at) -
      Date.parse(b.last_activity_at ?? b.created_at)
    )
    .slice(0, 8);
}

/** The seed's statistics: every ticket scanned, dates parsed. */
function seedStats(data: SeedData, now: number) {
  const since = now - 30 * DAY;
  const counts = { new: 0, working: 0, done: 0, rated: 0, recent: 0 };
  const responses: number[] = [];
  for (const ticket of Object.values(data.tickets)) {
    counts[ticket.status]++;
    if (ticket.rated) counts.rated++;
    const created = Date.parse(ticket.created_at);
    if (created >= since) {
      counts.recent++;
      if (ticket.first_response_at) responses.push(Date.parse(ticket.first_response_at) - created);
    }
  }
  return { counts, users: Object.keys(data.users).length, median: median(responses) };
}

/** The seed's figures at one size. */
export interface SeedFigures {
  closed: number;
  fileMb: number;
  /** One change: a new id by scanning, the ticket added, data.json rewritten. */
  changeMs: number;
  inboxMs: number;
  statsMs: number;
}

/** Measures the seed's approach with `closed` closed tickets, writing `dir/data-<closed>.json`. */
export async function measureSeed(
  dir: string,
  closed: number,
  options: { now: number; perDay: number; changes: number; reads: number },
): Promise<SeedFigures> {
  const path = `${dir}/data-${closed}.json`;
  const data = seedData(closed, options.now, options.perDay);
  const change = async (i: number) => {
    const id = nextSeedId(data, options.now);
    data.tickets[id] = seedTicket(id, 40_000_000 + i, options.now, true);
    await Deno.writeTextFile(path, JSON.stringify(data, null, 2));
  };
  await change(-1); // warm-up, and the file exists from here on
  const changes: number[] = [];
  for (let i = 0; i < options.changes; i++) {
    const started = performance.now();
    await change(i);
    changes.push(performance.now() - started);
  }
  const time = (work: () => unknown) => {
    const times: number[] = [];
    for (let i = 0; i < options.reads; i++) {
      const started = performance.now();
      work();
      times.push(performance.now() - started);
    }
    return median(times);
  };
  const inboxMs = time(() => seedInbox(data));
  const statsMs = time(() => seedStats(data, options.now));
  const fileMb = (await Deno.stat(path)).size / 1_048_576;
  await Deno.remove(path);
  return { closed, fileMb, changeMs: median(changes), inboxMs, statsMs };
}
