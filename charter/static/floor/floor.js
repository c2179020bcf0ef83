// The hall screen and the participant's phone follow the conference's stream of server-sent events.
// The speaker's remaining time is counted down here from the deadline the server sent, corrected by
// the difference between the server's clock and this device's; nothing is pushed every second.
(function () {
  "use strict";
  var skew = 0, deadline = null, called = false;
  function el(root, name) { return root.querySelector('[data-floor="' + name + '"]'); }
  function put(root, name, text) { var e = el(root, name); if (e) { e.textContent = text; } }
  function show(name, on) { document.querySelectorAll('[data-floor-show="' + name + '"]').forEach(function (e) { e.hidden = !on; }); }
  function input(name, value) { document.querySelectorAll('[data-floor-input="' + name + '"]').forEach(function (e) { e.value = value; }); }
  function tick(root) {
    var t = el(root, "timer");
    if (!t) { return; }
    if (!deadline) { t.textContent = called ? root.dataset.labelCalled : ""; return; }
    var left = Math.round((deadline - (Date.now() + skew)) / 1000);
    if (left <= 0) { t.textContent = root.dataset.labelOver; t.classList.add("over"); return; }
    t.classList.remove("over");
    t.textContent = Math.floor(left / 60) + ":" + String(left % 60).padStart(2, "0");
  }
  var accepted = null;
  // The lead-off's list of accepted questions is fetched again when the count of accepted ones moves.
  function refreshAccepted(count) {
    var box = document.querySelector('[data-floor-refresh="accepted"]');
    if (!box || count === accepted) { accepted = count; return; }
    var first = accepted === null;
    accepted = count;
    if (first) { return; }
    fetch(window.location.href, { credentials: "same-origin" }).then(function (r) { return r.text(); }).then(function (html) {
      var fresh = new DOMParser().parseFromString(html, "text/html").querySelector('[data-floor-refresh="accepted"]');
      if (fresh) { box.replaceWith(fresh); }
    });
  }
  function render(root, s) {
    var d = root.dataset, me = d.participant;
    put(root, "session", s.item ? s.item.session_title : "");
    put(root, "item", s.item ? s.item.number + ". " + s.item.title : d.labelNoItem);
    put(root, "lead-off", s.item ? s.item.lead_off : "");
    if (s.speaker) {
      put(root, "speaker", s.speaker.name + (s.speaker.order ? " \u2014 " + d.labelOrder : ""));
      deadline = s.speaker.deadline ? Date.parse(s.speaker.deadline) : null;
      called = !deadline;
    } else { put(root, "speaker", d.labelNone); deadline = null; called = false; }
    var list = el(root, "speakers");
    if (list) {
      var items = s.speakers.map(function (r) {
        var li = document.createElement("li");
        li.textContent = r.name + (r.order ? " \u2014 " + d.labelOrder : "");
        return li;
      });
      if (!items.length) { var li = document.createElement("li"); li.textContent = d.labelEmpty; items.push(li); }
      list.replaceChildren.apply(list, items);
    }
    put(root, "questions", s.questions ? s.questions.submitted : 0);
    put(root, "accepted", s.questions ? s.questions.accepted : 0);
    refreshAccepted(s.questions ? s.questions.accepted : 0);
    var box = el(root, "poll-box");
    if (box) { box.hidden = !s.poll; }
    if (s.poll) {
      document.querySelectorAll('[data-floor="poll-title"]').forEach(function (e) { e.textContent = s.poll.title; });
      put(root, "poll-state", d["poll" + s.poll.state.charAt(0).toUpperCase() + s.poll.state.slice(1)] || s.poll.state);
      put(root, "poll-voted", s.poll.voted);
      put(root, "poll-electorate", s.poll.electorate);
      put(root, "poll-totals", s.poll.totals ? d.labelYes + " " + s.poll.totals.yes + " · " + d.labelNo + " " + s.poll.totals.no + " · " + d.labelAbstain + " " + s.poll.totals.abstain : "");
    }
    if (me) {
      var mine = null;
      s.speakers.forEach(function (r) { if (String(r.participant) === me) { mine = r; } });
      var speaking = s.speaker && String(s.speaker.participant) === me;
      show("item", !!s.item);
      show("on-list", !!mine);
      show("has-floor", !!speaking);
      show("may-ask", !!s.item && !mine && !speaking);
      input("request", mine ? mine.id : "");
      input("item", s.item ? s.item.id : "");
      input("session", s.item ? s.item.session : "");
      show("vote", !!s.poll && s.poll.state === "open" && s.poll.mode !== "paper");
      input("poll", s.poll ? s.poll.id : "");
    }
    tick(root);
  }
  function watch(root) {
    var source = new EventSource(root.dataset.floorSrc);
    source.addEventListener("state", function (event) {
      var msg = JSON.parse(event.data);
      skew = Date.parse(msg.now) - Date.now();
      render(root, msg.state);
    });
    window.setInterval(function () { tick(root); }, 250);
  }
  function start() { document.querySelectorAll("[data-floor-src]").forEach(watch); }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
