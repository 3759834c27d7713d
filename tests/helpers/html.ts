/**
 * Telegram's HTML parse mode, re-implemented after TDLib's `parse_html`
 * (td/telegram/MessageEntity.cpp) so that tests fail exactly where the real
 * Bot API would answer "can't parse entities".
 *
 * One deliberate extra: with `strictAmpersand` (the sim's default) a `&` that
 * does not start a recognised entity is refused. Telegram itself keeps such a
 * `&` literally, but an unescaped `&` means user text reached the markup
 * without escaping, which is the same bug that breaks on the next `<`.
 *
 * @module
 */

import type { MessageEntity, User } from "grammy/types";

/** Text after entity parsing, with the entities Telegram would attach. */
export interface ParsedText {
  text: string;
  entities: MessageEntity[];
}

/** A parse failure; `message` is the part after "Bad Request: can't parse entities: ". */
export class EntityParseError extends Error {}

/** Options of {@link parseHtml}. */
export interface HtmlOptions {
  /** Refuse a `&` that is not a supported entity (Telegram keeps it literally). */
  strictAmpersand?: boolean;
}

const SUPPORTED_TAGS = new Set([
  "a",
  "b",
  "strong",
  "i",
  "em",
  "s",
  "strike",
  "del",
  "u",
  "ins",
  "tg-spoiler",
  "tg-emoji",
  "tg-time",
  "span",
  "pre",
  "code",
  "blockquote",
]);

const SIMPLE_ENTITY: Record<string, MessageEntity["type"]> = {
  b: "bold",
  strong: "bold",
  i: "italic",
  em: "italic",
  u: "underline",
  ins: "underline",
  s: "strikethrough",
  strike: "strikethrough",
  del: "strikethrough",
  "tg-spoiler": "spoiler",
  span: "spoiler",
};

const encoder = new TextEncoder();

/** Number of UTF-8 bytes of `s` (Telegram reports byte offsets). */
export function utf8Length(s: string): number {
  return encoder.encode(s).length;
}

// TDLib's is_space; the end of the input behaves like "\0", which is a space.
function isSpace(c: string): boolean {
  return c === " " || c === "\t" || c === "\r" || c === "\n" || c === "\0" || c === "\v" ||
    c === "\f";
}

interface Decoded {
  char: string;
  end: number;
}

/** Decodes the HTML entity at `pos` the way TDLib does, or returns null. */
function decodeEntity(src: string, pos: number): Decoded | null {
  let end = pos + 1;
  let code = 0;
  if (src[end] === "#") {
    end++;
    const hex = src[end] === "x";
    if (hex) end++;
    const digits = hex ? /[0-9a-fA-F]/ : /[0-9]/;
    while (end < src.length && digits.test(src[end])) {
      code = code * (hex ? 16 : 10) + parseInt(src[end], 16);
      end++;
      if (code >= 0x10ffff) return null;
    }
    if (code === 0 || end - pos >= 10) return null;
    // Lone surrogates are refused by Telegram after decoding; treat as no entity.
    if (code >= 0xd800 && code <= 0xdfff) return null;
  } else {
    while (end < src.length && /[A-Za-z]/.test(src[end])) end++;
    const name = src.slice(pos + 1, end);
    const named: Record<string, number> = { lt: 60, gt: 62, amp: 38, quot: 34 };
    if (!(name in named)) return null;
    code = named[name];
  }
  if (src[end] === ";") end++;
  return { char: String.fromCodePoint(code), end };
}

interface OpenTag {
  tag: string;
  attrs: Map<string, string>;
  offset: number;
}

/**
 * Parses `src` as Telegram HTML. Throws {@link EntityParseError} with
 * Telegram's wording (byte offsets are UTF-8 offsets into `src`).
 */
