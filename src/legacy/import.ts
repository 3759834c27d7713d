/**
 * Importing what was read from the Python bot's folder: first a plan (read
 * only: what would be written, counted), then its application in batched
 * commits through the repositories' stage functions, so records, indexes and
 * counters are exactly what the bot itself writes.
 *
 * Re-running is safe: a ticket whose legacy id is already linked
 * (["legacy_ticket", id]) is skipped, users are merged, not recreated, and
 * every imported ticket is committed with its link and the id sequence, so an
 * import cut short is completed by the next run.
 *
 * @module
 */
import { keys } from "../store/keys.ts";
import { counterValue } from "../store/counters.ts";
import { isStoreEmpty } from "../store/snapshot.ts";
import {
  getOpenTicketIds,
  stageMessageRecord,
  stageNewTicket,
  stageOpenTicketIndex,
} from "../store/tickets.ts";
import { stageRating } from "../store/ratings.ts";
import { getUsers, stageBlockedEntry, stageUser, type UserRecord } from "../store/users.ts";
import {
  findImportedBans,
  findManyByLegacyId,
  stageLegacyBan,
  stageLegacyLink,
} from "../store/legacy.ts";
import { isDeepStrictEqual } from "node:util";
import type { Finding, LegacyTicket } from "./parse.ts";
import type { LegacySource } from "./folder.ts";
import { type ImportedTicket, type LegacyPerson, mapTicket, mergeUser } from "./map.ts";
import { BatchWriter } from "./batch.ts";
import { messageTexts, nameText, stageSearch } from "../store/search.ts";

/** Options of {@link planImport}. */
export interface ImportOptions {
  /** The import time (blocks are dated with it). */
  now: number;
  /** AUTO_CLOSE_AFTER_HOURS. */
  autoCloseHours: number;
  /** ADMIN_ID: never blocked by an import. */
  adminIds: readonly number[];
}

/** A user record to write. */
export interface PlannedUser {
  before: UserRecord | null;
  after: UserRecord;
  /** Set when the import blocks the user. */
  block?: { reason?: string };
}

/** What an import would write, and its figures. */
export interface ImportPlan {
  /** Whether the store held nothing but operations state before. */
  storeEmpty: boolean;
  tickets: ImportedTicket[];
  /** Tickets imported by an earlier run, skipped. */
  alreadyImported: { legacyId: string; ticketId: number }[];
  users: PlannedUser[];
  /**
   * banned.json entries to mark as imported (["legacy_ban", userId]): those
   * no earlier run imported, whether or not the user is blocked already.
   */
  banMarks: { userId: number; reason?: string }[];
  /** Open tickets kept open per user (existing or imported), for the open-ticket index. */
  openTickets: Map<number, number>;
  /** Worth knowing, not wrong: superseded open tickets, admins in banned.json. */
  notes: Finding[];
  counts: ImportCounts;
}

/** The figures of a plan, per kind. */
export interface ImportCounts {
  tickets: { new: number; in_progress: number; closed: number };
  messages: number;
  /** Messages that were media (the old bot kept no media). */
  mediaPlaceholders: number;
  usersNew: number;
  usersUpdated: number;
  languages: { en: number; ru: number };
  ratings: { 1: number; 2: number; 3: number };
  blocks: number;
  feedbackCooldowns: number;
  /** Open tickets whose auto-close is already due: the next auto-close run closes them. */
  autoCloseDue: number;
}

function byCreation(a: LegacyTicket, b: LegacyTicket): number {
  return a.createdAt - b.createdAt ||
    (a.legacyId < b.legacyId ? -1 : a.legacyId > b.legacyId ? 1 : 0);
}

/** Everything the files say about each user. */
function gatherPeople(source: LegacySource, adminIds: readonly number[], notes: Finding[]) {
  const people = new Map<number, LegacyPerson>();
  const person = (userId: number) => {
    let found = people.get(userId);
    if (!found) people.set(userId, found = { userId });
    return found;
  };
  for (const ticket of source.tickets.toSorted(byCreation)) {
    const found = person(ticket.userId);
    found.firstSeenAt ??= ticket.createdAt;
    if (ticket.username) found.username = ticket.username; // the newest wins
  }
  for (const user of source.users) person(user.userId).user = user;
  for (const ban of source.bans) {
    if (adminIds.includes(ban.userId)) {
      notes.push({ where: `user ${ban.userId}`, reason: "is an admin (ADMIN_ID); not blocked" });
    } else person(ban.userId).ban = { reason: ban.reason };
  }
  return people;
}

