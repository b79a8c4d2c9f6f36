// Citations: "Copy" buttons, and the lists' "Cite" disclosures, filled from the
// paper's own page when first opened (nothing is fetched before).
(() => {
  "use strict";

  const COPIED_FOR = 2000;

  // Copy the element named by data-copy: as HTML and text where the clipboard
  // takes both (italics survive a paste into a word processor), else as text.
  const copy = async (source) => {
    const text = source.innerText.trim() + "\n";
    if (window.ClipboardItem && navigator.clipboard.write && source.classList.contains("citation")) {
      const item = new ClipboardItem({
        "text/html": new Blob([source.innerHTML], { type: "text/html" }),
        "text/plain": new Blob([text], { type: "text/plain" }),
      });
      await navigator.clipboard.write([item]);
    } else {
      await navigator.clipboard.writeText(text);
    }
  };

  const arm = (button, root) => {
    const source = root.querySelector(`#${CSS.escape(button.dataset.copy)}`);
    if (!source || !navigator.clipboard) return;
    button.hidden = false;
    button.setAttribute("aria-label", button.dataset.label || "Copy");
    button.addEventListener("click", async () => {
      try {
        await copy(source);
        button.textContent = "Copied";
      } catch {
        button.textContent = "Copy failed: select the text instead";
      }
      window.setTimeout(() => {
        button.textContent = "Copy";
      }, COPIED_FOR);
    });
  };

  for (const button of document.querySelectorAll("button.copy-button[data-copy]")) {
    arm(button, document);
  }

  // A disclosure's content: the paper page's first style and its BibTeX, with
  // ids made unique on this page.
  let made = 0;
  const element = (tag, attributes, children = []) => {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
    node.append(...children);
    return node;
  };
  const copyButton = (target, label) =>
    element("button", { type: "button", class: "copy-button", "data-copy": target, "data-label": label, hidden: "" }, ["Copy"]);

  const fill = async (details) => {
    const links = details.querySelector("p");
    const paper = new URL(links.querySelector("a").href);
    paper.hash = "";
    details.setAttribute("aria-busy", "true");
    try {
      const response = await fetch(paper);
      if (!response.ok) throw new Error(String(response.status));
      const page = new DOMParser().parseFromString(await response.text(), "text/html");
      const citation = page.querySelector(".citations .citation");
      const bibtex = page.querySelector("#bibtex-source pre") || page.querySelector("#bibtex-source");
      const parts = [];
      const n = ++made;
      if (citation) {
        const shown = element("p", { class: "citation", id: `cite-work-${n}` });
        shown.append(...Array.from(citation.childNodes, (child) => document.importNode(child, true)));
        const label = citation.dataset.style || "Citation";
        parts.push(element("p", { class: "cite-work-style" }, [label]), shown, copyButton(shown.id, `Copy the ${label} citation`));
      }
      if (bibtex) {
        const pre = element("pre", { class: "cite-work-bibtex", id: `cite-work-bibtex-${n}`, tabindex: "0" }, [bibtex.textContent.trim()]);
        parts.push(element("p", { class: "cite-work-style" }, ["BibTeX"]), pre, copyButton(pre.id, "Copy the BibTeX"));
      }
      if (parts.length) {
        const body = element("div", { class: "cite-work-body" }, parts);
        links.before(body);
        for (const button of body.querySelectorAll("button.copy-button")) arm(button, body);
      }
    } catch {
      // the links to the paper page and the .bib file stay
    } finally {
      details.removeAttribute("aria-busy");
    }
  };

  for (const details of document.querySelectorAll("details.cite-work")) {
    details.addEventListener("toggle", () => {
      if (details.open && !details.dataset.filled) {
        details.dataset.filled = "yes";
        fill(details);
      }
    });
  }
})();
