/**
 * Reading the Python bot's files (shared/seed/legacy-data-format.md):
 * `data.json` (tickets and users) and `banned.json` (text `<id>|<reason>`
 * lines, or JSON: a list of ids or an object id → reason).
 *
 * Every record is checked on its own. A bad one becomes a {@link Finding} in
 * `problems` (the import then needs `--skip-invalid`) and is left out; what is
 * only worth knowing goes to `notes`. Pure: no I/O here (see folder.ts).
 *
 * @module
 */
import { type Locale, LOCALES } from "../config.ts";
import { parseLegacyTime } from "./time.ts";
import { duplicates, endOfLeadingValue, memberKeys } from "./json_keys.ts";

/** Who wrote a legacy message (later releases wrote "support" for "admin"). */
export type LegacySender = "user" | "admin";
/** The Python bot's statuses: new, working (in progress), done (closed). */
export type LegacyStatus = "new" | "working" | "done";

/** One message of a legacy ticket; `text` null for media, which the old bot did not keep. */
export interface LegacyMessage {
  sender: LegacySender;
  text: string | null;
  at: number;
}

/** A legacy ticket that passed every check. Times are epoch milliseconds. */
export interface LegacyTicket {
  legacyId: string;
  userId: number;
  username?: string;
  createdAt: number;
  status: LegacyStatus;
  messages: LegacyMessage[];
  assigned?: number;
  lastActor?: LegacySender;
  lastActivityAt?: number;
  firstResponseAt?: number;
  rating?: 1 | 2 | 3;
}

/** What the old bot kept about a user. */
export interface LegacyUser {
  userId: number;
  locale?: Locale;
  /** The later of `last_review` and `last_suggestion`: the feedback cooldown. */
  lastFeedbackAt?: number;
}

/** One entry of banned.json. */
export interface LegacyBan {
  userId: number;
  reason?: string;
}

/** Something about one record: `where` names it (a ticket id, "user 42", "banned.json line 3"). */
export interface Finding {
  where: string;
  reason: string;
}

/** The contents of data.json. */
export interface ParsedData {
  /** How many ticket records the file holds, good and bad. */
  ticketRecords: number;
  tickets: LegacyTicket[];
  users: LegacyUser[];
  problems: Finding[];
  notes: Finding[];
}

/** The contents of banned.json. */
export interface ParsedBans {
  bans: LegacyBan[];
  problems: Finding[];
}

/**
 * A file that is not usable at all (not JSON, truncated, wrong shape). The
 * message reads after the file's name and "is": "data.json is <message>".
 */
export class LegacyFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "LegacyFormatError";
  }
}

const STATUSES: readonly string[] = ["new", "working", "done"];
const RATINGS: Record<string, 1 | 2 | 3> = { excellent: 3, good: 2, ok: 1 };

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A Telegram user id: a positive safe integer (or such a number as a string). */
function userIdOf(value: unknown): number | null {
  const n = typeof value === "string" && /^\d{1,16}$/.test(value.trim())
    ? Number(value.trim())
    : value;
  return typeof n === "number" && Number.isSafeInteger(n) && n > 0 ? n : null;
}

function senderOf(value: unknown): LegacySender | null {
  return value === "user" ? "user" : value === "admin" || value === "support" ? "admin" : null;
}

/** Shows a value from the file in a message, short and on one line. */
function show(value: unknown): string {
  const text = typeof value === "string" ? value : JSON.stringify(value) ?? String(value);
  const flat = text.replace(/\s+/g, " ");
  return `'${flat.length > 40 ? flat.slice(0, 39) + "…" : flat}'`;
}

/** Collects the errors of one record and counts its timestamps without an offset. */
class RecordReader {
  errors: string[] = [];
  naive = 0;
  constructor(private timeZone: string) {}

  /** A required or optional (`null`/absent allowed) timestamp; `prefix` names a part of the record. */
  time(value: unknown, field: string, required: boolean, prefix = ""): number | undefined {
    if (value === undefined || value === null) {
      if (required) this.errors.push(`${prefix}missing field '${field}'`);
      return undefined;
    }
    const parsed = typeof value === "string" ? parseLegacyTime(value, this.timeZone) : null;
    if (!parsed) {
      this.errors.push(`${prefix}'${field}' is not a time: ${show(value)}`);
      return undefined;
    }
    if (parsed.naive) this.naive++;
    return parsed.ms;
  }
}

