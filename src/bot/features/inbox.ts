/**
 * The inbox (`a:inbox:<page>`): open tickets read from the inbox index, the
 * ones where the user waits for support first. Each row opens the card.
 *
 * @module
 */
import { Composer } from "grammy";
import type { BotContext } from "../context.ts";
import { inboxPage } from "../../store/tickets.ts";
import { getUser, type UserRecord } from "../../store/users.ts";
import { readCounters } from "../../store/stats.ts";
import { INBOX_PAGE_SIZE, renderInbox } from "../../render/inbox.ts";
import { adminButton, showScreen } from "../screen.ts";

/** The inbox feature. */
export const inboxFeature = new Composer<BotContext>();

/** The counters whose sum is the number of open tickets. */
const OPEN_COUNTERS = ["tickets_new", "tickets_in_progress"] as const;

/** How many tickets are open. */
async function openCount(ctx: BotContext): Promise<number> {
  const counters = await readCounters(ctx.deps.kv, OPEN_COUNTERS);
  return counters.tickets_new + counters.tickets_in_progress;
}

/** Shows one page of the inbox (a page past the end shows the last one). */
export async function showInbox(ctx: BotContext, page: number): Promise<void> {
  const { kv } = ctx.deps;
  const open = await openCount(ctx);
  let current = Math.min(page, Math.max(0, Math.ceil(open / INBOX_PAGE_SIZE) - 1));
  let result = await inboxPage(kv, { offset: current * INBOX_PAGE_SIZE, limit: INBOX_PAGE_SIZE });
  if (result.tickets.length === 0 && current > 0) {
    current = 0;
    result = await inboxPage(kv, { offset: 0, limit: INBOX_PAGE_SIZE });
  }
  const userIds = [...new Set(result.tickets.map((ticket) => ticket.userId))];
  const users = new Map<number, UserRecord | null>(
    await Promise.all(userIds.map(async (id) => [id, await getUser(kv, id)] as const)),
  );
  await showScreen(
    ctx,
    renderInbox(
      {
        tickets: result.tickets,
        users,
        page: current,
        hasMore: result.hasMore,
        open,
        now: ctx.deps.clock.now(),
      },
      ctx.locale,
      ctx.deps.i18n,
    ),
  );
}

inboxFeature.on(
  "callback_query:data",
  adminButton(
    (cb) => cb.kind === "admin" && cb.screen === "inbox" ? cb : undefined,
    (ctx, cb) => showInbox(ctx, cb.page),
  ),
);
