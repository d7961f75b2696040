import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { COMMANDS } from "../../src/bot/commands.js";
import { byData, callbackDataOn, last } from "../support/builders.js";
import type { FakeChat, FakeUser } from "../support/fake-telegram/index.js";
import {
  ROLES,
  actsForCommittee,
  authorizationWorld,
  codesIn,
  databaseState,
  identityOf,
  isLinked,
  managesCell,
  onRoster,
  saysKey,
  watchChat,
  type AuthorizationWorld,
  type Role,
} from "../support/roles.js";

// Every command, by every role, in the private chat and in a group: allowed or refused as COMMANDS (audience, where)
// and the guards say. An allowed command gets an answer that is no refusal; a refused one gets its refusal and
// changes nothing in the database. The world is built once; the cases run in COMMANDS order (so /here comes
// before /leave) and each one only adds to it.

let world: AuthorizationWorld;
beforeAll(async () => {
  // each person sends a hundred commands in a minute, all in one group: neither Telegram's flood limits nor the
  // bot's own limit per person are what this file is about
  world = await authorizationWorld({ fake: { limits: false }, env: { RATE_LIMIT_PER_MINUTE: "100000" } });
}, 120_000);
afterAll(async () => world?.h.stop());

type Where = "private" | "cell group" | "committee group";

type Outcome =
  /** Answered, with no refusal; `says` when the answer must be that text. */
  | { kind: "ok"; says?: string }
  /** Answered with this refusal, and nothing changed. */
  | { kind: "refused"; says: string }
  /** No answer at all, and nothing changed. */
  | { kind: "silent" };

const ok = (says?: string): Outcome => (says ? { kind: "ok", says } : { kind: "ok" });
const refused = (says: string): Outcome => ({ kind: "refused", says });
const silent: Outcome = { kind: "silent" };

/** Texts that mean "no": none may appear in an allowed command's answer. */
const REFUSALS = [
  "errors.not_secretary",
  "errors.cell_group_only",
  "errors.private_only",
  "errors.not_operator",
  "errors.choose_cell",
  "errors.stale_button",
  "committee.not_here",
  "committee.not_staff",
  "setup.group_only",
  "setup.admin_only",
  "link.group_only",
  "rsvp.not_in_cell",
  "lang.admin_only",
  "report.where",
];

interface Rule {
  /** The command's arguments (by role and chat, when they need their own). */
  args?: string | ((role: Role, where: Where) => string);
  /** The groups it is tried in (default: cell A's group). */
  groups?: Exclude<Where, "private">[];
  /** Sent in a group as a reply to the stranger's latest message there. */
  repliesToStranger?: boolean;
  /** Starts a form when allowed: /cancel ends it before the next case. */
  startsForm?: boolean;
  expect(role: Role, where: Where): Outcome;
}

// ─── The rules ───────────────────────────────────────────────────────────────────────────────────

/** A member's question about their cell: in a group, the group's cell; privately, the cell they belong to. */
const aboutOwnCell = (role: Role, where: Where) =>
  where !== "private" || isLinked(role) ? ok() : refused("errors.not_secretary");

/** Secretary work: only who manages the cell (the group's, or in private their own); private-only work refused in groups. */
const secretaryWork =
  (privateOnly: boolean) =>
  (role: Role, where: Where): Outcome => {
    if (privateOnly && where !== "private") return refused("errors.private_only");
    return managesCell(role) ? ok() : refused("errors.not_secretary");
  };

/** A member's own answer or check-in, recorded against the roster of the meeting's cell. */
const ownAttendance = (role: Role, where: Where, done: string): Outcome => {
  if (where === "private") return isLinked(role) ? ok(done) : refused("link.me_unlinked");
  if (onRoster(role)) return ok(done);
  return role === "outsider" ? refused("rsvp.not_in_cell") : refused("link.me_unlinked");
};

