/** Courses, lessons, learning progress, quizzes and certificates (part 1 of the product). Types only. */
import type { PolicyModule, SchoolContact, Stage } from './domain';

/** How a lesson is delivered. */
export type LessonKind = 'article' | 'audio' | 'video';

/** A played (or read) span of a lesson, in seconds from its start: [start, end). */
export type Segment = [number, number];

/** A parent's progress in one lesson, as the server computed it from their statements. */
export interface LessonProgress {
  /** Where to resume, in seconds (articles: 0). */
  position: number;
  /** Unique seconds played (articles: seconds of reading credited). */
  creditedSeconds: number;
  /** The merged unique segments played so far. */
  segments: Segment[];
  completed: boolean;
  completedAt: string | null;
}

/** A lesson in a course's outline. */
export interface LessonSummary {
  id: string;
  slug: string;
  title: string;
  kind: LessonKind;
  durationSeconds: number;
  /** 心理异常认知 and 心理援助 lessons carry the safety card (hotline, school psychology teacher). */
  safetyCard: boolean;
  progress: LessonProgress | null;
}

/** A course as the catalogue lists it. */
export interface CourseSummary {
  id: string;
  slug: string;
  title: string;
  summary: string;
  module: PolicyModule;
  stages: Stage[];
  lessonCount: number;
  durationSeconds: number;
  hasQuiz: boolean;
  /** The caller's state in the course (null when not enrolled). */
  mine: { enrolledAt: string; completedLessons: number; completedAt: string | null } | null;
}

/** GET /api/courses */
export interface CourseListQuery {
  module?: PolicyModule;
  stage?: Stage;
  q?: string;
}

/** GET /api/courses: the catalogue, the caller's children's stages first. */
export interface CourseListOutput {
  courses: CourseSummary[];
  /** The stages of the caller's bound children (what "for my child" means). */
  myStages: Stage[];
  /** Courses the caller started and has not completed, most recent first. */
  continueLearning: CourseSummary[];
}

/** GET /api/courses/{id} */
export interface CourseDetailOutput {
  course: CourseSummary;
  lessons: LessonSummary[];
  quiz: { questionCount: number; passMark: number; attempts: number; passed: boolean } | null;
  certificate: CertificateOutput | null;
  /** When the course has lessons with the safety card: how to reach the psychology teachers of the parent's children's schools. */
  schoolContacts: SchoolContact[];
}

/** GET /api/lessons/{id} */
export interface LessonDetailOutput {
  lesson: LessonSummary;
  courseId: string;
  courseTitle: string;
  /** Article text, one paragraph per entry (also the transcript of audio and video lessons). */
  body: string[];
  /** The media file's URL (audio and video lessons), served by the backend. */
  mediaUrl: string | null;
  /** The WebVTT captions of the narration (`/media/<name>.vtt`), when the media has them; null otherwise. */
  captionsUrl: string | null;
  /** On lessons with the safety card: how to reach the psychology teachers of the parent's children's schools. */
  schoolContacts: SchoolContact[];
  /** The lesson after this one in the course, if any. */
  nextLessonId: string | null;
}

/** One progress report: a learning statement after xAPI (the actor is the caller; the server adds the context). */
export interface ProgressStatementInput {
  /** A UUID the client makes once per statement: a replay of the same id is ignored. */
  id: string;
  lessonId: string;
  /** 'played' (audio/video segments), 'read' (article read to the end), 'progressed' (position only). */
  verb: 'played' | 'read' | 'progressed';
  /** Segments played since the last statement (audio/video). */
  segments: Segment[];
  /** The player's position when the statement was made. */
  position: number;
  /** When the client made the statement (it may be replayed later from the offline queue). */
  timestamp: string;
}

/** POST /api/progress */
export interface ProgressInput {
  statements: ProgressStatementInput[];
}

/** POST /api/progress: the resulting progress of each lesson touched. */
export interface ProgressOutput {
  accepted: number;
  duplicates: number;
  /** Statements refused (the client drops them from its queue): implausible, out of range, not enrolled. */
  rejected: { id: string; code: string; message: string }[];
  lessons: { lessonId: string; progress: LessonProgress }[];
}

/** One option of a quiz question: an opaque id (stable while its text is unchanged) and its text. */
export interface QuizOption {
  id: string;
  text: string;
}

