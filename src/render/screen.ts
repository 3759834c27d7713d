/**
 * A rendered screen: what every admin screen renderer returns.
 *
 * @module
 */
import type { InlineKeyboard } from "grammy";

/** A rendered screen: HTML text and its buttons. */
export interface Screen {
  text: string;
  keyboard?: InlineKeyboard;
}
