/**
 * Blocked users: the list (`a:blocked:<page>`) with an Unblock button per
 * user (`u:<userId>:<page>`), and the /ban and /unban commands. Every press
 * and command re-checks that the sender is an admin.
 *
 * @module
 */
import { Composer } from "grammy";
import type { BotContext } from "../context.ts";
import { getUser, listBlocked, setBlocked, type UserRecord } from "../../store/users.ts";
import { readCounters } from "../../store/stats.ts";
import { displayName } from "../../render/card.ts";
import {
  type BanOutcome,
  BLOCKED_PAGE_SIZE,
  renderBanOutcome,
  renderBlocked,
} from "../../render/blocked.ts";
import { adminButton, refuse, showScreen } from "../screen.ts";

/** The blocked feature. */
export const blockedFeature = new Composer<BotContext>();

/** Shows one page of the blocked list (a page past the end shows the last one). */
export async function showBlocked(
  ctx: BotContext,
  page: number,
  options: { toast?: string } = {},
): Promise<void> {
  const { kv, config } = ctx.deps;
  const { blocked: total } = await readCounters(kv, ["blocked"]);
  let current = Math.min(page, Math.max(0, Math.ceil(total / BLOCKED_PAGE_SIZE) - 1));
  let result = await listBlocked(kv, {
    offset: current * BLOCKED_PAGE_SIZE,
    limit: BLOCKED_PAGE_SIZE,
  });
  if (result.users.length === 0 && current > 0) {
    current = 0;
    result = await listBlocked(kv, { offset: 0, limit: BLOCKED_PAGE_SIZE });
  }
  const users = new Map<number, UserRecord | null>(
    await Promise.all(
      result.users.map(async (e) => [e.userId, await getUser(kv, e.userId)] as const),
    ),
  );
  await showScreen(
    ctx,
    renderBlocked(
      {
        entries: result.users,
        users,
        page: current,
        hasMore: result.hasMore,
        total,
        timezone: config.timezone,
      },
      ctx.locale,
      ctx.deps.i18n,
    ),
    options,
  );
}

blockedFeature.on(
  "callback_query:data",
  adminButton(
    (cb) => cb.kind === "admin" && cb.screen === "blocked" ? cb : undefined,
    (ctx, cb) => showBlocked(ctx, cb.page),
  ),
);

blockedFeature.on(
  "callback_query:data",
  adminButton(
    (cb) => cb.kind === "unblock_user" ? cb : undefined,
    async (ctx, cb) => {
      const changed = await setBlocked(ctx.deps.kv, cb.userId, false, {
        by: ctx.from?.id,
        now: ctx.deps.clock.now(),
      });
      const name = displayName(await getUser(ctx.deps.kv, cb.userId), cb.userId);
      // Button labels and toasts are plain text: no HTML escaping here.
      const toast = ctx.t(changed ? "blocked-unblocked" : "blocked-not-blocked", { name });
      await showBlocked(ctx, cb.page, { toast });
    },
  ),
);

const USER_ID = /^\d{1,15}$/;

/** Carries out /ban or /unban with the command's argument. */
export async function banCommand(
  ctx: BotContext,
  command: "ban" | "unban",
  argument: string,
): Promise<BanOutcome> {
  const { kv, config, clock } = ctx.deps;
  const value = argument.trim();
  if (value === "") return { kind: "usage", command };
  const userId = Number(value);
  if (!USER_ID.test(value) || userId <= 0) return { kind: "bad_id", command, value };
  if (command === "ban" && config.adminIds.includes(userId)) return { kind: "admin", userId };
  const before = await getUser(kv, userId);
  if (command === "unban" && !before) return { kind: "unknown", userId };
  const changed = await setBlocked(kv, userId, command === "ban", {
    by: ctx.from?.id,
    now: clock.now(),
  });
  if (command === "ban") {
    return changed
      ? { kind: "banned", user: before, userId, known: before !== null }
      : { kind: "already_banned", user: before, userId };
  }
  return changed
    ? { kind: "unbanned", user: before, userId }
    : { kind: "not_banned", user: before, userId };
}

for (const command of ["ban", "unban"] as const) {
  blockedFeature.command(command, async (ctx) => {
    if (!ctx.isAdmin) return await refuse(ctx);
    const outcome = await banCommand(ctx, command, ctx.match);
    await ctx.reply(renderBanOutcome(outcome, ctx.locale, ctx.deps.i18n), {
      link_preview_options: { is_disabled: true },
    });
  });
}
