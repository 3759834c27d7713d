/**
 * Redelivery of stored messages that never reached anyone: an album whose
 * delivery (ALBUM_WAIT_MS after its last item, outside any update) was cut off
 * by a kill, a user's message that no admin could get (an outage), an answer
 * stored just before a crash. Every stored message carries an
 * ["undelivered", ticketId, seq] mark from its own commit until the commit that
 * records its first copy (store/tickets.ts); this delivers what is still marked
 * after {@link REDELIVER_AFTER_MS}, from its source chat, under the usual header:
 * a user's message to every admin (the card first for a ticket's first
 * message), an answer to the user (with the admin's confirmation).
 *
 * Runs at start-up right after the journal replay and at each auto-close tick.
 * Safe in several processes: a version-checked claim of the mark lets one
 * process try a message per {@link REDELIVER_AFTER_MS}. Delivery is
 * at-least-once, not exactly-once: a process killed between a delivery and the
 * commit of its copies, or a delivery slower than a minute, may deliver again.
 * Never throws: failures are logged and alerted, and retried at the next run.
 *
 * @module
 */
import type { Api } from "grammy";
import type { BotDeps } from "../bot/context.ts";
import { reportFailure, storedMessages } from "../bot/delivery.ts";
import { deliverReply, deliverToAdmins } from "./ticket_delivery.ts";
import { bindT } from "../bot/render/menu.ts";
import { adminLocale } from "./notify.ts";
import { userLocale } from "../i18n.ts";
import { getUser } from "../store/users.ts";
import {
  claimUndelivered,
  dropUndelivered,
  getMessage,
  getTicket,
  listUndelivered,
  type UndeliveredMark,
} from "../store/tickets.ts";

/** How old an undelivered mark (or its last attempt) must be: the live delivery had its chance. */
export const REDELIVER_AFTER_MS = 60_000;
/** A message still undelivered after this is given up (logged and alerted). */
export const GIVE_UP_AFTER_MS = 24 * 3_600_000;

/** Delivers every stored message still waiting for a first copy. Returns how many were tried. */
export async function redeliverPending(deps: BotDeps, api: Api): Promise<number> {
  let tried = 0;
  try {
    const now = deps.clock.now();
    for (const { ticketId, seq, entry } of await listUndelivered(deps.kv)) {
      try {
        if (await redeliverOne(deps, api, ticketId, seq, entry, now)) tried++;
      } catch (error) {
        reportFailure(deps, error, "Could not redeliver a stored message", { ticketId, seq });
      }
    }
  } catch (error) {
    reportFailure(deps, error, "Redelivery of stored messages failed");
  }
  return tried;
}

async function redeliverOne(
  deps: BotDeps,
  api: Api,
  ticketId: number,
  seq: number,
  entry: Deno.KvEntry<UndeliveredMark>,
  now: number,
): Promise<boolean> {
  const mark = entry.value;
  if (now - (mark.attemptAt ?? mark.at) < REDELIVER_AFTER_MS) return false;
  if (now - mark.at > GIVE_UP_AFTER_MS) {
    reportFailure(deps, new Error(`#${ticketId}/${seq} undelivered`), "Gave up a stored message", {
      ticketId,
      seq,
    });
    await dropUndelivered(deps.kv, ticketId, seq);
    return false;
  }
  if (!await claimUndelivered(deps.kv, entry, now)) return false;
  const [record, ticket] = await Promise.all([
    getMessage(deps.kv, ticketId, seq),
    getTicket(deps.kv, ticketId),
  ]);
  if (!record || !ticket || record.copies.length > 0) {
    await dropUndelivered(deps.kv, ticketId, seq);
    return false;
  }
  deps.log.info("Redelivering a stored message", { ticketId, seq, direction: record.direction });
  const messages = storedMessages(record);
  if (record.direction === "in") {
    const user = await getUser(deps.kv, ticket.userId);
    if (seq === 1 && record.kind === "album") {
      // A new ticket's album: its confirmation went with the delivery that was cut off.
      const t = bindT(deps.i18n, userLocale(user, deps.config.defaultLocale));
      try {
        await api.sendMessage(ticket.userId, t("conv-ticket-created", { id: String(ticketId) }), {
          parse_mode: "HTML",
        });
      } catch (error) {
        reportFailure(deps, error, "Could not answer a user", { userId: ticket.userId });
      }
    }
    await deliverToAdmins(api, deps, ticket, seq, messages, { created: seq === 1, user });
  } else {
    const sender = { adminId: record.authorId, locale: await adminLocale(deps, record.authorId) };
    await deliverReply(api, deps, sender, { ticket, seq }, messages, true);
  }
  return true;
}
