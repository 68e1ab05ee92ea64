/** Typed calls of a school's classes and their 班主任 (school staff and administrators). */
import type { ClassInput, ClassOutput, SchoolClassesOutput } from '../../types';
import { request, type ApiResult } from './request';

const seg = (id: string) => encodeURIComponent(id);

/** The school's classes with their 班主任 (a 班主任 gets only their own classes). */
export function listClasses(schoolId: string): Promise<ApiResult<SchoolClassesOutput>> {
  return request<SchoolClassesOutput>(`/api/schools/${seg(schoolId)}/classes`);
}

/** Opens a class at the school (key: the form's idempotency key). */
export function createClass(schoolId: string, input: ClassInput, key: string): Promise<ApiResult<ClassOutput>> {
  return request<ClassOutput>(`/api/schools/${seg(schoolId)}/classes`, { method: 'POST', body: input, idempotencyKey: key });
}

/** Assigns a 班主任 of the school to a class. */
export function assignHeadTeacher(classId: string, userId: string): Promise<ApiResult<ClassOutput>> {
  return request<ClassOutput>(`/api/classes/${seg(classId)}/head-teachers/${seg(userId)}`, { method: 'PUT', body: {} });
}

/** Ends a 班主任's assignment to a class. */
export function unassignHeadTeacher(classId: string, userId: string): Promise<ApiResult<ClassOutput>> {
  return request<ClassOutput>(`/api/classes/${seg(classId)}/head-teachers/${seg(userId)}`, { method: 'DELETE' });
}

/** Closes a class (no longer taught): its 班主任 stop seeing its pupils; the pupils and their records stay. */
export function closeClass(classId: string): Promise<ApiResult<ClassOutput>> {
  return request<ClassOutput>(`/api/classes/${seg(classId)}/close`, { method: 'POST', body: {} });
}
