/*
 * backwalk-card: one backwalk profile on a dashboard.
 *
 * Plain JavaScript, no build step. The integration serves this file and asks the frontend to
 * load it on every page, so `type: custom:backwalk-card` works without adding a resource.
 *
 *   type: custom:backwalk-card
 *   device_id: <the profile's device>   # the visual editor picks it
 *   title: Alex's walks                 # optional; default: the profile's name
 *
 * Entities are found through the entity registry entries the frontend already holds
 * (hass.entities: platform, device_id, translation_key), so renaming an entity never breaks
 * the card. Health rules follow the project's guidance ids: on a pain day the card suggests
 * low-impact alternatives and logs them (G7); on a red-flag day it shows care advice and
 * nothing else, no exercise and no walk controls (G15), only a way to correct today's pain.
 *
 * Every action answers with a short message in the card; an entry made from the card can be
 * taken back for CORRECTION_MS (backwalk.undo_last, which any user may call and which never
 * reaches further back).
 *
 * Its History view shows the profile's long-term statistics (statistics.py) in two of Home
 * Assistant's own statistics graphs: walking minutes per week over a year, pain per day over
 * three months. They need the recorder; without it the view says so.
 *
 * Every word the card shows is in i18n/<language>.json beside this file (card.py serves the
 * folder), picked by the user's language (hass.locale): a new language is a new file.
 */

const DOMAIN = "backwalk";
const CARD_VERSION = "0.1.0";
const HISTORY_DAYS = 14;
const HISTORY_REFRESH_MS = 15 * 60 * 1000;
// model/corrections.py CORRECTION_WINDOW: how long undo_last and correct_pain reach back.
const CORRECTION_MS = 5 * 60 * 1000;
// A message without an Undo stays this long.
const MESSAGE_MS = 8000;
// Arrow keys move the pain slider a step at a time: report once they rest this long.
const KEY_COMMIT_MS = 1500;

// G7's low-impact alternatives; each has a button label and a name in a sentence in i18n/.
const ALTERNATIVES = ["swimming", "stationary_bike", "yoga"];
// What undo_last can remove; each has its own "Removed ..." sentence in i18n/.
const ENTRY_TYPES = ["walk", "pain", "stretch", "alternative"];

// The card's words. The files are fetched once per language and kept; English, always
// loaded, stands in for a language without a file (and for a key a file lacks).
const I18N_URL = new URL("i18n/", import.meta.url);
const FALLBACK_LANGUAGE = "en";
const I18N_RETRY_MS = 10000;
const catalogs = new Map(); // language -> Promise of its words, or of null without a file
const loadedWords = new Map(); // language -> its words over English's
const wordsFile = new Map(); // language -> the language of the file its words came from

/** The languages to try for the user's, best first: "de-CH", then "de", then English. */
export function languageCandidates(language) {
  const code = String(language || FALLBACK_LANGUAGE);
  return [...new Set([code, code.split("-")[0], FALLBACK_LANGUAGE])];
}

function fetchCatalog(language) {
  if (!catalogs.has(language)) {
    const url = new URL(`${encodeURIComponent(language)}.json?v=${CARD_VERSION}`, I18N_URL);
    const loading = fetch(url).then((response) => {
      if (response.ok) return response.json();
      if (response.status === 404) return null; // no file for this language
      throw new Error(`${url}: ${response.status}`);
    });
    // A failed request is tried again next time; a missing file is not.
    loading.catch(() => catalogs.delete(language));
    catalogs.set(language, loading);
  }
  return catalogs.get(language);
}

/** The words for a language: the best file there is, over English's. */
export async function loadWords(language) {
  if (loadedWords.has(language)) return loadedWords.get(language);
  const english = await fetchCatalog(FALLBACK_LANGUAGE);
  if (!english) throw new Error("backwalk-card: the English words are missing");
  let words = english;
  let file = FALLBACK_LANGUAGE;
  for (const candidate of languageCandidates(language)) {
    if (candidate === FALLBACK_LANGUAGE) break;
    const found = await fetchCatalog(candidate);
    if (found) {
      words = { ...english, ...found };
      file = candidate;
      break;
    }
  }
  wordsFile.set(language, file);
  loadedWords.set(language, words);
  return words;
}

/** A text with its {placeholders} filled; with `html`, the text escaped and the values as given. */
export function fillIn(template, values = {}, html = false) {
  return String(template)
    .split(/(\{\w+\})/)
    .map((part) => {
      const name = /^\{(\w+)\}$/.exec(part);
      if (name && name[1] in values) return String(values[name[1]]);
      return html ? escapeHtml(part) : part;
    })
    .join("");
}

/** The user's language, as the frontend has it. */
function languageOf(hass) {
  return (hass.locale && hass.locale.language) || hass.language || FALLBACK_LANGUAGE;
}

/**
 * How this user reads numbers (hass.locale.number_format), as the frontend decides it:
 * the language's way, the browser's, or one of the fixed styles.
 */
export function formatNumber(number, hass, options = {}) {
  const locale = hass.locale || {};
  const styles = { comma_decimal: "en-US", decimal_comma: "de", space_comma: "fr" };
  const format = locale.number_format || "language";
  const language = format in styles ? styles[format] : format === "system" ? undefined : languageOf(hass);
  const grouping = format === "none" ? { useGrouping: false } : {};
  return new Intl.NumberFormat(language, { maximumFractionDigits: 0, ...grouping, ...options }).format(number);
}

// Every entity the card reads, by "<domain>.<translation_key>".
const KEYS = {
  minutesWeek: "sensor.minutes_this_week",
  walksWeek: "sensor.walks_this_week",
  goalProgress: "sensor.goal_progress",
  currentStreak: "sensor.current_streak",
  longestStreak: "sensor.longest_streak",
  weeklyStreak: "sensor.weekly_streak",
  targetToday: "sensor.target_minutes_today",
  painToday: "sensor.pain_today",
  painStatus: "sensor.pain_status",
  nextWalk: "sensor.next_walk",
  painDay: "binary_sensor.pain_day",
  walking: "binary_sensor.walk_in_progress",
  painInput: "number.pain_today_input",
  logStretch: "button.log_stretch",
  startWalk: "button.start_walk",
  finishWalk: "button.finish_walk",
};

const NO_VALUE = new Set(["unknown", "unavailable", "", undefined, null]);

