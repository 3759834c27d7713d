/**
 * A large Python-bot folder, generated: `count` tickets over a year, shaped
 * as release 2.5.8 writes them (ids per day, offsets and microseconds,
 * media as null texts, ratings as words, banned.json as text), and the
 * figures an import of it must produce.
 *
 * @module
 */
import { join } from "node:path";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** What the generated folder holds, counted while writing it. */
export interface GeneratedFigures {
  tickets: number;
  byStatus: { new: number; working: number; done: number };
  /** Of `byStatus.new`, those with an answer: imported as in progress. */
  answeredNew: number;
  messages: number;
  ratings: { 1: number; 2: number; 3: number };
  users: number;
  blocked: number;
  /** Open tickets whose user waits for support. */
  waiting: number;
  /** The legacy id of the ticket whose user waits longest (first in the inbox). */
  longestWaiting: string;
  /** Open tickets answered more than 24 h before `now`. */
  autoCloseDue: number;
}

/** A cheap deterministic pseudo-random sequence (the same folder every run). */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1_664_525 + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

/** Python's `datetime.isoformat()` in UTC+3, microseconds included when there are any. */
function iso(ms: number): string {
  const local = new Date(ms + 3 * HOUR).toISOString(); // 2026-01-01T10:00:00.123Z
  const fraction = local.slice(20, 23);
  return local.slice(0, 19) + (fraction === "000" ? "" : `.${fraction}456`) + "+03:00";
}

const WORDS = ["excellent", "good", "ok"] as const;
const STARS = { excellent: 3, good: 2, ok: 1 } as const;

/** Writes data.json and banned.json for `count` tickets ending before `now` into `folder`. */
export async function writeGeneratedFolder(
  folder: string,
  options: { count: number; now: number },
): Promise<GeneratedFigures> {
  const next = random(7);
  const { count, now } = options;
  const userCount = Math.ceil(count / 3);
  const openFrom = count - 300; // the newest 300 are open, each of another user
  const spacing = (365 * DAY) / count;
  const start = now - 366 * DAY;
  const perDay = new Map<string, number>();
  const tickets: Record<string, unknown> = {};
  const figures: GeneratedFigures = {
    tickets: count,
    byStatus: { new: 0, working: 0, done: 0 },
    answeredNew: 0,
    messages: 0,
    ratings: { 1: 0, 2: 0, 3: 0 },
    users: userCount,
    blocked: 0,
    waiting: 0,
    longestWaiting: "",
    autoCloseDue: 0,
  };
  let longestWait = Infinity;

  for (let i = 0; i < count; i++) {
    const userId = 200_000 + (i % userCount);
    const created = Math.round(start + i * spacing + next() * HOUR) + (i % 7 === 0 ? 123 : 0);
    const day = new Date(created + 3 * HOUR).toISOString().slice(0, 10).replaceAll("-", "");
    const n = (perDay.get(day) ?? 0) + 1;
    perDay.set(day, n);
    const id = `T-${day}-${String(n).padStart(4, "0")}`;
    const length = 1 + Math.floor(next() * 6);
    const messages = [];
    let at = created;
    for (let m = 0; m < length; m++) {
      const sender = m % 2 === 0 ? "user" : "admin";
      messages.push({
        sender,
        text: next() < 0.1 ? null : `Message ${m + 1} of ${id}: ${"text ".repeat(1 + m * 3)}`,
        at: iso(at),
      });
      at += Math.round(10 * 60_000 + next() * 2 * HOUR);
    }
    const last = messages.at(-1)!;
    const lastAt = Date.parse(last.at);
    const status = i < openFrom
      ? "done"
      : last.sender === "user" && next() < 0.5
      ? "new"
      : "working";
    figures.byStatus[status]++;
    if (status === "new" && length > 1) figures.answeredNew++;
    figures.messages += length;
    const word = status === "done" && next() < 0.5 ? WORDS[Math.floor(next() * 3)] : null;
    if (word) figures.ratings[STARS[word]]++;
    if (status !== "done" && last.sender === "user") {
      figures.waiting++;
      // Senders alternate: the user's last message is their first since the last answer.
      if (lastAt < longestWait) [longestWait, figures.longestWaiting] = [lastAt, id];
    }
    if (status !== "done" && last.sender === "admin" && lastAt + 24 * HOUR <= now) {
      figures.autoCloseDue++;
    }
    const firstAnswer = messages.find((message) => message.sender === "admin");
    tickets[id] = {
      id,
      user_id: userId,
      username: `customer_${userId}`,
      created_at: iso(created),
      status,
      messages,
      assigned: length > 1 ? 1001 : null,
      last_actor: last.sender,
      last_activity_at: last.at,
      first_response_at: firstAnswer?.at ?? null,
      rated: word !== null,
      rating: word,
      feedback_invited: status === "done",
      review_received: false,
      suggestion_received: false,
    };
  }

  const users: Record<string, unknown> = {};
  for (let u = 0; u < userCount; u++) {
    users[String(200_000 + u)] = {
      locale: u % 3 === 0 ? "ru" : "en",
      last_review: u % 10 === 0 ? iso(now - u * HOUR) : null,
      last_suggestion: null,
      thanked: false,
    };
  }
  const banned = ["# generated"];
  for (let u = 0; u < userCount; u += 67) {
    banned.push(`${200_000 + u}|spam`);
    figures.blocked++;
  }

  await Deno.writeTextFile(join(folder, "data.json"), JSON.stringify({ tickets, users }, null, 2));
  await Deno.writeTextFile(join(folder, "banned.json"), banned.join("\n") + "\n");
  return figures;
}
