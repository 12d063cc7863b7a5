// The follow-up deadline, counted in business hours when they are set (a pure function).
import { test } from "node:test";
import assert from "node:assert/strict";
import { businessHoursProblems, deadline } from "../sla.js";

const HOURS = { days: [1, 2, 3, 4, 5], start: "09:00", end: "17:00", utcOffsetMinutes: 0 };
const at = (iso) => Date.parse(iso);

test("without business hours the deadline is the follow-up time after delivery", () => {
  assert.equal(deadline(at("2026-11-27T16:30:00Z"), 60), at("2026-11-27T17:30:00Z"));
});

test("business hours: time outside them does not count", () => {
  // Friday 16:30 + 60 min: 30 min on Friday, 30 on Monday.
  assert.equal(deadline(at("2026-11-27T16:30:00Z"), 60, HOURS), at("2026-11-30T09:30:00Z"));
  // Saturday night: the clock starts Monday 09:00.
  assert.equal(deadline(at("2026-11-28T23:00:00Z"), 60, HOURS), at("2026-11-30T10:00:00Z"));
  // Before opening on a Tuesday.
  assert.equal(deadline(at("2026-12-01T06:00:00Z"), 30, HOURS), at("2026-12-01T09:30:00Z"));
  // Two working days of follow-up time from Wednesday noon: Friday noon.
  assert.equal(deadline(at("2026-12-02T12:00:00Z"), 16 * 60, HOURS), at("2026-12-04T12:00:00Z"));
});

test("business hours on the sales team's clock (UTC-5)", () => {
  const newYork = { ...HOURS, utcOffsetMinutes: -300 };
  // 21:30 UTC on a Monday is 16:30 in New York: 30 min that day, 30 on Tuesday from 09:00 local.
  assert.equal(deadline(at("2026-11-30T21:30:00Z"), 60, newYork), at("2026-12-01T14:30:00Z"));
});

test("bad business hours are named field by field", () => {
  assert.deepEqual(businessHoursProblems(null), []);
  assert.deepEqual(businessHoursProblems(HOURS), []);
  assert.deepEqual(businessHoursProblems({ days: [], start: "9", end: "17:00" }), [
    "SETTINGS.businessHours.days must list weekdays 0-6 (0 = Sunday)",
    'SETTINGS.businessHours.start must be a time "HH:MM"',
  ]);
  assert.deepEqual(businessHoursProblems({ days: [1], start: "18:00", end: "09:00" }), ["SETTINGS.businessHours.start must be before end"]);
});
