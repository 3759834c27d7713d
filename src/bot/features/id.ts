/** Placeholder: filled in by its issue. */
import { Composer } from "grammy";
import type { BotContext } from "../context.ts";

/** The id feature. */
export const idFeature = new Composer<BotContext>();
