// ISO-8601 dates and times as arguments. JavaScript's Date accepts too much
// (2024-02-30 becomes March 1st, year 0000 is a valid Date that PostgreSQL
// has no year for), so the text is checked field by field: a calendar date,
// optionally a time of day with an offset, year 0001-9999.

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?)?$/i;

/** The instant `text` names (a bare date is midnight UTC), or null when it is not a real ISO date or time. */
export function parseIsoTime(text: string): Date | null {
  const m = ISO.exec(text);
  if (!m) return null;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const [hour, minute, second] = [Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0)];
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return null;
  if (hour > 23 || minute > 59 || second > 59) return null;
  let offsetMinutes = 0;
  const zone = m[8];
  if (zone && zone.toUpperCase() !== 'Z') {
    const [h, min] = [Number(zone.slice(1, 3)), Number(zone.slice(4, 6))];
    if (h > 23 || min > 59) return null;
    offsetMinutes = (zone[0] === '-' ? -1 : 1) * (h * 60 + min);
  }
  const millis = m[7] ? Math.floor(Number(m[7]) * 1000) : 0;
  const utc = new Date(0);
  utc.setUTCFullYear(year, month - 1, day); // years below 100 stay as written
  utc.setUTCHours(hour, minute - offsetMinutes, second, millis);
  return utc;
}

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(2000, month, 0)).getUTCDate() - (month === 2 && !isLeap(year) ? 1 : 0);
}

function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}
