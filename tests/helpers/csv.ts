/**
 * A strict RFC 4180 reader for tests of the CSV export: it fails on anything
 * the RFC does not allow (a bare LF, a quote inside an unquoted field, a line
 * without CRLF at the end).
 *
 * @module
 */
import assert from "node:assert/strict";

/** Rows of cells of an RFC 4180 text; every line must end in CRLF. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i += 2;
      } else if (c === '"') {
        quoted = false;
        i++;
        assert.ok(
          i === text.length || text[i] === "," || text[i] === "\r",
          `a closing quote ends its field (at ${i})`,
        );
      } else {
        cell += c;
        i++;
      }
    } else if (c === '"') {
      assert.equal(cell, "", `a quote opens a field, never stands inside one (at ${i})`);
      quoted = true;
      i++;
    } else if (c === ",") {
      row.push(cell);
      cell = "";
      i++;
    } else if (c === "\r") {
      assert.equal(text[i + 1], "\n", `CR is followed by LF (at ${i})`);
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
      i += 2;
    } else {
      assert.notEqual(c, "\n", `no bare LF outside quotes (at ${i})`);
      cell += c;
      i++;
    }
  }
  assert.ok(!quoted && cell === "" && row.length === 0, "the text ends with a complete line");
  return rows;
}
