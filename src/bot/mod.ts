/**
 * `createBot(deps, options)`: the one place where the API transformers and the
 * middleware order are decided.
 *
 * API calls: HTML by default → heartbeat → journal (getUpdates) → auto-retry (429, 5xx)
 * → network retry → pacing (Telegram's limits) → Telegram.
 * Updates: per-chat sequencing → journal (repeats dropped, failures retried) → context
 * (admin check, profile, language) → /id → scope (private chats and the support group
 * from here on) → support group → features (admin first, then users) → legacy-id
 * lookup → unhandled.
 *
 * @module
 */
import { Bot, type Transformer } from "grammy";
import type { UserFromGetMe } from "grammy/types";
import { sequentialize } from "@grammyjs/runner";
import { autoRetry } from "@grammyjs/auto-retry";
import { type NetworkRetryOptions, retryNetworkErrors } from "../telegram/network_retry.ts";
import { Pacer, pacing } from "../telegram/pacing.ts";
import { htmlByDefault } from "../telegram/api.ts";
import type { BotContext, BotDeps } from "./context.ts";
import { contextMiddleware } from "./middleware/context.ts";
import { journalMiddleware, journalTransformer } from "./journal.ts";
import { retryPolling } from "../telegram/poll_retry.ts";
import { heartbeatTransformer } from "./heartbeat.ts";
import { handleBotError } from "./middleware/errors.ts";
import { idFeature } from "./features/id.ts";
import { scopeFeature } from "./features/scope.ts";
import { supportGroupFeature } from "./features/support_group.ts";
import { membershipFeature } from "./features/membership.ts";
import { unsupportedFeature } from "./features/unsupported.ts";
import { adminPanelFeature } from "./features/admin_panel.ts";
import { savedRepliesFeature } from "./features/saved_replies.ts";
import { findFeature } from "./features/find.ts";
import { startFeature } from "./features/start.ts";
import { languageFeature } from "./features/language.ts";
import { feedbackFeature } from "./features/feedback.ts";
import { ratingFeature } from "./features/rating.ts";
import { replyFeature } from "./features/reply.ts";
import { ticketActionsFeature } from "./features/ticket_actions.ts";
import { cardViewFeature } from "./features/card_view.ts";
import { inboxFeature } from "./features/inbox.ts";
import { statsFeature } from "./features/stats.ts";
import { blockedFeature } from "./features/blocked.ts";
import { settingsFeature } from "./features/settings.ts";
import { helpFeature } from "./features/help.ts";
import { userMessagesFeature } from "./features/user_messages.ts";
import { legacyLookupFeature } from "./features/legacy_lookup.ts";
import { unhandledFeature } from "./features/unhandled.ts";

/** Options mostly for tests and benchmarks. */
export interface CreateBotOptions {
  /** Skips `getMe` at start (tests pass a fixed bot user). */
  botInfo?: UserFromGetMe;
  /** API transformers installed under auto-retry (tests install a fake Telegram here). */
  transformers?: Transformer[];
  /** Retries of 429 and 5xx answers; 0 turns auto-retry off. */
  maxRetryAttempts?: number;
  /** Retries of calls that got no answer at all. */
  networkRetry?: NetworkRetryOptions;
  /** The pacing shared with the outbox sender (default: one of its own, TELEGRAM_RATE_SCALE). */
  pacer?: Pacer;
}

/** The key that orders updates: one chat's updates run one after another. */
export function sequenceKey(ctx: BotContext): string | undefined {
  return ctx.chat?.id.toString() ?? ctx.from?.id.toString();
}

/** Builds the bot with every feature, ready for `handleUpdate` or the runner. */
export function createBot(deps: BotDeps, options: CreateBotOptions = {}): Bot<BotContext> {
  const bot = new Bot<BotContext>(deps.config.botToken, {
    botInfo: options.botInfo,
    client: { apiRoot: deps.config.telegramApiRoot },
  });
  if (options.transformers?.length) bot.api.config.use(...options.transformers);
  bot.api.config.use(pacing(options.pacer ?? new Pacer(deps.config.telegramRateScale)));
  const retries = options.maxRetryAttempts ?? 5;
  if (retries > 0) {
    bot.api.config.use(retryPolling({ log: deps.log })); // auto-retry never sees a failed poll
    bot.api.config.use(retryNetworkErrors(options.networkRetry));
    bot.api.config.use(
      autoRetry({ maxRetryAttempts: retries, maxDelaySeconds: 120, rethrowHttpErrors: true }),
    );
  }
  bot.api.config.use(journalTransformer(deps));
  bot.api.config.use(heartbeatTransformer(deps));
  bot.api.config.use(htmlByDefault());

  bot.use(async (_ctx, next) => {
    deps.runtime.inFlight++;
    try {
      await next();
    } finally {
      deps.runtime.inFlight--;
    }
  });
  bot.use(sequentialize(sequenceKey));
  bot.use(journalMiddleware(deps));
  bot.use(contextMiddleware(deps));

  bot.use(idFeature);
  bot.use(scopeFeature);
  bot.use(supportGroupFeature);
  bot.use(membershipFeature);
  bot.use(adminPanelFeature);
  bot.use(savedRepliesFeature);
  bot.use(findFeature);
  bot.use(startFeature);
  bot.use(unsupportedFeature);
  bot.use(languageFeature);
  bot.use(feedbackFeature);
  bot.use(ratingFeature);
  bot.use(replyFeature);
  bot.use(ticketActionsFeature);
  bot.use(cardViewFeature);
  bot.use(inboxFeature);
  bot.use(statsFeature);
  bot.use(blockedFeature);
  bot.use(settingsFeature);
  bot.use(helpFeature);
  bot.use(userMessagesFeature);
  bot.use(legacyLookupFeature);
  bot.use(unhandledFeature);

  bot.catch((error) => handleBotError(error, deps));
  return bot;
}
