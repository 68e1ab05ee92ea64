/** Local help (regional hotlines) and printable binding sheets. */

/** A help hotline as shown on the safety card. */
export interface Hotline {
  /** Digits and '-', e.g. 12356 or 0351-12356. */
  number: string;
  /** What the line is, e.g. 太原市心理援助热线. */
  label: string;
  /** When it is answered, e.g. 24小时; empty when not stated. */
  hours: string;
  /** The region that set it; null for the national default. */
  regionId: string | null;
  regionName: string | null;
}

/** GET /api/hotline: the nearest hotlines for the caller (a parent: one per distinct line of their children's schools' regions; others: the national default or their own region's). */
export interface HotlineOutput {
  /** Never empty; the first is the one to show first. */
  hotlines: Hotline[];
  /** The national line (12356), to mention beside a local one. */
  national: Hotline;
}

/** PUT /api/admin/regions/{id}/hotline */
export interface SetHotlineInput {
  number: string;
  label: string;
  hours: string;
}

/** One change of a region's hotline. */
export interface HotlineAuditEntry {
  id: string;
  at: string;
  actorName: string;
  action: 'set' | 'cleared';
  before: SetHotlineInput | null;
  after: SetHotlineInput | null;
}

/** GET /api/admin/regions/{id}/hotline: what the region sets itself, what its people see, and the history. */
export interface RegionHotlineOutput {
  regionId: string;
  regionName: string;
  /** The region's own setting; null when it inherits. */
  own: SetHotlineInput | null;
  /** The nearest line for people in this region (its own, an ancestor's, or the national default). */
  effective: Hotline;
  history: HotlineAuditEntry[];
}

/** A class of a school with how many binding sheets it would print. */
export interface SheetClass {
  grade: string;
  className: string;
  pupils: number;
}

/** GET /api/schools/{id}/binding-sheets/classes */
export interface SheetClassListOutput {
  classes: SheetClass[];
}
