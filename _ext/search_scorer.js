/* The site search's scorer (Sphinx's html_search_scorer: inlined into language_data.js, which the
 * search page loads after searchtools.js, so these definitions replace Sphinx's defaults).
 *
 * 1. Ranking: a page whose title IS the query ("backpropagation" -> chapter 7) comes first, then pages
 *    whose sections are titled with it, then the chapters' running text before the back matter
 *    (the glossary's one-line entry used to outrank the chapter that teaches the topic).
 * 2. Snippets: the search fetches each page's HTML, where math is still TeX ("\(\theta\)"); the
 *    snippet shows inline math as plain text (θ) and display math as "…".
 */
var Scorer = {
  score: (result) => {
    const [docname, title, anchor, , score] = result;
    const query = (new URLSearchParams(window.location.search).get("q") || "").trim().toLowerCase();
    // a page's title comes as "<span class="section-number">7. </span>Backpropagation"
    const clean = (t) => t.replace(/<[^>]*>/g, "").replace(/^[\d.\s]+/, "").trim().toLowerCase();
    let bonus = 0;
    if (query && !anchor && title.split(" > ").map(clean).includes(query)) bonus += 100;  // the page is about it
    if (docname.startsWith("chapters/")) bonus += 5;
    return score + bonus;
  },
  objNameMatch: 11,
  objPartialMatch: 6,
  objPrio: { 0: 15, 1: 5, 2: -5 },
  objPrioDefault: 0,
  title: 15,
  partialTitle: 7,
  term: 5,
  partialTerm: 2,
};

const TEX_SYMBOLS = {
  alpha: "α", beta: "β", gamma: "γ", delta: "δ", epsilon: "ε", varepsilon: "ε", eta: "η", theta: "θ",
  lambda: "λ", mu: "μ", sigma: "σ", tau: "τ", phi: "φ", psi: "ψ", omega: "ω", Delta: "Δ", Sigma: "Σ",
  nabla: "∇", partial: "∂", sum: "Σ", prod: "∏", infty: "∞", cdot: "·", times: "×", le: "≤", leq: "≤",
  ge: "≥", geq: "≥", ne: "≠", approx: "≈", in: "∈", to: "→", rightarrow: "→", odot: "⊙", ldots: "…",
  dots: "…", top: "ᵀ",
};

function plainTex(tex) {
  return tex
    .replace(/\\frac\{([^{}]*)\}\{([^{}]*)\}/g, "($1)/($2)")
    .replace(/\\(?:mathbf|mathrm|mathcal|boldsymbol|text|operatorname|hat|tilde|bar)\{([^{}]*)\}/g, "$1")
    .replace(/\\([A-Za-z]+)/g, (m, name) => TEX_SYMBOLS[name] ?? "")
    .replace(/\\[,;:! ]/g, " ")
    .replace(/[{}]/g, "")
    .replace(/\s+/g, " ")
    .trim();
}

if (typeof Search !== "undefined") {
  const htmlToText = Search.htmlToText;
  Search.htmlToText = (htmlString, anchor) => htmlToText(
    htmlString
      .replace(/\\\[[\s\S]*?\\\]/g, "…")
      .replace(/\\\(([\s\S]*?)\\\)/g, (m, tex) => plainTex(tex)),
    anchor);
}
