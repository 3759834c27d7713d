/**
 * The admin Help screen (`a:help:0`, and /help from an admin).
 *
 * @module
 */
import { Composer } from "grammy";
import type { BotContext } from "../context.ts";
import { renderHelp } from "../../render/help.ts";
import { adminButton, showScreen } from "../screen.ts";

/** The help feature. */
export const helpFeature = new Composer<BotContext>();

/** Shows the help screen. */
export async function showHelp(ctx: BotContext): Promise<void> {
  await showScreen(
    ctx,
    renderHelp(
      { autoCloseAfterHours: ctx.deps.config.autoCloseAfterHours },
      ctx.locale,
      ctx.deps.i18n,
    ),
  );
}

helpFeature.on(
  "callback_query:data",
  adminButton(
    (cb) => cb.kind === "admin" && cb.screen === "help" ? cb : undefined,
    (ctx) => showHelp(ctx),
  ),
);

// Users' /help (if any) belongs to other features: pass it on.
helpFeature.command("help", async (ctx, next) => {
  if (!ctx.isAdmin) return await next();
  await showHelp(ctx);
});
