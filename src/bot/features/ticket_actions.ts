/** Placeholder: filled in by its issue. */
import { Composer } from "grammy";
import type { BotContext } from "../context.ts";

/** The ticket_actions feature. */
export const ticketActionsFeature = new Composer<BotContext>();
