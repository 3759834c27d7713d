/**
 * The backup archive format, version 1 (see docs/backup-format.md).
 *
 * A gzip-compressed tar holding `manifest.json`, `entries.jsonl` (one store
 * entry per line) and, for full-project backups, `config.json` and `logs/*`.
 * Values are JSON with tagged objects for the types JSON lacks, so that every
 * Deno KV value type survives a round trip (KvU64, bigint, Date, Uint8Array,
 * undefined, Map, Set, RegExp, ...).
 *
 * @module
 */
import { createTarGzip, parseTarGzip } from "nanotar";

/** The `format` field of every manifest; anything else is a foreign file. */
export const BACKUP_FORMAT = "support-desk-bot-backup";
/** The format version this code writes; it reads this one and older. */
export const BACKUP_FORMAT_VERSION = 1;

/** The tar member names. */
export const MEMBERS = {
  manifest: "manifest.json",
  entries: "entries.jsonl",
  config: "config.json",
  logsDir: "logs/",
} as const;

/** `manifest.json`. */
export interface Manifest {
  format: typeof BACKUP_FORMAT;
  formatVersion: number;
  appVersion: string;
  /** ISO 8601 UTC time the backup was made. */
  createdAt: string;
  /** Number of lines of `entries.jsonl`. */
  entryCount: number;
  /** `sha256:<hex>` of `entries.jsonl`. */
  checksum: string;
  /** Whether config and logs are included. */
  fullProject: boolean;
  /** Every other member with its size and checksum. */
  files: { name: string; bytes: number; checksum: string }[];
}

/** One store entry. */
export interface BackupEntry {
  key: Deno.KvKey;
  value: unknown;
}

/** A file that is not a readable backup of ours; the message is meant for people. */
export class BackupFormatError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "BackupFormatError";
  }
}

// ---------------------------------------------------------------- values

const TAG = "$t";

function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

function fromBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

const TYPED_ARRAYS = {
  Int8Array,
  Uint8ClampedArray,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
  Float32Array,
  Float64Array,
  BigInt64Array,
  BigUint64Array,
} as const;

/**
 * Encodes a value (or key part) as JSON-safe data. Types JSON lacks become
 * `{"$t": <type>, ...}`; a plain object that itself has a `$t` property is
 * wrapped as `{"$t":"object","v":{...}}` so it cannot be mistaken for a tag.
 */
