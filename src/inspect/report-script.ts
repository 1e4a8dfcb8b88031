// The script inside `splade explain`'s HTML report, as plain browser JavaScript (it runs from
// a file:// page with no network, so nothing is loaded from anywhere). It reads the report's
// data from the <script id="report-data"> JSON block and draws every chart with DOM and SVG
// elements; elements carry data-role attributes so the browser test can count them.
export const REPORT_SCRIPT = String.raw`
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('report-data').textContent);
  var SVG = 'http://www.w3.org/2000/svg';

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    for (var k in attrs || {}) node.setAttribute(k, attrs[k]);
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function svg(tag, attrs) {
    var node = document.createElementNS(SVG, tag);
    for (var k in attrs || {}) node.setAttribute(k, attrs[k]);
    return node;
  }
  function fixed(x) { return Number(x).toFixed(2); }

  // Tokens, each with its position; the chip of the token a selected term came from lights up.
  var tokenRow = document.getElementById('tokens');
  var chips = data.tokens.map(function (token, i) {
    var chip = el('span', { 'class': 'token', 'data-role': 'token', title: 'position ' + i });
    chip.appendChild(el('span', { 'class': 'pos' }, String(i)));
    chip.appendChild(el('span', { 'class': 'tok' }, token));
    chip.appendChild(el('span', { 'class': 'contrib' }, ''));
    tokenRow.appendChild(chip);
    return chip;
  });

  // SPLADE terms as bars, heaviest first.
  var maxWeight = data.terms.reduce(function (m, t) { return Math.max(m, t.weight); }, 0) || 1;
  var termList = document.getElementById('terms');
  var rows = data.terms.map(function (term, k) {
    var row = el('div', { 'class': 'term-row ' + (term.inInput ? 'original' : 'expansion'), 'data-role': 'term-bar', tabindex: '0' });
    row.appendChild(el('span', { 'class': 'term' }, term.term));
    var track = el('span', { 'class': 'track' });
    var bar = el('span', { 'class': 'bar' });
    bar.style.width = (100 * term.weight / maxWeight).toFixed(1) + '%';
    track.appendChild(bar);
    row.appendChild(track);
    row.appendChild(el('span', { 'class': 'weight' }, fixed(term.weight)));
    row.appendChild(el('span', { 'class': 'from' }, 'from ' + data.tokens[term.fromToken] + ' (' + term.fromToken + ')'));
    row.title = (term.inInput ? 'in the text' : 'expansion: not in the text') + '; click to see every token\'s vote';
    row.addEventListener('click', function () { selectTerm(k); });
    row.addEventListener('keydown', function (e) { if (e.key === 'Enter' || e.key === ' ') selectTerm(k); });
    termList.appendChild(row);
    return row;
  });

  // Per-token weights of the selected term: what the max pooling chose among.
  var detail = document.getElementById('term-detail');
  function selectTerm(k) {
    var term = data.terms[k];
    rows.forEach(function (row, i) { row.classList.toggle('selected', i === k); });
    var top = Math.max.apply(null, term.perToken.concat([1e-9]));
    chips.forEach(function (chip, i) {
      var w = term.perToken[i];
      chip.classList.toggle('source', i === term.fromToken);
      chip.style.setProperty('--vote', String(w / top));
      chip.querySelector('.contrib').textContent = w > 0 ? fixed(w) : '';
    });
    detail.textContent = '"' + term.term + '" (' + (term.inInput ? 'a word of the text' : 'an expansion') + ') gets weight ' +
      fixed(term.weight) + ' from token ' + term.fromToken + ' "' + data.tokens[term.fromToken] +
      '": SPLADE keeps the largest of the weights shown under the tokens.';
  }
  if (data.terms.length > 0) selectTerm(0);

  // Attention heatmap of one layer and head: row = the token attending (query), column = the
  // token attended to (key); darker = more attention. Each row sums to 1.
  var layerSelect = document.getElementById('layer');
  var headSelect = document.getElementById('head');
  for (var l = 0; l < data.layers; l++) layerSelect.appendChild(el('option', { value: String(l) }, 'layer ' + l));
  for (var h = 0; h < data.heads; h++) headSelect.appendChild(el('option', { value: String(h) }, 'head ' + h));
  headSelect.appendChild(el('option', { value: 'mean' }, 'mean of the heads'));
  var n = data.tokens.length;
  var cell = Math.max(6, Math.min(28, Math.floor(560 / n)));
  var label = 8 + 7 * data.tokens.reduce(function (m, t) { return Math.max(m, t.length); }, 0);
  var map = svg('svg', { width: label + n * cell + 4, height: label + n * cell + 4, 'data-role': 'heatmap' });
  var cells = [];
  data.tokens.forEach(function (token, i) {
    var left = svg('text', { x: label - 4, y: label + i * cell + cell * 0.7, 'text-anchor': 'end', 'class': 'axis' });
    left.textContent = token;
    map.appendChild(left);
    var top = svg('text', { x: 0, y: 0, 'text-anchor': 'start', 'class': 'axis',
      transform: 'translate(' + (label + i * cell + cell * 0.7) + ',' + (label - 4) + ') rotate(-90)' });
    top.textContent = token;
    map.appendChild(top);
  });
  for (var q = 0; q < n; q++) {
    for (var k = 0; k < n; k++) {
      var rect = svg('rect', { x: label + k * cell, y: label + q * cell, width: cell - 1, height: cell - 1, 'data-role': 'cell' });
      rect.appendChild(svg('title'));
      map.appendChild(rect);
      cells.push(rect);
    }
  }
  document.getElementById('heatmap').appendChild(map);
  function meanOfHeads(layer) {
    return layer[0].map(function (row, q) {
      return row.map(function (_, k) {
        var sum = 0;
        for (var h = 0; h < layer.length; h++) sum += layer[h][q][k];
        return sum / layer.length;
      });
    });
  }
  function drawAttention() {
    var layer = data.attentions[Number(layerSelect.value)];
    var probs = headSelect.value === 'mean' ? meanOfHeads(layer) : layer[Number(headSelect.value)];
    // An absolute scale (the same in every layer and head, so they compare); the square root
    // keeps small but real attention visible.
    document.getElementById('scale').textContent = 'white = 0, darkest blue = 1 (square-root scale, the same for every layer and head)';
    for (var q = 0; q < n; q++) {
      for (var k = 0; k < n; k++) {
        var p = probs[q][k];
        var shade = Math.round(255 * (1 - Math.sqrt(p)));
        var rect = cells[q * n + k];
        rect.setAttribute('fill', 'rgb(' + shade + ',' + shade + ',255)');
        rect.firstChild.textContent = data.tokens[q] + ' \u2192 ' + data.tokens[k] + ': ' + p.toFixed(3);
      }
    }
  }
  layerSelect.addEventListener('change', drawAttention);
  headSelect.addEventListener('change', drawAttention);
  drawAttention();
  document.body.setAttribute('data-ready', 'true');
})();
`;
