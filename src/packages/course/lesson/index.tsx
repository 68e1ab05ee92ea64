import Taro, { useDidHide, useReachBottom, useRouter, useUnload } from '@tarojs/taro';
import { View, Text, Video } from '@tarojs/components';
import { Button } from '@nutui/nutui-react-taro';
import { Checked, PlayDoubleBack, PlayDoubleForward, PlayStart, PlayStop } from '../../../components/icon/more';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { LessonDetailOutput, LessonProgress, ProgressStatementInput, Segment } from '../../../../types';
import { PageShell } from '../../../components/page-shell';
import { Section } from '../../../components/section';
import { SafetyCard } from '../../../components/safety-card';
import { StateView } from '../../../components/state-view';
import { LoginPrompt } from '../../../components/login-prompt';
import { useLoggedIn } from '../../../components/use-session';
import { useLoadOnce } from '../lib/use-once';
import { enrollCourse, getCaptions, getLesson, mediaSource } from '../../../services/courses';
import { cueIndexAt, transcriptPieces, type CaptionCue } from '../../../shared/captions';
import { parseLessonBlocks } from '../../../shared/lesson-blocks';
import { makeStatement, onProgressFlushed, reportProgress, type FlushResult } from '../../../services/progress';
import { initialTracker, takeSegments, trackStop, trackTime, type TrackerState } from '../lib/tracker';
import { clock, creditedPercent, KIND_LABELS } from '../lib/format';
import { courseRoutes, go } from '../lib/nav';
import './index.scss';

/** Milliseconds between two reports while playing. */
export const REPORT_EVERY_MS = 15_000;

/** Where to resume: the saved position, unless it is at the very end (then from the start). */
export function resumePosition(progress: LessonProgress | null, duration: number): number {
  const at = progress?.position ?? 0;
  return at > 0 && at < duration - 3 ? at : 0;
}

/** What a report said back, for the page's status line. */
type SyncState = { kind: 'idle' } | { kind: 'saved' } | { kind: 'queued' } | { kind: 'refused'; message: string };

/**
 * Tracks the played segments of a player and reports them: every REPORT_EVERY_MS while playing, on pause and end, and when
 * the page hides or unloads. Each report is a statement of its own (a new id) that goes through the offline queue.
 */
