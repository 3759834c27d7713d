/**
 * The tickets as CSV (Settings → Export and the `export [file]` sub-command).
 *
 * The file is RFC 4180: comma-separated, fields that hold a comma, a quote, CR
 * or LF are quoted with their quotes doubled, every line ends in CRLF, UTF-8
 * without a byte-order mark (the first line is exactly {@link EXPORT_HEADER}).
 * One row per ticket, oldest first; times are ISO 8601 with TIMEZONE's offset
 * at that instant (`2026-11-24T12:00:00+03:00`), empty when absent.
 *
 * Columns: `user_name` is the customer's display name (first and last name,
 * else @username, else the id; empty when the store has no record of the
 * customer); `username` is the Telegram username without "@" (empty when
 * none); `closed_by` is the closing agent's display name, `auto` for
 * auto-close, empty while open; `rating` 1-3 or empty; `messages` the
 * ticket's message count; `agent` the agent who took the ticket, else the one
 * who answered last, by display name (empty if none).
 *
 * Formula-injection guard: a name cell (user_name, username, closed_by,
 * agent: text people chose) starting with `=`, `+`, `-`, `@`, a tab or CR gets
 * a leading `'`, so a spreadsheet shows it as text instead of running it.
 * Cells the bot writes itself (ids, status, times, counts, `auto`) never
 * start with those characters and are left as they are.
 *
 * Streaming: tickets are read a page at a time (`kv.list` with a limit), the
 * customers and agents of a page in batched `getMany` reads, and each page
 * becomes one chunk; only one page is held in memory. An export covers the
 * tickets that existed when it began ({@link prepareExport}), so its size is
 * known before the first byte and does not grow while new tickets arrive.
 *
 * @module
 */
import type { BotDeps } from "../deps.ts";
import type { Config } from "../config.ts";
import type { Ticket } from "../domain/ticket.ts";
import { keys } from "../store/keys.ts";
import { counterValue } from "../store/counters.ts";
import { getUsers, type UserRecord } from "../store/users.ts";
import { displayName } from "../render/card.ts";
import { offsetAt, zonedParts } from "../time.ts";

/** The header row, in column order. */
export const EXPORT_HEADER = [
  "id",
  "status",
  "user_id",
  "user_name",
  "username",
  "created",
  "first_response",
  "closed",
  "closed_by",
  "rating",
  "messages",
  "agent",
] as const;

/** Tickets read (and held in memory) at a time. */
export const EXPORT_PAGE_SIZE = 500;

/** RFC 4180's line end. */
const CRLF = "\r\n";

/** First characters that make a spreadsheet read a cell as a formula. */
const FORMULA_START = /^[=+\-@\t\r]/;

/** What an export reads: the store and the time zone of its times. */
export type ExportDeps = Pick<BotDeps, "kv"> & { config: Pick<Config, "timezone"> };

/**
 * A cell as RFC 4180 writes it: quoted (quotes doubled) when it holds a
 * comma, a quote, CR or LF; as it is otherwise.
 *
 * @example
 * ```ts
 * csvField('Ann "the boss", Ltd'); // '"Ann ""the boss"", Ltd"'
 * ```
 */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/**
 * A text cell that a spreadsheet would take for a formula (`=`, `+`, `-`,
 * `@`, a tab or CR first) with a `'` in front, so it stays text.
 *
 * @example
 * ```ts
 * guardFormula("=HYPERLINK(\"x\")"); // "'=HYPERLINK(\"x\")"
 * guardFormula("Ann"); // "Ann"
 * ```
 */
