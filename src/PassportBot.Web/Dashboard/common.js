// Shared by the dashboard's pages: texts, DOM and formatting helpers, sortable tables, freshness banner and the
// live connection. Same-origin requests only; DOM built with textContent (no HTML injection).
window.PB = (() => {
  "use strict";

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
      chartTitle: "Posti nel tempo", chartHint: "Seleziona un appuntamento (clic o Invio) per vederne la storia.",
      goneTitle: "Appena spariti", goneHint: "I più recenti per primi: quanto è durato ogni appuntamento prima di essere prenotato",
      colMaxPlaces: "Posti max", colGoneAt: "Sparito alle", colLifetime: "Durata", noGone: "Nessun appuntamento sparito di recente.",
      footer: "Aggiornamenti in diretta. Nessun dato personale è mostrato.",
      updated: "Aggiornato alle {0}", loading: "Caricamento…", failed: "Aggiornamento non riuscito ({0}), nuovo tentativo tra 30 s",
      tooltip: "{0} ({1}) · {2} liberi", servedBy: "servita da {0}", noHistory: "Storia non disponibile.",
      chartOf: "{0} · {1} ore {2}", places: "posti", mapLabel: "Province italiane colorate per numero di appuntamenti liberi",
      legendNone: "nessuno", provinceLabel: "{0} ({1}): {2} appuntamenti liberi. Apri la pagina della provincia",
      lastPoll: "Ultimo controllo {0}", neverPolled: "Nessun controllo ancora",
      stale: "I dati potrebbero non essere aggiornati dal {0}.", staleNever: "I dati potrebbero non essere aggiornati.",
      reasonExpired: "La sessione dell'agenda è scaduta.", reasonNoCredentials: "Mancano le credenziali dell'agenda.",
      reasonNoPoll: "Nessun controllo recente dell'agenda.",
      live: "In diretta", liveLost: "Connessione persa: riconnessione…",
      liveNew: "Nuovo: {0} ore {1} · {2} · {3} posti", liveGone: "Sparito: {0} ore {1} · {2}", liveTitle: "In diretta",
      liveEmpty: "Le novità appariranno qui senza ricaricare la pagina.",
      back: "← Tutte le province", officesTitle: "Uffici", colAddress: "Indirizzo", colOpens: "Apertura prenotazioni",
      colFirstFree: "Prima data libera", noOffices: "Nessun ufficio conosciuto per questa provincia.",
      timelineTitle: "Vita degli appuntamenti", timelineHint: "Ultime {0} ore: ogni barra va da quando l'appuntamento è comparso a quando è sparito; i numeri sono i posti.",
      noTimeline: "Nessun appuntamento in questo periodo.", stillOpen: "ancora libero", lifeLabel: "{0} ore {1}, {2}: comparso {3}, {4}, posti {5}",
      goneAtLabel: "sparito {0}",
      insightsTitle: "Quando compaiono", insightsHint: "Nuovi appuntamenti per giorno e ora (ora di Roma), ultime {0} settimane: {1} in tutto.",
      weekdays: "Lun,Mar,Mer,Gio,Ven,Sab,Dom", lifetimeTitle: "Quanto durano", colMedian: "Durata mediana", colNew: "Nuovi", colGone: "Spariti",
      aheadText: "{0} annunciati prima dell'apertura delle prenotazioni, su {1} annunciati.",
      unknownProvince: "Provincia sconosciuta: {0}", apiDocs: "API", docsTitle: "API di PassportBot",
      docsIntro: "Sola lettura, JSON. Descrizione OpenAPI completa:", colMethod: "Metodo", colPath: "Percorso", colDescription: "Descrizione",
      colParameters: "Parametri",
    },
    en: {
      subtitle: "Passport appointments at Italian police offices",
      statOpen: "Open slots", statProvinces: "Provinces with slots", statFirst: "First open date",
      statSubscribers: "Active subscriptions", mapTitle: "Availability map", provincesTitle: "Provinces",
      searchProvince: "Search province", colProvince: "Province", colRegion: "Region", colOpen: "Open",
      colOffices: "Offices", colSubscribers: "Subscribers", colFirstDate: "First date", openTitle: "Open slots",
      filterProvince: "Province", allProvinces: "All", colDate: "Date", colTime: "Time", colOffice: "Office",
      colProv: "Prov.", colPlaces: "Places", colFirstSeen: "First seen", noOpen: "No open slots right now.",
      chartTitle: "Places over time", chartHint: "Select a slot (click or Enter) to see its history.",
      goneTitle: "Recently gone", goneHint: "Latest first: how long each slot lived before it was booked",
      colMaxPlaces: "Max places", colGoneAt: "Gone at", colLifetime: "Lived", noGone: "No slot has gone recently.",
      footer: "Live updates. No personal data is shown.",
      updated: "Updated at {0}", loading: "Loading…", failed: "Refresh failed ({0}), retrying in 30 s",
      tooltip: "{0} ({1}) · {2} open", servedBy: "served by {0}", noHistory: "History not available.",
      chartOf: "{0} · {1} at {2}", places: "places", mapLabel: "Italian provinces coloured by number of open slots",
      legendNone: "none", provinceLabel: "{0} ({1}): {2} open slots. Open the province page",
      lastPoll: "Last poll {0}", neverPolled: "No poll yet",
      stale: "Data may be stale since {0}.", staleNever: "Data may be stale.",
      reasonExpired: "The agenda session has expired.", reasonNoCredentials: "No agenda credentials are configured.",
      reasonNoPoll: "No recent poll of the agenda.",
      live: "Live", liveLost: "Connection lost: reconnecting…",
      liveNew: "New: {0} at {1} · {2} · {3} places", liveGone: "Gone: {0} at {1} · {2}", liveTitle: "Live",
      liveEmpty: "News appears here without reloading the page.",
      back: "← All provinces", officesTitle: "Offices", colAddress: "Address", colOpens: "Booking opens",
      colFirstFree: "First free date", noOffices: "No office known for this province.",
      timelineTitle: "Life of the slots", timelineHint: "Last {0} hours: each bar runs from when the slot appeared to when it went; numbers are places.",
      noTimeline: "No slot in this period.", stillOpen: "still open", lifeLabel: "{0} at {1}, {2}: appeared {3}, {4}, places {5}",
      goneAtLabel: "gone {0}",
      insightsTitle: "When slots appear", insightsHint: "New slots by weekday and hour (Rome time), last {0} weeks: {1} in all.",
      weekdays: "Mon,Tue,Wed,Thu,Fri,Sat,Sun", lifetimeTitle: "How long they last", colMedian: "Median lifetime", colNew: "New", colGone: "Gone",
      aheadText: "{0} announced before booking opened, of {1} announced.",
      unknownProvince: "Unknown province: {0}", apiDocs: "API", docsTitle: "PassportBot API",
      docsIntro: "Read-only, JSON. Full OpenAPI description:", colMethod: "Method", colPath: "Path", colDescription: "Description",
      colParameters: "Parameters",
    },
  };

  const state = { lang: localStorage.getItem("pb.lang") === "en" ? "en" : "it", onLanguage: [] };

  const $ = (id) => document.getElementById(id);
  const t = (key, ...args) => (TEXT[state.lang][key] ?? key).replace(/\{(\d)\}/g, (_, i) => String(args[Number(i)]));

  function el(tag, props = {}, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(props)) {
      if (value === undefined || value === null) continue;
      if (name === "class") node.className = value;
      else if (name === "text") node.textContent = value;
      else if (name.startsWith("data-") || name.startsWith("aria-") || name === "role" || name === "tabindex" || name === "scope") node.setAttribute(name, value);
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

  async function getJson(path) {
    const response = await fetch(path, { headers: { Accept: "application/json" }, cache: "no-store" });
    if (!response.ok) throw new Error("HTTP " + response.status);
    return response.json();
  }

  // ---- map colour classes -----------------------------------------------------------------------------------
  // Fixed classes (not relative to the maximum) so a colour means the same on every visit. "None" is also
  // hatched, and neighbouring classes differ in lightness by at least 1.3:1, so they stay apart for every eye.
  const CLASSES = [
    { min: 1, max: 2, colour: "#a9dfbf" },
    { min: 3, max: 9, colour: "#5fba8a" },
    { min: 10, max: 29, colour: "#2e8b5f" },
    { min: 30, max: 99, colour: "#17603f" },
    { min: 100, max: Infinity, colour: "#083b25" },
  ];
  const NONE = "#eef1f5";
  const classOf = (open) => (open > 0 ? CLASSES.findIndex((c) => open >= c.min && open <= c.max) + 1 : 0);

  function legend(node) {
    const item = (swatchClass, colour, label) => {
      const swatch = el("span", { class: "swatch " + swatchClass });
      swatch.style.background = colour;
      return el("span", { class: "legend-item" }, swatch, label);
    };
    node.replaceChildren(item("none", NONE, t("legendNone")),
      ...CLASSES.map((c) => item("", c.colour, c.max === Infinity ? c.min + "+" : c.min === c.max ? String(c.min) : c.min + "–" + c.max)));
  }

  // ---- sortable tables --------------------------------------------------------------------------------------
  /** Turns each header with data-key into a button (keyboard: Tab, Enter/Space); onSort(key) re-renders. */
  function sortable(table, onSort) {
    for (const th of table.querySelectorAll("th[data-key]")) {
      const button = el("button", { type: "button", class: "sort" });
      button.append(...th.childNodes);
      const i18n = th.dataset.i18n;
      if (i18n) { th.removeAttribute("data-i18n"); button.dataset.i18n = i18n; }
      th.append(button);
      button.addEventListener("click", () => onSort(th.dataset.key, th.dataset.type));
    }
  }

  function markSort(table, key, dir) {
    for (const th of table.querySelectorAll("th[data-key]")) {
      if (th.dataset.key === key) th.setAttribute("aria-sort", dir > 0 ? "ascending" : "descending");
      else th.removeAttribute("aria-sort");
    }
  }

  function sortRows(table, rows, key, dir) {
    const type = table.querySelector(`th[data-key="${key}"]`)?.dataset.type ?? "text";
    const value = (r) => (key === "date" ? r.date + " " + r.time : r[key]);
    return [...rows].sort((a, b) => {
      const x = value(a), y = value(b);
      if (x === y) return 0;
      if (x === null || x === undefined || x === "") return 1; // blanks last in either direction
      if (y === null || y === undefined || y === "") return -1;
      return (type === "number" ? x - y : String(x).localeCompare(String(y), "it")) * dir;
    });
  }

  /** Makes a row act as a button: click, Enter or Space. */
  function activatable(row, action, label) {
    row.tabIndex = 0;
    if (label) row.setAttribute("aria-label", label);
    row.addEventListener("click", action);
    row.addEventListener("keydown", (e) => {
      if (e.target === row && (e.key === "Enter" || e.key === " ")) { e.preventDefault(); action(); }
    });
  }

  // ---- language ---------------------------------------------------------------------------------------------
  function applyLanguage() {
    document.documentElement.lang = state.lang;
    for (const node of document.querySelectorAll("[data-i18n]")) node.textContent = t(node.dataset.i18n);
    for (const node of document.querySelectorAll("[data-i18n-placeholder]")) {
      node.placeholder = t(node.dataset.i18nPlaceholder);
      node.setAttribute("aria-label", node.placeholder);
    }
    for (const button of document.querySelectorAll(".lang button")) button.setAttribute("aria-pressed", String(button.dataset.lang === state.lang));
    renderFreshness();
    renderLive();
    for (const f of state.onLanguage) f();
  }

  function wireLanguage(onChange) {
    if (onChange) state.onLanguage.push(onChange);
    for (const button of document.querySelectorAll(".lang button")) {
      button.addEventListener("click", () => {
        state.lang = button.dataset.lang;
        localStorage.setItem("pb.lang", state.lang);
        applyLanguage();
      });
    }
  }

  // ---- freshness and live -----------------------------------------------------------------------------------
  let freshness = null;
  let liveState = "connecting";

  function renderFreshness() {
    const poll = $("freshness");
    if (poll) poll.textContent = freshness ? (freshness.lastPollAt ? t("lastPoll", stamp(freshness.lastPollAt)) : t("neverPolled")) : "";
    const banner = $("stale-banner");
    if (!banner) return;
    if (!freshness || !freshness.stale) { banner.hidden = true; banner.textContent = ""; return; }
    const reason = { "session-expired": "reasonExpired", "no-credentials": "reasonNoCredentials", "no-recent-poll": "reasonNoPoll" }[freshness.reason];
    banner.textContent = (freshness.staleSince ? t("stale", stamp(freshness.staleSince)) : t("staleNever")) + (reason ? " " + t(reason) : "");
    banner.hidden = false;
  }

  function setFreshness(status) {
    freshness = status;
    renderFreshness();
  }

  function renderLive() {
    const node = $("live-state");
    if (!node) return;
    node.textContent = liveState === "open" ? t("live") : liveState === "lost" ? t("liveLost") : "";
    node.className = "live-state " + liveState;
  }

  /** Connects to /api/events; handlers.slot(kind, slot) gets new/changed/gone. EventSource reconnects by itself. */
  function connectLive(handlers) {
    const source = new EventSource("/api/events");
    source.addEventListener("open", () => { liveState = "open"; renderLive(); handlers.reconnected?.(); });
    source.addEventListener("error", () => { liveState = "lost"; renderLive(); });
    source.addEventListener("status", (e) => setFreshness(JSON.parse(e.data)));
    for (const kind of ["new", "changed", "gone"]) {
      source.addEventListener(kind, (e) => handlers.slot(kind, JSON.parse(e.data).slot));
    }
    return source;
  }

  /** Prepends a line to the live list (newest first, at most 20). */
  function liveLine(kind, slot) {
    const list = $("live-list");
    if (!list) return;
    $("live-empty")?.setAttribute("hidden", "");
    const office = slot.officeCode + " – " + slot.officeName;
    const text = kind === "gone" ? t("liveGone", day(slot.date), slot.time, office) : t("liveNew", day(slot.date), slot.time, office, slot.places);
    list.prepend(el("li", { class: "live-" + kind, "data-kind": kind, "data-key": slotKey(slot) }, el("span", { class: "live-at", text: clock(Date.now()) }), " ", text));
    while (list.children.length > 20) list.lastElementChild.remove();
  }

  return {
    state, $, t, el, svg, day, clock, stamp, number, duration, slotKey, getJson, CLASSES, NONE, classOf, legend,
    sortable, markSort, sortRows, activatable, applyLanguage, wireLanguage, setFreshness, connectLive, liveLine,
  };
})();