function escapeHtml(text) {
  return String(text)
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

/** "a, b or c" in the user's language. */
function joinWords(words, language) {
  return new Intl.ListFormat(language, { type: "disjunction" }).format(words);
}

/** The profile's entity ids by key, from the entity registry display entries. */
export function profileEntities(hass, deviceId) {
  const byKey = {};
  for (const entry of Object.values(hass.entities || {})) {
    if (entry.platform !== DOMAIN || entry.device_id !== deviceId || !entry.translation_key) {
      continue;
    }
    const domain = entry.entity_id.split(".")[0];
    byKey[`${domain}.${entry.translation_key}`] = entry.entity_id;
  }
  const found = {};
  for (const [name, key] of Object.entries(KEYS)) {
    if (byKey[key]) found[name] = byKey[key];
  }
  return found;
}

/** Devices that hold backwalk entities: the profiles. */
export function profileDevices(hass) {
  const ids = new Set();
  for (const entry of Object.values(hass.entities || {})) {
    if (entry.platform === DOMAIN && entry.device_id) ids.add(entry.device_id);
  }
  return [...ids].map((id) => {
    const device = (hass.devices || {})[id] || {};
    return { id, name: device.name_by_user || device.name || id };
  });
}

/**
 * The profile's config entry id: its device's backwalk identifier (entity.py makes it of
 * the entry id), else the entry the device registry names for it.
 */
export function profileEntryId(hass, deviceId) {
  const device = (hass.devices || {})[deviceId];
  if (!device) return null;
  const ours = (device.identifiers || []).find((identifier) => identifier[0] === DOMAIN);
  if (ours) return ours[1];
  return device.config_entry_id || device.primary_config_entry || null;
}

/** The ids of a profile's long-term statistics, made as statistics.py's statistic_ids. */
export function statisticIds(entryId) {
  const stem = String(entryId)
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "");
  return { minutes: `${DOMAIN}:${stem}_walking_minutes`, pain: `${DOMAIN}:${stem}_pain` };
}

/**
 * How this user reads times, from their profile settings (hass.locale), decided as Home
 * Assistant's frontend decides it, so the card agrees with the calendar and every other
 * card: AM/PM or 24 hours (time_format "language", "system", "12" or "24"), in the
 * browser's time zone ("local", the frontend's default) or Home Assistant's ("server").
 * Without such settings: the language's convention, in Home Assistant's time zone.
 */
export function timeSettings(hass) {
  const locale = hass.locale || {};
  const language = languageOf(hass);
  const format = locale.time_format || "language";
  let amPm = format === "12";
  if (format !== "12" && format !== "24") {
    // What the language (for "system", the browser's own) writes for 22:00.
    const sample = new Date("January 1, 2023 22:00:00").toLocaleString(format === "system" ? undefined : language);
    amPm = sample.includes("10");
  }
  const browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const timeZone = locale.time_zone === "local" && browserZone ? browserZone : hass.config.time_zone;
  return { language, amPm, timeZone };
}

/** A moment's clock time (with the weekday if asked) as this user reads times. */
export function formatTime(moment, hass, withWeekday = false) {
  const { language, amPm, timeZone } = timeSettings(hass);
  return new Intl.DateTimeFormat(language, {
    ...(withWeekday ? { weekday: "short" } : {}),
    hour: amPm ? "numeric" : "2-digit",
    minute: "2-digit",
    hourCycle: amPm ? "h12" : "h23",
    timeZone,
  }).format(moment);
}

/** YYYY-MM-DD of a moment in Home Assistant's time zone (backwalk's days are its days). */
function dayKey(moment, timeZone) {
  return new Intl.DateTimeFormat("en-CA", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).format(moment);
}

/** The last HISTORY_DAYS local days, oldest first, each with its latest pain level or null. */
export function painTrend(reports, now, timeZone) {
  const days = [];
  for (let back = HISTORY_DAYS - 1; back >= 0; back -= 1) {
    const key = dayKey(new Date(now.getTime() - back * 86400000), timeZone);
    if (!days.includes(key)) days.push(key);
  }
  const latest = {};
  const sorted = [...reports].sort((a, b) => new Date(a.time) - new Date(b.time));
  for (const report of sorted) latest[dayKey(new Date(report.time), timeZone)] = report.level;
  return days.map((day) => ({ day, level: day in latest ? latest[day] : null }));
}

/** A YYYY-MM-DD day as the language writes a short date ("30 Nov", "30. Nov."). */
function formatDay(day, language) {
  return new Intl.DateTimeFormat(language, { day: "numeric", month: "short", timeZone: "UTC" }).format(
    new Date(`${day}T12:00:00Z`),
  );
}

/**
 * The History view's two statistics graphs (Home Assistant's statistics-graph card): the
 * change of the minutes' hourly sum per week over a year, and each day's mean and highest
 * pain over three months, on the 0-10 scale of the reports.
 */
export function historyCharts(ids, t) {
  return [
    {
      type: "statistics-graph",
      title: t("history_minutes_title"),
      entities: [{ entity: ids.minutes, name: t("history_minutes_name") }],
      period: "week",
      stat_types: ["change"],
      chart_type: "bar",
      days_to_show: 365,
      hide_legend: true,
    },
    {
      type: "statistics-graph",
      title: t("history_pain_title"),
      entities: [{ entity: ids.pain, name: t("history_pain_name") }],
      period: "day",
      stat_types: ["mean", "max"],
      chart_type: "line",
      days_to_show: 90,
      min_y_axis: 0,
      max_y_axis: 10,
    },
  ];
}

function sparkline(trend, threshold, t, language) {
  const width = 140;
  const height = 36;
  const step = width / Math.max(1, trend.length - 1);
  const y = (level) => (height - 3 - (level / 10) * (height - 6)).toFixed(1);
  const segments = [];
  let current = [];
  trend.forEach((point, index) => {
    if (point.level === null) {
      if (current.length) segments.push(current);
      current = [];
      return;
    }
    current.push(`${(index * step).toFixed(1)},${y(point.level)}`);
  });
  if (current.length) segments.push(current);
  const lines = segments
    .filter((segment) => segment.length > 1)
    .map((segment) => `<polyline points="${segment.join(" ")}"></polyline>`)
    .join("");
  const dots = trend
    .map((point, index) =>
      point.level === null
        ? ""
        : `<circle class="${point.level >= threshold ? "high" : ""}" cx="${(index * step).toFixed(1)}" cy="${y(point.level)}" r="2.5"></circle>`,
    )
    .join("");
  const known = trend.filter((point) => point.level !== null);
  const days = trend.length;
  const label = known.length
    ? t("trend_label", { days, levels: known.map((p) => `${formatDay(p.day, language)}: ${p.level}`).join(", ") })
    : t("trend_empty", { days });
  const guide = `<line class="threshold" x1="0" x2="${width}" y1="${y(threshold)}" y2="${y(threshold)}"></line>`;
  return `<span class="trend"><svg class="spark" data-testid="bw-sparkline" data-points="${known.length}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeHtml(label)}"><title>${escapeHtml(label)}</title>${guide}${lines}${dots}</svg><span class="caption">${escapeHtml(t("trend_caption", { days }))}</span></span>`;
}

function ring(minutes, goal) {
  const radius = 42;
  const circumference = 2 * Math.PI * radius;
  const share = goal > 0 ? Math.min(1, minutes / goal) : 0;
  return `
    <svg class="ring" viewBox="0 0 100 100" aria-hidden="true">
      <circle class="track" cx="50" cy="50" r="${radius}"></circle>
      <circle class="fill" cx="50" cy="50" r="${radius}"
        stroke-dasharray="${(share * circumference).toFixed(2)} ${circumference.toFixed(2)}"
        transform="rotate(-90 50 50)"></circle>
    </svg>`;
}


