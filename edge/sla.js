// The follow-up deadline of a handoff: `minutes` after delivery, counted only within business
// hours when the settings name them (`{ days: [1, 2, 3, 4, 5], start: "09:00", end: "17:00",
// utcOffsetMinutes: -300 }`, days 0 = Sunday, times on the sales team's clock).

const DAY = 86_400_000;

/** Epoch ms by which a handoff delivered at `fromMs` must be followed up. */
export function deadline(fromMs, minutes, hours) {
  let remaining = minutes * 60_000;
  if (!hours) return fromMs + remaining;
  const offset = (hours.utcOffsetMinutes ?? 0) * 60_000;
  const open = clock(hours.start);
  const close = clock(hours.end);
  // Local time as if it were UTC, so that days and hours are read with getUTC*.
  let t = fromMs + offset;
  for (let day = 0; day < 800; day++) {
    const midnight = Math.floor(t / DAY) * DAY;
    const weekday = new Date(midnight).getUTCDay();
    const from = Math.max(t, midnight + open);
    if (hours.days.includes(weekday) && from < midnight + close) {
      const available = midnight + close - from;
      if (remaining <= available) return from + remaining - offset;
      remaining -= available;
    }
    t = midnight + DAY;
  }
  return fromMs + minutes * 60_000;
}

/** Checks business hours from the settings; returns problems as `field: message` lines. */
export function businessHoursProblems(hours) {
  if (hours == null) return [];
  const problems = [];
  const at = "SETTINGS.businessHours";
  if (typeof hours !== "object" || Array.isArray(hours)) return [`${at} must be an object or null`];
  if (!Array.isArray(hours.days) || !hours.days.length || hours.days.some((d) => !Number.isInteger(d) || d < 0 || d > 6)) {
    problems.push(`${at}.days must list weekdays 0-6 (0 = Sunday)`);
  }
  for (const key of ["start", "end"]) {
    if (clock(hours[key]) === null) problems.push(`${at}.${key} must be a time "HH:MM"`);
  }
  if (problems.length === 0 && clock(hours.start) >= clock(hours.end)) problems.push(`${at}.start must be before end`);
  if (!Number.isInteger(hours.utcOffsetMinutes ?? 0) || Math.abs(hours.utcOffsetMinutes ?? 0) > 14 * 60) {
    problems.push(`${at}.utcOffsetMinutes must be whole minutes within ±840`);
  }
  return problems;
}

function clock(text) {
  const m = /^([01]\d|2[0-4]):([0-5]\d)$/.exec(String(text ?? ""));
  return m ? (Number(m[1]) * 60 + Number(m[2])) * 60_000 : null;
}
