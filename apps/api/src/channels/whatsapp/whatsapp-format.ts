/**
 * The model writes Markdown; WhatsApp has its own marks: `*bold*`, `_italic_`, `~strike~`,
 * ```` ``` ```` blocks and `` `code` ``. Converts the common Markdown forms (bold, italic, strike,
 * headings, links, `*` bullets) and leaves code untouched; anything else stays as written.
 */
export function toWhatsAppText(markdown: string): string {
  const code: string[] = [];
  const keep = (segment: string): string => `\uE000${code.push(segment) - 1}\uE000`;
  let text = markdown
    .replace(/```[^\n`]*\n([\s\S]*?)```/g, (_m, body: string) => keep('```' + body.replace(/\n$/, '') + '```'))
    .replace(/`[^`\n]+`/g, (m) => keep(m));
  text = text
    .replace(
      /^[ \t]*#{1,6}[ \t]+(.+?)[ \t]*#*[ \t]*$/gm,
      (_m, heading: string) => `**${heading.replace(/\*\*/g, '')}**`,
    )
    .replace(/^([ \t]*)[*+][ \t]+/gm, '$1- ')
    .replace(/(^|[^*\w])\*(?!\s)([^*\n]+?)(?<!\s)\*(?![*\w])/g, '$1_$2_')
    .replace(/\*\*(?!\s)([^\n]+?)(?<!\s)\*\*/g, '*$1*')
    .replace(/__(?!\s)([^\n]+?)(?<!\s)__/g, '*$1*')
    .replace(/~~(?!\s)([^\n]+?)(?<!\s)~~/g, '~$1~')
    .replace(/\[([^\]\n]+)\]\((https?:\/\/[^)\s]+)\)/g, (_m, label: string, url: string) =>
      label === url ? url : `${label} (${url})`,
    );
  return text.replace(/\uE000(\d+)\uE000/g, (_m, index: string) => code[Number(index)]!);
}
