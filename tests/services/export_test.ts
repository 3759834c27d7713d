/**
 * The CSV export (services/export.ts): RFC 4180 quoting, the formula guard,
 * times with TIMEZONE's offset across DST, the columns, and a real store
 * streamed a page at a time.
 */
import assert from "node:assert/strict";
import {
  csvField,
  csvLine,
  EXPORT_HEADER,
  exportFileName,
  guardFormula,
  isoWithOffset,
  prepareExport,
  ticketCells,
} from "../../src/services/export.ts";
import { closeTicket, openTicket, type Ticket } from "../../src/domain/ticket.ts";
import { updateTicket } from "../../src/store/tickets.ts";
import { rateTicket } from "../../src/store/ratings.ts";
import { touchUser, type UserRecord } from "../../src/store/users.ts";
import { supportAnswers, userWrites } from "../jobs/fixtures.ts";
import { parseCsv } from "../helpers/csv.ts";

const HEADER_LINE =
  "id,status,user_id,user_name,username,created,first_response,closed,closed_by,rating,messages,agent\r\n";

async function readAll(chunks: AsyncIterable<Uint8Array>): Promise<string[]> {
  const decoder = new TextDecoder();
  const parts: string[] = [];
  for await (const chunk of chunks) parts.push(decoder.decode(chunk));
  return parts;
}

const user = (over: Partial<UserRecord> = {}): UserRecord => ({
  id: 501,
  firstName: "Ann",
  blocked: false,
  reachable: true,
  createdAt: 0,
  ...over,
});

const T0 = Date.UTC(2026, 10, 24, 9, 0, 0);

Deno.test("export: the header row is exactly the documented one, with CRLF", () => {
  assert.equal(csvLine(EXPORT_HEADER), HEADER_LINE);
});

Deno.test("export: RFC 4180 quoting of commas, quotes, CR and LF, and nothing else", () => {
  assert.equal(csvField("plain text"), "plain text");
  assert.equal(csvField(""), "");
  assert.equal(csvField("Smith, John"), '"Smith, John"');
  assert.equal(csvField('Ann "the boss"'), '"Ann ""the boss"""');
  assert.equal(csvField("two\nlines"), '"two\nlines"');
  assert.equal(csvField("carriage\rreturn"), '"carriage\rreturn"');
  assert.equal(csvField("Анна Иванова"), "Анна Иванова");
  assert.equal(csvLine(["1", 'a,"b"', "c"]), '1,"a,""b""",c\r\n');
  assert.deepEqual(parseCsv(csvLine(["1", 'a,"b"\r\nc', ""])), [["1", 'a,"b"\r\nc', ""]]);
});

Deno.test("export: a cell that would start a formula gets a leading quote", () => {
  for (const text of ["=1+1", "+7 900", "-2", "@SUM(A1)", "\tx", "\rx", '=HYPERLINK("http://x")']) {
    assert.equal(guardFormula(text), `'${text}`, JSON.stringify(text));
  }
  for (const text of ["Ann", "", "a=b", " =1", "'quoted", "1-2"]) {
    assert.equal(guardFormula(text), text, JSON.stringify(text));
  }
});

