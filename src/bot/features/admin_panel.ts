/** Placeholder: filled in by its issue. */
import { Composer } from "grammy";
import type { BotContext } from "../context.ts";

/** The admin_panel feature. */
export const adminPanelFeature = new Composer<BotContext>();
