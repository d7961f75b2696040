import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ICS_PRODID, escapeText, foldLine, formatUtc, meetingIcs, type MeetingIcsInput } from "../../src/render/ics.js";

// ─── A small reader for our own output (RFC 5545 unfolding and unescaping) ───────────────────────

interface Property {
  name: string;
  params: string;
  value: string;
}

function unfold(ics: string): string {
  return ics.replace(/\r\n[ \t]/g, "");
}

function unescapeText(value: string): string {
  return value.replace(/\\([\\;,nN])/g, (_, c: string) => (c === "n" || c === "N" ? "\n" : c));
}

function parse(ics: string): Property[] {
  return unfold(ics)
    .split("\r\n")
    .filter((line) => line !== "")
    .map((line) => {
      const colon = line.indexOf(":");
      const head = line.slice(0, colon);
      const [name = "", ...params] = head.split(";");
      return { name, params: params.join(";"), value: line.slice(colon + 1) };
    });
}

/** Properties of the component that starts at BEGIN:<component> (first one), not of nested ones. */
function propertiesOf(properties: Property[], component: string): Map<string, string> {
  const start = properties.findIndex((p) => p.name === "BEGIN" && p.value === component);
  const result = new Map<string, string>();
  let depth = 0;
  for (const p of properties.slice(start + 1)) {
    if (p.name === "BEGIN") depth++;
    else if (p.name === "END" && depth === 0) break;
    else if (p.name === "END") depth--;
    else if (depth === 0) result.set(p.name, p.value);
  }
  return result;
}

const octets = (text: string) => Buffer.byteLength(text, "utf8");

const meeting: MeetingIcsInput = {
  uid: "cm4x7meeting@chibo",
  title: "Sinh hoạt chi bộ thường kỳ tháng 12 — Chi bộ Khu phố 3",
  description: "Chương trình:\n1. Khai mạc; báo cáo số đảng viên có mặt, vắng mặt\n2. Thông tin thời sự, học tập Chỉ thị 05",
  location: "Nhà văn hóa khu phố 3, số 12 Lê Lợi, phường Đông Kinh",
  startUtc: new Date("2026-12-05T12:30:00Z"),
  durationMinutes: 90,
  timeZone: "Asia/Ho_Chi_Minh",
  now: new Date("2026-11-20T03:04:05.678Z"),
};

describe("the calendar file of a meeting", () => {
  const ics = meetingIcs(meeting);
  const properties = parse(ics);
  const calendar = propertiesOf(properties, "VCALENDAR");
  const event = propertiesOf(properties, "VEVENT");
  const alarm = propertiesOf(properties, "VALARM");

  it("is a calendar published by Chibo with exactly one event", () => {
    expect(ics.startsWith("BEGIN:VCALENDAR\r\n")).toBe(true);
    expect(ics.endsWith("END:VCALENDAR\r\n")).toBe(true);
    expect(calendar.get("VERSION")).toBe("2.0");
    expect(calendar.get("PRODID")).toBe(ICS_PRODID);
    expect(calendar.get("PRODID")).toBe("-//Chibo//Chi bo//VI");
    expect(calendar.get("METHOD")).toBe("PUBLISH");
    expect(properties.filter((p) => p.name === "BEGIN" && p.value === "VEVENT")).toHaveLength(1);
  });

  it("uses CRLF line endings only", () => {
    expect(ics.replace(/\r\n/g, "")).not.toMatch(/[\r\n]/);
  });

  it("puts the meeting at the right moment in UTC, for its full length", () => {
    expect(event.get("DTSTART")).toBe("20261205T123000Z"); // 19:30 in Hà Nội
    expect(event.get("DTEND")).toBe("20261205T140000Z");
    expect(event.get("DTSTAMP")).toBe("20261120T030405Z");
    expect(event.get("UID")).toBe("cm4x7meeting@chibo");
  });

  it("shows the title, the programme and the place exactly as written, in Vietnamese", () => {
    expect(unescapeText(event.get("SUMMARY") ?? "")).toBe(meeting.title);
    expect(unescapeText(event.get("DESCRIPTION") ?? "")).toBe(meeting.description);
    expect(unescapeText(event.get("LOCATION") ?? "")).toBe(meeting.location);
  });

  it("reminds the member one hour before", () => {
    expect(alarm.get("ACTION")).toBe("DISPLAY");
    expect(alarm.get("TRIGGER")).toBe("-PT1H");
    expect(unescapeText(alarm.get("DESCRIPTION") ?? "")).toBe(meeting.title);
  });

  it("never has a line longer than 75 octets, even with long Vietnamese text", () => {
    for (const line of ics.split("\r\n")) expect(octets(line)).toBeLessThanOrEqual(75);
    expect(ics.split("\r\n").some((line) => line.startsWith(" "))).toBe(true); // something was folded
  });

  it("tells the calendar the cell's time zone and names the organiser as a contact, not an inviter", () => {
    const withOrganizer = parse(
      meetingIcs({ ...meeting, organizerName: "Bí thư Nguyễn Văn An", url: "https://t.me/chibo_bot?start=K7A" }),
    );
    const properties = propertiesOf(withOrganizer, "VEVENT");
    expect(propertiesOf(withOrganizer, "VCALENDAR").get("X-WR-TIMEZONE")).toBe("Asia/Ho_Chi_Minh");
    expect(unescapeText(properties.get("CONTACT") ?? "")).toBe("Bí thư Nguyễn Văn An");
    expect(properties.get("URL")).toBe("https://t.me/chibo_bot?start=K7A");
    expect(properties.has("ORGANIZER")).toBe(false);
  });

  it("leaves out an empty description or place", () => {
    const event = propertiesOf(parse(meetingIcs({ ...meeting, description: "", location: "" })), "VEVENT");
    expect(event.has("DESCRIPTION")).toBe(false);
    expect(event.has("LOCATION")).toBe(false);
  });

  it("lets a changed meeting replace the old copy in the calendar", () => {
    const event = propertiesOf(parse(meetingIcs({ ...meeting, sequence: 2 })), "VEVENT");
    expect(event.get("SEQUENCE")).toBe("2");
    expect(event.get("UID")).toBe("cm4x7meeting@chibo");
  });

  it("refuses impossible input as a programming error", () => {
    expect(() => meetingIcs({ ...meeting, startUtc: new Date(Number.NaN) })).toThrow(RangeError);
    expect(() => meetingIcs({ ...meeting, durationMinutes: 0 })).toThrow(RangeError);
    expect(() => meetingIcs({ ...meeting, timeZone: "Mars/Olympus" })).toThrow(RangeError);
    expect(() => meetingIcs({ ...meeting, uid: "" })).toThrow(RangeError);
    expect(() => meetingIcs({ ...meeting, url: "not a url" })).toThrow(RangeError);
  });
});