Deno.test("export: times are ISO 8601 with the zone's offset at that instant, across DST", () => {
  assert.equal(
    isoWithOffset(Date.UTC(2026, 10, 24, 9, 0, 0, 999), "UTC"),
    "2026-11-24T09:00:00+00:00",
  );
  assert.equal(
    isoWithOffset(Date.UTC(2026, 10, 24, 9, 0, 0), "Europe/Moscow"),
    "2026-11-24T12:00:00+03:00",
  );
  // Berlin moves from +01:00 to +02:00 at 01:00 UTC on 29 March 2026, and back on 25 October.
  assert.equal(
    isoWithOffset(Date.UTC(2026, 2, 29, 0, 59, 59), "Europe/Berlin"),
    "2026-03-29T01:59:59+01:00",
  );
  assert.equal(
    isoWithOffset(Date.UTC(2026, 2, 29, 1, 0, 0), "Europe/Berlin"),
    "2026-03-29T03:00:00+02:00",
  );
  assert.equal(
    isoWithOffset(Date.UTC(2026, 9, 25, 0, 30, 0), "Europe/Berlin"),
    "2026-10-25T02:30:00+02:00",
  );
  assert.equal(
    isoWithOffset(Date.UTC(2026, 9, 25, 1, 30, 0), "Europe/Berlin"),
    "2026-10-25T02:30:00+01:00",
  );
  // West of Greenwich, and offsets that are not whole hours.
  assert.equal(
    isoWithOffset(Date.UTC(2026, 0, 15, 3, 0, 0), "America/New_York"),
    "2026-01-14T22:00:00-05:00",
  );
  assert.equal(
    isoWithOffset(Date.UTC(2026, 6, 15, 3, 0, 0), "America/New_York"),
    "2026-07-14T23:00:00-04:00",
  );
  assert.equal(
    isoWithOffset(Date.UTC(2026, 0, 15, 3, 0, 0), "America/St_Johns"),
    "2026-01-14T23:30:00-03:30",
  );
  assert.equal(
    isoWithOffset(Date.UTC(2026, 0, 15, 3, 0, 0), "Asia/Kathmandu"),
    "2026-01-15T08:45:00+05:45",
  );
  // The same instant read back.
  const at = Date.UTC(2026, 2, 29, 1, 0, 0);
  assert.equal(Date.parse(isoWithOffset(at, "Europe/Berlin")), at);
});

Deno.test("export: the default file name is the local date and time in TIMEZONE", () => {
  assert.equal(exportFileName(T0, "UTC"), "tickets-2026-11-24-0900.csv");
  assert.equal(exportFileName(T0, "Asia/Tokyo"), "tickets-2026-11-24-1800.csv");
  assert.equal(
    exportFileName(Date.UTC(2026, 11, 31, 22, 5), "Europe/Moscow"),
    "tickets-2027-01-01-0105.csv",
  );
});

Deno.test("export: the cells of an open, a closed and an auto-closed ticket", () => {
  const names = new Map([[1001, "Agent Smith"], [1002, "=Bea"]]);
  const nameOf = (id: number) => names.get(id) ?? String(id);
  const open: Ticket = { ...openTicket(7, 501, T0), messageCount: 3 };
  assert.deepEqual(
    ticketCells(
      open,
      { user: user({ lastName: "Lee", username: "ann_lee" }), nameOf },
      "Europe/Moscow",
    ),
    ["7", "new", "501", "Ann Lee", "ann_lee", "2026-11-24T12:00:00+03:00", "", "", "", "", "3", ""],
  );

  const answered: Ticket = {
    ...open,
    status: "in_progress",
    firstResponseAt: T0 + 90_000,
    takenBy: 1002,
    lastRepliedBy: 1001,
  };
  const closed = { ...closeTicket(answered, 1001, T0 + 3_600_000), rating: 3 };
  assert.deepEqual(ticketCells(closed, { user: null, nameOf }, "UTC"), [
    "7",
    "closed",
    "501",
    "",
    "",
    "2026-11-24T09:00:00+00:00",
    "2026-11-24T09:01:30+00:00",
    "2026-11-24T10:00:00+00:00",
    "Agent Smith",
    "3",
    "3",
    // Who took it comes first, guarded: a name starting with "=" stays text.
    "'=Bea",
  ]);

  const auto = closeTicket({ ...answered, takenBy: undefined }, "auto", T0 + 7_200_000);
  const cells = ticketCells(
    auto,
    { user: user({ firstName: "-1", username: undefined }), nameOf },
    "UTC",
  );
  assert.equal(cells[3], "'-1");
  assert.equal(cells[4], "");
  assert.equal(cells[8], "auto");
  assert.equal(cells[11], "Agent Smith", "the last to answer when nobody took it");
});

