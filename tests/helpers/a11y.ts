/**
 * The accessibility probe of tests/e2e/a11y-audit.test.ts (issue 14): colour maths (WCAG 2 relative luminance and
 * contrast ratio, source-over compositing) and a function that runs inside the page and measures the real computed
 * styles and boxes of the page on screen. The browser-side functions are self-contained (no imports, no closures over
 * this module) because they are sent to Chromium as source text: see PROBE_SCRIPT.
 */

/** A colour as red, green, blue (0–255) and alpha (0–1). */
export type Rgba = [number, number, number, number];

/** Thresholds of the audit (CSS px and contrast ratios). */
export interface ProbeRules {
  /** Smallest tap target side. */
  minTarget: number;
  /** Slack for sub-pixel rounding of rem-based sizes (a 43.8 px box counts as 44). */
  targetSlack: number;
  /** Smallest font size of any text. */
  minText: number;
  /** Smallest font size of body text. */
  minBody: number;
  /** A text run with at least this many letters (CJK ideographs or Latin letters) is body text. */
  bodyLetters: number;
  /** Text at least this large needs only `largeRatio`. */
  largeText: number;
  normalRatio: number;
  largeRatio: number;
}

/** What the issue asks for: 44×44 targets, 13 px text, 15 px body text, 4.5:1 (3:1 from 18 px). */
export const RULES: ProbeRules = { minTarget: 44, targetSlack: 0.3, minText: 13, minBody: 15, bodyLetters: 16, largeText: 18, normalRatio: 4.5, largeRatio: 3 };

/** One visible tap target under the minimum size. */
export interface TapViolation { what: string; width: number; height: number; disabled: boolean }
/** One element whose own text is too small. */
export interface TextViolation { text: string; size: number; min: number; body: boolean }
/** One element whose own text lacks contrast against its effective background. */
export interface ContrastViolation { text: string; size: number; ratio: number; min: number; fg: string; bg: string; disabled: boolean }

/** What the probe measured on one page. */
export interface ProbeResult {
  /** Visible tap targets counted (after merging nested parts of one target). */
  targets: number;
  /** Visible elements with their own text (including input values and placeholders). */
  texts: number;
  /** Characters of visible text. */
  chars: number;
  tap: TapViolation[];
  text: TextViolation[];
  contrast: ContrastViolation[];
  /** Visible page root (.xq-page) present. */
  hasPage: boolean;
  /** A visible error state (加载失败 …) on the page. */
  errorState: string | null;
  /** The visible page root carries the 大字模式 class. */
  large: boolean;
}

/** Parses a computed CSS colour: rgb()/rgba() (comma or space syntax), color(srgb …), #hex, transparent. */
export function parseColor(input: string): Rgba | null {
  const s = input.trim().toLowerCase();
  if (s === 'transparent') return [0, 0, 0, 0];
  let m = /^rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)(?:\s*[,/]\s*([\d.]+%?))?\s*\)$/.exec(s);
  if (m) {
    const a = m[4] === undefined ? 1 : m[4].endsWith('%') ? parseFloat(m[4]) / 100 : parseFloat(m[4]);
    return [parseFloat(m[1] as string), parseFloat(m[2] as string), parseFloat(m[3] as string), a];
  }
  m = /^color\(srgb\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)(?:\s*\/\s*([\d.]+%?))?\s*\)$/.exec(s);
  if (m) {
    const a = m[4] === undefined ? 1 : m[4].endsWith('%') ? parseFloat(m[4]) / 100 : parseFloat(m[4]);
    return [parseFloat(m[1] as string) * 255, parseFloat(m[2] as string) * 255, parseFloat(m[3] as string) * 255, a];
  }
  m = /^#([0-9a-f]{3,8})$/.exec(s);
  if (m) {
    let h = m[1] as string;
    if (h.length <= 4) h = h.split('').map((c) => c + c).join('');
    const n = (i: number) => parseInt(h.slice(i, i + 2), 16);
    return [n(0), n(2), n(4), h.length === 8 ? n(6) / 255 : 1];
  }
  return null;
}

