/**
 * From the Python bot's records to ours, as if the tickets had always lived
 * here: `last_actor` decides whose turn it is, hence the inbox position and
 * the auto-close due time; statuses, times, the assignee and the rating carry
 * over. Pure: the store is written by import.ts.
 *
 * @module
 */
import { autoCloseDueAt, type Ticket, type TicketStatus } from "../domain/ticket.ts";
import { STORED_TEXT_LIMIT, type TicketMessage } from "../store/tickets.ts";
import type { RatingRecord } from "../store/ratings.ts";
import type { UserRecord } from "../store/users.ts";
import type { LegacyMessage, LegacyTicket, LegacyUser } from "./parse.ts";

/** One ticket as it will be stored. */
export interface ImportedTicket {
  legacy: LegacyTicket;
  ticket: Ticket;
  messages: TicketMessage[];
  rating?: RatingRecord;
}

/** Options of {@link mapTicket}. */
export interface MapOptions {
  /** AUTO_CLOSE_AFTER_HOURS (0: never). */
  autoCloseHours: number;
  /**
   * Import an open ticket as closed: the same user has a newer open ticket
   * (we keep one open ticket per user; the old bot wrote to the newest too).
   */
  superseded?: boolean;
}

const STATUS: Record<LegacyTicket["status"], TicketStatus> = {
  new: "new",
  working: "in_progress",
  done: "closed",
};

function lastAt(messages: LegacyMessage[], sender: LegacyMessage["sender"]): number | undefined {
  return messages.findLast((message) => message.sender === sender)?.at;
}

/** When the user started waiting: their first message after the last answer. */
function waitingSince(legacy: LegacyTicket, lastActivityAt: number): number {
  const lastAnswer = legacy.messages.findLastIndex((message) => message.sender === "admin");
  const firstAfter = legacy.messages.slice(lastAnswer + 1).find((m) => m.sender === "user");
  if (firstAfter) return firstAfter.at;
  return lastAnswer === -1 ? legacy.createdAt : lastActivityAt;
}

/** Drops the properties that are undefined, so records hold only what is known. */
function compact<T extends object>(record: T): T {
  return Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined)) as T;
}

function mapMessage(legacy: LegacyTicket, id: number, message: LegacyMessage, seq: number) {
  const incoming = message.sender === "user";
  // Answers do not say which agent wrote them; the assignee is the best guess.
  const authorId = incoming ? legacy.userId : legacy.assigned ?? 0;
  const text = message.text === null
    ? undefined
    : message.text.length > STORED_TEXT_LIMIT
    ? message.text.slice(0, STORED_TEXT_LIMIT) + "…"
    : message.text;
  // No source ids and no copies: nothing links to Telegram messages, and no
  // ["undelivered"] mark is written, so nothing tries to deliver these again.
  return compact<TicketMessage>({
    ticketId: id,
    seq,
    direction: incoming ? "in" : "out",
    kind: message.text === null ? "legacy_media" : "text",
    text,
    at: message.at,
    authorId,
    source: { chatId: authorId, messageIds: [] },
    copies: [],
  });
}

/**
 * Maps a legacy ticket to ours under id `id`, with its messages and rating.
 * A `new` ticket that support had answered (the old bot left the status to
 * the Take button) is in progress, as a reply here makes it
 * (domain/ticket.ts `afterSupportMessage`).
 */
export function mapTicket(legacy: LegacyTicket, id: number, options: MapOptions): ImportedTicket {
  const { messages } = legacy;
  const lastActivityAt = legacy.lastActivityAt ?? messages.at(-1)?.at ?? legacy.createdAt;
  const lastActor = legacy.lastActor ?? messages.at(-1)?.sender ?? "user";
  // 2.5.8 often left first_response_at empty: the first answer tells it too.
  const firstAnswer = legacy.firstResponseAt ??
    messages.find((message) => message.sender === "admin")?.at;
  const answered = firstAnswer !== undefined || lastActor === "admin";
  const status = options.superseded
    ? "closed"
    : legacy.status === "new" && answered
    ? "in_progress"
    : STATUS[legacy.status];
  const turn = lastActor === "admin" ? "user" : "support";
  let ticket: Ticket = {
    id,
    userId: legacy.userId,
    status,
    createdAt: legacy.createdAt,
    turn,
    firstResponseAt: firstAnswer === undefined
      ? undefined
      : Math.max(firstAnswer, legacy.createdAt),
    lastUserMessageAt: lastAt(messages, "user"),
    lastSupportMessageAt: lastAt(messages, "admin"),
    lastActivityAt,
    takenBy: legacy.assigned,
    messageCount: messages.length,
    rating: legacy.rating,
    legacyId: legacy.legacyId,
  };
  if (status === "closed") {
    ticket.closedAt = lastActivityAt; // the old bot stamped the close as the last activity
  } else if (turn === "support") {
    ticket.waitingSince = waitingSince(legacy, lastActivityAt);
  } else {
    const answeredAt = ticket.lastSupportMessageAt ?? lastActivityAt;
    ticket = {
      ...ticket,
      lastSupportMessageAt: answeredAt,
      autoCloseAt: autoCloseDueAt(answeredAt, options.autoCloseHours),
    };
  }
  const rating: RatingRecord | undefined = legacy.rating
    ? { ticketId: id, userId: legacy.userId, stars: legacy.rating, at: lastActivityAt }
    : undefined;
  return {
    legacy,
    ticket: compact(ticket),
    messages: messages.map((message, index) => mapMessage(legacy, id, message, index + 1)),
    rating,
  };
}

/** What the old files say about one user, gathered from data.json, the tickets and banned.json. */
export interface LegacyPerson {
  userId: number;
  user?: LegacyUser;
  /** @username of the user's newest ticket. */
  username?: string;
  /** The user's first ticket. */
  firstSeenAt?: number;
  ban?: { reason?: string };
}

/**
 * The user record after the import: a new one from the legacy data, or the
 * existing one with what it lacks. An import never unblocks anyone, and never
 * replaces a language chosen here; the later feedback time wins.
 */
export function mergeUser(
  person: LegacyPerson,
  existing: UserRecord | null,
  now: number,
): UserRecord {
  const base: UserRecord = existing ?? {
    id: person.userId,
    // The old bot kept no names: the card shows @username or the id until the
    // user writes again and Telegram tells us the name.
    firstName: "",
    blocked: false,
    reachable: true,
    createdAt: person.firstSeenAt ?? now,
  };
  const feedback = [base.lastFeedbackAt, person.user?.lastFeedbackAt]
    .filter((at): at is number => at !== undefined);
  return compact<UserRecord>({
    ...base,
    username: base.username ?? person.username,
    locale: base.locale ?? person.user?.locale,
    blocked: base.blocked || person.ban !== undefined,
    lastFeedbackAt: feedback.length ? Math.max(...feedback) : undefined,
  });
}