Deno.test("export: a name without first and last name shows @username, the username column has no @", () => {
  const cells = ticketCells(
    openTicket(1, 501, T0),
    { user: user({ firstName: "", username: "nameless" }), nameOf: String },
    "UTC",
  );
  assert.equal(cells[3], "'@nameless", "a display name starting with @ is guarded too");
  assert.equal(cells[4], "nameless");
});

Deno.test("export: an empty store gives the header only", async () => {
  await using kv = await Deno.openKv(":memory:");
  const prepared = await prepareExport({ kv, config: { timezone: "UTC" } });
  assert.equal(prepared.count, 0);
  assert.deepEqual(await readAll(prepared.chunks()), [HEADER_LINE]);
});

Deno.test("export: many tickets stream from the store a page at a time, in id order, and only those that existed at the start", async () => {
  await using kv = await Deno.openKv(":memory:");
  const TOTAL = 53;
  for (let i = 0; i < TOTAL; i++) {
    const userId = 5000 + i;
    const at = T0 + i * 60_000;
    await touchUser(kv, { id: userId, first_name: `User, ${i}`, username: `user${i}` }, at);
    await userWrites(kv, userId, at);
  }
  await touchUser(kv, { id: 1001, first_name: "Agent", last_name: '"Q"' }, T0);
  await supportAnswers(kv, 2, { adminId: 1001, at: T0 + 5 * 60_000, hours: 24 });
  await updateTicket(kv, 2, (t) => closeTicket(t, 1001, T0 + 10 * 60_000));
  const rated = await rateTicket(kv, { ticketId: 2, userId: 5001, stars: 2, at: T0 + 11 * 60_000 });
  assert.ok(rated.ok);
  await updateTicket(kv, 3, (t) => closeTicket(t, "auto", T0 + 20 * 60_000));

  const prepared = await prepareExport({ kv, config: { timezone: "Europe/Moscow" } }, {
    pageSize: 5,
  });
  assert.equal(prepared.count, TOTAL);
  // A ticket opened after the export began is not in it.
  await userWrites(kv, 9999, T0);

  const progress = { rows: 0 };
  const chunks = await readAll(prepared.chunks(progress));
  assert.equal(chunks[0], HEADER_LINE, "the header is a chunk of its own");
  assert.equal(chunks.length, 1 + Math.ceil(TOTAL / 5), "one chunk per page of five");
  for (const chunk of chunks.slice(1, -1)) assert.equal(parseCsv(chunk).length, 5);
  assert.equal(progress.rows, TOTAL);

  const rows = parseCsv(chunks.join(""));
  assert.deepEqual(rows[0], [...EXPORT_HEADER]);
  assert.equal(rows.length, 1 + TOTAL);
  assert.deepEqual(
    rows.slice(1).map((row) => Number(row[0])),
    [...Array(TOTAL)].map((_, i) => i + 1),
  );
  assert.deepEqual(rows[1], [
    "1",
    "new",
    "5000",
    "User, 0",
    "user0",
    "2026-11-24T12:00:00+03:00",
    "",
    "",
    "",
    "",
    "1",
    "",
  ]);
  assert.deepEqual(rows[2], [
    "2",
    "closed",
    "5001",
    "User, 1",
    "user1",
    "2026-11-24T12:01:00+03:00",
    "2026-11-24T12:05:00+03:00",
    "2026-11-24T12:10:00+03:00",
    'Agent "Q"',
    "2",
    "2",
    'Agent "Q"',
  ]);
  assert.equal(rows[3][1], "closed");
  assert.equal(rows[3][8], "auto");

  // Streamed again (a retried upload), the same bytes.
  const again = await new Response(prepared.stream()).text();
  assert.equal(again, chunks.join(""));
});
