import assert from "node:assert/strict";
import { formatBytes } from "../src/bytes.ts";
import { loadTranslator } from "../src/i18n.ts";

const i18n = loadTranslator();
const inLocale = (locale: "en" | "ru") => (key: string, args?: Record<string, string | number>) =>
  i18n.t(locale, key, args);

Deno.test("bytes: sizes read naturally in each language", () => {
  const en = inLocale("en");
  const ru = inLocale("ru");
  assert.equal(formatBytes(512, en), "512 B");
  assert.equal(formatBytes(1536, en), "1.5 KB");
  assert.equal(formatBytes(12.34 * 1024 * 1024, en), "12.3 MB");
  assert.equal(formatBytes(3 * 1024 ** 3, en), "3 GB");
  assert.equal(formatBytes(512, ru), "512 Б");
  assert.equal(formatBytes(12.34 * 1024 * 1024, ru), "12,3 МБ");
  // No grouping: 1,000 KB would be misread.
  assert.equal(formatBytes(1000 * 1024, en), "1000 KB");
});
