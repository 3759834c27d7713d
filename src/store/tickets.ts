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
import {
  afterSupportMessage,
  afterUserMessage,
  inboxPosition,
  openTicket,
  type Ticket,
  type TicketStatus,
} from "../domain/ticket.ts";
import { type OutboxItem, outboxKey, stageOutbox } from "./outbox.ts";
import { commit } from "./locked.ts";
import { customerNameText, stageSearch } from "./search.ts";

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
  /**
   * How a copy can follow an edit of its message: "text" (one message, the
   * header and the text) or "caption" (the media with the header and the
   * caption) are edited in place; any other copy is answered with the new text.
   */
  form?: "text" | "caption";
  /** The text the copy shows now (after the header), for `form` copies. */
  shown?: string;
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
  /** An agent's internal note (`/note` in the support group): never sent to the customer. */
  note?: true;
  /** Where the content is copied from, when not from `source` (a saved reply sent with /r). */
  from?: MessageRef;
  /** For an "edit": the seq of the message it edits. */
  editOf?: number;
  /** The text after the latest edit (the record keeps the text as first written). */
  current?: string;
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

/** The reply links of a new message's source (same commit as the message). */
function linkSource(op: Deno.AtomicOperation, message: TicketMessage): void {
  for (const id of message.source.messageIds) {
    op.set(keys.copy(message.source.chatId, id), { ticketId: message.ticketId, seq: message.seq });
  }
}

/** Where a stored message goes, and when it may go (an album waits for its last item). */
export interface Delivery {
  /** The chats that get a copy (the agents' chats; the customer's for an answer). */
  to: readonly number[];
  /** `Date.now()` before which the copies wait; 0: at once. */
  readyAt?: number;
}

/** Adds the outbox items of message `seq` (and of a new ticket's card) to `op`. */
function stageCopies(
  op: Deno.AtomicOperation,
  ticketId: number,
  seq: number,
  delivery: Delivery & { card?: boolean },
): void {
  for (const chatId of delivery.to) {
    if (delivery.card) stageOutbox(op, { chatId, ticketId, seq: 0, kind: "card" });
    stageOutbox(op, { chatId, ticketId, seq, kind: "copy", readyAt: delivery.readyAt ?? 0 });
  }
}

/** What {@link addUserMessage} stores. */
export interface UserMessageInput {
  userId: number;
  content: NewMessage;
  /** Whether the message may open a ticket (long enough, or captioned) when none is open. */
  mayOpen: boolean;
  delivery: Delivery;
  /** More mutations in the commit (e.g. forgetting a pending input, the album's record). */
  extra?: (op: Deno.AtomicOperation, stored: TicketMessage) => void;
}

/** Result of {@link addUserMessage}: the ticket after the message and whether it was created. */
export interface UserMessageResult {
  ticket: Ticket;
  message: TicketMessage;
  created: boolean;
}

/**
 * Stores a user's message with its outbox items: in the user's open ticket
 * when there is one, else (when `mayOpen`) in a new ticket whose id is the
 * next consecutive integer. Returns null when no ticket is open and the
 * message may not open one. Safe under concurrency: the open-ticket index,
 * the ticket and the id sequence are version-checked with the commit, so a
 * ticket closed meanwhile is seen, and the decision made again.
 */
export async function addUserMessage(
  kv: Deno.Kv,
  input: UserMessageInput,
): Promise<UserMessageResult | null> {
  const stored = shorten(input.content);
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    if (attempt >= 5) await backoff(attempt);
    const [index, seqEntry] = await kv.getMany<[number, Deno.KvU64]>([
      keys.openTicket(input.userId),
      keys.ticketSeq(),
    ]);
    const ticketEntry = index.value === null ? null : await getTicketEntry(kv, index.value);
    const op = kv.atomic().check(index);
    let result: UserMessageResult;
    if (ticketEntry?.value && ticketEntry.value.status !== "closed") {
      const after = afterUserMessage(ticketEntry.value, stored.at);
      const message: TicketMessage = {
        ...stored,
        ticketId: after.id,
        seq: after.messageCount,
        copies: [],
      };
      stageTicket(op, ticketEntry, after);
      result = { ticket: after, message, created: false };
    } else {
      if (!input.mayOpen) return null;
      const id = Number(seqEntry.value?.value ?? 0n) + 1;
      const ticket = openTicket(id, input.userId, stored.at);
      const message: TicketMessage = { ...stored, ticketId: id, seq: 1, copies: [] };
      op.check(seqEntry)
        .check({ key: keys.ticket(id), versionstamp: null })
        .set(keys.ticketSeq(), new Deno.KvU64(BigInt(id)));
      stageNewTicket(op, ticket);
      result = { ticket, message, created: true };
    }
    const { message } = result;
    op.set(keys.ticketMessage(message.ticketId, message.seq), message);
    // The message's words, and a new ticket's customer name, for /find.
    const name = result.created ? await customerNameText(kv, input.userId) : undefined;
    stageSearch(op, message.ticketId, message.text, name);
    linkSource(op, message);
    stageCopies(op, message.ticketId, message.seq, { ...input.delivery, card: result.created });
    input.extra?.(op, message);
    if ((await commit(op)).ok) return result;
  }
  throw new Error(`Could not store a message of user ${input.userId}: too much contention`);
}

