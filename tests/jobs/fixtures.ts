/**
 * Tickets for job tests, made through the real repositories (no bot features),
 * and temporary data directories.
 *
 * @module
 */
import { addSupportMessage, addUserMessage } from "../../src/store/tickets.ts";
import { afterSupportMessage, afterUserMessage, type Ticket } from "../../src/domain/ticket.ts";

let nextMessageId = 10_000;

/** A user's message, opening a ticket or adding to their open one. */
export async function userWrites(kv: Deno.Kv, userId: number, at: number, text = "Help me please") {
  const result = await addUserMessage(kv, userId, {
    direction: "in",
    kind: "text",
    text,
    at,
    authorId: userId,
    source: { chatId: userId, messageIds: [++nextMessageId] },
  }, { onExisting: (ticket) => afterUserMessage(ticket, at) });
  return result.ticket;
}

/** Support answers a ticket, which hands the turn to the user and schedules auto-close. */
export async function supportAnswers(
  kv: Deno.Kv,
  ticketId: number,
  options: { adminId: number; at: number; hours: number },
): Promise<Ticket> {
  const result = await addSupportMessage(kv, ticketId, {
    direction: "out",
    kind: "text",
    text: "Here is the answer",
    at: options.at,
    authorId: options.adminId,
    source: { chatId: options.adminId, messageIds: [++nextMessageId] },
  }, (ticket) => afterSupportMessage(ticket, options.adminId, options.at, options.hours));
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
