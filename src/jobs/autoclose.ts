/**
 * Auto-close: tickets where support answered last and the user stayed silent
 * for AUTO_CLOSE_AFTER_HOURS are closed, the user is told (with an "Ask a
 * question" button) and the admins get one digest per sweep.
 *
 * Safe in several processes at once: each close is version-checked (tickets
 * are closed ten at a time in one commit, each with its own check, and one at
 * a time with {@link updateTicket} when that commit meets a change), and only
 * the process whose commit succeeded notifies.
 *
 * @module
 */
import type { Api } from "grammy";
import type { BotDeps } from "../deps.ts";
import { closeTicket, isAutoCloseDue, type Ticket } from "../domain/ticket.ts";
import { dueTicketIds, getTicketEntries, stageTicket, updateTicket } from "../store/tickets.ts";
import { setLastAutoClose } from "../store/meta.ts";
import { notifyAdmins } from "../services/notify.ts";
import { announceClosed } from "../services/closing.ts";
import { commit, whileLocked } from "../store/locked.ts";
import { stageTopicNotice, wakeGroup } from "../services/topics.ts";

/** What one sweep did. */
export interface SweepResult {
  /** Tickets this process closed (and announced). */
  closed: Ticket[];
  /** True when AUTO_CLOSE_AFTER_HOURS is 0: nothing was looked at. */
  disabled: boolean;
}

/** How many due ids one index read returns; a sweep reads as many pages as needed. */
const PAGE = 200;
/** Tickets closed per commit: one `getMany` reads them (its limit is ten keys). */
const BATCH = 10;
/** Ticket ids listed by number in the admins' digest; the rest are counted. */
const DIGEST_LIST_LIMIT = 60;

/**
 * Closes every ticket whose auto-close is due at `deps.clock.now()`.
 *
 * Reads only the due-time index, so its cost follows the number of due
 * tickets, not the history. Notifications go out after the commits; a failed
 * notification is logged and never undoes a close.
 *
 * @example
 * ```ts
 * const { closed } = await sweepAutoClose(app.deps, app.bot.api);
 * ```
 */
export async function sweepAutoClose(deps: BotDeps, api: Api): Promise<SweepResult> {
  if (deps.config.autoCloseAfterHours <= 0) return { closed: [], disabled: true };
  const now = deps.clock.now();
  const closed: Ticket[] = [];
  // Ids tried in this sweep: a ticket another process holds (or that is not due
  // after all) must not make us read the same index page forever.
  const tried = new Set<number>();
  while (true) {
    const ids = (await dueTicketIds(deps.kv, now, PAGE + tried.size))
      .filter((id) => !tried.has(id));
    if (ids.length === 0) break;
    for (let i = 0; i < ids.length; i += BATCH) {
      const batch = ids.slice(i, i + BATCH);
      for (const id of batch) tried.add(id);
      closed.push(...await closeBatch(deps, batch, now));
    }
  }

  for (const ticket of closed) {
    try {
      await announceClosed(api, deps, ticket, { auto: true });
    } catch (error) {
      deps.log.warn("Could not announce an auto-close", { ticket: ticket.id, error });
    }
  }
  // With a support group each closure is posted in its customer's topic (the outbox).
  if (closed.length > 0 && deps.config.supportChatId !== undefined) wakeGroup(deps);
  else if (closed.length > 0) await notifyAdminsOfAutoClose(api, deps, closed);
  await whileLocked(() => setLastAutoClose(deps.kv, { at: now, closed: closed.length }));
  if (closed.length > 0) {
    deps.log.info("Auto-close sweep", { closed: closed.length, ids: closed.map((t) => t.id) });
  }
  return { closed, disabled: false };
}

/** Closes those of `ids` that are due: in one commit, else one at a time. */
async function closeBatch(deps: BotDeps, ids: number[], now: number): Promise<Ticket[]> {
  const entries = await whileLocked(() => getTicketEntries(deps.kv, ids));
  const due = entries.flatMap((entry) =>
    entry.value && isAutoCloseDue(entry.value, now)
      ? [{ entry, after: closeTicket(entry.value, "auto", now) }]
      : []
  );
  if (due.length === 0) return [];
  const committed = await whileLocked(async () => {
    const op = deps.kv.atomic();
    for (const { entry, after } of due) {
      stageTicket(op, entry, after);
      stageTopicNotice(op, deps.config, after, "closed");
    }
    return (await commit(op)).ok;
  });
  if (committed) return due.map(({ after }) => after);
  // Something changed meanwhile (a user wrote, another process closed one):
  // each ticket again on its own, with fresh data.
  const closed: Ticket[] = [];
  for (const { entry } of due) {
    const result = await whileLocked(() =>
      updateTicket(
        deps.kv,
        entry.value.id,
        (ticket) => isAutoCloseDue(ticket, now) ? closeTicket(ticket, "auto", now) : null,
        (op, after) => stageTopicNotice(op, deps.config, after, "closed"),
      )
    );
    if (result) closed.push(result.after);
  }
  return closed;
}

/** One message to every admin: a single ticket by name, or a digest for many. */
async function notifyAdminsOfAutoClose(api: Api, deps: BotDeps, closed: Ticket[]): Promise<void> {
  const hours = deps.config.autoCloseAfterHours;
  try {
    await notifyAdmins(api, deps, (locale) => {
      if (closed.length === 1) {
        return {
          text: deps.i18n.t(locale, "jobs-autoclose-admin-one", {
            id: String(closed[0].id),
            hours,
          }),
        };
      }
      const shown = closed.slice(0, DIGEST_LIST_LIMIT).map((t) => `#${t.id}`).join(", ");
      const more = closed.length - DIGEST_LIST_LIMIT;
      return {
        text: deps.i18n.t(locale, "jobs-autoclose-admin-many", {
          count: closed.length,
          hours,
          ids: more > 0
            ? `${shown} ${deps.i18n.t(locale, "jobs-autoclose-admin-more", { count: more })}`
            : shown,
        }),
      };
    });
  } catch (error) {
    deps.log.warn("Could not notify the admins of auto-closed tickets", { error });
  }
}
