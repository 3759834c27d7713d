/**
 * Feedback: "Send feedback", then one message that is stored and delivered to
 * the admins (and the alert chat when set). With FEEDBACK_COOLDOWN_ENABLED a
 * second feedback inside FEEDBACK_COOLDOWN_HOURS is refused with the time when
 * the next one is allowed.
 *
 * A feedback update handled again after a crash (journal.ts) is not stored
 * twice (the user record names the last feedback's message); it is thanked and
 * delivered again, as its first handling may have stopped before that
 * (at-least-once).
 *
 * @module
 */
import { type Api, Composer } from "grammy";
import type { Message } from "grammy/types";
import type { BotContext, BotDeps } from "../context.ts";
import type { Locale } from "../../config.ts";
import { encode } from "../../render/callbacks.ts";
import { addFeedback, feedbackAllowedAt } from "../../store/feedback.ts";
import { getUser, type UserRecord } from "../../store/users.ts";
import { clearPending, getPending, setPending } from "../../store/pending.ts";
import { adminLocale } from "../../services/notify.ts";
import { reportFailure } from "../../services/alerts.ts";
import { isCommand, textOf } from "../../telegram/content.ts";
import { deliver, type Destination } from "../../telegram/send.ts";
import { getAlbum, stageAlbum } from "../../store/tickets.ts";
import { bindT, cancelKeyboard } from "../../render/menu.ts";
import { userLabelHtml } from "../../render/notices.ts";
import { formatDateTime, formatDuration } from "../../time.ts";
import { commit } from "../../store/locked.ts";

function cooldownMs(deps: BotDeps): number {
  return deps.config.feedbackCooldownEnabled
    ? Math.round(deps.config.feedbackCooldownHours * 3_600_000)
    : 0;
}

function cooldownText(ctx: BotContext, nextAt: number): string {
  const { deps } = ctx;
  return ctx.t("conv-feedback-cooldown", {
    time: formatDateTime(nextAt, ctx.locale, deps.config.timezone),
    left: formatDuration(nextAt - deps.clock.now(), ctx.locale),
  });
}

/** Delivers a feedback message to every admin and to the alert chat, each under a header. */
async function deliverFeedback(
  api: Api,
  deps: BotDeps,
  user: UserRecord | null,
  messages: Message[],
): Promise<void> {
  const userId = messages[0].chat.id;
  const targets: { to: Destination; locale: Promise<Locale> | Locale }[] = deps.config.adminIds
    .map((adminId) => ({ to: { chatId: adminId }, locale: adminLocale(deps, adminId) }));
  if (deps.config.alertChatId !== undefined) {
    targets.push({
      to: { chatId: deps.config.alertChatId, threadId: deps.config.alertTopicId },
      locale: deps.config.defaultLocale,
    });
  }
  await Promise.all(targets.map(async ({ to, locale }) => {
    try {
      const t = bindT(deps.i18n, await locale);
      await deliver(api, to, messages, {
        headerHtml: t("conv-admin-feedback", { name: userLabelHtml(user, userId) }),
      });
    } catch (error) {
      reportFailure(deps, error, "Could not deliver feedback", { chatId: to.chatId });
    }
  }));
}

/** The feedback feature. */
export const feedbackFeature = new Composer<BotContext>();

feedbackFeature.callbackQuery(encode({ kind: "menu", item: "feedback" }), async (ctx) => {
  await ctx.answerCallbackQuery();
  const { deps } = ctx;
  const now = deps.clock.now();
  const nextAt = feedbackAllowedAt(ctx.profile ?? null, now, cooldownMs(deps));
  if (nextAt !== undefined) {
    await ctx.reply(cooldownText(ctx, nextAt));
    return;
  }
  await setPending(deps.kv, ctx.from.id, { kind: "feedback", since: now });
  await ctx.reply(ctx.t("conv-feedback-prompt", { min: deps.config.askMinLength }), {
    reply_markup: cancelKeyboard(bindT(deps.i18n, ctx.locale)),
  });
});

const users = feedbackFeature.chatType("private").filter((ctx) => !ctx.isAdmin);

users.on("message", async (ctx, next) => {
  const { deps } = ctx;
  const message = ctx.message;
  if (isCommand(message)) return next();
  // Handled again after a crash, the feedback may be stored already and its input cleared.
  const replayed = ctx.profile?.lastFeedbackMessageId === message.message_id;
  const group = message.media_group_id;
  const album = group ? (await getAlbum(deps.kv, message.chat.id, group)).value : null;
  if (album && "feedback" in album && !replayed) {
    // A later item of a feedback album goes where its first items went.
    const user = await getUser(deps.kv, ctx.from.id);
    return await deliverFeedback(ctx.api, deps, user, [message]);
  }
  // Items of the album that came before the one with the caption.
  const before = album && "feedbackWaiting" in album
    ? album.feedbackWaiting
    : album && "feedback" in album
    ? album.before ?? []
    : [];
  const pending = replayed ? null : await getPending(deps.kv, ctx.from.id);
  if (!replayed && pending?.kind !== "feedback") return next();
  const text = textOf([message]) ?? "";
  if ([...text.trim()].length < deps.config.askMinLength || !text.trim()) {
    if (group && !message.caption) {
      // An album item without a caption waits for the item that carries it; the hint comes once.
      const op = deps.kv.atomic();
      const record = { feedbackWaiting: [...before, message.message_id] };
      stageAlbum(op, { chatId: message.chat.id, mediaGroupId: group, record });
      await commit(op);
      if (before.length > 0) return;
    }
    await ctx.reply(ctx.t("conv-feedback-too-short", { min: deps.config.askMinLength }));
    return;
  }
  const result = await addFeedback(deps.kv, {
    userId: ctx.from.id,
    at: deps.clock.now(),
    text,
    chatId: message.chat.id,
    messageId: message.message_id,
  }, cooldownMs(deps));
  await clearPending(deps.kv, ctx.from.id);
  if (!result.ok) {
    await ctx.reply(cooldownText(ctx, result.nextAllowedAt));
    return;
  }
  await ctx.reply(ctx.t("conv-feedback-thanks"));
  if (group) {
    const op = deps.kv.atomic();
    stageAlbum(op, {
      chatId: message.chat.id,
      mediaGroupId: group,
      record: { feedback: true, before },
    });
    await commit(op);
  }
  const user = await getUser(deps.kv, ctx.from.id);
  const earlier = before.map((id) =>
    ({ ...message, message_id: id, caption: undefined }) as Message
  );
  await deliverFeedback(ctx.api, deps, user, [...earlier, message]);
});