/** Committee work: only in the committee's group. */
const committeeWork =
  (who: (role: Role) => boolean) =>
  (role: Role, where: Where): Outcome => {
    if (where !== "committee group") return refused("committee.not_here");
    return who(role) ? ok() : refused("committee.not_staff");
  };

const ADDED_NAMES: Record<Role, string> = {
  operator: "Lưu Văn An",
  committee: "Lưu Văn Bình",
  secretary: "Lưu Văn Cường",
  deputy: "Lưu Văn Dũng",
  member: "Lưu Văn Giang",
  outsider: "Lưu Văn Hùng",
  stranger: "Lưu Văn Khánh",
};

const RULES: Record<string, Rule> = {
  start: { expect: (_role, where) => (where === "private" ? ok("start.welcome") : silent) },
  help: { expect: () => ok("help.title") },
  iam: {
    args: "Hứa Kim Oanh",
    expect: (_role, where) => (where === "private" ? refused("link.group_only") : ok("link.pick_yourself")),
  },
  me: { expect: (role) => ok(isLinked(role) ? "link.me_linked" : "link.me_unlinked") },
  lang: {
    args: "vi",
    expect: (role, where) =>
      where === "private" || role === "secretary" || role === "operator" ? ok("lang.changed") : refused("lang.admin_only"),
  },
  meetings: { expect: aboutOwnCell },
  meeting: { expect: aboutOwnCell },
  rsvp: {
    args: "1",
    expect: (role, where) => {
      if (where === "private") return isLinked(role) ? ok("rsvp.saved_attend") : refused("errors.not_secretary");
      if (onRoster(role)) return ok("rsvp.saved_attend");
      // an account not linked yet is heard, and counted once the secretary links it
      return role === "outsider" ? refused("rsvp.not_in_cell") : ok("rsvp.saved_unlinked");
    },
  },
  ds: { expect: aboutOwnCell },
  agenda: { expect: aboutOwnCell },
  propose: {
    args: "Bàn về vệ sinh môi trường khu dân cư",
    expect: (role, where) => {
      if (where === "private") return isLinked(role) ? ok("agenda.proposed") : refused("errors.not_secretary");
      if (onRoster(role)) return ok("agenda.proposed");
      return role === "outsider" ? refused("rsvp.not_in_cell") : refused("link.me_unlinked");
    },
  },
  here: {
    // the code read out at the meeting: the outsider's own meeting is cell B's, which they attend from their private chat
    args: (role, where) => (role === "outsider" && where === "private" ? world.cellB.checkinCode : world.cellA.checkinCode),
    // each role tries its private chat first: the check-in in the group after it is answered "already"
    expect: (role, where) => ownAttendance(role, where, where === "private" ? "day.checked_in" : "day.already_checked_in"),
  },
  leave: { expect: (role, where) => ownAttendance(role, where, "day.left_early") },
  cancel: { expect: () => ok("common.cancelled") },
  checkin: { expect: secretaryWork(false) },
  rollcall: { expect: secretaryWork(true) },
  opening: { expect: secretaryWork(false) },
  note: { args: "Đinh Xuân Trung: Đề nghị giữ gìn vệ sinh chung", expect: secretaryWork(true) },
  guest: { args: "Nguyễn Văn Khách, Đảng ủy viên", expect: secretaryWork(true) },
  close: { startsForm: true, expect: secretaryWork(true) },
  minutes: { args: () => world.cellA.meeting.code, expect: secretaryWork(true) },
  settings: {
    groups: ["cell group", "committee group"],
    expect: (role, where) =>
      where === "committee group"
        ? actsForCommittee(role)
          ? ok("settings.committee_show")
          : refused("committee.not_staff")
        : secretaryWork(false)(role, where),
  },
  editmeeting: { expect: secretaryWork(true) },
  attach: { args: () => `${world.cellA.meeting.code} 1 https://example.org/tai-lieu.pdf`, expect: secretaryWork(true) },
  newmeeting: {
    startsForm: true,
    expect: (role, where) =>
      managesCell(role) ? ok(where === "private" ? undefined : "new_meeting.continue_private") : refused("errors.not_secretary"),
  },
  proxy: { expect: secretaryWork(true) },
  setup: {
    expect: (role, where) => {
      if (where === "private") return refused("setup.group_only");
      // only a group admin gets past the door, to learn that the group is a cell's already
      return refused(role === "secretary" ? "setup.already_bound_named" : "setup.admin_only");
    },
  },
  linkchat: { expect: secretaryWork(true) },
  roster: { expect: secretaryWork(true) },
  import: { expect: secretaryWork(true) },
  members: { expect: secretaryWork(true) },
  addmember: { args: (role) => ADDED_NAMES[role], expect: secretaryWork(true) },
  requests: { expect: secretaryWork(true) },
  link: {
    args: "Hứa Kim Oanh",
    repliesToStranger: true,
    expect: (role, where) => {
      if (!managesCell(role)) return refused("errors.not_secretary");
      // a secretary links the account whose message the command replies to, in the cell's group only
      return where === "private" ? refused("link.link_usage") : ok("link.pick_for");
    },
  },
  cell: { expect: secretaryWork(true) },
  invite: { groups: ["committee group", "cell group"], expect: committeeWork(actsForCommittee) },
  cells: { groups: ["committee group", "cell group"], expect: committeeWork(() => true) },
  report: {
    groups: ["committee group", "cell group"],
    // the month's report is for the committee's chat and the cell's own chats, whoever is in them
    expect: (_role, where) => (where === "private" ? refused("report.where") : ok()),
  },
  committee: {
    args: "Đảng bộ phường Mới",
    groups: ["committee group", "cell group"],
    expect: (role, where) => {
      if (role !== "operator") return refused("errors.not_operator");
      if (where === "private") return ok("committee.created");
      return refused(where === "cell group" ? "committee.chat_is_cell" : "committee.already_exists");
    },
  },
  jobs: {
    expect: (role, where) => {
      if (role !== "operator") return refused("errors.not_operator");
      return where === "private" ? ok("jobs.title") : refused("errors.private_only");
    },
  },
};