/** Paints `top` over `bottom` (source-over, straight alpha). */
export function over(top: Rgba, bottom: Rgba): Rgba {
  const a = top[3] + bottom[3] * (1 - top[3]);
  if (a <= 0) return [0, 0, 0, 0];
  const ch = (i: number) => (top[i] * top[3] + bottom[i] * bottom[3] * (1 - top[3])) / a;
  return [ch(0), ch(1), ch(2), a];
}

/** WCAG 2 relative luminance of an opaque colour. */
export function luminance(c: Rgba): number {
  const lin = (v: number) => {
    const x = v / 255;
    return x <= 0.04045 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4);
  };
  return 0.2126 * lin(c[0]) + 0.7152 * lin(c[1]) + 0.0722 * lin(c[2]);
}

/** WCAG 2 contrast ratio of two opaque colours (1–21). */
export function contrastRatio(a: Rgba, b: Rgba): number {
  const la = luminance(a);
  const lb = luminance(b);
  return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
}

/** The colours named in a computed background-image (gradient stops); empty for none or an image. */
export function gradientColors(image: string): Rgba[] {
  if (!/gradient\(/.test(image)) return [];
  const found = image.match(/rgba?\([^)]*\)|color\(srgb[^)]*\)/g) ?? [];
  return found.map((c) => parseColor(c)).filter((c): c is Rgba => c !== null);
}

