/**
 * Shared set-up of the import tests: fixture folders copied to a temporary
 * folder (every fixture file is stored with a `.raw` suffix, so that
 * `deno fmt` leaves the truncated JSON and the text-format banned.json alone),
 * and the command run with its output captured.
 *
 * @module
 */
import { join } from "node:path";
import { importLegacyCommand, type LegacyDeps } from "../../src/legacy/mod.ts";
import { allEntries } from "../../src/store/snapshot.ts";

const FIXTURES = new URL("./fixtures/", import.meta.url);

/** A temporary folder, removed on dispose. */
export interface TempFolder extends AsyncDisposable {
  path: string;
}

/** An empty temporary folder. */
export async function tempFolder(): Promise<TempFolder> {
  const path = await Deno.makeTempDir({ prefix: "support-desk-legacy-" });
  return {
    path,
    async [Symbol.asyncDispose]() {
      await Deno.remove(path, { recursive: true });
    },
  };
}

/** A copy of `tests/legacy/fixtures/<name>/` with the `.raw` suffixes removed. */
export async function fixture(name: string): Promise<TempFolder> {
  const folder = await tempFolder();
  const source = new URL(`${name}/`, FIXTURES);
  for await (const entry of Deno.readDir(source)) {
    const target = join(folder.path, entry.name.replace(/\.raw$/, ""));
    await Deno.copyFile(new URL(entry.name, source), target);
  }
  return folder;
}

/** A ticket of data.json as the Python bot writes it. */
export function legacyTicket(
  id: string,
  userId: number,
  at: string,
  extra: Record<string, unknown> = {},
) {
  return {
    id,
    user_id: userId,
    username: null,
    created_at: at,
    status: "new",
    messages: [{ sender: "user", text: "A question about my order", at }],
    assigned: null,
    last_actor: "user",
    last_activity_at: at,
    first_response_at: null,
    rated: false,
    rating: null,
    ...extra,
  };
}

/** The text of a data.json holding `tickets` and `users`. */
export function dataJson(
  tickets: ReturnType<typeof legacyTicket>[],
  users: Record<string, unknown> = {},
) {
  return JSON.stringify(
    { tickets: Object.fromEntries(tickets.map((t) => [t.id, t])), users },
    null,
    2,
  );
}

/** A temporary folder holding `files` (name → text). */
export async function folderWith(files: Record<string, string>) {
  const folder = await tempFolder();
  for (const [name, text] of Object.entries(files)) {
    await Deno.writeTextFile(join(folder.path, name), text);
  }
  return folder;
}

/** One run of the command: exit code and the lines it printed. */
export interface Run {
  code: number;
  out: string[];
  err: string[];
  /** Both streams, in order. */
  all: string;
}

/** Runs `import-legacy` with `args`, capturing its output. */
export async function runImport(deps: LegacyDeps, ...args: string[]): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const both: string[] = [];
  const code = await importLegacyCommand(args, deps, {
    out: (line) => (out.push(line), both.push(line)),
    err: (line) => (err.push(line), both.push(line)),
  });
  return { code, out, err, all: both.join("\n") };
}

/** Every entry of the store except operations state. */
export async function storeData(kv: Deno.Kv) {
  return (await allEntries(kv)).filter((entry) => entry.key[0] !== "meta");
}
