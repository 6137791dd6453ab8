// Runs on the first load and after every instant-navigation page swap (Material's document$).
document$.subscribe(function () {
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

  // Snippets: open on what they printed (the table or plot the prose talks about), unless the
  // reader has picked a tab before; Material's linked tabs remember that choice and apply it.
  var remembered = (typeof __md_get === "function" && __md_get("__tabs")) || [];
  if (remembered.indexOf("Source") >= 0 || remembered.indexOf("Result") >= 0) return;
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
});
