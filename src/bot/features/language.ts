/** Placeholder: filled in by its issue. */
import { Composer } from "grammy";
import type { BotContext } from "../context.ts";

/** The language feature. */
export const languageFeature = new Composer<BotContext>();
