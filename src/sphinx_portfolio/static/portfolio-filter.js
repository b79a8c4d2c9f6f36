// The publications filter: year, type, topic and words; its state lives in the URL.
// Without JavaScript the form stays hidden (portfolio.css) and every work is listed.
(() => {
  "use strict";
  const form = document.querySelector("form.publication-filter");
  if (!form) return;
  const items = [...document.querySelectorAll("li.publication")];
  const fold = (text) =>
    text.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase();
  // the entry itself, not its Cite control ("BibTeX file" is in every one)
  const entry = (li) => (li.querySelector(":scope > p") || li).textContent;
  const texts = new Map(items.map((li) => [li, fold(entry(li))]));
  const fields = ["year", "kind", "topic", "q"]
    .map((name) => form.elements.namedItem(name))
    .filter(Boolean);
  const status = form.querySelector(".publication-filter-status");

  const matches = (li, wanted, words) =>
    (!wanted.year || li.dataset.year === wanted.year) &&
    (!wanted.kind || li.dataset.kind === wanted.kind) &&
    (!wanted.topic || JSON.parse(li.dataset.topics || "[]").includes(wanted.topic)) &&
    words.every((word) => texts.get(li).includes(word));

  function readUrl() {
    const params = new URLSearchParams(window.location.search);
    for (const field of fields) {
      const value = params.get(field.name) || "";
      const known =
        field.tagName !== "SELECT" ||
        [...field.options].some((option) => option.value === value);
      field.value = known ? value : "";
    }
  }

  function writeUrl() {
    const params = new URLSearchParams(window.location.search);
    for (const field of fields) {
      if (field.value) params.set(field.name, field.value);
      else params.delete(field.name);
    }
    const query = params.toString();
    const url = `${window.location.pathname}${query ? `?${query}` : ""}${window.location.hash}`;
    window.history.replaceState(null, "", url);
  }

  function apply() {
    const wanted = Object.fromEntries(fields.map((f) => [f.name, f.value]));
    const words = fold(wanted.q || "").split(/\s+/).filter(Boolean);
    let shown = 0;
    for (const li of items) {
      li.hidden = !matches(li, wanted, words);
      if (!li.hidden) shown += 1;
    }
    // groups and sections with nothing left to show disappear too
    for (const group of document.querySelectorAll(
      ".publication-year, .publication-list, article section"
    )) {
      if (group.contains(form) || !group.querySelector("li.publication")) continue;
      group.hidden = !group.querySelector("li.publication:not([hidden])");
    }
    const total = items.length;
    status.textContent =
      shown === total
        ? `Showing all ${total} publications.`
        : `Showing ${shown} of ${total} publications.`;
  }

  document.documentElement.dataset.portfolioJs = "";
  readUrl();
  apply();
  form.addEventListener("input", () => {
    apply();
    writeUrl();
  });
  form.addEventListener("submit", (event) => event.preventDefault());
  form.addEventListener("reset", () => {
    // the fields take their reset values after this event
    window.setTimeout(() => {
      apply();
      writeUrl();
    });
  });
})();
