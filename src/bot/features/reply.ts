/** Placeholder: filled in by its issue. */
import { Composer } from "grammy";
import type { BotContext } from "../context.ts";

/** The reply feature. */
export const replyFeature = new Composer<BotContext>();