// ─── Running a case ──────────────────────────────────────────────────────────────────────────────

interface Case {
  command: string;
  role: Role;
  where: Where;
  rule: Rule;
  outcome: Outcome;
}

const cases: Case[] = COMMANDS.flatMap(({ command }) => {
  const rule = RULES[command];
  if (!rule) return [];
  const wheres: Where[] = ["private", ...(rule.groups ?? ["cell group" as const])];
  return ROLES.flatMap((role) => wheres.map((where) => ({ command, role, where, rule, outcome: rule.expect(role, where) })));
});

function chatOf(where: Where, role: Role) {
  if (where === "private") return { target: "private" as const, watched: world.users[role] };
  const group = where === "cell group" ? world.cellA.group : world.committeeGroup;
  return { target: group, watched: group };
}

function describeOutcome(outcome: Outcome) {
  return outcome.kind === "silent" ? "silent" : `${outcome.kind}${outcome.says ? ` (${outcome.says})` : ""}`;
}

async function run({ command, role, where, rule, outcome }: Case) {
  const { h, users } = world;
  const user = users[role];
  const args = typeof rule.args === "function" ? rule.args(role, where) : (rule.args ?? "");
  const { target, watched } = chatOf(where, role);
  const before = outcome.kind === "ok" ? undefined : await databaseState(h);
  const answers = watchChat(h, watched);
  const replyTo =
    rule.repliesToStranger && target !== "private"
      ? h.fake.history(target).findLast((m) => m.from?.id === users.stranger.id)?.message_id
      : undefined;
  await h.fake.sendText(user, target, `/${command}${args ? ` ${args}` : ""}`, replyTo ? { replyTo } : {});
  const said = answers()
    .map((m) => m.text)
    .join("\n---\n");
  const context = `/${command} by ${role} in ${where}, expected ${describeOutcome(outcome)}; the bot said:\n${said || "(nothing)"}`;
  expect(saysKey(said, "errors.generic"), context).toBe(false);
  if (outcome.kind === "silent") {
    expect(said, context).toBe("");
  } else if (outcome.kind === "refused") {
    expect(saysKey(said, outcome.says), context).toBe(true);
  } else {
    expect(said, context).not.toBe("");
    if (outcome.says) expect(saysKey(said, outcome.says), context).toBe(true);
    const refusal = REFUSALS.find((key) => key !== outcome.says && saysKey(said, key));
    expect(refusal, context).toBeUndefined();
  }
  if (before) expect(await databaseState(h), `${context}\n(the database changed)`).toEqual(before);
  if (rule.startsForm && outcome.kind === "ok") await h.fake.sendText(user, target, "/cancel");
}

