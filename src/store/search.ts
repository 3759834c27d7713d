/**
 * The word index behind `/find`: which tickets contain a word, newest first.
 *
 * Every word of a ticket's messages (and of its customer's name when the
 * ticket is created) gets a key ["search", word, ticketId], written in the
 * same atomic commit as the message ({@link stageSearch}, called by the
 * ticket repository). Words are normalised ({@link normalizeText}: NFKC,
 * lowercase, ё → е) and split on anything that is not a letter, a mark or a
 * digit; one-character words are left out, longer ones cut to
 * {@link SEARCH_LIMITS.wordChars} characters, and a message gives at most
 * {@link SEARCH_LIMITS.wordsPerText} different words, so a message's commit
 * stays far inside Deno KV's 1,000 mutations.
 *
 * A query word matches the indexed words that begin with it (a range of
 * keys); words shorter than {@link SEARCH_LIMITS.prefixChars} match whole
 * words only, and a query word that begins more than
 * {@link SEARCH_LIMITS.expansion} different words uses the first of them (the
 * page says so). Several query words match the tickets that contain all of
 * them: each word's ticket ids are read newest first in growing chunks and
 * intersected by leapfrogging (each list seeks to the newest id the others
 * allow), so a page costs a few range reads however long the history is.
 * The work of one page is capped ({@link SEARCH_LIMITS.reads}); a page that
 * hits the cap says where the next one resumes.
 *
 * Stores written before the index existed are indexed by
 * {@link reindexSearch}, in claimed batches; ["meta", "search_index"] says
 * how far it got.
 *
 * @module
 */
import { keys } from "./keys.ts";
import { commit, whileLocked } from "./locked.ts";
import { KV_LIMITS } from "./limits.ts";
import type { TicketMessage } from "./tickets.ts";
import { usernameKey, type UserRecord } from "./users.ts";

/** The bounds of the index and of one query. */
export const SEARCH_LIMITS = {
  /** Shorter words are not indexed (and not searched). */
  minWordChars: 2,
  /** Longer words are indexed (and searched) by their first this many characters. */
  wordChars: 40,
  /** Different words indexed per message (and per name). */
  wordsPerText: 300,
  /** Query words used; the rest of a longer query is ignored. */
  queryWords: 8,
  /** Query words shorter than this match whole words only. */
  prefixChars: 3,
  /** Different indexed words one query word may stand for. */
  expansion: 50,
  /** Range reads one page may make before it stops and says where to resume. */
  reads: 400,
} as const;

const BIGGEST_CHAR = "\u{10FFFF}";
const WORD = /[\p{L}\p{M}\p{N}]+/gu;

/** Text as the index keeps it: NFKC, lowercase (locale-independent), ё → е. */
export function normalizeText(text: string): string {
  return text.normalize("NFKC").toLowerCase().replaceAll("ё", "е");
}

/**
 * The different index words of `text`, in order of first appearance, at most
 * `limit` of them.
 *
 * @example
 * ```ts
 * searchWords("Где мой ЗАКАЗ? Заказ №42"); // ["где", "мой", "заказ", "42"]
 * ```
 */
export function searchWords(
  text: string | undefined,
  limit: number = SEARCH_LIMITS.wordsPerText,
): string[] {
  const found = new Set<string>();
  if (!text) return [];
  // Split first: NFKC turns some symbols into letters ("№" into "No").
  const normalized = text.match(WORD)?.map(normalizeText).join(" ") ?? "";
  for (const [match] of normalized.matchAll(WORD)) {
    const chars = [...match];
    if (chars.length < SEARCH_LIMITS.minWordChars) continue;
    found.add(
      chars.length > SEARCH_LIMITS.wordChars
        ? chars.slice(0, SEARCH_LIMITS.wordChars).join("")
        : match,
    );
    if (found.size >= limit) break;
  }
  return [...found];
}

/** The words of a customer's name and @username, as a ticket indexes them. */
export function nameText(
  user: Pick<UserRecord, "firstName" | "lastName" | "username"> | null,
): string {
  return user ? [user.firstName, user.lastName, user.username].filter(Boolean).join(" ") : "";
}