/** Counts the hit area of one page on screen; runs inside Chromium (needs the other functions of PROBE_SCRIPT). */
export function probePage(rules: ProbeRules): ProbeResult {
  const TAP_PROPS = ['onClick', 'onTap', 'onTouchStart', 'onTouchEnd', 'onLongPress', 'onLongTap', 'onLongClick'];
  const CONTROL_TAGS = new Set(['button', 'select', 'textarea', 'taro-button-core', 'taro-input-core', 'taro-textarea-core', 'taro-switch-core', 'taro-checkbox-core', 'taro-radio-core', 'taro-picker-core', 'taro-slider-core', 'taro-navigator-core']);
  const ENTRY_TAGS = new Set(['textarea', 'taro-input-core', 'taro-textarea-core']);
  const SKIP_TEXT = new Set(['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE', 'TITLE']);
  const win = window as unknown as { __xqListeners?: (el: Element, types: string[]) => unknown[] };
  const styles = new Map<Element, CSSStyleDeclaration>();
  const style = (el: Element) => {
    let s = styles.get(el);
    if (!s) {
      s = getComputedStyle(el);
      styles.set(el, s);
    }
    return s;
  };
  const opacities = new Map<Element, number>();
  /** The product of the element's and its ancestors' opacity. */
  const pathOpacity = (el: Element | null): number => {
    if (!el) return 1;
    const known = opacities.get(el);
    if (known !== undefined) return known;
    const o = parseFloat(style(el).opacity || '1') * pathOpacity(el.parentElement);
    opacities.set(el, o);
    return o;
  };
  /** The area an element's overflow:hidden/clip ancestors leave visible, up to its scroll container (null: nothing clips). */
  const clipOf = (el: Element | null): { l: number; t: number; r: number; b: number } | null => {
    if (!el || el === document.documentElement) return null;
    const s = style(el);
    // Content of a scroll container can be scrolled into view: what clips the container does not clip it.
    const scrolls = (v: string) => v === 'auto' || v === 'scroll';
    if (scrolls(s.overflowX) || scrolls(s.overflowY)) return null;
    const outer = clipOf(el.parentElement);
    const hides = (v: string) => v === 'hidden' || v === 'clip';
    if (!hides(s.overflowX) && !hides(s.overflowY)) return outer;
    const r = el.getBoundingClientRect();
    const mine = {
      l: hides(s.overflowX) ? r.left : -Infinity, r: hides(s.overflowX) ? r.right : Infinity,
      t: hides(s.overflowY) ? r.top : -Infinity, b: hides(s.overflowY) ? r.bottom : Infinity,
    };
    if (!outer) return mine;
    return { l: Math.max(mine.l, outer.l), t: Math.max(mine.t, outer.t), r: Math.min(mine.r, outer.r), b: Math.min(mine.b, outer.b) };
  };
  const clipCache = new Map<Element, { l: number; t: number; r: number; b: number } | null>();
  const clipFor = (el: Element) => {
    if (!clipCache.has(el)) clipCache.set(el, clipOf(el.parentElement));
    return clipCache.get(el) ?? null;
  };
  const showing = (r: { left: number; top: number; right: number; bottom: number }, el: Element) => {
    if (r.right - r.left <= 0 || r.bottom - r.top <= 0) return false;
    const c = clipFor(el);
    if (!c) return true;
    return Math.min(r.right, c.r) - Math.max(r.left, c.l) > 0 && Math.min(r.bottom, c.b) - Math.max(r.top, c.t) > 0;
  };
  /** Rendered, not hidden, not fully transparent, not clipped away. */
  const visible = (el: Element): boolean => {
    const s = style(el);
    if (s.display === 'contents') return el.parentElement !== null && visible(el.parentElement);
    if (el.getClientRects().length === 0 || s.visibility !== 'visible') return false;
    if (pathOpacity(el) < 0.01) return false;
    return showing(el.getBoundingClientRect(), el);
  };
  const describe = (el: Element) => {
    const cls = (el.getAttribute('class') ?? '').split(/\s+/).filter((c) => c && !c.startsWith('hydrated')).slice(0, 2).join('.');
    const text = ((el as HTMLElement).innerText ?? el.textContent ?? '').replace(/\s+/g, ' ').trim().slice(0, 24);
    const label = el.getAttribute('aria-label') ?? (el as HTMLInputElement).placeholder ?? '';
    return `${el.tagName.toLowerCase()}${cls ? '.' + cls : ''} "${text || label}"`;
  };

  // Tap targets.
  const tag = (el: Element) => el.tagName.toLowerCase();
  const isTaroComponent = (el: Element) => /^taro-.*-core$/.test(tag(el));
  type Fiber = { tag?: number; type?: unknown; return?: Fiber | null; stateNode?: { ref?: { current?: unknown }; componentEl?: unknown } | null; memoizedProps?: Record<string, unknown> | null };
  /** A handler that does nothing: () => void 0, () => {}, function () {} (library defaults such as NutUI's icons). */
  const noop = (fn: unknown) => /^(\([^)]*\)|\w+)=>(void0|\{\}|undefined|null)$|^function\w*\([^)]*\)\{\}$/.test(Function.prototype.toString.call(fn).replace(/\s+/g, ''));
  /** The props of the component that rendered a host element (past Taro's wrapper and forwardRef layers). */
  const authorProps = (fiber: Fiber | null | undefined): Record<string, unknown> | null => {
    for (let f = fiber?.return; f; f = f.return) {
      if (typeof f.type === 'string') return null;
      const wrapper = f.stateNode && ('componentEl' in f.stateNode || 'ref' in f.stateNode);
      if ((f.tag === 0 || f.tag === 1) && !wrapper) return f.memoizedProps ?? null;
    }
    return null;
  };
  const handlersOf = (el: Element): Set<unknown> => {
    const out = new Set<unknown>();
    const rec = el as unknown as Record<string, unknown>;
    const fiberKey = Object.keys(rec).find((k) => k.startsWith('__reactFiber$'));
    const fiber = fiberKey ? (rec[fiberKey] as Fiber) : null;
    const author = authorProps(fiber);
    /** A handler counts unless it, or the author's prop of that name it calls, does nothing. */
    const take = (name: string, fn: unknown) => {
      if (typeof fn !== 'function' || noop(fn)) return;
      const theirs = author?.[name];
      if (typeof theirs === 'function' && noop(theirs)) return;
      out.add(fn);
    };
    const hostProps = Object.keys(rec).find((k) => k.startsWith('__reactProps$'));
    if (hostProps) {
      const p = rec[hostProps] as Record<string, unknown> | null;
      for (const n of TAP_PROPS) take(n, p?.[n]);
    }
    // Taro's H5 components are web components wrapped by a React class that adds the listeners itself: read its props.
    const owner = fiber?.return;
    if (owner?.stateNode && (owner.stateNode.componentEl === el || owner.stateNode.ref?.current === el)) {
      const p = owner.memoizedProps ?? {};
      for (const n of TAP_PROPS) take(n, p[n]);
    }
    // Listeners added directly (Taro's tab bar, libraries); a Taro component's own internal listeners are not the app's.
    // React's root container listens for every event on behalf of the whole tree: not a target.
    const reactRoot = Object.keys(rec).some((k) => k.startsWith('__reactContainer$') || k.startsWith('_reactListening'));
    if (!isTaroComponent(el) && !reactRoot) for (const fn of win.__xqListeners?.(el, ['click', 'tap', 'longpress']) ?? []) out.add(fn);
    return out;
  };
  const isEntry = (el: Element) => ENTRY_TAGS.has(tag(el)) || (tag(el) === 'input' && !['hidden', 'checkbox', 'radio', 'button', 'submit', 'reset', 'range', 'file', 'image', 'color'].includes((el as HTMLInputElement).type));
  const nativeAction = (el: Element) => isEntry(el) || (tag(el) === 'a' && /^(https?:|\/|#|tel:|mailto:)/.test(el.getAttribute('href') ?? '')) || tag(el) === 'select';
  const candidate = (el: Element) => {
    const t = tag(el);
    if (style(el).pointerEvents === 'none') return false;
    if (t === 'input' && (el as HTMLInputElement).type === 'hidden') return false;
    return CONTROL_TAGS.has(t) || t === 'input' || (t === 'a' && el.hasAttribute('href')) || el.getAttribute('role') === 'button'
      || el.classList.contains('weui-tabbar__item') || handlersOf(el).size > 0;
  };
  const all = Array.from(document.body.querySelectorAll('*'));
  const cands = all.filter((el) => candidate(el) && visible(el));
  const candSet = new Set(cands);
  let targets = 0;
  const tap: TapViolation[] = [];
  /** The hit area: the border box, grown by an absolutely positioned ::before/::after that takes pointer events (unless the element clips it). */
  const hitBox = (el: Element) => {
    const r = el.getBoundingClientRect();
    let [l, t, rr, b] = [r.left, r.top, r.right, r.bottom];
    const s = style(el);
    if (s.position !== 'static' && s.overflowX === 'visible' && s.overflowY === 'visible') {
      for (const pseudo of ['::before', '::after']) {
        const p = getComputedStyle(el, pseudo);
        if (p.content === 'none' || p.content === 'normal' || p.position !== 'absolute' || p.pointerEvents === 'none' || p.display === 'none') continue;
        // Only a translation is followed (NutUI's pressed overlay is translate(-50%, -50%) of a 100 % box: no growth).
        const m = p.transform === 'none' ? [1, 0, 0, 1, 0, 0] : (/^matrix\(([^)]*)\)$/.exec(p.transform)?.[1] ?? '').split(',').map(parseFloat);
        if (m.length !== 6 || m[0] !== 1 || m[1] !== 0 || m[2] !== 0 || m[3] !== 1) continue;
        const n = (v: string) => parseFloat(v);
        const extraW = p.boxSizing === 'border-box' ? 0 : n(p.paddingLeft) + n(p.paddingRight) + n(p.borderLeftWidth) + n(p.borderRightWidth);
        const extraH = p.boxSizing === 'border-box' ? 0 : n(p.paddingTop) + n(p.paddingBottom) + n(p.borderTopWidth) + n(p.borderBottomWidth);
        const pl = r.left + n(s.borderLeftWidth) + n(p.left) + (m[4] as number);
        const pt = r.top + n(s.borderTopWidth) + n(p.top) + (m[5] as number);
        const [pw, ph] = [n(p.width) + extraW, n(p.height) + extraH];
        if ([pl, pt, pw, ph].some((x) => Number.isNaN(x))) continue;
        l = Math.min(l, pl);
        t = Math.min(t, pt);
        rr = Math.max(rr, pl + pw);
        b = Math.max(b, pt + ph);
      }
    }
    return { width: rr - l, height: b - t };
  };
  for (const el of cands) {
    let anc = el.parentElement;
    while (anc && !candSet.has(anc)) anc = anc.parentElement;
    if (anc) {
      // Inside a bigger tap target: a separate target only when it acts on its own (its own handler, or typing).
      const mine = handlersOf(el);
      const theirs = handlersOf(anc);
      const ownHandler = Array.from(mine).some((f) => !theirs.has(f));
      // The <input> inside taro-input-core is that control's own part; a text box inside a tappable row is a target of its own.
      const separate = ownHandler || (nativeAction(el) && !isTaroComponent(anc));
      if (!separate) continue;
    }
    targets++;
    const box = hitBox(el);
    if (box.width < rules.minTarget - rules.targetSlack || box.height < rules.minTarget - rules.targetSlack) {
      const disabled = el.hasAttribute('disabled') || el.getAttribute('aria-disabled') === 'true' || /(^|\s)[\w-]*disabled\b/.test(el.getAttribute('class') ?? '');
      tap.push({ what: describe(el), width: Math.round(box.width * 10) / 10, height: Math.round(box.height * 10) / 10, disabled });
    }
  }

  // Text: each element's own visible text (its direct text nodes), input values and placeholders.
  /** Declared decoration: inside aria-hidden and untouchable (the notice's watermark), so neither read nor tapped. */
  const decoration = (el: Element) => el.closest('[aria-hidden="true"]') !== null && style(el).pointerEvents === 'none';
  const own = new Map<Element, string>();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const parent = n.parentElement;
    const value = (n.nodeValue ?? '').trim();
    if (!parent || !value || SKIP_TEXT.has(parent.tagName)) continue;
    if (!visible(parent) || decoration(parent)) continue;
    const range = document.createRange();
    range.selectNodeContents(n);
    if (!Array.from(range.getClientRects()).some((r) => showing(r, parent))) continue;
    own.set(parent, `${own.get(parent) ?? ''}${n.nodeValue ?? ''}`);
  }
  const fields = new Map<Element, { text: string; color: string }>();
  for (const el of all) {
    if (!(el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement) || !isEntry(el) || !visible(el)) continue;
    if (el.value.trim()) fields.set(el, { text: el.value, color: style(el).color });
    else if (el.placeholder.trim()) fields.set(el, { text: el.placeholder, color: getComputedStyle(el, '::placeholder').color });
  }
  const bgCandidates = (el: Element): Rgba[] => {
    const s = style(el);
    const base = parseColor(s.backgroundColor) ?? [0, 0, 0, 0];
    const stops = gradientColors(s.backgroundImage);
    return stops.length ? stops.map((c) => over(c, base)) : [base];
  };
  /** The worst contrast of `fg` painted in `el` over every background combination of its ancestors (opacity groups composed). */
  const worstContrast = (el: Element, fg: Rgba) => {
    const chain: Element[] = [];
    for (let n: Element | null = el; n; n = n.parentElement) chain.unshift(n);
    let choices = chain.map(bgCandidates);
    let combos = choices.reduce((k, c) => k * c.length, 1);
    if (combos > 64) {
      choices = choices.map((c) => (c.length > 2 ? [c.reduce((a, b) => (luminance(b) < luminance(a) ? b : a)), c.reduce((a, b) => (luminance(b) > luminance(a) ? b : a))] : c));
      combos = choices.reduce((k, c) => k * c.length, 1);
    }
    let worst = { ratio: Infinity, fg: fg, bg: fg };
    for (let i = 0; i < combos; i++) {
      let k = i;
      const stack: { o: number; c: Rgba }[] = [{ o: 1, c: [255, 255, 255, 1] }];
      chain.forEach((node, j) => {
        const c = choices[j] as Rgba[];
        const pick = c[k % c.length] as Rgba;
        k = Math.floor(k / c.length);
        const o = parseFloat(style(node).opacity || '1');
        if (o < 1) stack.push({ o, c: [0, 0, 0, 0] });
        const top = stack[stack.length - 1] as { o: number; c: Rgba };
        top.c = over(pick, top.c);
      });
      const flatten = (withText: boolean): Rgba => {
        const top = stack[stack.length - 1] as { o: number; c: Rgba };
        let c = withText ? over(fg, top.c) : top.c;
        for (let j = stack.length - 1; j > 0; j--) {
          const g = stack[j] as { o: number; c: Rgba };
          c = over([c[0], c[1], c[2], c[3] * g.o], (stack[j - 1] as { c: Rgba }).c);
        }
        return over(c, [255, 255, 255, 1]);
      };
      const f = flatten(true);
      const b = flatten(false);
      const ratio = contrastRatio(f, b);
      if (ratio < worst.ratio) worst = { ratio, fg: f, bg: b };
    }
    return worst;
  };
  const hex = (c: Rgba) => '#' + c.slice(0, 3).map((v) => Math.round(v).toString(16).padStart(2, '0')).join('');
  const text: TextViolation[] = [];
  const contrast: ContrastViolation[] = [];
  let chars = 0;
  const entries: [Element, string, string][] = [];
  own.forEach((t, el) => {
    const svg = el instanceof SVGElement;
    entries.push([el, t, svg ? style(el).fill : style(el).color]);
  });
  fields.forEach((f, el) => entries.push([el, f.text, f.color]));
  for (const [el, raw, colour] of entries) {
    const t = raw.replace(/\s+/g, ' ').trim();
    chars += Array.from(t).length;
    const s = style(el);
    const size = parseFloat(s.fontSize);
    const letters = (t.match(/[\p{Script=Han}\p{L}]/gu) ?? []).length;
    const body = letters >= rules.bodyLetters;
    const min = body ? rules.minBody : rules.minText;
    const shown = t.slice(0, 30);
    if (size < min - 0.01) text.push({ text: shown, size: Math.round(size * 10) / 10, min, body });
    const fg = parseColor(colour);
    if (!fg || fg[3] === 0) continue;
    const worst = worstContrast(el, fg);
    const need = size >= rules.largeText ? rules.largeRatio : rules.normalRatio;
    if (worst.ratio < need) {
      let disabled = false;
      for (let n: Element | null = el; n && !disabled; n = n.parentElement) disabled = n.hasAttribute('disabled') || /(^|\s)[\w-]*disabled\b/.test(n.getAttribute('class') ?? '');
      contrast.push({ text: shown, size: Math.round(size * 10) / 10, ratio: Math.round(worst.ratio * 100) / 100, min: need, fg: hex(worst.fg), bg: hex(worst.bg), disabled });
    }
  }
  const pageRoot = Array.from(document.querySelectorAll('.xq-page')).find((el) => visible(el)) ?? null;
  const error = Array.from(document.querySelectorAll('.xq-state--error')).find((el) => visible(el));
  return {
    targets, texts: entries.length, chars, tap, text, contrast,
    hasPage: pageRoot !== null,
    errorState: error ? ((error as HTMLElement).innerText || '').replace(/\s+/g, ' ').slice(0, 80) : null,
    large: pageRoot !== null && pageRoot.closest('.xq-large') !== null,
  };
}

