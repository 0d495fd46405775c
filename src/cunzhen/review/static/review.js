// The document page: hovering an edit highlights it in both panes and the table; clicking one selects it for
// the action bar; keys decide (a, r, u, A, R) and move (j, k). Only classes, a hidden input's value and
// textContent change here: document text is never turned into HTML (and the Content-Security-Policy forbids
// inline script besides).
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("actions");
  const parts = (k) => document.querySelectorAll(`[data-edit="${k}"]`);
  const rowOf = (k) => document.getElementById(`e${k}`);

  function select(k, scroll) {
    const row = rowOf(k);
    if (!form || !row) return;
    document.querySelectorAll(".selected").forEach((el) => el.classList.remove("selected"));
    parts(k).forEach((el) => el.classList.add("selected"));
    const cell = (name) => row.querySelector(`.${name}`).textContent;
    form.elements.edit.value = k;
    document.getElementById("selected-label").textContent =
      `#${k} ${cell("before")} → ${cell("after")} · ${cell("state")}`;
    document.getElementById("selected-count").textContent = cell("count");
    const docs = document.getElementById("selected-docs");
    docs.search = new URLSearchParams({ spun: cell("before"), original: cell("after") }).toString();
    if (scroll) row.scrollIntoView({ block: "nearest" });
  }

  for (const el of document.querySelectorAll("[data-edit]")) {
    const k = el.dataset.edit;
    if (!/^\d+$/.test(k)) continue;
    el.addEventListener("mouseenter", () => parts(k).forEach((p) => p.classList.add("hl")));
    el.addEventListener("mouseleave", () => parts(k).forEach((p) => p.classList.remove("hl")));
    el.addEventListener("click", (event) => {
      event.preventDefault();
      select(Number(k), false);
    });
  }

  if (!form) return;
  const press = (selector) => form.querySelector(selector).click();
  const keys = {
    a: () => press("button.accept"),
    r: () => press("button.reject"),
    u: () => press("button.clear"),
    A: () => press("button.accept-all"),
    R: () => press("button.reject-all"),
    j: () => select(Number(form.elements.edit.value) + 1, true),
    k: () => select(Number(form.elements.edit.value) - 1, true),
  };
  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (/^(INPUT|SELECT|TEXTAREA|BUTTON)$/.test(event.target.tagName)) return;
    const action = keys[event.key];
    if (action) {
      event.preventDefault();
      action();
    }
  });
});