export function parseHtml(src: string, options: HtmlOptions = {}): ParsedText {
  const at = (i: number) => (i < src.length ? src[i] : "\0");
  const bytes = (i: number) => utf8Length(src.slice(0, i));
  const fail = (msg: string): never => {
    throw new EntityParseError(msg);
  };
  let out = "";
  const entities: MessageEntity[] = [];
  const open: OpenTag[] = [];
  // Language of <code class="language-x">, consumed when the enclosing <pre> closes.
  const languages = new WeakMap<MessageEntity, string>();

  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (c === "&") {
      const decoded = decodeEntity(src, i);
      if (decoded) {
        out += decoded.char;
        i = decoded.end - 1;
        continue;
      }
      if (options.strictAmpersand) {
        fail(`Unescaped "&" at byte offset ${bytes(i)}; use &amp;`);
      }
    }
    if (c !== "<") {
      out += c;
      continue;
    }

    const begin = i++;
    if (at(i) !== "/") {
      while (!isSpace(at(i)) && at(i) !== ">") i++;
      if (i >= src.length) fail(`Unclosed start tag at byte offset ${bytes(begin)}`);
      const tag = src.slice(begin + 1, i).toLowerCase();
      if (!SUPPORTED_TAGS.has(tag)) {
        fail(`Unsupported start tag "${tag}" at byte offset ${bytes(begin)}`);
      }
      const attrs = new Map<string, string>();
      i = readAttributes(src, i, tag, begin, attrs, bytes, fail);
      if (tag === "span" && attrs.get("class") !== "tg-spoiler") {
        fail(`Tag "span" must have class "tg-spoiler" at byte offset ${bytes(begin)}`);
      }
      open.push({ tag, attrs, offset: out.length });
    } else {
      if (open.length === 0) fail(`Unexpected end tag at byte offset ${bytes(begin)}`);
      while (!isSpace(at(i)) && at(i) !== ">") i++;
      const endName = src.slice(begin + 2, i);
      while (i < src.length && isSpace(at(i))) i++;
      if (at(i) !== ">") fail(`Unclosed end tag at byte offset ${bytes(begin)}`);
      const top = open.pop()!;
      // TDLib compares the raw end tag with the lower-cased start tag.
      if (endName !== "" && endName !== top.tag) {
        fail(
          `Unmatched end tag at byte offset ${
            bytes(begin)
          }, expected "</${top.tag}>", found "</${endName}>"`,
        );
      }
      closeEntity(top, out, entities, languages, fail);
    }
  }
  if (open.length > 0) {
    fail(`Can't find end tag corresponding to start tag "${open[open.length - 1].tag}"`);
  }
  entities.sort((a, b) => a.offset - b.offset || b.length - a.length);
  return { text: out, entities };
}

