/** Placeholder: filled in by its issue. */
import { Composer } from "grammy";
import type { BotContext } from "../context.ts";

/** The rating feature. */
export const ratingFeature = new Composer<BotContext>();
