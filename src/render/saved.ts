/**
 * The /saved list: every saved reply with its kind and the start of its text,
 * and a Delete button each.
 *
 * @module
 */
import { InlineKeyboard } from "grammy";
import type { Locale } from "../config.ts";
import type { Translator } from "../i18n.ts";
import { escapeHtml } from "../html.ts";
import type { SavedReply } from "../store/saved_replies.ts";
import { encode } from "./callbacks.ts";
import type { Screen } from "./screen.ts";

/** The longest preview of a saved reply's text in the list. */
const PREVIEW_LIMIT = 50;

/**
 * A short, stable reference to a saved reply for its Delete button (callback
 * data is limited to 64 bytes; a name in Cyrillic may not fit): FNV-1a.
 */
export function savedRef(name: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    hash ^= name.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(36);
}

function preview(text: string | undefined): string {
  const flat = (text ?? "").replace(/\s+/g, " ").trim();
  const chars = [...flat];
  return chars.length > PREVIEW_LIMIT ? chars.slice(0, PREVIEW_LIMIT - 1).join("") + "…" : flat;
}

/** The list of saved replies, or how to save one when there are none. */
export function renderSavedList(
  replies: SavedReply[],
  locale: Locale,
  i18n: Translator,
): Screen {
  const t = (key: string, args?: Record<string, string | number>) => i18n.t(locale, key, args);
  if (replies.length === 0) return { text: t("saved-empty") };
  const sorted = replies.toSorted((a, b) => a.name.localeCompare(b.name));
  const rows = sorted.map((reply) =>
    t("saved-row", {
      name: escapeHtml(reply.name),
      kind: t(`kind-${reply.kind}`),
      preview: escapeHtml(preview(reply.text)),
    })
  );
  const keyboard = new InlineKeyboard();
  for (const reply of sorted) {
    keyboard.text(
      t("saved-delete", { name: reply.name }),
      encode({ kind: "saved_delete", ref: savedRef(reply.name) }),
    ).row();
  }
  return { text: [t("saved-title", { count: replies.length }), "", ...rows].join("\n"), keyboard };
}