/**
 * Which tickets stay open: one per user, as the bot keeps it. A user's open
 * ticket in the store wins; else the newest open legacy ticket (the old bot
 * also wrote to the newest). The indexes of `pending` to import as closed.
 */
function supersededTickets(
  pending: LegacyTicket[],
  openInStore: Map<number, number>,
  notes: Finding[],
): Set<number> {
  const kept = new Map<number, LegacyTicket>();
  for (const ticket of pending.toReversed()) {
    if (ticket.status !== "done" && !openInStore.has(ticket.userId) && !kept.has(ticket.userId)) {
      kept.set(ticket.userId, ticket);
    }
  }
  const superseded = new Set<number>();
  pending.forEach((ticket, index) => {
    if (ticket.status === "done" || kept.get(ticket.userId) === ticket) return;
    superseded.add(index);
    const reason = openInStore.has(ticket.userId)
      ? `has an open ticket here (#${openInStore.get(ticket.userId)})`
      : `has a newer open ticket (${kept.get(ticket.userId)!.legacyId})`;
    notes.push({
      where: ticket.legacyId,
      reason: `imported as closed: user ${ticket.userId} ${reason}`,
    });
  });
  return superseded;
}

function countPlan(plan: Omit<ImportPlan, "counts">, now: number) {
  const counts: ImportCounts = {
    tickets: { new: 0, in_progress: 0, closed: 0 },
    messages: 0,
    mediaPlaceholders: 0,
    usersNew: 0,
    usersUpdated: 0,
    languages: { en: 0, ru: 0 },
    ratings: { 1: 0, 2: 0, 3: 0 },
    blocks: 0,
    feedbackCooldowns: 0,
    autoCloseDue: 0,
  };
  for (const { ticket, messages, rating } of plan.tickets) {
    counts.tickets[ticket.status]++;
    counts.messages += messages.length;
    counts.mediaPlaceholders += messages.filter((m) => m.kind === "legacy_media").length;
    if (rating) counts.ratings[rating.stars]++;
    if (ticket.autoCloseAt !== undefined && ticket.autoCloseAt <= now) counts.autoCloseDue++;
  }
  // What this import changes: a second run over the same files counts nothing.
  for (const { before, after, block } of plan.users) {
    if (before) counts.usersUpdated++;
    else counts.usersNew++;
    if (block) counts.blocks++;
    if (after.locale && after.locale !== before?.locale) counts.languages[after.locale]++;
    if (after.lastFeedbackAt !== before?.lastFeedbackAt) counts.feedbackCooldowns++;
  }
  return counts;
}

/** Reads what the store already holds and works out what an import would write. Writes nothing. */
export async function planImport(
  kv: Deno.Kv,
  source: LegacySource,
  options: ImportOptions,
): Promise<ImportPlan> {
  const storeEmpty = await isStoreEmpty(kv);
  const notes: Finding[] = [];
  // An empty store holds nothing to look up: the 10,000-ticket case skips every read.
  const linked = storeEmpty
    ? new Map<string, number>()
    : await findManyByLegacyId(kv, source.tickets.map((ticket) => ticket.legacyId));
  const pending = source.tickets.filter((ticket) => !linked.has(ticket.legacyId))
    .toSorted(byCreation);
  const people = gatherPeople(source, options.adminIds, notes);
  const existingUsers = storeEmpty ? new Map() : await getUsers(kv, [...people.keys()]);
  // An entry imported before is not applied again: an unblock made here since sticks.
  const banned = [...people.values()].filter((person) => person.ban).map((p) => p.userId);
  const importedBans = storeEmpty ? new Set<number>() : await findImportedBans(kv, banned);
  const banMarks: ImportPlan["banMarks"] = [];
  for (const userId of banned) {
    const person = people.get(userId)!;
    if (!importedBans.has(userId)) {
      banMarks.push({ userId, reason: person.ban!.reason });
      continue;
    }
    delete person.ban;
    if (!existingUsers.get(userId)?.blocked) {
      notes.push({
        where: `user ${userId}`,
        reason: "blocked in banned.json, imported before and unblocked here since; not " +
          "blocked again",
      });
    }
  }
  const openInStore = storeEmpty ? new Map<number, number>() : await getOpenTicketIds(
    kv,
    pending.filter((ticket) => ticket.status !== "done").map((ticket) => ticket.userId),
  );
  const superseded = supersededTickets(pending, openInStore, notes);

  const lastId = counterValue((await kv.get<Deno.KvU64>(keys.ticketSeq())).value);
  const tickets = pending.map((legacy, index) =>
    mapTicket(legacy, lastId + 1 + index, {
      autoCloseHours: options.autoCloseHours,
      superseded: superseded.has(index),
    })
  );
  const answeredNew = tickets.filter(({ legacy, ticket }) =>
    legacy.status === "new" && ticket.status === "in_progress"
  );
  if (answeredNew.length > 0) {
    const shown = answeredNew.slice(0, 3).map(({ legacy }) => legacy.legacyId);
    const one = answeredNew.length === 1;
    notes.push({
      where: "status 'new'",
      reason: `${answeredNew.length} answered ${one ? "ticket" : "tickets"} (` +
        `${shown.join(", ")}${answeredNew.length > shown.length ? ", …" : ""}) ` +
        `${one ? "was" : "were"} imported as in progress, as a reply here moves a new ticket`,
    });
  }
  const openTickets = new Map(openInStore);
  for (const { ticket } of tickets) {
    if (ticket.status !== "closed") openTickets.set(ticket.userId, ticket.id);
  }

  const users: PlannedUser[] = [];
  for (const person of people.values()) {
    const before: UserRecord | null = existingUsers.get(person.userId) ?? null;
    const after = mergeUser(person, before, options.now);
    // Merged with nothing, `before` is itself in the same shape: unchanged users are not written.
    if (before && isDeepStrictEqual(mergeUser({ userId: before.id }, before, 0), after)) continue;
    users.push({
      before,
      after,
      block: after.blocked && !before?.blocked ? { reason: person.ban?.reason } : undefined,
    });
  }

  const plan = {
    storeEmpty,
    tickets,
    alreadyImported: [...linked].map(([legacyId, ticketId]) => ({ legacyId, ticketId })),
    users,
    banMarks,
    openTickets,
    notes,
  };
  return { ...plan, counts: countPlan(plan, options.now) };
}

