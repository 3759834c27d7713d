/** Placeholder: filled in by its issue. */
import { Composer } from "grammy";
import type { BotContext } from "../context.ts";

/** The inbox feature. */
export const inboxFeature = new Composer<BotContext>();
