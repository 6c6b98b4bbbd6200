// Wide tables of the back office's own pages scroll inside their own box on narrow screens
// (reflow, WCAG 1.4.10: the page itself never scrolls sideways). The box takes keyboard
// focus, so it can be scrolled without a mouse, and is named after its table's caption or
// the heading before it (each name once on a page).
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  const used = new Set();
  document.querySelectorAll("#content table").forEach(function (table, index) {
    if (table.closest(".results, .inline-group, .table-scroll")) {
      return;  // Django's lists and inlines scroll in boxes of their own.
    }
    let name = table.caption ? table.caption.textContent.trim() : "";
    for (let el = table.previousElementSibling; el && !name; el = el.previousElementSibling) {
      if (/^H[2-6]$/.test(el.tagName)) {
        name = el.textContent.trim();
      }
    }
    name = name || "Tabelle";
    if (used.has(name)) {
      name = name + " (" + (index + 1) + ")";
    }
    used.add(name);
    const box = document.createElement("div");
    box.className = "table-scroll";
    box.tabIndex = 0;
    box.setAttribute("role", "region");
    box.setAttribute("aria-label", name);
    table.before(box);
    box.append(table);
  });
});
