import assert from "node:assert/strict";
import { parseLegacyTime } from "../../src/legacy/time.ts";
import { duplicates, memberKeys } from "../../src/legacy/json_keys.ts";
import { parseBanned, parseDataJson } from "../../src/legacy/parse.ts";

Deno.test("legacy time: Python's isoformat with an offset and microseconds", () => {
  assert.deepEqual(parseLegacyTime("2026-11-01T10:00:00.123456+03:00", "UTC"), {
    ms: Date.UTC(2026, 10, 1, 7, 0, 0, 123),
    naive: false,
  });
  assert.equal(
    parseLegacyTime("2026-11-01 10:00:00-05:30", "UTC")?.ms,
    Date.UTC(2026, 10, 1, 15, 30),
  );
  assert.equal(
    parseLegacyTime("2026-11-01T10:00:00Z", "Europe/Moscow")?.ms,
    Date.UTC(2026, 10, 1, 10),
  );
});

Deno.test("legacy time: without an offset it is a wall-clock time in TIMEZONE, across DST", () => {
  assert.deepEqual(parseLegacyTime("2026-11-20T12:00:00", "Europe/Moscow"), {
    ms: Date.UTC(2026, 10, 20, 9),
    naive: true,
  });
  // Berlin: +02:00 in summer, +01:00 in winter.
  assert.equal(
    parseLegacyTime("2026-07-01T12:00:00", "Europe/Berlin")?.ms,
    Date.UTC(2026, 6, 1, 10),
  );
  assert.equal(
    parseLegacyTime("2026-12-01T12:00:00.5", "Europe/Berlin")?.ms,
    Date.UTC(2026, 11, 1, 11, 0, 0, 500),
  );
});

Deno.test("legacy time: impossible or foreign values are refused", () => {
  for (
    const value of ["yesterday", "2026-02-30T10:00:00", "2026-11-01T25:00:00", "01.11.2026", ""]
  ) {
    assert.equal(parseLegacyTime(value, "UTC"), null, value);
  }
});

Deno.test("legacy time: a year below 100 is refused, not read as 19xx", () => {
  for (
    const value of [
      "0019-11-08T12:00:00+03:00",
      "0019-11-08T12:00:00",
      "0099-12-31 23:59",
      "0000-01-01T00:00:00Z",
      "19-11-08T12:00:00",
    ]
  ) {
    assert.equal(parseLegacyTime(value, "Europe/Berlin"), null, value);
  }
  assert.equal(
    parseLegacyTime("0100-01-01T00:00:00Z", "UTC")?.ms,
    new Date("0100-01-01T00:00:00Z").getTime(),
  );
});

Deno.test("legacy data.json: a two-digit year is a problem of its ticket", () => {
  const ticket = {
    user_id: 7,
    created_at: "0026-11-01T10:00:00+00:00",
    status: "new",
    messages: [{ sender: "user", text: "hi", at: "0026-11-01T10:00:00" }],
  };
  const parsed = parseDataJson(
    JSON.stringify({ tickets: { "T-20261101-0001": ticket }, users: {} }),
    "UTC",
  );
  assert.deepEqual(parsed.tickets, []);
  assert.deepEqual(parsed.problems, [{
    where: "T-20261101-0001",
    reason: "'created_at' is not a time: '0026-11-01T10:00:00+00:00'; " +
      "message 1: 'at' is not a time: '0026-11-01T10:00:00'",
  }]);
});

Deno.test("legacy json: duplicated ticket ids are found although JSON.parse keeps one", () => {
  const text = '{"users": {"1": {}}, "tickets": {"T-1": {"a": "}{\\""}, "T-2": [1, {"T-1": 0}], ' +
    '"T-1": {"b": 2}}}';
  assert.deepEqual(memberKeys(text, "tickets"), ["T-1", "T-2", "T-1"]);
  assert.deepEqual([...duplicates(memberKeys(text, "tickets"))], [["T-1", 2]]);
  assert.deepEqual(memberKeys(text, "users"), ["1"]);
  assert.deepEqual(memberKeys("[]", "tickets"), []);
});

