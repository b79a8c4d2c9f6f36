/* Search as you type, from the site's Pagefind index (sphinx_portfolio.search).
 *
 * Every search form of the theme (the Ctrl+K dialog, the search page) gets a
 * results list under it. Pagefind's script is loaded from this site on the first
 * focus of a search field (on the search page, the first key or touch in it),
 * never before. Arrow keys move between the input and
 * the results; Enter in the dialog opens the first result. The search page reads
 * and keeps its query in ?q=.
 */
"use strict";
(() => {
  const LIMIT = 5;
  const PAUSE = 100; // ms without a keystroke before a search runs
  const root = new URL(
    document.documentElement.dataset.content_root || "./",
    window.location.href,
  );
  let engine = null;
  let forms = 0;

  // A site with many paper pages indexes them in shards of their own, listed
  // beside the bundle and merged into the site's index (an empty list otherwise).
  const shards = () =>
    fetch(new URL("_pagefind/portfolio-shards.json", root))
      .then((response) => (response.ok ? response.json() : []))
      .catch(() => []);

  const load = () => {
    engine ??= Promise.all([
      import(new URL("_pagefind/pagefind.js", root).href),
      shards(),
    ]).then(async ([pagefind, names]) => {
      // no worker: for an index this size, its 12 KiB script costs more than it saves
      await pagefind.options({
        baseUrl: root.pathname,
        excerptLength: 24,
        noWorker: true,
      });
      pagefind.init();
      await Promise.all(
        names.map((name) =>
          pagefind.mergeIndex(new URL(`_pagefind/${name}`, root).pathname, {
            baseUrl: root.pathname,
          }),
        ),
      );
      return pagefind;
    });
    return engine;
  };

  // Pagefind's excerpts are escaped text with <mark> around the matched words:
  // keep exactly that, as text nodes and <mark> elements.
  const excerpt = (html) => {
    const template = document.createElement("template");
    template.innerHTML = html;
    const out = document.createDocumentFragment();
    for (const node of template.content.childNodes) {
      if (node.nodeName === "MARK") {
        const mark = document.createElement("mark");
        mark.textContent = node.textContent;
        out.append(mark);
      } else {
        out.append(document.createTextNode(node.textContent));
      }
    }
    return out;
  };

  // The page, or its section with the most matches when that is not the top.
  const entry = (data) => {
    const best = [...(data.sub_results || [])].sort(
      (a, b) => (b.locations || []).length - (a.locations || []).length,
    )[0];
    const title = data.meta.title || data.url;
    if (best && best.url.includes("#") && best.title && best.title !== title) {
      return { url: best.url, title: `${title} › ${best.title}`, text: best.excerpt };
    }
    return { url: data.url, title, text: data.excerpt };
  };

  // Words typed apart may be one word on the page: "llama moe" is "LLaMA-MoE",
  // which the index holds as "llamamoe". Both searches, best scores first.
  const withJoined = async (pagefind, query, results) => {
    const joined = query.split(/\s+/).join("");
    if (joined === query) return results;
    const more = (await pagefind.search(joined)).results;
    const best = new Map();
    for (const result of [...results, ...more]) {
      const seen = best.get(result.id);
      if (!seen || seen.score < result.score) best.set(result.id, result);
    }
    return [...best.values()].sort((a, b) => b.score - a.score);
  };

  const item = (data) => {
    const { url, title, text } = entry(data);
    const li = document.createElement("li");
    li.className = "portfolio-search-result";
    const link = document.createElement("a");
    link.href = url;
    link.textContent = title;
    const snippet = document.createElement("p");
    snippet.className = "portfolio-search-snippet";
    snippet.append(excerpt(text));
    li.append(link, snippet);
    return li;
  };

  const attach = (form) => {
    const input = form.querySelector("input");
    if (!input) return;
    const onSearchPage = form.closest(".portfolio-search-page") !== null;
    const box = document.createElement("div");
    box.className = "portfolio-search-results";
    const status = document.createElement("p");
    status.className = "portfolio-search-status";
    status.setAttribute("role", "status");
    const list = document.createElement("ol");
    list.className = "portfolio-search-list";
    list.setAttribute("aria-label", "Search results");
    list.id = `portfolio-search-results-${++forms}`;
    box.append(status, list);
    form.after(box);
    input.setAttribute("aria-controls", list.id);
    let current = "";

    const links = () => [...list.querySelectorAll("a")];

    const run = async () => {
      const query = input.value.trim();
      current = query;
      if (onSearchPage) {
        const url = new URL(window.location.href);
        url.searchParams.set("q", query);
        window.history.replaceState(null, "", url);
      }
      if (!query) {
        status.textContent = "";
        list.replaceChildren();
        box.dataset.done = "";
        return;
      }
      let pagefind;
      try {
        pagefind = await load();
      } catch {
        status.textContent = "Search is not available: this site has no search index.";
        return;
      }
      const search = await pagefind.search(query);
      if (query !== current) return; // a newer query runs
      const results = await withJoined(pagefind, query, search.results);
      if (query !== current) return;
      const found = await Promise.all(
        results.slice(0, LIMIT).map((result) => result.data()),
      );
      if (query !== current) return;
      list.replaceChildren(...found.map(item));
      const count = results.length;
      status.textContent =
        count === 0
          ? `No results for “${query}”.`
          : `${count} ${count === 1 ? "result" : "results"} for “${query}”` +
            (count > LIMIT ? `, the first ${LIMIT} shown.` : ".");
      box.dataset.done = query;
    };

    // Pagefind is fetched as a visitor comes to search: on the field's first
    // focus; on the search page, which focuses its field itself, on the first
    // key or touch in it (its first load stays small)
    const early = () => load().catch(() => {});
    if (onSearchPage) {
      for (const type of ["keydown", "pointerdown", "input"]) {
        input.addEventListener(type, early, { once: true });
      }
    } else {
      input.addEventListener("focus", early, { once: true });
    }
    // search once typing pauses: a fast typist's every letter is not a search
    let timer = 0;
    input.addEventListener("input", () => {
      window.clearTimeout(timer);
      timer = window.setTimeout(run, PAUSE);
    });
    input.addEventListener("keydown", (event) => {
      if (event.key === "ArrowDown" && links().length) {
        event.preventDefault();
        links()[0].focus();
      }
    });
    list.addEventListener("keydown", (event) => {
      const all = links();
      const at = all.indexOf(document.activeElement);
      if (at < 0 || !["ArrowDown", "ArrowUp"].includes(event.key)) return;
      event.preventDefault();
      const next = at + (event.key === "ArrowDown" ? 1 : -1);
      (next < 0 ? input : all[Math.min(next, all.length - 1)]).focus();
    });
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const first = links()[0];
      if (first && !onSearchPage) {
        window.location.href = first.href;
      } else {
        run();
      }
    });
    if (onSearchPage) {
      const query = new URL(window.location.href).searchParams.get("q");
      if (query) {
        input.value = query;
        run();
      }
      input.focus();
    }
  };

  const start = () => document.querySelectorAll("form.bd-search").forEach(attach);
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
