/**
 * What a ticket card shows besides the ticket: its user and the names of the
 * agents involved, read in one batched round trip. Used by every place that
 * renders a card (new-ticket notices, card buttons, the card view).
 *
 * @module
 */
import type { BotDeps } from "../deps.ts";
import type { Ticket } from "../domain/ticket.ts";
import { getUsers } from "../store/users.ts";
import { type CardData, displayName } from "../render/card.ts";

/** Everything the card shows about `ticket`. */
export async function loadCardData(
  deps: Pick<BotDeps, "kv" | "config" | "clock">,
  ticket: Ticket,
): Promise<CardData> {
  const closedBy = typeof ticket.closedBy === "number" ? ticket.closedBy : undefined;
  const agents = [ticket.takenBy, ticket.lastRepliedBy, closedBy]
    .filter((id): id is number => id !== undefined);
  const users = await getUsers(deps.kv, [ticket.userId, ...agents]);
  const nameOf = (id: number | undefined) =>
    id === undefined ? undefined : displayName(users.get(id) ?? null, id);
  return {
    ticket,
    user: users.get(ticket.userId) ?? null,
    takenByName: nameOf(ticket.takenBy),
    lastRepliedByName: nameOf(ticket.lastRepliedBy),
    closedByName: nameOf(closedBy),
    now: deps.clock.now(),
    timezone: deps.config.timezone,
  };
}