describe("the authorization matrix", () => {
  it("has a rule for every command in COMMANDS, and only for those", () => {
    expect(Object.keys(RULES).sort()).toEqual(COMMANDS.map((c) => c.command).sort());
  });

  it("allows a command only in the kinds of chat COMMANDS lists for it", () => {
    const misplaced = cases
      .filter((c) => c.outcome.kind === "ok")
      .filter(
        (c) =>
          !COMMANDS.find((entry) => entry.command === c.command)!.where.includes(c.where === "private" ? "private" : "group"),
      )
      .map((c) => `/${c.command} by ${c.role} in ${c.where}`);
    expect(misplaced).toEqual([]);
  });

  it("allows secretary, committee and operator commands only to their audience", () => {
    // the committee's cell list and the month's report are for everyone in the chat they are asked in
    const openToTheChat = ["cells", "report"];
    const mayUse = {
      member: () => true,
      secretary: managesCell,
      committee: actsForCommittee,
      operator: (r: Role) => r === "operator",
    };
    // in the committee's group, /settings is the committee's (when its monthly summary goes out)
    const audienceOf = (c: Case) =>
      c.command === "settings" && c.where === "committee group"
        ? "committee"
        : COMMANDS.find((entry) => entry.command === c.command)!.audience;
    const intruders = cases
      .filter((c) => c.outcome.kind === "ok" && !openToTheChat.includes(c.command))
      .filter((c) => !mayUse[audienceOf(c)](c.role))
      .map((c) => `/${c.command} by ${c.role} in ${c.where}`);
    expect(intruders).toEqual([]);
  });

  it.each(cases.map((c) => [`/${c.command}`, c.role, c.where, describeOutcome(c.outcome), c] as const))(
    "%s by %s in the %s: %s",
    async (_command, _role, _where, _outcome, c) => run(c),
  );
});

// ─── Forged callback data ────────────────────────────────────────────────────────────────────────

/** A modified client sends its own callback data on the newest bot message of a chat it can see. */
async function forge(user: FakeUser, chat: FakeChat | "private", data: string) {
  const message = world.h.fake.lastMessage(chat === "private" ? user : chat);
  expect(message, "the chat should have a bot message to press on").toBeDefined();
  return world.h.fake.forgeCallback(user, chat, message!.message_id, data);
}

/** Presses, then checks the answer names the refusal (or, with `quietly`, at least is no success) and nothing changed. */
async function expectRefused(
  user: FakeUser,
  chat: FakeChat | "private",
  data: string,
  key: string,
  options: { quietly?: boolean } = {},
) {
  const before = await databaseState(world.h);
  const press = await forge(user, chat, data);
  const context = `${data} by ${user.first_name} ${user.last_name ?? ""}: answered ${JSON.stringify(press.answer?.text ?? null)}`;
  expect(press.handled, context).toBe(true);
  if (options.quietly && press.answer?.text === undefined) {
    // answered before the refusal was known: the refusal itself cannot be shown, but nothing may have happened
  } else {
    expect(saysKey(press.answer?.text, key), context).toBe(true);
  }
  expect(await databaseState(world.h), `${context}\n(the database changed)`).toEqual(before);
}