/**
 * Whether the card can show the profile: "ok", or why not ("unset", "disabled",
 * "unavailable", "missing"). Only "ok" lets the card call backwalk's actions: a disabled or
 * unloaded profile would only answer with errors (logged by Home Assistant).
 */
export function profileStatus(hass, deviceId, entities) {
  if (!deviceId) return "unset";
  const device = (hass.devices || {})[deviceId];
  if (device && device.disabled_by) return "disabled";
  if (!entities.minutesWeek) return device ? "unavailable" : "missing";
  const state = (hass.states || {})[entities.minutesWeek];
  return !state || state.state === "unavailable" ? "unavailable" : "ok";
}

const STYLE = `
  :host { display: block; }
  ha-card { overflow: hidden; }
  .card { padding: 16px; color: var(--primary-text-color); }
  .head { display: flex; align-items: baseline; justify-content: space-between; gap: 8px; margin-bottom: 12px; }
  .title { font-size: 1.25em; font-weight: 500; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
  .sub { color: var(--secondary-text-color); font-size: 0.9em; }
  .top { display: flex; gap: 16px; align-items: center; flex-wrap: wrap; }
  .ring-box { position: relative; width: 112px; height: 112px; flex: none; }
  .ring { width: 100%; height: 100%; }
  .ring circle { fill: none; stroke-width: 9; }
  .ring .track { stroke: var(--divider-color, rgba(127,127,127,0.25)); }
  .ring .fill { stroke: var(--primary-color); stroke-linecap: round; transition: stroke-dasharray 0.4s; }
  .ring-label { position: absolute; inset: 0; display: flex; flex-direction: column; align-items: center; justify-content: center; line-height: 1.1; }
  .ring-label .big { font-size: 1.6em; font-weight: 600; }
  .ring-label .small { color: var(--secondary-text-color); font-size: 0.8em; }
  .goal-line { color: var(--secondary-text-color); font-size: 0.9em; margin: 4px 0 0; }
  .stats { flex: 1 1 150px; display: grid; grid-template-columns: 1fr 1fr; gap: 8px 12px; min-width: 150px; }
  .stat .label { color: var(--secondary-text-color); font-size: 0.8em; hyphens: auto; }
  button { hyphens: auto; }
  .stat .value { font-size: 1.15em; font-weight: 500; }
  .row { display: flex; align-items: center; justify-content: space-between; gap: 12px; margin-top: 14px; flex-wrap: wrap; }
  .pain { flex: 1 1 200px; }
  .pain-head { display: flex; justify-content: space-between; align-items: baseline; gap: 8px; }
  .pain-head strong { white-space: nowrap; }
  .trend { display: flex; flex-direction: column; align-items: flex-end; flex: none; }
  .trend .caption { color: var(--secondary-text-color); font-size: 0.7em; }
  .spark { width: 140px; height: 36px; overflow: visible; }
  .spark polyline { fill: none; stroke: var(--primary-color); stroke-width: 1.8; stroke-linejoin: round; }
  .spark circle { fill: var(--primary-color); }
  .spark circle.high { fill: var(--warning-color, #ff9800); }
  .spark .threshold { stroke: var(--secondary-text-color); stroke-dasharray: 3 3; stroke-width: 0.8; opacity: 0.6; }
  input[type=range] { width: 100%; accent-color: var(--primary-color); margin: 6px 0 0; }
  /* Not reported today: no thumb, so nothing reads as 0. */
  input[type=range].unset { accent-color: var(--disabled-text-color, #bdbdbd); }
  input[type=range].unset::-webkit-slider-thumb { opacity: 0; }
  input[type=range].unset::-moz-range-thumb { opacity: 0; }
  .scale { display: flex; justify-content: space-between; gap: 8px; color: var(--secondary-text-color); font-size: 0.75em; }
  .scale .hint { text-align: center; }
  .actions { display: flex; gap: 8px; margin-top: 14px; flex-wrap: wrap; align-items: center; }
  button { flex: 1 1 120px; min-height: 40px; border: none; border-radius: 20px; padding: 8px 14px; font: inherit; font-weight: 500; cursor: pointer;
    background: var(--primary-color); color: var(--text-primary-color, #fff); }
  button.secondary { background: transparent; color: var(--primary-color); box-shadow: inset 0 0 0 1px var(--primary-color); }
  button.link { flex: none; min-height: 32px; padding: 4px 10px; background: transparent; color: var(--primary-color); text-decoration: underline; }
  button[aria-disabled=true] { opacity: 0.5; cursor: default; }
  button:focus-visible, input:focus-visible { outline: 2px solid var(--primary-color); outline-offset: 2px; }
  .minutes { display: flex; align-items: center; gap: 6px; color: var(--secondary-text-color); font-size: 0.9em; flex: none; }
  .minutes input { width: 4.5em; min-height: 36px; padding: 4px 8px; font: inherit; color: var(--primary-text-color);
    background: var(--card-background-color, transparent); border: 1px solid var(--divider-color, #999); border-radius: 8px; }
  .notice { margin-top: 14px; padding: 12px; border-radius: 8px; line-height: 1.4;
    background: color-mix(in srgb, var(--warning-color, #ff9800) 14%, transparent); }
  .notice.care { background: color-mix(in srgb, var(--error-color, #db4437) 14%, transparent); margin-top: 0; }
  .notice strong { display: block; margin-bottom: 4px; }
  .care-title { color: var(--error-color, #db4437); }
  .correct { margin-top: 14px; }
  .correct .value { font-weight: 600; }
  .message { display: flex; align-items: center; justify-content: space-between; gap: 8px; margin-top: 12px; padding: 6px 6px 6px 12px;
    border-radius: 8px; background: color-mix(in srgb, var(--primary-color) 12%, transparent); font-size: 0.9em; }
  .message .buttons { display: flex; gap: 4px; flex: none; }
  .fine { color: var(--secondary-text-color); font-size: 0.8em; margin-top: 8px; }
  .error { color: var(--error-color, #db4437); margin-top: 10px; font-size: 0.9em; }
  .warning { color: var(--secondary-text-color); }
  /* Home Assistant's graphs as part of this card, not cards within a card. */
  .charts { display: flex; flex-direction: column; gap: 4px; padding-bottom: 8px;
    --ha-card-border-width: 0; --ha-card-box-shadow: none; --ha-card-background: transparent; }
  .charts[hidden] { display: none; }
  /* The graphs bring their own padding; a sentence instead of them keeps the card's. */
  .card[data-view=history] { padding-bottom: 0; }
  .card[data-view=history] .head { margin-bottom: 0; }
  .history-none { padding-bottom: 16px; }
`;