/**
 * Adds to `op` the index keys of `texts` (a message's text, a name) for
 * ticket `ticketId`: at most {@link SEARCH_LIMITS.wordsPerText} words of
 * each. Keys that exist already are written again (nothing changes). Returns
 * how many keys were staged.
 */
export function stageSearch(
  op: Deno.AtomicOperation,
  ticketId: number,
  ...texts: (string | undefined)[]
): number {
  const words = new Set(texts.flatMap((text) => searchWords(text)));
  for (const word of words) op.set(keys.search(word, ticketId), null);
  return words.size;
}

/** The index words of a stored message: its text and, when edited, its latest text. */
export function messageTexts(message: Pick<TicketMessage, "text" | "current">): string[] {
  return [message.text ?? "", message.current ?? ""];
}

/** Reads the customer's name (for a new ticket's index words). */
export async function customerNameText(kv: Deno.Kv, userId: number): Promise<string> {
  return nameText((await kv.get<UserRecord>(keys.user(userId))).value);
}

// ---------------------------------------------------------------------------
// Queries

/** What to look for: tickets containing every word, or the tickets of some users. */
export type SearchQuery = { words: string[] } | { userIds: number[] };

/**
 * Which page: tickets with ids at most `older` (newest first), or at least
 * `newer` (the nearest ones above a page, shown newest first too).
 */
export type PageRequest = { older: number } | { newer: number };

/** The first page of a search: the newest results. */
export const FIRST_PAGE: PageRequest = { older: Number.MAX_SAFE_INTEGER };

/** One page of results. */
export interface SearchPage {
  /** Ticket ids, newest first. */
  ticketIds: number[];
  /** Where the next older page starts (inclusive), when there may be one. */
  older?: number;
  /** Where the next newer page starts (inclusive), when there is one. */
  newer?: number;
  /** Query words that begin more indexed words than a query follows. */
  cut: string[];
  /** The page stopped at the work limit: `older` (or `newer`) resumes the scan. */
  stopped: boolean;
}

/** Options of {@link searchTickets}. */
export interface SearchOptions {
  /** Results per page (default 10). */
  limit?: number;
  /** Range reads before the page stops (default {@link SEARCH_LIMITS.reads}). */
  reads?: number;
}

/** Counts the range reads of one page. */
interface Budget {
  reads: number;
  max: number;
}

type Direction = "older" | "newer";

/**
 * The ticket ids under one key prefix ([...prefix, ticketId]), read lazily in
 * one direction in chunks that grow while the reader keeps going.
 */
class Postings {
  #ids: number[] = [];
  #at = 0;
  /** The last read returned everything up to the end of the prefix. */
  #done = false;
  #chunk: number;

  constructor(
    private kv: Deno.Kv,
    private prefix: Deno.KvKey,
    private direction: Direction,
    private budget: Budget,
    firstChunk: number,
  ) {
    this.#chunk = firstChunk;
  }

