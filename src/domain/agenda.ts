/**
 * The agenda (chương trình sinh hoạt): the default running order for each meeting type, adapted to
 * the cell type, and the list edits the secretary makes in chat. Pure, no I/O.
 *
 * Default titles are Vietnamese content shown to members, each with an English equivalent for
 * users of the English interface. They follow the standard running order of HD 12-HD/BTCTW and
 * HD 42-HD/BTCTW (see DOMAIN.md), shortened to fit a chat message; the cell type only changes the
 * wording of the steps where the cell's own work is reviewed and planned.
 */

import type { CellType } from "./cells.js";
import { DomainError } from "./errors.js";
import type { MeetingType } from "./meetings.js";
import { cleanText } from "./roster.js";

// ─── Types ───────────────────────────────────────────────────────────────────────────────────────

/** chair = chủ trì; secretary = bí thư; deputy = phó bí thư; minute_taker = thư ký; guest = đại biểu. */
export const PRESENTER_ROLES = ["chair", "secretary", "deputy", "minute_taker", "guest"] as const;
export type PresenterRole = (typeof PRESENTER_ROLES)[number];

export function isPresenterRole(value: string): value is PresenterRole {
  return (PRESENTER_ROLES as readonly string[]).includes(value);
}

/**
 * One agenda item. Default items carry an English title; items typed by the secretary have none
 * (they are shown as typed in both languages), and renaming an item drops it.
 */
export interface AgendaItem {
  title: string;
  titleEn?: string;
  presenterRole?: PresenterRole;
}

export interface DefaultAgendaItem extends AgendaItem {
  titleEn: string;
}

export const MAX_AGENDA_ITEMS = 30;
export const MAX_AGENDA_TITLE_LENGTH = 500;

export type AgendaErrorCode = "empty_title" | "title_too_long" | "too_many_items" | "bad_index";

/** A refused edit. Its DomainError key is "agenda.<code>", with params { max } where a limit applies. */
export class AgendaError extends DomainError {
  constructor(readonly code: AgendaErrorCode) {
    super(`agenda.${code}`, limitParams(code));
    this.name = "AgendaError";
  }
}

function limitParams(code: AgendaErrorCode): Record<string, number> {
  if (code === "title_too_long") return { max: MAX_AGENDA_TITLE_LENGTH };
  if (code === "too_many_items") return { max: MAX_AGENDA_ITEMS };
  return {};
}

// ─── Default agendas ─────────────────────────────────────────────────────────────────────────────

type Item = DefaultAgendaItem;

function item(title: string, titleEn: string, presenterRole?: PresenterRole): Item {
  return presenterRole ? { title, titleEn, presenterRole } : { title, titleEn };
}

/**
 * Who the members and the people whose mood is reported are, per cell type (step 3 of the running
 * order: "tình hình tư tưởng đảng viên và …"). A residential cell reports on the people of its
 * neighbourhood, a school on teachers and pupils, the armed forces on their officers and soldiers.
 */
const PEOPLE: Record<CellType, readonly [vi: string, en: string]> = {
  residential: ["nhân dân trên địa bàn", "residents of the area"],
  school: ["cán bộ, giáo viên, học sinh", "staff, teachers and students"],
  police: ["cán bộ, chiến sĩ", "officers and men"],
  military: ["cán bộ, chiến sĩ", "officers and soldiers"],
  agency: ["cán bộ, công chức", "civil servants"],
  enterprise: ["người lao động", "employees"],
};

/**
 * The cell's own work, reviewed (step 4) and planned (step 5):
 *  - residential: the block's (tổ dân phố / khu phố) affairs, security and order, environment;
 *  - school: teaching and learning, students' education;
 *  - police: keeping security and order, combat readiness;
 *  - military: combat readiness, training, building the unit;
 *  - agency: professional work; enterprise: production and business.
 */
const CELL_WORK: Record<CellType, readonly [vi: string, en: string]> = {
  residential: [
    "công tác tổ dân phố, khu phố; an ninh, trật tự; vệ sinh môi trường",
    "the residential block's affairs; security and order; the environment",
  ],
  school: [
    "nhiệm vụ dạy và học; giáo dục đạo đức, kỹ năng cho học sinh",
    "teaching and learning; students' moral and life education",
  ],
  police: ["nhiệm vụ bảo đảm an ninh, trật tự; sẵn sàng chiến đấu", "security and public order duties; combat readiness"],
  military: ["nhiệm vụ sẵn sàng chiến đấu, huấn luyện, xây dựng đơn vị", "combat readiness, training and building the unit"],
  agency: ["nhiệm vụ chuyên môn, nghiệp vụ của cơ quan", "the agency's professional work"],
  enterprise: ["nhiệm vụ sản xuất, kinh doanh của doanh nghiệp", "the company's production and business"],
};