describe("forged callback data", () => {
  let target: { id: string; fullName: string };
  let importToken: string;
  let requestId: string;
  let proposalId: string;
  let strangerIdentityId: string;
  let codeA: string;
  let codeB: string;
  let epoch: number;

  beforeAll(async () => {
    const { h, users, cellA, cellB } = world;
    codeA = cellA.meeting.code;
    codeB = cellB.meeting.code;
    epoch = Math.round(cellA.meeting.startsAt.getTime() / 60_000) + 60;
    target = await h.db.member.findFirstOrThrow({ where: { cellId: cellA.cell.id, fullName: "Ngô Minh Quân" } });
    // a roster import waiting for secretary A's confirmation
    await h.fake.sendDocument(users.secretary, "private", {
      fileName: "bo-sung.csv",
      mimeType: "text/csv",
      content: "STT,Họ và tên,Loại đảng viên\n1,Lưu Thị Thử Nghiệm,Chính thức\n",
    });
    importToken = callbackDataOn(last(h, users.secretary), "imp:ok:")!.split(":")[2]!;
    // the stranger claims a name in the group: a link request waits for the secretary
    await h.fake.sendText(users.stranger, cellA.group, "/iam Ngô Minh Quân");
    await h.fake.pressButton(users.stranger, cellA.group, last(h, cellA.group).message_id, byData(`lk:c:${target.id}`));
    requestId = (await h.db.linkRequest.findFirstOrThrow({ where: { status: "pending", memberId: target.id } })).id;
    strangerIdentityId = (await identityOf(h, users.stranger)).id;
    // the member proposes an agenda item: it waits for the secretary's decision
    await h.fake.sendText(users.member, "private", "/propose Bàn về phòng chống cháy nổ");
    proposalId = (
      await h.db.agendaItem.findFirstOrThrow({
        where: { meetingId: cellA.meeting.id, status: "proposed", title: "Bàn về phòng chống cháy nổ" },
      })
    ).id;
  });

  const memberActions = (id: string) => ["v", "s", "x", "a", "t", "g", "d", "u", "ul"].map((action) => `mem:${action}:${id}`);

  it("a member cannot edit, remove or unlink roster entries, nor page the roster", async () => {
    for (const data of [...memberActions(target.id), `mem:ro:${target.id}:0`, "mem:p:1"])
      await expectRefused(world.users.member, "private", data, "errors.not_secretary");
  });

  it("a secretary of another cell cannot see or touch this cell's members", async () => {
    for (const data of [...memberActions(target.id), `mem:ro:${target.id}:0`])
      await expectRefused(world.cellB.secretary, "private", data, "members.not_found");
  });

  it("even the cell's own secretary edits members only in the private chat", async () => {
    await expectRefused(world.users.secretary, world.cellA.group, `mem:d:${target.id}`, "errors.private_only");
    await expectRefused(world.users.secretary, world.cellA.group, `px:a:${codeA}:${target.id}:y`, "errors.private_only");
    await expectRefused(world.users.secretary, world.cellA.group, `rc:s:${codeA}:${target.id}:p:a`, "errors.private_only");
  });

  it("nobody but the secretary who sent the roster can save or drop its import", async () => {
    for (const user of [world.users.member, world.cellB.secretary, world.users.deputy])
      for (const action of ["ok", "no"])
        await expectRefused(user, "private", `imp:${action}:${importToken}`, "roster.import_expired");
  });

  it("a member or another cell's secretary cannot decide link requests, nor link accounts directly", async () => {
    for (const user of [world.users.member, world.cellB.secretary, world.users.outsider]) {
      await expectRefused(user, "private", `lk:a:${requestId}`, "errors.not_secretary");
      await expectRefused(user, "private", `lk:r:${requestId}`, "errors.not_secretary");
      await expectRefused(user, "private", `lk:d:${target.id}:${strangerIdentityId}`, "errors.not_secretary");
    }
    // a claim only counts for the group's own roster
    await expectRefused(world.users.outsider, "private", `lk:c:${target.id}`, "link.member_removed");
  });

  it("a member cannot answer for others, take the roll call or change a meeting", async () => {
    const { member } = world.users;
    for (const data of [
      `px:a:${codeA}:${target.id}:y`,
      `px:m:${codeA}:${target.id}`,
      `px:p:${codeA}:1`,
      `rc:s:${codeA}:${target.id}:p:a`,
      `rc:m:${codeA}:${target.id}:a`,
      `rc:p:${codeA}:a:1`,
      `ma:t:${codeA}`,
      `ma:p:${codeA}`,
      `ma:a:${codeA}`,
      `ma:c:${codeA}`,
      `ma:tk:${codeA}:${epoch}`,
      `ma:tr:${codeA}:${epoch}`,
      `ma:pa:${proposalId}`,
      `ma:pd:${proposalId}`,
      `cell:use:${world.cellA.cell.id}`,
    ])
      await expectRefused(member, "private", data, "errors.not_secretary");
  });

  it("another cell's secretary cannot answer for, mark, or read the names of this cell's members", async () => {
    const secretaryB = world.cellB.secretary;
    for (const [data, key] of [
      [`px:a:${codeA}:${target.id}:y`, "meeting.not_found"],
      [`px:m:${codeA}:${target.id}`, "meeting.not_found"],
      [`px:p:${codeA}:1`, "meeting.not_found"],
      // their own meeting, this cell's member
      [`px:m:${codeB}:${target.id}`, "members.not_found"],
      [`px:a:${codeB}:${target.id}:y`, "members.not_found"],
      [`ma:t:${codeA}`, "meeting.not_found"],
      [`ma:c:${codeA}`, "meeting.not_found"],
      [`ma:tk:${codeA}:${epoch}`, "meeting.not_found"],
      [`ma:pa:${proposalId}`, "errors.not_secretary"],
      [`ma:pd:${proposalId}`, "errors.not_secretary"],
      [`ma:f:${codeA}:0`, "rsvp.not_in_cell"],
      [`rsvp:l:${codeA}:1`, "rsvp.not_in_cell"],
      [`rsvp:ics:${codeA}`, "rsvp.not_in_cell"],
      [`cell:use:${world.cellA.cell.id}`, "errors.not_secretary"],
    ] as [string, string][])
      await expectRefused(secretaryB, "private", data, key);
    // the roll call answers the tap before it looks: the refusal stays unseen, and so do the names
    for (const [data, key] of [
      [`rc:s:${codeA}:${target.id}:p:a`, "meeting.not_found"],
      [`rc:p:${codeA}:a:1`, "meeting.not_found"],
      [`rc:s:${codeB}:${target.id}:p:a`, "members.not_found"],
      [`rc:m:${codeB}:${target.id}:a`, "members.not_found"],
      [`rc:m:${codeA}:${target.id}:a`, "meeting.not_found"],
    ] as [string, string][])
      await expectRefused(secretaryB, "private", data, key, { quietly: true });
    expect(world.h.fake.messages(secretaryB).some((m) => m.text.includes(target.fullName))).toBe(false);
  });

  it("a member of another cell cannot answer, check in or fetch files for this cell's meeting", async () => {
    const { outsider, stranger } = world.users;
    const codeA = world.cellA.meeting.code;
    for (const data of [`rsvp:y:${codeA}`, `rsvp:n:${codeA}`, `rsvp:r:${codeA}:sick`, `ci:y:${codeA}`, `ma:f:${codeA}:0`])
      await expectRefused(outsider, "private", data, "rsvp.not_in_cell");
    await expectRefused(outsider, world.cellA.group, `ci:y:${codeA}`, "rsvp.not_in_cell");
    await expectRefused(stranger, world.cellA.group, `ci:y:${codeA}`, "link.me_unlinked");
  });

  it("a member cannot switch the group's language", async () => {
    await expectRefused(world.users.member, world.cellA.group, "lang:set:en", "lang.admin_only");
    await expectRefused(world.users.deputy, world.cellA.group, "lang:set:en", "lang.admin_only");
  });

  it("taps of a form nobody opened no longer work", async () => {
    for (const data of ["nm:pick:publish", "nm:pick:type:regular", "cl:pick:skip", "setup:ok", "setup:type:school"])
      await expectRefused(world.users.member, "private", data, "errors.stale_button");
  });

  it("another group member cannot tap through someone else's /setup", async () => {
    const { h } = world;
    const admin = h.fake.user({ first_name: "Quản trị", last_name: "Nhóm mới" });
    const bystander = h.fake.user({ first_name: "Thành viên", last_name: "Nhóm mới" });
    const group = h.fake.createGroup({ title: "Chi bộ khối Mới", creator: admin, members: [bystander] });
    await h.fake.sendText(admin, group, "/setup");
    for (const data of ["setup:title", "setup:cancel"]) await expectRefused(bystander, group, data, "errors.stale_button");
    await h.fake.pressButton(admin, group, last(h, group).message_id, byData("setup:title"));
    for (const data of ["setup:type:school", "setup:ok"]) await expectRefused(bystander, group, data, "errors.stale_button");
    await h.fake.pressButton(admin, group, last(h, group).message_id, byData("setup:type:school"));
    await h.fake.pressButton(admin, group, last(h, group).message_id, byData("setup:ok"));
    const binding = await h.db.chatBinding.findUniqueOrThrow({
      where: { platform_chatId: { platform: "telegram", chatId: String(group.id) } },
      include: { cell: { include: { managers: { include: { identity: true } } } } },
    });
    expect(binding.cell?.managers.map((m) => m.identity.platformUserId)).toEqual([String(admin.id)]);
  });

  it("the secretary's own taps still work after all that, once", async () => {
    const { h, users } = world;
    // the import: saved once, then its button is spent
    const members = await h.db.member.count({ where: { cellId: world.cellA.cell.id } });
    await forge(users.secretary, "private", `imp:ok:${importToken}`);
    expect(await h.db.member.count({ where: { cellId: world.cellA.cell.id } })).toBe(members + 1);
    await expectRefused(users.secretary, "private", `imp:ok:${importToken}`, "roster.import_expired");
    // the link request: approved once, then gone (for the deputy who got the same message too)
    await forge(users.secretary, "private", `lk:a:${requestId}`);
    expect((await identityOf(h, users.stranger)).memberId).toBe(target.id);
    await expectRefused(users.secretary, "private", `lk:r:${requestId}`, "link.request_gone");
    await expectRefused(users.deputy, "private", `lk:a:${requestId}`, "link.request_gone");
    // the proposal: accepted once, then gone
    await forge(users.deputy, "private", `ma:pa:${proposalId}`);
    expect((await h.db.agendaItem.findUniqueOrThrow({ where: { id: proposalId } })).status).toBe("accepted");
    await expectRefused(users.secretary, "private", `ma:pd:${proposalId}`, "agenda.proposal_gone");
  });
});

