/** Placeholder: filled in by its issue. */
import { Composer } from "grammy";
import type { BotContext } from "../context.ts";

/** The user_messages feature. */
export const userMessagesFeature = new Composer<BotContext>();
