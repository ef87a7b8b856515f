// Tell RequireJS where the ipywidgets HTML manager's files are: next to this script, in
// _static/vendor/widgets/, whatever the depth of the page that loads it. Without this, the
// widget icon fonts are requested relative to the page and fail to load.
(function () {
  var here = new URL(".", document.currentScript.src).href;
  require.config({ paths: { "@jupyter-widgets/html-manager/dist": here + "widgets" } });
})();
