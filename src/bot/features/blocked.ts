/** Placeholder: filled in by its issue. */
import { Composer } from "grammy";
import type { BotContext } from "../context.ts";

/** The blocked feature. */
export const blockedFeature = new Composer<BotContext>();
