// Loaded before the ipywidgets HTML manager (see _ext/offline_assets.py).
(function () {
  // 1. Tell RequireJS where the manager's files are: next to this script, in _static/vendor/widgets/,
  //    whatever the depth of the page. Otherwise its icon fonts are requested relative to the page.
  var here = new URL(".", document.currentScript.src).href;
  require.config({ paths: { "@jupyter-widgets/html-manager/dist": here + "widgets" } });

  // 2. The widgets typeset their labels with the MathJax 2 API (MathJax.Hub.Queue); the book loads
  //    MathJax 3. Give them a small bridge to MathJax 3 once MathJax (a deferred script) has loaded.
  document.addEventListener("DOMContentLoaded", function () {
    var mj = window.MathJax;
    if (mj && !mj.Hub) {
      mj.Hub = {
        Queue: function (job) {
          var element = job && job[2];
          if (element && mj.typesetPromise) {
            mj.typesetPromise([element]).catch(function () {});
          }
        },
      };
    }
  });
})();