export function encodeValue(value: unknown): unknown {
  switch (typeof value) {
    case "string":
    case "boolean":
      return value;
    case "undefined":
      return { [TAG]: "undefined" };
    case "bigint":
      return { [TAG]: "bigint", v: value.toString() };
    case "number":
      if (Number.isFinite(value) && !Object.is(value, -0)) return value;
      return { [TAG]: "number", v: String(Object.is(value, -0) ? "-0" : value) };
    case "object":
      break;
    default:
      throw new TypeError(`Cannot back up a value of type ${typeof value}`);
  }
  if (value === null) return null;
  if (value instanceof Deno.KvU64) return { [TAG]: "u64", v: value.value.toString() };
  if (value instanceof Uint8Array) return { [TAG]: "bytes", v: toBase64(value) };
  if (value instanceof Date) {
    const ms = value.getTime();
    return { [TAG]: "date", v: Number.isNaN(ms) ? null : ms };
  }
  if (Array.isArray(value)) {
    // Array.from turns holes into undefined, which is how they read back anyway.
    return Array.from(value, encodeValue);
  }
  if (value instanceof Map) {
    return { [TAG]: "map", v: [...value].map(([k, v]) => [encodeValue(k), encodeValue(v)]) };
  }
  if (value instanceof Set) return { [TAG]: "set", v: [...value].map(encodeValue) };
  if (value instanceof RegExp) return { [TAG]: "regexp", source: value.source, flags: value.flags };
  if (value instanceof ArrayBuffer) {
    return { [TAG]: "arraybuffer", v: toBase64(new Uint8Array(value)) };
  }
  if (ArrayBuffer.isView(value)) {
    const name = value.constructor.name;
    if (!(name in TYPED_ARRAYS)) throw new TypeError(`Cannot back up a ${name}`);
    const bytes = new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
    return { [TAG]: "typed", type: name, v: toBase64(bytes) };
  }
  if (value instanceof Error) {
    return { [TAG]: "error", name: value.name, message: value.message, stack: value.stack };
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = encodeValue(v);
  return Object.hasOwn(out, TAG) ? { [TAG]: "object", v: out } : out;
}

/** Reverses {@link encodeValue}. Throws {@link BackupFormatError} on an unknown tag. */
export function decodeValue(data: unknown): unknown {
  if (data === null || typeof data !== "object") return data;
  if (Array.isArray(data)) return data.map(decodeValue);
  const record = data as Record<string, unknown>;
  if (!Object.hasOwn(record, TAG)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(record)) out[k] = decodeValue(v);
    return out;
  }
  const v = record.v;
  switch (record[TAG]) {
    case "undefined":
      return undefined;
    case "bigint":
      return BigInt(v as string);
    case "number":
      return v === "-0" ? -0 : Number(v);
    case "u64":
      return new Deno.KvU64(BigInt(v as string));
    case "bytes":
      return fromBase64(v as string);
    case "date":
      return new Date(v === null ? NaN : v as number);
    case "map":
      return new Map((v as [unknown, unknown][]).map(([k, x]) => [decodeValue(k), decodeValue(x)]));
    case "set":
      return new Set((v as unknown[]).map(decodeValue));
    case "regexp":
      return new RegExp(record.source as string, record.flags as string);
    case "arraybuffer":
      return fromBase64(v as string).buffer;
    case "typed": {
      const Type = TYPED_ARRAYS[record.type as keyof typeof TYPED_ARRAYS];
      if (!Type) throw new BackupFormatError(`unknown array type '${String(record.type)}'`);
      const bytes = fromBase64(v as string);
      return new Type(bytes.buffer as ArrayBuffer);
    }
    case "error": {
      const error = new Error(record.message as string);
      error.name = record.name as string;
      if (typeof record.stack === "string") error.stack = record.stack;
      return error;
    }
    case "object": {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) out[k] = decodeValue(x);
      return out;
    }
    default:
      throw new BackupFormatError(`unknown value tag '${String(record[TAG])}'`);
  }
}

/** One line of `entries.jsonl`: `{"k":[...],"v":...}`. */
export function encodeEntry(entry: BackupEntry): string {
  return JSON.stringify({ k: entry.key.map(encodeValue), v: encodeValue(entry.value) });
}

const KEY_PART_TYPES = new Set(["string", "number", "bigint", "boolean"]);

/** Parses one line of `entries.jsonl`. */
export function decodeEntry(line: string): BackupEntry {
  const parsed = JSON.parse(line) as { k?: unknown; v?: unknown };
  if (!Array.isArray(parsed.k) || !("v" in parsed)) {
    throw new BackupFormatError("an entry without a key or a value");
  }
  const key = parsed.k.map(decodeValue);
  for (const part of key) {
    if (!(part instanceof Uint8Array) && !KEY_PART_TYPES.has(typeof part)) {
      throw new BackupFormatError("an entry with an invalid key part");
    }
  }
  return { key: key as Deno.KvKey, value: decodeValue(parsed.v) };
}

// ---------------------------------------------------------------- archive

/** `sha256:<hex>` of some bytes. */
export async function sha256(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  return "sha256:" + Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0"))
    .join("");
}

/** Extra members of a full-project backup. */
export interface ExtraFile {
  name: string;
  data: Uint8Array;
}