describe("text escaping", () => {
  it("escapes backslashes, semicolons, commas and line breaks", () => {
    expect(escapeText("a\\b;c,d\ne\r\nf\rg")).toBe("a\\\\b\\;c\\,d\\ne\\nf\\ng");
  });

  it("drops control characters that calendars reject", () => {
    expect(escapeText("Họp\u0000 chi\u0007 bộ")).toBe("Họp chi bộ");
  });

  it("round-trips any text through escape and unescape (line breaks as \\n)", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 100 }), (text) => {
        const expected = text
          .normalize("NFC")
          .replace(/\r\n?/g, "\n")
          .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g, "");
        expect(unescapeText(escapeText(text))).toBe(expected);
        expect(escapeText(text)).not.toMatch(/[\r\n]/);
      }),
    );
  });
});

describe("line folding", () => {
  it("folds a long Vietnamese line between characters, never inside one", () => {
    const line = `DESCRIPTION:${"Nghị quyết về nhiệm vụ trọng tâm tháng tới của chi bộ; ".repeat(6)}`;
    const folded = foldLine(line);
    const physical = folded.split("\r\n");
    expect(physical.length).toBeGreaterThan(1);
    for (const [i, part] of physical.entries()) {
      expect(octets(part)).toBeLessThanOrEqual(75);
      if (i > 0) expect(part.startsWith(" ")).toBe(true);
      expect(Buffer.from(part, "utf8").toString("utf8")).toBe(part); // whole characters only
      expect(part).not.toContain("\uFFFD");
    }
    expect(unfold(folded)).toBe(line);
  });

  it("leaves a short line alone", () => {
    expect(foldLine("SUMMARY:Họp chi bộ")).toBe("SUMMARY:Họp chi bộ");
    const exactly75 = `X:${"a".repeat(73)}`;
    expect(foldLine(exactly75)).toBe(exactly75);
    expect(foldLine(`${exactly75}b`)).toBe(`${exactly75}\r\n b`);
  });

  it("keeps emoji and four-byte characters whole", () => {
    const line = `SUMMARY:${"🎉".repeat(40)}`;
    const parts = foldLine(line).split("\r\n");
    for (const part of parts) {
      expect(octets(part)).toBeLessThanOrEqual(75);
      expect(part).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
    }
    expect(unfold(foldLine(line))).toBe(line);
  });

  it("never produces a line over 75 octets and always unfolds to the original", () => {
    const text = fc.oneof(
      fc.string({ unit: "grapheme", maxLength: 400 }),
      fc.string({ unit: fc.constantFrom("a", "ệ", "Đ", "ư", "ộ", "🇻🇳", "😀", " ", "\\", ";", ","), maxLength: 300 }),
    );
    fc.assert(
      fc.property(fc.constantFrom("SUMMARY:", "DESCRIPTION:", "LOCATION:"), text, (name, value) => {
        const line = name + escapeText(value);
        const folded = foldLine(line);
        for (const part of folded.split("\r\n")) expect(octets(part)).toBeLessThanOrEqual(75);
        expect(unfold(folded)).toBe(line);
      }),
      { numRuns: 500 },
    );
  });

  it("keeps every line of a whole file within 75 octets, whatever the meeting says", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: "grapheme", maxLength: 300 }),
        fc.string({ unit: "grapheme", maxLength: 200 }),
        (title, place) => {
          const ics = meetingIcs({ ...meeting, title, location: place, organizerName: title });
          for (const line of ics.split("\r\n")) expect(octets(line)).toBeLessThanOrEqual(75);
          const event = propertiesOf(parse(ics), "VEVENT");
          expect(unescapeText(event.get("SUMMARY") ?? "")).toBe(escapeText(title) === "" ? "" : unescapeText(escapeText(title)));
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe("UTC timestamps", () => {
  it("writes the basic UTC form, without milliseconds", () => {
    expect(formatUtc(new Date("2026-01-02T03:04:05.999Z"))).toBe("20260102T030405Z");
  });
});
