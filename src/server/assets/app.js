// provisio: a little progressive enhancement. Every page works without this file.
"use strict";
document.addEventListener("keydown", function (e) {
  // "/" focuses the search box, as on many search sites.
  if (e.key !== "/" || e.ctrlKey || e.metaKey || e.altKey) return;
  var t = e.target;
  if (t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.isContentEditable)) return;
  var box = document.getElementById("q");
  if (box) { e.preventDefault(); box.focus(); box.select(); }
});
// "copy" buttons next to citations in search results.
if (navigator.clipboard) {
  document.querySelectorAll("a.cite[data-cite]").forEach(function (a) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "copy";
    b.textContent = "copy";
    b.title = "Copy the citation";
    b.addEventListener("click", function () {
      navigator.clipboard.writeText(a.getAttribute("data-cite")).then(function () {
        b.textContent = "copied";
        setTimeout(function () { b.textContent = "copy"; }, 1500);
      });
    });
    a.insertAdjacentElement("afterend", b);
  });
}
