import ExcelJS from "exceljs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { dataStartsWith, fixture, importRoster, last, openPrivateChat, setUpCell, wardFixture } from "../../support/builders.js";
import { startHarness, type Harness } from "../../support/harness.js";

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => h.stop());

async function secretaryReady() {
  const setup = await setUpCell(h);
  await openPrivateChat(h, setup.secretary);
  return setup;
}

const HEADER = "STT,Họ và tên,Năm sinh,Giới tính,Loại đảng viên,Miễn sinh hoạt,Chức vụ,Tổ đảng";

describe("importing the roster in the private chat", () => {
  it("previews the 135-member spreadsheet exactly, saves only after confirmation", async () => {
    const { secretary, cell } = await secretaryReady();
    await h.fake.sendDocument(secretary, "private", {
      fileName: "cell-01.csv",
      mimeType: "text/csv",
      content: fixture("cell-01.csv"),
    });
    const preview = last(h, secretary).text;
    const expected = wardFixture().cells[0]!;
    expect(preview).toContain(`Đọc được ${expected.members} đảng viên`);
    expect(preview).toContain(`${expected.probationary} dự bị`);
    expect(preview).toContain(`${expected.exempt} miễn sinh hoạt`);
    expect(preview).toContain("Sẽ thêm mới 135");
    expect(await h.db.member.count()).toBe(0);

    await h.fake.pressButton(secretary, "private", last(h, secretary).message_id, dataStartsWith("imp:ok:"));
    expect(last(h, secretary).text).toContain("thêm 135");
    expect(await h.db.member.count({ where: { cellId: cell.id } })).toBe(135);
    expect(await h.db.member.count({ where: { cellId: cell.id, membership: "exempt" } })).toBe(expected.exempt);
    const dat = await h.db.member.findFirstOrThrow({ where: { fullName: "Hứa Minh Đạt" } });
    expect(dat).toMatchObject({ birthYear: 1963, gender: "male", status: "official", role: "secretary", group: "Tổ 1" });
  });

  it("re-importing updates members by name, never duplicates them, and says what changed", async () => {
    const { secretary } = await secretaryReady();
    await importRoster(h, secretary, "cell-14.csv");
    const changed = fixture("cell-14.csv")
      .toString("utf8")
      .replace("Hứa Kim Oanh,1994,Nữ,Dự bị", "Hứa Kim Oanh,1994,Nữ,Chính thức")
      .concat("10,Trần Văn Mới,2000,Nam,Dự bị,,Đảng viên,\n");
    await h.fake.sendDocument(secretary, "private", { fileName: "cell-14.csv", mimeType: "text/csv", content: changed });
    const preview = last(h, secretary).text;
    expect(preview).toContain("Sẽ thêm mới 1, cập nhật 1");
    expect(preview).toContain("Hứa Kim Oanh: đổi loại đảng viên");
    await h.fake.pressButton(secretary, "private", last(h, secretary).message_id, dataStartsWith("imp:ok:"));
    expect(await h.db.member.count()).toBe(10);
    expect((await h.db.member.findFirstOrThrow({ where: { fullName: "Hứa Kim Oanh" } })).status).toBe("official");
    const audit = await h.db.auditLog.findFirstOrThrow({ where: { action: "import_update" } });
    expect(JSON.parse(audit.before!)).toEqual({ status: "probationary" });
    expect(JSON.parse(audit.after!)).toEqual({ status: "official" });
  });

  it("cancelling the preview saves nothing", async () => {
    const { secretary } = await secretaryReady();
    await h.fake.sendDocument(secretary, "private", { fileName: "r.csv", mimeType: "text/csv", content: fixture("cell-13.csv") });
    await h.fake.pressButton(secretary, "private", last(h, secretary).message_id, dataStartsWith("imp:no:"));
    expect(last(h, secretary).text).toContain("Đã hủy");
    expect(await h.db.member.count()).toBe(0);
  });

  it("lists problems by row and keeps the good rows", async () => {
    const { secretary } = await secretaryReady();
    const csv = [
      HEADER,
      "1,Nguyễn Văn An,1960,Nam,Chính thức,,Đảng viên,Tổ 1",
      "2,,1970,Nam,Chính thức,,,",
      "3,Lê Thị Bé,1980,Nữ,Cảm tình,,,",
      "4,Nguyễn Văn An,1961,Nam,Chính thức,,,",
    ].join("\n");
    await h.fake.sendDocument(secretary, "private", { fileName: "r.csv", mimeType: "text/csv", content: csv });
    const preview = last(h, secretary).text;
    expect(preview).toContain("Dòng 3: thiếu họ tên");
    expect(preview).toContain('Dòng 4: không hiểu loại đảng viên "Cảm tình"');
    expect(preview).toContain("Dòng 5: trùng tên");
    expect(preview).toContain("Sẽ thêm mới 1");
  });

  it("explains a file that lacks the status column, and saves nothing", async () => {
    const { secretary } = await secretaryReady();
    const csv = "STT,Họ và tên,Năm sinh\n1,Nguyễn Văn An,1960\n";
    await h.fake.sendDocument(secretary, "private", { fileName: "r.csv", mimeType: "text/csv", content: csv });
    expect(last(h, secretary).text).toContain("thiếu cột bắt buộc: Loại đảng viên");
    expect(last(h, secretary).buttons).toEqual([]);
  });

  it("rejects a binary file and a 5,000-row file with a clear message", async () => {
    const { secretary } = await secretaryReady();
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
    await h.fake.sendDocument(secretary, "private", { fileName: "photo.png", mimeType: "image/png", content: png });
    expect(last(h, secretary).text).toContain("không phải danh sách");
    const rows = Array.from({ length: 5000 }, (_, i) => `${i + 1},Người Thứ ${i + 1},1970,Nam,Chính thức,,,`);
    await h.fake.sendDocument(secretary, "private", {
      fileName: "big.csv",
      mimeType: "text/csv",
      content: [HEADER, ...rows].join("\n"),
    });
    expect(last(h, secretary).text).toContain("quá nhiều dòng");
    expect(await h.db.member.count()).toBe(0);
  });

  it("accepts pasted lines after /import", async () => {
    const { secretary } = await secretaryReady();
    await h.fake.sendText(secretary, "private", "/import");
    const prompt = last(h, secretary);
    await h.fake.sendText(
      secretary,
      "private",
      "Nguyễn Văn An, 1960, Nam, Chính thức, x, Đảng viên, Tổ 1\nTrần Thị Bình, 1975, Nữ, Dự bị",
      {
        replyTo: prompt.message_id,
      },
    );
    expect(last(h, secretary).text).toContain("Đọc được 2 đảng viên");
    await h.fake.pressButton(secretary, "private", last(h, secretary).message_id, dataStartsWith("imp:ok:"));
    expect(await h.db.member.count()).toBe(2);
  });

  it("refuses a roster from someone who is not a secretary", async () => {
    await secretaryReady();
    const member = h.fake.user();
    await openPrivateChat(h, member);
    await h.fake.sendDocument(member, "private", { fileName: "r.csv", mimeType: "text/csv", content: fixture("cell-14.csv") });
    expect(last(h, member).text).toContain("Chỉ bí thư hoặc phó bí thư");
    expect(await h.db.member.count()).toBe(0);
  });

  it("reads an Excel workbook the same way as the CSV export", async () => {
    const { secretary } = await secretaryReady();
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet("Danh sách");
    sheet.addRow(["DANH SÁCH ĐẢNG VIÊN CHI BỘ TRƯỜNG MẦM NON 02/9"]);
    const lines = fixture("cell-02.csv")
      .toString("utf8")
      .replace(/^\uFEFF/, "")
      .trim()
      .split(/\r?\n/);
    for (const line of lines) sheet.addRow(line.split(",").map((cell) => (/^\d+$/.test(cell) ? Number(cell) : cell)));
    const content = Buffer.from(await workbook.xlsx.writeBuffer());
    await h.fake.sendDocument(secretary, "private", {
      fileName: "danh-sach.xlsx",
      mimeType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      content,
    });
    const expected = wardFixture().cells[1]!;
    expect(last(h, secretary).text).toContain(
      `Đọc được ${expected.members} đảng viên: ${expected.members - expected.probationary} chính thức, ${expected.probationary} dự bị`,
    );
    await h.fake.pressButton(secretary, "private", last(h, secretary).message_id, dataStartsWith("imp:ok:"));
    expect(await h.db.member.count()).toBe(expected.members);
  });
});
