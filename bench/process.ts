/**
 * Bots under test as subprocesses: the real program (`main.ts`, started as
 * `deno task start` would start it) and the bare grammY bot (`bare_bot.ts`),
 * each against a fake Telegram. Reads their memory and CPU time from /proc.
 *
 * @module
 */

/** The repository's root (this file is in `bench/`). */
export const ROOT = decodeURIComponent(new URL("..", import.meta.url).pathname).replace(/\/$/, "");

/** The bot token every bot under test uses; the fake accepts only it. */
export const BENCH_TOKEN = "123456789:BENCH-token";

/** Variables of this process passed on (the rest of the environment is not). */
const PASSED_ON = /^(PATH|HOME|TMPDIR|LANG|LC_[A-Z]+|TZ|XDG_[A-Z_]+|DENO_DIR|DENO_CERT|NO_COLOR)$/;

/** A bot running as a subprocess. */
export interface BotProcess {
  pid: number;
  /** What it wrote to stdout and stderr so far (the last 64 KB of each). */
  output(): string;
  /** VmRSS in MB, now. */
  rssMb(): number;
  /** utime + stime in clock ticks (100 a second on Linux), now. */
  cpuTicks(): number;
  /** Whether it has exited. */
  exited(): boolean;
  /** SIGTERM, then waits for the exit (SIGKILL after `graceMs`); the exit code. */
  stop(graceMs?: number): Promise<number>;
}

function drain(stream: ReadableStream<Uint8Array>, sink: { text: string }): Promise<void> {
  const decoder = new TextDecoder();
  return stream.pipeTo(
    new WritableStream({
      write(chunk) {
        sink.text = (sink.text + decoder.decode(chunk, { stream: true })).slice(-65_536);
      },
    }),
  ).catch(() => {});
}

/**
 * Starts `deno run -A <script> [args]` in `cwd` with the repository's
 * configuration and only `env` (plus PATH, HOME and Deno's own variables), so
 * a developer's `.env` or shell variables do not leak in.
 */
export function spawnDeno(
  script: string,
  args: string[],
  env: Record<string, string>,
  cwd: string,
  root = ROOT,
): BotProcess {
  const passed: Record<string, string> = {};
  for (const [name, value] of Object.entries(Deno.env.toObject())) {
    if (PASSED_ON.test(name)) passed[name] = value;
  }
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--config", `${root}/deno.json`, `${root}/${script}`, ...args],
    cwd,
    clearEnv: true,
    env: { ...passed, ...env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const out = { text: "" };
  const err = { text: "" };
  const drained = Promise.all([drain(child.stdout, out), drain(child.stderr, err)]);
  let done = false;
  const status = child.status.then(async (s) => {
    done = true;
    await drained;
    return s;
  });
  const pid = child.pid;
  return {
    pid,
    output: () => `${out.text}${err.text}`,
    rssMb() {
      const status = Deno.readTextFileSync(`/proc/${pid}/status`);
      return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)![1]) / 1024;
    },
    cpuTicks() {
      const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
      // Fields after the command name (which may hold spaces) start at the last ')'.
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      // utime and stime are fields 14 and 15 of the whole line: 12 and 13 after ')'.
      return Number(fields[11]) + Number(fields[12]);
    },
    exited: () => done,
    async stop(graceMs = 30_000) {
      if (!done) {
        try {
          child.kill("SIGTERM");
        } catch {
          // already gone
        }
      }
      const timer = setTimeout(() => {
        try {
          child.kill("SIGKILL");
        } catch {
          // already gone
        }
      }, graceMs);
      try {
        return (await status).code;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/** Options of {@link startRealBot}. */
export interface RealBotOptions {
  apiRoot: string;
  adminIds: readonly number[];
  dataDir: string;
  /** TELEGRAM_RATE_SCALE. */
  scale: number;
  /** The checkout whose `main.ts` runs; default this repository. */
  root?: string;
  /** More variables (e.g. SUPPORT_CHAT_ID), added to the ones below. */
  env?: Record<string, string>;
}

/**
 * The real program, as `deno task start` runs it, with the benchmark's
 * configuration. Its working folder is `dataDir` (created here), which has no
 * `.env`.
 */
export function startRealBot(options: RealBotOptions): BotProcess {
  Deno.mkdirSync(options.dataDir, { recursive: true });
  return spawnDeno(
    "main.ts",
    [],
    {
      BOT_TOKEN: BENCH_TOKEN,
      ADMIN_ID: options.adminIds.join(","),
      TELEGRAM_API_ROOT: options.apiRoot,
      DATA_DIR: options.dataDir,
      TELEGRAM_RATE_SCALE: String(options.scale),
      LOG_LEVEL: "warn",
      AUTO_CLOSE_AFTER_HOURS: "0",
      DEFAULT_LOCALE: "en",
      ...options.env,
    },
    options.dataDir,
    options.root,
  );
}

/** The bare grammY bot of `bare_bot.ts`, its store at `kvPath`. */
export function startBareBot(apiRoot: string, kvPath: string, cwd: string): BotProcess {
  return spawnDeno("bench/bare_bot.ts", [kvPath], {
    BOT_TOKEN: BENCH_TOKEN,
    TELEGRAM_API_ROOT: apiRoot,
  }, cwd);
}
