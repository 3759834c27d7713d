/**
 * What happens when a handler throws: the error is logged and alerted, the
 * sender gets a polite localized answer (once: not again when the journal's
 * retry fails too), and the bot keeps serving.
 *
 * @module
 */
import type { BotError } from "grammy";
import type { BotContext, BotDeps } from "../context.ts";

/** The error boundary of every update. */
export async function handleBotError(error: BotError<BotContext>, deps: BotDeps): Promise<void> {
  deps.runtime.errorCount++;
  const ctx = error.ctx;
  deps.log.error("Update failed", {
    updateId: ctx.update.update_id,
    error: error.error instanceof Error ? error.error.message : String(error.error),
  });
  deps.alerts.error(error.error, `update ${ctx.update.update_id}`);
  // The sender was told at the first failure that the bot tries again by itself.
  if ((ctx.failedBefore ?? 0) > 0) return;
  try {
    if (ctx.callbackQuery) {
      await ctx.answerCallbackQuery({
        text: deps.i18n.t(ctx.locale ?? deps.config.defaultLocale, "error-generic"),
      });
    } else if (ctx.chat?.type === "private") {
      await ctx.reply(deps.i18n.t(ctx.locale ?? deps.config.defaultLocale, "error-generic"));
    }
  } catch (secondary) {
    deps.log.warn("Could not tell the sender about an error", { error: secondary });
  }
}
