/**
 * Black-box harness for end-to-end journeys: starts the real program the way
 * an outside tester does (`deno task start` from the project root, configured
 * only by environment variables) against the fake Bot API, and finds buttons
 * by their LABEL in what the bot sent, then presses them.
 *
 * @module
 */
import type { Message, Update, User } from "grammy/types";
import { fileURLToPath } from "node:url";
import { type FakeApi, startFakeApi } from "../helpers/fake_api_server.ts";
import { MESSAGE_METHODS, type RecordedCall, TelegramSim } from "../helpers/telegram_sim.ts";
import * as make from "../helpers/updates.ts";
import { spawnDeno } from "./process.ts";

/** The project root (where deno.json is). */
export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const TOKEN = "123456789:E2E-journeys_token";

/** The admins of every journey (ADMIN_ID), and the alert chat. */
export const ADMIN_A = 1001;
export const ADMIN_B = 1002;
export const ALERT_CHAT = -1001234567890;
/** Test options: the subprocess and the fake server outlive single steps. */
export const opts = { sanitizeOps: false, sanitizeResources: false };
/** A pause between pushing an update and checking that nothing happened. */
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Matches `#n` and not `#n0`. */
export const tid = (n: number) => new RegExp(`#${n}(?!\\d)`);

/** A process started with `deno task <task> ...`. */
export interface TaskProcess {
  child: Deno.ChildProcess;
  /** DATA_DIR the process was given (identifies what we started). */
  dataDir?: string;
  output(): string;
  finished: Promise<{ code: number; output: string }>;
}

/**
 * A developer's own `.env` in the project root: `deno task` runs there and the
 * bot would read it, so its values would fill what a test leaves unset.
 */
const ROOT_HAS_ENV_FILE = (() => {
  try {
    Deno.statSync(`${ROOT}.env`);
    return true;
  } catch {
    return false;
  }
})();

/**
 * `deno task <args>` from the project root, as a self-hoster runs it. Beside a
 * developer's `.env` it is the same task's command instead, run from the data
 * folder, where no `.env` is.
 */
function taskCommand(env: Record<string, string>, args: string[]): [string[], string] {
  if (!ROOT_HAS_ENV_FILE) return [["task", "-q", ...args], ROOT];
  const [task, ...rest] = args;
  const denoJson = JSON.parse(Deno.readTextFileSync(`${ROOT}deno.json`));
  const [, subcommand, ...options] = (denoJson.tasks[task] as string).split(/\s+/)
    .map((part) => part === "main.ts" ? `${ROOT}main.ts` : part);
  return [
    [subcommand, "--config", `${ROOT}deno.json`, ...options, ...rest],
    env.DATA_DIR ?? Deno.makeTempDirSync({ prefix: "desk_e2e_cwd_" }),
  ];
}

/** Spawns `deno task <args>` from the project root with exactly `env` (plus PATH/HOME/DENO_DIR). */
export function startTask(env: Record<string, string>, args: string[]): TaskProcess {
  const [command, cwd] = taskCommand(env, args);
  return { ...spawnDeno(command, env, cwd), dataDir: env.DATA_DIR };
}

/** How long a task that should end by itself may run before the test fails instead of hanging. */
const TASK_TIMEOUT_MS = 120_000;

/** Runs `deno task <args>` to completion; a task still running after two minutes is killed. */
export async function runTask(
  env: Record<string, string>,
  args: string[],
): Promise<{ code: number; output: string }> {
  const task = startTask(env, args);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    try {
      task.child.kill("SIGKILL");
    } catch { /* it ended meanwhile */ }
  }, TASK_TIMEOUT_MS);
  try {
    const result = await task.finished;
    if (timedOut) {
      throw new Error(
        `deno task ${args.join(" ")} did not end within 2 minutes:\n${result.output}`,
      );
    }
    return result;
  } finally {
    clearTimeout(timer);
  }
}

