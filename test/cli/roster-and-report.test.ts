import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import JSZip from "jszip";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FIXTURES, cliWorld, createCellIn, inDatabase, printedCodes, type CliWorld } from "./cli-process.js";

const ROSTER = path.join(FIXTURES, "cell-01.csv");
const ROSTER_SIZE = 135; // rows of cell-01.csv

describe("cli: import-roster", { timeout: 120_000 }, () => {
  let world: CliWorld;
  let cellId: string;
  beforeEach(async () => {
    world = await cliWorld();
    cellId = (await createCellIn(world.database.url, "Chi bộ khối 7+10")).id;
  });
  afterEach(async () => {
    await world.drop();
  });

  const memberCount = () => inDatabase(world.database.url, (db) => db.member.count({ where: { cellId } }));

  it("without --yes prints the preview (counts, plan) and saves nothing", async () => {
    const preview = await world.run(["import-roster", "--cell", "Chi bộ khối 7+10", ROSTER]);
    expect(preview.code).toBe(0);
    expect(preview.stdout).toContain("Chi bộ khối 7+10");
    expect(preview.stdout).toContain(`Read ${ROSTER_SIZE} members`);
    expect(preview.stdout).toContain(`Will add ${ROSTER_SIZE}`);
    expect(preview.stdout).toContain("nothing was saved. Run again with --yes");
    expect(preview.stdout).not.toMatch(/<\/?b>|Tap/);
    expect(await memberCount()).toBe(0);
  });

  it("with --yes saves the roster through the bot's import (audited); a second import has nothing to save", async () => {
    const saved = await world.run(["import-roster", "--cell", cellId, "--yes", ROSTER]);
    expect(saved.code).toBe(0);
    expect(saved.stdout).toContain(`${ROSTER_SIZE} added, 0 updated`);
    expect(await memberCount()).toBe(ROSTER_SIZE);
    const audit = await inDatabase(world.database.url, (db) => db.auditLog.findFirst({ where: { entity: "roster", cellId } }));
    expect(audit?.actorLabel).toMatch(/^cli/);

    const again = await world.run(["import-roster", "--cell", cellId, "--yes", ROSTER]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("Nothing to save");
    expect(await memberCount()).toBe(ROSTER_SIZE);
  });

  it("a file that is not a roster fails with the parser's explanation (exit 1); a missing file names the path", async () => {
    const binary = path.join(world.dir, "photo.csv");
    writeFileSync(binary, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0, 1, 2, 3]));
    const refused = await world.run(["import-roster", "--cell", cellId, "--yes", binary]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("not a CSV or Excel (.xlsx) roster");

    const missing = await world.run(["import-roster", "--cell", cellId, "nowhere.csv"]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(path.join(world.dir, "nowhere.csv"));
    expect(await memberCount()).toBe(0);
  });
});

describe("cli: report", { timeout: 120_000 }, () => {
  let world: CliWorld;
  beforeEach(async () => {
    world = await cliWorld();
  });
  afterEach(async () => {
    await world.drop();
  });

  it("writes the month's report as plain text, a PNG chart and an XLSX workbook", async () => {
    const created = await world.run(["create-committee", "--name", "Đảng ủy phường 7", "--chat", "telegram:-100500"]);
    const cell = await createCellIn(world.database.url, "Chi bộ khối 7+10", printedCodes(created.stdout)[0]);
    await world.run(["import-roster", "--cell", cell.id, "--yes", ROSTER]);

    const out = path.join(world.dir, "reports");
    const report = await world.run(["report", "--committee", "Đảng ủy phường 7", "--month", "2026-10", "--out", out]);
    expect(report.stderr).toBe("");
    expect(report.code).toBe(0);
    expect(readdirSync(out).sort()).toEqual([
      "bao-cao-2026-10-dang-uy-phuong-7.png",
      "bao-cao-2026-10-dang-uy-phuong-7.txt",
      "bao-cao-2026-10-dang-uy-phuong-7.xlsx",
    ]);
    const text = readFileSync(path.join(out, "bao-cao-2026-10-dang-uy-phuong-7.txt"), "utf8");
    expect(text).toContain("10/2026");
    expect(text).toContain("Đảng ủy phường 7");
    expect(text).toContain("Chi bộ khối 7+10");
    expect(text).not.toMatch(/<\/?[a-z]+>|&amp;|&lt;/);
    const png = readFileSync(path.join(out, "bao-cao-2026-10-dang-uy-phuong-7.png"));
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    const xlsx = readFileSync(path.join(out, "bao-cao-2026-10-dang-uy-phuong-7.xlsx"));
    expect(xlsx.subarray(0, 4)).toEqual(Buffer.from("PK\x03\x04", "latin1"));
    const zip = await JSZip.loadAsync(xlsx);
    expect(zip.file("xl/workbook.xml")).not.toBeNull();
  });

  it("a cell's report in English; a month that is not one is a usage error", async () => {
    const cell = await createCellIn(world.database.url, "Chi bộ khối 7+10");
    const out = path.join(world.dir, "en");
    const report = await world.run(["report", "--cell", cell.id, "--month", "2026-10", "--locale", "en", "--out", out]);
    expect(report.code).toBe(0);
    expect(readFileSync(path.join(out, "bao-cao-2026-10-chi-bo-khoi-7-10.txt"), "utf8")).toMatch(/report/i);

    const bad = await world.run(["report", "--cell", cell.id, "--month", "2026-13", "--out", out]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--month "2026-13" is not a month');
    const neither = await world.run(["report", "--month", "2026-10"]);
    expect(neither.code).toBe(2);
    expect(neither.stderr).toContain("either --committee or --cell");
  });
});
