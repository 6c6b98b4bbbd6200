"""Checks every page a browser test visits can run: axe-core with no violation of any impact,
reflow without sideways scrolling (WCAG 1.4.10), header and footer across the whole width."""

import os
import re

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

_axe = Axe()

WIDTHS = (1280, 320)


def page_problems(page: Page, name: str) -> list[str]:
    """Every axe-core violation (any impact) and every reflow problem of the current page."""
    problems = [
        f"{name} [{page.viewport_size['width']} px]: {v['id']} ({v['impact']}): {v['help']} – "
        f"{[n['target'] for n in v['nodes']][:3]}"
        for v in _axe.run(page).response["violations"]
    ]
    layout = page.evaluate(
        """() => {
            const wide = document.documentElement.scrollWidth;
            const box = (sel) => {
                const el = document.querySelector(sel);
                if (!el) return null;
                const r = el.getBoundingClientRect();
                return [r.left, r.right];
            };
            return {wide, inner: window.innerWidth, header: box('.site-header'),
                    footer: box('.site-footer')};
        }"""
    )
    width = page.viewport_size["width"]
    if os.environ.get("SCREENSHOT_DIR"):
        slug = re.sub(r"[^a-z0-9]+", "-", name.lower())
        page.screenshot(path=f"{os.environ['SCREENSHOT_DIR']}/{slug}-{width}.png", full_page=True)
    if layout["wide"] > layout["inner"]:
        problems.append(
            f"{name} [{width} px]: scrolls sideways ({layout['wide']} > {layout['inner']} px)"
        )
    for part in ("header", "footer"):
        box = layout[part]
        if box is not None and (box[0] > 0 or box[1] < layout["inner"]):
            problems.append(f"{name} [{width} px]: the {part} stops short ({box})")
    return problems


def check_at_both_widths(page: Page, name: str, *, also: tuple[int, ...] = ()) -> list[str]:
    """``page_problems`` at 1280 px and at 320 px (and the widths in ``also``) on the current
    page, reloaded never (a POST's answer keeps its state); leaves the page at 1280 px."""
    problems = []
    for width in (*WIDTHS, *also):
        page.set_viewport_size({"width": width, "height": 900})
        problems += page_problems(page, name)
    page.set_viewport_size({"width": WIDTHS[0], "height": 900})
    return problems
