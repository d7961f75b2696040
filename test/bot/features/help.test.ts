import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { byData, groupMember, last, openPrivateChat, setUpCell } from "../../support/builders.js";
import { startHarness, type Harness } from "../../support/harness.js";

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => h.stop());

describe("/help shows each person the commands they may use", () => {
  it("shows a member only members' commands", async () => {
    const member = h.fake.user();
    await openPrivateChat(h, member);
    const help = last(h, member).text;
    expect(help).toContain("/me");
    expect(help).toContain("Chưa liên kết tài khoản: gửi /iam Họ tên");
    expect(help).not.toContain("/members");
    expect(help).not.toContain("/committee");
  });

  it("shows a secretary the roster commands in the private chat", async () => {
    const { secretary } = await setUpCell(h);
    await openPrivateChat(h, secretary);
    const help = last(h, secretary).text;
    expect(help).toContain("/members");
    expect(help).toContain("/import");
    expect(help).not.toContain("/committee");
  });

  it("shows an operator the committee commands", async () => {
    await openPrivateChat(h, h.operator);
    expect(last(h, h.operator).text).toContain("/committee");
  });

  it("shows a group admin /setup in a group that is not a cell yet", async () => {
    const admin = h.fake.user();
    const group = h.fake.createGroup({ title: "Nhóm mới", creator: admin });
    await h.fake.sendText(admin, group, "/help");
    expect(last(h, group).text).toContain("/setup");
    const member = await groupMember(h, group);
    await h.fake.sendText(member, group, "/help");
    expect(last(h, group).text).not.toContain("/setup");
  });
});

describe("Telegram's command menus", () => {
  it("are set per scope and language at start-up", () => {
    const privateVi = h.fake.commands({ type: "all_private_chats" }).map((c) => c.command);
    expect(privateVi).toContain("me");
    expect(privateVi).not.toContain("setup");
    const groupEn = h.fake.commands({ type: "all_group_chats" }, "en");
    expect(groupEn.find((c) => c.command === "iam")?.description).toBe("Claim your name on the cell's roster");
    const admins = h.fake.commands({ type: "all_chat_administrators" }).map((c) => c.command);
    expect(admins).toContain("setup");
  });

  it("give a new secretary the roster commands in their private chat", async () => {
    const { secretary } = await setUpCell(h);
    const commands = h.fake.commands({ type: "chat", chat_id: secretary.id }).map((c) => c.command);
    expect(commands).toEqual(expect.arrayContaining(["members", "import", "roster"]));
  });
});

describe("/lang", () => {
  it("switches a person's private chat to English and back", async () => {
    const user = h.fake.user();
    await openPrivateChat(h, user);
    await h.fake.sendText(user, "private", "/lang");
    await h.fake.pressButton(user, "private", last(h, user).message_id, byData("lang:set:en"));
    expect(last(h, user).text).toBe("Switched to English.");
    await h.fake.sendText(user, "private", "/help");
    expect(last(h, user).text).toContain("Commands you can use here");
    await h.fake.sendText(user, "private", "/lang vi");
    expect(last(h, user).text).toBe("Đã chuyển sang tiếng Việt.");
  });

  it("lets a group's admin switch the cell group's language, but not a member", async () => {
    const { group, secretary } = await setUpCell(h);
    const member = await groupMember(h, group);
    await h.fake.sendText(member, group, "/lang en");
    expect(last(h, group).text).toContain("Chỉ quản trị viên nhóm");
    await h.fake.sendText(secretary, group, "/lang en");
    expect(last(h, group).text).toBe("Switched to English.");
    await h.fake.sendText(member, group, "/iam Nobody Here");
    expect(last(h, group).text).toContain("is not on the cell's roster");
  });
});
