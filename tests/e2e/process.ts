/**
 * Starting the real program (`main.ts`) as a subprocess for end-to-end tests.
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import { startPermissions } from "../../scripts/compile.ts";

const MAIN = fileURLToPath(new URL("../../main.ts", import.meta.url));
const CONFIG = fileURLToPath(new URL("../../deno.json", import.meta.url));
/** The permissions of `deno task start` (and of the compiled binary): no more. */
const PERMISSIONS = startPermissions(JSON.parse(Deno.readTextFileSync(CONFIG)));

/** A running bot process. */
export interface BotProcess {
  child: Deno.ChildProcess;
  /** Everything the process printed so far (stdout and stderr). */
  output(): string;
  /** Resolves with the exit status and the whole output. */
  finished: Promise<{ code: number; output: string }>;
}

/**
 * Spawns `deno <args>` in `cwd` with exactly `env` (plus PATH, HOME and the
 * Deno cache location) and collects everything it prints.
 */
export function spawnDeno(args: string[], env: Record<string, string>, cwd: string): BotProcess {
  const inherited: Record<string, string> = {};
  for (const name of ["PATH", "HOME", "DENO_DIR", "XDG_CACHE_HOME"]) {
    const value = Deno.env.get(name);
    if (value) inherited[name] = value;
  }
  const child = new Deno.Command(Deno.execPath(), {
    args,
    env: { ...inherited, NO_COLOR: "1", ...env },
    clearEnv: true,
    cwd,
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let text = "";
  const decoder = new TextDecoder();
  const pump = async (stream: ReadableStream<Uint8Array>) => {
    for await (const chunk of stream) text += decoder.decode(chunk, { stream: true });
  };
  const pumps = Promise.all([pump(child.stdout), pump(child.stderr)]);
  const finished = (async () => {
    const status = await child.status;
    await pumps;
    return { code: status.code, output: text };
  })();
  return { child, output: () => text, finished };
}

/** Starts `main.ts` with exactly `env` and `args`, in `cwd` (default: DATA_DIR when given). */
export function startBot(
  env: Record<string, string>,
  args: string[] = [],
  cwd = env.DATA_DIR ?? Deno.cwd(),
): BotProcess {
  return spawnDeno(["run", ...PERMISSIONS, "--config", CONFIG, MAIN, ...args], env, cwd);
}

/** Runs `main.ts` to completion. */
export async function runBot(
  env: Record<string, string>,
  args: string[] = [],
  cwd?: string,
): Promise<{ code: number; output: string }> {
  return await startBot(env, args, cwd).finished;
}

/** Kills a bot that may still run (SIGKILL) and waits for it: the cleanup of every test. */
export async function killBot(bot: BotProcess | undefined): Promise<void> {
  if (!bot) return;
  try {
    bot.child.kill("SIGKILL");
  } catch { /* already exited */ }
  await bot.finished;
}

/** The environment of a bot talking to a fake Bot API, with one admin (1001). */
export function botEnv(
  apiUrl: string,
  dataDir: string,
  token: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    BOT_TOKEN: token,
    ADMIN_ID: "1001",
    TELEGRAM_API_ROOT: apiUrl,
    DATA_DIR: dataDir,
    ...extra,
  };
}

/** A TCP port free right now on every interface (for a bot's PORT in webhook mode). */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "0.0.0.0", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}
