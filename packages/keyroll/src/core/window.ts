import type { Millis } from "./model.js";

// Maintenance windows: "mon-fri 02:00-05:00 Europe/Berlin". Pure calendar arithmetic on the
// built-in Intl time zone data (no I/O), so the decision of when a rotation may run is testable
// with any instant, across daylight-saving changes.

/** Days of the week as a window names them. */
export const WEEKDAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/**
 * When policy rotations may switch a key: on `days`, from `start` to `end` (local wall-clock time
 * of `timeZone`, "HH:MM", end exclusive; an `end` at or before `start` runs past midnight into the
 * next day, and "24:00" is the end of the day).
 */
export interface MaintenanceWindow {
  readonly days: readonly Weekday[];
  readonly start: string;
  readonly end: string;
  readonly timeZone: string;
}

const DAY = 86_400_000;
const HHMM = /^(?:([01]\d|2[0-3]):([0-5]\d)|(24):(00))$/;

/** Minutes after midnight of "HH:MM" ("24:00" is 1440), or undefined. */
export function parseClock(s: string): number | undefined {
  const m = HHMM.exec(s);
  if (!m) return undefined;
  return m[3] ? 1440 : Number(m[1]) * 60 + Number(m[2]);
}

const formats = new Map<string, Intl.DateTimeFormat>();

function format(timeZone: string): Intl.DateTimeFormat {
  let f = formats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formats.set(timeZone, f);
  }
  return f;
}

/** True for "UTC" and every IANA zone name this runtime knows (e.g. "Europe/Berlin"). */
export function isTimeZone(timeZone: string): boolean {
  if (timeZone.length === 0 || timeZone.length > 64) return false;
  try {
    format(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The zone's offset from UTC at instant `t` (ms, east positive), to the second. */
export function zoneOffset(t: Millis, timeZone: string): Millis {
  const parts = format(timeZone).formatToParts(new Date(t));
  const get = (type: string) => Number(parts.find((p) => p.type === type)!.value);
  const local = Date.UTC(
    get("year"),
    get("month") - 1,
    get("day"),
    get("hour"),
    get("minute"),
    get("second"),
  );
  return local - (t - (((t % 1000) + 1000) % 1000));
}

/**
 * The instant a local wall-clock time (given as epoch ms "as if UTC") happens in `timeZone`. A time
 * that happens twice (the hour repeated when clocks go back) is its first occurrence; a time that
 * never happens (skipped when clocks go forward) is moved forward by the skipped amount, so
 * 02:30 on the spring-forward night in Berlin is 03:30 CEST.
 */
export function localToInstant(local: Millis, timeZone: string): Millis {
  const before = zoneOffset(local - DAY, timeZone);
  const after = zoneOffset(local + DAY, timeZone);
  const valid = [...new Set([before, after])]
    .map((o) => local - o)
    .filter((t) => zoneOffset(t, timeZone) === local - t)
    .sort((a, b) => a - b);
  return valid[0] ?? local - before;
}

/**
 * The earliest instant at or after `t` inside the window: `t` itself when it is inside. Windows are
 * checked day by day in the zone's calendar, so a named zone's daylight-saving changes move the
 * window with the local clock.
 * @example nextWindowTime(Date.parse("2026-03-02T12:00:00Z"), { days: ["tue"], start: "02:00", end: "04:00", timeZone: "UTC" })
 * // Date.parse("2026-03-03T02:00:00Z")
 */
export function nextWindowTime(t: Millis, w: MaintenanceWindow): Millis {
  const start = parseClock(w.start)!;
  const end = parseClock(w.end)!;
  const crosses = end <= start;
  const localT = t + zoneOffset(t, w.timeZone);
  const day0 = Math.floor(localT / DAY) * DAY;
  // from the day before (a window past midnight may still be open) to a week and a day ahead
  for (let k = -1; k <= 8; k++) {
    const day = day0 + k * DAY;
    if (!w.days.includes(WEEKDAYS[new Date(day).getUTCDay()]!)) continue;
    const opens = localToInstant(day + start * 60_000, w.timeZone);
    const closes = localToInstant(day + (crosses ? DAY : 0) + end * 60_000, w.timeZone);
    if (closes <= opens) continue;
    if (t < opens) return opens;
    if (t < closes) return t;
  }
  // unreachable for a window with at least one day
  throw new Error("a maintenance window needs at least one day");
}

/** True when `t` is inside the window. */
export function inWindow(t: Millis, w: MaintenanceWindow): boolean {
  return nextWindowTime(t, w) === t;
}

/** What is wrong with a window, or undefined when it is valid. */
export function windowProblem(w: MaintenanceWindow): string | undefined {
  if (!Array.isArray(w.days) || w.days.length === 0) return "window.days needs at least one day";
  for (const d of w.days)
    if (!WEEKDAYS.includes(d)) return `window.days: "${d}" is not one of ${WEEKDAYS.join(", ")}`;
  if (new Set(w.days).size !== w.days.length) return "window.days names a day twice";
  const start = parseClock(w.start);
  const end = parseClock(w.end);
  if (start === undefined || start === 1440) return 'window.start must be "HH:MM" (00:00-23:59)';
  if (end === undefined) return 'window.end must be "HH:MM" (00:00-24:00)';
  if (start === end) return "window.start and window.end must differ";
  if (!isTimeZone(w.timeZone))
    return `window.timeZone "${w.timeZone}" is not a time zone (use "UTC" or an IANA name such as "Europe/Berlin")`;
  return undefined;
}
