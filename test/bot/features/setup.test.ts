import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { byData, last, setUpCell } from "../../support/builders.js";
import { startHarness, type Harness } from "../../support/harness.js";

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => h.stop());

describe("/setup: a group becomes a cell", () => {
  it("makes the admin who confirms the name and type the cell's secretary", async () => {
    const { cell, group, secretary } = await setUpCell(h, { title: "Chi bộ khối 7+10", type: "residential" });
    expect(cell).toMatchObject({
      name: "Chi bộ khối 7+10",
      type: "residential",
      timeZone: "Asia/Ho_Chi_Minh",
      committeeId: null,
    });
    expect(last(h, group).text).toContain("Đã lập Chi bộ khối 7+10");
    const identity = await h.db.platformIdentity.findFirstOrThrow({ where: { platformUserId: String(secretary.id) } });
    const manager = await h.db.cellManager.findFirstOrThrow({ where: { cellId: cell.id } });
    expect(manager).toMatchObject({ identityId: identity.id, role: "secretary" });
    const audit = await h.db.auditLog.findFirstOrThrow({ where: { cellId: cell.id, entity: "cell" } });
    expect(audit).toMatchObject({ action: "create", actorId: identity.id });
  });

  it("takes a name typed as a reply instead of the group's title", async () => {
    const admin = h.fake.user({ first_name: "Chu", last_name: "Thúy Hà" });
    const group = h.fake.createGroup({ title: "Nhóm trường MN", creator: admin });
    await h.fake.sendText(admin, group, "/setup");
    const ask = last(h, group);
    await h.fake.sendText(admin, group, "Chi bộ Trường Mầm non 02/9", { replyTo: ask.message_id });
    await h.fake.pressButton(admin, group, last(h, group).message_id, byData("setup:type:school"));
    expect(last(h, group).text).toContain("Chi bộ Trường Mầm non 02/9");
    await h.fake.pressButton(admin, group, last(h, group).message_id, byData("setup:ok"));
    const cell = await h.db.cell.findFirstOrThrow();
    expect(cell).toMatchObject({ name: "Chi bộ Trường Mầm non 02/9", type: "school" });
  });

  it("refuses a member who is not a group admin, and saves nothing", async () => {
    const admin = h.fake.user();
    const member = h.fake.user({ first_name: "Lan" });
    const group = h.fake.createGroup({ title: "Chi bộ khối 1", creator: admin, members: [member] });
    await h.fake.sendText(member, group, "/setup");
    expect(last(h, group).text).toContain("Chỉ quản trị viên của nhóm");
    expect(await h.db.cell.count()).toBe(0);
  });

  it("explains that /setup belongs in the group when sent privately", async () => {
    const user = h.fake.user();
    await h.fake.sendText(user, "private", "/setup");
    expect(last(h, user).text).toContain("trong nhóm chat của chi bộ");
  });

  it("can be cancelled at any step, leaving no cell behind", async () => {
    const admin = h.fake.user();
    const group = h.fake.createGroup({ title: "Chi bộ khối 2", creator: admin });
    await h.fake.sendText(admin, group, "/setup");
    await h.fake.pressButton(admin, group, last(h, group).message_id, byData("setup:title"));
    await h.fake.sendText(admin, group, "/cancel");
    expect(last(h, group).text).toBe("Đã hủy.");
    expect(await h.db.cell.count()).toBe(0);
  });

  it("tells a second /setup which cell the group already is", async () => {
    const { group, secretary } = await setUpCell(h, { title: "Chi bộ khối 3" });
    await h.fake.sendText(secretary, group, "/setup");
    expect(last(h, group).text).toContain("đã là nhóm của Chi bộ khối 3");
    expect(await h.db.cell.count()).toBe(1);
  });
});

describe("/setup survives a restart", () => {
  it("resumes the conversation where the admin left it after the bot restarts", async () => {
    const admin = h.fake.user({ first_name: "Đinh", last_name: "Xuân Trung" });
    const group = h.fake.createGroup({ title: "Chi bộ Công an phường", creator: admin });
    await h.fake.sendText(admin, group, "/setup");
    await h.fake.pressButton(admin, group, last(h, group).message_id, byData("setup:title"));
    const typeQuestion = last(h, group);
    await h.restart();
    await h.fake.pressButton(admin, group, typeQuestion.message_id, byData("setup:type:police"));
    await h.fake.pressButton(admin, group, last(h, group).message_id, byData("setup:ok"));
    expect(await h.db.cell.findFirstOrThrow()).toMatchObject({ name: "Chi bộ Công an phường", type: "police" });
  });

  it("keeps two admins' forms in one group apart", async () => {
    const first = h.fake.user({ first_name: "An" });
    const second = h.fake.user({ first_name: "Bình" });
    const group = h.fake.createGroup({ title: "Chi bộ khối 9", creator: first, admins: [second] });
    await h.fake.sendText(first, group, "/setup");
    const firstQuestion = last(h, group);
    await h.fake.sendText(second, group, "/help");
    expect(last(h, group).text).toContain("Các lệnh");
    await h.fake.pressButton(first, group, firstQuestion.message_id, byData("setup:title"));
    expect(last(h, group).text).toContain("bước 2/3");
  });
});

describe("flood limits inside conversations", () => {
  it("waits out a 429 from Telegram in the middle of /setup and carries on", async () => {
    const admin = h.fake.user();
    const group = h.fake.createGroup({ title: "Chi bộ khối 11", creator: admin });
    await h.fake.sendText(admin, group, "/setup");
    h.fake.failNext("sendMessage", { error_code: 429, description: "Too Many Requests: retry after 1", retry_after: 1 });
    await h.fake.pressButton(admin, group, last(h, group).message_id, byData("setup:title"));
    expect(last(h, group).text).toContain("bước 2/3");
    const sends = h.fake.callsTo("sendMessage").filter((call) => call.params.chat_id === group.id);
    expect(sends.filter((call) => call.error_code === 429)).toHaveLength(1);
  });
});
