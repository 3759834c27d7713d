/**
 * Reads Bot API request parameters from an HTTP request the way Telegram
 * does: query string, JSON, urlencoded or multipart/form-data bodies.
 *
 * Multipart is parsed by hand because grammY writes part headers in a terse
 * form (`content-disposition:form-data;name="x";filename=a.txt`, unquoted
 * file name) that general-purpose parsers may refuse. Uploaded files become
 * {@link UploadedFile}s, and `attach://<name>` references are resolved.
 *
 * @module
 */

import type { UploadedFile } from "./media.ts";

/** Request parameters. */
export type Params = Record<string, unknown>;

/** Thrown for bodies Telegram could not read either. */
export class BodyError extends Error {}

// Free text stays a string even when it looks like JSON or a number ("42", "[1]").
const TEXT_FIELDS = new Set([
  "text",
  "caption",
  "question",
  "explanation",
  "title",
  "description",
  "short_description",
  "name",
  "first_name",
  "last_name",
  "phone_number",
  "vcard",
  "address",
  "emoji",
  "data",
  "url",
  "quote",
  "callback_query_id",
  "inline_message_id",
  "file_id",
  "custom_title",
  "secret_token",
  "query",
  "payload",
  "start_parameter",
  "invite_link",
]);

/** Interprets a form value like the Bot API: JSON objects/arrays, numbers and booleans. */
export function coerceFormValue(key: string, value: string): unknown {
  if (TEXT_FIELDS.has(key)) return value;
  if (/^\s*[[{]/.test(value)) {
    try {
      return JSON.parse(value);
    } catch {
      return value; // the sim reports "can't parse ... JSON object" for it
    }
  }
  if (value === "true") return true;
  if (value === "false") return false;
  if (/^-?\d+(\.\d+)?$/.test(value) && String(Number(value)) === value) return Number(value);
  return value;
}

/** Parameters of a request (query string merged with the body). */
export async function readParams(req: Request): Promise<Params> {
  const params: Params = {};
  for (const [k, v] of new URL(req.url).searchParams) params[k] = coerceFormValue(k, v);
  if (req.method !== "POST") return params;
  const type = req.headers.get("content-type") ?? "";
  const body = new Uint8Array(await req.arrayBuffer());
  if (body.length === 0) return params;
  if (type.startsWith("application/json")) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(new TextDecoder().decode(body));
    } catch {
      throw new BodyError("can't parse JSON object");
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
      throw new BodyError("can't parse JSON object");
    }
    return { ...params, ...parsed };
  }
  if (type.startsWith("application/x-www-form-urlencoded")) {
    for (const [k, v] of new URLSearchParams(new TextDecoder().decode(body))) {
      params[k] = coerceFormValue(k, v);
    }
    return params;
  }
  if (type.startsWith("multipart/form-data")) {
    const boundary = /boundary=("?)([^";]+)\1/i.exec(type)?.[2];
    if (!boundary) throw new BodyError("can't parse multipart/form-data: no boundary");
    return { ...params, ...parseMultipart(body, boundary) };
  }
  return params;
}

interface Part {
  name: string;
  filename?: string;
  data: Uint8Array;
}

const enc = new TextEncoder();
const dec = new TextDecoder();

function indexOf(hay: Uint8Array, needle: Uint8Array, from: number): number {
  outer: for (let i = from; i <= hay.length - needle.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

function splitParts(body: Uint8Array, boundary: string): Part[] {
  const delimiter = enc.encode(`--${boundary}`);
  const parts: Part[] = [];
  let pos = indexOf(body, delimiter, 0);
  if (pos < 0) throw new BodyError("can't parse multipart/form-data: no boundary in body");
  while (true) {
    pos += delimiter.length;
    if (body[pos] === 45 && body[pos + 1] === 45) break; // "--": the end
    pos += 2; // CRLF after the delimiter
    const headerEnd = indexOf(body, enc.encode("\r\n\r\n"), pos);
    if (headerEnd < 0) throw new BodyError("can't parse multipart/form-data: unterminated part");
    const headers = dec.decode(body.subarray(pos, headerEnd));
    const next = indexOf(body, enc.encode(`\r\n--${boundary}`), headerEnd + 4);
    if (next < 0) throw new BodyError("can't parse multipart/form-data: unterminated part");
    const disposition = headers.split("\r\n").find((h) => /^content-disposition\s*:/i.test(h)) ??
      "";
    const name = /\bname="([^"]*)"|\bname=([^;\s]+)/i.exec(disposition);
    const filename = /\bfilename="([^"]*)"|\bfilename=([^;\r\n]+)/i.exec(disposition);
    parts.push({
      name: name ? (name[1] ?? name[2]) : "",
      ...(filename ? { filename: (filename[1] ?? filename[2]).trim() } : {}),
      data: body.subarray(headerEnd + 4, next),
    });
    pos = next + 2;
  }
  return parts;
}

/** Parses a multipart body; files become UploadedFiles and attach:// references are resolved. */
export function parseMultipart(body: Uint8Array, boundary: string): Params {
  const params: Params = {};
  const files = new Map<string, UploadedFile>();
  for (const part of splitParts(body, boundary)) {
    if (part.filename !== undefined) {
      files.set(part.name, { kind: "upload", file_name: part.filename, size: part.data.length });
    } else {
      params[part.name] = coerceFormValue(part.name, dec.decode(part.data));
    }
  }
  const attached = new Set<string>();
  const resolve = (v: unknown): unknown => {
    if (typeof v === "string" && v.startsWith("attach://") && files.has(v.slice(9))) {
      attached.add(v.slice(9));
      return files.get(v.slice(9));
    }
    if (Array.isArray(v)) return v.map(resolve);
    if (typeof v === "object" && v !== null) {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, resolve(x)]));
    }
    return v;
  };
  for (const [k, v] of Object.entries(params)) params[k] = resolve(v);
  // A file sent directly under the parameter's name (curl -F document=@file).
  for (const [name, file] of files) {
    if (!attached.has(name) && !(name in params)) params[name] = file;
  }
  return params;
}