class BackwalkCard extends HTMLElement {
  constructor() {
    super();
    this.attachShadow({ mode: "open" });
    this._config = undefined;
    this._hass = undefined;
    this._signature = "";
    this._trend = null;
    this._historyKey = "";
    this._historyAt = 0;
    this._busy = false;
    this._error = "";
    // The last message: { text, pain (shown on a red-flag day too), undo: { id } | null,
    // ask: "stretch" | null, until }.
    this._message = null;
    this._messageTimer = undefined;
    // The card's last logged entry, to catch a second "Log stretch" in a row.
    this._lastLogged = null;
    // The pain slider: a level chosen but not reported yet, and how it was chosen.
    this._painDraft = null;
    this._painTimer = undefined;
    this._painByKey = false;
    this._pointerChanged = false;
    // The red-flag view's "Change today's pain" control: closed, or the level chosen.
    this._correcting = null;
    this._altMinutes = null;
    // The words of the user's language (null until loaded: the card waits for them).
    this._words = null;
    this._wordsLanguage = "";
    this._wordsFailedAt = 0;
    // "today" or "history"; the History view's graphs ({ key, elements }), kept across
    // renders, and whether they are shown.
    this._view = "today";
    this._charts = null;
    this._historyShown = false;
  }

  static getConfigElement() {
    return document.createElement("backwalk-card-editor");
  }

  static getStubConfig(hass) {
    const [first] = profileDevices(hass || {});
    return first ? { device_id: first.id } : { device_id: "" };
  }

  setConfig(config) {
    if (!config || typeof config !== "object") throw new Error("Invalid configuration");
    this._config = { ...config };
    this._signature = "";
    this._trend = null;
    this._historyKey = "";
    if (this._hass) this._update();
  }

  set hass(hass) {
    this._hass = hass;
    if (this._charts && this._charts.elements) {
      for (const chart of this._charts.elements) chart.hass = hass;
    }
    this._update();
  }

  get hass() {
    return this._hass;
  }

  disconnectedCallback() {
    clearTimeout(this._messageTimer);
    this._commitPain(); // a level chosen with the keys is still reported
  }

  getCardSize() {
    return 7;
  }

  getGridOptions() {
    return { columns: 12, min_columns: 6, rows: "auto" };
  }

  _state(entityId) {
    return entityId ? this._hass.states[entityId] : undefined;
  }

  /** A text in the user's language, its {placeholders} filled. */
  _t(key, values = {}) {
    return fillIn(this._words[key] ?? key, values);
  }

  /** The same, escaped for HTML; the values are HTML already (escape them first). */
  _html(key, values = {}) {
    return fillIn(this._words[key] ?? key, values, true);
  }

  /** Whether the words of the user's language are there; if not, load them. */
  _wordsReady() {
    const language = languageOf(this._hass);
    if (this._words && this._wordsLanguage === language) return true;
    if (this._wordsLoading === language || Date.now() - this._wordsFailedAt < I18N_RETRY_MS) {
      return Boolean(this._words); // meanwhile the previous language's words, if any
    }
    this._wordsLoading = language;
    loadWords(language)
      .then((words) => {
        this._words = words;
        this._wordsLanguage = language;
      })
      .catch((err) => {
        this._wordsFailedAt = Date.now();
        console.warn("backwalk-card: could not load the card's words", err);
      })
      .finally(() => {
        this._wordsLoading = undefined;
        this._update();
      });
    return Boolean(this._words);
  }

  _update() {
    if (!this._config || !this._hass) return;
    if (!this._wordsReady()) return;
    const entities = profileEntities(this._hass, this._config.device_id);
    const status = profileStatus(this._hass, this._config.device_id, entities);
    const device = (this._hass.devices || {})[this._config.device_id];
    const states = Object.values(entities).map((id) => this._state(id));
    const locale = this._hass.locale || {};
    const signature = JSON.stringify([
      this._config,
      entities,
      status,
      // Changing the time format or zone in the profile shows at once.
      [locale.language, locale.time_format, locale.time_zone, this._hass.config.time_zone],
      device ? [device.name, device.name_by_user] : null,
      states.map((s) => (s ? [s.state, s.attributes, s.last_changed] : null)),
      this._trend,
      this._busy,
      this._error,
      this._message,
      this._correcting,
      this._wordsLanguage,
      this._view,
      // The History view: which statistics, and whether the recorder keeps any.
      profileEntryId(this._hass, this._config.device_id),
      (this._hass.config.components || []).includes("recorder"),
    ]);
    // Only a profile that is there is asked for its history: a disabled one is left alone.
    if (status === "ok") this._maybeFetchHistory(entities);
    if (signature === this._signature) return;
    this._signature = signature;
    this._render(entities, status);
  }

  _maybeFetchHistory(entities) {
    const pain = this._state(entities.painToday);
    const key = `${this._config.device_id}|${pain ? pain.last_updated : ""}`;
    const stale = Date.now() - this._historyAt > HISTORY_REFRESH_MS;
    if (!pain || pain.state === "unavailable" || (key === this._historyKey && !stale)) return;
    this._historyKey = key;
    this._historyAt = Date.now();
    this._hass
      .callWS({
        type: "call_service",
        domain: DOMAIN,
        service: "get_history",
        service_data: { device_id: this._config.device_id },
        return_response: true,
      })
      .then((result) => {
        const reports = (result && result.response && result.response.pain_reports) || [];
        this._trend = painTrend(reports, new Date(), this._hass.config.time_zone);
        this._update();
      })
      .catch((err) => {
        // The card still works without the trend; try again at the next change.
        this._historyKey = "";
        console.warn("backwalk-card: could not read the pain history", err);
      });
  }

  /** Call a backwalk action for this profile and return its response. */
  async _action(service, data = {}) {
    const result = await this._hass.callWS({
      type: "call_service",
      domain: DOMAIN,
      service,
      service_data: { device_id: this._config.device_id, ...data },
      return_response: true,
    });
    return (result && result.response) || {};
  }

  /** Run one card action: busy meanwhile, its message or its refusal afterwards. */
  async _run(work) {
    if (this._busy) return;
    this._busy = true;
    this._error = "";
    this._update();
    try {
      const message = await work();
      if (message) this._say(message);
    } catch (err) {
      this._error = await this._errorText(err);
    } finally {
      this._busy = false;
      this._update();
    }
  }

  /**
   * Show a short message in the card; one with an Undo stays while undo is possible. Its
   * text is a key (and values) of the card's words, put in words when shown.
   */
  _say(message) {
    const lasts = message.undo || message.ask ? CORRECTION_MS : MESSAGE_MS;
    this._show({ pain: false, undo: null, ask: null, values: {}, ...message, until: Date.now() + lasts });
  }

  _show(message) {
    clearTimeout(this._messageTimer);
    this._message = message && message.until > Date.now() ? message : null;
    if (this._message) {
      this._messageTimer = setTimeout(() => {
        this._message = null;
        this._update();
      }, this._message.until - Date.now());
    }
  }

