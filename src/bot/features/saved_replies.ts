/**
 * Saved replies for agents, in private chats and in the support group:
 * `/save <name>` as a Telegram reply to any message keeps its text (or its
 * media with caption) under that name, replacing one of the same name;
 * `/saved` lists them with a Delete button each. Sending one (`/r <name>`)
 * belongs to answering (answer.ts), wherever an agent's message answers a
 * ticket.
 *
 * @module
 */
import { Composer } from "grammy";
import type { Message } from "grammy/types";
import type { BotContext } from "../context.ts";
import { adminButton, showScreen } from "../screen.ts";
import { renderSavedList, savedRef } from "../../render/saved.ts";
import {
  deleteSavedReply,
  listSavedReplies,
  SAVED_LIMIT,
  savedName,
  type SavedReply,
  saveReply,
} from "../../store/saved_replies.ts";
import { findByCopy, getMessage } from "../../store/tickets.ts";
import { contentSupport, kindOf } from "../../telegram/content.ts";
import { escapeHtml } from "../../html.ts";

/** The saved_replies feature. */
export const savedRepliesFeature = new Composer<BotContext>();

const agents = savedRepliesFeature.filter((ctx) => ctx.isAdmin);

/**
 * What `/save` keeps of the message replied to: the message itself, or, for a
 * copy the bot delivered, the ticket's message without the bot's header.
 */
async function contentOf(
  ctx: BotContext,
  replied: Message,
): Promise<Pick<SavedReply, "kind" | "text" | "from"> | null> {
  const link = await findByCopy(ctx.deps.kv, replied.chat.id, replied.message_id);
  const record = link && link.seq > 0
    ? await getMessage(ctx.deps.kv, link.ticketId, link.seq)
    : null;
  if (record && record.kind !== "album" && record.kind !== "edit" && !record.note) {
    const from = record.from ?? record.source;
    return {
      kind: record.kind,
      text: record.current ?? record.text,
      from: { chatId: from.chatId, messageId: from.messageIds[0] },
    };
  }
  if (contentSupport(replied) !== "ok") return null;
  return {
    kind: kindOf(replied),
    text: replied.text ?? replied.caption,
    from: { chatId: replied.chat.id, messageId: replied.message_id },
  };
}

agents.command("save", async (ctx) => {
  const { deps } = ctx;
  const name = savedName(ctx.match);
  // In a topic every message "replies" to the topic's creation: that is not a reply.
  const replied = ctx.message?.reply_to_message;
  const real = replied && !replied.forum_topic_created ? replied : undefined;
  if (!name || !real) return void await ctx.reply(ctx.t("saved-usage"));
  const content = await contentOf(ctx, real);
  if (!content || content.kind === "other" || (content.kind === "text" && !content.text?.trim())) {
    return void await ctx.reply(ctx.t("saved-unsupported"));
  }
  const saved = await saveReply(deps.kv, {
    name,
    ...content,
    by: ctx.from!.id,
    at: deps.clock.now(),
  });
  await ctx.reply(
    saved
      ? ctx.t("saved-done", { name: escapeHtml(name) })
      : ctx.t("saved-full", { limit: SAVED_LIMIT }),
  );
});

agents.command("saved", async (ctx) => {
  const replies = await listSavedReplies(ctx.deps.kv);
  await showScreen(ctx, renderSavedList(replies, ctx.locale, ctx.deps.i18n));
});

savedRepliesFeature.on(
  "callback_query:data",
  adminButton(
    (callback) => callback.kind === "saved_delete" ? callback.ref : undefined,
    async (ctx, ref) => {
      const { deps } = ctx;
      const replies = await listSavedReplies(deps.kv);
      const target = replies.find((reply) => savedRef(reply.name) === ref);
      const deleted = target ? await deleteSavedReply(deps.kv, target.name) : false;
      const left = replies.filter((reply) => reply !== target);
      await showScreen(ctx, renderSavedList(left, ctx.locale, deps.i18n), {
        toast: deleted ? ctx.t("saved-deleted", { name: target!.name }) : ctx.t("saved-gone"),
      });
    },
  ),
);
