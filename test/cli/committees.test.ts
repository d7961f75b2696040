import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { cliWorld, createCellIn, inDatabase, printedCodes, type CliWorld } from "./cli-process.js";

// Each run is a process (~1-3 s); the tests run several.
describe("cli: committees, invite codes and cells", { timeout: 120_000 }, () => {
  let world: CliWorld;
  beforeEach(async () => {
    world = await cliWorld();
  });
  afterEach(async () => {
    await world.drop();
  });

  it("create-committee creates the committee bound to its chat and prints unused invite codes that a cell can redeem", async () => {
    const created = await world.run([
      "create-committee",
      "--name",
      "Đảng ủy phường Bến Thành",
      "--chat",
      "telegram:-1001234567890",
      "--invites",
      "2",
    ]);
    expect(created.stderr).not.toContain("error");
    expect(created.code).toBe(0);
    const codes = printedCodes(created.stdout);
    expect(codes).toHaveLength(2);

    const stored = await inDatabase(world.database.url, async (db) => {
      const committee = await db.committee.findFirstOrThrow({ include: { bindings: true, inviteCodes: true } });
      const audit = await db.auditLog.findFirstOrThrow({ where: { entity: "committee", action: "create" } });
      return { committee, audit };
    });
    expect(stored.committee.name).toBe("Đảng ủy phường Bến Thành");
    expect(stored.committee.timeZone).toBe("Asia/Ho_Chi_Minh");
    expect(stored.committee.bindings).toMatchObject([{ platform: "telegram", chatId: "-1001234567890", kind: "committee" }]);
    expect(stored.committee.inviteCodes.map((invite) => invite.code).sort()).toEqual([...codes].sort());
    expect(stored.committee.inviteCodes.every((invite) => invite.usedAt === null)).toBe(true);
    expect(stored.audit.actorLabel).toMatch(/^cli/);

    const cell = await createCellIn(world.database.url, "Chi bộ khối 7", codes[0]);
    expect(cell.committeeId).toBe(stored.committee.id);
  });

  it("invite-codes finds the committee by its name typed without diacritics and issues --count codes", async () => {
    await world.run(["create-committee", "--name", "Đảng ủy phường Bến Thành", "--chat", "telegram:-100200", "--invites", "0"]);
    const issued = await world.run(["invite-codes", "--committee", "dang uy phuong ben thanh", "--count", "3"]);
    expect(issued.code).toBe(0);
    expect(printedCodes(issued.stdout)).toHaveLength(3);
    expect(await inDatabase(world.database.url, (db) => db.inviteCode.count())).toBe(3);
  });

  it("create-committee refuses a chat that is already a committee's, with the domain's message in English (exit 1)", async () => {
    await world.run(["create-committee", "--name", "Ward A", "--chat", "telegram:-100300"]);
    const again = await world.run(["create-committee", "--name", "Ward B", "--chat", "telegram:-100300"]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/^error: /);
    expect(again.stderr).not.toMatch(/committee\.already_exists|<\/?b>/);
    expect(await inDatabase(world.database.url, (db) => db.committee.count())).toBe(1);
  });

  it("bad input is a usage error (exit 2) that names the option and shows the command's usage", async () => {
    const noChat = await world.run(["create-committee", "--name", "Ward A"]);
    expect(noChat.code).toBe(2);
    expect(noChat.stderr).toContain("--chat is required");
    expect(noChat.stderr).toContain("Usage: npm run cli -- create-committee");

    const badChat = await world.run(["create-committee", "--name", "Ward A", "--chat", "telegram:group"]);
    expect(badChat.code).toBe(2);
    expect(badChat.stderr).toContain("Telegram chat id is a number");

    const unknownOption = await world.run(["committees", "--colour"]);
    expect(unknownOption.code).toBe(2);
    expect(unknownOption.stderr).toContain("--colour");

    const unknownCommand = await world.run(["frobnicate"]);
    expect(unknownCommand.code).toBe(2);
    expect(unknownCommand.stderr).toContain('unknown command "frobnicate"');
    expect(await inDatabase(world.database.url, (db) => db.committee.count())).toBe(0);
  });

  it("committees and cells list what exists; an unknown committee is an error that suggests close names", async () => {
    const created = await world.run(["create-committee", "--name", "Đảng ủy phường 7", "--chat", "telegram:-100400"]);
    await createCellIn(world.database.url, "Chi bộ khối 7+10", printedCodes(created.stdout)[0]);
    await createCellIn(world.database.url, "Chi bộ không thuộc đảng ủy");

    const committees = await world.run(["committees"]);
    expect(committees.code).toBe(0);
    expect(committees.stdout).toMatch(/Đảng ủy phường 7\s+1\s+0\s+Asia\/Ho_Chi_Minh\s+telegram:-100400/);

    const cells = await world.run(["cells", "--committee", "Đảng ủy phường 7"]);
    expect(cells.code).toBe(0);
    expect(cells.stdout).toContain("Chi bộ khối 7+10");
    expect(cells.stdout).not.toContain("Chi bộ không thuộc đảng ủy");
    expect((await world.run(["cells"])).stdout).toContain("Chi bộ không thuộc đảng ủy");

    const unknown = await world.run(["cells", "--committee", "phường"]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('no committee matches "phường"');
    expect(unknown.stderr).toContain("Đảng ủy phường 7");
  });

  it("help lists every command and `help <command>` shows its usage", async () => {
    const help = await world.run(["help"]);
    expect(help.code).toBe(0);
    for (const command of [
      "doctor",
      "committees",
      "cells",
      "create-committee",
      "invite-codes",
      "import-roster",
      "report",
      "backup",
      "restore",
    ]) {
      expect(help.stdout).toMatch(new RegExp(`^  ${command} `, "m"));
    }
    const one = await world.run(["help", "report"]);
    expect(one.stdout).toContain("Usage: npm run cli -- report (--committee ID|NAME | --cell ID|NAME)");
    expect((await world.run([])).code).toBe(2);
  });
});
