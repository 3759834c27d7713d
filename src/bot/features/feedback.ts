/** Placeholder: filled in by its issue. */
import { Composer } from "grammy";
import type { BotContext } from "../context.ts";

/** The feedback feature. */
export const feedbackFeature = new Composer<BotContext>();
