/**
 * Ticket repository: tickets, their messages and every index that points at them.
 *
 * All index maintenance happens in {@link stageTicket} (used by
 * {@link commitTicket} and every write here), in the same atomic operation as
 * the ticket record, so an index never disagrees with its record.
 * A failed version check is retried with fresh data, never thrown.
 *
 * @module
 */
import { dayOf, keys } from "./keys.ts";
import { decrement, increment } from "./counters.ts";
import { readMany } from "./read_many.ts";
import { inboxPosition, openTicket, type Ticket, type TicketStatus } from "../domain/ticket.ts";

/** What a stored message is. "edit" records a later edit of an earlier message. */
export type MessageKind =
  | "text"
  | "photo"
  | "video"
  | "document"
  | "voice"
  | "audio"
  | "animation"
  | "sticker"
  | "video_note"
  | "album"
  | "edit"
  | "other"
  /** A media message imported from the Python bot, which kept no media: nothing to show. */
  | "legacy_media";

/** A place where a message of a ticket lives in Telegram. */
export interface MessageRef {
  chatId: number;
  messageIds: number[];
}

/** One message of a ticket, under ["ticket_message", ticketId, seq]. */
export interface TicketMessage {
  ticketId: number;
  seq: number;
  /** "in": from the user; "out": from support. */
  direction: "in" | "out";
  kind: MessageKind;
  /** Text or caption, shortened so the record stays far below the 64 KiB value limit. */
  text?: string;
  at: number;
  /** The user's id for "in", the admin's id for "out". */
  authorId: number;
  /** The original message(s) in the sender's chat. */
  source: MessageRef;
  /** Copies the bot delivered (admin chats for "in", the user's chat for "out"). */
  copies: MessageRef[];
}

/** What a delivered copy or an original message points back to, under ["copy", chat, id]. */
export interface CopyLink {
  ticketId: number;
  seq: number;
}

/** The content of a new message, before it gets its sequence number. */
export type NewMessage = Omit<TicketMessage, "ticketId" | "seq" | "copies">;

/** The longest text kept in a message record. */
export const STORED_TEXT_LIMIT = 8_000;

const MAX_ATTEMPTS = 1000;

/** Reads one ticket. */
export async function getTicket(kv: Deno.Kv, ticketId: number): Promise<Ticket | null> {
  return (await kv.get<Ticket>(keys.ticket(ticketId))).value;
}

/** Reads several tickets in as few round trips as Deno KV allows (10 keys each). */
export async function getTickets(kv: Deno.Kv, ticketIds: number[]): Promise<Ticket[]> {
  const found = await readMany<number, Ticket>(kv, ticketIds, keys.ticket);
  return ticketIds.flatMap((id) => found.get(id) ?? []);
}

/** The open ticket of a user, if any. */
export async function getOpenTicket(kv: Deno.Kv, userId: number): Promise<Ticket | null> {
  const open = await kv.get<number>(keys.openTicket(userId));
  return open.value === null ? null : await getTicket(kv, open.value);
}

/** Reads one ticket with its version, for a later version-checked write. */
export async function getTicketEntry(
  kv: Deno.Kv,
  ticketId: number,
): Promise<Deno.KvEntryMaybe<Ticket>> {
  return await kv.get<Ticket>(keys.ticket(ticketId));
}

/** Reads up to ten tickets with their versions in one round trip, in the order of `ticketIds`. */
export async function getTicketEntries(
  kv: Deno.Kv,
  ticketIds: number[],
): Promise<Deno.KvEntryMaybe<Ticket>[]> {
  return await kv.getMany<Ticket[]>(ticketIds.map(keys.ticket));
}

/** A user's open ticket as read: the index entry, and the ticket's entry when indexed. */
export interface OpenTicketRead {
  index: Deno.KvEntryMaybe<number>;
  ticket: Deno.KvEntryMaybe<Ticket> | null;
}

/** The keys {@link readForUserMessage} reads first: the message's link and the open-ticket index. */
export function userMessageKeys(
  userId: number,
  source: { chatId: number; messageId: number },
): [Deno.KvKey, Deno.KvKey] {
  return [keys.copy(source.chatId, source.messageId), keys.openTicket(userId)];
}

/**
 * What a user's new message meets, in as few round trips as possible: the
 * ticket the message is already stored in (a link, when the update is handled
 * again after a crash) and the user's open ticket. Pass `open` on to
 * {@link addUserMessage}, which then starts from it instead of reading again.
 * `first` are the entries of {@link userMessageKeys} when the caller has read
 * them already.
 */