/**
 * An album being received, under ["album", chatId, mediaGroupId] for an hour:
 * the stored message its items join, or (before a ticket could be opened: no
 * caption yet) the ids of the items received so far; for feedback, the items
 * before its caption (`feedbackWaiting`), then that it was stored (`feedback`,
 * with the items that came before the captioned one); or, for an agent's album
 * that answers no ticket, that the agent got the hint (`hinted`).
 */
export type AlbumRecord =
  | { ticketId: number; seq: number }
  | { waiting: number[] }
  | { feedbackWaiting: number[] }
  | { feedback: true; before?: number[] }
  | { hinted: true };

/** How long an album's record is kept: far longer than its items take to arrive. */
const ALBUM_TTL_MS = 3_600_000;

/** The album record of a media group, with its version. */
export async function getAlbum(
  kv: Deno.Kv,
  chatId: number,
  mediaGroupId: string,
): Promise<Deno.KvEntryMaybe<AlbumRecord>> {
  return await kv.get<AlbumRecord>(keys.album(chatId, mediaGroupId));
}

/** An album item that may join a message its album already stored. */
export interface AlbumJoin {
  chatId: number;
  mediaGroupId: string;
  messageId: number;
  text?: string;
  /** When the message's copies may go: the album waits for its next item. */
  readyAt: number;
  /** The chats the stored message's copies go to. */
  to: (ticket: Ticket) => readonly number[];
}

/**
 * Adds an album item to the message stored for its album's earlier items.
 * False when the album has no stored message yet (the item is the first, or
 * the album waits for a caption).
 */
export async function joinStoredAlbum(kv: Deno.Kv, item: AlbumJoin): Promise<boolean> {
  const album = (await getAlbum(kv, item.chatId, item.mediaGroupId)).value;
  if (!album || !("ticketId" in album)) return false;
  const ticket = await getTicket(kv, album.ticketId);
  await appendToMessage(kv, {
    ticketId: album.ticketId,
    seq: album.seq,
    messageId: item.messageId,
    text: item.text,
    to: ticket ? item.to(ticket) : [],
    readyAt: item.readyAt,
  });
  return true;
}

/** Adds the album's record to `op`. */
export function stageAlbum(
  op: Deno.AtomicOperation,
  album: { chatId: number; mediaGroupId: string; record: AlbumRecord },
): void {
  op.set(keys.album(album.chatId, album.mediaGroupId), album.record, { expireIn: ALBUM_TTL_MS });
}

/**
 * Writes an album's first record: true for the one item (of one process)
 * that wrote it, false when the album has a record already.
 */
export async function startAlbum(
  kv: Deno.Kv,
  album: { chatId: number; mediaGroupId: string; record: AlbumRecord },
): Promise<boolean> {
  const op = kv.atomic().check({
    key: keys.album(album.chatId, album.mediaGroupId),
    versionstamp: null,
  });
  stageAlbum(op, album);
  return (await commit(op)).ok;
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
  return (await commit(op)).ok;
}

