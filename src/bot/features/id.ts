/**
 * `/id`: the sender's id in a private chat; in a group also the chat id and,
 * inside a forum topic, the topic id (for ADMIN_ID, ALERT_CHAT_ID, ALERT_TOPIC_ID).
 *
 * @module
 */
import { Composer } from "grammy";
import type { BotContext } from "../context.ts";

/** The id feature. */
export const idFeature = new Composer<BotContext>();

idFeature.command("id", async (ctx) => {
  const message = ctx.msg;
  const lines: string[] = [];
  if (ctx.chat.type !== "private") {
    lines.push(ctx.t("conv-id-chat", { chatId: String(ctx.chat.id) }));
    if (message.is_topic_message && message.message_thread_id !== undefined) {
      lines.push(ctx.t("conv-id-topic", { topicId: String(message.message_thread_id) }));
    }
  }
  if (ctx.from) lines.push(ctx.t("conv-id-user", { userId: String(ctx.from.id) }));
  await ctx.reply(lines.join("\n"), {
    ...(message.is_topic_message ? { message_thread_id: message.message_thread_id } : {}),
  });
});