/** A running bot against a fake Bot API. */
export interface Desk {
  sim: TelegramSim;
  api: FakeApi;
  dataDir: string;
  env: Record<string, string>;
  bot: TaskProcess;
  /** Pushes an update. */
  push(u: Update | Update[]): void;
  /** SIGTERM and wait for the exit. */
  stop(): Promise<{ code: number; output: string }>;
  /** Stops (if running) and starts a new process on the same store and fake API. */
  restart(extraEnv?: Record<string, string>): Promise<void>;
  /** Kills everything and removes the data folder. */
  dispose(): Promise<void>;
}

/** Options of {@link launch}. */
export interface LaunchOptions {
  env?: Record<string, string>;
  /** Called with the sim before the process starts (register groups, ...). */
  prepare?: (sim: TelegramSim) => void;
}

/** Starts the bot with a fresh DATA_DIR and a fresh fake API; waits until it polls. */
export async function launch(opts: LaunchOptions = {}): Promise<Desk> {
  const dataDir = opts.env?.DATA_DIR || await Deno.makeTempDir({ prefix: "desk_e2e_" });
  const sim = new TelegramSim();
  opts.prepare?.(sim);
  const api = await startFakeApi(sim, { token: TOKEN });
  let env: Record<string, string> = {
    BOT_TOKEN: TOKEN,
    ADMIN_ID: "1001",
    TELEGRAM_API_ROOT: api.url,
    DATA_DIR: dataDir,
    ...opts.env,
  };
  const start = async () => {
    const before = api.received().length;
    const bot = startTask(env, ["start"]);
    // Any call means the program is up and talking to the API (updates are queued anyway).
    await until(
      () => api.received().length > before,
      30_000,
      () => `the bot never called the API; output:\n${bot.output()}`,
      bot,
    );
    return bot;
  };
  const desk: Desk = {
    sim,
    api,
    dataDir,
    env,
    bot: await start(),
    push(u) {
      for (const x of Array.isArray(u) ? u : [u]) api.pushUpdate(x);
    },
    async stop() {
      return await terminate(desk.bot);
    },
    async restart(extraEnv = {}) {
      await desk.stop();
      env = { ...env, ...extraEnv };
      desk.env = env;
      desk.bot = await start();
    },
    async dispose() {
      if (Deno.env.get("E2E_DUMP")) dump(desk);
      await terminate(desk.bot, 5_000);
      await api.close();
      await Deno.remove(dataDir, { recursive: true }).catch(() => {});
    },
  };
  return desk;
}

/** Pids of the processes below `pid` (Linux /proc), children first. */
function descendantsOf(pid: number): number[] {
  const parents = new Map<number, number>();
  try {
    for (const entry of Deno.readDirSync("/proc")) {
      if (!/^\d+$/.test(entry.name)) continue;
      try {
        const stat = Deno.readTextFileSync(`/proc/${entry.name}/stat`);
        const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
        parents.set(Number(entry.name), ppid);
      } catch { /* gone meanwhile */ }
    }
  } catch {
    return [];
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const [child, parent] of parents) {
      if (parent === p) {
        out.push(child);
        walk(child);
      }
    }
  };
  walk(pid);
  return out;
}

/**
 * SIGTERM to `deno task` (which forwards it to the program); when the program
 * has not exited after `graceMs`, SIGKILL to the task and the processes it
 * started (by pid), so no orphan keeps running.
 */
export async function terminate(
  proc: TaskProcess,
  graceMs = 30_000,
): Promise<{ code: number; output: string }> {
  const below = descendantsOf(proc.child.pid);
  try {
    proc.child.kill("SIGTERM");
  } catch { /* already exited */ }
  let timer: ReturnType<typeof setTimeout> | undefined;
  const done = await Promise.race([
    proc.finished.then(() => true),
    new Promise<boolean>((r) => timer = setTimeout(() => r(false), graceMs)),
  ]);
  clearTimeout(timer);
  if (!done) {
    for (const pid of [...below].reverse()) {
      try {
        Deno.kill(pid, "SIGKILL");
      } catch { /* gone */ }
    }
    try {
      proc.child.kill("SIGKILL");
    } catch { /* gone */ }
  }
  const result = await proc.finished;
  // Nothing we started may outlive the task (checked by pid and by our own DATA_DIR).
  for (const pid of below) {
    try {
      const environ = Deno.readTextFileSync(`/proc/${pid}/environ`);
      if (proc.dataDir && environ.includes(`DATA_DIR=${proc.dataDir}\0`)) Deno.kill(pid, "SIGKILL");
    } catch { /* gone */ }
  }
  return result;
}

