// The page's wasm arrives in two parts (scripts/split-page): the primary, with what the first
// paint runs, and the rest, loaded right after that paint. scripts/split-page puts this script
// into index.html, before Trunk's, with REST_URL filled in.
//
// Each function of the rest has a slot in the primary's function table, filled until the rest
// is in by a placeholder imported from here ("placeholder", named by its slot). Instantiating the
// rest fills those slots with the real functions. A placeholder called before that (a start the
// first-paint profile did not cover, e.g. a stored workspace showing another view) loads the rest
// at once, synchronously, and calls the real function: slower, never wrong.
//
// The page reads `window.hookwrightRest.done` (src/services/page_code.rs) and waits for the
// `hookwright-rest` event. A failed load is reported here, with Try again.
(() => {
  const REST_URL = '__REST_URL__';
  const IMPORTS = './hookwright-web_bg.js';
  const state = { done: false, error: null, syncLoads: 0, load };
  window.hookwrightRest = state;
  let primary = null;
  let loading = null;

  function link(module) {
    if (!state.done) {
      new WebAssembly.Instance(module, { primary: primary.exports });
      state.done = true;
      state.error = null;
      document.getElementById('rest-error')?.remove();
      document.getElementById('page')?.removeAttribute('inert');
      dispatchEvent(new Event('hookwright-rest'));
    }
  }

  function loadNow() {
    state.syncLoads++;
    const request = new XMLHttpRequest();
    request.open('GET', REST_URL, false);
    // A synchronous request cannot ask for an ArrayBuffer: the bytes come as text, one per char.
    request.overrideMimeType('text/plain; charset=x-user-defined');
    request.send();
    if (request.status !== 200) throw new Error(`HTTP ${request.status}`);
    const text = request.responseText;
    const bytes = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i) & 0xff;
    link(new WebAssembly.Module(bytes));
  }

  // Said here, not by the page: drawing anything new there could need the code that is missing.
  // The page is inert meanwhile: an edit it cannot apply would show in a field but never be kept.
  function report(error) {
    state.error = `The rest of the editor (the Request, Payload and Preview sections and editing) could not be loaded: ${error.message}. Your work is unchanged.`;
    document.getElementById('page')?.setAttribute('inert', '');
    let notice = document.getElementById('rest-error');
    if (!notice) {
      notice = document.createElement('div');
      notice.id = 'rest-error';
      notice.className = 'notice rest-error';
      notice.setAttribute('role', 'alert');
      notice.append(document.createElement('span'));
      const again = document.createElement('button');
      again.type = 'button';
      again.className = 'button';
      again.textContent = 'Try again';
      again.addEventListener('click', () => load());
      notice.append(' ', again);
      document.body.prepend(notice);
    }
    notice.firstChild.textContent = state.error;
  }

  function load() {
    if (state.done || !primary) return loading;
    loading ??= fetch(REST_URL)
      .then((response) => {
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        return WebAssembly.compileStreaming(response);
      })
      .then(link)
      .catch(report)
      .finally(() => { loading = null; });
    return loading;
  }

  const placeholders = new Proxy({}, {
    get: (_, slot) => (...args) => {
      if (!state.done) {
        try {
          loadNow();
        } catch (error) {
          report(error);
          throw error;
        }
      }
      return primary.exports.table.get(Number(slot))(...args);
    },
  });

  // wasm-bindgen's glue instantiates the page's module with `instantiateStreaming`, or with
  // `instantiate` when the server's type is not application/wasm: both get the placeholders.
  for (const name of ['instantiateStreaming', 'instantiate']) {
    const original = WebAssembly[name];
    WebAssembly[name] = async function (source, imports) {
      if (primary || !imports || !(IMPORTS in imports)) return original.call(this, source, imports);
      const result = await original.call(this, source, { ...imports, placeholder: placeholders });
      primary = result.instance ?? result;
      return result;
    };
  }

  // After the first contentful paint (the editor drawn; a tab in the background paints when it
  // is shown), and once the primary is in.
  const painted = new Promise((resolve) => {
    const observer = new PerformanceObserver((list) => {
      if (list.getEntriesByName('first-contentful-paint').length) {
        observer.disconnect();
        resolve();
      }
    });
    observer.observe({ type: 'paint', buffered: true });
  });
  const started = new Promise((resolve) => addEventListener('TrunkApplicationStarted', resolve, { once: true }));
  Promise.all([painted, started]).then(() => setTimeout(load));
})();
