// Live screens: one EventSource per [data-live-src] element, on the poll's stream of server-sent
// events (state, turnout, then the result). The page's own labels come from its data-* attributes.
(function () {
  "use strict";
  function put(root, name, text) {
    var el = root.querySelector('[data-live="' + name + '"]');
    if (el) { el.textContent = text; }
    return el;
  }
  function row(dl, label, value) {
    var dt = document.createElement("dt"), dd = document.createElement("dd");
    dt.textContent = label; dd.textContent = value;
    dl.appendChild(dt); dl.appendChild(dd);
  }
  function showResult(root, result) {
    var box = root.querySelector('[data-live="result"]'), d = root.dataset;
    if (!box) { return; }
    var dl = document.createElement("dl");
    dl.className = "summary";
    if (result.totals && !Array.isArray(result.totals)) {
      row(dl, d.labelYes, result.totals.yes); row(dl, d.labelNo, result.totals.no); row(dl, d.labelAbstain, result.totals.abstain);
    } else {
      row(dl, d.labelElected, (result.elected || []).join(", ") || "\u2014");
    }
    row(dl, d.labelBallots, result.ballots);
    box.replaceChildren(dl);
    box.hidden = false;
  }
  function watch(root) {
    var source = new EventSource(root.dataset.liveSrc);
    source.addEventListener("state", function (event) {
      var s = JSON.parse(event.data), d = root.dataset;
      put(root, "voted", s.voted);
      put(root, "electorate", s.electorate);
      put(root, "percent", s.percent === null ? "" : "(" + s.percent + "%)");
      put(root, "state", d["state" + s.state.charAt(0).toUpperCase() + s.state.slice(1)] || s.state);
      if (d.reload && s.state !== d.state) { window.location.reload(); return; }
      if (s.result) { showResult(root, s.result); source.close(); }
    });
  }
  function start() { document.querySelectorAll("[data-live-src]").forEach(watch); }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
