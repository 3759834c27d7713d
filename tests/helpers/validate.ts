/**
 * Parameter checks shared by the sim's methods: formatted text (parse_mode /
 * entities), captions and reply markup. Errors carry Telegram's wording.
 *
 * @module
 */

import type { InlineKeyboardMarkup, MessageEntity } from "grammy/types";
import { EntityParseError, type ParsedText, parseHtml } from "./html.ts";

/** A failed Bot API call, shaped like Telegram's JSON error. */
export interface ApiErrorBody {
  error_code: number;
  description: string;
  parameters?: { retry_after?: number; migrate_to_chat_id?: number };
}

/** How a failure came about: see {@link ApiFailure.expected}. */
export interface FailureOptions {
  /**
   * The test set the failure up (a user blocked the bot, a chat was deleted):
   * the bot cannot know in advance, so the error is expected. Default false:
   * the bot provoked it (a bad parameter, an edit that changes nothing, ...).
   */
  expected?: boolean;
}

/** Thrown inside the sim to answer a call with `{ ok: false, ... }`. */
export class ApiFailure extends Error {
  /** Whether a test set this failure up (see {@link FailureOptions.expected}). */
  readonly expected: boolean;

  constructor(readonly body: ApiErrorBody, options: FailureOptions = {}) {
    super(body.description);
    this.expected = options.expected ?? false;
  }
}

/** Throws a 400 "Bad Request: ..." failure. */
export function bad(description: string, options?: FailureOptions): never {
  throw new ApiFailure({ error_code: 400, description: `Bad Request: ${description}` }, options);
}

/** Throws a 403 "Forbidden: ..." failure. */
export function forbidden(description: string, options?: FailureOptions): never {
  throw new ApiFailure({ error_code: 403, description: `Forbidden: ${description}` }, options);
}

/** Length in UTF-16 code units, the unit of Telegram's limits and offsets. */
export function utf16Length(s: string): number {
  return s.length;
}

/** Reads a parameter that Telegram expects as a JSON object or array (it may come as a string). */
export function jsonParam<T>(value: unknown, what: string): T | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") return value as T;
  try {
    return JSON.parse(value) as T;
  } catch {
    return bad(`can't parse ${what} JSON object`);
  }
}

/** Reads a string parameter; numbers are accepted since form bodies may carry them. */
export function stringParam(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return undefined;
}

const ENTITY_TYPES = new Set([
  "mention",
  "hashtag",
  "cashtag",
  "bot_command",
  "url",
  "email",
  "phone_number",
  "bold",
  "italic",
  "underline",
  "strikethrough",
  "spoiler",
  "blockquote",
  "expandable_blockquote",
  "code",
  "pre",
  "text_link",
  "text_mention",
  "custom_emoji",
  "date_time",
]);

/** Options for {@link formatText}. */
export interface FormatOptions {
  /** Be stricter than Telegram where that only hides bugs (see module docs of the sim). */
  strict: boolean;
}

/**
 * Applies parse_mode or explicit entities to `raw` like the Bot API does.
 * Telegram ignores `entities` when a parse_mode is given.
 */
export function formatText(
  raw: string,
  parseMode: unknown,
  entitiesParam: unknown,
  options: FormatOptions,
): ParsedText {
  const mode = stringParam(parseMode)?.toLowerCase() ?? "";
  if (mode === "html") {
    try {
      return parseHtml(raw, { strictAmpersand: options.strict });
    } catch (e) {
      if (e instanceof EntityParseError) bad(`can't parse entities: ${e.message}`);
      throw e;
    }
  }
  if (mode === "markdown" || mode === "markdownv2") {
    // Markdown modes are not modelled; the text is kept as sent.
    return { text: raw, entities: [] };
  }
  if (mode !== "" && mode !== "none") bad("unsupported parse_mode");
  const entities = checkEntities(raw, entitiesParam, options);
  return { text: raw, entities };
}

function checkEntities(text: string, param: unknown, options: FormatOptions): MessageEntity[] {
  const list = jsonParam<unknown>(param, "entities");
  if (list === undefined) return [];
  if (!Array.isArray(list)) bad("can't parse entities: entities must be an Array");
  const entities = list as MessageEntity[];
  for (const e of entities) {
    if (typeof e !== "object" || e === null) bad("can't parse entities: entity must be an Object");
    if (typeof e.type !== "string") {
      bad(`can't parse entities: Can't parse MessageEntity: Field "type" must be of type String`);
    }
    if (!ENTITY_TYPES.has(e.type)) bad(`can't parse entities: Unsupported entity type "${e.type}"`);
    if (!Number.isInteger(e.offset) || e.offset < 0) {
      bad(`can't parse entities: Receive an entity with incorrect offset ${e.offset}`);
    }
    if (!Number.isInteger(e.length) || e.length < 0) {
      bad(`can't parse entities: Receive an entity with incorrect length ${e.length}`);
    }
    if (e.type === "text_link" && typeof e.url !== "string") {
      bad(`can't parse entities: Can't parse MessageEntity: Field "url" must be of type String`);
    }
    // Telegram clips such entities silently; an entity past the text is a bug in the caller.
    if (options.strict && e.offset + e.length > utf16Length(text)) {
      bad(
        `can't parse entities: entity ${e.type} at offset ${e.offset} with length ${e.length} ends after the end of the text (length ${
          utf16Length(text)
        })`,
      );
    }
  }
  return entities;
}