  _logged(type) {
    this._lastLogged = { type, at: Date.now() };
  }

  _logStretch(entityId, again = false) {
    const last = this._lastLogged;
    if (!again && last && last.type === "stretch" && Date.now() - last.at < CORRECTION_MS) {
      // A second tap in a row is more likely a double tap than a second stretch: ask,
      // keeping the first one's message (and its Undo) to come back to.
      this._say({
        text: "said_stretch_again",
        ask: "stretch",
        previous: this._message,
      });
      this._update();
      return;
    }
    // The button itself, so that its state and automations on it follow the card too.
    this._pressButton(entityId, "stretch", "said_stretch_logged");
  }

  /** Press one of the profile's buttons; `text` is the key of what the card says then. */
  _pressButton(entityId, kind, text) {
    this._run(async () => {
      // Over the websocket, as every other action: a refusal is shown once, in the card.
      await this._hass.callWS({
        type: "call_service",
        domain: "button",
        service: "press",
        service_data: { entity_id: entityId },
      });
      this._logged(kind);
      // A button answers no id: undo then takes back the entry made last (this one).
      return { text, undo: kind === "start" ? null : { id: null } };
    });
  }

  _logAlternative(activity) {
    const minutes = Number(this._altMinutes);
    this._run(async () => {
      const { id } = await this._action("log_alternative", { activity, minutes });
      this._logged("alternative");
      return {
        text: "said_alternative_logged",
        values: { activity: `alternative_${activity}`, minutes },
        undo: { id },
      };
    });
  }

  _reportPain(level) {
    this._run(async () => {
      const { id } = await this._action("report_pain", { level });
      this._logged("pain");
      return { text: "said_pain_reported", values: { level }, undo: { id }, pain: true };
    });
  }

  _correctPain(level) {
    this._run(async () => {
      const { id, replaced } = await this._action("correct_pain", { level });
      this._correcting = null;
      this._logged("pain");
      // A replaced report cannot come back by undo (it is gone): change it again instead.
      return replaced
        ? { text: "said_pain_changed", values: { level }, pain: true }
        : { text: "said_pain_reported", values: { level }, undo: { id }, pain: true };
    });
  }

  _undo() {
    const undo = this._message && this._message.undo;
    if (!undo) return;
    this._run(async () => {
      const data = undo.id ? { entry_id: undo.id } : {};
      const { type } = await this._action("undo_last", data);
      this._lastLogged = null;
      const removed = ENTRY_TYPES.includes(type) ? `said_removed_${type}` : "said_removed_entry";
      return { text: removed, pain: type === "pain" };
    });
  }

  /** Open the last 12 weeks' report (backwalk.create_report's signed link) in a new tab. */
  _openReport() {
    // Opened at the click: browsers block a tab opened after the answer arrives.
    const tab = window.open("", "_blank");
    this._run(async () => {
      try {
        const { url } = await this._action("create_report");
        const href = new URL(url, window.location.href).href;
        if (!tab) {
          window.open(href, "_blank", "noopener");
          return null;
        }
        tab.opener = null;
        tab.location.href = href;
        return null;
      } catch (err) {
        if (tab) tab.close();
        throw err;
      }
    });
  }

  /** The pain slider reports once per choice: on release, or when the keys rest. */
  _commitPain() {
    clearTimeout(this._painTimer);
    this._painTimer = undefined;
    const level = this._painDraft;
    this._painDraft = null;
    if (level !== null) this._reportPain(level);
  }

  /** The refusal in the user's words: backwalk's translated exception when there is one. */
  async _errorText(err) {
    const fallback = (err && err.message) || String(err);
    if (!err || !err.translation_key || !this._hass.localize) return fallback;
    const domain = err.translation_domain || DOMAIN;
    try {
      const loaded = this._hass.loadBackendTranslation
        ? await this._hass.loadBackendTranslation("exceptions", domain)
        : undefined;
      const localize = typeof loaded === "function" ? loaded : this._hass.localize;
      const text = localize(
        `component.${domain}.exceptions.${err.translation_key}.message`,
        err.translation_placeholders || {},
      );
      return text || fallback;
    } catch (_ignored) {
      return fallback;
    }
  }

  /**
   * The element the card's content goes in. ha-card itself is made once: a new one shows its
   * children only after it has rendered, so an element focused in it could not keep focus.
   */
  _frame() {
    let frame = this.shadowRoot.querySelector("ha-card > .frame");
    if (!frame) {
      this.shadowRoot.innerHTML = `<style>${STYLE}</style><ha-card><div class="frame"></div><div class="charts" data-testid="bw-history-charts" hidden></div></ha-card>`;
      frame = this.shadowRoot.querySelector("ha-card > .frame");
    }
    return frame;
  }

  _render(entities, status) {
    const root = this.shadowRoot;
    const config = this._config;
    const device = (this._hass.devices || {})[config.device_id] || {};
    const name = config.title || device.name_by_user || device.name || "backwalk";
    if (status !== "ok") {
      const testId = { unset: "bw-missing", missing: "bw-missing" }[status] || `bw-${status}`;
      const why = this._html(`status_${status}`, { name: escapeHtml(name) });
      this._frame().innerHTML = `<div class="card warning" data-testid="${testId}">${why}</div>`;
      this._historyShown = false;
      this._placeCharts();
      return;
    }
    const value = (key) => {
      const state = this._state(entities[key]);
      return state && !NO_VALUE.has(state.state) ? state.state : null;
    };
    const attr = (key, attribute) => {
      const state = this._state(entities[key]);
      return state ? state.attributes[attribute] : undefined;
    };
    const whole = (key) => (value(key) === null ? "–" : formatNumber(Math.round(Number(value(key))), this._hass));

    const painStatus = value("painStatus");
    const redFlag = painStatus === "red_flag" || attr("painStatus", "red_flag_today") === true;
    const painDay = !redFlag && (value("painDay") === "on" || painStatus === "pain_day");
    const view = redFlag ? "red_flag" : painDay ? "pain_day" : "normal";

    // The control is part of the red-flag view only; it starts closed next time.
    if (!redFlag) this._correcting = null;
    // A red-flag day shows care advice and nothing else (G15): not the history either.
    if (redFlag) this._view = "today";
    const history = this._view === "history";
    const entryId = profileEntryId(this._hass, config.device_id);
    const recorder = (this._hass.config.components || []).includes("recorder");
    this._historyShown = history && recorder && Boolean(entryId);
    let body;
    if (redFlag) {
      // G15 and nothing else: no numbers to beat, no walk, no stretch, no activity at all;
      // only the way out of a mis-tap.
      body = `
        <div class="notice care" data-testid="bw-care-advice">
          <strong class="care-title">${this._html("care_title")}</strong>
          ${this._html("care_text", { name: escapeHtml(name) })}
          ${this._html("care_help")}
          <div class="fine">${this._html("care_fine")}</div>
        </div>
        ${this._correctHtml(value("painToday"))}`;
    } else if (history) {
      // The graphs follow in their own element (_placeCharts), unless there are none.
      body = this._historyShown
        ? ""
        : `<div class="fine history-none" data-testid="bw-history-none">${this._html("history_no_recorder")}</div>`;
    } else {
      body = this._dashboardHtml(entities, value, attr, whole, painDay);
    }
    const message = this._message;
    const shown = message && (!redFlag || message.pain) ? message : null;
    const focused = root.activeElement && root.activeElement.dataset ? root.activeElement.dataset.testid : null;
    const side = redFlag
      ? ""
      : history
        ? `<button class="link" data-do="today" data-testid="bw-back">${this._html("history_back")}</button>`
        : `<span class="sub">${this._html(view === "pain_day" ? "head_pain_day" : "head_this_week")}</span>`;
    this._frame().innerHTML = `
      <div class="card" data-testid="bw-card" data-view="${history ? "history" : view}" aria-busy="${this._busy}" lang="${escapeHtml(wordsFile.get(this._wordsLanguage) || FALLBACK_LANGUAGE)}">
        <div class="head">
          <span class="title" data-testid="bw-title">${escapeHtml(name)}</span>
          ${side}
        </div>
        ${body}
        <div role="status" aria-live="polite">${shown ? this._messageHtml(shown) : ""}</div>
        ${this._error ? `<div class="error" role="alert" data-testid="bw-error">${escapeHtml(this._error)}</div>` : ""}
      </div>`;
    this._placeCharts();
    this._bind(entities);
    // A keyboard user keeps their place across the re-render an action causes.
    if (focused) {
      const again = root.querySelector(`[data-testid="${focused}"]`);
      if (again) again.focus();
    }
  }

