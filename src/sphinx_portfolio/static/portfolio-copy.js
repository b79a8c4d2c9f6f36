// "Copy" buttons: copy the text of the element named by data-copy.
(() => {
  "use strict";
  for (const button of document.querySelectorAll("button.copy-button[data-copy]")) {
    const source = document.getElementById(button.dataset.copy);
    if (!source || !navigator.clipboard) continue;
    button.hidden = false;
    button.setAttribute("aria-label", "Copy the BibTeX");
    button.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(source.innerText.trim() + "\n");
        button.textContent = "Copied";
      } catch {
        button.textContent = "Copy failed: select the text instead";
      }
      window.setTimeout(() => {
        button.textContent = "Copy";
      }, 2000);
    });
  }
})();
