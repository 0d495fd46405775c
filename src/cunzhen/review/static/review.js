// Hovering an edit highlights it in both panes and in the edit table. Only classes change: document text is
// never read into HTML here (the page's Content-Security-Policy forbids inline script anyway).
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const parts = (k) => document.querySelectorAll(`[data-edit="${k}"]`);
  for (const el of document.querySelectorAll("[data-edit]")) {
    const k = el.dataset.edit;
    if (!/^\d+$/.test(k)) continue;
    el.addEventListener("mouseenter", () => parts(k).forEach((p) => p.classList.add("hl")));
    el.addEventListener("mouseleave", () => parts(k).forEach((p) => p.classList.remove("hl")));
  }
});
