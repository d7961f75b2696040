import ExcelJS from "exceljs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { importRoster, last, openPrivateChat, setUpCell } from "../support/builders.js";
import { startHarness, type Harness } from "../support/harness.js";
import type { FakeChat } from "../support/fake-telegram/index.js";

let now = new Date("2026-11-25T03:00:00Z");
const hanoi = (local: string) => new Date(`${local}+07:00`);
let h: Harness;
let committeeChat: FakeChat;
let cellGroup: FakeChat;

/** A committee with one cell (135 members) that held November's meeting: 70 of 81 present, 1 unexcused. */
beforeEach(async () => {
  now = new Date("2026-11-25T03:00:00Z");
  h = await startHarness({ now: () => now, fake: { now: () => now.getTime() } });
  committeeChat = h.fake.createGroup({ title: "Đảng ủy phường Đông Kinh", creator: h.operator });
  await h.fake.sendText(h.operator, committeeChat, "/committee Đảng bộ phường Đông Kinh");
  const code = /\b([A-HJ-NP-Z2-9]{8})\b/.exec(last(h, committeeChat).text)![1]!;
  const setup = await setUpCell(h, { title: "Chi bộ khối 7+10", code });
  cellGroup = setup.group;
  await openPrivateChat(h, setup.secretary);
  await importRoster(h, setup.secretary, "cell-01.csv");
  const members = await h.db.member.findMany({
    where: { cellId: setup.cell.id, membership: "active" },
    orderBy: { nameKey: "asc" },
  });
  const meeting = await h.db.meeting.create({
    data: {
      cellId: setup.cell.id,
      code: "N26",
      type: "regular",
      period: "2026-11",
      startsAt: hanoi("2026-11-05T19:30:00"),
      actualStart: hanoi("2026-11-05T19:30:00"),
      actualEnd: hanoi("2026-11-05T21:10:00"),
      durationMinutes: 90,
      status: "closed",
      rating: "fair",
    },
  });
  await h.db.attendance.createMany({
    data: members.map((m, i) => ({
      meetingId: meeting.id,
      memberId: m.id,
      status: i < 70 ? "present" : i < 80 ? "excused" : "unexcused",
      source: "rollcall",
    })),
  });
});
afterEach(async () => h.stop());

async function tick(at: Date) {
  now = at;
  await h.app.runJobsNow();
  for (let i = 0; i < 5; i++) await h.app.drainOutbox();
}

describe("the committee's monthly summary", () => {
  it("arrives on the 1st at 08:00 with the message, the chart and the workbook, once", async () => {
    await tick(hanoi("2026-12-01T07:59:00"));
    expect(h.fake.messages(committeeChat).some((m) => m.photo)).toBe(false);
    await tick(hanoi("2026-12-01T08:05:00"));
    const seen = h.fake.messages(committeeChat);
    const text = seen.map((m) => m.text).join("\n");
    expect(text).toContain("Chi bộ khối 7+10");
    expect(text).toContain("86,4%");
    const chart = seen.find((m) => m.photo);
    expect(chart).toBeDefined();
    const workbookFile = seen.find((m) => m.document?.file_name === "bao-cao-2026-11.xlsx");
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(workbookFile!.document!.bytes as unknown as ArrayBuffer);
    expect(workbook.worksheets.length).toBe(4);
    expect(h.fake.messages(cellGroup).some((m) => m.text.includes("86,4%"))).toBe(true);

    const before = h.fake.messages(committeeChat).length;
    await tick(hanoi("2026-12-01T09:05:00"));
    expect(h.fake.messages(committeeChat).length).toBe(before);
  });

  it("/report gives the same on demand, for any month, and only the committee's own cells", async () => {
    await h.fake.sendText(h.operator, committeeChat, "/report 11/2026");
    const seen = h.fake.messages(committeeChat);
    expect(seen.map((m) => m.text).join("\n")).toContain("Chi bộ khối 7+10");
    expect(seen.some((m) => m.photo)).toBe(true);
    expect(seen.some((m) => m.document?.file_name === "bao-cao-2026-11.xlsx")).toBe(true);
    const other = h.fake.createGroup({ title: "Đảng ủy khác", creator: h.operator });
    await h.fake.sendText(h.operator, other, "/committee Đảng bộ khác");
    await h.fake.sendText(h.operator, other, "/report 11/2026");
    expect(
      h.fake
        .messages(other)
        .map((m) => m.text)
        .join("\n"),
    ).not.toContain("Chi bộ khối 7+10");
  });
});