function useLessonReporter(data: LessonDetailOutput) {
  const { lesson, courseId } = data;
  const [progress, setProgress] = useState<LessonProgress | null>(lesson.progress);
  const [sync, setSync] = useState<SyncState>({ kind: 'idle' });
  const [startAt] = useState(() => resumePosition(lesson.progress, lesson.durationSeconds));
  const tracker = useRef<TrackerState>(initialTracker());
  const position = useRef(startAt);
  const reportedPosition = useRef(startAt);
  const lastReport = useRef(0);
  const alive = useRef(true);
  useEffect(() => {
    lastReport.current = Date.now();
    return () => {
      alive.current = false;
    };
  }, []);

  const apply = useCallback(
    (result: FlushResult, statement: ProgressStatementInput) => {
      if (!alive.current) return;
      const mine = result.lessons.find((l) => l.lessonId === lesson.id);
      if (mine) setProgress(mine.progress);
      const refused = result.rejected.find((r) => r.statement.id === statement.id);
      if (refused) setSync({ kind: 'refused', message: refused.error.message });
      else if (result.pending > 0 && result.error) setSync({ kind: 'queued' });
      else setSync({ kind: 'saved' });
    },
    [lesson.id],
  );

  // Statements queued offline and sent later (network back, app shown again) update the page too.
  useEffect(
    () =>
      onProgressFlushed((result) => {
        if (!alive.current) return;
        const mine = result.lessons.find((l) => l.lessonId === lesson.id);
        if (mine) setProgress(mine.progress);
        if (result.pending === 0 && !result.error) setSync((prev) => (prev.kind === 'queued' ? { kind: 'saved' } : prev));
      }),
    [lesson.id],
  );

  /** Sends one statement; when the server says the parent has not joined the course, joins and sends it again. */
  const send = useCallback(
    async (verb: ProgressStatementInput['verb'], segments: Segment[]) => {
      const statement = makeStatement({ lessonId: lesson.id, verb, segments, position: Math.round(position.current * 100) / 100 });
      reportedPosition.current = position.current;
      lastReport.current = Date.now();
      let result = await reportProgress(statement);
      if (result.rejected.some((r) => r.statement.id === statement.id && r.error.code === 'NOT_ENROLLED')) {
        const joined = await enrollCourse(courseId);
        if (joined.ok) result = await reportProgress(statement);
      }
      apply(result, statement);
      return result;
    },
    [apply, courseId, lesson.id],
  );

  /** Reports what was played since the last report (or, with nothing new, the position when it moved). */
  const report = useCallback(
    (stop: boolean) => {
      const taken = takeSegments(stop ? trackStop(tracker.current) : tracker.current);
      tracker.current = taken.state;
      if (taken.segments.length > 0) void send('played', taken.segments);
      else if (Math.abs(position.current - reportedPosition.current) >= 1) void send('progressed', []);
    },
    [send],
  );

  const onTime = useCallback(
    (time: number) => {
      tracker.current = trackTime(tracker.current, time);
      position.current = time;
      if (Date.now() - lastReport.current >= REPORT_EVERY_MS) report(false);
    },
    [report],
  );
  const onStop = useCallback(() => report(true), [report]);
  /** Playback starts: the segment opens where the player stands (the first time update may come a fraction of a second later). */
  const onPlay = useCallback(() => {
    if (!tracker.current.open) tracker.current = trackTime(tracker.current, position.current);
  }, []);

  useDidHide(() => report(true));
  useUnload(() => report(true));

  return { progress, sync, send, onTime, onStop, onPlay, startAt };
}

function SyncLine({ sync, progress, duration }: { sync: SyncState; progress: LessonProgress | null; duration: number }) {
  const percent = progress ? creditedPercent(progress.creditedSeconds, duration) : 0;
  return (
    <View className='xq-lesson__sync'>
      <View className='xq-lesson__sync-bar'>
        <View className={`xq-lesson__sync-fill${progress?.completed ? ' is-done' : ''}`} style={{ width: `${percent}%` }} />
      </View>
      <View className='xq-lesson__sync-row'>
        {progress?.completed ? (
          <View className='xq-lesson__done'>
            <Checked size={14} color='#3a9a62' />
            <Text className='xq-lesson__done-text'>本课时已完成</Text>
          </View>
        ) : (
          <Text className='xq-lesson__sync-text'>已计入学习 {percent}%</Text>
        )}
        <Text className={`xq-lesson__sync-state${sync.kind === 'refused' ? ' is-error' : ''}`}>
          {sync.kind === 'saved' ? '进度已保存' : sync.kind === 'queued' ? '网络不可用，进度将在联网后自动同步' : sync.kind === 'refused' ? sync.message : ''}
        </Text>
      </View>
    </View>
  );
}

/** What a player needs: where to start and the reporter's callbacks (onTime also moves the captions). */
type PlayerHooks = Pick<ReturnType<typeof useLessonReporter>, 'onTime' | 'onStop' | 'onPlay' | 'startAt'>;

function VideoPlayer({ data, reporter }: { data: LessonDetailOutput; reporter: PlayerHooks }) {
  return (
    <View className='xq-lesson__video-box'>
      <Video
        id='xq-lesson-video'
        className='xq-lesson__video'
        src={mediaSource(data.mediaUrl ?? '')}
        initialTime={reporter.startAt}
        controls
        showCenterPlayBtn
        enablePlayGesture
        onPlay={reporter.onPlay}
        onTimeUpdate={(e) => reporter.onTime(e.detail.currentTime)}
        onPause={reporter.onStop}
        onEnded={reporter.onStop}
        onError={() => Taro.showToast({ title: '视频加载失败，请稍后重试', icon: 'none' })}
      />
    </View>
  );
}

