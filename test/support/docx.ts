/**
 * Reads a .docx the way tests need it: unzips it, checks each XML part is well-formed with a small stack parser (no
 * regex soup, no dependency), and extracts the text Word would show.
 */
import JSZip from "jszip";

export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlNode[];
}

export type XmlNode = XmlElement | string;

export class XmlError extends Error {
  constructor(message: string, at: number, xml: string) {
    super(`${message} at ${at}: ${JSON.stringify(xml.slice(Math.max(0, at - 40), at + 40))}`);
  }
}

const NAME = /[A-Za-z_:][A-Za-z0-9_.:-]*/y;
const PREDEFINED: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };
/** XML 1.0 Char production, as a code point test. */
function isXmlChar(code: number): boolean {
  return (
    code === 0x9 ||
    code === 0xa ||
    code === 0xd ||
    (code >= 0x20 && code <= 0xd7ff) ||
    (code >= 0xe000 && code <= 0xfffd) ||
    (code >= 0x10000 && code <= 0x10ffff)
  );
}

/** Decodes character data, rejecting a bare "&", an unknown entity, a raw "<" and characters XML cannot carry. */
function decode(raw: string, at: number, xml: string): string {
  let out = "";
  let i = 0;
  while (i < raw.length) {
    const code = raw.codePointAt(i) ?? 0;
    const ch = String.fromCodePoint(code);
    if (!isXmlChar(code)) throw new XmlError(`character U+${code.toString(16)} not allowed`, at + i, xml);
    if (ch === "<") throw new XmlError("raw '<' in character data", at + i, xml);
    if (ch === "&") {
      const semi = raw.indexOf(";", i);
      if (semi < 0) throw new XmlError("bare '&'", at + i, xml);
      const entity = raw.slice(i + 1, semi);
      let value: string | undefined = PREDEFINED[entity];
      if (/^#[0-9]+$/.test(entity)) value = String.fromCodePoint(Number(entity.slice(1)));
      else if (/^#x[0-9a-fA-F]+$/.test(entity)) value = String.fromCodePoint(Number.parseInt(entity.slice(2), 16));
      if (value === undefined) throw new XmlError(`unknown entity &${entity};`, at + i, xml);
      out += value;
      i = semi + 1;
      continue;
    }
    out += ch;
    i += ch.length;
  }
  return out;
}

/** Parses an XML document; throws XmlError when it is not well-formed. */
export function parseXml(xml: string): XmlElement {
  let i = xml.charCodeAt(0) === 0xfeff ? 1 : 0;
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;

  const expect = (token: string) => {
    if (!xml.startsWith(token, i)) throw new XmlError(`expected ${JSON.stringify(token)}`, i, xml);
    i += token.length;
  };
  const skipSpace = () => {
    while (i < xml.length && /\s/.test(xml.charAt(i))) i++;
  };
  const name = (): string => {
    NAME.lastIndex = i;
    const match = NAME.exec(xml);
    if (!match) throw new XmlError("expected a name", i, xml);
    i += match[0].length;
    return match[0];
  };
  const until = (token: string): string => {
    const end = xml.indexOf(token, i);
    if (end < 0) throw new XmlError(`unterminated, expected ${JSON.stringify(token)}`, i, xml);
    const content = xml.slice(i, end);
    i = end + token.length;
    return content;
  };

  while (i < xml.length) {
    if (xml.startsWith("<?", i)) {
      i += 2;
      until("?>");
    } else if (xml.startsWith("<!--", i)) {
      i += 4;
      if (until("-->").includes("--")) throw new XmlError("'--' in a comment", i, xml);
    } else if (xml.startsWith("<![CDATA[", i)) {
      i += 9;
      const top = stack.at(-1);
      if (!top) throw new XmlError("CDATA outside the root", i, xml);
      top.children.push(until("]]>"));
    } else if (xml.startsWith("<!", i)) {
      throw new XmlError("DOCTYPE or declaration not expected", i, xml);
    } else if (xml.startsWith("</", i)) {
      i += 2;
      const closing = name();
      skipSpace();
      expect(">");
      const open = stack.pop();
      if (!open || open.name !== closing) throw new XmlError(`</${closing}> closes <${open?.name ?? "nothing"}>`, i, xml);
    } else if (xml.charAt(i) === "<") {
      i += 1;
      if (root && stack.length === 0) throw new XmlError("a second root element", i, xml);
      const element: XmlElement = { name: name(), attributes: {}, children: [] };
      for (;;) {
        const before = i;
        skipSpace();
        if (xml.startsWith("/>", i) || xml.charAt(i) === ">") break;
        if (i === before) throw new XmlError("expected whitespace before an attribute", i, xml);
        const attribute = name();
        skipSpace();
        expect("=");
        skipSpace();
        const quote = xml.charAt(i);
        if (quote !== '"' && quote !== "'") throw new XmlError("unquoted attribute value", i, xml);
        i += 1;
        const at = i;
        const value = decode(until(quote), at, xml);
        if (attribute in element.attributes) throw new XmlError(`duplicate attribute ${attribute}`, i, xml);
        element.attributes[attribute] = value;
      }
      (stack.at(-1)?.children ?? []).push(element);
      root ??= element;
      if (xml.startsWith("/>", i)) i += 2;
      else {
        i += 1;
        stack.push(element);
      }
    } else {
      const at = i;
      const end = xml.indexOf("<", i);
      const raw = xml.slice(i, end < 0 ? xml.length : end);
      i += raw.length;
      const text = decode(raw, at, xml);
      const top = stack.at(-1);
      if (top) top.children.push(text);
      else if (text.trim() !== "") throw new XmlError("text outside the root element", at, xml);
    }
  }
  if (stack.length > 0) throw new XmlError(`<${stack.at(-1)?.name}> never closed`, i, xml);
  if (!root) throw new XmlError("no root element", i, xml);
  return root;
}

export function elements(node: XmlElement, name: string): XmlElement[] {
  const found: XmlElement[] = [];
  const walk = (element: XmlElement) => {
    for (const child of element.children) {
      if (typeof child === "string") continue;
      if (child.name === name) found.push(child);
      walk(child);
    }
  };
  walk(node);
  return found;
}

export function child(node: XmlElement, name: string): XmlElement | undefined {
  return node.children.find((c): c is XmlElement => typeof c !== "string" && c.name === name);
}

/** The text of a run or paragraph as Word shows it: w:t contents, w:tab as a tab, w:br and w:cr as line breaks. */
export function textOf(node: XmlElement): string {
  let out = "";
  for (const c of node.children) {
    if (typeof c === "string") continue;
    if (c.name === "w:t") out += c.children.filter((t): t is string => typeof t === "string").join("");
    else if (c.name === "w:tab") out += "\t";
    else if (c.name === "w:br" || c.name === "w:cr") out += "\n";
    else if (c.name !== "w:instrText" && c.name !== "w:delText" && c.name !== "w:rPr" && c.name !== "w:pPr") out += textOf(c);
  }
  return out;
}

/** Every paragraph's text, in document order (table cells included). */
export function paragraphTexts(root: XmlElement): string[] {
  return elements(root, "w:p").map(textOf);
}

/** The document's visible text: paragraphs joined by line breaks. */
export function visibleText(root: XmlElement): string {
  return paragraphTexts(root).join("\n");
}

/** The run formatting that is switched on: "w:b", "w:i", "w:u", … (w:val="false"/"0"/"none" counts as off). */
export function runFormatting(run: XmlElement): Set<string> {
  const properties = child(run, "w:rPr");
  const on = new Set<string>();
  for (const p of properties?.children ?? []) {
    if (typeof p === "string") continue;
    const value = p.attributes["w:val"];
    if (value === "false" || value === "0" || value === "none") continue;
    on.add(p.name);
  }
  return on;
}

/** The runs whose text includes `text`. */
export function runsContaining(root: XmlElement, text: string): XmlElement[] {
  return elements(root, "w:r").filter((r) => textOf(r).includes(text));
}

export interface Docx {
  files: string[];
  /** Raw text of a part. */
  part(name: string): Promise<string>;
  /** word/document.xml as written. */
  documentXml: string;
  document: XmlElement;
}

/** Unzips a .docx and parses word/document.xml (throws if it is missing or malformed). */
export async function readDocx(bytes: Uint8Array): Promise<Docx> {
  const zip = await JSZip.loadAsync(bytes);
  const files = Object.keys(zip.files).filter((name) => !zip.files[name]?.dir);
  const part = async (name: string) => {
    const file = zip.file(name);
    if (!file) throw new Error(`${name} is not in the package`);
    return file.async("string");
  };
  const documentXml = await part("word/document.xml");
  return { files, part, documentXml, document: parseXml(documentXml) };
}
