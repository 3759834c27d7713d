/**
 * Texts about people and tickets on the conversation side: display names,
 * headers of delivered messages, the clickable ticket id.
 *
 * @module
 */
import { escapeHtml } from "../html.ts";
import type { UserRecord } from "../store/users.ts";
import { displayName } from "./card.ts";
import type { T } from "./menu.ts";

/** A user as admins see them in headers, escaped: `Name (@username)`. */
export function userLabelHtml(user: UserRecord | null, userId: number): string {
  const name = escapeHtml(displayName(user, userId));
  return user?.username && !name.startsWith("@") ? `${name} (@${escapeHtml(user.username)})` : name;
}

/** The deep link that opens a ticket card for an admin: `/start t_<id>`. */
export function ticketDeepLink(botUsername: string, ticketId: number): string {
  return `https://t.me/${botUsername}?start=t_${ticketId}`;
}

/** A clickable `#id` that opens the ticket card. */
export function ticketLinkHtml(botUsername: string, ticketId: number): string {
  return `<a href="${escapeHtml(ticketDeepLink(botUsername, ticketId))}">#${ticketId}</a>`;
}

/** The header of a user's message delivered to an admin. */
export function adminHeader(t: T, ticketId: number, user: UserRecord | null, userId: number) {
  return t("conv-admin-header", { id: String(ticketId), name: userLabelHtml(user, userId) });
}
