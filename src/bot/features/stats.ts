/** Placeholder: filled in by its issue. */
import { Composer } from "grammy";
import type { BotContext } from "../context.ts";

/** The stats feature. */
export const statsFeature = new Composer<BotContext>();
