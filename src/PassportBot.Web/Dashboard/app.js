// PassportBot dashboard: vanilla JS, same-origin requests only, DOM built with textContent (no HTML injection).
(() => {
  "use strict";

  const REFRESH_MS = 30000;
  const SVG_NS = "http://www.w3.org/2000/svg"; // an XML namespace name, never fetched
  const ZONE = "Europe/Rome";

  const TEXT = {
    it: {
      subtitle: "Appuntamenti per il passaporto nelle questure italiane",
      statOpen: "Appuntamenti liberi", statProvinces: "Province con disponibilità", statFirst: "Prima data libera",
      statSubscribers: "Iscrizioni attive", mapTitle: "Mappa delle disponibilità", provincesTitle: "Province",
      searchProvince: "Cerca provincia", colProvince: "Provincia", colRegion: "Regione", colOpen: "Liberi",
      colOffices: "Uffici", colSubscribers: "Iscritti", colFirstDate: "Prima data", openTitle: "Appuntamenti liberi",
      filterProvince: "Provincia", allProvinces: "Tutte", colDate: "Data", colTime: "Ora", colOffice: "Ufficio",
      colProv: "Prov.", colPlaces: "Posti", colFirstSeen: "Visto dalle", noOpen: "Nessun appuntamento libero al momento.",
      chartTitle: "Posti nel tempo", chartHint: "Seleziona un appuntamento per vederne la storia.",
      goneTitle: "Appena spariti", goneHint: "Quanto è durato ogni appuntamento prima di essere prenotato",
      colMaxPlaces: "Posti max", colGoneAt: "Sparito alle", colLifetime: "Durata", noGone: "Nessun appuntamento sparito di recente.",
      footer: "Dati aggiornati ogni 30 secondi. Nessun dato personale è mostrato.",
      updated: "Aggiornato alle {0}", loading: "Caricamento…", failed: "Aggiornamento non riuscito ({0}), nuovo tentativo tra 30 s",
      tooltip: "{0} ({1}) · {2} liberi", servedBy: "servita da {0}", noHistory: "Storia non disponibile.",
      chartOf: "{0} · {1} ore {2}", places: "posti", mapLabel: "Province italiane colorate per numero di appuntamenti liberi",
      legendNone: "0", legendMany: "di più",
    },
    en: {
      subtitle: "Passport appointments at Italian police offices",
      statOpen: "Open slots", statProvinces: "Provinces with slots", statFirst: "First open date",
      statSubscribers: "Active subscriptions", mapTitle: "Availability map", provincesTitle: "Provinces",
      searchProvince: "Search province", colProvince: "Province", colRegion: "Region", colOpen: "Open",
      colOffices: "Offices", colSubscribers: "Subscribers", colFirstDate: "First date", openTitle: "Open slots",
      filterProvince: "Province", allProvinces: "All", colDate: "Date", colTime: "Time", colOffice: "Office",
      colProv: "Prov.", colPlaces: "Places", colFirstSeen: "First seen", noOpen: "No open slots right now.",
      chartTitle: "Places over time", chartHint: "Select a slot to see its history.",
      goneTitle: "Recently gone", goneHint: "How long each slot lived before it was booked",
      colMaxPlaces: "Max places", colGoneAt: "Gone at", colLifetime: "Lived", noGone: "No slot has gone recently.",
      footer: "Data refreshed every 30 seconds. No personal data is shown.",
      updated: "Updated at {0}", loading: "Loading…", failed: "Refresh failed ({0}), retrying in 30 s",
      tooltip: "{0} ({1}) · {2} open", servedBy: "served by {0}", noHistory: "History not available.",
      chartOf: "{0} · {1} at {2}", places: "places", mapLabel: "Italian provinces coloured by number of open slots",
      legendNone: "0", legendMany: "more",
    },
  };

  const state = {
    lang: localStorage.getItem("pb.lang") === "en" ? "en" : "it",
    provinces: [],
    open: [],
    gone: [],
    map: null,
    slotProvince: "",
    search: "",
    selected: null, // slot key "officeId|date|time"
    selectedSlot: null,
    status: null,
    sort: {
      "provinces-table": { key: "openSlots", dir: -1 },
      "open-table": { key: "date", dir: 1 },
      "gone-table": { key: "goneAt", dir: -1 },
    },
  };

  const $ = (id) => document.getElementById(id);
  const t = (key, ...args) => (TEXT[state.lang][key] ?? key).replace(/\{(\d)\}/g, (_, i) => String(args[Number(i)]));

  function el(tag, props = {}, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(props)) {
      if (value === undefined || value === null) continue;
      if (name === "class") node.className = value;
      else if (name === "text") node.textContent = value;
      else if (name.startsWith("data-")) node.setAttribute(name, value);
      else node[name] = value;
    }
    for (const child of children) {
      if (child !== null && child !== undefined) node.append(child instanceof Node ? child : String(child));
    }
    return node;
  }

  function svg(tag, attrs = {}) {
    const node = document.createElementNS(SVG_NS, tag);
    for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, String(value));
    return node;
  }

  // ---- formatting -------------------------------------------------------------------------------------------
  const locale = () => (state.lang === "en" ? "en-GB" : "it-IT");
  const day = (iso) => (iso ? iso.slice(8, 10) + "/" + iso.slice(5, 7) + "/" + iso.slice(0, 4) : "–");
  const clock = (instant) => new Intl.DateTimeFormat(locale(), { timeZone: ZONE, hour: "2-digit", minute: "2-digit" }).format(new Date(instant));
  const stamp = (instant) => instant
    ? new Intl.DateTimeFormat(locale(), { timeZone: ZONE, day: "2-digit", month: "2-digit", hour: "2-digit", minute: "2-digit" }).format(new Date(instant))
    : "–";
  const number = (n) => new Intl.NumberFormat(locale()).format(n);

  function duration(ms) {
    if (!(ms >= 0)) return "–";
    const minutes = Math.round(ms / 60000);
    if (minutes < 1) return "< 1 min";
    if (minutes < 60) return minutes + " min";
    const hours = Math.floor(minutes / 60);
    if (hours < 48) return hours + " h " + String(minutes % 60).padStart(2, "0") + " min";
    return Math.floor(hours / 24) + (state.lang === "en" ? " d " : " g ") + (hours % 24) + " h";
  }

  const slotKey = (s) => `${s.officeId}|${s.date}|${s.time}`;

  // ---- data -------------------------------------------------------------------------------------------------
  async function getJson(path) {
    const response = await fetch(path, { headers: { Accept: "application/json" }, cache: "no-store" });
    if (!response.ok) throw new Error("HTTP " + response.status);
    return response.json();
  }

  async function refresh() {
    const province = state.slotProvince ? "&province=" + encodeURIComponent(state.slotProvince) : "";
    try {
      const [provinces, open, gone] = await Promise.all([
        getJson("/api/provinces"),
        getJson("/api/slots?state=open&limit=1000" + province),
        getJson("/api/slots?state=gone&sort=recent&limit=100" + province),
      ]);
      state.provinces = provinces;
      state.open = open;
      state.gone = gone.map((s) => ({ ...s, lifetime: Date.parse(s.goneAt) - Date.parse(s.firstSeen) }));
      render();
      setStatus("updated", false, clock(Date.now()));
      // Keep the chart live too: follow the selected slot, or start with the earliest open one.
      const selected = [...state.open, ...state.gone].find((s) => slotKey(s) === state.selected) ?? state.selectedSlot ?? state.open[0];
      if (selected) await showHistory(selected);
    } catch (error) {
      setStatus("failed", true, error.message);
    }
  }

  function setStatus(key, isError, arg) {
    state.status = { key, isError, arg };
    const node = $("status");
    node.textContent = t(key, arg);
    node.classList.toggle("error", isError);
  }

  // ---- rendering --------------------------------------------------------------------------------------------
  function render() {
    renderStats();
    renderMap();
    renderProvinceFilter();
    renderProvinces();
    renderOpen();
    renderGone();
  }

  function renderStats() {
    // Sud Sardegna repeats Cagliari's numbers; count each agenda code once.
    const agenda = state.provinces.filter((p) => p.code === p.agendaCode);
    const open = agenda.reduce((sum, p) => sum + p.openSlots, 0);
    const withSlots = agenda.filter((p) => p.openSlots > 0).length;
    const first = agenda.map((p) => p.firstOpenDate).filter(Boolean).sort()[0];
    $("stat-open").textContent = number(open);
    $("stat-provinces").textContent = number(withSlots);
    $("stat-first").textContent = first ? day(first) : "–";
    $("stat-subscribers").textContent = number(agenda.reduce((sum, p) => sum + p.subscribers, 0));
  }

  const PALETTE = ["#d1fadf", "#a6f4c5", "#6ce9a6", "#32d583", "#12b76a", "#039855", "#05603a"];
  function colour(openSlots, max) {
    if (!openSlots) return "#e9ecf1";
    const ratio = Math.log1p(openSlots) / Math.log1p(Math.max(max, 1));
    return PALETTE[Math.min(PALETTE.length - 1, Math.floor(ratio * (PALETTE.length - 1) + 0.0001))];
  }

  function renderLegend() {
    const legend = $("legend");
    legend.replaceChildren(el("span", { text: t("legendNone") }));
    const none = el("span", { class: "swatch" });
    none.style.background = "#e9ecf1";
    legend.append(none);
    for (const c of PALETTE) {
      const swatch = el("span", { class: "swatch" });
      swatch.style.background = c;
      legend.append(swatch);
    }
    legend.append(el("span", { text: t("legendMany") }));
  }

  function renderMap() {
    const map = $("map");
    if (!state.map) return;
    const byCode = new Map(state.provinces.map((p) => [p.code, p]));
    const max = Math.max(0, ...state.provinces.map((p) => p.openSlots));
    for (const path of map.querySelectorAll("path")) {
      const p = byCode.get(path.dataset.code);
      path.setAttribute("fill", colour(p ? p.openSlots : 0, max));
      path.classList.toggle("selected", path.dataset.code === state.slotProvince);
    }
  }

  function buildMap(data) {
    const map = $("map");
    map.setAttribute("viewBox", data.viewBox);
    for (const [code, shape] of Object.entries(data.provinces)) {
      const path = svg("path", { d: shape.d, "data-code": code, tabindex: "0", role: "button", "aria-label": code });
      path.addEventListener("mousemove", (e) => showTooltip(e, code));
      path.addEventListener("mouseleave", hideTooltip);
      path.addEventListener("focus", (e) => showTooltip(e, code));
      path.addEventListener("blur", hideTooltip);
      path.addEventListener("click", () => selectProvince(code));
      path.addEventListener("keydown", (e) => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); selectProvince(code); } });
      map.append(path);
    }
    state.map = data;
  }

  function showTooltip(event, code) {
    const p = state.provinces.find((x) => x.code === code);
    if (!p) return;
    const tip = $("tooltip");
    tip.textContent = t("tooltip", p.name, p.code, number(p.openSlots)) + (p.agendaCode !== p.code ? " · " + t("servedBy", p.agendaCode) : "");
    tip.hidden = false;
    const wrap = $("map").parentElement.getBoundingClientRect();
    const box = event.clientX !== undefined && event.type === "mousemove"
      ? { x: event.clientX, y: event.clientY }
      : (() => { const r = event.target.getBoundingClientRect(); return { x: r.left + r.width / 2, y: r.top + r.height / 2 }; })();
    tip.style.left = Math.min(box.x - wrap.left + 14, wrap.width - tip.offsetWidth - 4) + "px";
    tip.style.top = box.y - wrap.top + 14 + "px";
  }

  function hideTooltip() { $("tooltip").hidden = true; }

  function selectProvince(code) {
    const p = state.provinces.find((x) => x.code === code);
    // The agenda knows Sud Sardegna as Cagliari; filter by the code the slots carry.
    const agendaCode = p ? p.agendaCode : code;
    state.slotProvince = state.slotProvince === agendaCode ? "" : agendaCode;
    $("slot-province").value = state.slotProvince;
    refresh();
  }

  function renderProvinceFilter() {
    const select = $("slot-province");
    if (select.options.length > 1) return;
    const seen = new Set();
    for (const p of [...state.provinces].sort((a, b) => a.name.localeCompare(b.name, "it"))) {
      if (seen.has(p.agendaCode) || p.code !== p.agendaCode) continue;
      seen.add(p.agendaCode);
      select.append(el("option", { value: p.agendaCode, text: `${p.name} (${p.agendaCode})` }));
    }
    select.value = state.slotProvince;
  }

  function sortRows(tableId, rows) {
    const { key, dir } = state.sort[tableId];
    const type = document.querySelector(`#${tableId} th[data-key="${key}"]`)?.dataset.type ?? "text";
    const value = (r) => (key === "date" ? r.date + " " + r.time : r[key]);
    return [...rows].sort((a, b) => {
      const x = value(a), y = value(b);
      if (x === y) return 0;
      if (x === null || x === undefined || x === "") return 1; // blanks last in either direction
      if (y === null || y === undefined || y === "") return -1;
      return (type === "number" ? x - y : String(x).localeCompare(String(y), "it")) * dir;
    });
  }

  function markSort(tableId) {
    const { key, dir } = state.sort[tableId];
    for (const th of document.querySelectorAll(`#${tableId} th`)) {
      if (th.dataset.key === key) th.setAttribute("aria-sort", dir > 0 ? "ascending" : "descending");
      else th.removeAttribute("aria-sort");
    }
  }

  function renderProvinces() {
    const needle = state.search.trim().toLowerCase();
    const rows = sortRows("provinces-table", state.provinces.filter((p) =>
      !needle || p.name.toLowerCase().includes(needle) || p.code.toLowerCase() === needle || p.region.toLowerCase().includes(needle)));
    const body = document.querySelector("#provinces-table tbody");
    body.replaceChildren(...rows.map((p) => {
      const row = el("tr", {},
        el("td", {}, el("span", { class: "code", text: p.code }), " ", p.name,
          p.agendaCode !== p.code ? el("small", { class: "muted", text: " · " + t("servedBy", p.agendaCode) }) : null),
        el("td", { text: p.region }),
        el("td", { class: "num" }, el("span", { class: p.openSlots > 0 ? "pill on" : "pill", text: number(p.openSlots) })),
        el("td", { class: "num", text: number(p.offices) }),
        el("td", { class: "num", text: number(p.subscribers) }),
        el("td", { text: day(p.firstOpenDate) }));
      row.addEventListener("click", () => selectProvince(p.code));
      row.classList.toggle("selected", p.agendaCode === state.slotProvince);
      return row;
    }));
    markSort("provinces-table");
  }

  function slotRow(s, cells) {
    const row = el("tr", { "data-key": slotKey(s) }, ...cells);
    row.classList.toggle("selected", slotKey(s) === state.selected);
    row.addEventListener("click", () => showHistory(s));
    return row;
  }

  const officeCell = (s) => el("td", { class: "office" }, s.officeCode + " – " + s.officeName, el("small", { text: s.address }));

  function renderOpen() {
    const rows = sortRows("open-table", state.open);
    document.querySelector("#open-table tbody").replaceChildren(...rows.map((s) => slotRow(s, [
      el("td", { text: day(s.date) }),
      el("td", { text: s.time }),
      officeCell(s),
      el("td", { class: "code", text: s.province }),
      el("td", { class: "num" }, el("span", { class: "pill on", text: s.places })),
      el("td", { text: stamp(s.firstSeen) }),
    ])));
    $("open-empty").hidden = rows.length > 0;
    markSort("open-table");
  }

  function renderGone() {
    const rows = sortRows("gone-table", state.gone);
    document.querySelector("#gone-table tbody").replaceChildren(...rows.map((s) => slotRow(s, [
      el("td", { text: day(s.date) }),
      el("td", { text: s.time }),
      officeCell(s),
      el("td", { class: "code", text: s.province }),
      el("td", { class: "num", text: s.maxPlaces }),
      el("td", { text: stamp(s.firstSeen) }),
      el("td", { text: stamp(s.goneAt) }),
      el("td", { class: "num", text: duration(s.lifetime) }),
    ])));
    $("gone-empty").hidden = rows.length > 0;
    markSort("gone-table");
  }

  // ---- chart ------------------------------------------------------------------------------------------------
  async function showHistory(slot) {
    state.selected = slotKey(slot);
    state.selectedSlot = slot;
    for (const row of document.querySelectorAll("tr[data-key]")) row.classList.toggle("selected", row.dataset.key === state.selected);
    const caption = $("chart-caption");
    caption.textContent = t("chartOf", slot.officeCode + " – " + slot.officeName, day(slot.date), slot.time);
    try {
      const history = await getJson(`/api/slots/${encodeURIComponent(slot.officeId)}/${encodeURIComponent(slot.date)}/${encodeURIComponent(slot.time)}/history`);
      drawChart(history.points, slot);
    } catch {
      $("chart").replaceChildren();
      caption.textContent = t("noHistory");
    }
  }

  function drawChart(points, slot) {
    const chart = $("chart");
    chart.replaceChildren();
    if (!points.length) return;
    const W = 560, H = 240, left = 36, right = 14, top = 16, bottom = 30;
    const series = points.map((p) => ({ at: Date.parse(p.at), places: p.places }));
    // Carry the last value to when the slot was last seen (or closed), so a steady slot is a line, not a dot.
    const end = Date.parse(slot.goneAt ?? slot.lastSeen);
    if (end > series[series.length - 1].at) series.push({ at: end, places: series[series.length - 1].places });
    const t0 = series[0].at, t1 = Math.max(series[series.length - 1].at, t0 + 60000);
    const maxPlaces = Math.max(1, ...series.map((p) => p.places));
    const x = (at) => left + ((at - t0) / (t1 - t0)) * (W - left - right);
    const y = (v) => top + (1 - v / maxPlaces) * (H - top - bottom);

    const step = Math.max(1, Math.ceil(maxPlaces / 4));
    for (let v = 0; v <= maxPlaces; v += step) {
      chart.append(svg("line", { class: "grid-line", x1: left, x2: W - right, y1: y(v), y2: y(v) }));
      const label = svg("text", { class: "tick", x: left - 6, y: y(v) + 4, "text-anchor": "end" });
      label.textContent = String(v);
      chart.append(label);
    }
    chart.append(svg("line", { class: "axis", x1: left, x2: W - right, y1: y(0), y2: y(0) }));
    for (const [at, anchor] of [[t0, "start"], [(t0 + t1) / 2, "middle"], [t1, "end"]]) {
      const label = svg("text", { class: "tick", x: x(at), y: H - 8, "text-anchor": anchor });
      label.textContent = stamp(new Date(at).toISOString());
      chart.append(label);
    }

    let d = `M${x(series[0].at).toFixed(1)} ${y(series[0].places).toFixed(1)}`;
    for (let i = 1; i < series.length; i++) {
      d += ` H${x(series[i].at).toFixed(1)} V${y(series[i].places).toFixed(1)}`;
    }
    const area = d + ` V${y(0).toFixed(1)} H${x(series[0].at).toFixed(1)} Z`;
    chart.append(svg("path", { class: "area", d: area }));
    chart.append(svg("path", { class: "line", d }));
    for (const p of points) {
      const dot = svg("circle", { class: "dot", cx: x(Date.parse(p.at)).toFixed(1), cy: y(p.places).toFixed(1), r: 3 });
      const title = svg("title");
      title.textContent = `${stamp(p.at)} · ${p.places} ${t("places")}`;
      dot.append(title);
      chart.append(dot);
    }
  }

  // ---- language ---------------------------------------------------------------------------------------------
  function applyLanguage() {
    document.documentElement.lang = state.lang;
    for (const node of document.querySelectorAll("[data-i18n]")) node.textContent = t(node.dataset.i18n);
    for (const node of document.querySelectorAll("[data-i18n-placeholder]")) {
      node.placeholder = t(node.dataset.i18nPlaceholder);
      node.setAttribute("aria-label", node.placeholder);
    }
    $("map-title").textContent = t("mapLabel");
    for (const button of document.querySelectorAll(".lang button")) button.setAttribute("aria-pressed", String(button.dataset.lang === state.lang));
    renderLegend();
    if (state.status) setStatus(state.status.key, state.status.isError, state.status.arg);
    if (state.provinces.length) render();
    if (state.selectedSlot) showHistory(state.selectedSlot);
  }

  // ---- wiring -----------------------------------------------------------------------------------------------
  function wire() {
    for (const button of document.querySelectorAll(".lang button")) {
      button.addEventListener("click", () => {
        state.lang = button.dataset.lang;
        localStorage.setItem("pb.lang", state.lang);
        applyLanguage();
      });
    }
    for (const th of document.querySelectorAll("table.sortable th[data-key]")) {
      th.addEventListener("click", () => {
        const tableId = th.closest("table").id;
        const current = state.sort[tableId];
        state.sort[tableId] = current.key === th.dataset.key
          ? { key: current.key, dir: -current.dir }
          : { key: th.dataset.key, dir: th.dataset.type === "number" ? -1 : 1 };
        render();
      });
    }
    $("province-search").addEventListener("input", (e) => { state.search = e.target.value; renderProvinces(); });
    $("slot-province").addEventListener("change", (e) => { state.slotProvince = e.target.value; refresh(); });
    document.addEventListener("visibilitychange", () => { if (!document.hidden) refresh(); });
  }

  async function start() {
    wire();
    applyLanguage();
    setStatus("loading", false);
    try {
      buildMap(await getJson("/assets/provinces.map.json"));
    } catch (error) {
      setStatus("failed", true, error.message);
    }
    await refresh();
    setInterval(() => { if (!document.hidden) refresh(); }, REFRESH_MS);
  }

  start();
})();
