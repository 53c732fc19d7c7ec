/** The formats a timeline leaves in: csv that any RFC 4180 reader takes back, text one event a line. */
import t from 'tap';
import { csvField, formatTimeline, type TimelineEntry } from '../../src/history/historyFormats.ts';

const entry = (change: string): TimelineEntry => ({
  position: 7,
  occurredAt: '2026-12-07T12:00:00.000Z',
  type: 'UserRegistered',
  clientId: 'acme-bank',
  correlationId: 'c-1',
  change,
  data: {},
});

t.test('csv quotes what needs quoting and doubles quotes, with a header row and CRLF', async (t) => {
  t.equal(csvField('plain'), 'plain');
  t.equal(csvField('a, b'), '"a, b"');
  t.equal(csvField('say "hi"'), '"say ""hi"""');
  t.equal(csvField('two\nlines'), '"two\nlines"');
  t.equal(
    formatTimeline([entry('portfolio "Main, EUR" created')], 'csv'),
    'position,occurredAt,type,clientId,correlationId,change\r\n' +
      '7,2026-12-07T12:00:00.000Z,UserRegistered,acme-bank,c-1,"portfolio ""Main, EUR"" created"\r\n',
  );
});

t.test('text keeps each event on one aligned line, even a change with a line break in it', async (t) => {
  const lines = formatTimeline([entry('a device named "one\ntwo"'), entry('password changed')], 'text').split('\n');
  t.equal(lines.length, 4, 'a heading, two events, and the final newline');
  t.equal(lines[1]!.indexOf('a device'), lines[0]!.indexOf('what changed'), 'columns line up');
  t.match(lines[1], /one two/);
});

t.test('jsonl is one object a line', async (t) => {
  const lines = formatTimeline([entry('x'), entry('y')], 'jsonl')
    .trim()
    .split('\n');
  t.same(
    lines.map((line) => JSON.parse(line).change),
    ['x', 'y'],
  );
});
