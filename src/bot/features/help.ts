/** Placeholder: filled in by its issue. */
import { Composer } from "grammy";
import type { BotContext } from "../context.ts";

/** The help feature. */
export const helpFeature = new Composer<BotContext>();
