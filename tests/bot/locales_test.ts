import assert from "node:assert/strict";
import { loadTranslator } from "../../src/i18n.ts";
import { LOCALES } from "../../src/config.ts";

const i18n = loadTranslator();

async function sourceFiles(dir: URL): Promise<URL[]> {
  const found: URL[] = [];
  for await (const entry of Deno.readDir(dir)) {
    const url = new URL(entry.name + (entry.isDirectory ? "/" : ""), dir);
    if (entry.isDirectory) found.push(...await sourceFiles(url));
    else if (entry.name.endsWith(".ts")) found.push(url);
  }
  return found;
}

Deno.test("locales: every key of one locale exists in the other", () => {
  const [first, ...rest] = LOCALES;
  for (const other of rest) {
    const a = new Set(i18n.keys(first));
    const b = new Set(i18n.keys(other));
    assert.deepEqual([...a].filter((k) => !b.has(k)), [], `missing in ${other}`);
    assert.deepEqual([...b].filter((k) => !a.has(k)), [], `missing in ${first}`);
  }
});

Deno.test("locales: every key the code uses is defined", async () => {
  const used = new Set<string>();
  const patterns = [
    /\bt\(\s*"([a-z0-9-]+)"/g,
    /\.t\(\s*[a-zA-Z.]+\s*,\s*"([a-z0-9-]+)"/g,
    /\?\s*"([a-z][a-z0-9]*-[a-z0-9-]+)"\s*:/g,
    /:\s*"([a-z][a-z0-9]*-[a-z0-9-]+)"[,;)\s]/g,
  ];
  for (const file of await sourceFiles(new URL("../../src/", import.meta.url))) {
    const source = await Deno.readTextFile(file);
    for (const pattern of patterns) {
      for (const match of source.matchAll(pattern)) used.add(match[1]);
    }
  }
  const candidates = [...used].filter((key) =>
    /^(conv|btn|cmd|card|status|error|not|button)-/.test(key)
  );
  assert.ok(candidates.length > 40, "the scan finds the keys in use");
  for (const locale of LOCALES) {
    const missing = candidates.filter((key) => !i18n.has(locale, key));
    assert.deepEqual(missing, [], `undefined in ${locale}`);
  }
});

Deno.test("locales: dynamic status keys exist for every status", () => {
  for (const locale of LOCALES) {
    for (const status of ["new", "in_progress", "closed"]) {
      assert.ok(i18n.has(locale, `status-${status}`), `status-${status} in ${locale}`);
    }
  }
});

Deno.test("locales: Russian plurals pick one, few and many forms", () => {
  const text = (min: number) => i18n.t("ru", "conv-ask-too-short", { min });
  assert.match(text(1), /1 символа/);
  assert.match(text(3), /3 символов/);
  assert.match(text(21), /21 символа/);
  assert.match(i18n.t("ru", "card-messages", { count: 2 }), /2 сообщения/);
  assert.match(i18n.t("ru", "card-messages", { count: 5 }), /5 сообщений/);
  assert.match(i18n.t("ru", "card-messages", { count: 21 }), /21 сообщение/);
});