export async function readForUserMessage(
  kv: Deno.Kv,
  userId: number,
  source: { chatId: number; messageId: number },
  first?: [Deno.KvEntryMaybe<CopyLink>, Deno.KvEntryMaybe<number>],
): Promise<{ link: CopyLink | null; open: OpenTicketRead }> {
  const [link, index] = first ??
    await kv.getMany<[CopyLink, number]>(userMessageKeys(userId, source));
  const ticket = index.value === null ? null : await getTicketEntry(kv, index.value);
  return { link: link.value, open: { index, ticket } };
}

/** The ticket a message in an admin or user chat belongs to (a delivered copy or an original). */
export async function findByCopy(
  kv: Deno.Kv,
  chatId: number,
  messageId: number,
): Promise<CopyLink | null> {
  return (await kv.get<CopyLink>(keys.copy(chatId, messageId))).value;
}

/** {@link findByCopy} for up to ten messages of one chat, in one round trip, in order. */
export async function findByCopies(
  kv: Deno.Kv,
  chatId: number,
  messageIds: number[],
): Promise<(CopyLink | null)[]> {
  const entries = await kv.getMany<CopyLink[]>(messageIds.map((id) => keys.copy(chatId, id)));
  return entries.map((entry) => entry.value);
}

function shorten(message: NewMessage): NewMessage {
  return message.text && message.text.length > STORED_TEXT_LIMIT
    ? { ...message, text: message.text.slice(0, STORED_TEXT_LIMIT) + "…" }
    : message;
}

/**
 * A stored message waiting for its first delivered copy, under
 * ["undelivered", ticketId, seq]: written with the message, deleted by
 * {@link recordCopies}. `attemptAt` is when a redelivery last claimed it.
 */
export interface UndeliveredMark {
  at: number;
  attemptAt?: number;
}

/** The links of a new message's source, and its undelivered mark (same commit as the message). */
function linkSource(op: Deno.AtomicOperation, message: TicketMessage): void {
  for (const id of message.source.messageIds) {
    op.set(keys.copy(message.source.chatId, id), { ticketId: message.ticketId, seq: message.seq });
  }
  op.set(keys.undelivered(message.ticketId, message.seq), { at: message.at } as UndeliveredMark);
}

/** Result of {@link addUserMessage}: the ticket after the message and whether it was created. */
export interface UserMessageResult {
  ticket: Ticket;
  message: TicketMessage;
  created: boolean;
  /** The message record's version (see {@link recordCopies}). */
  versionstamp: string;
}

/** How {@link addUserMessage} changes the ticket, and what else a new ticket's commit does. */
export interface UserMessageHooks {
  /** The transition of an open ticket (e.g. afterUserMessage). */
  onExisting: (ticket: Ticket) => Ticket;
  /** More mutations in a new ticket's atomic operation (e.g. forgetting a pending input). */
  onCreate?: (op: Deno.AtomicOperation) => void;
}

/**
 * Stores a user's message: in the user's open ticket when there is one, else in a
 * new ticket whose id is the next consecutive integer. Safe under concurrency:
 * the sequence and the open-ticket index are version-checked together.
 * `open` is the user's open ticket as the caller just read it
 * ({@link readForUserMessage}); a stale one only costs a retry.
 */
export async function addUserMessage(
  kv: Deno.Kv,
  userId: number,
  content: NewMessage,
  hooks: UserMessageHooks,
  open?: OpenTicketRead,
): Promise<UserMessageResult> {
  const stored = shorten(content);
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    if (attempt >= 5) await backoff(attempt);
    const read = attempt === 0 && open ? open : await readOpenTicket(kv, userId);
    const ticketEntry = read.ticket;
    if (ticketEntry?.value && ticketEntry.value.status !== "closed") {
      const after = hooks.onExisting(ticketEntry.value);
      const message: TicketMessage = {
        ...stored,
        ticketId: after.id,
        seq: after.messageCount,
        copies: [],
      };
      const op = kv.atomic().check(read.index);
      stageTicket(op, ticketEntry, after);
      op.set(keys.ticketMessage(after.id, message.seq), message);
      linkSource(op, message);
      const result = await op.commit();
      if (result.ok) {
        return { ticket: after, message, created: false, versionstamp: result.versionstamp };
      }
      continue;
    }
    // New tickets in this process take turns on the id sequence, so they do
    // not all collide on it; the version checks still guard other processes.
    const index = read.index;
    const created = await allocationLock(kv, () => createTicket(kv, userId, stored, hooks, index));
    if (created) return created;
  }
  throw new Error(`Could not store a message of user ${userId}: too much contention`);
}