/**
 * Adds to `op` a message record with no Telegram original (an imported one):
 * no reply links and no outbox item, so nothing ever tries to deliver it.
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
    const day = dayOf(after.closedAt ?? after.lastActivityAt);
    increment(op, keys.statDay(day, "closed"));
    // An agent's close counts for that agent; auto-close ("auto") is nobody's.
    if (typeof after.closedBy === "number") {
      increment(op, keys.agentDay(day, after.closedBy, "closed"));
    }
  } else if (!old) {
    op.set(keys.openTicket(after.userId), after.id);
  }

  // A ticket an agent opened (the customer has not written) had nobody waiting:
  // no first response to time. The entry holds the agent who answered first.
  const answeredCustomer = old !== null || after.lastUserMessageAt !== undefined;
  if (
    after.firstResponseAt !== undefined && old?.firstResponseAt === undefined && answeredCustomer
  ) {
    op.set(
      keys.firstResponse(
        dayOf(after.firstResponseAt),
        after.firstResponseAt - after.createdAt,
        after.id,
      ),
      after.lastRepliedBy ?? null,
    );
  }
}

/** Adds to `op` one answer to the day's count of the agent who wrote `message`. */
function stageAnswerCount(op: Deno.AtomicOperation, message: TicketMessage): void {
  increment(op, keys.agentDay(dayOf(message.at), message.authorId, "answers"));
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
 * Returns the ticket before and after, or null when the ticket does not exist
 * or `change` declined.
 */
export async function updateTicket(
  kv: Deno.Kv,
  ticketId: number,
  change: (ticket: Ticket) => Ticket | null,
  extra?: (op: Deno.AtomicOperation, after: Ticket, before: Ticket) => void,
): Promise<{ before: Ticket; after: Ticket } | null> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    if (attempt >= 5) await backoff(attempt);
    const entry = await getTicketEntry(kv, ticketId);
    if (!entry.value) return null;
    const after = change(entry.value);
    if (after === null) return null;
    const before = entry.value;
    const op = kv.atomic();
    stageTicket(op, entry, after);
    extra?.(op, after, before);
    if ((await commit(op)).ok) return { before, after };
  }
  throw new Error(`Could not update ticket #${ticketId}: too much contention`);
}

/** What {@link addSupportMessage} stores. */
export interface SupportMessageInput {
  ticketId: number;
  content: NewMessage;
  /** The ticket's transition (e.g. afterSupportMessage); null refuses (a closed ticket). */
  change: (ticket: Ticket) => Ticket | null;
  /** When the copy to the customer may go (an album waits for its last item). */
  readyAt?: number;
  /** More mutations in the same commit (e.g. leaving reply mode, the album's record). */
  extra?: (op: Deno.AtomicOperation, stored: TicketMessage) => void;
}

/**
 * Stores a support message on a ticket with the ticket's transition, the
 * outbox item of its copy to the customer and `extra`, in one atomic
 * operation. Returns null when the ticket does not exist or `change` declined
 * (for instance because it is closed); then nothing was written.
 */
export async function addSupportMessage(
  kv: Deno.Kv,
  input: SupportMessageInput,
): Promise<{ ticket: Ticket; before: Ticket; message: TicketMessage } | null> {
  const stored = shorten(input.content);
  let message: TicketMessage | undefined;
  const result = await updateTicket(kv, input.ticketId, input.change, (op, after) => {
    message = { ...stored, ticketId: after.id, seq: after.messageCount, copies: [] };
    op.set(keys.ticketMessage(after.id, message.seq), message);
    stageSearch(op, after.id, message.text);
    linkSource(op, message);
    stageCopies(op, after.id, message.seq, { to: [after.userId], readyAt: input.readyAt });
    stageAnswerCount(op, message);
    input.extra?.(op, message);
  });
  return result && message ? { ticket: result.after, before: result.before, message } : null;
}

/** What {@link openBySupport} stores. */
export interface SupportOpenInput {
  userId: number;
  agentId: number;
  content: NewMessage;
  /** Where the new ticket's card goes (the support group). */
  cardTo: readonly number[];
  readyAt?: number;
  extra?: (op: Deno.AtomicOperation, stored: TicketMessage) => void;
}

/**
 * Opens a ticket with an agent's message, for a customer who has none open
 * (an agent wrote in the customer's topic): in progress, the customer's turn,
 * with its card and the copy to the customer in the outbox. Returns null when
 * the customer has an open ticket now: that one is answered instead.
 */
