import { readFileSync, statSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SYSTEM_ACTOR } from "../../src/domain/audit.js";
import { linkIdentity, touchIdentity } from "../../src/domain/identities.js";
import { applyRosterImport } from "../../src/domain/members.js";
import { parseRosterLines } from "../../src/domain/roster-import.js";
import { cliWorld, createCellIn, inDatabase, type CliWorld } from "./cli-process.js";

const NAME = "Nguyễn Xuân Bình";
const REASON = "đi công tác Hải Phòng";

// Each run is a process (~1-3 s).
describe("cli: member-export and member-delete", { timeout: 120_000 }, () => {
  let world: CliWorld;
  let memberId: string;
  beforeEach(async () => {
    world = await cliWorld();
    const cell = await createCellIn(world.database.url, "Chi bộ khối 7");
    memberId = await inDatabase(world.database.url, async (db) => {
      const rows = parseRosterLines(`${NAME}, 1994, Nam, Chính thức, , Đảng viên, Tổ 2\nChu Thúy Hà, 1989, Nữ, Chính thức`).rows;
      await applyRosterImport(db, SYSTEM_ACTOR, cell.id, rows);
      const member = await db.member.findFirstOrThrow({ where: { fullName: NAME } });
      const account = await touchIdentity(db, {
        platform: "telegram",
        platformUserId: "700042",
        displayName: "Bình Nguyễn",
        username: "binh_nx",
        inPrivateChat: true,
      });
      await linkIdentity(db, SYSTEM_ACTOR, account.id, member.id);
      await db.meeting.create({
        data: {
          cellId: cell.id,
          code: "K7A",
          type: "regular",
          startsAt: new Date("2026-11-05T12:30:00Z"),
          durationMinutes: 90,
          status: "closed",
          rsvps: { create: { memberId: member.id, answer: "absent", reason: REASON } },
          attendances: { create: { memberId: member.id, status: "excused", reason: REASON, source: "rollcall" } },
        },
      });
      return member.id;
    });
  });
  afterEach(async () => {
    await world.drop();
  });

  it("member-export prints the member's data as JSON, or writes it to --out once, readable by the operator only", async () => {
    const printed = await world.run(["member-export", "--member", memberId]);
    expect(printed.stderr).toBe("");
    expect(printed.code).toBe(0);
    const data = JSON.parse(printed.stdout) as Record<string, unknown>;
    expect(data).toMatchObject({
      about: expect.stringContaining("Everything Chibo stores about one Party member") as unknown,
      format: "chibo-member-data/1",
      member: { id: memberId, fullName: NAME, birthYear: 1994, group: "Tổ 2" },
      accounts: [{ platform: "telegram", platformUserId: "700042", username: "binh_nx" }],
      answers: [{ meeting: { code: "K7A" }, answer: "absent", reason: REASON }],
      attendance: [{ status: "excused", reason: REASON }],
    });

    // found by name within the cell, typed without diacritics
    const written = await world.run([
      "member-export",
      "--cell",
      "chi bo khoi 7",
      "--member",
      "nguyen xuan binh",
      "--out",
      "binh.json",
    ]);
    expect(written.code).toBe(0);
    const file = path.join(world.dir, "binh.json");
    expect(written.stdout).toContain(`Exported the data of ${NAME} (${memberId}) to ${file}`);
    expect(written.stdout).toContain(
      "1 linked account(s), 0 link request(s), 1 answer(s), 1 attendance record(s), 2 audit entries",
    );
    const text = readFileSync(file, "utf8");
    expect(text).toContain(`\n  "member": {\n    "id": "${memberId}",\n    "fullName": "${NAME}",`);
    expect(JSON.parse(text)).toMatchObject({ member: { fullName: NAME } });
    expect(statSync(file).mode & 0o777).toBe(0o600);

    const again = await world.run(["member-export", "--member", memberId, "--out", "binh.json"]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("exists: choose another name");
    expect(await inDatabase(world.database.url, (db) => db.auditLog.count({ where: { action: "export_data" } }))).toBe(2);
  });

  it("member-delete previews without --yes, erases with it, and refuses a second time", async () => {
    const preview = await world.run(["member-delete", "--member", memberId]);
    expect(preview.code).toBe(0);
    expect(preview.stdout).toContain(`Would erase the personal data of ${NAME}`);
    expect(preview.stdout).toMatch(/linked accounts: +1 \(deleted\)/);
    expect(preview.stdout).toMatch(/answer reasons: +1 \(emptied; the answers stay\)/);
    expect(preview.stdout).toContain("Preview only: nothing was changed");
    expect(await inDatabase(world.database.url, (db) => db.member.findUniqueOrThrow({ where: { id: memberId } }))).toMatchObject({
      fullName: NAME,
    });

    const erased = await world.run(["member-delete", "--member", memberId, "--yes"]);
    expect(erased.stderr).toBe("");
    expect(erased.code).toBe(0);
    const placeholder = `Đảng viên đã xóa #${memberId.slice(-6)}`;
    expect(erased.stdout).toContain(`the roster entry is now "${placeholder}"`);
    const after = await inDatabase(world.database.url, async (db) => ({
      member: await db.member.findUniqueOrThrow({ where: { id: memberId } }),
      accounts: await db.platformIdentity.count({ where: { platformUserId: "700042" } }),
      rsvp: await db.rsvp.findFirstOrThrow({ where: { memberId } }),
      audit: await db.auditLog.findFirstOrThrow({ where: { action: "member_erased" } }),
    }));
    expect(after.member).toMatchObject({
      fullName: placeholder,
      birthYear: null,
      group: null,
      status: "official",
      membership: "removed",
    });
    expect(after.accounts).toBe(0);
    expect(after.rsvp).toMatchObject({ answer: "absent", reason: null });
    expect(after.audit.actorLabel).toMatch(/^cli/);

    const twice = await world.run(["member-delete", "--member", memberId, "--yes"]);
    expect(twice.code).toBe(1);
    expect(twice.stderr).toBe("error: This member's personal data was already erased.\n");
  });

  it("says what is wrong with the member asked for (exit 1) or the options (exit 2), and lists both commands", async () => {
    const unknown = await world.run(["member-export", "--member", "nobody"]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('no member has the id "nobody"');
    const noMember = await world.run(["member-delete", "--yes"]);
    expect(noMember.code).toBe(2);
    expect(noMember.stderr).toContain("--member is required");
    expect(noMember.stderr).toContain("Usage: npm run cli -- member-delete");
    const help = await world.run(["help"]);
    expect(help.stdout).toMatch(/member-export +export everything stored about one member/);
    expect(help.stdout).toMatch(/member-delete +erase one member's personal data/);
  });
});
