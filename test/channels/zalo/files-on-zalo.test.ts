import { afterEach, describe, expect, it } from "vitest";
import { importRoster, openPrivateChat, setUpCell } from "../../support/builders.js";
import { freePort, startHarness, type Harness } from "../../support/harness.js";
import { bindZaloGroup, zaloMessage, zaloOf } from "../../support/zalo-builders.js";

const NOW = new Date("2026-11-25T03:00:00Z");
let h: Harness;
afterEach(async () => h.stop());

/** A cell with a Zalo group, whose member asks for last month's report there. */
async function reportInZalo(env: Record<string, string> = {}) {
  h = await startHarness({ now: () => NOW, zalo: {}, env });
  const { secretary } = await setUpCell(h);
  await openPrivateChat(h, secretary);
  await importRoster(h, secretary, "cell-14.csv");
  const { group, zaloSecretary } = await bindZaloGroup(h, secretary);
  await zaloOf(h).sendText(group, zaloSecretary, "@Chibo /report");
  await zaloMessage(h, group, (text) => text.includes("11/2026") || text.includes("10/2026"));
  return group;
}

describe("files on Zalo", () => {
  it("sends the report's chart as an image by URL and its workbook as a link when a public URL is set", async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const group = await reportInZalo({ HTTP_PORT: String(port), PUBLIC_BASE_URL: base });
    const zalo = zaloOf(h);
    const photo = await zalo.waitFor(() => zalo.botMessages(group).find((m) => m.photo), 8000);
    expect(photo.photo).toMatch(new RegExp(`^${base}/files/[0-9a-f]{32}/bao-cao-\\d{4}-\\d{2}\\.png$`));
    const png = await fetch(photo.photo!);
    expect(png.headers.get("content-type")).toBe("image/png");
    expect(
      Buffer.from(await png.arrayBuffer())
        .subarray(1, 4)
        .toString(),
    ).toBe("PNG");
    const link = await zaloMessage(h, group, (text) => text.includes(".xlsx") && text.includes(base));
    const url = /(http:\/\/\S+\.xlsx)/.exec(link.text)?.[1];
    const xlsx = await fetch(url!);
    expect(xlsx.status).toBe(200);
    expect(
      Buffer.from(await xlsx.arrayBuffer())
        .subarray(0, 2)
        .toString(),
    ).toBe("PK"); // a zip, as XLSX is
    expect((await fetch(`${base}/files/${"0".repeat(32)}/bao-cao.png`)).status).toBe(404);
  });

  it("keeps to text without a public URL: the report's figures, no file notes", async () => {
    const group = await reportInZalo();
    await new Promise((resolve) => setTimeout(resolve, 300));
    const zalo = zaloOf(h);
    expect(zalo.botMessages(group).some((m) => m.photo)).toBe(false);
    expect(zalo.botMessages(group).some((m) => m.text?.includes("📎"))).toBe(false);
  });
});
