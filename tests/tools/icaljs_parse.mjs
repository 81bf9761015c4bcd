// Reads an iCalendar file from stdin with Mozilla's ical.js (what Thunderbird
// uses) and prints what it understood as JSON, for the Python tests to compare.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

const require = createRequire(path.join(process.cwd(), "package.json"));
const ICAL = (await import(require.resolve("ical.js"))).default;

const text = readFileSync(0, "utf8");
const calendar = new ICAL.Component(ICAL.parse(text));
for (const zone of calendar.getAllSubcomponents("vtimezone")) {
  ICAL.TimezoneService.register(zone);
}
const events = calendar.getAllSubcomponents("vevent").map((component) => {
  const event = new ICAL.Event(component);
  const occurrences = [];
  if (event.isRecurring()) {
    const iterator = event.iterator();
    let next;
    while ((next = iterator.next()) && occurrences.length < 200) {
      occurrences.push(next.toJSDate().toISOString());
    }
  }
  return {
    uid: event.uid,
    summary: event.summary,
    description: event.description,
    location: event.location,
    status: component.getFirstPropertyValue("status"),
    sequence: event.sequence,
    start: event.startDate.toJSDate().toISOString(),
    end: event.endDate.toJSDate().toISOString(),
    start_zone: event.startDate.zone ? event.startDate.zone.tzid : null,
    properties: component.getAllProperties().map((p) => p.name),
    components: component.getAllSubcomponents().map((c) => c.name),
    alarms: component.getAllSubcomponents("valarm").map((alarm) => ({
      action: alarm.getFirstPropertyValue("action"),
      trigger_seconds: alarm.getFirstPropertyValue("trigger").toSeconds(),
      description: alarm.getFirstPropertyValue("description"),
    })),
    occurrences,
  };
});
process.stdout.write(
  JSON.stringify({
    name: calendar.getFirstPropertyValue("x-wr-calname"),
    components: calendar.getAllSubcomponents().map((c) => c.name),
    events,
  }),
);
