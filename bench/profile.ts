/**
 * Profiles our bot under the headline load (32 chats in flight) and prints the
 * functions with the most self time, and the most total time. Not part of
 * `deno task bench`; for finding hot spots.
 *
 * Usage: deno run -A bench/profile.ts [conversations] [--lanes n] [--out file.cpuprofile]
 *
 * @module
 */
import "../src/quiet_warnings.ts";
import { Session } from "node:inspector";
import { marksSettled } from "../src/bot/journal.ts";
import { systemClock } from "../src/clock.ts";
import { createBenchBot } from "./setup.ts";
import { openLocalStore } from "../src/store/mod.ts";
import { runLoad } from "./load_driver.ts";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const conversations = Number(Deno.args[0]?.match(/^\d+$/) ? Deno.args[0] : 1_000);
const option = (name: string) => {
  const index = Deno.args.indexOf(name);
  return index >= 0 ? Deno.args[index + 1] : undefined;
};
const lanes = Number(option("--lanes") ?? 32);
const out = option("--out");

const dir = await Deno.makeTempDir({ prefix: "support-desk-profile-" });
const kv = await openLocalStore(`${dir}/load.kv`);
const { deps, bot } = await createBenchBot(kv, dir, systemClock);
const handle = (update: Parameters<typeof bot.handleUpdate>[0]) => bot.handleUpdate(update);
await runLoad(handle, kv, { conversations: 100, lanes: 32, firstUserId: 1, firstUpdateId: 1 });
await marksSettled(deps.kv);

const session = new Session();
session.connect();
const post = <T>(method: string, params?: Record<string, unknown>) =>
  new Promise<T>((resolve, reject) =>
    session.post(
      method,
      params ?? {},
      (error, result) => error ? reject(error) : resolve(result as T),
    )
  );
await post("Profiler.enable");
await post("Profiler.setSamplingInterval", { interval: 200 });
await post("Profiler.start");
const result = await runLoad(handle, kv, {
  conversations,
  lanes,
  firstUserId: 1_000_000,
  firstUpdateId: 1_000,
});
await marksSettled(deps.kv);
const { profile } = await post<{ profile: Profile }>("Profiler.stop");
session.disconnect();
kv.close();
await Deno.remove(dir, { recursive: true });
if (out) await Deno.writeTextFile(out, JSON.stringify(profile));

console.log(
  `${result.updates} updates in ${result.seconds.toFixed(2)} s: ` +
    `${Math.round(result.updates / result.seconds)} updates/s, errors ${deps.runtime.errorCount}`,
);

// Self and total time per function (a function counted once per sample in total).
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const parent = new Map<number, number>();
for (const node of profile.nodes) {
  for (const child of node.children ?? []) parent.set(child, node.id);
}
const label = (node: ProfileNode) => {
  const { functionName, url, lineNumber } = node.callFrame;
  const file = url.replace(/^.*\/(wt-[^/]+|perf2-base|node_modules\/\.deno)\//, "");
  return `${functionName || "(anonymous)"} ${file}:${lineNumber + 1}`;
};
const self = new Map<string, number>();
const total = new Map<string, number>();
let all = 0;
profile.samples.forEach((id, index) => {
  const ms = (profile.timeDeltas[index] ?? 0) / 1000;
  all += ms;
  const leaf = byId.get(id)!;
  self.set(label(leaf), (self.get(label(leaf)) ?? 0) + ms);
  const seen = new Set<string>();
  for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
    const name = label(byId.get(at)!);
    if (seen.has(name)) continue;
    seen.add(name);
    total.set(name, (total.get(name) ?? 0) + ms);
  }
});
const top = (map: Map<string, number>, n: number) =>
  [...map].sort((a, b) => b[1] - a[1]).slice(0, n)
    .map(([name, ms]) =>
      `${ms.toFixed(0).padStart(7)} ms ${(100 * ms / all).toFixed(1).padStart(5)} %  ${name}`
    )
    .join("\n");
console.log(
  `\nsampled ${all.toFixed(0)} ms\n\nself time\n${top(self, 45)}\n\ntotal time\n${top(total, 70)}`,
);