  #beyond(id: number, bound: number): boolean {
    return this.direction === "older" ? id > bound : id < bound;
  }

  /** The first id at or past `bound` in this direction (bounds only move onwards), or null. */
  async seek(bound: number): Promise<number | null> {
    while (this.#at < this.#ids.length && this.#beyond(this.#ids[this.#at], bound)) this.#at++;
    if (this.#at < this.#ids.length) return this.#ids[this.#at];
    if (this.#done) return null;
    this.budget.reads++;
    const selector: Deno.KvListSelector = this.direction === "older"
      ? { prefix: this.prefix, end: [...this.prefix, bound + 1] }
      : { prefix: this.prefix, start: [...this.prefix, bound] };
    const ids: number[] = [];
    const options = { limit: this.#chunk, reverse: this.direction === "older" };
    for await (const entry of this.kv.list(selector, options)) {
      ids.push(entry.key[this.prefix.length] as number);
    }
    this.#done = ids.length < this.#chunk;
    this.#chunk = Math.min(this.#chunk * 2, 500);
    this.#ids = ids;
    this.#at = 0;
    return ids[0] ?? null;
  }
}

/** Several postings as one: an id any of them holds. */
class Union {
  constructor(private parts: Postings[], private direction: Direction) {}

  async seek(bound: number): Promise<number | null> {
    const heads = (await Promise.all(this.parts.map((part) => part.seek(bound))))
      .filter((id): id is number => id !== null);
    if (heads.length === 0) return null;
    return this.direction === "older" ? Math.max(...heads) : Math.min(...heads);
  }
}

/**
 * The indexed words that begin with `word` (the word itself first), at most
 * {@link SEARCH_LIMITS.expansion}; a word shorter than
 * {@link SEARCH_LIMITS.prefixChars} stands for itself only. Each different
 * word costs one read of one key: the next read starts past all its tickets.
 */
export async function expandWord(
  kv: Deno.Kv,
  word: string,
): Promise<{ words: string[]; cut: boolean }> {
  if ([...word].length < SEARCH_LIMITS.prefixChars) return { words: [word], cut: false };
  const words: string[] = [];
  const end = keys.searchWord(word + BIGGEST_CHAR);
  let start: Deno.KvKey = keys.searchWord(word);
  while (words.length <= SEARCH_LIMITS.expansion) {
    let next: string | undefined;
    for await (const entry of kv.list({ start, end }, { limit: 1 })) next = entry.key[1] as string;
    if (next === undefined) break;
    words.push(next);
    // `true` sorts after every number: the first key of the next word.
    start = [...keys.searchWord(next), true];
  }
  const cut = words.length > SEARCH_LIMITS.expansion;
  return { words: cut ? words.slice(0, SEARCH_LIMITS.expansion) : words, cut };
}

/** The words of a query as the index has them, at most {@link SEARCH_LIMITS.queryWords}. */
export function queryWords(text: string): string[] {
  return searchWords(text, SEARCH_LIMITS.queryWords);
}

/**
 * One page of the tickets that match `query`, `limit` per page, newest
 * first. A `newer` request that finds fewer than a page above its bound
 * returns the first page instead (the newest results), so going back always
 * shows a full page.
 *
 * @example
 * ```ts
 * const first = await searchTickets(kv, { words: queryWords("invoice march") }, FIRST_PAGE);
 * if (first.older) await searchTickets(kv, query, { older: first.older });
 * ```
 */
export async function searchTickets(
  kv: Deno.Kv,
  query: SearchQuery,
  page: PageRequest,
  options: SearchOptions = {},
): Promise<SearchPage> {
  const limit = options.limit ?? 10;
  const direction: Direction = "older" in page ? "older" : "newer";
  const budget: Budget = { reads: 0, max: options.reads ?? SEARCH_LIMITS.reads };
  const cut: string[] = [];
  const prefixes: Deno.KvKey[][] = [];
  if ("words" in query) {
    const words = query.words.slice(0, SEARCH_LIMITS.queryWords);
    const expanded = await Promise.all(words.map((word) => expandWord(kv, word)));
    expanded.forEach((found, i) => {
      if (found.cut) cut.push(words[i]);
      prefixes.push(found.words.map((w) => keys.searchWord(w)));
    });
  } else {
    prefixes.push(query.userIds.map((id) => keys.userTickets(id)));
  }
  const groups = prefixes.map((group) =>
    new Union(group.map((p) => new Postings(kv, p, direction, budget, limit + 1)), direction)
  );
  const start = "older" in page ? page.older : page.newer;
  const { ids, resume } = await intersect(groups, direction, start, limit + 1, budget);
  if (direction === "older") {
    const more = ids.length > limit;
    return {
      ticketIds: ids.slice(0, limit),
      older: resume ?? (more ? ids[limit] : undefined),
      newer: start < Number.MAX_SAFE_INTEGER ? start + 1 : undefined,
      cut,
      stopped: resume !== undefined,
    };
  }
  if (ids.length <= limit && resume === undefined) {
    return await searchTickets(kv, query, FIRST_PAGE, options);
  }
  const shown = ids.slice(0, limit);
  return {
    ticketIds: shown.toReversed(),
    older: start - 1 >= 1 ? start - 1 : undefined,
    newer: resume ?? ids[limit],
    cut,
    stopped: resume !== undefined,
  };
}

/**
 * Up to `want` ids that every group holds, from `start` on in `direction`
 * (leapfrog: each group seeks to the candidate, a group that skips sets a new
 * candidate, and a candidate every group agrees on is a match). `resume` is
 * set when the work limit stopped the scan before it ended.
 */
async function intersect(
  groups: Union[],
  direction: Direction,
  start: number,
  want: number,
  budget: Budget,
): Promise<{ ids: number[]; resume?: number }> {
  const ids: number[] = [];
  if (groups.length === 0) return { ids };
  let candidate = start;
  while (ids.length < want && candidate >= 1) {
    let agreed = 0;
    for (let i = 0; agreed < groups.length; i = (i + 1) % groups.length) {
      if (budget.reads >= budget.max) return { ids, resume: candidate };
      const id = await groups[i].seek(candidate);
      if (id === null) return { ids };
      if (id === candidate) agreed++;
      else {
        candidate = id;
        agreed = 1;
      }
    }
    ids.push(candidate);
    candidate += direction === "older" ? -1 : 1;
  }
  return { ids };
}

// ---------------------------------------------------------------------------
// Building the index of older stores

/** Where {@link reindexSearch} stands, under ["meta", "search_index"]. */
export interface SearchIndexState {
  version: number;
  done: boolean;
  /** Tickets, then users (their @username index). */
  phase: "tickets" | "users";
  /** The next ticket id (or user id) to index. */
  next: number;
  /** The process working on it, until when (renewed with every batch). */
  owner?: string;
  until?: number;
}

/** Bump to rebuild the index of every store at its next start (e.g. after a change of words). */
export const SEARCH_INDEX_VERSION = 1;

/** How long a process's claim on the rebuild lasts without a new batch. */
const LEASE_MS = 60_000;
/** Index keys per commit, far inside Deno KV's limits (1,000 mutations, 800 KiB). */
const KEYS_PER_COMMIT = Math.min(800, KV_LIMITS.mutations - 10);
/** Tickets (or users) read per round of the rebuild. */
const TICKETS_PER_ROUND = 25;

/** The rebuild's state; null before it ever ran. */
export async function getSearchIndexState(kv: Deno.Kv): Promise<SearchIndexState | null> {
  const state = (await kv.get<SearchIndexState>(keys.meta("search_index"))).value;
  return state?.version === SEARCH_INDEX_VERSION ? state : null;
}

/**
 * How far the index of older tickets is built, in percent (0 to 99), or
 * undefined when it is complete.
 */
export async function searchIndexProgress(kv: Deno.Kv): Promise<number | undefined> {
  const [state, seq] = await kv.getMany<[SearchIndexState, Deno.KvU64]>([
    keys.meta("search_index"),
    keys.ticketSeq(),
  ]);
  const current = state.value?.version === SEARCH_INDEX_VERSION ? state.value : null;
  if (current?.done) return undefined;
  if (current?.phase === "users") return 99;
  const last = Number(seq.value?.value ?? 0n);
  const next = current?.next ?? 1;
  return last === 0 ? 0 : Math.min(99, Math.floor((100 * (next - 1)) / last));
}

/** Marks the index complete (a store filled with its index, e.g. a fresh one). */
export async function markSearchIndexDone(kv: Deno.Kv): Promise<void> {
  const state: SearchIndexState = {
    version: SEARCH_INDEX_VERSION,
    done: true,
    phase: "users",
    next: 0,
  };
  await whileLocked(() => kv.set(keys.meta("search_index"), state));
}

/** Options of {@link reindexSearch}. */
export interface ReindexOptions {
  /** This process (the claim's owner). */
  owner: string;
  /** Stop after this long (milliseconds of real time), to go on at the next call. */
  budgetMs?: number;
}

/**
 * Builds the index of tickets (and usernames) written before it existed:
 * stores of older versions, restored old backups. Idempotent and resumable:
 * the ["meta", "search_index"] state advances in the commit of each batch,
 * claimed by one process at a time (a lease renewed with every batch, taken
 * over when it lapses). Tickets written meanwhile are indexed by their own
 * commits, so indexing them again changes nothing. Returns "done" when the
 * index is complete, "busy" when another process is building it, "partial"
 * when the time budget ran out first.
 */
export async function reindexSearch(
  kv: Deno.Kv,
  options: ReindexOptions,
): Promise<"done" | "busy" | "partial"> {
  const deadline = Date.now() + (options.budgetMs ?? Infinity);
  let entry = await kv.get<SearchIndexState>(keys.meta("search_index"));
  for (;;) {
    const current = entry.value?.version === SEARCH_INDEX_VERSION ? entry.value : null;
    if (current?.done) return "done";
    if (current?.owner && current.owner !== options.owner && (current.until ?? 0) > Date.now()) {
      return "busy";
    }
    if (Date.now() >= deadline) return "partial";
    const state: SearchIndexState = current ??
      { version: SEARCH_INDEX_VERSION, done: false, phase: "tickets", next: 1 };
    const round = state.phase === "tickets"
      ? await ticketRound(kv, state.next)
      : await userRound(kv, state.next);
    // Big rounds go in several commits; only the last one moves the state on.
    let versionstamp: string | null = entry.versionstamp;
    for (let i = 0; i < Math.max(1, round.keys.length); i += KEYS_PER_COMMIT) {
      const last = i + KEYS_PER_COMMIT >= round.keys.length;
      const next: SearchIndexState = !last
        ? state
        : round.next !== null
        ? { ...state, next: round.next }
        : state.phase === "tickets"
        ? { ...state, phase: "users", next: 0 }
        : { ...state, done: true };
      const op = kv.atomic().check({ key: keys.meta("search_index"), versionstamp });
      for (const key of round.keys.slice(i, i + KEYS_PER_COMMIT)) op.set(key, null);
      const value = next.done
        ? { version: next.version, done: true, phase: next.phase, next: next.next }
        : { ...next, owner: options.owner, until: Date.now() + LEASE_MS };
      op.set(keys.meta("search_index"), value);
      const result = await commit(op);
      if (!result.ok) break; // another process claimed it: look again
      versionstamp = result.versionstamp;
    }
    entry = await kv.get<SearchIndexState>(keys.meta("search_index"));
  }
}

/** The index keys of up to {@link TICKETS_PER_ROUND} tickets from `from` on. */
async function ticketRound(
  kv: Deno.Kv,
  from: number,
): Promise<{ keys: Deno.KvKey[]; next: number | null }> {
  const tickets: { id: number; userId: number }[] = [];
  for await (
    const entry of kv.list<{ id: number; userId: number }>(
      { prefix: keys.tickets(), start: keys.ticket(from) },
      { limit: TICKETS_PER_ROUND },
    )
  ) tickets.push(entry.value);
  const found: Deno.KvKey[] = [];
  const users = new Map<number, string>();
  for (const ticket of tickets) {
    if (!users.has(ticket.userId)) {
      users.set(ticket.userId, await customerNameText(kv, ticket.userId));
    }
    const words = new Set(searchWords(users.get(ticket.userId)));
    for await (
      const message of kv.list<TicketMessage>({ prefix: keys.ticketMessages(ticket.id) })
    ) {
      for (const text of messageTexts(message.value)) {
        for (const word of searchWords(text)) words.add(word);
      }
    }
    for (const word of words) found.push(keys.search(word, ticket.id));
  }
  const next = tickets.length < TICKETS_PER_ROUND ? null : tickets.at(-1)!.id + 1;
  return { keys: found, next };
}

/** The @username index keys of up to {@link TICKETS_PER_ROUND} × 4 users from `from` on. */
async function userRound(
  kv: Deno.Kv,
  from: number,
): Promise<{ keys: Deno.KvKey[]; next: number | null }> {
  const limit = TICKETS_PER_ROUND * 4;
  const found: Deno.KvKey[] = [];
  let count = 0;
  let last = from;
  for await (
    const entry of kv.list<UserRecord>({ prefix: keys.users(), start: keys.user(from) }, { limit })
  ) {
    count++;
    last = entry.value.id;
    if (entry.value.username) found.push(keys.username(usernameKey(entry.value.username), last));
  }
  return { keys: found, next: count < limit ? null : last + 1 };
}