/** Reads the attributes of a start tag; returns the index of its closing `>`. */
function readAttributes(
  src: string,
  start: number,
  tag: string,
  begin: number,
  attrs: Map<string, string>,
  bytes: (i: number) => number,
  fail: (msg: string) => never,
): number {
  const at = (i: number) => (i < src.length ? src[i] : "\0");
  let i = start;
  while (at(i) !== ">") {
    while (i < src.length && isSpace(at(i))) i++;
    if (at(i) === ">") break;
    if (i >= src.length) fail(`Unclosed start tag at byte offset ${bytes(begin)}`);
    const nameBegin = i;
    while (!isSpace(at(i)) && at(i) !== "=" && at(i) !== ">") i++;
    const name = src.slice(nameBegin, i).toLowerCase();
    if (name === "") {
      fail(`Empty attribute name in the tag "${tag}" at byte offset ${bytes(begin)}`);
    }
    while (i < src.length && isSpace(at(i))) i++;
    if (at(i) !== "=") {
      // Value-less attributes exist only as <blockquote expandable>.
      if (tag === "blockquote" && name === "expandable") {
        attrs.set(name, "");
        continue;
      }
      if (i >= src.length) fail(`Unclosed start tag at byte offset ${bytes(begin)}`);
      fail(
        `Expected equal sign in declaration of an attribute of the tag "${tag}" at byte offset ${
          bytes(begin)
        }`,
      );
    }
    i++;
    while (i < src.length && isSpace(at(i))) i++;
    if (i >= src.length) fail(`Unclosed start tag "${tag}" at byte offset ${bytes(begin)}`);
    let value = "";
    if (at(i) !== "'" && at(i) !== '"') {
      const tokenBegin = i;
      while (/[A-Za-z0-9.-]/.test(at(i))) i++;
      value = src.slice(tokenBegin, i).toLowerCase();
      if (!isSpace(at(i)) && at(i) !== ">") {
        fail(`Unexpected end of name token at byte offset ${bytes(tokenBegin)}`);
      }
    } else {
      const quote = src[i++];
      while (i < src.length && src[i] !== quote) {
        const decoded = src[i] === "&" ? decodeEntity(src, i) : null;
        if (decoded) {
          value += decoded.char;
          i = decoded.end;
        } else {
          value += src[i++];
        }
      }
      if (src[i] === quote) i++;
    }
    if (i >= src.length) fail(`Unclosed start tag at byte offset ${bytes(begin)}`);
    attrs.set(name, value);
  }
  return i;
}

/** Turns a closed tag into an entity, as TDLib does (empty ranges give none). */
function closeEntity(
  top: OpenTag,
  out: string,
  entities: MessageEntity[],
  languages: WeakMap<MessageEntity, string>,
  fail: (msg: string) => never,
): void {
  const offset = top.offset;
  const length = out.length - offset;
  const { tag, attrs } = top;
  if (tag === "tg-emoji") {
    const id = attrs.get("emoji-id") ?? "";
    if (!/^[1-9][0-9]*$/.test(id)) fail("Invalid custom emoji identifier specified");
    if (length > 0) entities.push({ type: "custom_emoji", offset, length, custom_emoji_id: id });
    return;
  }
  if (length === 0) return;
  if (tag in SIMPLE_ENTITY) {
    entities.push({ type: SIMPLE_ENTITY[tag], offset, length } as MessageEntity);
  } else if (tag === "blockquote") {
    const type = attrs.has("expandable") ? "expandable_blockquote" : "blockquote";
    entities.push({ type, offset, length });
  } else if (tag === "a") {
    const url = attrs.get("href") || out.slice(offset);
    const userId = /^tg:\/\/user\?id=(\d+)$/i.exec(url)?.[1];
    if (userId) {
      const user: User = { id: Number(userId), is_bot: false, first_name: "" };
      entities.push({ type: "text_mention", offset, length, user });
    } else if (url !== "" && !/\s/.test(url)) {
      // Telegram drops links it cannot parse instead of failing.
      entities.push({ type: "text_link", offset, length, url });
    }
  } else if (tag === "code") {
    const entity: MessageEntity = { type: "code", offset, length };
    const lang = attrs.get("class")?.match(/^language-(.+)$/)?.[1];
    if (lang) languages.set(entity, lang);
    entities.push(entity);
  } else if (tag === "pre") {
    // <pre><code class="language-x">…</code></pre> becomes one pre entity with a language.
    const idx = entities.findIndex((e) =>
      e.type === "code" && e.offset === offset && e.length === length
    );
    const language = idx >= 0 ? languages.get(entities[idx]) : undefined;
    if (idx >= 0) entities.splice(idx, 1);
    entities.push(
      language ? { type: "pre", offset, length, language } : { type: "pre", offset, length },
    );
  } else if (tag === "tg-time") {
    const unix = Number(attrs.get("unix"));
    if (Number.isInteger(unix) && unix > 0) {
      const format = (attrs.get("format") ?? "") as never;
      entities.push({
        type: "date_time",
        offset,
        length,
        unix_time: unix,
        date_time_format: format,
      });
    }
  }
}