/** Installed before the app loads: records the click/tap listeners added to each element, for probePage. */
export const LISTENER_HOOK = `(() => {
  const map = new WeakMap();
  const add = EventTarget.prototype.addEventListener;
  const remove = EventTarget.prototype.removeEventListener;
  EventTarget.prototype.addEventListener = function (type, fn, opts) {
    if (fn && typeof Element !== 'undefined' && this instanceof Element) {
      let m = map.get(this);
      if (!m) { m = new Map(); map.set(this, m); }
      let s = m.get(type);
      if (!s) { s = new Set(); m.set(type, s); }
      s.add(fn);
    }
    return add.call(this, type, fn, opts);
  };
  EventTarget.prototype.removeEventListener = function (type, fn, opts) {
    const s = map.get(this) && map.get(this).get(type);
    if (s) s.delete(fn);
    return remove.call(this, type, fn, opts);
  };
  window.__xqListeners = (el, types) => {
    const m = map.get(el);
    if (!m) return [];
    return types.flatMap((t) => Array.from(m.get(t) || []));
  };
})();`;

/** The probe as source text for page.evaluate: the colour functions and probePage, then a call with the rules. */
export function probeScript(rules: ProbeRules = RULES): string {
  return `(() => {\n${[parseColor, over, luminance, contrastRatio, gradientColors, probePage].map(String).join('\n')}\nreturn probePage(${JSON.stringify(rules)});\n})()`;
}
