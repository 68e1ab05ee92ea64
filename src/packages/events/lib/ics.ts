/** An iCalendar (.ics) file for a session, so parents can put it in their phone's calendar. */
import type { EventDetail } from '../../../../types';

const stamp = (iso: string) => iso.replace(/[-:]/g, '').replace(/\.\d{3}/, '');

/** Escapes text for an iCalendar property value. */
function esc(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r?\n/g, '\\n');
}

/** Folds a content line at 74 octets-ish (by characters, never splitting a character). */
function fold(line: string): string {
  const chars = [...line];
  const out: string[] = [];
  for (let i = 0; i < chars.length; i += 60) out.push(chars.slice(i, i + 60).join(''));
  return out.join('\r\n ');
}

/** Builds the .ics text of a session (with a reminder an hour before). */
export function eventIcs(e: EventDetail, now: Date = new Date()): string {
  const place = e.mode === 'online' ? (e.onlineUrl ?? '线上') : e.address;
  const lines = [
    'BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//XinQiao//家长学校//ZH', 'CALSCALE:GREGORIAN', 'METHOD:PUBLISH',
    'BEGIN:VEVENT', `UID:${e.id}@xinqiao.app`, `DTSTAMP:${stamp(now.toISOString())}`, `DTSTART:${stamp(e.startsAt)}`, `DTEND:${stamp(e.endsAt)}`,
    `SUMMARY:${esc(e.title)}`, `LOCATION:${esc(place)}`, `DESCRIPTION:${esc(`${e.host.name}${e.speaker ? `｜主讲：${e.speaker}` : ''}\n${e.description}`)}`,
    'BEGIN:VALARM', 'TRIGGER:-PT1H', 'ACTION:DISPLAY', `DESCRIPTION:${esc(e.title)}`, 'END:VALARM',
    'END:VEVENT', 'END:VCALENDAR',
  ];
  return lines.map(fold).join('\r\n') + '\r\n';
}
