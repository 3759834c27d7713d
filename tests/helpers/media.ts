/**
 * Realistic media objects (PhotoSize[], Video, Document, ...) built from
 * {@link FileInfo}s, plus the {@link UploadedFile} form in which the sim sees
 * multipart uploads. Shared by the update factories and the sim.
 *
 * @module
 */

import type {
  Animation,
  Audio,
  Document,
  PhotoSize,
  Sticker,
  Video,
  VideoNote,
  Voice,
} from "grammy/types";
import { type FileInfo, newFile } from "./world.ts";

/** A file uploaded with multipart/form-data (or an InputFile through attachSim). */
export interface UploadedFile {
  readonly kind: "upload";
  /** Name sent by the client, if any. */
  readonly file_name?: string;
  /** Size in bytes. */
  readonly size: number;
  /** Set when the InputFile pointed at a URL (the sim never downloads it). */
  readonly url?: string;
}

/** True if `v` is an {@link UploadedFile}. */
export function isUploadedFile(v: unknown): v is UploadedFile {
  return typeof v === "object" && v !== null && (v as UploadedFile).kind === "upload" &&
    typeof (v as UploadedFile).size === "number";
}

/** Duck type of grammY's InputFile (avoids depending on which grammY build created it). */
interface InputFileLike {
  filename?: string;
  fileData?: unknown;
  toRaw(): unknown;
}

/** True if `v` looks like a grammY InputFile. */
export function isInputFile(v: unknown): v is InputFileLike {
  return typeof v === "object" && v !== null &&
    typeof (v as InputFileLike).toRaw === "function" && "fileData" in v;
}

/** Reads a grammY InputFile the way an upload would, to learn its size. */
export async function readInputFile(file: InputFileLike): Promise<UploadedFile> {
  const data = file.fileData;
  const file_name = file.filename;
  if (typeof data === "string") {
    // A local path (grammY's web build cannot stream it itself).
    const { size } = await Deno.stat(data);
    return { kind: "upload", file_name: file_name ?? data.split("/").pop(), size };
  }
  if (data instanceof URL || (typeof data === "object" && data !== null && "url" in data)) {
    // Never touch the network: the URL is recorded instead of the bytes.
    const url = String(data instanceof URL ? data : (data as { url: unknown }).url);
    return { kind: "upload", file_name, size: 0, url };
  }
  const raw = await file.toRaw();
  let size = 0;
  if (raw instanceof Uint8Array) {
    size = raw.length;
  } else if (raw && typeof raw === "object" && Symbol.asyncIterator in raw) {
    for await (const chunk of raw as AsyncIterable<Uint8Array>) size += chunk.length;
  } else if (raw && typeof raw === "object" && Symbol.iterator in raw) {
    for (const chunk of raw as Iterable<Uint8Array>) size += chunk.length;
  }
  return { kind: "upload", file_name, size };
}

const ids = (f: FileInfo) => ({ file_id: f.file_id, file_unique_id: f.file_unique_id });

/** Telegram's photo sizes: a thumbnail plus the full picture (the last one is the largest). */
export function photoSizes(main: FileInfo): PhotoSize[] {
  const thumb = newFile("photo", 1_254);
  return [
    { ...ids(thumb), width: 90, height: 67, file_size: 1_254 },
    { ...ids(main), width: 1280, height: 960, file_size: main.file_size ?? 98_765 },
  ];
}

const MIME: Record<string, string> = {
  pdf: "application/pdf",
  txt: "text/plain",
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  zip: "application/zip",
  mp4: "video/mp4",
  json: "application/json",
  csv: "text/csv",
  tar: "application/x-tar",
  gz: "application/gzip",
};

/** MIME type Telegram would report for a file name. */
export function mimeFor(fileName: string | undefined): string {
  const ext = fileName?.split(".").pop()?.toLowerCase() ?? "";
  return MIME[ext] ?? "application/octet-stream";
}

/** A Document object. */
export function documentOf(f: FileInfo, fileName?: string): Document {
  return {
    ...ids(f),
    ...(fileName ? { file_name: fileName } : {}),
    mime_type: mimeFor(fileName),
    file_size: f.file_size ?? 12_345,
  };
}

/** A Video object. */
export function videoOf(f: FileInfo, fileName?: string): Video {
  return {
    ...ids(f),
    width: 1280,
    height: 720,
    duration: 7,
    ...(fileName ? { file_name: fileName } : {}),
    mime_type: "video/mp4",
    file_size: f.file_size ?? 1_234_567,
  };
}

/** An Animation object (Telegram also sends a `document` next to it). */
export function animationOf(f: FileInfo, fileName = "animation.gif.mp4"): Animation {
  return {
    ...ids(f),
    width: 320,
    height: 240,
    duration: 3,
    file_name: fileName,
    mime_type: "video/mp4",
    file_size: f.file_size ?? 234_567,
  };
}

/** An Audio object. */
export function audioOf(f: FileInfo, fileName?: string): Audio {
  return {
    ...ids(f),
    duration: 184,
    performer: "Test Artist",
    title: "Test Track",
    ...(fileName ? { file_name: fileName } : {}),
    mime_type: "audio/mpeg",
    file_size: f.file_size ?? 3_456_789,
  };
}

/** A Voice object. */
export function voiceOf(f: FileInfo): Voice {
  return { ...ids(f), duration: 4, mime_type: "audio/ogg", file_size: f.file_size ?? 23_456 };
}

/** A VideoNote object. */
export function videoNoteOf(f: FileInfo): VideoNote {
  return { ...ids(f), length: 240, duration: 5, file_size: f.file_size ?? 345_678 };
}

/** A Sticker object. */
export function stickerOf(f: FileInfo, emoji = "👍"): Sticker {
  return {
    ...ids(f),
    type: "regular",
    width: 512,
    height: 512,
    is_animated: false,
    is_video: false,
    emoji,
    set_name: "TestStickers",
    file_size: f.file_size ?? 23_000,
  };
}
