import { afterEach, describe, expect, it } from "vitest";
import { byData, last, linkedMembers, meetingWorld } from "../../support/builders.js";
import type { Harness } from "../../support/harness.js";

const NOW = new Date("2026-11-25T03:00:00Z");
let h: Harness;
afterEach(async () => h.stop());

describe("the 135-member cell answering at once", () => {
  it("a hundred members tapping within seconds: exact tally, no 429, announcement under Telegram's limit", async () => {
    const world = await meetingWorld({ now: () => NOW, roster: "cell-01.csv" });
    h = world.h;
    const { group, meeting, announcement } = world;
    const members = await linkedMembers(h, group, world.cellId, 100);
    await Promise.all(
      members.map((member, i) =>
        h.fake.pressButton(
          member,
          group,
          announcement.message_id,
          byData(i % 5 === 0 ? `rsvp:n:${meeting.code}` : `rsvp:y:${meeting.code}`),
        ),
      ),
    );
    const expected = await h.db.rsvp.groupBy({ by: ["answer"], where: { meetingId: meeting.id }, _count: true });
    expect(expected.map((row) => [row.answer, row._count]).sort()).toEqual([
      ["absent", 20],
      ["attend", 80],
    ]);
    // 81 expected members and 19 exempt ones answered: the exempt are counted apart
    const attends = (i: number) => i % 5 !== 0;
    const attendingExpected = members.slice(0, 81).filter((_, i) => attends(i)).length;
    const attendingExempt = members.slice(81).filter((_, i) => attends(i + 81)).length;
    const line = `✅ ${attendingExpected} sẽ dự · ❌ ${81 - attendingExpected} vắng có lý do · ⏳ 0 chưa trả lời (trên 81 đảng viên phải dự) · miễn sinh hoạt: 54 (sẽ dự: ${attendingExempt})`;
    const shown = await h.fake.waitFor(
      () => h.fake.messages(group).find((m) => m.message_id === announcement.message_id && m.text.includes(line)),
      15_000,
    );
    expect(shown.text.length).toBeLessThan(4096);
    expect(h.fake.stats.rateLimited).toBe(0);
    await h.fake.pressButton(members[0]!, group, announcement.message_id, byData(`rsvp:l:${meeting.code}:1`));
    expect(last(h, group).text).toContain("(trang 1/3)");
  });
});
