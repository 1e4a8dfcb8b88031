// The page: picks the model, sends it to the worker, draws the terms as bars.
const $ = (id) => document.getElementById(id);
const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
const status = (text) => ($('status').textContent = text);

/** A download's progress as one line: 'model.safetensors: 45% of 438 MB', or 'from the cache'. */
function progressLine({ file, loaded, total, done, fromCache }) {
  const mb = (bytes) => `${(bytes / 1e6).toFixed(bytes < 1e7 ? 1 : 0)} MB`;
  if (done && fromCache) return `${file}: from the cache`;
  return total ? `${file}: ${Math.floor((100 * loaded) / total)}% of ${mb(total)}` : `${file}: ${mb(loaded)}`;
}

function ask(message) {
  return new Promise((resolve, reject) => {
    worker.onmessage = (event) => {
      if (event.data.type === 'progress') return status(`Loading the model… ${progressLine(event.data)}`);
      return event.data.type === 'error' ? reject(new Error(event.data.message)) : resolve(event.data);
    };
    worker.onerror = (event) => reject(new Error(event.message || 'the worker failed to start'));
    worker.postMessage(message);
  });
}

function drawTerms(terms) {
  const list = $('terms');
  list.replaceChildren();
  const top = terms[0]?.[1] || 1;
  for (const [token, weight] of terms) {
    const item = document.createElement('li');
    const name = Object.assign(document.createElement('span'), { className: 'token', textContent: token });
    const bar = Object.assign(document.createElement('span'), { className: 'bar' });
    bar.style.width = `${Math.max(1, (100 * weight) / top)}%`;
    const value = Object.assign(document.createElement('span'), { className: 'weight', textContent: weight.toFixed(2) });
    item.append(name, bar, value);
    list.append(item);
  }
}

$('load').onclick = async () => {
  const [backend, gpuMode] = $('backend').value.split(':');
  const files = [...$('folder').files];
  const url = $('url').value.trim();
  if (files.length === 0 && !url) return status('Pick a model folder or give its URL first.');
  $('encode').disabled = true;
  status('Loading the model…');
  try {
    const reply = await ask({ type: 'load', backend, gpuMode, ...(files.length > 0 ? { files } : { url: new URL(url, location.href).href }) });
    status(`Model loaded in ${reply.ms.toFixed(0)} ms on ${reply.backendInfo}.`);
    $('encode').disabled = false;
  } catch (error) {
    status(`Could not load the model: ${error.message}`);
  }
};

$('encode').onclick = async () => {
  status('Encoding…');
  try {
    const reply = await ask({ type: 'encode', text: $('text').value });
    drawTerms(reply.terms);
    status(`Encoded in ${reply.ms.toFixed(0)} ms on ${reply.backendInfo}: ${reply.active} active terms, the top ${reply.terms.length} shown.`);
  } catch (error) {
    status(`Could not encode: ${error.message}`);
  }
};
