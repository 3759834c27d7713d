/**
 * Pure ticket rules: the status flow, whose turn it is, the auto-close due time
 * and the inbox position. No I/O here; the store applies these transitions.
 *
 * @module
 */
import { INBOX_RANK } from "../store/keys.ts";

/** new → in_progress → closed; a closed ticket stays closed. */
export type TicketStatus = "new" | "in_progress" | "closed";
/** Who is expected to write next. */
export type Turn = "support" | "user";

/** A ticket as stored under ["ticket", id]. Times are epoch milliseconds. */
export interface Ticket {
  id: number;
  userId: number;
  status: TicketStatus;
  createdAt: number;
  turn: Turn;
  /** First support reply, for the first-response statistics. */
  firstResponseAt?: number;
  lastUserMessageAt?: number;
  lastSupportMessageAt?: number;
  /** Since when the user waits for support (set while turn = support). */
  waitingSince?: number;
  lastActivityAt: number;
  closedAt?: number;
  /** An admin id, or "auto" for auto-close. */
  closedBy?: number | "auto";
  /** When auto-close is due; set only while the turn is the user's. */
  autoCloseAt?: number;
  takenBy?: number;
  lastRepliedBy?: number;
  messageCount: number;
  rating?: number;
  /** The Python bot's id (`T-20240101-0001`) of a ticket imported from it. */
  legacyId?: string;
}

/** A ticket opened by a user's first message. */
export function openTicket(id: number, userId: number, now: number): Ticket {
  return {
    id,
    userId,
    status: "new",
    createdAt: now,
    turn: "support",
    waitingSince: now,
    lastUserMessageAt: now,
    lastActivityAt: now,
    messageCount: 1,
  };
}

/** The user wrote again: the turn goes to support and auto-close is off. */
export function afterUserMessage(ticket: Ticket, now: number): Ticket {
  if (ticket.status === "closed") return ticket;
  return {
    ...ticket,
    turn: "support",
    waitingSince: ticket.turn === "support" ? ticket.waitingSince ?? now : now,
    lastUserMessageAt: now,
    lastActivityAt: now,
    autoCloseAt: undefined,
    messageCount: ticket.messageCount + 1,
  };
}

/**
 * Support answered: a new ticket moves to in progress and the turn goes to the
 * user. Auto-close waits until the customer has the answer ({@link answerDelivered}).
 */
export function afterSupportMessage(ticket: Ticket, adminId: number, now: number): Ticket {
  if (ticket.status === "closed") return ticket;
  return {
    ...ticket,
    status: "in_progress",
    turn: "user",
    waitingSince: undefined,
    firstResponseAt: ticket.firstResponseAt ?? now,
    lastSupportMessageAt: now,
    lastActivityAt: now,
    lastRepliedBy: adminId,
    takenBy: ticket.takenBy ?? adminId,
    messageCount: ticket.messageCount + 1,
  };
}

/**
 * An answer reached the customer at `now`: while the turn is still the
 * customer's, auto-close counts from now (`autoCloseHours` 0 means never).
 * Null when nothing changes.
 */
export function answerDelivered(
  ticket: Ticket,
  now: number,
  autoCloseHours: number,
): Ticket | null {
  if (ticket.status === "closed" || ticket.turn !== "user") return null;
  const due = autoCloseDueAt(now, autoCloseHours);
  if (due === undefined || (ticket.autoCloseAt ?? 0) >= due) return null;
  return { ...ticket, autoCloseAt: due };
}

/** An admin takes the ticket in progress. */
export function takeTicket(ticket: Ticket, adminId: number): Ticket {
  if (ticket.status === "closed") return ticket;
  return { ...ticket, status: "in_progress", takenBy: adminId };
}

/** Closes the ticket; closing a closed ticket changes nothing. */
export function closeTicket(ticket: Ticket, by: number | "auto", now: number): Ticket {
  if (ticket.status === "closed") return ticket;
  return {
    ...ticket,
    status: "closed",
    closedAt: now,
    closedBy: by,
    autoCloseAt: undefined,
    waitingSince: undefined,
    lastActivityAt: now,
  };
}

/** When a ticket answered at `answeredAt` falls due; undefined when auto-close is off. */
export function autoCloseDueAt(answeredAt: number, hours: number): number | undefined {
  return hours > 0 ? answeredAt + Math.round(hours * 3_600_000) : undefined;
}

/** Whether auto-close may close the ticket at `now`. Never while the user waits. */
export function isAutoCloseDue(ticket: Ticket, now: number): boolean {
  return ticket.status !== "closed" && ticket.turn === "user" &&
    ticket.autoCloseAt !== undefined && ticket.autoCloseAt <= now;
}

/** Where the ticket sits in the inbox, or undefined when closed. */
export function inboxPosition(ticket: Ticket): { rank: number; sortTime: number } | undefined {
  if (ticket.status === "closed") return undefined;
  return ticket.turn === "support"
    ? { rank: INBOX_RANK.userWaiting, sortTime: ticket.waitingSince ?? ticket.lastActivityAt }
    : { rank: INBOX_RANK.other, sortTime: ticket.lastActivityAt };
}
