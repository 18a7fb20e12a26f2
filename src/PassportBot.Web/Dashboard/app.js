// PassportBot dashboard, home page: map, provinces, open and recently gone slots, places over time, live feed.
(() => {
  "use strict";
  const { $, t, el, svg, day, clock, stamp, number, duration, slotKey, getJson } = PB;

  const REFRESH_MS = 30000;
  const GONE_ROWS = 100;

  const state = {
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

  // ---- data -------------------------------------------------------------------------------------------------
  async function refresh() {
    const province = state.slotProvince ? "&province=" + encodeURIComponent(state.slotProvince) : "";
    try {
      const [provinces, open, gone] = await Promise.all([
        getJson("/api/provinces"),
        getJson("/api/slots?state=open&limit=1000" + province),
        getJson(`/api/slots?state=gone&sort=recent&limit=${GONE_ROWS}` + province),
      ]);
      state.provinces = provinces;
      state.open = open;
      state.gone = gone.map(withLifetime);
      render();
      setStatus("updated", false, clock(Date.now()));
      // Keep the chart live too: follow the selected slot, or start with the earliest open one.
      const selected = [...state.open, ...state.gone].find((s) => slotKey(s) === state.selected) ?? state.selectedSlot ?? state.open[0];
      if (selected) await showHistory(selected);
    } catch (error) {
      setStatus("failed", true, error.message);
    }
  }

  const withLifetime = (s) => ({ ...s, lifetime: s.goneAt ? Date.parse(s.goneAt) - Date.parse(s.firstSeen) : null });

  function setStatus(key, isError, arg) {
    state.status = { key, isError, arg };
    const node = $("status");
    node.textContent = t(key, arg);
    node.classList.toggle("error", isError);
  }

  // Live events change the tables at once; the aggregates (map, counts) follow with a refresh shortly after,
  // once the API's short cache has caught up.
  let refreshSoon = null;
  function onLive(kind, slot) {
    const matches = !state.slotProvince || slot.province === state.slotProvince;
    const key = slotKey(slot);
    if (matches) {
      state.open = state.open.filter((s) => slotKey(s) !== key);
      if (kind !== "gone") state.open.push(slot);
      else state.gone = [withLifetime(slot), ...state.gone.filter((s) => slotKey(s) !== key)].slice(0, GONE_ROWS);
      renderOpen();
      renderGone();
    }
    if (kind !== "changed") PB.liveLine(kind, slot);
    clearTimeout(refreshSoon);
    refreshSoon = setTimeout(refresh, 2500);
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

  function renderMap() {
    const map = $("map");
    if (!state.map) return;
    const byCode = new Map(state.provinces.map((p) => [p.code, p]));
    for (const link of map.querySelectorAll("a[data-code]")) {
      const code = link.dataset.code;
      const p = byCode.get(code);
      const open = p ? p.openSlots : 0;
      const cls = PB.classOf(open);
      const path = link.firstElementChild;
      path.setAttribute("fill", cls === 0 ? "url(#none-hatch)" : PB.CLASSES[cls - 1].colour);
      path.setAttribute("data-class", String(cls));
      link.setAttribute("aria-label", t("provinceLabel", p ? p.name : code, code, number(open)));
      path.classList.toggle("selected", (p ? p.agendaCode : code) === state.slotProvince);
    }
  }

  function buildMap(data) {
    const map = $("map");
    map.setAttribute("viewBox", data.viewBox);
    // "None" is hatched as well as grey, so it differs from the lowest class by more than colour.
    const defs = svg("defs");
    const pattern = svg("pattern", { id: "none-hatch", width: 6, height: 6, patternUnits: "userSpaceOnUse", patternTransform: "rotate(45)" });
    pattern.append(svg("rect", { width: 6, height: 6, fill: PB.NONE }), svg("line", { x1: 0, y1: 0, x2: 0, y2: 6, class: "hatch" }));
    defs.append(pattern);
    map.append(defs);
    for (const [code, shape] of Object.entries(data.provinces)) {
      // A real link: Tab reaches it, Enter opens the province page, and it can be shared or opened in a new tab.
      const link = svg("a", { href: "/province/" + code, "data-code": code });
      const path = svg("path", { d: shape.d, "data-code": code });
      link.append(path);
      link.addEventListener("mousemove", (e) => showTooltip(e, code));
      link.addEventListener("mouseleave", hideTooltip);
      link.addEventListener("focus", (e) => showTooltip(e, code));
      link.addEventListener("blur", hideTooltip);
      // Chromium does not follow a focused SVG link on Enter by itself.
      link.addEventListener("keydown", (e) => {
        if (e.key === "Enter" || e.key === " ") { e.preventDefault(); location.assign("/province/" + code); }
      });
      map.append(link);
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
      : (() => { const r = event.currentTarget.getBoundingClientRect(); return { x: r.left + r.width / 2, y: r.top + r.height / 2 }; })();
    tip.style.left = Math.max(0, Math.min(box.x - wrap.left + 14, wrap.width - tip.offsetWidth - 4)) + "px";
    tip.style.top = box.y - wrap.top + 14 + "px";
  }

  function hideTooltip() { $("tooltip").hidden = true; }

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

  function sorted(tableId, rows) {
    const { key, dir } = state.sort[tableId];
    PB.markSort($(tableId), key, dir);
    return PB.sortRows($(tableId), rows, key, dir);
  }

  function renderProvinces() {
    const needle = state.search.trim().toLowerCase();
    const rows = sorted("provinces-table", state.provinces.filter((p) =>
      !needle || p.name.toLowerCase().includes(needle) || p.code.toLowerCase() === needle || p.region.toLowerCase().includes(needle)));
    document.querySelector("#provinces-table tbody").replaceChildren(...rows.map((p) => el("tr", {},
      el("td", {}, el("a", { href: "/province/" + p.code, class: "province-link" }, el("span", { class: "code", text: p.code }), " ", p.name),
        p.agendaCode !== p.code ? el("small", { class: "muted", text: " · " + t("servedBy", p.agendaCode) }) : null),
      el("td", { text: p.region }),
      el("td", { class: "num" }, el("span", { class: p.openSlots > 0 ? "pill on" : "pill", text: number(p.openSlots) })),
      el("td", { class: "num", text: number(p.offices) }),
      el("td", { class: "num", text: number(p.subscribers) }),
      el("td", { text: day(p.firstOpenDate) }))));
  }

  function slotRow(s, cells) {
    const row = el("tr", { "data-key": slotKey(s) }, ...cells);
    row.classList.toggle("selected", slotKey(s) === state.selected);
    PB.activatable(row, () => showHistory(s));
    return row;
  }

  const officeCell = (s) => el("td", { class: "office" }, s.officeCode + " – " + s.officeName, el("small", { text: s.address }));

  function renderOpen() {
    const rows = sorted("open-table", state.open);
    document.querySelector("#open-table tbody").replaceChildren(...rows.map((s) => slotRow(s, [
      el("td", { text: day(s.date) }),
      el("td", { text: s.time }),
      officeCell(s),
      el("td", { class: "code" }, el("a", { href: "/province/" + s.province, text: s.province })),
      el("td", { class: "num" }, el("span", { class: "pill on", text: s.places })),
      el("td", { text: stamp(s.firstSeen) }),
    ])));
    $("open-empty").hidden = rows.length > 0;
  }

  function renderGone() {
    const rows = sorted("gone-table", state.gone);
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

  // ---- wiring -----------------------------------------------------------------------------------------------
  function onLanguage() {
    $("map-title").textContent = t("mapLabel");
    PB.legend($("legend"));
    if (state.status) setStatus(state.status.key, state.status.isError, state.status.arg);
    if (state.provinces.length) render();
    if (state.selectedSlot) showHistory(state.selectedSlot);
  }

  function wire() {
    PB.wireLanguage(onLanguage);
    for (const table of document.querySelectorAll("table.sortable")) {
      PB.sortable(table, (key, type) => {
        const current = state.sort[table.id];
        state.sort[table.id] = current.key === key ? { key, dir: -current.dir } : { key, dir: type === "number" ? -1 : 1 };
        render();
      });
    }
    $("province-search").addEventListener("input", (e) => { state.search = e.target.value; renderProvinces(); });
    $("slot-province").addEventListener("change", (e) => { state.slotProvince = e.target.value; renderMap(); refresh(); });
    document.addEventListener("visibilitychange", () => { if (!document.hidden) refresh(); });
  }

  async function start() {
    wire();
    PB.applyLanguage();
    setStatus("loading", false);
    try {
      buildMap(await getJson("/assets/provinces.map.json"));
    } catch (error) {
      setStatus("failed", true, error.message);
    }
    await refresh();
    // After a reconnection the events missed while away are not replayed: read everything again.
    let connected = false;
    PB.connectLive({ slot: onLive, reconnected: () => { if (connected) refresh(); connected = true; } });
    setInterval(() => { if (!document.hidden) refresh(); }, REFRESH_MS);
  }

  start();
})();