/** Checks message text: formatting, emptiness and the 4096 limit. */
export function checkMessageText(
  text: unknown,
  parseMode: unknown,
  entities: unknown,
  options: FormatOptions,
): ParsedText {
  const raw = stringParam(text);
  if (raw === undefined || raw === "") bad("message text is empty");
  const parsed = formatText(raw, parseMode, entities, options);
  // Telegram trims surrounding whitespace before measuring.
  const visible = parsed.text.trim();
  if (visible === "") bad("message text is empty");
  if (utf16Length(visible) > 4096) bad("message is too long");
  return parsed;
}

/** Checks an optional media caption: formatting and the 1024 limit. */
export function checkCaption(
  caption: unknown,
  parseMode: unknown,
  entities: unknown,
  options: FormatOptions,
): ParsedText | undefined {
  const raw = stringParam(caption);
  if (raw === undefined) return undefined;
  const parsed = formatText(raw, parseMode, entities, options);
  if (utf16Length(parsed.text.trim()) > 1024) bad("message caption is too long");
  return parsed;
}

const BUTTON_ACTIONS = [
  "url",
  "callback_data",
  "web_app",
  "login_url",
  "switch_inline_query",
  "switch_inline_query_current_chat",
  "switch_inline_query_chosen_chat",
  "copy_text",
  "callback_game",
  "pay",
] as const;

/** Result of {@link checkReplyMarkup}: only inline keyboards are kept on messages. */
export interface CheckedMarkup {
  inline?: InlineKeyboardMarkup;
}

/** Validates reply_markup (object or JSON string) like the Bot API. */
export function checkReplyMarkup(value: unknown): CheckedMarkup {
  const markup = jsonParam<Record<string, unknown>>(value, "reply keyboard markup");
  if (markup === undefined) return {};
  if (typeof markup !== "object" || Array.isArray(markup)) {
    bad("can't parse reply keyboard markup JSON object");
  }
  if ("inline_keyboard" in markup) {
    const rows = markup.inline_keyboard;
    if (!Array.isArray(rows) || !rows.every(Array.isArray)) {
      bad('field "inline_keyboard" of the InlineKeyboardMarkup should be an Array of Arrays');
    }
    for (const row of rows as unknown[][]) {
      for (const button of row) checkInlineButton(button);
    }
    return { inline: markup as unknown as InlineKeyboardMarkup };
  }
  if ("keyboard" in markup) {
    const rows = markup.keyboard;
    if (!Array.isArray(rows) || !rows.every(Array.isArray)) {
      bad('field "keyboard" of the ReplyKeyboardMarkup should be an Array of Arrays');
    }
    for (const row of rows as unknown[][]) {
      for (const b of row) {
        const text = typeof b === "string" ? b : (b as { text?: unknown })?.text;
        if (typeof text !== "string") {
          bad('can\'t parse keyboard button: Field "text" must be of type String');
        }
      }
    }
    return {};
  }
  if ("remove_keyboard" in markup || "force_reply" in markup) return {};
  return bad("can't parse reply keyboard markup JSON object");
}

const encoder = new TextEncoder();

function checkInlineButton(button: unknown): void {
  if (typeof button !== "object" || button === null) {
    bad("can't parse inline keyboard button: InlineKeyboardButton must be an Object");
  }
  const b = button as Record<string, unknown>;
  if (typeof b.text !== "string") {
    bad('can\'t parse inline keyboard button: Field "text" must be of type String');
  }
  const actions = BUTTON_ACTIONS.filter((k) => b[k] !== undefined);
  if (actions.length === 0) {
    bad("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard");
  }
  if (actions.length > 1) {
    // Telegram silently uses the first field; two actions on one button is always a bug.
    bad(
      `can't parse inline keyboard button: exactly one of the optional fields must be used, got ${
        actions.join(", ")
      }`,
    );
  }
  if (b.callback_data !== undefined) {
    const data = b.callback_data;
    const size = typeof data === "string" ? encoder.encode(data).length : 0;
    if (size < 1 || size > 64) bad("BUTTON_DATA_INVALID");
  }
  if (b.url !== undefined) {
    const url = b.url;
    if (typeof url !== "string" || url === "" || /\s/.test(url)) {
      bad(`inline keyboard button URL '${String(url)}' is invalid: Wrong HTTP URL`);
    }
  }
}