function opening(withGuests: boolean): Item {
  // For a model meeting the guests get their own item, right after.
  return withGuests
    ? item(
        "Khai mạc: lý do, giới thiệu đại biểu; báo cáo số đảng viên có mặt, vắng mặt (có lý do); thông qua chương trình, cử thư ký",
        "Opening: purpose, guests introduced; attendance reported (present, absent with reasons); agenda approved, minute-taker appointed",
        "chair",
      )
    : item(
        "Khai mạc: lý do; báo cáo số đảng viên có mặt, vắng mặt (có lý do); thông qua chương trình, cử thư ký",
        "Opening: purpose; attendance reported (present, absent with reasons); agenda approved, minute-taker appointed",
        "chair",
      );
}

/** Steps 2–6 of the standard running order, worded for the cell type. */
function regularBody(cellType: CellType): Item[] {
  const [peopleVi, peopleEn] = PEOPLE[cellType];
  const [workVi, workEn] = CELL_WORK[cellType];
  // Residential cells have no office to hand out papers: documents from above reach members
  // through the national "Sổ tay đảng viên điện tử" app, so the step says where to find them.
  const documents =
    cellType === "residential"
      ? item(
          `Phổ biến, quán triệt văn bản cấp trên (trên Sổ tay đảng viên điện tử); tình hình tư tưởng đảng viên và ${peopleVi}`,
          `New documents from above (in the "Sổ tay đảng viên" app); the mood of members and ${peopleEn}`,
          "secretary",
        )
      : item(
          `Phổ biến, quán triệt văn bản cấp trên; tình hình tư tưởng đảng viên và ${peopleVi}`,
          `New documents from above; the mood of members and ${peopleEn}`,
          "secretary",
        );
  return [
    // Current news is usually read by the deputy, who tends to hold the propaganda brief.
    item(
      "Thông tin thời sự; học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
      "Current news; studying and following Ho Chi Minh's thought, ethics and style",
      "deputy",
    ),
    documents,
    item(
      `Đánh giá kết quả tháng trước: ${workVi}; việc thực hiện nhiệm vụ của đảng viên`,
      `Review of last month: ${workEn}; members' performance of their tasks`,
      "secretary",
    ),
    item(
      `Nhiệm vụ trọng tâm tháng tới: ${workVi}; phân công đảng viên`,
      `Key tasks for the coming month: ${workEn}; assignments to members`,
      "secretary",
    ),
    item(
      "Công tác xây dựng Đảng: đảng phí, phát triển đảng viên, miễn sinh hoạt, chuyển sinh hoạt",
      "Party building: dues, admissions, exemptions, transfers",
      "deputy",
    ),
  ];
}

function discussion(): Item {
  return item(
    "Thảo luận: đảng viên phát biểu, tự phê bình và phê bình; ý kiến của đại biểu cấp trên",
    "Discussion: members speak, self-criticism and criticism; the higher-level guest speaks",
    "chair",
  );
}

function conclusion(what: { vi: string; en: string } = { vi: "", en: "" }): Item {
  return item(
    `Kết luận${what.vi}, biểu quyết thông qua nghị quyết; đánh giá, xếp loại buổi sinh hoạt; thông qua biên bản; bế mạc`,
    `Conclusion${what.en}, vote on the resolution; scoring and rating of the meeting; minutes approved; closing`,
    "chair",
  );
}

function topicPresentation(topic: string | undefined, label: { vi: string; en: string }): Item {
  // The presenter of a topic is chosen per meeting (often a member who prepared it), so none by default.
  return topic ? item(`${label.vi}: ${topic}`, `${label.en}: ${topic}`) : item(label.vi, label.en);
}

/**
 * The default agenda for a meeting. `topic` is used by thematic, combined, extraordinary and
 * committee meetings (the subject, the matter to settle, the coming thematic subject); regular and
 * model meetings ignore it. Always between 3 and 12 items, each title within the length limit.
 */