/** What {@link applyImport} did. */
export interface ImportResult {
  tickets: number;
  firstId?: number;
  lastId?: number;
  users: number;
  commits: number;
}

/**
 * Writes a plan: users first (with blocks), then each ticket with its
 * messages, indexes, counters, rating, legacy link and the id sequence as one
 * unit, in order of creation.
 */
export async function applyImport(
  kv: Deno.Kv,
  plan: ImportPlan,
  options: Pick<ImportOptions, "now">,
): Promise<ImportResult> {
  const writer = new BatchWriter(kv);
  const op = writer.op;
  const marks = new Map(plan.banMarks.map((mark) => [mark.userId, mark]));
  const stageMark = (userId: number) => {
    const mark = marks.get(userId);
    if (mark) stageLegacyBan(op, userId, { at: options.now, reason: mark.reason });
    marks.delete(userId);
  };
  for (const user of plan.users) {
    stageUser(op, user.after, user.before);
    if (user.block) {
      stageBlockedEntry(op, user.after.id, { at: options.now, reason: user.block.reason });
    }
    stageMark(user.after.id); // with the block it records
    await writer.endUnit();
  }
  // Users already blocked here (nothing else to write): the mark alone.
  for (const userId of [...marks.keys()]) {
    stageMark(userId);
    await writer.endUnit();
  }
  // The customers' names as written above, for the tickets' search words.
  const names = new Map(plan.users.map((user) => [user.after.id, user.after]));
  const unnamed = plan.tickets.map(({ ticket }) => ticket.userId).filter((id) => !names.has(id));
  for (const [id, user] of await getUsers(kv, unnamed)) if (user) names.set(id, user);
  for (const { legacy, ticket, messages, rating } of plan.tickets) {
    // The search words go first: a ticket too big for one commit writes them ahead.
    const texts = messages.flatMap(messageTexts);
    const words = stageSearch(op, ticket.id, nameText(names.get(ticket.userId) ?? null), ...texts);
    for (const message of messages) stageMessageRecord(op, message);
    stageNewTicket(op, ticket);
    const open = plan.openTickets.get(ticket.userId);
    // A closed ticket staged after the user's open one must not drop its index.
    if (ticket.status === "closed" && open !== undefined && open < ticket.id) {
      stageOpenTicketIndex(op, ticket.userId, open);
    }
    if (rating) stageRating(op, rating);
    stageLegacyLink(op, legacy.legacyId, ticket.id);
    op.set(keys.ticketSeq(), new Deno.KvU64(BigInt(ticket.id)));
    await writer.endUnit({ ahead: words + messages.length });
  }
  await writer.flush();
  return {
    tickets: plan.tickets.length,
    firstId: plan.tickets[0]?.ticket.id,
    lastId: plan.tickets.at(-1)?.ticket.id,
    users: plan.users.length,
    commits: writer.commits,
  };
}
