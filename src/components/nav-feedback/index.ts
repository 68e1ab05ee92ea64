/**
 * H5: feedback from the moment a navigation starts. Taro's H5 router fetches a page's script before it draws the page,
 * which on a slow network leaves the old page on screen for seconds; a bar and a 正在打开… label show at the top until
 * the new page is shown (where its own loading state takes over).
 */
import Taro from '@tarojs/taro';

/** A page that opens faster than this shows no bar at all (no flicker on a tab already loaded). */
export const NAV_FEEDBACK_DELAY_MS = 50;
/** The bar goes away by itself after this long, whatever happened to the navigation. */
export const NAV_FEEDBACK_TIMEOUT_MS = 15_000;
/** The class of the feedback element; 'is-active' is added while a navigation is under way. */
export const NAV_FEEDBACK_CLASS = 'xq-nav-feedback';

/** The feedback's styles (theme tokens with fallbacks), built only on H5 so the mini-program's main package does not carry them. */
function styles(): string {
  return `
.${NAV_FEEDBACK_CLASS}{position:fixed;top:0;left:0;right:0;z-index:10000;pointer-events:none;opacity:0;transition:opacity .12s}
.${NAV_FEEDBACK_CLASS}.is-active{opacity:1}
.${NAV_FEEDBACK_CLASS}__bar{height:4px;background:var(--xq-primary,#2e8b7a);transform-origin:left;animation:xq-nav-grow 8s cubic-bezier(.1,.7,.3,1) forwards}
.${NAV_FEEDBACK_CLASS}__label{display:flex;align-items:center;gap:8px;width:max-content;margin:8px auto 0;padding:6px 14px;border-radius:999px;background:var(--xq-card,#fff);color:var(--xq-text,#1f2d2a);font-size:15px;box-shadow:0 2px 10px rgba(31,45,42,.15)}
.${NAV_FEEDBACK_CLASS}__spin{width:14px;height:14px;border-radius:50%;border:2px solid var(--xq-primary-light,#e6f3f0);border-top-color:var(--xq-primary,#2e8b7a);animation:xq-nav-spin .8s linear infinite}
@keyframes xq-nav-grow{from{transform:scaleX(.05)}to{transform:scaleX(.9)}}
@keyframes xq-nav-spin{to{transform:rotate(360deg)}}
`;
}

let installed = false;

function pathOf(path: string | undefined): string {
  return (path ?? '').split('?')[0]!.replace(/^\/*/, '/');
}

/** Installs the navigation feedback once (H5 only; the mini-program draws its own while a subpackage downloads). */
export function installNavigationFeedback(): void {
  if (installed || process.env.TARO_ENV !== 'h5' || typeof document === 'undefined') return;
  installed = true;
  const style = document.createElement('style');
  style.textContent = styles();
  document.head.appendChild(style);
  const root = document.createElement('div');
  root.className = NAV_FEEDBACK_CLASS;
  root.setAttribute('aria-live', 'polite');
  root.innerHTML = `<div class="${NAV_FEEDBACK_CLASS}__bar"></div><div class="${NAV_FEEDBACK_CLASS}__label"><span class="${NAV_FEEDBACK_CLASS}__spin"></span><span>正在打开…</span></div>`;
  root.hidden = true;
  document.body.appendChild(root);

  let showTimer: ReturnType<typeof setTimeout> | undefined;
  let endTimer: ReturnType<typeof setTimeout> | undefined;
  const done = () => {
    clearTimeout(showTimer);
    clearTimeout(endTimer);
    showTimer = undefined;
    endTimer = undefined;
    root.classList.remove('is-active');
    root.hidden = true;
  };
  const start = (event?: { toLocation?: { path?: string } }) => {
    const to = pathOf(event?.toLocation?.path);
    // Tapping the tab that is already shown starts no navigation.
    if (to === pathOf(Taro.getCurrentInstance().router?.path)) return;
    done();
    showTimer = setTimeout(() => {
      root.hidden = false;
      // Restart the bar's animation for this navigation.
      const bar = root.firstElementChild as HTMLElement | null;
      if (bar) {
        bar.style.animation = 'none';
        void bar.offsetWidth;
        bar.style.animation = '';
      }
      root.classList.add('is-active');
    }, NAV_FEEDBACK_DELAY_MS);
    endTimer = setTimeout(done, NAV_FEEDBACK_TIMEOUT_MS);
  };
  Taro.eventCenter.on('__taroRouterChange', start);
  Taro.eventCenter.on('__afterTaroRouterChange', done);
  Taro.eventCenter.on('__taroRouterNotFound', done);
}
