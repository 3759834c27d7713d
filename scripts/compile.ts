/**
 * `deno task compile [target] [--print]`: builds the single executable.
 *
 * The binary gets exactly the permissions of `deno task start` (read from
 * deno.json, so the two cannot drift apart), the KV and cron features, and
 * the locales embedded. Targets: linux-x64, linux-arm64, macos-x64,
 * macos-arm64, windows-x64; none means this machine, written to
 * dist/support-bot. `--print` prints the command instead of running it.
 *
 * `deno compile` downloads the runtime of the target on first use, so it needs
 * the internet once per target and Deno version.
 *
 * @module
 */
import { fileURLToPath } from "node:url";

/** Deno's target triples, by the names the task takes. */
export const TARGETS: Record<string, { triple: string; output: string }> = {
  "linux-x64": { triple: "x86_64-unknown-linux-gnu", output: "dist/support-bot-linux-x64" },
  "linux-arm64": { triple: "aarch64-unknown-linux-gnu", output: "dist/support-bot-linux-arm64" },
  "macos-x64": { triple: "x86_64-apple-darwin", output: "dist/support-bot-macos-x64" },
  "macos-arm64": { triple: "aarch64-apple-darwin", output: "dist/support-bot-macos-arm64" },
  "windows-x64": {
    triple: "x86_64-pc-windows-msvc",
    output: "dist/support-bot-windows-x64.exe",
  },
};

const ROOT = fileURLToPath(new URL("../", import.meta.url));

/** The `--allow-*` flags of the `start` task in deno.json. */
export function startPermissions(denoJson: { tasks: Record<string, string> }): string[] {
  return denoJson.tasks.start.split(/\s+/).filter((part) => part.startsWith("--allow-"));
}

/** The arguments of `deno compile` for `target` (undefined: this machine). */
export function compileArgs(
  denoJson: { tasks: Record<string, string>; unstable?: string[] },
  target?: string,
): string[] {
  const chosen = target === undefined ? undefined : TARGETS[target];
  if (target !== undefined && chosen === undefined) {
    throw new Error(
      `Unknown target '${target}'. Expected one of ${Object.keys(TARGETS).join(", ")}.`,
    );
  }
  return [
    "compile",
    ...startPermissions(denoJson),
    ...(denoJson.unstable ?? []).map((feature) => `--unstable-${feature}`),
    "--include",
    "locales",
    ...(chosen ? ["--target", chosen.triple] : []),
    "--output",
    chosen?.output ?? "dist/support-bot",
    "main.ts",
  ];
}

if (import.meta.main) {
  const print = Deno.args.includes("--print");
  const targets = Deno.args.filter((arg) => arg !== "--print");
  if (targets.length > 1) {
    console.error(`One target at a time, got ${targets.join(", ")}. Run the task once per target.`);
    Deno.exit(2);
  }
  const target = targets[0];
  const denoJson = JSON.parse(await Deno.readTextFile(`${ROOT}deno.json`));
  let args: string[];
  try {
    args = compileArgs(denoJson, target);
  } catch (error) {
    console.error((error as Error).message);
    Deno.exit(2);
  }
  if (print) {
    console.log(["deno", ...args].join(" "));
    Deno.exit(0);
  }
  const { code } = await new Deno.Command(Deno.execPath(), { args, cwd: ROOT }).spawn().status;
  Deno.exit(code);
}