export function guardFormula(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/** One CSV line (CRLF included) of the cells in order. */
export function csvLine(cells: readonly string[]): string {
  return cells.map(csvField).join(",") + CRLF;
}

const pad = (value: number, width = 2) => String(value).padStart(width, "0");

/**
 * Instant `ms` as ISO 8601 with the offset `timeZone` has at that instant,
 * to the second: `2026-11-24T12:00:00+03:00` (UTC as `+00:00`).
 */
export function isoWithOffset(ms: number, timeZone: string): string {
  const offset = offsetAt(ms, timeZone);
  const local = new Date(Math.floor(ms / 1000) * 1000 + offset).toISOString().slice(0, 19);
  const minutes = Math.round(Math.abs(offset) / 60_000);
  const sign = offset < 0 ? "-" : "+";
  return `${local}${sign}${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`;
}

/** The default file name of an export made at `ms`: `tickets-2026-11-24-1200.csv` in `timeZone`. */
export function exportFileName(ms: number, timeZone: string): string {
  const { year, month, day, hour, minute } = zonedParts(ms, timeZone);
  return `tickets-${pad(year, 4)}-${pad(month)}-${pad(day)}-${pad(hour)}${pad(minute)}.csv`;
}

/**
 * The cells of one ticket's row, in {@link EXPORT_HEADER}'s order (not yet
 * quoted). `user` is the customer's record (null when unknown); `nameOf`
 * gives an agent's display name.
 */
export function ticketCells(
  ticket: Ticket,
  names: { user: UserRecord | null; nameOf: (agentId: number) => string },
  timeZone: string,
): string[] {
  const time = (ms: number | undefined) => ms === undefined ? "" : isoWithOffset(ms, timeZone);
  const agentName = (id: number | undefined) => id === undefined ? "" : names.nameOf(id);
  const { user } = names;
  return [
    String(ticket.id),
    ticket.status,
    String(ticket.userId),
    guardFormula(user ? displayName(user) : ""),
    guardFormula(user?.username ?? ""),
    time(ticket.createdAt),
    time(ticket.firstResponseAt),
    time(ticket.status === "closed" ? ticket.closedAt : undefined),
    ticket.status !== "closed"
      ? ""
      : ticket.closedBy === "auto"
      ? "auto"
      : guardFormula(agentName(ticket.closedBy)),
    ticket.rating ? String(ticket.rating) : "",
    String(ticket.messageCount),
    guardFormula(agentName(ticket.takenBy ?? ticket.lastRepliedBy)),
  ];
}

/** Options of {@link prepareExport}. */
export interface ExportOptions {
  /** Tickets per page (default {@link EXPORT_PAGE_SIZE}). */
  pageSize?: number;
}

/** An export ready to be streamed, as many times as asked (a retried upload reads it again). */
export interface TicketExport {
  /** Rows the file holds: the tickets that existed when the export began. */
  readonly count: number;
  /** The highest ticket id it covers. */
  readonly lastId: number;
  /**
   * The file in chunks, the header first, then one chunk per page of
   * tickets; each call reads the store afresh. `progress.rows` counts the
   * rows produced so far.
   */
  chunks(progress?: { rows: number }): AsyncGenerator<Uint8Array>;
  /** {@link TicketExport.chunks} as a byte stream (pulled: a page is read when the reader wants it). */
  stream(progress?: { rows: number }): ReadableStream<Uint8Array>;
}

/**
 * Fixes what an export covers: the tickets up to the last id given so far.
 * The id sequence and the ticket total are written in the same commit as
 * every new ticket and tickets are never deleted, so `count` is the number of
 * rows the export will hold.
 */
export async function prepareExport(
  deps: ExportDeps,
  options: ExportOptions = {},
): Promise<TicketExport> {
  const [seq, total] = await deps.kv.getMany<[Deno.KvU64, Deno.KvU64]>([
    keys.ticketSeq(),
    keys.stat("tickets_total"),
  ]);
  const lastId = counterValue(seq.value);
  const count = counterValue(total.value);
  const pageSize = Math.max(1, Math.floor(options.pageSize ?? EXPORT_PAGE_SIZE));
  const chunks = (progress?: { rows: number }) => csvChunks(deps, { lastId, pageSize, progress });
  return {
    count,
    lastId,
    chunks,
    stream: (progress) => ReadableStream.from(chunks(progress)),
  };
}

/** The header and the rows of tickets 1..lastId, one chunk per page. */
async function* csvChunks(
  deps: ExportDeps,
  options: { lastId: number; pageSize: number; progress?: { rows: number } },
): AsyncGenerator<Uint8Array> {
  const { kv } = deps;
  const encoder = new TextEncoder();
  yield encoder.encode(csvLine(EXPORT_HEADER));
  // Agents are few and on many rows: their names are read once per export.
  const agentNames = new Map<number, string>();
  let after = 0;
  while (after < options.lastId) {
    const page: Ticket[] = [];
    const entries = kv.list<Ticket>(
      { start: keys.ticket(after + 1), end: keys.ticket(options.lastId + 1) },
      { limit: options.pageSize, batchSize: options.pageSize },
    );
    for await (const entry of entries) page.push(entry.value);
    if (page.length === 0) break;
    after = page.at(-1)!.id;

    const agentIds = new Set<number>();
    for (const ticket of page) {
      for (const id of [ticket.takenBy ?? ticket.lastRepliedBy, ticket.closedBy]) {
        if (typeof id === "number" && !agentNames.has(id)) agentIds.add(id);
      }
    }
    const users = await getUsers(kv, [...new Set(page.map((t) => t.userId)), ...agentIds]);
    for (const id of agentIds) agentNames.set(id, displayName(users.get(id) ?? null, id));
    const nameOf = (id: number) => agentNames.get(id) ?? String(id);

    let text = "";
    for (const ticket of page) {
      const user = users.get(ticket.userId) ?? null;
      text += csvLine(ticketCells(ticket, { user, nameOf }, deps.config.timezone));
    }
    if (options.progress) options.progress.rows += page.length;
    yield encoder.encode(text);
    if (page.length < options.pageSize) break;
  }
}
