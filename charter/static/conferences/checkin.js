// Check-in at the door: read the badge's QR code with the phone's camera (BarcodeDetector, where the
// browser has it) and check the participant in through the API. Typing the code always works.
(function () {
  "use strict";
  var box = document.getElementById("scanner");
  var start = document.getElementById("scanner-start");
  var form = document.getElementById("checkin-form");
  if (!box || !start || !form || !("BarcodeDetector" in window) || !navigator.mediaDevices) {
    return;
  }
  var video = document.getElementById("scanner-video");
  var status = document.getElementById("scanner-status");
  var token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
  var last = "";
  var lastAt = 0;
  var busy = false;
  start.hidden = false;

  function say(text) {
    status.textContent = text;
  }

  function send(code) {
    busy = true;
    fetch(box.dataset.api, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": token },
      body: JSON.stringify({ code: code })
    })
      .then(function (r) {
        return r.json().then(function (data) {
          if (r.ok) {
            say((data.created ? "\u2714 " : "\u2714\u2714 ") + data.name + " \u00b7 " + data.category);
          } else {
            say("\u2716 " + code + ": " + (data.breaches ? data.breaches.map(function (b) { return b.message; }).join("; ") : data.detail));
          }
        });
      })
      .catch(function () {
        say("\u2716 " + code);
      })
      .finally(function () {
        busy = false;
      });
  }

  function scan() {
    if (video.readyState >= 2 && !busy) {
      detector.detect(video).then(function (found) {
        if (found.length) {
          var code = found[0].rawValue;
          var now = Date.now();
          if (code !== last || now - lastAt > 3000) {
            last = code;
            lastAt = now;
            send(code);
          }
        }
      }).catch(function () {});
    }
    window.setTimeout(scan, 250);
  }

  start.addEventListener("click", function () {
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false })
      .then(function (stream) {
        video.srcObject = stream;
        video.play();
        box.hidden = false;
        start.hidden = true;
        scan();
      })
      .catch(function () {
        say("");
        start.hidden = true;
      });
  });
})();