function AudioPlayer({ data, reporter }: { data: LessonDetailOutput; reporter: PlayerHooks }) {
  const ctx = useRef<Taro.InnerAudioContext | null>(null);
  const [playing, setPlaying] = useState(false);
  const [current, setCurrent] = useState(reporter.startAt);
  const [duration, setDuration] = useState(data.lesson.durationSeconds);
  const resumed = useRef(reporter.startAt <= 0);
  const { onTime, onStop, onPlay, startAt } = reporter;

  useEffect(() => {
    const audio = Taro.createInnerAudioContext();
    ctx.current = audio;
    audio.src = mediaSource(data.mediaUrl ?? '');
    audio.startTime = startAt;
    audio.onPlay(() => {
      setPlaying(true);
      if (!resumed.current) {
        resumed.current = true;
        if (audio.currentTime < startAt - 1) audio.seek(startAt);
      }
      onPlay();
    });
    audio.onPause(() => {
      setPlaying(false);
      onStop();
    });
    audio.onStop(() => {
      setPlaying(false);
      onStop();
    });
    audio.onEnded(() => {
      setPlaying(false);
      onStop();
    });
    audio.onTimeUpdate(() => {
      const t = audio.currentTime;
      if (Number.isFinite(audio.duration) && audio.duration > 0) setDuration(audio.duration);
      setCurrent(t);
      onTime(t);
    });
    audio.onError(() => {
      setPlaying(false);
      Taro.showToast({ title: '音频加载失败，请稍后重试', icon: 'none' });
    });
    return () => {
      audio.destroy();
      ctx.current = null;
    };
  }, [data.mediaUrl, onPlay, onStop, onTime, startAt]);

  const toggle = () => {
    const audio = ctx.current;
    if (!audio) return;
    if (playing) audio.pause();
    else audio.play();
  };
  const skip = (delta: number) => {
    const audio = ctx.current;
    if (!audio) return;
    const to = Math.max(0, Math.min(duration - 1, current + delta));
    audio.seek(to);
    setCurrent(to);
  };
  const percent = duration > 0 ? Math.min(100, (current / duration) * 100) : 0;

  return (
    <View className='xq-lesson__audio'>
      <Text className='xq-lesson__audio-title'>{data.lesson.title}</Text>
      <View className='xq-lesson__audio-bar'>
        <View className='xq-lesson__audio-fill' style={{ width: `${percent}%` }} />
      </View>
      <View className='xq-lesson__audio-times'>
        <Text>{clock(current)}</Text>
        <Text>{clock(duration)}</Text>
      </View>
      <View className='xq-lesson__audio-controls'>
        <View hoverClass='xq-pressed' className='xq-lesson__audio-skip xq-tappable' onClick={() => skip(-15)} aria-label='后退15秒'>
          <PlayDoubleBack size={22} color='#1d5c50' />
          <Text className='xq-lesson__audio-skip-text'>15秒</Text>
        </View>
        <View hoverClass='xq-pressed' className='xq-lesson__audio-play xq-tappable' onClick={toggle} aria-label={playing ? '暂停' : '播放'}>
          {playing ? <PlayStop size={30} color='#ffffff' /> : <PlayStart size={30} color='#ffffff' />}
        </View>
        <View hoverClass='xq-pressed' className='xq-lesson__audio-skip xq-tappable' onClick={() => skip(15)} aria-label='前进15秒'>
          <PlayDoubleForward size={22} color='#1d5c50' />
          <Text className='xq-lesson__audio-skip-text'>15秒</Text>
        </View>
      </View>
    </View>
  );
}

/**
 * The lesson's captions: loads the VTT (when the lesson has one) and follows the player's time, re-rendering only when
 * the cue changes. `onTime` is stable, so the players keep their media context.
 */
