// Zalo shows plain text: the bot's HTML becomes readable text, and long texts are split at sensible places.

const ENTITIES: Record<string, string> = { "&lt;": "<", "&gt;": ">", "&quot;": '"', "&#39;": "'", "&amp;": "&" };

/** The bot's Telegram HTML as plain text: mentions as @Name, links as "label (url)", no tags, no entities. */
export function htmlToText(html: string): string {
  return html
    .replace(/<br\s*\/?>/gi, "\n")
    .replace(/<a\s+href="tg:\/\/user\?id=[^"]*"\s*>([\s\S]*?)<\/a>/gi, "@$1")
    .replace(/<a\s+href="([^"]*)"\s*>([\s\S]*?)<\/a>/gi, (_, url: string, label: string) =>
      label === url ? url : `${label} (${url})`,
    )
    .replace(/<[^>]+>/g, "")
    .replace(/&(lt|gt|quot|#39|amp);/g, (entity) => ENTITIES[entity] ?? entity);
}

/**
 * Splits a text into parts of at most `max` characters: between paragraphs where possible, else between lines,
 * else between words; a word longer than a part is cut.
 */
export function splitText(text: string, max: number): string[] {
  const parts: string[] = [];
  let rest = text.trim();
  while (rest.length > max) {
    const window = rest.slice(0, max + 1);
    const cut = [window.lastIndexOf("\n\n"), window.lastIndexOf("\n"), window.lastIndexOf(" ")].find((at) => at > max / 3) ?? max;
    parts.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
  }
  if (rest) parts.push(rest);
  return parts;
}
