// The figure player of dlcore.figure_player: controls that pick a frame drawn at build time.
// Each .dl-player holds its controls, an <img> and its data (JSON): the frame of every combination of
// control values (row-major), the image files, and the alt text of every combination.
(function () {
  "use strict";

  function setup(root) {
    var data = JSON.parse(root.querySelector("script.dl-player-data").textContent);
    var img = root.querySelector("img.dl-player-figure");
    var controls = root.querySelectorAll("[data-control]");
    var state = data.shape.map(function () { return 0; });

    function show() {
      var k = 0;
      for (var c = 0; c < state.length; c++) k = k * data.shape[c] + state[c];
      img.src = data.images[data.frames[k]];
      img.alt = data.alts[k];
    }

    function read(el) {  // the index of the value a control shows
      var c = +el.dataset.control;
      if (el.type === "range" || el.tagName === "SELECT") state[c] = +el.value;
      else if (el.type === "checkbox") state[c] = data.checked[c].indexOf(el.checked);
      else if (el.getAttribute("aria-pressed") === "true") state[c] = +el.dataset.index;
    }

    controls.forEach(function (el) {
      read(el);
      var c = +el.dataset.control;
      if (el.tagName === "BUTTON") {
        el.addEventListener("click", function () {
          root.querySelectorAll('button[data-control="' + c + '"]').forEach(function (b) {
            b.setAttribute("aria-pressed", b === el ? "true" : "false");
          });
          state[c] = +el.dataset.index;
          show();
        });
      } else {
        el.addEventListener(el.type === "range" ? "input" : "change", function () {
          read(el);
          if (el.type === "range") {
            var text = data.labels[c][state[c]];
            el.setAttribute("aria-valuetext", text);
            var output = root.querySelector('output[for="' + el.id + '"]');
            if (output) output.textContent = text;
          }
          show();
        });
      }
      el.disabled = false;
    });

    var preloaded = false;
    function preload() {  // fetch every frame once the reader comes near the controls: moves are then instant
      if (preloaded) return;
      preloaded = true;
      data.images.forEach(function (src) { new Image().src = src; });
    }
    root.addEventListener("pointerenter", preload);
    root.addEventListener("focusin", preload);
    root.classList.add("dl-player-ready");
  }

  function start() {
    document.querySelectorAll(".dl-player").forEach(function (root) {
      try { setup(root); } catch (err) { console.error("dl-player: " + err); }
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