async function readOpenTicket(kv: Deno.Kv, userId: number): Promise<OpenTicketRead> {
  const index = await kv.get<number>(keys.openTicket(userId));
  const ticket = index.value === null ? null : await getTicketEntry(kv, index.value);
  return { index, ticket };
}

/**
 * The last ticket id this process allocated on a store, with the version of
 * that commit: the next allocation starts from it instead of reading the
 * sequence. If another process allocated meanwhile, the version check fails
 * and the sequence is read again.
 */
const lastAllocated = new WeakMap<Deno.Kv, Deno.KvEntry<Deno.KvU64>>();

async function createTicket(
  kv: Deno.Kv,
  userId: number,
  stored: NewMessage,
  hooks: UserMessageHooks,
  index: Deno.KvEntryMaybe<number>,
): Promise<UserMessageResult | null> {
  const last = lastAllocated.get(kv);
  // The caller read the open-ticket index; a stale one fails its check below.
  const [seqEntry, openEntry] = last && index.value === null
    ? [last, index]
    : await kv.getMany<[Deno.KvU64, number]>([keys.ticketSeq(), keys.openTicket(userId)]);
  if (openEntry.value !== null) return null;
  const id = Number(seqEntry.value?.value ?? 0n) + 1;
  const ticket = openTicket(id, userId, stored.at);
  const message: TicketMessage = { ...stored, ticketId: id, seq: 1, copies: [] };
  const op = kv.atomic()
    .check(seqEntry)
    .check(openEntry)
    .check({ key: keys.ticket(id), versionstamp: null })
    .set(keys.ticketSeq(), new Deno.KvU64(BigInt(id)))
    .set(keys.ticketMessage(id, 1), message);
  linkSource(op, message);
  stageNewTicket(op, ticket);
  hooks.onCreate?.(op);
  const result = await op.commit();
  if (!result.ok) {
    lastAllocated.delete(kv);
    return null;
  }
  lastAllocated.set(kv, {
    key: keys.ticketSeq(),
    value: new Deno.KvU64(BigInt(id)),
    versionstamp: result.versionstamp,
  });
  return { ticket, message, created: true, versionstamp: result.versionstamp };
}

const allocationQueues = new WeakMap<Deno.Kv, Promise<unknown>>();

/** Runs `task` after the previous id allocation on the same store has finished. */
function allocationLock<T>(kv: Deno.Kv, task: () => Promise<T>): Promise<T> {
  const previous = allocationQueues.get(kv) ?? Promise.resolve();
  const result = previous.then(task, task);
  allocationQueues.set(kv, result.catch(() => {}));
  return result;
}

