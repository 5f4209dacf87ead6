import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import {
  inWindow,
  localToInstant,
  type MaintenanceWindow,
  nextWindowTime,
  windowProblem,
  zoneOffset,
} from "./window.js";

const at = (s: string) => Date.parse(s);
const iso = (t: number) => new Date(t).toISOString();
const H = 3_600_000;

describe("maintenance windows in UTC", () => {
  const tueNight: MaintenanceWindow = { days: ["tue"], start: "02:00", end: "04:00", timeZone: "UTC" };
  test("inside the window: the instant itself; before it: the opening; after it: next week's opening", () => {
    // 2026-03-03 is a Tuesday
    assert.equal(iso(nextWindowTime(at("2026-03-03T02:00:00Z"), tueNight)), "2026-03-03T02:00:00.000Z");
    assert.equal(iso(nextWindowTime(at("2026-03-03T03:59:59.999Z"), tueNight)), "2026-03-03T03:59:59.999Z");
    assert.equal(iso(nextWindowTime(at("2026-03-03T01:59:59Z"), tueNight)), "2026-03-03T02:00:00.000Z");
    assert.equal(
      iso(nextWindowTime(at("2026-03-03T04:00:00Z"), tueNight)),
      "2026-03-10T02:00:00.000Z",
      "end is exclusive",
    );
    assert.equal(iso(nextWindowTime(at("2026-03-04T12:00:00Z"), tueNight)), "2026-03-10T02:00:00.000Z");
  });
  test("a window past midnight belongs to the day it opens on", () => {
    const w: MaintenanceWindow = { days: ["sat"], start: "22:00", end: "02:00", timeZone: "UTC" };
    // Saturday 2026-03-07 22:00 to Sunday 02:00
    assert.ok(inWindow(at("2026-03-07T23:30:00Z"), w));
    assert.ok(inWindow(at("2026-03-08T01:59:00Z"), w), "still open on Sunday morning");
    assert.ok(!inWindow(at("2026-03-08T02:00:00Z"), w));
    assert.ok(!inWindow(at("2026-03-07T01:00:00Z"), w), "Saturday morning is Friday's night: closed");
    assert.equal(iso(nextWindowTime(at("2026-03-08T02:00:00Z"), w)), "2026-03-14T22:00:00.000Z");
  });
  test('"24:00" ends at midnight; several days', () => {
    const w: MaintenanceWindow = { days: ["mon", "fri"], start: "20:00", end: "24:00", timeZone: "UTC" };
    assert.ok(inWindow(at("2026-03-02T23:59:59Z"), w));
    assert.equal(iso(nextWindowTime(at("2026-03-03T00:00:00Z"), w)), "2026-03-06T20:00:00.000Z");
  });
  test("property: the answer is never earlier than asked, always inside, and nothing inside comes before it", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: at("2020-01-01T00:00:00Z"), max: at("2035-01-01T00:00:00Z") }),
        fc.subarray(["sun", "mon", "tue", "wed", "thu", "fri", "sat"] as const, { minLength: 1 }),
        fc.integer({ min: 0, max: 23 }),
        fc.integer({ min: 1, max: 23 }),
        fc.constantFrom("UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe"),
        (t, days, startH, lenH, timeZone) => {
          const endH = (startH + lenH) % 24;
          const w: MaintenanceWindow = {
            days,
            start: `${String(startH).padStart(2, "0")}:00`,
            end: `${String(endH).padStart(2, "0")}:00`,
            timeZone,
          };
          const n = nextWindowTime(t, w);
          assert.ok(n >= t);
          assert.ok(inWindow(n, w));
          // a minute-step scan finds nothing inside earlier (the window is at least an hour long, skipped DST aside)
          if (n > t)
            for (let x = t; x < n; x += Math.max(60_000, Math.floor((n - t) / 200)))
              assert.ok(!inWindow(x, w));
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe("maintenance windows in a named time zone, across daylight saving", () => {
  const berlin: MaintenanceWindow = {
    days: ["sun"],
    start: "02:00",
    end: "04:00",
    timeZone: "Europe/Berlin",
  };
  test("winter (CET, UTC+1) and summer (CEST, UTC+2) move the window in UTC", () => {
    assert.equal(iso(nextWindowTime(at("2026-03-21T12:00:00Z"), berlin)), "2026-03-22T01:00:00.000Z");
    assert.equal(iso(nextWindowTime(at("2026-04-01T12:00:00Z"), berlin)), "2026-04-05T00:00:00.000Z");
  });
  test("spring forward (2026-03-29: 02:00 CET jumps to 03:00 CEST): the window opens at 03:00 CEST and is one hour long", () => {
    const opens = nextWindowTime(at("2026-03-28T12:00:00Z"), berlin);
    assert.equal(
      iso(opens),
      "2026-03-29T01:00:00.000Z",
      "03:00 CEST, the first instant after the skipped hour",
    );
    assert.ok(inWindow(at("2026-03-29T01:59:59Z"), berlin), "03:59:59 CEST");
    assert.ok(!inWindow(at("2026-03-29T02:00:00Z"), berlin), "04:00 CEST closes it");
    assert.ok(!inWindow(at("2026-03-29T00:59:59Z"), berlin), "01:59:59 CET is before it");
  });
  test("fall back (2026-10-25: 03:00 CEST goes back to 02:00 CET): opens at the first 02:00 and lasts three hours", () => {
    const opens = nextWindowTime(at("2026-10-24T12:00:00Z"), berlin);
    assert.equal(iso(opens), "2026-10-25T00:00:00.000Z", "02:00 CEST");
    assert.ok(inWindow(at("2026-10-25T02:59:59Z"), berlin), "03:59:59 CET");
    assert.ok(!inWindow(at("2026-10-25T03:00:00Z"), berlin), "04:00 CET");
  });
  test("New York: a Sunday 01:30-02:30 window on the spring-forward day (2026-03-08) ends at the moved end", () => {
    const sun: MaintenanceWindow = {
      days: ["sun"],
      start: "01:30",
      end: "02:30",
      timeZone: "America/New_York",
    };
    // 2026-03-08 02:00 EST → 03:00 EDT: 01:30 EST exists (06:30Z), 02:30 does not (→ 03:30 EDT = 07:30Z)
    assert.equal(iso(nextWindowTime(at("2026-03-08T00:00:00Z"), sun)), "2026-03-08T06:30:00.000Z");
    assert.ok(inWindow(at("2026-03-08T07:15:00Z"), sun), "03:15 EDT is still before the moved end");
    assert.ok(!inWindow(at("2026-03-08T07:30:00Z"), sun));
  });
  test("local times: an ambiguous one is its first occurrence, a skipped one moves forward", () => {
    assert.equal(
      iso(localToInstant(Date.UTC(2026, 9, 25, 2, 30), "Europe/Berlin")),
      "2026-10-25T00:30:00.000Z",
    );
    assert.equal(
      iso(localToInstant(Date.UTC(2026, 2, 29, 2, 30), "Europe/Berlin")),
      "2026-03-29T01:30:00.000Z",
    );
    assert.equal(zoneOffset(at("2026-07-01T00:00:00Z"), "America/New_York"), -4 * H);
    assert.equal(zoneOffset(at("2026-01-01T00:00:00Z"), "Asia/Kolkata"), 5.5 * H);
  });
});

test("window problems are named", () => {
  const ok: MaintenanceWindow = { days: ["mon"], start: "01:00", end: "02:00", timeZone: "UTC" };
  assert.equal(windowProblem(ok), undefined);
  assert.match(windowProblem({ ...ok, days: [] })!, /at least one day/);
  assert.match(windowProblem({ ...ok, days: ["mon", "mon"] })!, /twice/);
  assert.match(windowProblem({ ...ok, start: "25:00" })!, /start/);
  assert.match(windowProblem({ ...ok, start: "24:00" })!, /start/);
  assert.match(windowProblem({ ...ok, end: "1:00" })!, /end/);
  assert.match(windowProblem({ ...ok, end: "01:00" })!, /differ/);
  assert.match(windowProblem({ ...ok, timeZone: "Mars/Olympus" })!, /not a time zone/);
  assert.equal(windowProblem({ ...ok, timeZone: "Europe/Berlin" }), undefined);
});
