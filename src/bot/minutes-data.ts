import type { Cell } from "../db/generated/sqlite/client.js";
import { utcToLocal } from "../domain/dates.js";
import { attendanceOverview, rubricFor } from "../domain/meeting-day.js";
import type { MeetingWithAgenda } from "../domain/meeting-service.js";
import type { Translate } from "../i18n.js";
import type { MinutesInput } from "../render/minutes.js";
import type { BotDeps } from "./context.js";

/** The minutes are an official Vietnamese record whatever the chat's language: "Sinh hoạt chi bộ {label}". */
const MINUTES_TYPE_LABELS: Record<string, string> = {
  regular: "thường kỳ",
  thematic: "chuyên đề",
  combined: "thường kỳ kết hợp chuyên đề",
  extraordinary: "bất thường",
  committee: "(họp chi ủy)",
  model: "mẫu",
};

/** Gathers what the minutes draft records, from the meeting, its attendance, notes, vote and score. */
export async function minutesFor(deps: BotDeps, meeting: MeetingWithAgenda, cell: Cell, t: Translate): Promise<MinutesInput> {
  const { db } = deps;
  const [overview, notes, committee, rubric] = await Promise.all([
    attendanceOverview(db, meeting),
    db.meetingNote.findMany({ where: { meetingId: meeting.id }, orderBy: { createdAt: "asc" } }),
    cell.committeeId ? db.committee.findUnique({ where: { id: cell.committeeId } }) : null,
    rubricFor(db, cell),
  ]);
  const start = utcToLocal(meeting.actualStart ?? meeting.startsAt, cell.timeZone);
  const end = utcToLocal(
    meeting.actualEnd ?? new Date(meeting.startsAt.getTime() + meeting.durationMinutes * 60_000),
    cell.timeZone,
  );
  const vote = meeting.vote ? (JSON.parse(meeting.vote) as { for: number; against: number; abstain: number }) : null;
  const score = meeting.score ? (JSON.parse(meeting.score) as { parts: Record<string, number>; total: number }) : null;
  const secretary = overview.members.find((m) => m.role === "secretary");
  const entitled = overview.members.filter((m) => m.status === "official" && m.membership !== "transferred_out").length;
  return {
    committeeName: committee?.name ?? null,
    cellName: cell.name,
    place: meeting.place ?? "",
    // the header's place name is the ward's: "Đảng bộ phường Đông Kinh" → "Đông Kinh"
    ...(committee ? { locality: committee.name.replace(/^đảng bộ\s+/i, "").replace(/^(phường|xã|thị trấn)\s+/i, "") } : {}),
    date: start.date,
    actualStart: start.time,
    actualEnd: end.time,
    typeLabel: MINUTES_TYPE_LABELS[meeting.type] ?? meeting.type,
    chair: meeting.chairMemberId ?? secretary?.fullName ?? "",
    ...(meeting.chairMemberId === null && secretary ? { chairTitle: "Bí thư chi bộ" } : {}),
    minuteTaker: meeting.minuteTakerId ?? "",
    guests: overview.guests.map((g) => ({ name: g.name, ...(g.title ? { title: g.title } : {}) })),
    counts: {
      total: overview.rate.total,
      official: overview.official,
      probationary: overview.probationary,
      exempt: overview.rate.exempt,
      expected: overview.rate.expected,
      present: overview.rate.present,
      rate: overview.rate.rate,
    },
    excused: overview.excused.map((e) => ({ name: e.name, reason: e.reason ?? "" })),
    unexcused: overview.unexcused,
    agenda: meeting.agenda.map((item) => ({ title: item.title, ...(item.presenter ? { presenter: item.presenter } : {}) })),
    discussion: notes.map((note) => ({ speaker: note.speaker, text: note.text })),
    conclusion: meeting.conclusion ?? undefined,
    resolution: meeting.resolution ?? undefined,
    vote: vote ? { ...vote, entitled } : undefined,
    score: score
      ? {
          parts: rubric.parts.map((part) => ({
            label: t(`rubric.${part.key}`, { defaultValue: part.key }),
            score: score.parts[part.key] ?? 0,
            max: part.max,
          })),
          total: score.total,
          ratingLabel: meeting.rating ? t(`rating.${meeting.rating}`) : "",
        }
      : undefined,
  };
}
