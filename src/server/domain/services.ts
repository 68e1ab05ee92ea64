/** The domain services of one request, built from storage and the caller. */
import type { AppDeps } from '../deps';
import { AppError } from '../http/errors';
import type { Caller } from './caller';
import { IdentityService } from './identity';
import { InvitationService } from './invitations';
import { RegistryService } from './registry';
import { SystemService } from './system';

/** The services a route handler can use. */
export interface Services {
  system: SystemService;
  identity: IdentityService;
  registry: RegistryService;
  /** Invitations need a logged-in caller. */
  invitations(): InvitationService;
}

/** Builds the services for one request. */
export function buildServices(deps: AppDeps, caller: Caller | null): Services {
  return {
    system: new SystemService(deps),
    identity: new IdentityService(deps),
    registry: new RegistryService(deps, caller),
    invitations: () => {
      if (!caller) throw new AppError('UNAUTHENTICATED');
      return new InvitationService(deps, caller);
    },
  };
}