/** A quiz question as the parent sees it: options in a new order on every request, without the answer. */
export interface QuizQuestion {
  id: string;
  prompt: string;
  options: QuizOption[];
}

/** GET /api/courses/{id}/quiz */
export interface QuizOutput {
  passMark: number;
  questions: QuizQuestion[];
  attempts: number;
  passed: boolean;
  /** Seconds until the next attempt is accepted, after too many failed attempts in a row; null when the caller may submit now. */
  retryAfterSeconds: number | null;
  /** Failed attempts left before the cooldown (the full allowance again after a pass or a cooldown). */
  remainingAttempts: number;
}

/** One answer: the chosen option (by id) of one question (by id). */
export interface QuizAnswer {
  questionId: string;
  optionId: string;
}

/** POST /api/courses/{id}/quiz: one answer for every question, in any order. */
export interface QuizSubmitInput {
  answers: QuizAnswer[];
}

/** A question after a passed attempt: the caller's choice, the correct option and the explanation. */
export interface QuizReview {
  questionId: string;
  chosenOptionId: string;
  correctOptionId: string;
  explanation: string;
}

/** The result of a quiz attempt. A failed attempt names the wrong questions and reveals no answer and no explanation. */
export interface QuizResultOutput {
  score: number;
  passMark: number;
  passed: boolean;
  attempts: number;
  /** The questions answered wrongly, in the quiz's order. */
  wrongQuestionIds: string[];
  /** After a pass only: every question's correct option and explanation; null after a failed attempt. */
  review: QuizReview[] | null;
  /** After the failed attempt that used up the allowance: seconds until the next attempt is accepted; otherwise null. */
  retryAfterSeconds: number | null;
  /** Failed attempts left before the cooldown. */
  remainingAttempts: number;
  /** Issued when this attempt completed the course. */
  certificate: CertificateOutput | null;
}

/** A certificate of completion. */
export interface CertificateOutput {
  code: string;
  displayName: string;
  courseTitle: string;
  module: PolicyModule;
  issuedAt: string;
}

/** GET /api/certificates/{code}: public verification. */
export interface CertificateVerifyOutput {
  valid: boolean;
  certificate: CertificateOutput | null;
}

/** GET /api/me/learning */
export interface MyLearningOutput {
  inProgress: CourseSummary[];
  completed: (CourseSummary & { certificate: CertificateOutput | null })[];
  totalSeconds: number;
  completedLessons: number;
}

/** A slide of a video lesson: shown from the start of body paragraph `at`; a title line, then key points, "\n" between lines. */
export interface LessonSlide {
  at: number;
  text: string;
}

/** The content file format of a course (src/server/content/courses/*.json), also the body of POST /api/admin/courses. */
export interface CourseContent {
  slug: string;
  title: string;
  summary: string;
  module: PolicyModule;
  stages: Stage[];
  lessons: {
    slug: string;
    title: string;
    kind: LessonKind;
    /** Seconds (articles: the expected reading time). */
    durationSeconds: number;
    /** A file under src/server/content/media (audio and video lessons). */
    media?: string;
    /**
     * Articles: blocks, where `## ` starts a heading, `- ` a list item (consecutive items form one list), anything else a
     * paragraph. Audio and video: the narration script, plain paragraphs.
     */
    body: string[];
    /** Video lessons: the slides, each shown from the start of body paragraph `at` (first at 0, increasing); lines split by "\n". */
    slides?: LessonSlide[];
  }[];
  quiz?: {
    passMark: number;
    questions: { prompt: string; options: string[]; answer: number; explanation: string }[];
  };
}

/** One statement in xAPI 1.0.3 form, as exported for a learning-record store. */
export interface XapiStatement {
  id: string;
  actor: { objectType: 'Agent'; account: { homePage: string; name: string } };
  verb: { id: string; display: { 'zh-CN': string } };
  object: { objectType: 'Activity'; id: string; definition: { type: string } };
  result?: { completion?: boolean; extensions?: Record<string, unknown> };
  context?: { extensions: Record<string, unknown> };
  timestamp: string;
  stored: string;
}

/** GET /api/me/statements and GET /api/admin/statements */
export interface XapiExportOutput {
  statements: XapiStatement[];
  /** Pass as `after` to get the next page; null at the end. */
  more: string | null;
}
