/**
 * Tickets for job tests, made through the real repositories (no bot features),
 * and temporary data directories.
 *
 * @module
 */
import { addSupportMessage, addUserMessage } from "../../src/store/tickets.ts";
import { outboxKey } from "../../src/store/outbox.ts";
import { afterSupportMessage, answerDelivered, type Ticket } from "../../src/domain/ticket.ts";

let nextMessageId = 10_000;

/**
 * A user's message, opening a ticket or adding to their open one; stored as
 * already delivered to the agents (nothing waits in the outbox).
 */
export async function userWrites(kv: Deno.Kv, userId: number, at: number, text = "Help me please") {
  const result = await addUserMessage(kv, {
    userId,
    content: {
      direction: "in",
      kind: "text",
      text,
      at,
      authorId: userId,
      source: { chatId: userId, messageIds: [++nextMessageId] },
    },
    mayOpen: true,
    delivery: { to: [] },
  });
  if (!result) throw new Error(`user ${userId}'s message was not stored`);
  return result.ticket;
}

/**
 * Support answers a ticket, and the customer has the answer at once: the turn
 * goes to the user and auto-close counts from `at` (as a real answer delivered
 * then). Nothing waits in the outbox.
 */
export async function supportAnswers(
  kv: Deno.Kv,
  ticketId: number,
  options: { adminId: number; at: number; hours: number },
): Promise<Ticket> {
  let userId = 0;
  const result = await addSupportMessage(kv, {
    ticketId,
    content: {
      direction: "out",
      kind: "text",
      text: "Here is the answer",
      at: options.at,
      authorId: options.adminId,
      source: { chatId: options.adminId, messageIds: [++nextMessageId] },
    },
    change: (ticket) => {
      if (ticket.status === "closed") return null;
      userId = ticket.userId;
      const answered = afterSupportMessage(ticket, options.adminId, options.at);
      return answerDelivered(answered, options.at, options.hours) ?? answered;
    },
    // Delivered: the copy to the customer does not wait.
    extra: (op, stored) =>
      op.delete(outboxKey({ chatId: userId, ticketId, seq: stored.seq, kind: "copy" })),
  });
  if (!result) throw new Error(`ticket #${ticketId} could not be answered`);
  return result.ticket;
}

/** A temporary DATA_DIR, removed on dispose. */
export async function tempDir(): Promise<{ path: string } & AsyncDisposable> {
  const path = await Deno.makeTempDir({ prefix: "support-desk-jobs-" });
  return {
    path,
    async [Symbol.asyncDispose]() {
      await Deno.remove(path, { recursive: true });
    },
  };
}
