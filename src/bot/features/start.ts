/** Placeholder: filled in by its issue. */
import { Composer } from "grammy";
import type { BotContext } from "../context.ts";

/** The start feature. */
export const startFeature = new Composer<BotContext>();
