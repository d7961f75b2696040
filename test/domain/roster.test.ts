import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  MEMBER_ROLES,
  MEMBER_STATUSES,
  MEMBERSHIP_STATES,
  displayName,
  isExpected,
  mostSenior,
  normalizeName,
  parseGenderWord,
  parseRoleWord,
  parseStatusWord,
  searchKey,
} from "../../src/domain/roster.js";

describe("member names", () => {
  it("shows a name as the secretary wrote it, tidied: NFC, trimmed, single spaces", () => {
    expect(displayName("  Nguyễn   Văn\tAn ")).toBe("Nguyễn Văn An");
    expect(displayName("Nguye\u0302\u0303n Va\u0306n An")).toBe("Nguyễn Văn An");
    expect(displayName("Nguyễn\u00A0Văn \u200BAn\uFEFF")).toBe("Nguyễn Văn An");
  });

  it("recognises the same person whatever the case, spacing or Unicode composition", () => {
    const key = normalizeName("Nguyễn Văn An");
    expect(normalizeName("NGUYỄN VĂN AN")).toBe(key);
    expect(normalizeName(" nguyễn  văn an ")).toBe(key);
    expect(normalizeName("Nguye\u0302\u0303n Va\u0306n An".normalize("NFD"))).toBe(key);
    expect(key).toBe("nguyễn văn an");
  });

  it("keeps people apart whose names differ only by diacritics", () => {
    expect(normalizeName("Nguyễn Văn An")).not.toBe(normalizeName("Nguyễn Văn Ân"));
    expect(normalizeName("Đỗ Thị Lan")).not.toBe(normalizeName("Do Thi Lan"));
  });

  it("finds a member when someone types without diacritics on a phone", () => {
    expect(searchKey("Đỗ Thanh Việt")).toBe("do thanh viet");
    expect(searchKey("Nguyễn Văn An")).toBe(searchKey("nguyen van an"));
    expect(searchKey("Hứa Minh Đạt")).toBe("hua minh dat");
  });

  it("never breaks a name into something that is not NFC", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (text) => {
        for (const value of [displayName(text), normalizeName(text), searchKey(text)]) {
          expect(value.normalize("NFC")).toBe(value);
          expect(value).toBe(value.trim());
        }
      }),
    );
  });
});

describe("status words", () => {
  it.each([
    ["Chính thức", "official"],
    ["chinh thuc", "official"],
    ["CT", "official"],
    ["official", "official"],
    ["Đảng viên chính thức", "official"],
    ["Dự bị", "probationary"],
    ["du bi", "probationary"],
    ["DB", "probationary"],
    ["probationary", "probationary"],
    ["Dự bị (kết nạp 3/2025)", "probationary"],
    ["Du\u0323 bi\u0323", "probationary"],
  ])("reads %j as %s", (word, status) => {
    expect(parseStatusWord(word)).toBe(status);
  });

  it.each(["", "x", "đảng viên", "chính", "CTT"])("does not guess a status from %j", (word) => {
    expect(parseStatusWord(word)).toBeUndefined();
  });
});

describe("role words", () => {
  it.each([
    ["Bí thư", "secretary"],
    ["bi thu", "secretary"],
    ["Bí thư chi bộ", "secretary"],
    ["secretary", "secretary"],
    ["Phó Bí thư", "deputy"],
    ["PHÓ BÍ THƯ", "deputy"],
    ["pho bi thu", "deputy"],
    ["deputy", "deputy"],
    ["Chi ủy viên", "committee_member"],
    ["Chi uỷ viên", "committee_member"],
    ["committee_member", "committee_member"],
    ["Tổ trưởng", "group_leader"],
    ["Tổ trưởng tổ 2", "group_leader"],
    ["group leader", "group_leader"],
    ["Đảng viên", "member"],
    ["dang vien", "member"],
    ["member", "member"],
    ["Tổ trưởng, Chi ủy viên", "committee_member"],
    ["Chi ủy viên kiêm Tổ trưởng", "committee_member"],
  ])("reads %j as %s", (word, role) => {
    expect(parseRoleWord(word)).toBe(role);
  });

  it("does not take a youth-union post for a cell role", () => {
    expect(parseRoleWord("Bí thư Đoàn")).toBeUndefined();
    expect(parseRoleWord("Trưởng phòng")).toBeUndefined();
    expect(parseRoleWord("")).toBeUndefined();
  });

  it("ranks roles from secretary down to member", () => {
    expect(mostSenior(["member", "group_leader", "deputy"])).toBe("deputy");
    expect(mostSenior([])).toBe("member");
  });
});

describe("gender words", () => {
  it.each([
    ["Nam", "male"],
    ["nam", "male"],
    ["Nữ", "female"],
    ["nu", "female"],
    ["NỮ", "female"],
    ["F", "female"],
  ])("reads %j as %s", (word, gender) => {
    expect(parseGenderWord(word)).toBe(gender);
  });
});

describe("who is expected at meetings", () => {
  it("expects active members only: exempt, transferred-out and removed members are not counted", () => {
    const expected = MEMBERSHIP_STATES.filter((membership) => isExpected({ membership }));
    expect(expected).toEqual(["active"]);
  });

  it("keeps the vocabulary the database stores", () => {
    expect(MEMBER_STATUSES).toEqual(["official", "probationary"]);
    expect(MEMBER_ROLES).toEqual(["secretary", "deputy", "committee_member", "group_leader", "member"]);
    expect(MEMBERSHIP_STATES).toEqual(["active", "exempt", "transferred_out", "removed"]);
  });
});