Deno.test("legacy banned.json: the 2.5.8 text format, comments and blank lines ignored", () => {
  const parsed = parseBanned("# header\n\n101|spam\n 102 | rude | very \n103\nabc|x\n");
  assert.deepEqual(parsed.bans, [
    { userId: 101, reason: "spam" },
    { userId: 102, reason: "rude | very" },
    { userId: 103, reason: undefined },
  ]);
  assert.deepEqual(parsed.problems, [
    { where: "banned.json line 6", reason: "'abc' is not a user id" },
  ]);
  // Leading blank lines count, as an editor numbers them.
  assert.deepEqual(parseBanned("\n\n# c\n12|x\nabc|y").problems, [
    { where: "banned.json line 5", reason: "'abc' is not a user id" },
  ]);
  assert.deepEqual(parseBanned("\n  [1]").bans, [{ userId: 1, reason: undefined }]);
});

Deno.test("legacy banned.json: JSON as a list of ids or an object id → reason", () => {
  assert.deepEqual(parseBanned('[1, "2", "x"]'), {
    bans: [{ userId: 1, reason: undefined }, { userId: 2, reason: undefined }],
    problems: [{ where: "banned.json entry 3", reason: "'x' is not a user id" }],
  });
  assert.deepEqual(parseBanned('{"5": "spam", "6": null}').bans, [
    { userId: 5, reason: "spam" },
    { userId: 6, reason: undefined },
  ]);
  assert.match(parseBanned("[1, 2").problems[0].reason, /not valid JSON/);
});

Deno.test("legacy data.json: each bad ticket is named with its reason; good ones are kept", () => {
  const ok = {
    user_id: 7,
    created_at: "2026-11-01T10:00:00+00:00",
    status: "working",
    messages: [{ sender: "support", text: null, at: "2026-11-01T10:05:00+00:00" }],
    last_actor: "support",
    rating: 2,
  };
  const parsed = parseDataJson(
    JSON.stringify({
      tickets: {
        "T-1": ok,
        "T-2": { ...ok, status: "archived" },
        "T-3": { ...ok, user_id: undefined },
        "T-4": { ...ok, id: "T-40" },
        "T-5": { ...ok, messages: [{ sender: "user", text: 5, at: "x" }] },
      },
      users: { "7": { locale: "ru", last_review: "2026-11-02T10:00:00", last_suggestion: null } },
    }),
    "UTC",
  );
  assert.deepEqual(parsed.tickets.map((t) => t.legacyId), ["T-1"]);
  // Later releases wrote "support" and a number of stars: both are understood.
  assert.equal(parsed.tickets[0].messages[0].sender, "admin");
  assert.equal(parsed.tickets[0].lastActor, "admin");
  assert.equal(parsed.tickets[0].rating, 2);
  assert.deepEqual(parsed.problems, [
    { where: "T-2", reason: "unknown status 'archived' (expected new, working or done)" },
    { where: "T-3", reason: "missing field 'user_id'" },
    { where: "T-4", reason: "its 'id' 'T-40' differs from its key" },
    {
      where: "T-5",
      reason: "message 1: text is not a string; message 1: 'at' is not a time: 'x'",
    },
  ]);
  assert.deepEqual(parsed.users, [{
    userId: 7,
    locale: "ru",
    lastFeedbackAt: Date.UTC(2026, 10, 2, 10),
  }]);
  assert.match(
    parsed.notes[0].reason,
    /1 timestamp without a UTC offset was read in TIMEZONE UTC/,
  );
});

Deno.test("legacy data.json: a truncated or foreign file is refused as a whole", () => {
  assert.throws(() => parseDataJson('{"tickets": {"T-1": {', "UTC"), /looks truncated/);
  assert.throws(() => parseDataJson("[1, 2]", "UTC"), /not a JSON object/);
  assert.throws(() => parseDataJson('{"tickets": []}', "UTC"), /'tickets' is not an object/);
});