/** A short random pause after repeated conflicts (other processes on the same store). */
function backoff(attempt: number): Promise<void> {
  const ms = Math.min(100, 2 ** Math.min(attempt - 4, 6)) * Math.random();
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Writes `after` in place of `before` (null for a new ticket) with every index
 * and counter that follows from the change, plus `extra` mutations, in one
 * atomic operation. Returns false when `before` changed meanwhile.
 */
export async function commitTicket(
  _kv: Deno.Kv,
  before: Deno.KvEntryMaybe<Ticket> | null,
  after: Ticket,
  op: Deno.AtomicOperation,
  extra?: (op: Deno.AtomicOperation) => void,
): Promise<boolean> {
  stageTicket(op, before, after);
  extra?.(op);
  return (await op.commit()).ok;
}

/**
 * Adds to `op` a message record with no Telegram original (an imported one):
 * no reply links and no ["undelivered"] mark, so nothing ever tries to deliver it.
 */
export function stageMessageRecord(op: Deno.AtomicOperation, message: TicketMessage): void {
  op.set(keys.ticketMessage(message.ticketId, message.seq), message);
}

/**
 * Adds to `op` the user's open-ticket index. {@link stageTicket} removes it
 * when a ticket is staged as closed; an import that stages an older closed
 * ticket after the user's open one puts it back with this.
 */
export function stageOpenTicketIndex(
  op: Deno.AtomicOperation,
  userId: number,
  ticketId: number,
): void {
  op.set(keys.openTicket(userId), ticketId);
}

/** The open ticket ids of several users, ten per round trip; users without one are left out. */
export async function getOpenTicketIds(
  kv: Deno.Kv,
  userIds: readonly number[],
): Promise<Map<number, number>> {
  return await readMany<number, number>(kv, userIds, keys.openTicket);
}

/**
 * Adds to `op` a new ticket: what only a creation writes (the user's ticket
 * index, the created counters) and everything {@link stageTicket} writes. The
 * caller keeps ["ticket_seq"] and the ticket's messages.
 */
export function stageNewTicket(op: Deno.AtomicOperation, ticket: Ticket): void {
  op.set(keys.userTicket(ticket.userId, ticket.id), null);
  increment(op, keys.stat("tickets_total"));
  increment(op, keys.statDay(dayOf(ticket.createdAt), "created"));
  stageTicket(op, null, ticket);
}

/**
 * Adds to `op` the write of `after` in place of `before` (null for a new
 * ticket): the version check of `before`, the record, and every index and
 * counter that follows from the change. Several tickets may be staged in one
 * operation (the auto-close sweep does); {@link commitTicket} stages one and commits.
 */
export function stageTicket(
  op: Deno.AtomicOperation,
  before: Deno.KvEntryMaybe<Ticket> | null,
  after: Ticket,
): void {
  const old = before?.value ?? null;
  if (before) op.check(before);
  op.set(keys.ticket(after.id), after);

  const oldInbox = old ? inboxPosition(old) : undefined;
  const newInbox = inboxPosition(after);
  if (oldInbox && (oldInbox.rank !== newInbox?.rank || oldInbox.sortTime !== newInbox.sortTime)) {
    op.delete(keys.inbox(oldInbox.rank, oldInbox.sortTime, after.id));
  }
  // The entry holds a copy of the ticket, so that an inbox page is one range read.
  if (newInbox) op.set(keys.inbox(newInbox.rank, newInbox.sortTime, after.id), after);

  if (old?.autoCloseAt !== undefined && old.autoCloseAt !== after.autoCloseAt) {
    op.delete(keys.autoCloseDue(old.autoCloseAt, after.id));
  }
  if (after.autoCloseAt !== undefined) op.set(keys.autoCloseDue(after.autoCloseAt, after.id), null);
  if ((old?.autoCloseAt !== undefined) !== (after.autoCloseAt !== undefined)) {
    (after.autoCloseAt !== undefined ? increment : decrement)(
      op,
      keys.stat("tickets_autoclose_waiting"),
    );
  }

  if (old?.status !== after.status) {
    if (old) decrement(op, keys.stat(statusStat(old.status)));
    increment(op, keys.stat(statusStat(after.status)));
  }
  if (after.status === "closed" && old?.status !== "closed") {
    op.delete(keys.openTicket(after.userId));
    increment(op, keys.statDay(dayOf(after.closedAt ?? after.lastActivityAt), "closed"));
  } else if (!old) {
    op.set(keys.openTicket(after.userId), after.id);
  }

  if (after.firstResponseAt !== undefined && old?.firstResponseAt === undefined) {
    op.set(
      keys.firstResponse(
        dayOf(after.firstResponseAt),
        after.firstResponseAt - after.createdAt,
        after.id,
      ),
      null,
    );
  }
}

function statusStat(status: TicketStatus) {
  return status === "new"
    ? "tickets_new"
    : status === "in_progress"
    ? "tickets_in_progress"
    : "tickets_closed";
}

/**
 * Applies `change` to a ticket and commits it with its indexes, retrying on
 * concurrent changes. `change` returns null to leave the ticket as it is.
 * Returns the ticket before and after (and the commit's version), or null when
 * the ticket does not exist or `change` declined. `current` is the ticket's
 * entry when the caller has just read it ({@link getTicketEntry}); a stale one
 * only costs a retry.
 */
export async function updateTicket(
  kv: Deno.Kv,
  ticketId: number,
  change: (ticket: Ticket) => Ticket | null,
  extra?: (op: Deno.AtomicOperation, after: Ticket, before: Ticket) => void,
  current?: Deno.KvEntryMaybe<Ticket>,
): Promise<{ before: Ticket; after: Ticket; versionstamp: string } | null> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const entry = attempt === 0 && current ? current : await getTicketEntry(kv, ticketId);
    if (!entry.value) return null;
    const after = change(entry.value);
    if (after === null) return null;
    const before = entry.value;
    const op = kv.atomic();
    stageTicket(op, entry, after);
    extra?.(op, after, before);
    const result = await op.commit();
    if (result.ok) return { before, after, versionstamp: result.versionstamp };
  }
  throw new Error(`Could not update ticket #${ticketId}: too much contention`);
}