/** Polls `fn` until it returns a truthy value (or throws after `timeoutMs`). */
export async function until<T>(
  fn: () => T | undefined | null | false,
  timeoutMs = 15_000,
  describe: () => string = () => "condition",
  proc?: TaskProcess,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  proc?.finished.then(() => exited = true);
  while (true) {
    const value = fn();
    if (value) return value;
    if (Date.now() > deadline || exited) {
      throw new Error(`timed out waiting for: ${describe()}`);
    }
    await new Promise((r) => setTimeout(r, 40));
  }
}

/** A message-producing call to a chat, with its visible text. */
export interface Sent {
  index: number;
  call: RecordedCall;
  method: string;
  text: string;
  /** The resulting message as the sim holds it now (when known). */
  message?: Message;
}

/** Successful message-producing calls to `chatId` from call index `since` on. */
export function sentSince(sim: TelegramSim, chatId: number, since = 0): Sent[] {
  const out: Sent[] = [];
  sim.calls.forEach((call, index) => {
    if (index < since || !call.response.ok) return;
    const method = call.method.toLowerCase();
    if (!MESSAGE_METHODS.has(method)) return;
    if (String(call.payload.chat_id) !== String(chatId)) return;
    const result = (call.response as { result: unknown }).result;
    const ids: number[] = Array.isArray(result)
      ? result.map((r) => (r as { message_id: number }).message_id)
      : typeof result === "object" && result !== null
      ? [(result as { message_id: number }).message_id]
      : typeof call.payload.message_id === "number"
      ? [call.payload.message_id as number]
      : [];
    const message = ids.length ? sim.message(chatId, ids[0]) : undefined;
    const own = call.payload.text ?? call.payload.caption;
    let text = typeof own === "string" ? own : "";
    if (!text && message) text = message.text ?? message.caption ?? "";
    if (method === "sendmediagroup" && typeof call.payload.media !== "undefined") {
      const media = typeof call.payload.media === "string"
        ? JSON.parse(call.payload.media)
        : call.payload.media;
      text = (media as { caption?: string }[]).map((m) => m.caption ?? "").join("\n");
    }
    out.push({ index, call, method, text, message });
  });
  return out;
}

/** Waits for a message to `chatId` (sent after call index `since`) matching `test`. */
export async function waitSent(
  desk: Desk,
  chatId: number,
  test: (s: Sent) => boolean,
  since = 0,
  timeoutMs = 15_000,
  what = "a message",
): Promise<Sent> {
  return await until(
    () => sentSince(desk.sim, chatId, since).find(test),
    timeoutMs,
    () =>
      `${what} to ${chatId}; seen since #${since}:\n` +
      sentSince(desk.sim, chatId, since).map((s) =>
        `  ${s.method}: ${JSON.stringify(s.text).slice(0, 300)} ${buttonsOf(s).join(" | ")}`
      ).join("\n") + `\n--- process output (tail):\n${desk.bot.output().slice(-3000)}`,
    desk.bot,
  );
}

/** Waits for a text (or caption) to `chatId` matching `re`. */
export function waitText(
  desk: Desk,
  chatId: number,
  re: RegExp,
  since = 0,
  timeoutMs = 15_000,
): Promise<Sent> {
  return waitSent(desk, chatId, (s) => re.test(s.text), since, timeoutMs, `text ${re}`);
}

/** The call index to pass as `since` for "from now on". */
export function mark(desk: Desk): number {
  return desk.sim.calls.length;
}

