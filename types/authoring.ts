/** The course authoring console (issue 16): staff write, upload, preview and publish courses. Types only. */
import type { PolicyModule, Stage } from './domain';
import type { LessonKind } from './courses';

/** GET /api/admin/authoring/courses: filters of the console's course list. */
export interface AuthoringListQuery {
  module?: PolicyModule;
  stage?: Stage;
  status?: 'draft' | 'published';
}

/** A course in the console's list. */
export interface AuthoringCourseSummary {
  id: string;
  title: string;
  module: PolicyModule;
  stages: Stage[];
  published: boolean;
  /** The owner region (null: a platform course, seen by every parent). */
  regionId: string | null;
  regionName: string | null;
  /** 'content': a shipped course file (until edited here); 'console': written or edited in the console. */
  origin: 'content' | 'console';
  lessonCount: number;
  questionCount: number;
  version: number;
  updatedAt: string;
}

/** A region the caller may own courses in. */
export interface AuthoringRegion {
  id: string;
  name: string;
}

/** GET /api/admin/authoring/courses */
export interface AuthoringListOutput {
  courses: AuthoringCourseSummary[];
  /** Where the caller may create courses (admins also create platform courses: regionId null). */
  regions: AuthoringRegion[];
  canCreatePlatform: boolean;
}

/** A lesson as the editor sends it: `id` null for a new lesson; `text` in the article markup (`## ` headings, `- ` items, else paragraphs). */
export interface AuthoringLessonInput {
  id: string | null;
  title: string;
  kind: LessonKind;
  /** Article: the text; audio / video: the script shown as transcript. */
  text: string;
  /** An uploaded media name (from an upload) or the lesson's current file; null for articles or not yet uploaded. */
  media: string | null;
}

/** A quiz question as the editor writes it. */
export interface AuthoringQuestion {
  prompt: string;
  options: string[];
  /** Index of the correct option. */
  answer: number;
  explanation: string;
}

/** The editable content of a course. */
export interface AuthoringCourseInput {
  title: string;
  summary: string;
  module: PolicyModule;
  stages: Stage[];
  /** The owner region (null: platform course; administrators only). */
  regionId: string | null;
  lessons: AuthoringLessonInput[];
  quiz: { passMark: number; questions: AuthoringQuestion[] };
}

/** PUT /api/admin/authoring/courses/{id}: the content and the version it was edited from. */
export interface SaveCourseInput extends AuthoringCourseInput {
  version: number;
}

/** POST …/publish and …/unpublish: the version the author saw. */
export interface PublishCourseInput {
  version: number;
}

/** A lesson as the editor shows it. */
export interface AuthoringLesson extends AuthoringLessonInput {
  id: string;
  /** Seconds: read from the media file, or estimated from an article's length; 0 while no media is uploaded. */
  durationSeconds: number;
  mediaUrl: string | null;
}

/** A reason a course cannot be published yet, by field path (e.g. lessons.1.media). */
export interface AuthoringProblem {
  path: string;
  message: string;
}

/** A course in the editor. */
export interface AuthoringCourseOutput {
  id: string;
  slug: string;
  published: boolean;
  origin: 'content' | 'console';
  version: number;
  regionName: string | null;
  updatedAt: string;
  course: Omit<AuthoringCourseInput, 'lessons'> & { lessons: AuthoringLesson[] };
  /** Empty when the course can be published. */
  problems: AuthoringProblem[];
}

/** POST /api/admin/media/uploads */
export interface MediaUploadInput {
  fileName: string;
  sizeBytes: number;
}

/** How to send the parts of an upload. */
export interface MediaUploadOutput {
  uploadId: string;
  partBytes: number;
  partCount: number;
}

/** PUT /api/admin/media/uploads/{id}/parts/{index} */
export interface MediaPartInput {
  dataBase64: string;
}

/** PUT …/parts/{index}: how many parts the server holds. */
export interface MediaPartOutput {
  received: number;
  partCount: number;
}

/** POST …/finish: the stored file, its type and duration read from its bytes. */
export interface MediaFileOutput {
  name: string;
  url: string;
  contentType: string;
  sizeBytes: number;
  durationSeconds: number;
  hasVideo: boolean;
}