/** Builds the `.tar.gz` bytes of a backup. */
export async function writeArchive(options: {
  entries: BackupEntry[];
  appVersion: string;
  createdAt: number;
  fullProject: boolean;
  extra?: ExtraFile[];
}): Promise<{ bytes: Uint8Array; manifest: Manifest }> {
  const encoder = new TextEncoder();
  const lines = options.entries.map((entry) => encodeEntry(entry) + "\n");
  const entriesBytes = encoder.encode(lines.join(""));
  const extra = options.extra ?? [];
  const manifest: Manifest = {
    format: BACKUP_FORMAT,
    formatVersion: BACKUP_FORMAT_VERSION,
    appVersion: options.appVersion,
    createdAt: new Date(options.createdAt).toISOString(),
    entryCount: options.entries.length,
    checksum: await sha256(entriesBytes),
    fullProject: options.fullProject,
    files: await Promise.all(
      extra.map(async (file) => ({
        name: file.name,
        bytes: file.data.length,
        checksum: await sha256(file.data),
      })),
    ),
  };
  const mtime = options.createdAt;
  const bytes = await createTarGzip([
    { name: MEMBERS.manifest, data: JSON.stringify(manifest, null, 2) + "\n" },
    { name: MEMBERS.entries, data: entriesBytes },
    ...extra.map((file) => ({ name: file.name, data: file.data })),
  ], { attrs: { mtime, mode: "644" } });
  return { bytes, manifest };
}

/** A verified archive: its manifest, entries and extra files. */
export interface ReadArchive {
  manifest: Manifest;
  entries: BackupEntry[];
  files: ExtraFile[];
}

/**
 * Reads and verifies an archive: it must be a gzip tar with our manifest, a
 * supported format version, and entries matching the checksum and the count.
 * Nothing is trusted before the checksum passed.
 *
 * @throws {BackupFormatError} with a message naming what is wrong.
 */
export async function readArchive(bytes: Uint8Array): Promise<ReadArchive> {
  let members;
  try {
    members = await parseTarGzip(bytes);
  } catch (error) {
    throw new BackupFormatError(
      "it is not a readable .tar.gz archive (damaged, truncated or another kind of file)",
      { cause: error },
    );
  }
  const byName = new Map(members.map((member) => [member.name, member]));
  const manifestMember = byName.get(MEMBERS.manifest);
  if (!manifestMember?.data) {
    throw new BackupFormatError(
      "it has no manifest.json, so it is not a backup made by this bot",
    );
  }
  let manifest: Manifest;
  try {
    manifest = JSON.parse(new TextDecoder().decode(manifestMember.data));
  } catch (error) {
    throw new BackupFormatError("its manifest.json is damaged", { cause: error });
  }
  if (manifest?.format !== BACKUP_FORMAT) {
    throw new BackupFormatError("its manifest is not of a Support Desk Bot backup");
  }
  if (!Number.isInteger(manifest.formatVersion) || manifest.formatVersion < 1) {
    throw new BackupFormatError(`its format version '${manifest.formatVersion}' is not valid`);
  }
  if (manifest.formatVersion > BACKUP_FORMAT_VERSION) {
    throw new BackupFormatError(
      `it has format version ${manifest.formatVersion}, made by version ${manifest.appVersion}; ` +
        `this version reads up to ${BACKUP_FORMAT_VERSION}. Upgrade the bot first`,
    );
  }
  const entriesMember = byName.get(MEMBERS.entries);
  const entriesBytes = entriesMember?.data ?? (entriesMember ? new Uint8Array() : undefined);
  if (!entriesBytes) throw new BackupFormatError("it has no entries.jsonl");
  if (await sha256(entriesBytes) !== manifest.checksum) {
    throw new BackupFormatError(
      "the checksum of entries.jsonl does not match the manifest (the file is damaged)",
    );
  }
  const text = new TextDecoder("utf-8", { fatal: true }).decode(entriesBytes);
  const lines = text.split("\n").filter((line) => line !== "");
  if (lines.length !== manifest.entryCount) {
    throw new BackupFormatError(
      `it lists ${manifest.entryCount} entries but holds ${lines.length}`,
    );
  }
  const entries: BackupEntry[] = [];
  for (const [index, line] of lines.entries()) {
    try {
      entries.push(decodeEntry(line));
    } catch (error) {
      throw new BackupFormatError(
        `entry ${index + 1} cannot be read: ${(error as Error).message}`,
        {
          cause: error,
        },
      );
    }
  }
  const files: ExtraFile[] = [];
  for (const listed of manifest.files ?? []) {
    const member = byName.get(listed.name);
    const data = member?.data ?? new Uint8Array();
    if (!member || await sha256(data) !== listed.checksum) {
      throw new BackupFormatError(`its file '${listed.name}' is missing or damaged`);
    }
    files.push({ name: listed.name, data });
  }
  return { manifest, entries, files };
}