export function defaultAgenda(type: MeetingType, cellType: CellType, topic?: string): DefaultAgendaItem[] {
  const subject = topic === undefined ? undefined : truncate(cleanText(topic), 200) || undefined;
  switch (type) {
    case "regular":
      return [opening(true), ...regularBody(cellType), discussion(), conclusion()];

    case "thematic":
      return [
        opening(true),
        topicPresentation(subject, { vi: "Trình bày chuyên đề", en: "Presentation of the topic" }),
        item(
          "Thảo luận, liên hệ thực tiễn của chi bộ và bản thân đảng viên",
          "Discussion, relating the topic to the cell's and members' own work",
          "chair",
        ),
        item(
          "Kết luận chuyên đề, thống nhất việc vận dụng; thông qua biên bản; bế mạc",
          "Conclusion on the topic and how to apply it; minutes approved; closing",
          "chair",
        ),
      ];

    case "combined":
      // The regular part first, then the thematic block, then one conclusion and vote for both.
      return [
        opening(true),
        ...regularBody(cellType),
        discussion(),
        topicPresentation(subject, { vi: "Phần chuyên đề: trình bày chuyên đề", en: "Thematic part: presentation of the topic" }),
        item("Thảo luận chuyên đề, liên hệ thực tiễn", "Discussion of the topic, relating it to practice", "chair"),
        conclusion({ vi: " nội dung thường kỳ và chuyên đề", en: " on the regular and thematic parts" }),
      ];

    case "extraordinary":
      return [
        item(
          "Khai mạc: lý do họp bất thường; báo cáo số đảng viên có mặt, vắng mặt; cử thư ký",
          "Opening: why the extraordinary meeting; attendance reported; minute-taker appointed",
          "chair",
        ),
        topicPresentation(subject, { vi: "Nội dung cần giải quyết", en: "The matter to settle" }),
        item("Thảo luận", "Discussion", "chair"),
        item("Biểu quyết", "Vote", "chair"),
        item("Kết luận; thông qua biên bản; bế mạc", "Conclusion; minutes approved; closing", "chair"),
      ];

    case "committee":
      // HD 42: the cell committee meets before the monthly meeting to prepare its content and the
      // draft resolution and to assign who does what, including posting the documents in the
      // national app at least one day before.
      return [
        item(
          subject
            ? `Chuẩn bị nội dung sinh hoạt chi bộ tháng (chuyên đề: ${subject})`
            : "Chuẩn bị nội dung sinh hoạt chi bộ tháng",
          subject ? `Preparing the monthly cell meeting (topic: ${subject})` : "Preparing the monthly cell meeting",
          "secretary",
        ),
        item("Thống nhất dự thảo nghị quyết tháng", "Agreeing the draft resolution for the month", "secretary"),
        item(
          "Phân công chủ trì, thư ký, người chuẩn bị nội dung; đăng tài liệu lên Sổ tay đảng viên điện tử trước ít nhất 1 ngày",
          'Assigning the chair, minute-taker and who prepares each part; posting documents in the "Sổ tay đảng viên" app at least 1 day before',
          "secretary",
        ),
      ];

    case "model":
      // A regular meeting held as an example for guests from other cells and from above: the
      // guests are introduced up front and give their comments before the conclusion.
      return [
        opening(false),
        item(
          "Giới thiệu đại biểu cấp trên và các chi bộ dự sinh hoạt mẫu; mục đích buổi sinh hoạt",
          "Introducing the guests from above and from other cells; purpose of the model meeting",
          "chair",
        ),
        ...regularBody(cellType),
        discussion(),
        item("Đại biểu dự sinh hoạt mẫu nhận xét, góp ý", "Observers' comments and suggestions", "guest"),
        conclusion(),
      ];
  }
}

// ─── Edits ───────────────────────────────────────────────────────────────────────────────────────
// All edits return a new list and leave the input untouched; indexes count from 0.

/** The title as stored: tidied (NFC, single spaces, trimmed), 1–500 characters (code points). */
export function validAgendaTitle(title: string): string {
  const cleaned = cleanText(title);
  if (cleaned.length === 0) throw new AgendaError("empty_title");
  if ([...cleaned].length > MAX_AGENDA_TITLE_LENGTH) throw new AgendaError("title_too_long");
  return cleaned;
}

/** Inserts a typed item at `at` (0 … length; default: at the end). */
export function addItem(items: readonly AgendaItem[], title: string, at: number = items.length): AgendaItem[] {
  const cleaned = validAgendaTitle(title);
  if (items.length >= MAX_AGENDA_ITEMS) throw new AgendaError("too_many_items");
  checkIndex(at, items.length + 1);
  return [...items.slice(0, at), { title: cleaned }, ...items.slice(at)];
}

export function removeItem(items: readonly AgendaItem[], index: number): AgendaItem[] {
  checkIndex(index, items.length);
  return items.filter((_, position) => position !== index);
}

/** Moves the item at `from` so that it ends up at `to`. */
export function moveItem(items: readonly AgendaItem[], from: number, to: number): AgendaItem[] {
  checkIndex(from, items.length);
  checkIndex(to, items.length);
  const result = [...items];
  const [moved] = result.splice(from, 1);
  if (moved) result.splice(to, 0, moved);
  return result;
}

/** New title; the English title is dropped since it no longer matches. The presenter stays. */
export function renameItem(items: readonly AgendaItem[], index: number, title: string): AgendaItem[] {
  const cleaned = validAgendaTitle(title);
  checkIndex(index, items.length);
  return items.map((current, position) => {
    if (position !== index) return current;
    return current.presenterRole ? { title: cleaned, presenterRole: current.presenterRole } : { title: cleaned };
  });
}

/** Sets who presents the item; null clears it. */
export function setPresenter(items: readonly AgendaItem[], index: number, presenter: PresenterRole | null): AgendaItem[] {
  checkIndex(index, items.length);
  if (presenter !== null && !isPresenterRole(presenter)) throw new RangeError(`Unknown presenter role "${String(presenter)}"`);
  return items.map((current, position) => {
    if (position !== index) return current;
    const { presenterRole: _dropped, ...rest } = current;
    return presenter === null ? rest : { ...rest, presenterRole: presenter };
  });
}

function checkIndex(index: number, size: number): void {
  if (!Number.isInteger(index) || index < 0 || index >= size) throw new AgendaError("bad_index");
}

function truncate(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join("")}…`;
}
