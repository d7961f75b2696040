import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { callbackDataOn, groupMember, importRoster, last, openPrivateChat, setUpCell } from "../support/builders.js";
import { startHarness, type Harness } from "../support/harness.js";
import type { FakeUser } from "../support/fake-telegram/index.js";

// Callback data comes from the user's client and is never trusted: every forged tap below is refused and
// changes nothing.
let h: Harness;
let secretaryA: FakeUser;
let secretaryB: FakeUser;
let memberOfA: FakeUser;
let memberIdInA: string;

beforeEach(async () => {
  h = await startHarness();
  const cellA = await setUpCell(h, { title: "Chi bộ A" });
  secretaryA = cellA.secretary;
  await openPrivateChat(h, secretaryA);
  await importRoster(h, secretaryA, "cell-14.csv");
  const cellB = await setUpCell(h, { title: "Chi bộ B" });
  secretaryB = cellB.secretary;
  await openPrivateChat(h, secretaryB);
  memberOfA = await groupMember(h, cellA.group);
  await openPrivateChat(h, memberOfA);
  memberIdInA = (await h.db.member.findFirstOrThrow({ where: { cellId: cellA.cell.id } })).id;
});
afterEach(async () => h.stop());

async function forge(user: FakeUser, data: string) {
  const anyBotMessage = last(h, user);
  return h.fake.forgeCallback(user, "private", anyBotMessage.message_id, data);
}

async function memberState() {
  return h.db.member.findUniqueOrThrow({ where: { id: memberIdInA } });
}

describe("forged button presses", () => {
  it("a member cannot remove, edit or unlink roster entries", async () => {
    const before = await memberState();
    for (const data of [
      `mem:d:${memberIdInA}`,
      `mem:s:${memberIdInA}`,
      `mem:ro:${memberIdInA}:0`,
      `mem:ul:${memberIdInA}`,
      "mem:p:1",
    ]) {
      const press = await forge(memberOfA, data);
      expect(press.answer?.text).toContain("Chỉ bí thư hoặc phó bí thư");
    }
    expect(await memberState()).toEqual(before);
  });

  it("a secretary of another cell cannot touch this cell's members", async () => {
    const before = await memberState();
    const press = await forge(secretaryB, `mem:d:${memberIdInA}`);
    expect(press.answer?.text).toContain("Không tìm thấy đảng viên");
    await forge(secretaryB, `mem:v:${memberIdInA}`);
    expect(await memberState()).toEqual(before);
  });

  it("another secretary cannot confirm someone else's pending import", async () => {
    await h.fake.sendDocument(secretaryA, "private", {
      fileName: "again.csv",
      mimeType: "text/csv",
      content: "STT,Họ và tên,Loại đảng viên\n1,Người Mới Toanh,Chính thức\n",
    });
    const token = callbackDataOn(last(h, secretaryA), "imp:ok:");
    expect(token).toMatch(/^imp:ok:/);
    const press = await forge(secretaryB, token!);
    expect(press.answer?.text).toContain("hết hạn");
    expect(await h.db.member.count({ where: { fullName: "Người Mới Toanh" } })).toBe(0);
  });

  it("a member cannot approve link requests or switch to another cell", async () => {
    const request = await h.db.linkRequest.create({
      data: {
        memberId: memberIdInA,
        identityId: (await h.db.platformIdentity.findFirstOrThrow({ where: { platformUserId: String(memberOfA.id) } })).id,
      },
    });
    const press = await forge(memberOfA, `lk:a:${request.id}`);
    expect(press.answer?.text).toContain("Chỉ bí thư");
    expect((await h.db.linkRequest.findUniqueOrThrow({ where: { id: request.id } })).status).toBe("pending");
    const cellA = await h.db.cell.findFirstOrThrow({ where: { name: "Chi bộ A" } });
    expect((await forge(secretaryB, `cell:use:${cellA.id}`)).answer?.text).toContain("Chỉ bí thư");
  });

  it("garbage, unknown and out-of-range data get a polite 'no longer works'", async () => {
    for (const data of ["zzz", "mem", `mem:ro:${memberIdInA}:99`, "setup:ok", "lang:set:fr", "imp:ok:"]) {
      const press = await forge(secretaryA, data);
      expect(press.answered).toBe(true);
      expect(press.answer?.text ?? "").toMatch(/không còn hiệu lực|hết hạn/);
    }
  });

  it("a member cannot answer for others or for a meeting that does not exist", async () => {
    const press = await forge(memberOfA, `px:a:ZZ9:${memberIdInA}:y`);
    expect(press.answer?.text).toContain("Chỉ bí thư");
    const unknown = await forge(memberOfA, "rsvp:y:ZZ9");
    expect(unknown.answer?.text).toContain("Không tìm thấy buổi họp");
    expect(await h.db.rsvp.count()).toBe(0);
  });

  it("a member of another cell cannot read a meeting's names or attachments by forging its code", async () => {
    const other = await setUpCell(h, { title: "Chi bộ C" });
    await h.db.meeting.create({
      data: {
        cellId: other.cell.id,
        code: "ZQ7",
        type: "regular",
        startsAt: new Date("2030-01-01T12:00:00Z"),
        durationMinutes: 90,
        status: "published",
      },
    });
    for (const data of ["rsvp:l:ZQ7:1", "rsvp:ics:ZQ7", "ma:f:ZQ7:0"]) {
      const press = await forge(memberOfA, data);
      expect(press.answer?.text).toContain("không có trong danh sách");
    }
  });
});