  /**
   * Show or hide the History view's graphs. They are made once (again only for another
   * profile or language) and kept across renders. Hidden, they are detached, so they stop
   * refreshing; shown again, they fetch the statistics anew.
   */
  _placeCharts() {
    const box = this.shadowRoot.querySelector("ha-card > .charts");
    box.hidden = !this._historyShown;
    if (!this._historyShown) {
      box.replaceChildren();
      return;
    }
    const ids = statisticIds(profileEntryId(this._hass, this._config.device_id));
    const configs = historyCharts(ids, (key) => this._t(key));
    const key = JSON.stringify(configs);
    if (!this._charts || this._charts.key !== key) this._makeCharts(key, configs);
    const elements = this._charts.elements;
    if (elements && !elements.every((element, index) => box.children[index] === element)) {
      box.replaceChildren(...elements);
    }
  }

  async _makeCharts(key, configs) {
    const charts = { key, elements: null };
    this._charts = charts;
    try {
      // The frontend's own card, made as a dashboard makes it: it looks and works as there.
      const helpers = await window.loadCardHelpers();
      const elements = await Promise.all(configs.map((config) => helpers.createCardElement(config)));
      if (this._charts !== charts) return; // another profile or language meanwhile
      for (const element of elements) {
        element.hass = this._hass;
        // A card whose code was not loaded yet asks to be made again once it is.
        element.addEventListener("ll-rebuild", (event) => {
          event.stopPropagation();
          if (this._charts !== charts) return;
          this._charts = null;
          this._placeCharts();
        });
      }
      charts.elements = elements;
      this._placeCharts();
    } catch (err) {
      console.warn("backwalk-card: could not make the history graphs", err);
    }
  }

  _messageHtml(message) {
    const busy = this._busy ? 'aria-disabled="true"' : "";
    let buttons = "";
    if (message.ask === "stretch") {
      buttons = `<button class="link" data-do="stretch-again" data-testid="bw-stretch-again" ${busy}>${this._html("log_another")}</button>
        <button class="link" data-do="dismiss" data-testid="bw-dismiss" ${busy}>${this._html("no")}</button>`;
    } else if (message.undo) {
      buttons = `<button class="link" data-do="undo" data-testid="bw-undo" ${busy}>${this._html("undo")}</button>`;
    }
    // An activity is named by its key: in the words of the language shown now.
    const values = { ...message.values };
    if (values.activity) values.activity = this._t(values.activity);
    if (values.minutes !== undefined) values.minutes = formatNumber(values.minutes, this._hass);
    return `<div class="message" data-testid="bw-message"><span>${escapeHtml(this._t(message.text, values))}</span>
      ${buttons ? `<span class="buttons">${buttons}</span>` : ""}</div>`;
  }

  /** On a red-flag day: change today's pain (a mis-tap), and nothing about exercise. */
  _correctHtml(pain) {
    const busy = this._busy ? 'aria-disabled="true"' : "";
    if (this._correcting === null) {
      return `<div class="actions"><button class="secondary" data-do="correct-open" data-testid="bw-change-pain" ${busy}>${this._html("change_pain")}</button></div>`;
    }
    const minutes = CORRECTION_MS / 60000;
    return `
      <div class="correct" data-testid="bw-correct">
        <div class="pain-head"><span class="sub">${this._html("correct_title")}</span>
          <span class="value" data-testid="bw-correct-value">${this._correcting}</span></div>
        <input type="range" min="0" max="10" step="1" data-testid="bw-correct-slider"
          aria-label="${this._html("correct_slider_label")}" value="${this._correcting}">
        <div class="scale"><span>${this._html("pain_scale_none")}</span><span>${this._html("pain_scale_worst")}</span></div>
        <div class="fine">${this._html("correct_rule", { minutes })}</div>
        <div class="actions">
          <button data-do="correct-save" data-testid="bw-correct-save" ${busy}>${this._html("save")}</button>
          <button class="secondary" data-do="correct-cancel" data-testid="bw-correct-cancel" ${busy}>${this._html("cancel")}</button>
        </div>
      </div>`;
  }

