import { cueIndexAt, parseVtt, transcriptPieces } from '../../src/shared/captions';
import { parseLessonBlocks } from '../../src/shared/lesson-blocks';

const VTT = `WEBVTT

1
00:00:00.500 --> 00:00:02.960
当孩子情绪很差时，

2
00:00:02.960 --> 00:00:07.881 line:90%
一份事先商量好的<b>安全计划</b>能帮上大忙。

NOTE a comment block

00:01:05.000 --> 01:00:10.5
拨打12356。
`;

describe('WebVTT captions (src/shared/captions.ts)', () => {
  test('parses cues with and without ids, settings, tags, notes, CRLF and hours', () => {
    const cues = parseVtt(VTT.replace(/\n/g, '\r\n'));
    expect(cues).toEqual([
      { start: 0.5, end: 2.96, text: '当孩子情绪很差时，' },
      { start: 2.96, end: 7.881, text: '一份事先商量好的安全计划能帮上大忙。' },
      { start: 65, end: 3610.5, text: '拨打12356。' },
    ]);
    expect(parseVtt('not a vtt')).toEqual([]);
    expect(parseVtt('WEBVTT\n\n00:00:05.000 --> 00:00:04.000\n倒着的\n')).toEqual([]);
  });

  test('finds the cue at a time (a cue owns [start, end)), none between cues or outside', () => {
    const cues = parseVtt(VTT);
    expect(cueIndexAt(cues, 0)).toBe(-1);
    expect(cueIndexAt(cues, 0.5)).toBe(0);
    expect(cueIndexAt(cues, 2.959)).toBe(0);
    expect(cueIndexAt(cues, 2.96)).toBe(1);
    expect(cueIndexAt(cues, 30)).toBe(-1);
    expect(cueIndexAt(cues, 100)).toBe(2);
    expect(cueIndexAt(cues, 4000)).toBe(-1);
    expect(cueIndexAt([], 1)).toBe(-1);
  });

  test('splits the script at cue boundaries across paragraphs; captions that do not spell it leave it whole', () => {
    const cues = [
      { start: 0, end: 1, text: '先蹲下来，' },
      { start: 1, end: 2, text: '看着他。再说话。' },
      { start: 2, end: 3, text: '第二段。' },
    ];
    expect(transcriptPieces(['先蹲下来，看着他。', '再说话。第二段。'], cues)).toEqual([
      [{ text: '先蹲下来，', cue: 0 }, { text: '看着他。', cue: 1 }],
      [{ text: '再说话。', cue: 1 }, { text: '第二段。', cue: 2 }],
    ]);
    expect(transcriptPieces(['别的文稿。'], cues)).toEqual([[{ text: '别的文稿。', cue: -1 }]]);
    expect(transcriptPieces(['先蹲下来，看着他。'], cues)).toEqual([[{ text: '先蹲下来，看着他。', cue: -1 }]]);
  });
});

describe('article blocks (src/shared/lesson-blocks.ts)', () => {
  test('## is a heading, consecutive - items one list, anything else a paragraph', () => {
    expect(parseLessonBlocks(['导语。', '## 怎么说', '- 先听', '- 再说', '中间。', '- 另一张清单', '  ', '#不是标题'])).toEqual([
      { type: 'paragraph', text: '导语。' },
      { type: 'heading', text: '怎么说' },
      { type: 'list', items: ['先听', '再说'] },
      { type: 'paragraph', text: '中间。' },
      { type: 'list', items: ['另一张清单'] },
      { type: 'paragraph', text: '#不是标题' },
    ]);
  });
});