function readMessages(raw: unknown, reader: RecordReader): LegacyMessage[] {
  if (raw === undefined || raw === null) {
    reader.errors.push("missing field 'messages'");
    return [];
  }
  if (!Array.isArray(raw)) {
    reader.errors.push(`'messages' is not a list: ${show(raw)}`);
    return [];
  }
  const messages: LegacyMessage[] = [];
  raw.forEach((item, index) => {
    const label = `message ${index + 1}`;
    if (!isObject(item)) {
      reader.errors.push(`${label} is not an object`);
      return;
    }
    const sender = senderOf(item.sender);
    if (!sender) reader.errors.push(`${label}: unknown sender ${show(item.sender)}`);
    const text = item.text ?? null;
    if (text !== null && typeof text !== "string") {
      reader.errors.push(`${label}: text is not a string`);
    }
    const at = reader.time(item.at, "at", true, `${label}: `);
    if (sender && at !== undefined && (text === null || typeof text === "string")) {
      messages.push({ sender, text, at });
    }
  });
  return messages;
}

/** Checks one ticket of data.json; the ticket, or the reasons it is refused. */
function readTicket(
  key: string,
  raw: unknown,
  timeZone: string,
): { ticket?: LegacyTicket; errors: string[]; naive: number } {
  const reader = new RecordReader(timeZone);
  const errors = reader.errors;
  if (!isObject(raw)) return { errors: ["not an object"], naive: 0 };
  if (raw.id !== undefined && raw.id !== key) {
    errors.push(`its 'id' ${show(raw.id)} differs from its key`);
  }
  if (key.trim() === "" || key.length > 64) errors.push("the id is empty or too long");
  const userId = userIdOf(raw.user_id);
  if (raw.user_id === undefined || raw.user_id === null) errors.push("missing field 'user_id'");
  else if (userId === null) errors.push(`'user_id' is not a user id: ${show(raw.user_id)}`);
  const createdAt = reader.time(raw.created_at, "created_at", true);
  const status = raw.status;
  if (status === undefined || status === null) errors.push("missing field 'status'");
  else if (typeof status !== "string" || !STATUSES.includes(status)) {
    errors.push(`unknown status ${show(status)} (expected new, working or done)`);
  }
  const messages = readMessages(raw.messages, reader);
  const assigned = userIdOf(raw.assigned) ?? undefined;
  if (raw.assigned !== undefined && raw.assigned !== null && assigned === undefined) {
    errors.push(`'assigned' is not a user id: ${show(raw.assigned)}`);
  }
  let lastActor: LegacySender | undefined;
  if (raw.last_actor !== undefined && raw.last_actor !== null) {
    lastActor = senderOf(raw.last_actor) ?? undefined;
    if (!lastActor) errors.push(`unknown last_actor ${show(raw.last_actor)}`);
  }
  const lastActivityAt = reader.time(raw.last_activity_at, "last_activity_at", false);
  const firstResponseAt = reader.time(raw.first_response_at, "first_response_at", false);
  let rating: 1 | 2 | 3 | undefined;
  if (raw.rating !== undefined && raw.rating !== null) {
    // 2.5.8 wrote excellent/good/ok; later releases a number of stars.
    rating = typeof raw.rating === "string"
      ? RATINGS[raw.rating]
      : [1, 2, 3].includes(raw.rating as number)
      ? raw.rating as 1 | 2 | 3
      : undefined;
    if (!rating) errors.push(`unknown rating ${show(raw.rating)} (expected excellent, good or ok)`);
  }
  if (errors.length > 0 || userId === null || createdAt === undefined) {
    return { errors, naive: reader.naive };
  }
  return {
    ticket: {
      legacyId: key,
      userId,
      username: typeof raw.username === "string" && raw.username ? raw.username : undefined,
      createdAt,
      status: status as LegacyStatus,
      messages,
      assigned,
      lastActor,
      lastActivityAt,
      firstResponseAt,
      rating,
    },
    errors,
    naive: reader.naive,
  };
}

