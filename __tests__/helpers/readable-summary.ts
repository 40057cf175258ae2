/**
 * The summary's HTML as text a person reads in a terminal: headings on their
 * own lines, each table row a line of cells, entities decoded.
 */
export function readableSummary(html: string): string {
  const entities: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" }
  return html
    .replace(
      /<h(\d)>(.*?)<\/h\1>/g,
      (_, level: string, text: string) => `\n${'#'.repeat(Number(level))} ${text}\n`
    )
    .replace(/<\/t[hd]>\s*<t[hd]>/g, '  |  ')
    .replace(/<\/tr>/g, '\n')
    .replace(/<br>/g, '\n')
    .replace(/<\/p>/g, '\n')
    .replace(/<a href="([^"]*)">(.*?)<\/a>/g, '$2 ($1)')
    .replace(/<[^>]+>/g, '')
    .replace(
      /&(#?\w+);/g,
      (entity, name: string) =>
        entities[name] ??
        (name.startsWith('#') ? String.fromCharCode(Number(name.slice(1))) : entity)
    )
    .replace(/\n{3,}/g, '\n\n')
    .trim()
}
