/**
 * The admin panel: admin /start and /admin open it, its Back buttons return
 * to it. A non-admin's /start goes on to the user menu; a non-admin's /admin
 * gets a polite refusal. An admin's `/start t_<id>` (the clickable ticket id
 * in notifications) opens that ticket's card.
 *
 * @module
 */
import { Composer } from "grammy";
import type { BotContext } from "../context.ts";
import { readCounters } from "../../store/stats.ts";
import { renderPanel } from "../../render/panel.ts";
import { adminButton, refuse, showScreen } from "../screen.ts";
import { handleTicketDeepLink } from "./start.ts";

/** The admin_panel feature. */
export const adminPanelFeature = new Composer<BotContext>();

/** Shows the panel (edits the pressed message, or sends a new one). */
export async function showPanel(ctx: BotContext): Promise<void> {
  const counters = await readCounters(ctx.deps.kv, [
    "tickets_new",
    "tickets_in_progress",
    "tickets_autoclose_waiting",
  ]);
  await showScreen(
    ctx,
    renderPanel(
      {
        ticketsNew: counters.tickets_new,
        ticketsInProgress: counters.tickets_in_progress,
        autoCloseWaiting: counters.tickets_autoclose_waiting,
      },
      ctx.locale,
      ctx.deps.i18n,
    ),
  );
}

adminPanelFeature.chatType("private").command("start", async (ctx, next) => {
  if (!ctx.isAdmin) return await next();
  // `/start t_<id>` (the clickable #id in notifications) opens that ticket's card,
  // sent as a new message that also answers the ticket when replied to.
  if (await handleTicketDeepLink(ctx)) return;
  await showPanel(ctx);
});

adminPanelFeature.command("admin", async (ctx) => {
  if (!ctx.isAdmin) return await refuse(ctx);
  await showPanel(ctx);
});

adminPanelFeature.on(
  "callback_query:data",
  adminButton(
    (cb) => cb.kind === "admin" && cb.screen === "panel" ? cb : undefined,
    (ctx) => showPanel(ctx),
  ),
);
