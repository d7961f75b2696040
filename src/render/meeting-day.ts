import type { Translate } from "../i18n.js";
import { escapeHtml } from "./html.js";

export interface RateView {
  total: number;
  exempt: number;
  transferredOut: number;
  expected: number;
  present: number;
  exemptPresent: number;
  excused: number;
  unexcused: number;
  unmarked: number;
  rate: number | null;
}

export function percent(rate: number | null, locale: string): string {
  if (rate === null) return "—";
  return `${(rate * 100).toLocaleString(locale === "en" ? "en-US" : "vi-VN", { maximumFractionDigits: 1, minimumFractionDigits: 1 })}%`;
}

/** What the chair reads out when opening: the counts, then who is absent and why. */
export function openingReport(
  t: Translate,
  input: {
    cellName: string;
    code: string;
    official: number;
    probationary: number;
    rate: RateView;
    excused: { name: string; reason: string | null }[];
    unexcused: string[];
    unmarked: string[];
    guests: { name: string; title: string | null }[];
  },
): string {
  const r = input.rate;
  const lines = [
    t("day.opening_title", { cell: input.cellName, code: input.code }),
    t("day.opening_counts", { total: r.total, official: input.official, probationary: input.probationary, exempt: r.exempt }),
    t("day.opening_expected", { expected: r.expected, transferred: r.transferredOut }),
    t("day.opening_present", {
      present: r.present,
      expected: r.expected,
      rate: percent(r.rate, t("meeting.locale_code")),
      exemptPresent: r.exemptPresent,
    }),
    t("day.opening_excused", { count: input.excused.length }),
    ...input.excused.map((e) => `  • ${escapeHtml(e.name)}${e.reason ? ` (${escapeHtml(e.reason)})` : ""}`),
    t("day.opening_unexcused", { count: input.unexcused.length }),
    ...input.unexcused.map((name) => `  • ${escapeHtml(name)}`),
  ];
  if (input.unmarked.length > 0)
    lines.push(t("day.opening_unmarked", { count: input.unmarked.length, names: input.unmarked.slice(0, 30).join(", ") }));
  if (input.guests.length > 0) {
    lines.push(
      t("day.opening_guests", { names: input.guests.map((g) => (g.title ? `${g.name} (${g.title})` : g.name)).join(", ") }),
    );
  }
  return lines.join("\n");
}
