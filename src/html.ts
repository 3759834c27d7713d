/**
 * HTML for Telegram's `parse_mode: "HTML"`. Every user-supplied string goes
 * through {@link escapeHtml} before it is put into a message.
 *
 * @module
 */

const ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" };

/** Escapes text for Telegram HTML. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (char) => ENTITIES[char]);
}

/** A clickable mention of a user: opens their profile. */
export function mentionHtml(userId: number, name: string): string {
  return `<a href="tg://user?id=${userId}">${escapeHtml(name)}</a>`;
}
