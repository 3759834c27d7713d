/**
 * API transformers every call goes through: HTML parse mode by default, set
 * once here instead of at every call.
 *
 * @module
 */
import type { Transformer } from "grammy";

/** Methods whose `text` is parsed. */
const TEXT_METHODS = new Set(["sendMessage", "editMessageText"]);

/**
 * Sets `parse_mode: "HTML"` on every call that carries a text or a caption
 * and names no parse mode of its own. Every text the bot writes is HTML with
 * user text escaped (src/html.ts).
 */
export function htmlByDefault(): Transformer {
  return (prev, method, payload, signal) => {
    const fields = payload as Record<string, unknown>;
    const parsed = TEXT_METHODS.has(method) || typeof fields.caption === "string";
    if (parsed && fields.parse_mode === undefined) {
      return prev(method, { ...payload, parse_mode: "HTML" } as typeof payload, signal);
    }
    return prev(method, payload, signal);
  };
}
