/**
 * The keys of one object in a JSON text, duplicates included. `JSON.parse`
 * keeps only the last of two equal keys (as Python's `json.load` did), so a
 * duplicated ticket id in `data.json` is found here instead.
 *
 * @module
 */

const STRING = /"(?:[^"\\]|\\.)*"/y;
const STRUCTURE = /[{}[\]"]/g;
const SCALAR_END = /[,}\]\s]/g;
const SPACE = /\s*/y;

function skipSpace(text: string, at: number): number {
  SPACE.lastIndex = at;
  SPACE.exec(text);
  return SPACE.lastIndex;
}

/** The string starting at `at` (a `"`), decoded, and the index after it. */
function readString(text: string, at: number): [string, number] {
  STRING.lastIndex = at;
  const match = STRING.exec(text);
  if (!match) throw new SyntaxError(`Expected a string at ${at}`);
  return [JSON.parse(match[0]) as string, STRING.lastIndex];
}

/** The index after the value starting at `at`. */
function skipValue(text: string, at: number): number {
  const first = text[at];
  if (first === '"') return readString(text, at)[1];
  if (first !== "{" && first !== "[") {
    SCALAR_END.lastIndex = at;
    return SCALAR_END.exec(text)?.index ?? text.length;
  }
  let depth = 0;
  STRUCTURE.lastIndex = at;
  for (let match = STRUCTURE.exec(text); match; match = STRUCTURE.exec(text)) {
    const char = match[0];
    if (char === '"') STRUCTURE.lastIndex = readString(text, match.index)[1];
    else if (char === "{" || char === "[") depth++;
    else if (--depth === 0) return match.index + 1;
  }
  return text.length;
}

/** Calls `visit` for each member of the object starting at `at` (a `{`). */
function members(text: string, at: number, visit: (key: string, valueAt: number) => void): void {
  let i = at + 1;
  while (true) {
    i = skipSpace(text, i);
    if (text[i] !== '"') return; // "}" (or the end of a damaged text)
    const [key, afterKey] = readString(text, i);
    const valueAt = skipSpace(text, skipSpace(text, afterKey) + 1); // past ":"
    visit(key, valueAt);
    i = skipSpace(text, skipValue(text, valueAt));
    if (text[i] !== ",") return;
    i++;
  }
}

/**
 * The keys, in order and with duplicates, of the object that is member
 * `member` of the top-level object of `text` (which must be valid JSON);
 * empty when there is no such object.
 */
export function memberKeys(text: string, member: string): string[] {
  const start = skipSpace(text, 0);
  const found: string[] = [];
  if (text[start] !== "{") return found;
  members(text, start, (key, valueAt) => {
    if (key === member && text[valueAt] === "{") {
      found.length = 0; // a duplicated member: the last one counts, as in JSON.parse
      members(text, valueAt, (inner) => found.push(inner));
    }
  });
  return found;
}

/**
 * Where the data of `text` ends when it starts with a complete JSON object or
 * array followed by something else (e.g. the tail of an older, longer copy
 * left behind by a non-atomic write): the index after that value. Null when
 * the text does not start with a complete value or holds nothing after it.
 */
export function endOfLeadingValue(text: string): number | null {
  const start = skipSpace(text, 0);
  if (text[start] !== "{" && text[start] !== "[") return null;
  let end: number;
  try {
    end = skipValue(text, start);
  } catch {
    return null; // a string cut short
  }
  if (end >= text.length || text.slice(end).trim() === "") return null;
  try {
    JSON.parse(text.slice(0, end));
    return end;
  } catch {
    return null;
  }
}

/** Keys that occur more than once, with their counts. */
export function duplicates(keys: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
  return new Map([...counts].filter(([, count]) => count > 1));
}