interface Button {
  text: string;
  callback_data?: string;
  url?: string;
}

function keyboardOf(markup: unknown): Button[] {
  const m = typeof markup === "string" ? JSON.parse(markup) : markup;
  const rows = (m as { inline_keyboard?: Button[][] } | undefined)?.inline_keyboard ?? [];
  return rows.flat();
}

/** Button labels of a sent message (as it is now in the chat, else as sent). */
export function buttonsOf(s: Sent): string[] {
  const markup = s.message?.reply_markup ?? s.call.payload.reply_markup;
  return keyboardOf(markup).map((b) => b.text);
}

/** Labels of all buttons of the current messages in a chat. */
export function allButtons(sim: TelegramSim, chatId: number): string[] {
  return sim.messagesIn(chatId).flatMap((m) => keyboardOf(m.reply_markup).map((b) => b.text));
}

/** A button found in a chat: the button and the message it is on. */
export interface FoundButton {
  button: Button;
  message: Message;
}

/**
 * Finds the newest message in `chatId` (as Telegram holds it now) with an
 * inline button whose label contains `label` (a substring or a RegExp).
 */
export function findButton(
  sim: TelegramSim,
  chatId: number,
  label: string | RegExp,
  where: (m: Message) => boolean = () => true,
): FoundButton | undefined {
  const matches = (t: string) => typeof label === "string" ? t.includes(label) : label.test(t);
  const messages = sim.messagesIn(chatId);
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i];
    if (!where(m)) continue;
    const b = keyboardOf(m.reply_markup).find((x) => matches(x.text));
    if (b) return { button: b, message: m };
  }
  return undefined;
}

/** Waits for a button with that label in the chat. */
export async function waitButton(
  desk: Desk,
  chatId: number,
  label: string | RegExp,
  where?: (m: Message) => boolean,
  timeoutMs = 15_000,
): Promise<FoundButton> {
  return await until(
    () => findButton(desk.sim, chatId, label, where),
    timeoutMs,
    () =>
      `a button ${label} in chat ${chatId}; buttons there: ${
        JSON.stringify(allButtons(desk.sim, chatId))
      }\n--- process output (tail):\n${desk.bot.output().slice(-3000)}`,
    desk.bot,
  );
}

/** Presses a button (found by label) as `from`; returns the call index before the press. */
export async function press(
  desk: Desk,
  from: User,
  label: string | RegExp,
  where?: (m: Message) => boolean,
): Promise<{ since: number; found: FoundButton }> {
  const found = await waitButton(desk, from.id, label, where);
  if (found.button.callback_data === undefined) {
    throw new Error(`button "${found.button.text}" has no callback_data`);
  }
  const since = mark(desk);
  const update = make.callback(from, found.button.callback_data, found.message);
  desk.push(update);
  const id = update.callback_query!.id;
  await until(
    () =>
      desk.sim.callsTo("answerCallbackQuery").some((c) =>
        String(c.payload.callback_query_id) === id
      ),
    15_000,
    () => `an answer to the press of "${found.button.text}"`,
    desk.bot,
  );
  return { since, found };
}

/** Texts of all messages to a chat (as sent). */
export function textsTo(sim: TelegramSim, chatId: number, since = 0): string[] {
  return sentSince(sim, chatId, since).map((s) => s.text);
}

/** Prints every call (method, chat, text, buttons): a transcript for debugging. */
export function dump(desk: Desk): void {
  for (const c of desk.sim.calls) {
    if (c.method === "getUpdates") continue;
    const p = c.payload;
    const kb = (p.reply_markup as { inline_keyboard?: { text: string }[][] } | undefined)
      ?.inline_keyboard?.flat().map((b) => b.text).join(" | ");
    console.log(
      `${c.method} chat=${p.chat_id ?? ""} ${
        c.response.ok ? "" : "FAILED " + JSON.stringify(c.response)
      }` +
        `\n   ${JSON.stringify(p.text ?? p.caption ?? "")}${kb ? `\n   [${kb}]` : ""}`,
    );
  }
}