function readUser(
  key: string,
  raw: unknown,
  timeZone: string,
  notes: Finding[],
): { user?: LegacyUser; errors: string[]; naive: number } {
  const reader = new RecordReader(timeZone);
  const userId = /^\d{1,16}$/.test(key) ? userIdOf(key) : null;
  if (userId === null) return { errors: ["the key is not a Telegram user id"], naive: 0 };
  if (raw !== null && !isObject(raw)) return { errors: ["not an object"], naive: 0 };
  const fields = raw ?? {};
  let locale: Locale | undefined;
  if (typeof fields.locale === "string") {
    if ((LOCALES as readonly string[]).includes(fields.locale)) locale = fields.locale as Locale;
    else {
      notes.push({
        where: `user ${userId}`,
        reason: `language ${show(fields.locale)} is not one of ${LOCALES.join(", ")}; ignored`,
      });
    }
  }
  const times = [
    reader.time(fields.last_review, "last_review", false),
    reader.time(fields.last_suggestion, "last_suggestion", false),
  ].filter((at): at is number => at !== undefined);
  if (reader.errors.length > 0) return { errors: reader.errors, naive: reader.naive };
  return {
    user: { userId, locale, lastFeedbackAt: times.length ? Math.max(...times) : undefined },
    errors: [],
    naive: reader.naive,
  };
}

/**
 * Later releases kept the feedback cooldowns apart, as
 * `feedback_cooldowns: { "<user id>": { "<kind>": "<time>" } }`; their latest
 * time joins the user's. Unreadable entries are only noted: the section is not
 * part of the 2.5.8 format.
 */
function mergeCooldowns(
  raw: unknown,
  users: Map<number, LegacyUser>,
  timeZone: string,
  notes: Finding[],
): number {
  if (!isObject(raw)) return 0;
  let naive = 0;
  for (const [key, kinds] of Object.entries(raw)) {
    const userId = userIdOf(key);
    if (userId === null || !isObject(kinds)) {
      notes.push({ where: `feedback_cooldowns ${show(key)}`, reason: "unreadable; ignored" });
      continue;
    }
    for (const value of Object.values(kinds)) {
      const parsed = typeof value === "string" ? parseLegacyTime(value, timeZone) : null;
      if (!parsed) continue;
      if (parsed.naive) naive++;
      const user = users.get(userId) ?? { userId };
      user.lastFeedbackAt = Math.max(user.lastFeedbackAt ?? parsed.ms, parsed.ms);
      users.set(userId, user);
    }
  }
  return naive;
}

/** Why `source` is not JSON, said after "data.json is". */
function invalidJson(source: string, error: unknown): string {
  const end = endOfLeadingValue(source);
  if (end !== null) {
    const line = source.slice(0, end).split("\n").length;
    return `not valid JSON: it has unexpected text after the data (on line ${line})`;
  }
  const looksCut = source.trim() === "" || !/[}\]]\s*$/.test(source);
  return `not valid JSON (${(error as Error).message})${
    looksCut ? ": the file looks truncated" : ""
  }`;
}

/**
 * Reads the text of a data.json (`file` names it in findings: data.json, or
 * data.json.bak). Refuses (with {@link LegacyFormatError}) a text that is not
 * JSON or not shaped like data.json; otherwise returns every good record and a
 * finding for each bad one.
 */