/**
 * Stores a support message on a ticket together with the ticket transition
 * (`change`, e.g. afterSupportMessage) and `extra` mutations (e.g. leaving
 * reply mode), in one atomic operation. Returns null when the ticket does not
 * exist or `change` declined (for instance because it is closed); then nothing
 * was written. `current` is the ticket's entry when the caller has just read it
 * (a stale one only costs a retry).
 */
export async function addSupportMessage(
  kv: Deno.Kv,
  ticketId: number,
  content: NewMessage,
  change: (ticket: Ticket) => Ticket | null,
  extra?: (op: Deno.AtomicOperation) => void,
  current?: Deno.KvEntryMaybe<Ticket>,
): Promise<
  { ticket: Ticket; before: Ticket; message: TicketMessage; versionstamp: string } | null
> {
  const stored = shorten(content);
  let message: TicketMessage | undefined;
  const result = await updateTicket(kv, ticketId, change, (op, after) => {
    message = { ...stored, ticketId, seq: after.messageCount, copies: [] };
    op.set(keys.ticketMessage(ticketId, message.seq), message);
    linkSource(op, message);
    extra?.(op);
  }, current);
  return result && message
    ? { ticket: result.after, before: result.before, message, versionstamp: result.versionstamp }
    : null;
}

/**
 * Stores a later edit of one of the user's messages as a message of kind
 * "edit" on an open ticket; the original record stays as it was, so nothing
 * the user wrote is lost. The turn and the times do not change: an edit is not
 * a new message. Returns null when the ticket is missing or closed.
 */
export async function addEditMessage(
  kv: Deno.Kv,
  ticketId: number,
  content: NewMessage,
): Promise<{ ticket: Ticket; message: TicketMessage } | null> {
  const stored = shorten({ ...content, kind: "edit" });
  let message: TicketMessage | undefined;
  const result = await updateTicket(
    kv,
    ticketId,
    (ticket) =>
      ticket.status === "closed" ? null : { ...ticket, messageCount: ticket.messageCount + 1 },
    (op, after) => {
      message = { ...stored, ticketId, seq: after.messageCount, copies: [] };
      // The source message keeps pointing at its original record.
      op.set(keys.ticketMessage(ticketId, message.seq), message);
    },
  );
  return result && message ? { ticket: result.after, message } : null;
}

/** A message record as this process last wrote it, with that write's version. */
export interface WrittenMessage {
  message: TicketMessage;
  versionstamp: string;
}

/**
 * Records where a message was delivered, so that a Telegram reply to any copy
 * finds its ticket (also after a restart). With `written` (the record as the
 * caller stored it) this is a single commit, checked against that version; if
 * the record changed meanwhile (an album item was added) it is read and
 * written again as usual.
 */
export async function recordCopies(
  kv: Deno.Kv,
  ticketId: number,
  seq: number,
  copies: MessageRef[],
  written?: WrittenMessage,
): Promise<void> {
  if (copies.length === 0) return;
  const key = keys.ticketMessage(ticketId, seq);
  const known = written?.message.ticketId === ticketId && written.message.seq === seq
    ? { key, value: written.message, versionstamp: written.versionstamp }
    : undefined;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const entry = attempt === 0 && known ? known : await kv.get<TicketMessage>(key);
    if (!entry.value) return;
    const op = kv.atomic().check(entry).set(key, {
      ...entry.value,
      copies: [...entry.value.copies, ...copies],
    });
    for (const copy of copies) {
      for (const id of copy.messageIds) op.set(keys.copy(copy.chatId, id), { ticketId, seq });
    }
    // Delivered at least once: nothing left for services/redeliver.ts.
    op.delete(keys.undelivered(ticketId, seq));
    if ((await op.commit()).ok) return;
  }
  throw new Error(`Could not record the copies of #${ticketId}/${seq}`);
}

/** Stored messages still waiting for a first delivered copy, with their marks' versions. */
export async function listUndelivered(
  kv: Deno.Kv,
  limit = 500,
): Promise<{ ticketId: number; seq: number; entry: Deno.KvEntry<UndeliveredMark> }[]> {
  const found = [];
  for await (
    const entry of kv.list<UndeliveredMark>({ prefix: keys.undeliveredAll() }, { limit })
  ) {
    found.push({ ticketId: entry.key[1] as number, seq: entry.key[2] as number, entry });
  }
  return found;
}