function useCaptions(captionsUrl: string | null, onPlayerTime: (time: number) => void) {
  const [cues, setCues] = useState<CaptionCue[]>([]);
  const [current, setCurrent] = useState(-1);
  const cuesRef = useRef<CaptionCue[]>([]);
  const currentRef = useRef(-1);
  const lastTime = useRef(0);
  useEffect(() => {
    if (!captionsUrl) return undefined;
    let alive = true;
    void getCaptions(captionsUrl).then((loaded) => {
      if (!alive) return;
      cuesRef.current = loaded;
      setCues(loaded);
      currentRef.current = cueIndexAt(loaded, lastTime.current);
      setCurrent(currentRef.current);
    });
    return () => {
      alive = false;
    };
  }, [captionsUrl]);
  const onTime = useCallback(
    (time: number) => {
      onPlayerTime(time);
      lastTime.current = time;
      const index = cueIndexAt(cuesRef.current, time);
      if (index !== currentRef.current) {
        currentRef.current = index;
        setCurrent(index);
      }
    },
    [onPlayerTime],
  );
  return { cues, current, onTime };
}

/** The caption line under the player (the cue being spoken) and its 字幕 switch, on by default. */
function CaptionLine({ cue, on, onToggle }: { cue: CaptionCue | null; on: boolean; onToggle: () => void }) {
  return (
    <View className='xq-lesson__captions'>
      {on ? (
        <View className='xq-lesson__caption' aria-live='polite'>
          <Text className='xq-lesson__caption-text'>{cue?.text ?? ''}</Text>
        </View>
      ) : null}
      <View
        hoverClass='xq-pressed'
        className={`xq-lesson__cc xq-tappable${on ? ' is-on' : ''}`}
        onClick={onToggle}
        role='switch'
        aria-checked={on}
        aria-label='字幕'
      >
        <Text className='xq-lesson__cc-text'>字幕：{on ? '开' : '关'}</Text>
      </View>
    </View>
  );
}

/** The narration script as a transcript, the cue being spoken highlighted (when the captions spell the script). */
function Transcript({ body, cues, current }: { body: string[]; cues: CaptionCue[]; current: number }) {
  const paragraphs = useMemo(() => transcriptPieces(body, cues), [body, cues]);
  return (
    <View className='xq-lesson__transcript'>
      {paragraphs.map((pieces, index) => (
        <Text key={index} className='xq-lesson__para'>
          {pieces.map((piece, k) => (
            <Text key={k} className={piece.cue >= 0 && piece.cue === current ? 'xq-lesson__cue is-current' : 'xq-lesson__cue'}>
              {piece.text}
            </Text>
          ))}
        </Text>
      ))}
    </View>
  );
}

/** An article: `## ` headings, `- ` lists and paragraphs (src/shared/lesson-blocks.ts). */
function ArticleBody({ body }: { body: string[] }) {
  const blocks = useMemo(() => parseLessonBlocks(body), [body]);
  return (
    <View className='xq-lesson__article'>
      {blocks.map((block, index) =>
        block.type === 'heading' ? (
          <Text key={index} className='xq-lesson__h'>
            {block.text}
          </Text>
        ) : block.type === 'list' ? (
          <View key={index} className='xq-lesson__list'>
            {block.items.map((item, k) => (
              <View key={k} className='xq-lesson__li'>
                <Text className='xq-lesson__bullet'>•</Text>
                <Text className='xq-lesson__li-text'>{item}</Text>
              </View>
            ))}
          </View>
        ) : (
          <Text key={index} className='xq-lesson__para'>
            {block.text}
          </Text>
        ),
      )}
    </View>
  );
}

const SENTINEL_ID = 'xq-article-end';

