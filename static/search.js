// The /search/ page: runs the reader's query through Pagefind's JS API and lists the matching
// questions (title, highlighted excerpt, answer count), with specialty and topic filters.
// Loaded as a module file (no inline script: the pages ship a strict CSP). Text from the index
// is untrusted: results are built as DOM nodes, never assigned as HTML.

const siteRoot = new URL("../", import.meta.url);
const form = document.getElementById("search-form");
const input = document.getElementById("search-q");
const filtersBox = document.getElementById("search-filters");
const statusLine = document.getElementById("search-status");
const resultsList = document.getElementById("search-results");
const FILTERS = ["specialty", "topic"]; // the names of the filter lists in search.html
const PAGE = 20;

let shards = []; // Pagefind instances, each with the fragment ids it must leave out
let shown = PAGE;
let latest = 0;

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

// Pagefind excerpts are HTML-escaped text with <mark> around the hits. Parse them in an inert
// document and copy only text and <mark>, so nothing else from the index can become markup.
function excerptNodes(html) {
  const parsed = new DOMParser().parseFromString(`<p>${html}</p>`, "text/html");
  const out = document.createDocumentFragment();
  const copy = (source, target) => {
    for (const child of source.childNodes) {
      if (child.nodeType === Node.TEXT_NODE) {
        target.append(child.textContent);
      } else if (child.nodeName === "MARK") {
        target.append(element("mark", "", child.textContent));
      } else {
        copy(child, target);
      }
    }
  };
  copy(parsed.body, out);
  return out;
}

function selectedFilters() {
  const filters = {};
  for (const name of FILTERS) {
    const select = form.elements.namedItem(name);
    if (select && select.value) filters[name] = select.value;
  }
  return filters;
}

// The filter lists come with the page (search.html), each value with its question count.
function attachFilters(params) {
  for (const name of FILTERS) {
    const select = form.elements.namedItem(name);
    if (!select) continue;
    const wanted = params.get(name);
    select.value = [...select.options].some((option) => option.value === wanted) ? wanted : "";
    select.addEventListener("change", () => run(true));
  }
  filtersBox.hidden = !filtersBox.querySelector("select");
}

function resultItem(data) {
  const item = element("li", "search-result");
  const heading = element("h2", "search-result__title");
  const link = element("a", "", data.meta.title || data.url);
  link.href = data.url;
  heading.append(link);
  const excerpt = element("p", "search-result__excerpt");
  excerpt.append(excerptNodes(data.excerpt || ""));
  const answers = Number(data.meta.answers || 0);
  // Worded as the pages word it (sitegen.site.answer_count_text).
  const count = answers === 0 ? "No doctor answers" : `${answers} doctor answer${answers === 1 ? "" : "s"}`;
  const meta = element("p", "search-result__meta", count);
  item.append(heading, excerpt, meta);
  return item;
}

async function render(results, query, ticket) {
  const page = await Promise.all(results.slice(0, shown).map((r) => r.data()));
  if (ticket !== latest) return;
  resultsList.replaceChildren(...page.map(resultItem));
  const count = results.length;
  statusLine.textContent = count
    ? `${count} question${count === 1 ? "" : "s"} found${query ? ` for “${query}”` : ""}.`
    : `No questions found${query ? ` for “${query}”` : ""}.`;
  if (count > shown) {
    const more = element("button", "search-more", "Show more results");
    more.type = "button";
    more.addEventListener("click", () => {
      shown += PAGE;
      render(results, query, ticket);
    });
    const li = element("li", "search-result search-result--more");
    li.append(more);
    resultsList.append(li);
  }
}

async function run(updateUrl) {
  const ticket = ++latest;
  const query = input.value.trim();
  const filters = selectedFilters();
  if (updateUrl) {
    const params = new URLSearchParams();
    if (query) params.set("q", query);
    for (const [name, value] of Object.entries(filters)) params.set(name, value);
    const search = params.toString();
    history.replaceState(null, "", search ? `?${search}` : location.pathname);
  }
  if (!query && !Object.keys(filters).length) {
    resultsList.replaceChildren();
    statusLine.textContent = "";
    return;
  }
  shown = PAGE;
  const results = await searchShards(query || null, filters);
  if (results === null || ticket !== latest) return;
  await render(results, query, ticket);
}

// Every shard's results by score, as Pagefind's own merged search gives them, but for the
// fragments shards.json lists as dropped: stale copies of questions changed or removed since
// their shard was indexed, and the recent shard's ballast (see sitegen/search.py).
async function searchShards(query, filters) {
  const found = await Promise.all(
    shards.map(({ instance }) => instance.debouncedSearch(query, { filters }, 150)),
  );
  if (found.some((search) => search === null)) return null; // a newer query came in
  return found
    .flatMap((search, k) => search.results.filter((result) => !shards[k].dropped.has(result.id)))
    .sort((a, b) => b.score - a.score);
}

async function start() {
  const params = new URLSearchParams(location.search);
  input.value = params.get("q") || "";
  document.getElementById("search-nojs").hidden = true;
  try {
    // The index comes in shards (see sitegen/search.py): the numbered ones, and the recent
    // one, which holds the questions changed since their own shard was indexed. The listing
    // must match the shards, so it is never taken from the cache unchecked.
    const address = new URL("pagefind/shards.json", siteRoot);
    const listing = await (await fetch(address, { cache: "no-cache" })).json();
    const dropped = listing.dropped || {};
    const bundle = (shard) => new URL(`pagefind/${shard}`, siteRoot).href;
    const open = async (first, others) => {
      const instance = await import(`${bundle(first)}pagefind.js`);
      await instance.options({ baseUrl: siteRoot.pathname });
      for (const other of others) {
        await instance.mergeIndex(bundle(other), { baseUrl: siteRoot.pathname });
      }
      await instance.init();
      const left = [first, ...others].flatMap((shard) => dropped[shard] || []);
      return { instance, dropped: new Set(left) };
    };
    // The numbered shards as one index (Pagefind merges them and shares its WebAssembly
    // between them); the recent shard through its own copy of Pagefind's script, as a page can
    // be in both with one fragment id (instances made by one copy share its state and
    // corrupt each other's searches).
    const [first, ...others] = listing.shards;
    shards = [await open(first, others)];
    if (listing.recent) shards.push(await open(listing.recent, []));
  } catch (error) {
    statusLine.textContent = "Search is not available on this copy of the site.";
    return;
  }
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    run(true);
  });
  input.addEventListener("input", () => run(true));
  attachFilters(params);
  await run(false);
}

start();
