// The explorables' code (the sliders of lstmgrad/present/explorable.py), fetched only by a page
// that holds one: 43 kB that every other page would carry for nothing.
var lstmgradExplorableScript = (document.currentScript || {}).src;
function lstmgradLoadExplorables() {
  if (!document.querySelector("[data-explorable]") || window.lstmgradExplorable || !lstmgradExplorableScript) return;
  if (document.getElementById("lstmgrad-explorable-js")) return;
  var script = document.createElement("script");
  script.id = "lstmgrad-explorable-js";
  script.src = lstmgradExplorableScript.replace(/site\.js(\?.*)?$/, "explorable.js");
  document.body.appendChild(script);
}

// Runs on the first load and after every instant-navigation page swap (Material's document$).
document$.subscribe(function () {
  lstmgradLoadExplorables();

  // Math: pymdownx.arithmatex (generic mode) and the notebook hook wrap it in .arithmatex as
  // \(...\) and \[...\]. Only those delimiters: a literal "$" in prose must stay a dollar sign.
  document.querySelectorAll(".arithmatex").forEach(function (el) {
    renderMathInElement(el, {
      delimiters: [
        { left: "\\(", right: "\\)", display: false },
        { left: "\\[", right: "\\]", display: true },
      ],
      throwOnError: true,
    });
  });

  // Snippets open on what they printed (the table or plot the prose talks about), on every page and
  // every visit. Tabs are not linked (mkdocs.yml leaves out content.tabs.link), so a reader's pick of
  // Source applies to that block alone and is not remembered.
  document.querySelectorAll(".tabbed-set").forEach(function (set) {
    var labels = Array.prototype.slice.call(set.querySelectorAll(".tabbed-labels > label"));
    var names = labels.map(function (l) { return l.textContent.trim(); });
    if (names.length !== 2 || names[0] !== "Source" || names[1] !== "Result") return;
    var input = document.getElementById(labels[1].htmlFor);
    if (input && !input.checked) {
      input.checked = true;
      input.dispatchEvent(new Event("change", { bubbles: true }));  // moves the tab underline
    }
  });

  lstmgradFitFigures();

  lstmgradFocusableScrollers();

  // Names for two of the theme's landmarks that it leaves unnamed (axe-core: aria-dialog-name,
  // aria-progressbar-name).
  var search = document.querySelector(".md-search[role=dialog]");
  if (search && !search.hasAttribute("aria-label")) search.setAttribute("aria-label", "Search");
  var progress = document.querySelector(".md-progress[role=progressbar]");
  if (progress && !progress.hasAttribute("aria-label")) progress.setAttribute("aria-label", "Loading the page");
});

// Figures never shrink their text below MIN_TEXT_PX: on a narrow screen an SVG figure keeps the
// width at which its smallest text is MIN_TEXT_PX tall and scrolls sideways in its own box
// (.figure-scroll) instead; tests/test_layout.py measures it. The explorables size their own drawings.
var MIN_TEXT_PX = 9;
function lstmgradFitFigures() {
  var content = document.querySelector("article.md-content__inner");
  if (!content) return;
  content.querySelectorAll("svg[role=img]").forEach(function (svg) {
    if (svg.closest(".explorable")) return;
    var box = svg.viewBox && svg.viewBox.baseVal;
    if (!box || !box.width) return;
    var smallest = Infinity;
    svg.querySelectorAll("text").forEach(function (t) {
      var size = parseFloat(getComputedStyle(t).fontSize);
      if (size > 0 && size < smallest) smallest = size;
    });
    if (smallest === Infinity) return;
    // text is sized in the drawing's own units: it renders at size * (rendered width / viewBox width)
    var need = Math.ceil((box.width * MIN_TEXT_PX) / smallest);
    var wrap = svg.parentElement;
    if (!wrap.classList.contains("figure-scroll")) {
      wrap = document.createElement("div");
      wrap.className = "figure-scroll";
      svg.parentElement.insertBefore(wrap, svg);
      wrap.appendChild(svg);
    }
    svg.style.minWidth = need + "px";
    if (wrap.scrollWidth > wrap.clientWidth) wrap.tabIndex = 0; // a box that scrolls is reachable by keyboard
  });
}

// A box that scrolls must be reachable by keyboard (axe-core: scrollable-region-focusable): the
// display math, wide tables and notebook cells that overflow their column take a tab stop.
function lstmgradFocusableScrollers() {
  var content = document.querySelector("article.md-content__inner");
  if (!content) return;
  content.querySelectorAll(".katex-display, .md-typeset__scrollwrap, .figure-scroll, pre, .jp-OutputArea-output")
    .forEach(function (box) {
      if (box.tabIndex >= 0 || box.querySelector("a, button, input, textarea, select, [tabindex]")) return;
      if (box.scrollWidth > box.clientWidth + 1 || box.scrollHeight > box.clientHeight + 1) box.tabIndex = 0;
    });
}
window.addEventListener("resize", function () { lstmgradFocusableScrollers(); });
