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
import { counterValue } from "../../store/counters.ts";
import { keys } from "../../store/keys.ts";
import { decode } from "../callbacks.ts";
import type { Prefetch } from "../prefetch.ts";
import { INBOX_PAGE_SIZE, renderInbox } from "../render/inbox.ts";
import { adminButton, showScreen } from "../render/screen.ts";

/** The inbox feature. */
export const inboxFeature = new Composer<BotContext>();

/** The counters whose sum is the number of open tickets. */
const OPEN_COUNTERS = ["tickets_new", "tickets_in_progress"] as const;

/** The Inbox button reads the open-ticket counters first: with the update's first round trip. */
export const inboxPrefetch: Prefetch = (ctx) => {
  const callback = ctx.isAdmin ? decode(ctx.callbackQuery?.data) : null;
  return callback?.kind === "admin" && callback.screen === "inbox"
    ? OPEN_COUNTERS.map((name) => keys.stat(name))
    : [];
};

/** How many tickets are open: as read ahead, else from the store. */
async function openCount(ctx: BotContext): Promise<number> {
  const ahead = OPEN_COUNTERS.map((name) => ctx.prefetched.get<Deno.KvU64>(keys.stat(name)));
  if (ahead.every((entry) => entry !== undefined)) {
    return ahead.reduce((sum, entry) => sum + counterValue(entry!.value), 0);
  }
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
