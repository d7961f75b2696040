import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { last, setUpCell } from "../../support/builders.js";
import { startHarness, type Harness } from "../../support/harness.js";
import type { FakeChat } from "../../support/fake-telegram/index.js";

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => h.stop());

function codesIn(text: string): string[] {
  return [...text.matchAll(/\b[A-HJ-NP-Z2-9]{8}\b/g)].map((m) => m[0]);
}

async function createCommittee(): Promise<{ chat: FakeChat; code: string }> {
  const chat = h.fake.createGroup({ title: "Đảng ủy phường Đông Kinh", creator: h.operator });
  await h.fake.sendText(h.operator, chat, "/committee Đảng bộ phường Đông Kinh");
  const [code] = codesIn(last(h, chat).text);
  expect(code).toBeDefined();
  return { chat, code: code! };
}

describe("the ward committee and its invite codes", () => {
  it("lets an operator create the committee in its chat and hands out a first invite code", async () => {
    const { chat } = await createCommittee();
    const texts = h.fake.messages(chat).map((m) => m.text);
    expect(texts[0]).toContain("Đã lập Đảng bộ phường Đông Kinh");
    const committee = await h.db.committee.findFirstOrThrow({ include: { inviteCodes: true } });
    expect(committee.inviteCodes).toHaveLength(1);
  });

  it("refuses /committee from anyone who is not an operator", async () => {
    const stranger = h.fake.user();
    const chat = h.fake.createGroup({ title: "Nhóm lạ", creator: stranger });
    await h.fake.sendText(stranger, chat, "/committee Đảng bộ giả");
    expect(last(h, chat).text).toContain("Chỉ quản trị viên hệ thống");
    expect(await h.db.committee.count()).toBe(0);
  });

  it("issues several single-use codes with /invite for the committee chat's admins", async () => {
    const { chat } = await createCommittee();
    await h.fake.sendText(h.operator, chat, "/invite 5");
    expect(codesIn(last(h, chat).text)).toHaveLength(5);
    expect(await h.db.inviteCode.count()).toBe(6);
    await h.fake.sendText(h.operator, chat, "/invite 500");
    expect(last(h, chat).text).toContain("từ 1 đến 30");
  });

  it("joins a new cell to the committee with /setup CODE, and the code cannot be used twice", async () => {
    const { chat, code } = await createCommittee();
    const { cell } = await setUpCell(h, { title: "Chi bộ khối 1", code });
    const committee = await h.db.committee.findFirstOrThrow();
    expect(cell.committeeId).toBe(committee.id);
    await h.fake.sendText(h.operator, chat, "/cells");
    expect(last(h, chat).text).toContain("Chi bộ khối 1");

    const admin = h.fake.user();
    const group = h.fake.createGroup({ title: "Chi bộ khối 2", creator: admin });
    await h.fake.sendText(admin, group, `/setup ${code}`);
    expect(last(h, group).text).toContain("đã được dùng");
    expect(await h.db.cell.count()).toBe(1);
  });

  it("answers a wrong or expired code clearly and sets nothing up", async () => {
    await createCommittee();
    const admin = h.fake.user();
    const group = h.fake.createGroup({ title: "Chi bộ khối 4", creator: admin });
    await h.fake.sendText(admin, group, "/setup ZZZZ2222");
    expect(last(h, group).text).toContain("không đúng");
    await h.db.inviteCode.updateMany({ data: { expiresAt: new Date(Date.now() - 1000) } });
    const code = (await h.db.inviteCode.findFirstOrThrow()).code;
    await h.fake.sendText(admin, group, `/setup ${code.toLowerCase()}`);
    expect(last(h, group).text).toContain("đã hết hạn");
    expect(await h.db.cell.count()).toBe(0);
  });

  it("joins an already set-up cell to a committee later", async () => {
    const { chat } = await createCommittee();
    const { group, secretary, cell } = await setUpCell(h, { title: "Chi bộ khối 5" });
    await h.fake.sendText(h.operator, chat, "/invite");
    const [code] = codesIn(last(h, chat).text);
    await h.fake.sendText(secretary, group, `/setup ${code}`);
    expect(last(h, group).text).toContain("đã tham gia");
    expect((await h.db.cell.findUniqueOrThrow({ where: { id: cell.id } })).committeeId).not.toBeNull();
  });
});