/** Calls `onEnd` once the bottom of the article has been on screen (IntersectionObserver, else the page reaching bottom). */
function useReadToEnd(onEnd: () => void, enabled: boolean) {
  const latest = useRef(onEnd);
  useEffect(() => {
    latest.current = onEnd;
  });
  useReachBottom(() => {
    if (enabled) latest.current();
  });
  useEffect(() => {
    if (!enabled) return undefined;
    let stop: (() => void) | undefined;
    const timer = setTimeout(() => {
      if (process.env.TARO_ENV === 'h5') {
        const node = typeof document !== 'undefined' ? document.getElementById(SENTINEL_ID) : null;
        if (!node || typeof IntersectionObserver === 'undefined') return;
        const observer = new IntersectionObserver((entries) => {
          if (entries.some((e) => e.isIntersecting)) latest.current();
        });
        observer.observe(node);
        stop = () => observer.disconnect();
      } else {
        const page = Taro.getCurrentInstance().page;
        if (!page) return;
        const observer = Taro.createIntersectionObserver(page as never);
        observer.relativeToViewport({ bottom: 0 }).observe(`#${SENTINEL_ID}`, (res) => {
          if ((res.intersectionRatio ?? 0) > 0) latest.current();
        });
        stop = () => observer.disconnect();
      }
    }, 300);
    return () => {
      clearTimeout(timer);
      stop?.();
    };
  }, [enabled]);
}

/** Back to the course's outline: the page below when it is that outline, else the outline replaces this page. */
function backToCourse(courseId: string): void {
  const pages = Taro.getCurrentPages();
  const below = pages.length >= 2 ? pages[pages.length - 2] : undefined;
  const where = below as { route?: string; path?: string } | undefined;
  // Lessons are opened from their course's outline, so an outline just below is this course's.
  if (`${where?.route ?? ''} ${where?.path ?? ''}`.includes('packages/course/detail/index')) {
    Taro.navigateBack().catch(() => go(courseRoutes.detail(courseId)));
  } else {
    Taro.redirectTo({ url: courseRoutes.detail(courseId) }).catch(() => go(courseRoutes.detail(courseId)));
  }
}

/** Seconds an article must be open before reaching its end counts as reading it (the server has a similar floor). */
export function minReadSeconds(durationSeconds: number): number {
  return Math.min(60, Math.ceil(durationSeconds * 0.25));
}

