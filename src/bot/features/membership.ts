/**
 * Telegram tells the bot when a user blocks it (`my_chat_member`, status
 * "kicked") or unblocks it: the user is marked unreachable at once, so the
 * card shows it before an admin tries to answer. Unblocking needs nothing
 * here: the context middleware marks the user reachable on every update.
 *
 * @module
 */
import { Composer } from "grammy";
import type { BotContext } from "../context.ts";
import { markUnreachable } from "../../store/users.ts";

/** The membership feature. */
export const membershipFeature = new Composer<BotContext>();

membershipFeature.on("my_chat_member", async (ctx) => {
  const update = ctx.myChatMember;
  if (update.chat.type !== "private") return;
  if (update.new_chat_member.status === "kicked") {
    await markUnreachable(ctx.deps.kv, update.chat.id);
  }
});
