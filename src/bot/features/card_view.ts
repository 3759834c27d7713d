/** Placeholder: filled in by its issue. */
import { Composer } from "grammy";
import type { BotContext } from "../context.ts";

/** The card view feature (open a card, history). */
export const cardViewFeature = new Composer<BotContext>();