  _dashboardHtml(entities, value, attr, whole, painDay) {
    const minutes = Number(value("minutesWeek") || 0);
    const goalMinutes = Number(attr("goalProgress", "weekly_goal_minutes") || 0);
    // G10: the goal is walks and their minutes; the ring shows the lesser share.
    const walksGoal = attr("goalProgress", "walks_needed") ?? attr("goalProgress", "walks_per_week");
    const walksDone = attr("goalProgress", "walks_done") ?? value("walksWeek");
    const progress = Number(value("goalProgress") || 0);
    const threshold = Number(attr("painStatus", "pain_day_threshold") || 5);
    const pain = value("painToday");
    const walking = value("walking") === "on";
    const started = attr("walking", "started");
    const next = value("nextWalk");
    const nextWalk = next ? formatTime(new Date(next), this._hass, true) : this._t("next_walk_none");
    const walkingSince = walking && started ? formatTime(new Date(started), this._hass) : "";
    const preferred = (attr("painStatus", "preferred_alternatives") || ALTERNATIVES).filter((key) =>
      ALTERNATIVES.includes(key),
    );
    const language = languageOf(this._hass);
    const trend = this._trend ? sparkline(this._trend, threshold, (key, values) => this._t(key, values), language) : "";
    const busy = this._busy ? 'aria-disabled="true"' : "";
    if (this._altMinutes === null || this._altMinutes === "") {
      this._altMinutes = value("targetToday") === null ? "20" : whole("targetToday");
    }

    // Not reported today: the slider shows no level, and any choice (0 too) reports it.
    const unset = pain === null && this._painDraft === null;
    const sliderValue = this._painDraft !== null ? this._painDraft : pain === null ? 0 : Math.round(Number(pain));
    const pending = this._painDraft === null ? "" : this._t("pain_pending", { level: this._painDraft });

    // On a pain day the suggested activity is the main action (G7); walking stays possible.
    const walkClass = painDay ? "secondary" : "";
    const walkButton = walking
      ? entities.finishWalk
        ? `<button class="${walkClass}" data-do="finish" data-testid="bw-finish-walk" ${busy}>${this._html("finish_walk")}</button>`
        : ""
      : entities.startWalk
        ? `<button class="${walkClass}" data-do="start" data-testid="bw-start-walk" ${busy}>${this._html("start_walk")}</button>`
        : "";
    const alternatives = painDay
      ? `<div class="notice" data-testid="bw-alternatives">
          <strong>${this._html("pain_day_title")}</strong>
          ${this._html("pain_day_switch", {
            alternatives: escapeHtml(
              joinWords(
                preferred.map((key) => this._t(`alternative_in_sentence_${key}`)),
                language,
              ),
            ),
          })}
          ${this._html("pain_day_streak")}
          <div class="actions">
            ${preferred
              .map(
                (key) =>
                  `<button data-alternative="${key}" data-testid="bw-log-alt-${key}" ${busy}>${this._html(`alternative_${key}`)}</button>`,
              )
              .join("")}
            <label class="minutes">${this._html("alternative_minutes", {
              minutes: `<input type="number" min="1" max="600" step="1" inputmode="numeric"
              data-testid="bw-alt-minutes" aria-label="${this._html("alternative_minutes_label")}" value="${escapeHtml(this._altMinutes)}">`,
            })}</label>
          </div>
          <div class="fine">${this._html("not_medical_advice")}</div>
        </div>`
      : "";

    return `
      <div class="top">
        <div class="ring-box">
          ${ring(progress, 100)}
          <div class="ring-label">
            <span class="big" data-testid="bw-minutes-week">${whole("minutesWeek")}</span>
            <span class="small">${this._html("ring_of_goal", {
              goal: `<span data-testid="bw-goal-minutes">${formatNumber(goalMinutes, this._hass)}</span>`,
            })}</span>
          </div>
        </div>
        <div class="stats">
          <div class="stat"><div class="label">${this._html("stat_walks_week")}</div>
            <div class="value"><span data-testid="bw-walks-week">${whole("walksWeek")}</span>${walksGoal ? ` / <span data-testid="bw-walks-goal">${walksGoal}</span>` : ""}</div></div>
          <div class="stat"><div class="label">${this._html("stat_target_today")}</div>
            <div class="value">${this._html("minutes_value", {
              minutes: `<span data-testid="bw-target-today">${whole("targetToday")}</span>`,
            })}</div></div>
          <div class="stat"><div class="label">${this._html("stat_streak_days")}</div>
            <div class="value"><span data-testid="bw-streak-current">${whole("currentStreak")}</span>
              <span class="sub">${this._html("stat_streak_best", {
                longest: `<span data-testid="bw-streak-longest">${whole("longestStreak")}</span>`,
              })}</span></div></div>
          <div class="stat"><div class="label">${this._html("stat_weeks_on_goal")}</div>
            <div class="value" data-testid="bw-streak-weekly">${whole("weeklyStreak")}</div></div>
        </div>
      </div>
      <div class="goal-line" data-testid="bw-goal-summary">${escapeHtml(
        this._t("goal_summary", {
          walks_done: walksDone,
          walks_goal: walksGoal,
          minutes: whole("minutesWeek"),
          goal: formatNumber(goalMinutes, this._hass),
        }),
      )}</div>
      ${alternatives}
      <div class="row">
        <div class="pain">
          <div class="pain-head">
            <span><span class="sub">${this._html("pain_today")}</span>
              <strong data-testid="bw-pain-today">${pain === null ? this._html("pain_not_reported") : Math.round(Number(pain))}</strong></span>
            ${trend}
          </div>
          ${
            entities.painInput
              ? `<input type="range" min="0" max="10" step="1" data-testid="bw-pain-slider" class="${unset ? "unset" : ""}"
                   aria-label="${this._html("pain_slider_label")}" ${unset ? `aria-valuetext="${this._html("pain_not_reported")}"` : ""} value="${sliderValue}">
                 <div class="scale"><span>${this._html("pain_scale_none")}</span><span class="hint" data-testid="bw-pain-pending">${escapeHtml(pending)}</span><span>${this._html("pain_scale_worst")}</span></div>`
              : ""
          }
        </div>
      </div>
      <div class="row"><span><span class="sub">${this._html("next_walk")}</span> <span data-testid="bw-next-walk">${escapeHtml(nextWalk)}</span></span>
        ${walking ? `<span class="sub" data-testid="bw-walking">${this._html("walking_since", { time: escapeHtml(walkingSince) })}</span>` : ""}</div>
      <div class="actions">
        ${entities.logStretch ? `<button class="secondary" data-do="stretch" data-testid="bw-log-stretch" ${busy}>${this._html("log_stretch")}</button>` : ""}
        ${walkButton}
        <button class="secondary" data-do="report" data-testid="bw-report" title="${this._html("report_button_title")}" ${busy}>${this._html("report_button")}</button>
        <button class="secondary" data-do="history" data-testid="bw-history" ${busy}>${this._html("history")}</button>
      </div>`;
  }

  /** Switch between today's view and the History view; the focus goes to the way back. */
  _showView(view, focus) {
    this._view = view;
    this._update();
    const target = this.shadowRoot.querySelector(`[data-testid="${focus}"]`);
    if (target) target.focus();
  }

