// The course's own touches on every page of the book (no library, nothing fetched).

// Opened from disk (file://), the browser refuses the requests that fetch each search
// result's snippet: search lists the pages without snippets, and says why. Set before
// the search runs.
// (Sphinx declares DOCUMENTATION_OPTIONS with const: not a property of window.)
function noSnippetsFromDisk() {
  if (location.protocol === "file:" && typeof DOCUMENTATION_OPTIONS !== "undefined") {
    DOCUMENTATION_OPTIONS.SHOW_SEARCH_SUMMARY = false;
  }
}
noSnippetsFromDisk();

document.addEventListener("DOMContentLoaded", () => {
  noSnippetsFromDisk(); // again, in case this script ran before Sphinx's options
  // Search snippets from the lesson's text: Sphinx reads them from the element marked
  // role="main", which in this theme also holds the page's header (the light/dark
  // switch, the contents); the article holds the lesson alone.
  if (typeof Search !== "undefined" && Search.htmlToText) {
    const original = Search.htmlToText;
    Search.htmlToText = (htmlString, anchor) => {
      const page = new DOMParser().parseFromString(htmlString, "text/html");
      const article = page.querySelector("article.bd-article");
      if (!article) return original(htmlString, anchor);
      article.querySelectorAll(".headerlink, script, style").forEach((e) => e.remove());
      const part = anchor ? article.querySelector(anchor) : null;
      return (part || article).textContent;
    };
  }
  // A figure shrinks to the text column; a click opens it at full size, as the line
  // under it says.
  for (const img of document.querySelectorAll("div.cell_output img")) {
    if (img.closest("a")) continue;
    const link = document.createElement("a");
    link.href = img.getAttribute("src");
    link.title = "Open the figure at full size";
    img.replaceWith(link);
    link.appendChild(img);
    const hint = document.createElement("p");
    hint.className = "figure-hint";
    hint.textContent = "Click the figure to open it at full size.";
    link.after(hint);
  }
  const results = document.getElementById("search-results");
  if (location.protocol === "file:" && results) {
    const note = document.createElement("p");
    note.className = "search-note";
    note.textContent =
      "Opened from disk, search lists pages without snippets. For snippets, serve " +
      "the book: python3 -m http.server -d build/book, then open " +
      "http://localhost:8000/search.html.";
    results.before(note);
  }
  // Printed output wider than the column. A table (columns aligned by runs of spaces)
  // wider than the column shrinks its font, down to 70%; wider still, it scrolls.
  // Lines of text then wrap. The lessons print tables at most 88 characters wide.
  for (const pre of document.querySelectorAll("div.cell_output pre")) {
    if (pre.scrollWidth <= pre.clientWidth + 1) continue;
    const aligned = pre.textContent.split("\n").filter((l) => /\S {2,}\S/.test(l));
    const widest = Math.max(0, ...aligned.map((l) => l.length));
    const style = getComputedStyle(pre);
    const inner =
      pre.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    const fits = Math.floor(inner / characterWidth(pre));
    if (widest > fits) {
      const size = Math.floor((100 * fits) / widest);
      if (size < 70) continue;
      pre.style.fontSize = `${size}%`;
    }
    pre.style.whiteSpace = "pre-wrap";
  }
  // A copy button on every block of code.
  for (const block of document.querySelectorAll("div.highlight")) {
    const pre = block.querySelector("pre");
    if (!pre || block.querySelector("button.copy-code")) continue;
    const button = document.createElement("button");
    button.className = "copy-code";
    button.type = "button";
    button.textContent = "Copy";
    button.title = "Copy this code";
    button.addEventListener("click", () => {
      const text = pre.innerText;
      const done = () => {
        button.textContent = "Copied";
        setTimeout(() => (button.textContent = "Copy"), 1500);
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(done, () => fallback(text, done));
      } else {
        fallback(text, done);
      }
    });
    block.style.position = "relative";
    block.appendChild(button);
  }
});

function fallback(text, done) {
  const area = document.createElement("textarea");
  area.value = text;
  document.body.appendChild(area);
  area.select();
  try {
    document.execCommand("copy");
    done();
  } finally {
    area.remove();
  }
}

// The width of one character in a block's monospace font, in pixels.
function characterWidth(pre) {
  const probe = document.createElement("span");
  probe.textContent = "0".repeat(100);
  pre.appendChild(probe);
  const width = probe.getBoundingClientRect().width / 100;
  probe.remove();
  return width;
}