function Lesson({ data }: { data: LessonDetailOutput }) {
  const { lesson } = data;
  const reporter = useLessonReporter(data);
  const { progress, sync, send } = reporter;
  const readSent = useRef(false);
  const openedAt = useRef(0);
  const waitTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const [readState, setReadState] = useState<'idle' | 'waiting' | 'sending'>('idle');
  useEffect(() => {
    openedAt.current = Date.now();
    return () => {
      if (waitTimer.current) clearTimeout(waitTimer.current);
    };
  }, []);

  const markRead = useCallback(async () => {
    if (readSent.current) return;
    readSent.current = true;
    setReadState('sending');
    const result = await send('read', []);
    setReadState('idle');
    // Refused (read too fast): allow another try after more reading.
    if (result.rejected.length > 0) readSent.current = false;
  }, [send]);

  /** The end of the article is on screen: it counts once the article has been open long enough to be read. */
  const reachedEnd = useCallback(() => {
    if (readSent.current || waitTimer.current) return;
    const wait = minReadSeconds(lesson.durationSeconds) * 1000 - (Date.now() - openedAt.current);
    if (wait <= 0) {
      void markRead();
      return;
    }
    setReadState('waiting');
    waitTimer.current = setTimeout(() => {
      waitTimer.current = null;
      void markRead();
    }, wait);
  }, [lesson.durationSeconds, markRead]);

  const isArticle = lesson.kind === 'article';
  useReadToEnd(reachedEnd, isArticle && !(progress?.completed ?? false));
  const captions = useCaptions(isArticle ? null : data.captionsUrl, reporter.onTime);
  const [captionsOn, setCaptionsOn] = useState(true);
  const player: PlayerHooks = useMemo(
    () => ({ onTime: captions.onTime, onStop: reporter.onStop, onPlay: reporter.onPlay, startAt: reporter.startAt }),
    [captions.onTime, reporter.onStop, reporter.onPlay, reporter.startAt],
  );

  const goNext = () => {
    if (data.nextLessonId) Taro.redirectTo({ url: courseRoutes.lesson(data.nextLessonId) }).catch(() => undefined);
    else backToCourse(data.courseId);
  };

  return (
    <PageShell
      footer={
        <View className='xq-lesson__footer'>
          <Button className='xq-lesson__back' fill='outline' type='primary' onClick={() => backToCourse(data.courseId)}>
            课程目录
          </Button>
          <Button className='xq-lesson__next' type='primary' onClick={goNext}>
            {data.nextLessonId ? '下一课' : '完成，返回课程'}
          </Button>
        </View>
      }
    >
      <View className='xq-lesson__head'>
        <Text className='xq-lesson__course'>{data.courseTitle}</Text>
        <Text className='xq-lesson__title'>{lesson.title}</Text>
        <Text className='xq-lesson__meta'>
          {KIND_LABELS[lesson.kind]} · {clock(lesson.durationSeconds)}
          {reporter.startAt > 0 && !isArticle ? ` · 从 ${clock(reporter.startAt)} 继续` : ''}
        </Text>
      </View>

      {lesson.kind === 'video' && data.mediaUrl ? <VideoPlayer data={data} reporter={player} /> : null}
      {lesson.kind === 'audio' && data.mediaUrl ? <AudioPlayer data={data} reporter={player} /> : null}
      {!isArticle && captions.cues.length > 0 ? (
        <CaptionLine cue={captions.cues[captions.current] ?? null} on={captionsOn} onToggle={() => setCaptionsOn((on) => !on)} />
      ) : null}

      <SyncLine sync={sync} progress={progress} duration={lesson.durationSeconds} />

      {lesson.safetyCard ? <SafetyCard extra='也可以联系孩子学校的心理教师，预约面谈。' contacts={data.schoolContacts} /> : null}

      <Section title={isArticle ? '正文' : '文稿'}>
        {isArticle ? <ArticleBody body={data.body} /> : <Transcript body={data.body} cues={captions.cues} current={captions.current} />}
        {isArticle ? (
          <View id={SENTINEL_ID} className='xq-lesson__end'>
            {progress?.completed ? (
              <Text className='xq-lesson__end-text'>已读完本课时</Text>
            ) : readState === 'sending' ? (
              <Text className='xq-lesson__end-text'>正在记录…</Text>
            ) : readState === 'waiting' ? (
              <Text className='xq-lesson__end-text'>已读到结尾，请再细读片刻，稍后自动记为已读</Text>
            ) : sync.kind === 'refused' ? (
              <Button size='small' type='primary' fill='outline' onClick={() => void markRead()}>
                我已读完
              </Button>
            ) : (
              <Text className='xq-lesson__end-text'>— 全文完 —</Text>
            )}
          </View>
        ) : null}
      </Section>
    </PageShell>
  );
}

/** 课时: the player (video, audio) or the article, with progress reports, resume, the safety card and the next lesson. */
export default function LessonPage() {
  const { params } = useRouter();
  const id = params.id ?? '';
  const loggedIn = useLoggedIn();
  const loader = useCallback(() => getLesson(id), [id]);
  const { state, retry } = useLoadOnce(loader, loggedIn && id !== '');
  const shown = state.status === 'ready' ? state.data : null;
  useEffect(() => {
    if (shown) Taro.setNavigationBarTitle({ title: shown.lesson.title }).catch(() => undefined);
  }, [shown]);

  if (!loggedIn) {
    return (
      <PageShell title='课时学习'>
        <LoginPrompt title='登录后学习' description='登录后可以学习课时并记录进度。' />
      </PageShell>
    );
  }
  if (id === '') return <StateView status='error' title='没有找到这个课时' description='链接缺少课时编号。' />;
  if (shown) return <Lesson key={shown.lesson.id} data={shown} />;
  if (state.status === 'error') return <StateView status='error' description={state.error.message} onAction={retry} />;
  return <StateView status='loading' skeleton='detail' />;
}