export function parseDataJson(text: string, timeZone: string, file = "data.json"): ParsedData {
  const source = text.replace(/^\uFEFF/, "");
  let root: unknown;
  try {
    root = JSON.parse(source);
  } catch (error) {
    throw new LegacyFormatError(invalidJson(source, error));
  }
  if (!isObject(root)) throw new LegacyFormatError("not a JSON object with 'tickets' and 'users'");
  for (const member of ["tickets", "users"]) {
    if (root[member] !== undefined && !isObject(root[member])) {
      throw new LegacyFormatError(
        `not in the Python bot's format ('${member}' is not an object)`,
      );
    }
  }
  const problems: Finding[] = [];
  const notes: Finding[] = [];
  let naive = 0;
  let naiveTickets = 0;
  const naiveExamples: string[] = [];

  const tickets: LegacyTicket[] = [];
  for (const [key, count] of duplicates(memberKeys(source, "tickets"))) {
    problems.push({
      where: key,
      reason: `the id occurs ${count} times in ${file}; only the last copy can be imported ` +
        `(the one the old bot used)`,
    });
  }
  const ticketEntries = Object.entries((root.tickets ?? {}) as Json);
  for (const [key, raw] of ticketEntries) {
    const result = readTicket(key, raw, timeZone);
    if (result.errors.length > 0) problems.push({ where: key, reason: result.errors.join("; ") });
    if (result.ticket) tickets.push(result.ticket);
    if (result.naive > 0) {
      naive += result.naive;
      naiveTickets++;
      if (naiveExamples.length < 3) naiveExamples.push(key);
    }
  }

  const users = new Map<number, LegacyUser>();
  for (const [key, raw] of Object.entries((root.users ?? {}) as Json)) {
    const result = readUser(key, raw, timeZone, notes);
    naive += result.naive;
    if (result.errors.length > 0) {
      problems.push({ where: `user ${show(key)}`, reason: result.errors.join("; ") });
    }
    if (result.user) users.set(result.user.userId, result.user);
  }
  naive += mergeCooldowns(root.feedback_cooldowns, users, timeZone, notes);

  if (naive > 0) {
    notes.push({
      where: file,
      reason: `${naive} ${naive === 1 ? "timestamp" : "timestamps"} without a UTC offset ` +
        `${naive === 1 ? "was" : "were"} read in TIMEZONE ${timeZone}` +
        (naiveTickets
          ? ` (${naiveTickets} ${naiveTickets === 1 ? "ticket" : "tickets"}, e.g. ` +
            `${naiveExamples.join(", ")})`
          : ""),
    });
  }
  return {
    ticketRecords: ticketEntries.length,
    tickets,
    users: [...users.values()],
    problems,
    notes,
  };
}

/**
 * Reads the text of a banned.json: 2.5.8's `<id>|<reason>` lines (blank lines
 * and `#` comments ignored), or JSON: a list of ids, or an object id → reason.
 */
export function parseBanned(text: string): ParsedBans {
  const source = text.replace(/^\uFEFF/, "");
  const start = source.trimStart()[0];
  if (start === "[" || start === "{") return parseBannedJson(source.trim());
  const bans: LegacyBan[] = [];
  const problems: Finding[] = [];
  // Split untrimmed, so that a problem names the line as an editor numbers it.
  source.split(/\r?\n/).forEach((line, index) => {
    const trimmed = line.trim();
    if (trimmed === "" || trimmed.startsWith("#")) return;
    const [idPart, ...rest] = trimmed.split("|");
    const userId = /^\d+$/.test(idPart.trim()) ? userIdOf(idPart.trim()) : null;
    if (userId === null) {
      problems.push({
        where: `banned.json line ${index + 1}`,
        reason: `${show(idPart.trim())} is not a user id`,
      });
      return;
    }
    bans.push({ userId, reason: rest.join("|").trim() || undefined });
  });
  return { bans, problems };
}

function parseBannedJson(source: string): ParsedBans {
  let root: unknown;
  try {
    root = JSON.parse(source);
  } catch (error) {
    return {
      bans: [],
      problems: [{
        where: "banned.json",
        reason: `not valid JSON (${(error as Error).message}); no block can be imported`,
      }],
    };
  }
  const bans: LegacyBan[] = [];
  const problems: Finding[] = [];
  const entries: [string, unknown, unknown][] = Array.isArray(root)
    ? root.map((id, index) => [`entry ${index + 1}`, id, undefined])
    : Object.entries(root as Json).map(([id, reason]) => [`key ${show(id)}`, id, reason]);
  for (const [label, id, reason] of entries) {
    const userId = userIdOf(id);
    if (userId === null) {
      problems.push({ where: `banned.json ${label}`, reason: `${show(id)} is not a user id` });
      continue;
    }
    bans.push({
      userId,
      reason: typeof reason === "string" && reason.trim() ? reason.trim() : undefined,
    });
  }
  return { bans, problems };
}
