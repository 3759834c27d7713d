/**
 * Ratings: one per ticket, written with the ticket, the counters and the
 * day statistics in one atomic operation.
 *
 * @module
 */
import { dayOf, keys } from "./keys.ts";
import { increment } from "./counters.ts";
import type { Ticket } from "../domain/ticket.ts";
import { commit } from "./locked.ts";

/** A rating, under ["rating", ticketId]. */
export interface RatingRecord {
  ticketId: number;
  userId: number;
  stars: 1 | 2 | 3;
  at: number;
}

/** The outcome of {@link rateTicket}. */
export type RateResult =
  | { ok: true; ticket: Ticket; rating: RatingRecord }
  | { ok: false; reason: "not_found" | "not_yours" | "not_closed" | "already_rated" };

const MAX_ATTEMPTS = 100;

/** The keys {@link rateTicket} reads: the ticket and its rating. */
export function ratingReadKeys(ticketId: number): [Deno.KvKey, Deno.KvKey] {
  return [keys.ticket(ticketId), keys.rating(ticketId)];
}

/**
 * Rates a closed ticket of `userId`; a second rating of the same ticket is
 * refused. `extra` adds mutations to the commit.
 */
export async function rateTicket(
  kv: Deno.Kv,
  rating: RatingRecord,
  extra?: (op: Deno.AtomicOperation, after: Ticket) => void,
): Promise<RateResult> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const [ticketEntry, ratingEntry] = await kv.getMany<[Ticket, RatingRecord]>(
      ratingReadKeys(rating.ticketId),
    );
    const ticket = ticketEntry.value;
    if (!ticket) return { ok: false, reason: "not_found" };
    if (ticket.userId !== rating.userId) return { ok: false, reason: "not_yours" };
    if (ratingEntry.value) return { ok: false, reason: "already_rated" };
    if (ticket.status !== "closed") return { ok: false, reason: "not_closed" };
    const after = { ...ticket, rating: rating.stars };
    const op = kv.atomic()
      .check(ticketEntry)
      .check(ratingEntry)
      .set(keys.ticket(ticket.id), after);
    stageRating(op, rating);
    extra?.(op, after);
    if ((await commit(op)).ok) return { ok: true, ticket: after, rating };
  }
  throw new Error(`Could not rate ticket #${rating.ticketId}: too much contention`);
}

/**
 * Adds to `op` a new rating with its counters and day statistics. The ticket
 * record (its `rating` field) is the caller's, in the same operation.
 */
export function stageRating(op: Deno.AtomicOperation, rating: RatingRecord): void {
  const day = dayOf(rating.at);
  op.set(keys.rating(rating.ticketId), rating);
  increment(op, keys.stat("ratings_count"));
  increment(op, keys.stat("ratings_sum"), rating.stars);
  increment(op, keys.stat(`rating_${rating.stars}`));
  increment(op, keys.statDay(day, "ratings_count"));
  increment(op, keys.statDay(day, "ratings_sum"), rating.stars);
}