export async function openBySupport(
  kv: Deno.Kv,
  input: SupportOpenInput,
): Promise<{ ticket: Ticket; message: TicketMessage } | null> {
  const stored = shorten(input.content);
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    if (attempt >= 5) await backoff(attempt);
    const [index, seqEntry] = await kv.getMany<[number, Deno.KvU64]>([
      keys.openTicket(input.userId),
      keys.ticketSeq(),
    ]);
    if (index.value !== null) return null;
    const id = Number(seqEntry.value?.value ?? 0n) + 1;
    const opened: Ticket = {
      ...openTicket(id, input.userId, stored.at),
      messageCount: 0,
      lastUserMessageAt: undefined,
    };
    const ticket = afterSupportMessage(opened, input.agentId, stored.at);
    const message: TicketMessage = { ...stored, ticketId: id, seq: 1, copies: [] };
    const op = kv.atomic()
      .check(index)
      .check(seqEntry)
      .check({ key: keys.ticket(id), versionstamp: null })
      .set(keys.ticketSeq(), new Deno.KvU64(BigInt(id)));
    stageNewTicket(op, ticket);
    op.set(keys.ticketMessage(id, 1), message);
    stageSearch(op, id, message.text, await customerNameText(kv, input.userId));
    linkSource(op, message);
    for (const chatId of input.cardTo) {
      stageOutbox(op, { chatId, ticketId: id, seq: 0, kind: "card" });
    }
    stageCopies(op, id, 1, { to: [input.userId], readyAt: input.readyAt });
    stageAnswerCount(op, message);
    input.extra?.(op, message);
    if ((await commit(op)).ok) return { ticket, message };
  }
  throw new Error(`Could not open a ticket for user ${input.userId}: too much contention`);
}

/**
 * Keeps an agent's internal note in a ticket's history (open or closed): no
 * copy to anyone, the turn and the status stay. Returns null when the ticket
 * does not exist.
 */
export async function addNote(
  kv: Deno.Kv,
  ticketId: number,
  content: NewMessage,
): Promise<{ ticket: Ticket; message: TicketMessage } | null> {
  const stored = shorten(content);
  let message: TicketMessage | undefined;
  const result = await updateTicket(
    kv,
    ticketId,
    (ticket) => ({ ...ticket, messageCount: ticket.messageCount + 1 }),
    (op, after) => {
      message = { ...stored, note: true, ticketId, seq: after.messageCount, copies: [] };
      op.set(keys.ticketMessage(ticketId, message.seq), message);
      stageSearch(op, ticketId, message.text);
      linkSource(op, message);
    },
  );
  return result && message ? { ticket: result.after, message } : null;
}

/** What {@link addEdit} stores. */
export interface EditInput {
  ticketId: number;
  /** The message edited. */
  seq: number;
  /** The edit: its new text (or caption), author and source. */
  content: NewMessage;
  /** The chats whose copies follow the edit (an "edit" outbox item each). */
  to: (original: TicketMessage) => readonly number[];
}

/**
 * Stores an edit of message `seq` as a message of kind "edit" (the original
 * record keeps what was first written, with the new text as `current`), and
 * an "edit" item for each chat whose copy must follow, in one commit. The
 * turn, the status and the times do not change: an edit is not a new message,
 * and it never opens a ticket. Returns null when nothing visible changed (the
 * same text again: Telegram reports reactions as edits too) or the message is
 * unknown.
 */
export async function addEdit(
  kv: Deno.Kv,
  input: EditInput,
): Promise<{ ticket: Ticket; message: TicketMessage } | null> {
  const content = shorten({ ...input.content, kind: "edit" });
  const text = content.text ?? "";
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    if (attempt >= 5) await backoff(attempt);
    const [ticketEntry, originalEntry] = await kv.getMany<[Ticket, TicketMessage]>([
      keys.ticket(input.ticketId),
      keys.ticketMessage(input.ticketId, input.seq),
    ]);
    const original = originalEntry.value;
    if (!ticketEntry.value || !original) return null;
    if ((original.current ?? original.text ?? "") === text) return null;
    const after = { ...ticketEntry.value, messageCount: ticketEntry.value.messageCount + 1 };
    const message: TicketMessage = {
      ...content,
      ticketId: input.ticketId,
      seq: after.messageCount,
      editOf: input.seq,
      copies: [],
    };
    const op = kv.atomic().check(originalEntry);
    stageTicket(op, ticketEntry, after);
    op.set(keys.ticketMessage(input.ticketId, message.seq), message);
    op.set(originalEntry.key, { ...original, current: text });
    stageSearch(op, input.ticketId, text);
    for (const chatId of new Set(input.to(original))) {
      stageOutbox(op, { chatId, ticketId: input.ticketId, seq: message.seq, kind: "edit" });
    }
    if ((await commit(op)).ok) return { ticket: after, message };
  }
  throw new Error(`Could not store an edit of #${input.ticketId}/${input.seq}`);
}

