/**
 * Times as Tencent writes them, read strictly: a time in any other form is no
 * time at all (NaN), never a guess. A lenient parse would read "0" as the
 * year 2000 and a time without a zone in the runner's zone, and a wrong time
 * can rank an image oldest and have it deleted.
 */

/** YYYY-MM-DDThh:mm:ssZ: the form the Lighthouse spec gives CreatedTime. */
const API_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})Z$/
/** YYYYMMDDThhmmssZ: the same instant in ISO 8601's basic form, short enough for a copy's mark. */
const COMPACT_TIME = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/

/** A CreatedTime in ms; NaN for anything but the documented form of a real instant. */
export function parseApiTime(text: string): number {
  return fromFields(API_TIME.exec(text))
}

/** A compact time (20261101T000000Z) in ms; NaN for anything else. */
export function parseCompactTime(text: string): number {
  return fromFields(COMPACT_TIME.exec(text))
}

/** An instant (whole seconds) in the compact form; the inverse of parseCompactTime. */
export function compactTime(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '')
}

/** An instant as the API writes it, for the summary. */
export function apiTimeOf(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')
}

/** The instant the fields name, NaN when they name none (2026-02-30, 24:00:00). */
function fromFields(match: RegExpExecArray | null): number {
  if (!match) return NaN
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number)
  const ms = Date.UTC(year, month - 1, day, hour, minute, second)
  const back = new Date(ms)
  const exact =
    back.getUTCFullYear() === year &&
    back.getUTCMonth() === month - 1 &&
    back.getUTCDate() === day &&
    back.getUTCHours() === hour &&
    back.getUTCMinutes() === minute &&
    back.getUTCSeconds() === second
  return exact ? ms : NaN
}
