import assert from "node:assert/strict";
import {
  formatDateTime,
  formatDuration,
  localDay,
  offsetAt,
  zonedParts,
  zonedTimeToUtc,
} from "../src/time.ts";

Deno.test("time: formatDateTime shows TIMEZONE in the reader's format, across DST", () => {
  const winter = Date.UTC(2026, 0, 15, 13, 5);
  const summer = Date.UTC(2026, 6, 15, 13, 5);
  assert.equal(formatDateTime(winter, "en", "UTC"), "15/01/2026, 13:05");
  assert.equal(formatDateTime(winter, "ru", "Europe/Berlin"), "15.01.2026, 14:05");
  assert.equal(formatDateTime(summer, "ru", "Europe/Berlin"), "15.07.2026, 15:05");
  assert.equal(formatDateTime(summer, "en", "Asia/Kolkata"), "15/07/2026, 18:35");
});

Deno.test("time: zone helpers agree with each other around the Berlin DST switches", () => {
  // 2026-03-29 01:00 UTC: 02:00 CET becomes 03:00 CEST.
  assert.equal(offsetAt(Date.UTC(2026, 2, 29, 0, 59), "Europe/Berlin"), 3_600_000);
  assert.equal(offsetAt(Date.UTC(2026, 2, 29, 1, 0), "Europe/Berlin"), 7_200_000);
  assert.deepEqual(zonedParts(Date.UTC(2026, 2, 29, 1, 0), "Europe/Berlin"), {
    year: 2026,
    month: 3,
    day: 29,
    hour: 3,
    minute: 0,
  });
  assert.equal(
    zonedTimeToUtc({ year: 2026, month: 10, day: 25, hour: 4, minute: 0 }, "Europe/Berlin"),
    Date.UTC(2026, 9, 25, 3, 0),
  );
  assert.equal(
    zonedTimeToUtc({ year: 2026, month: 7, day: 1, hour: 3, minute: 0 }, "Europe/Berlin"),
    Date.UTC(2026, 6, 1, 1, 0),
  );
  assert.equal(localDay(Date.UTC(2026, 11, 31, 23, 30), "Europe/Berlin"), "2027-01-01");
  assert.equal(localDay(Date.UTC(2026, 11, 31, 23, 30), "UTC"), "2026-12-31");
});

Deno.test("time: formatDuration is short and localized", () => {
  assert.equal(formatDuration(0, "en"), "0 min");
  assert.equal(formatDuration(90 * 60_000, "en"), "1 h 30 min");
  assert.equal(formatDuration(26 * 3_600_000, "ru"), "1 д 2 ч");
});