/**
 * Records what copy `chatId` of message `seq` shows now, after it followed
 * an edit, with `extra` mutations (the outbox item's removal) in one commit.
 */
export async function recordShown(
  kv: Deno.Kv,
  message: { ticketId: number; seq: number; chatId: number; shown: string },
  extra?: (op: Deno.AtomicOperation) => void,
): Promise<void> {
  const key = keys.ticketMessage(message.ticketId, message.seq);
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    if (attempt >= 5) await backoff(attempt);
    const entry = await kv.get<TicketMessage>(key);
    const op = kv.atomic().check(entry);
    if (entry.value) {
      const copies = entry.value.copies.map((copy) =>
        copy.chatId === message.chatId && copy.form ? { ...copy, shown: message.shown } : copy
      );
      op.set(key, { ...entry.value, copies });
    }
    extra?.(op);
    if ((await commit(op)).ok) return;
  }
  throw new Error(`Could not record an edited copy of #${message.ticketId}/${message.seq}`);
}

/**
 * Records where a message was delivered, so that a Telegram reply to any copy
 * finds its ticket (also after a restart), with `extra` mutations (the
 * outbox item's removal) in the same commit.
 */
export async function recordCopies(
  kv: Deno.Kv,
  message: { ticketId: number; seq: number; copies: MessageRef[] },
  extra?: (op: Deno.AtomicOperation) => void,
): Promise<void> {
  const { ticketId, seq, copies } = message;
  const key = keys.ticketMessage(ticketId, seq);
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    if (attempt >= 5) await backoff(attempt);
    const entry = await kv.get<TicketMessage>(key);
    const op = kv.atomic().check(entry);
    if (entry.value) op.set(key, { ...entry.value, copies: [...entry.value.copies, ...copies] });
    for (const copy of copies) {
      for (const id of copy.messageIds) op.set(keys.copy(copy.chatId, id), { ticketId, seq });
    }
    extra?.(op);
    if ((await commit(op)).ok) return;
  }
  throw new Error(`Could not record the copies of #${ticketId}/${seq}`);
}

/**
 * Links a ticket's card in a chat to the ticket (as seq 0), so that a
 * Telegram reply to the card answers the ticket.
 */
export async function linkCard(
  kv: Deno.Kv,
  card: { chatId: number; messageId: number; ticketId: number },
): Promise<void> {
  await kv.set(keys.copy(card.chatId, card.messageId), { ticketId: card.ticketId, seq: 0 });
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

/** What {@link appendToMessage} adds. */
export interface AlbumItem {
  ticketId: number;
  seq: number;
  messageId: number;
  text?: string;
  /** The chats the message's copies go to, and their new `readyAt` (the album waits). */
  to: readonly number[];
  readyAt: number;
}

/**
 * Adds a later item of an album to a stored message: its id joins the
 * message's source (with its reply link), its caption the stored text, and the
 * message's waiting copies wait for the next item.
 */
export async function appendToMessage(kv: Deno.Kv, item: AlbumItem): Promise<void> {
  const key = keys.ticketMessage(item.ticketId, item.seq);
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    if (attempt >= 5) await backoff(attempt);
    const entry = await kv.get<TicketMessage>(key);
    if (!entry.value) return;
    const message = entry.value;
    if (message.source.messageIds.includes(item.messageId)) return;
    const text = item.text?.trim()
      ? [message.text, item.text].filter(Boolean).join("\n").slice(0, STORED_TEXT_LIMIT)
      : message.text;
    const op = kv.atomic().check(entry).set(key, {
      ...message,
      text,
      source: { ...message.source, messageIds: [...message.source.messageIds, item.messageId] },
    }).set(keys.copy(message.source.chatId, item.messageId), {
      ticketId: item.ticketId,
      seq: item.seq,
    });
    stageSearch(op, item.ticketId, item.text);
    for (const chatId of item.to) {
      const copyKey = outboxKey({ chatId, ticketId: item.ticketId, seq: item.seq, kind: "copy" });
      const copy = await kv.get<OutboxItem>(copyKey);
      if (copy.value) op.check(copy).set(copyKey, { ...copy.value, readyAt: item.readyAt });
    }
    if ((await commit(op)).ok) return;
  }
  throw new Error(`Could not add an album item to #${item.ticketId}/${item.seq}`);
}