  _bind(entities) {
    const root = this.shadowRoot;
    const handlers = {
      stretch: () => this._logStretch(entities.logStretch),
      "stretch-again": () => this._logStretch(entities.logStretch, true),
      dismiss: () => {
        this._show(this._message && this._message.previous);
        this._update();
      },
      start: () => this._pressButton(entities.startWalk, "start", "said_walk_started"),
      finish: () => this._pressButton(entities.finishWalk, "walk", "said_walk_logged"),
      undo: () => this._undo(),
      "correct-open": () => {
        const pain = this._state(entities.painToday);
        this._correcting = pain && !NO_VALUE.has(pain.state) ? Math.round(Number(pain.state)) : 0;
        this._update();
      },
      "correct-cancel": () => {
        this._correcting = null;
        this._update();
      },
      "correct-save": () => this._correctPain(this._correcting),
      report: () => this._openReport(),
      history: () => this._showView("history", "bw-back"),
      today: () => this._showView("today", "bw-history"),
    };
    root.querySelectorAll("button[data-do]").forEach((button) => {
      button.addEventListener("click", () => {
        if (!this._busy) handlers[button.dataset.do]();
      });
    });
    root.querySelectorAll("button[data-alternative]").forEach((button) => {
      button.addEventListener("click", () => {
        if (!this._busy) this._logAlternative(button.dataset.alternative);
      });
    });
    const minutes = root.querySelector('[data-testid="bw-alt-minutes"]');
    if (minutes) minutes.addEventListener("input", () => (this._altMinutes = minutes.value));

    const correct = root.querySelector('[data-testid="bw-correct-slider"]');
    if (correct) {
      correct.addEventListener("input", () => {
        this._correcting = Number(correct.value);
        root.querySelector('[data-testid="bw-correct-value"]').textContent = correct.value;
      });
    }

    const slider = root.querySelector('[data-testid="bw-pain-slider"]');
    if (!slider) return;
    const unset = slider.classList.contains("unset");
    const pending = root.querySelector('[data-testid="bw-pain-pending"]');
    const choose = () => {
      this._painDraft = Number(slider.value);
      slider.classList.remove("unset");
      slider.removeAttribute("aria-valuetext");
      if (this._painByKey) pending.textContent = this._t("pain_pending", { level: slider.value });
    };
    slider.addEventListener("pointerdown", () => {
      this._painByKey = false;
      this._pointerChanged = false;
    });
    slider.addEventListener("keydown", (event) => {
      this._painByKey = true;
      if (event.key === "Enter") {
        // Enter reports the level shown, also 0 straight from "not reported".
        if (this._painDraft === null && unset) this._painDraft = Number(slider.value);
        this._commitPain();
      }
    });
    slider.addEventListener("input", choose);
    slider.addEventListener("change", () => {
      choose();
      if (!this._painByKey) {
        // Released: report now.
        this._pointerChanged = true;
        this._commitPain();
        return;
      }
      // The keys fire a change at every step: report once they rest.
      clearTimeout(this._painTimer);
      this._painTimer = setTimeout(() => this._commitPain(), KEY_COMMIT_MS);
    });
    slider.addEventListener("pointerup", () => {
      // A tap on "not reported" at the thumb's hidden place changes nothing: report it.
      setTimeout(() => {
        if (unset && !this._pointerChanged && this._painDraft === null) {
          this._painDraft = Number(slider.value);
          this._commitPain();
        }
      }, 0);
    });
    slider.addEventListener("blur", () => {
      if (this._painTimer !== undefined && slider.isConnected) this._commitPain();
    });
  }
}

class BackwalkCardEditor extends HTMLElement {
  constructor() {
    super();
    this._config = {};
    this._hass = undefined;
    this._waiting = false;
  }

  setConfig(config) {
    this._config = { ...config };
    this._render();
  }

  set hass(hass) {
    this._hass = hass;
    this._render();
  }

  _changed(config) {
    this._config = config;
    this.dispatchEvent(new CustomEvent("config-changed", { detail: { config }, bubbles: true, composed: true }));
  }

  _render() {
    if (!this._hass) return;
    const schema = [
      { name: "device_id", required: true, selector: { device: { integration: DOMAIN } } },
      { name: "title", selector: { text: {} } },
    ];
    const language = languageOf(this._hass);
    const words = loadedWords.get(language);
    if (!words) {
      // Shown once the words are there, not with keys for labels meanwhile.
      if (this._wordsLoading !== language) {
        this._wordsLoading = language;
        loadWords(language)
          .then(() => this._render())
          .catch((err) => console.warn("backwalk-card: could not load the editor's words", err));
      }
      return;
    }
    const labels = { device_id: words.editor_profile, title: words.editor_title };
    if (customElements.get("ha-form")) {
      let form = this.querySelector("ha-form");
      if (!form) {
        this.innerHTML = ""; // the plain list, if it was shown while the form was loading
        form = document.createElement("ha-form");
        form.computeLabel = (field) => labels[field.name] || field.name;
        form.addEventListener("value-changed", (event) => this._changed({ ...this._config, ...event.detail.value }));
        this.appendChild(form);
      }
      form.hass = this._hass;
      form.schema = schema;
      form.data = this._config;
      return;
    }
    // Until the frontend's form element is defined (the card editor loads it): a plain list.
    if (!this._waiting) {
      this._waiting = true;
      customElements.whenDefined("ha-form").then(() => this._render());
    }
    const devices = profileDevices(this._hass);
    this.innerHTML = `<label>${escapeHtml(words.editor_profile)} <select>${devices
      .map(
        (device) =>
          `<option value="${escapeHtml(device.id)}" ${device.id === this._config.device_id ? "selected" : ""}>${escapeHtml(device.name)}</option>`,
      )
      .join("")}</select></label>`;
    this.querySelector("select").addEventListener("change", (event) =>
      this._changed({ ...this._config, device_id: event.target.value }),
    );
  }
}

// The frontend replaces window.customElements with a scoped registry (a polyfill in its app
// bundle). This file is loaded beside that bundle, not after it: an element defined before the
// swap lives only in the browser's own registry, which the frontend no longer asks. So define
// once the frontend's registry is in place (or after a while, outside the frontend).
const FRONTEND_READY_MS = 10000;

function frontendReady() {
  return Boolean(
    window.CustomElementRegistryPolyfill ||
      customElements.get("home-assistant") ||
      customElements.get("hc-main") ||
      customElements.get("hui-view"),
  );
}

function defineCard() {
  if (customElements.get("backwalk-card")) return;
  customElements.define("backwalk-card", BackwalkCard);
  customElements.define("backwalk-card-editor", BackwalkCardEditor);
  console.info(`%c backwalk-card ${CARD_VERSION} `, "color: white; background: #2e7d32; border-radius: 3px");
}

window.customCards = window.customCards || [];
if (!window.customCards.some((card) => card.type === "backwalk-card")) {
  const entry = {
    type: "backwalk-card",
    name: "backwalk",
    description: "",
    preview: true,
    documentationURL: "https://github.com/backwalk/backwalk#dashboard",
  };
  window.customCards.push(entry);
  // The card picker's description, in the page's language (the frontend sets <html lang>).
  loadWords(document.documentElement.lang || FALLBACK_LANGUAGE)
    .then((words) => (entry.description = words.card_description))
    .catch((err) => console.warn("backwalk-card: could not load the card's words", err));
}

if (frontendReady()) {
  defineCard();
} else {
  const started = Date.now();
  const timer = setInterval(() => {
    if (frontendReady() || Date.now() - started > FRONTEND_READY_MS) {
      clearInterval(timer);
      defineCard();
    }
  }, 50);
}
