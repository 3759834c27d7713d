/** Placeholder: filled in by its issue. */
import { Composer } from "grammy";
import type { BotContext } from "../context.ts";

/** The settings feature. */
export const settingsFeature = new Composer<BotContext>();
