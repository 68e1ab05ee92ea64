/** The domain services of one request, built from storage and the caller. */
import type { CertificateVerifyOutput, XapiExportOutput } from '../../../types';
import type { AppDeps } from '../deps';
import { AppError } from '../http/errors';
import type { Caller } from './caller';
import { IdentityService } from './identity';
import { InvitationService } from './invitations';
import { CourseService, verifyCertificate } from './learning/courses';
import { ProgressService } from './learning/progress';
import { exportStatements } from './learning/xapi';
import { RegistryService } from './registry';
import { SystemService } from './system';

/** The services a route handler can use. */
export interface Services {
  system: SystemService;
  identity: IdentityService;
  registry: RegistryService;
  /** Invitations need a logged-in caller. */
  invitations(): InvitationService;
  courses(): CourseService;
  progress(): ProgressService;
  certificates: { verify(code: string): Promise<CertificateVerifyOutput> };
  statements: { export(opts: { userId: string | null; after: string | null; limit: number }): Promise<XapiExportOutput> };
}

/** Builds the services for one request. */
export function buildServices(deps: AppDeps, caller: Caller | null): Services {
  return {
    system: new SystemService(deps),
    identity: new IdentityService(deps),
    registry: new RegistryService(deps, caller),
    invitations: () => new InvitationService(deps, required(caller)),
    courses: () => new CourseService(deps, required(caller)),
    progress: () => new ProgressService(deps, required(caller)),
    certificates: { verify: (code) => verifyCertificate(deps.db, code) },
    statements: { export: (opts) => exportStatements(deps.db, opts) },
  };
}

function required(caller: Caller | null): Caller {
  if (!caller) throw new AppError('UNAUTHENTICATED');
  return caller;
}
