// The API page: lists every operation of /openapi/v1.json (served by this host, so no outside script is needed).
(() => {
  "use strict";
  const { $, t, el, getJson } = PB;
  let doc = null;

  function render() {
    if (!doc) return;
    const operations = [];
    for (const [path, item] of Object.entries(doc.paths ?? {})) {
      for (const [method, op] of Object.entries(item)) {
        if (!["get", "post", "put", "delete", "patch"].includes(method)) continue;
        operations.push({ path, method: method.toUpperCase(), op, shared: item.parameters ?? [] });
      }
    }
    operations.sort((a, b) => a.path.localeCompare(b.path));
    $("operations").replaceChildren(...operations.map(({ path, method, op, shared }) => {
      const parameters = [...shared, ...(op.parameters ?? [])];
      const responses = Object.entries(op.responses ?? {}).map(([status, r]) =>
        `${status}${r.content ? " (" + Object.keys(r.content).join(", ") + ")" : ""}`).join(" · ");
      return el("article", { class: "operation", "data-path": path },
        el("h2", {}, el("span", { class: "method", text: method }), " ", el("code", { text: path })),
        op.summary ? el("p", { text: op.summary }) : null,
        op.description ? el("p", { class: "hint", text: op.description }) : null,
        parameters.length ? el("table", {},
          el("thead", {}, el("tr", {}, el("th", { scope: "col", text: t("colParameters") }), el("th", { scope: "col", text: "in" }), el("th", { scope: "col", text: t("colDescription") }))),
          el("tbody", {}, ...parameters.map((p) => el("tr", {},
            el("td", {}, el("code", { text: p.name }), p.required ? " *" : ""),
            el("td", { text: p.in }),
            el("td", { text: p.description ?? (p.schema?.type ?? "") }))))) : null,
        el("p", { class: "hint", text: responses }));
    }));
  }

  async function start() {
    PB.wireLanguage(render);
    PB.applyLanguage();
    try {
      doc = await getJson("/openapi/v1.json");
      render();
    } catch (error) {
      $("docs-error").textContent = error.message;
      $("docs-error").hidden = false;
    }
  }

  start();
})();
