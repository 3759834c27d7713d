/**
 * `/start` for users (greeting and main menu), the "Ask a question" and main
 * menu buttons, and the admins' deep link `/start t_<id>` (opens a ticket card).
 *
 * A guard runs first for everything after this feature: a blocked user gets a
 * short notice at most once per {@link BLOCKED_NOTICE_INTERVAL_MS} and nothing
 * else.
 *
 * @module
 */
import { Composer } from "grammy";
import type { BotContext } from "../context.ts";
import { encode } from "../../render/callbacks.ts";
import { escapeHtml } from "../../html.ts";
import { getOpenTicket } from "../../store/tickets.ts";
import { updateUser } from "../../store/users.ts";
import { clearPending, setPending } from "../../store/pending.ts";
import { bindT, cancelKeyboard, mainMenuKeyboard } from "../../render/menu.ts";
import { sendTicketCard } from "./ticket_actions.ts";

/** A blocked user hears about it at most this often. */
export const BLOCKED_NOTICE_INTERVAL_MS = 6 * 3_600_000;

/** The ticket id of a `/start t_<id>` payload, or null. */
export function ticketIdFromStartPayload(payload: string | undefined): number | null {
  const match = /^t_(\d{1,15})$/.exec(payload?.trim() ?? "");
  return match && Number(match[1]) > 0 ? Number(match[1]) : null;
}

/**
 * Answers an admin's `/start t_<id>` with the ticket card. Returns false (and
 * does nothing) for anyone else or another payload, so the admin panel can call
 * it first from its own `/start` handler.
 */
export async function handleTicketDeepLink(ctx: BotContext): Promise<boolean> {
  if (!ctx.isAdmin || !ctx.chat) return false;
  const payload = typeof ctx.match === "string" ? ctx.match : undefined;
  const ticketId = ticketIdFromStartPayload(payload);
  if (ticketId === null) return false;
  const found = await sendTicketCard(
    ctx.api,
    ctx.deps,
    { chatId: ctx.chat.id, locale: ctx.locale },
    ticketId,
  );
  if (!found) await ctx.reply(ctx.t("conv-ticket-missing", { id: String(ticketId) }));
  return true;
}

/** The start feature. */
export const startFeature = new Composer<BotContext>();

startFeature.use(async (ctx, next) => {
  const profile = ctx.profile;
  if (!profile?.blocked || ctx.isAdmin || ctx.chat?.type !== "private") return next();
  if (ctx.callbackQuery) {
    await ctx.answerCallbackQuery({ text: ctx.t("conv-blocked-notice") });
    return;
  }
  if (ctx.editedMessage) return;
  if (!ctx.message) return next();
  const now = ctx.deps.clock.now();
  const last = profile.lastBlockedNoticeAt;
  if (last !== undefined && now - last < BLOCKED_NOTICE_INTERVAL_MS) return;
  await updateUser(ctx.deps.kv, profile.id, (user) => ({ ...user, lastBlockedNoticeAt: now }));
  await ctx.reply(ctx.t("conv-blocked-notice"));
});

startFeature.command("start", async (ctx, next) => {
  if (await handleTicketDeepLink(ctx)) return;
  if (ctx.chat.type !== "private") return next();
  await clearPending(ctx.deps.kv, ctx.from!.id);
  await ctx.reply(
    `${ctx.t("conv-greeting", { name: escapeHtml(ctx.from!.first_name) })}\n\n${
      ctx.t("conv-menu")
    }`,
    {
      reply_markup: mainMenuKeyboard(bindT(ctx.deps.i18n, ctx.locale)),
    },
  );
});

startFeature.callbackQuery(encode({ kind: "menu", item: "main" }), async (ctx) => {
  await ctx.answerCallbackQuery();
  await ctx.reply(ctx.t("conv-menu"), {
    reply_markup: mainMenuKeyboard(bindT(ctx.deps.i18n, ctx.locale)),
  });
});

startFeature.callbackQuery(encode({ kind: "menu", item: "ask" }), async (ctx) => {
  await ctx.answerCallbackQuery();
  const { deps } = ctx;
  const userId = ctx.from.id;
  const open = await getOpenTicket(deps.kv, userId);
  if (open) {
    await clearPending(deps.kv, userId);
    await ctx.reply(ctx.t("conv-ask-prompt-open", { id: String(open.id) }));
    return;
  }
  await setPending(deps.kv, userId, { kind: "ask", since: deps.clock.now() });
  await ctx.reply(ctx.t("conv-ask-prompt", { min: deps.config.askMinLength }), {
    reply_markup: cancelKeyboard(bindT(deps.i18n, ctx.locale)),
  });
});
