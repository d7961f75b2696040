import type { Translate } from "../i18n.js";
import type { ImportPlan, RosterParseResult, RosterProblem } from "../domain/roster-import.js";
import type { Member } from "../db/generated/sqlite/client.js";
import { escapeHtml } from "./html.js";

const MAX_PROBLEMS_SHOWN = 15;
const MAX_CHANGES_SHOWN = 10;

export function problemLine(t: Translate, problem: RosterProblem): string {
  return t("roster.problem_line", {
    row: problem.rowNumber,
    problem: t(`roster.problem.${problem.code}`, { value: problem.value ?? "", column: problem.column ?? "" }),
  });
}

/** What the bot understood from a roster file, before anything is saved. */
export function importPreview(t: Translate, parsed: RosterParseResult, plan: ImportPlan, cellName: string): string {
  const c = plan.counts;
  const lines = [
    t("roster.preview_title", { cell: cellName }),
    t("roster.preview_counts", {
      total: c.total,
      official: c.official,
      probationary: c.probationary,
      exempt: c.exempt,
      groups: c.groups,
    }),
    t("roster.preview_roles", {
      secretary: c.byRole.secretary,
      deputy: c.byRole.deputy,
      committee: c.byRole.committee_member,
      leaders: c.byRole.group_leader,
    }),
    t("roster.preview_plan", { add: plan.add.length, update: plan.update.length, unchanged: plan.unchanged.length }),
  ];
  for (const { member, changes } of plan.update.slice(0, MAX_CHANGES_SHOWN)) {
    const what = changes.map((change) => t(`member_field.${change.field}`)).join(", ");
    lines.push(t("roster.preview_change", { name: member.fullName, what }));
  }
  if (plan.update.length > MAX_CHANGES_SHOWN) lines.push(t("common.and_more", { count: plan.update.length - MAX_CHANGES_SHOWN }));
  if (plan.notInFile.length > 0) lines.push(t("roster.preview_not_in_file", { count: plan.notInFile.length }));
  if (parsed.problems.length > 0) {
    lines.push("", t("roster.preview_problems", { count: parsed.problems.length }));
    lines.push(...parsed.problems.slice(0, MAX_PROBLEMS_SHOWN).map((problem) => problemLine(t, problem)));
    if (parsed.problems.length > MAX_PROBLEMS_SHOWN)
      lines.push(t("common.and_more", { count: parsed.problems.length - MAX_PROBLEMS_SHOWN }));
  }
  lines.push("", t(plan.add.length + plan.update.length > 0 ? "roster.preview_confirm" : "roster.preview_nothing"));
  return lines.join("\n");
}

export function memberLabel(t: Translate, member: Member): string {
  const tags = [t(`member_status.${member.status}`)];
  if (member.membership !== "active") tags.push(t(`membership.${member.membership}`));
  if (member.role !== "member") tags.push(t(`member_role.${member.role}`));
  return `${escapeHtml(member.fullName)} — ${tags.join(", ")}`;
}

export function memberCard(t: Translate, member: Member & { identities: { platform: string; displayName: string }[] }): string {
  const unknown = t("common.unknown");
  const rows = [
    `<b>${escapeHtml(member.fullName)}</b>`,
    t("member_card.birth_year", { value: member.birthYear ?? unknown }),
    t("member_card.gender", { value: member.gender ? t(`gender.${member.gender}`) : unknown }),
    t("member_card.status", { value: t(`member_status.${member.status}`) }),
    t("member_card.membership", {
      value:
        t(`membership.${member.membership}`) +
        (member.exemptSince ? ` (${t("member_card.since", { date: member.exemptSince })})` : ""),
    }),
    t("member_card.role", { value: t(`member_role.${member.role}`) }),
    t("member_card.group", { value: member.group ?? t("common.none") }),
    t("member_card.linked", {
      value:
        member.identities.length > 0
          ? member.identities.map((i) => `${i.displayName} (${i.platform})`).join(", ")
          : t("common.none"),
    }),
  ];
  return rows.join("\n");
}
