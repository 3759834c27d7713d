/** Placeholder: filled in by its issue. */
import { Composer } from "grammy";
import type { BotContext } from "../context.ts";

/** The unhandled feature. */
export const unhandledFeature = new Composer<BotContext>();