// ─── Replayed codes ──────────────────────────────────────────────────────────────────────────────

describe("replayed codes", () => {
  it("an invite code joins one cell only", async () => {
    const { h, inviteCode, cellB } = world;
    const admin = h.fake.user({ first_name: "Quản trị", last_name: "Nhóm khác" });
    const group = h.fake.createGroup({ title: "Chi bộ khối Khác", creator: admin });
    const before = await databaseState(h);
    await h.fake.sendText(admin, group, `/setup ${inviteCode}`);
    expect(saysKey(last(h, group).text, "invite.used")).toBe(true);
    await h.fake.sendText(cellB.secretary, cellB.group, `/setup ${inviteCode.toLowerCase()}`);
    expect(saysKey(last(h, cellB.group).text, "invite.used")).toBe(true);
    expect(await databaseState(h)).toEqual(before);
  });

  it("only the cell's secretary, not any group admin, takes the cell into a committee", async () => {
    const { h, cellB, committeeGroup, committee } = world;
    await h.fake.sendText(h.operator, committeeGroup, "/invite");
    const [code] = codesIn(last(h, committeeGroup).text);
    const admin = h.fake.user({ first_name: "Phó", last_name: "Quản trị nhóm" });
    await h.fake.addUserToGroup(cellB.group, admin);
    await h.fake.setAdmin(cellB.group, admin, true);
    const before = await databaseState(h);
    await h.fake.sendText(admin, cellB.group, `/setup ${code}`);
    expect(saysKey(last(h, cellB.group).text, "errors.not_secretary")).toBe(true);
    expect(await databaseState(h)).toEqual(before);
    await h.fake.sendText(cellB.secretary, cellB.group, `/setup ${code}`);
    expect(saysKey(last(h, cellB.group).text, "setup.joined")).toBe(true);
    expect((await h.db.cell.findUniqueOrThrow({ where: { id: cellB.cell.id } })).committeeId).toBe(committee.id);
  });

  it("a check-in code works for its own meeting only", async () => {
    const { h, users, cellA, cellB } = world;
    const before = await databaseState(h);
    await h.fake.sendText(users.member, cellA.group, `/here ${cellB.checkinCode}`);
    expect(saysKey(last(h, cellA.group).text, "checkin.wrong_code")).toBe(true);
    await h.fake.sendText(users.member, cellA.group, cellB.checkinCode, { replyTo: cellA.checkinNotice.message_id });
    expect(saysKey(last(h, cellA.group).text, "checkin.wrong_code")).toBe(true);
    await h.fake.sendText(users.outsider, "private", `/here ${cellA.checkinCode}`);
    expect(saysKey(last(h, users.outsider).text, "checkin.wrong_code")).toBe(true);
    // and another cell's member has nothing to check in to here, code or not
    await h.fake.sendText(users.outsider, cellA.group, cellA.checkinCode, { replyTo: cellA.checkinNotice.message_id });
    expect(saysKey(last(h, cellA.group).text, "rsvp.not_in_cell")).toBe(true);
    expect(await databaseState(h)).toEqual(before);
  });

  it("a chat code binds one group only, and makes only its redeemer a secretary", async () => {
    const { h, users, cellA } = world;
    await h.fake.sendText(users.secretary, "private", "/linkchat");
    const [code] = codesIn(last(h, users.secretary).text);
    const first = h.fake.user({ first_name: "Quản trị", last_name: "Nhóm Zalo" });
    const firstGroup = h.fake.createGroup({ title: "Chi bộ A (nhóm 2)", creator: first });
    await h.fake.sendText(first, firstGroup, `/setup ${code}`);
    expect(saysKey(last(h, firstGroup).text, "chat_code.bound")).toBe(true);
    const second = h.fake.user({ first_name: "Quản trị", last_name: "Nhóm thứ ba" });
    const secondGroup = h.fake.createGroup({ title: "Chi bộ A (nhóm 3)", creator: second });
    const before = await databaseState(h);
    await h.fake.sendText(second, secondGroup, `/setup ${code}`);
    expect(saysKey(last(h, secondGroup).text, "chat_code.wrong")).toBe(true);
    expect(await databaseState(h)).toEqual(before);
    const managers = await h.db.cellManager.findMany({ where: { cellId: cellA.cell.id }, include: { identity: true } });
    expect(managers.map((m) => m.identity.platformUserId).sort()).toEqual([String(users.secretary.id), String(first.id)].sort());
  });

  it("keeps a cell's business out of groups that are not the cell's: the committee's, or one never set up", async () => {
    const { h, users, committeeGroup } = world;
    const unbound = h.fake.createGroup({ title: "Nhóm chưa lập", creator: users.secretary });
    const before = await databaseState(h);
    for (const group of [committeeGroup, unbound]) {
      for (const command of ["/opening", "/checkin", "/newmeeting", "/meetings"]) {
        await h.fake.sendText(users.secretary, group, command);
        expect(saysKey(last(h, group).text, "errors.cell_group_only"), `${command} in ${group.title}`).toBe(true);
      }
    }
    expect(await databaseState(h)).toEqual(before);
  });
});
