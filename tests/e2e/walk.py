"""What the walk-through checks on every page it opens, kept apart from the test that drives it.

A ``Watch`` listens to one page for console errors, uncaught exceptions and failed local requests;
``page_problems`` reads the rendered page for Python-looking text, raw field paths in errors and, on a
phone, a page wider than the screen. Each problem is one line naming the page, so one run lists them all.
"""

import re
from dataclasses import dataclass, field

# text a user must never read: a Python object or dict leaking through a template, a None printed as-is
PYTHON_TEXT = [
    ("<generator", re.compile(r"<generator")),
    ("object at 0x", re.compile(r"object at 0x[0-9a-f]+")),
    ("{'", re.compile(r"\{'")),
    ("None", re.compile(r"(?<![A-Za-z_])None(?![A-Za-z_])")),
    ("a timedelta (0:30:00)", re.compile(r"(?<![\d:])\d:\d\d:\d\d(?![\d:])|\d+ days?, \d")),
]
# an error naming a field by its path (hazards[0].description) instead of its Chinese label
FIELD_PATH = re.compile(r"\[\d+\]\.")

# the text a user reads: the body's text plus what form fields hold (a textarea's value is not innerText)
READ_TEXT_JS = """() => {
  const values = [...document.querySelectorAll('textarea, input:not([type=hidden]):not([type=password])')]
    .map(e => e.value).filter(v => v);
  return document.body.innerText + '\\n' + values.join('\\n');
}"""
OVERFLOW_JS = """() => {
  const doc = document.documentElement;
  if (doc.scrollWidth <= window.innerWidth) return null;
  // the widest elements sticking out, to say what overflows
  const out = [];
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.right > window.innerWidth + 1 && r.width > 0) {
      let inScroller = false;
      for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
        const s = getComputedStyle(p).overflowX;
        if (s === 'auto' || s === 'scroll' || s === 'hidden') { inScroller = true; break; }
      }
      if (!inScroller) out.push((el.id ? '#' + el.id : el.tagName.toLowerCase() +
        (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : ''))
        + ' right=' + Math.round(r.right));
    }
  }
  return {scrollWidth: doc.scrollWidth, innerWidth: window.innerWidth, culprits: out.slice(0, 5)};
}"""

# buttons whose label breaks onto a second line: the distinct line tops of the label's text boxes
WRAPPED_BUTTONS_JS = """() => {
  const wrapped = [];
  for (const el of document.querySelectorAll('.btn')) {
    if (!el.offsetParent || el.classList.contains('btn-close') || !el.innerText.trim()) continue;
    const range = document.createRange();
    range.selectNodeContents(el);
    const rects = [...range.getClientRects()].filter(r => r.width > 0 && r.height > 0);
    const first = rects.reduce((low, r) => Math.min(low, r.bottom), Infinity);
    // a box starting below the first line's bottom sits on a second line
    if (rects.some(r => r.top >= first - 2)) wrapped.push(el.innerText.trim().replace(/\\s+/g, ' '));
  }
  return wrapped;
}"""


@dataclass
class Watch:
    """Collects what goes wrong on one page while it is driven: console errors, page errors, failed or
    erroring requests of the server's own assets and pages."""

    base_url: str
    problems: list = field(default_factory=list)
    where: str = ""

    def attach(self, page):
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.problems.append(f"{self.where}: JS error: {exc}"))
        page.on("requestfailed", self._failed)
        page.on("response", self._response)
        return self

    def _console(self, msg):
        if msg.type == "error":
            self.problems.append(f"{self.where}: console error: {msg.text}")

    def _local(self, url: str) -> bool:
        return url.startswith(self.base_url)

    def _failed(self, request):
        # a navigation away aborts the previous page's pending requests: not a failure of the asset
        if self._local(request.url) and request.failure != "net::ERR_ABORTED":
            self.problems.append(f"{self.where}: request failed: {request.url} ({request.failure})")

    def _response(self, response):
        if self._local(response.url) and response.status >= 400:
            self.problems.append(f"{self.where}: HTTP {response.status}: {response.url}")


def page_problems(page, where: str, *, phone: bool) -> list:
    problems = []
    text = page.evaluate(READ_TEXT_JS)
    for label, pattern in PYTHON_TEXT:
        m = pattern.search(text)
        if m:
            around = text[max(0, m.start() - 40):m.end() + 40].replace("\n", " ⏎ ")
            problems.append(f"{where}: Python-looking text {label!r}: …{around}…")
    m = FIELD_PATH.search(text)
    if m:
        around = text[max(0, m.start() - 40):m.end() + 40].replace("\n", " ⏎ ")
        problems.append(f"{where}: raw field path in the page: …{around}…")
    wrapped = page.evaluate(WRAPPED_BUTTONS_JS)
    if wrapped:
        problems.append(f"{where}: button labels broken over two lines: {wrapped}")
    if phone:
        overflow = page.evaluate(OVERFLOW_JS)
        if overflow:
            problems.append(f"{where}: wider than the phone: scrollWidth {overflow['scrollWidth']} > "
                            f"{overflow['innerWidth']} ({', '.join(overflow['culprits'])})")
    return problems


def menu_links(page, base_url: str) -> list:
    """(label, path) of every entry of the signed-in user's menu, the bell (labelled by its title, not its
    unread count) and the account page included, in menu order, without duplicates."""
    entries = page.evaluate("""() => [...document.querySelectorAll('#hx-nav a[href]')]
        .filter(a => a.getAttribute('href') !== '#')
        .map(a => [/^[\\d+]*$/.test(a.innerText.trim()) ? a.title : a.innerText.trim(), a.getAttribute('href')])""")
    seen, links = set(), []
    for label, href in entries:
        path = href[len(base_url):] if href.startswith(base_url) else href
        if path.startswith("/") and path not in seen:
            seen.add(path)
            links.append((label or path, path))
    return links


def slug(path: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", path).strip("-") or "home"