/**
 * Claims an undelivered mark for a redelivery attempt at `now` (version
 * checked: of two processes only one wins). False when it changed or is gone.
 */
export async function claimUndelivered(
  kv: Deno.Kv,
  entry: Deno.KvEntry<UndeliveredMark>,
  now: number,
): Promise<boolean> {
  const result = await kv.atomic().check(entry)
    .set(entry.key, { ...entry.value, attemptAt: now } as UndeliveredMark).commit();
  return result.ok;
}

/** Gives up delivering a message (the user blocked the bot, or it is too old to retry). */
export async function dropUndelivered(kv: Deno.Kv, ticketId: number, seq: number): Promise<void> {
  await kv.delete(keys.undelivered(ticketId, seq));
}

/** One message of a ticket. */
export async function getMessage(
  kv: Deno.Kv,
  ticketId: number,
  seq: number,
): Promise<TicketMessage | null> {
  return (await kv.get<TicketMessage>(keys.ticketMessage(ticketId, seq))).value;
}

/** The last `limit` messages of a ticket, oldest first. */
export async function lastMessages(
  kv: Deno.Kv,
  ticketId: number,
  limit: number,
): Promise<TicketMessage[]> {
  const found: TicketMessage[] = [];
  for await (
    const entry of kv.list<TicketMessage>({ prefix: keys.ticketMessages(ticketId) }, {
      reverse: true,
      limit,
    })
  ) found.push(entry.value);
  return found.reverse();
}

/**
 * One inbox page: open tickets, those where the user waits first. The index
 * entries carry the tickets (written with them); entries written before they
 * did hold null, and those tickets are read.
 */
export async function inboxPage(
  kv: Deno.Kv,
  options: { offset: number; limit: number },
): Promise<{ tickets: Ticket[]; hasMore: boolean }> {
  const found: (Ticket | number)[] = [];
  let index = 0;
  for await (
    const entry of kv.list<Ticket | null>({ prefix: keys.inboxAll() }, {
      limit: options.offset + options.limit + 1,
    })
  ) {
    if (index++ < options.offset) continue;
    const id = entry.key[3] as number;
    found.push(entry.value?.id === id ? entry.value : id);
  }
  const hasMore = found.length > options.limit;
  const page = found.slice(0, options.limit);
  const unread = page.filter((item): item is number => typeof item === "number");
  const read = new Map((await getTickets(kv, unread)).map((ticket) => [ticket.id, ticket]));
  const tickets = page.flatMap((item) => {
    const ticket = typeof item === "number" ? read.get(item) : item;
    return ticket ? [ticket] : [];
  });
  return { tickets, hasMore };
}

/** Ids of tickets whose auto-close is due at `now`, oldest first (the due-time index). */
export async function dueTicketIds(kv: Deno.Kv, now: number, limit = 500): Promise<number[]> {
  const ids: number[] = [];
  for await (
    const entry of kv.list({
      start: keys.autoCloseDue(0, 0),
      end: keys.autoCloseDue(now + 1, 0),
    }, { limit })
  ) ids.push(entry.key[2] as number);
  return ids;
}

/**
 * Adds a later item of an album to a stored message: its id joins the message's
 * source (with its reply link) and its caption, if any, the stored text.
 */
export async function appendToMessage(
  kv: Deno.Kv,
  ticketId: number,
  seq: number,
  part: { messageId: number; text?: string },
): Promise<void> {
  const key = keys.ticketMessage(ticketId, seq);
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const entry = await kv.get<TicketMessage>(key);
    if (!entry.value) return;
    const message = entry.value;
    if (message.source.messageIds.includes(part.messageId)) return;
    const text = part.text?.trim()
      ? [message.text, part.text].filter(Boolean).join("\n").slice(0, STORED_TEXT_LIMIT)
      : message.text;
    const op = kv.atomic().check(entry).set(key, {
      ...message,
      text,
      source: { ...message.source, messageIds: [...message.source.messageIds, part.messageId] },
    }).set(keys.copy(message.source.chatId, part.messageId), { ticketId, seq });
    if ((await op.commit()).ok) return;
  }
  throw new Error(`Could not add an album item to #${ticketId}/${seq}`);
}
