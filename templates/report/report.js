// carve report: draws the data embedded in #carve-data. Plain browser JavaScript, no build step;
// every text reaches the page through textContent, never as HTML.
;(function () {
  'use strict'
  var data = JSON.parse(document.getElementById('carve-data').textContent)
  var LEVEL_COLORS = ['#cf222e', '#bc4c00', '#9a6700', '#0969da', '#8250df', '#1a7f37']
  var EDGE_COLORS = {fk: '#6e7781', join: '#0969da', transaction: '#8250df'}

  function el(tag, attrs, text) {
    var e = document.createElement(tag)
    if (attrs) for (var k in attrs) e.setAttribute(k, attrs[k])
    if (text !== undefined && text !== null) e.textContent = String(text)
    return e
  }
  function plural(n, word) { return n + ' ' + word + (n === 1 ? '' : 's') }

  // ---- header
  document.getElementById('title').textContent = data.title
  document.getElementById('subtitle').textContent =
    data.database.engine + ' ' + data.database.version + ' · database ' + data.database.name + ' · ' +
    plural(data.contexts.length, 'context') + ' · ' + plural(data.tables.length, 'table') + ' · generated ' + data.generatedAt
  var missing = document.getElementById('missing')
  data.missing.forEach(function (m) { missing.appendChild(el('li', null, m)) })

  // ---- context map
  var contextOf = {}
  data.tables.forEach(function (t) { contextOf[t.key] = t.context })
  var couplings = {}
  data.edges.forEach(function (e) {
    ;[e.a, e.b].forEach(function (t) { couplings[t] = (couplings[t] || 0) + 1 })
  })
  var elements = []
  data.contexts.forEach(function (c) {
    elements.push({data: {id: 'ctx:' + c.name, label: c.name + (c.owner ? '\n' + c.owner : ''), kind: 'context', level: c.level}})
  })
  var hasUnowned = data.tables.some(function (t) { return !t.context })
  if (hasUnowned) elements.push({data: {id: 'ctx:', label: 'no context', kind: 'context', level: null}})
  // A grid of tables inside each context, contexts packed in rows: predictable and readable where
  // a force layout of nested nodes tangles (positions are computed here, the layout is 'preset').
  var CELL_W = 120, CELL_H = 46, GAP = 70, ROW_WIDTH = 1500
  var members = {}
  data.tables.forEach(function (t) { var c = t.context || ''; (members[c] = members[c] || []).push(t) })
  var position = {}
  var x0 = 0, y0 = 0, rowHeight = 0
  data.contexts.map(function (c) { return c.name }).concat(hasUnowned ? [''] : []).forEach(function (c) {
    var ts = members[c] || []
    var cols = Math.max(1, Math.ceil(Math.sqrt(ts.length * 1.6)))
    var rows = Math.max(1, Math.ceil(ts.length / cols))
    var w = cols * CELL_W, h = rows * CELL_H
    if (x0 > 0 && x0 + w > ROW_WIDTH) { x0 = 0; y0 += rowHeight + GAP; rowHeight = 0 }
    ts.forEach(function (t, i) { position[t.key] = {x: x0 + (i % cols) * CELL_W + CELL_W / 2, y: y0 + Math.floor(i / cols) * CELL_H + CELL_H / 2} })
    x0 += w + GAP
    rowHeight = Math.max(rowHeight, h)
  })
  data.tables.forEach(function (t) {
    elements.push({data: {id: 't:' + t.key, label: t.key, kind: 'table', parent: 'ctx:' + (t.context || ''), table: t}, position: position[t.key]})
  })
  data.edges.forEach(function (e, i) {
    elements.push({data: {id: 'e' + i, source: 't:' + e.a, target: 't:' + e.b, kind: e.kind, weight: e.weight, cross: e.crossContext ? 1 : 0, edge: e}})
  })
  var cy = window.cytoscape({
    container: document.getElementById('graph'),
    elements: elements,
    wheelSensitivity: 0.3,
    style: [
      {selector: 'node[kind = "context"]', style: {
        'label': 'data(label)', 'text-valign': 'top', 'text-halign': 'center', 'text-wrap': 'wrap', 'font-size': 14, 'font-weight': 600,
        'background-color': '#ffffff', 'background-opacity': 0.9, 'border-width': 2,
        'border-color': function (n) { var l = n.data('level'); return l === null || l === undefined ? '#d1d9e0' : LEVEL_COLORS[l] },
        'shape': 'round-rectangle', 'padding': 12}},
      {selector: 'node[kind = "table"]', style: {
        'label': 'data(label)', 'font-size': 10, 'width': 12, 'height': 12, 'background-color': '#57606a', 'color': '#1f2328',
        'text-valign': 'bottom', 'text-margin-y': 2, 'text-max-width': 110, 'text-wrap': 'ellipsis'}},
      {selector: 'edge', style: {
        'width': function (e) { return Math.min(6, 1 + Math.log10(1 + e.data('weight'))) },
        'line-color': function (e) { return EDGE_COLORS[e.data('kind')] }, 'opacity': 0.35, 'curve-style': 'unbundled-bezier', 'control-point-distances': 20}},
      {selector: 'edge[cross = 1]', style: {'line-color': '#cf222e', 'line-style': 'dashed', 'opacity': 0.8}},
      {selector: '.hidden', style: {'display': 'none'}},
      {selector: '.faded', style: {'opacity': 0.12}},
    ],
    layout: {name: 'preset', fit: true, padding: 20},
  })
  window.carveGraph = cy

  function applyFilters() {
    var shown = {}
    document.querySelectorAll('input[data-edge]').forEach(function (b) { shown[b.getAttribute('data-edge')] = b.checked })
    var crossOnly = document.getElementById('cross-only').checked
    cy.edges().forEach(function (e) {
      var visible = shown[e.data('kind')] && (!crossOnly || e.data('cross') === 1)
      e.toggleClass('hidden', !visible)
    })
  }
  document.querySelectorAll('.controls input').forEach(function (b) { b.addEventListener('change', applyFilters) })
  document.getElementById('fit').addEventListener('click', function () { cy.fit(undefined, 20) })

  var tip = document.getElementById('tooltip')
  function showTip(evt, text) {
    tip.textContent = text
    tip.hidden = false
    var p = evt.originalEvent
    if (p) { tip.style.left = p.clientX + 14 + 'px'; tip.style.top = p.clientY + 14 + 'px' }
  }
  cy.on('mouseover', 'node[kind = "table"]', function (evt) {
    var t = evt.target.data('table')
    var node = evt.target
    cy.elements().addClass('faded')
    node.closedNeighborhood().removeClass('faded')
    node.closedNeighborhood().parents().removeClass('faded')
    var cross = node.connectedEdges('[cross = 1]').length
    showTip(evt, t.key + '\ncontext: ' + (t.context || '(none)') +
      '\nwritten by: ' + (t.writers.join(', ') || '—') + '\nread by: ' + (t.readers.join(', ') || '—') +
      '\ncouplings: ' + (couplings[t.key] || 0) + (cross ? ' (' + cross + ' across contexts)' : '') +
      (t.rows !== null ? '\nrows ≈ ' + t.rows : ''))
  })
  cy.on('mouseover', 'edge', function (evt) {
    var e = evt.target.data('edge')
    var what = e.kind === 'fk' ? plural(e.weight, 'foreign key') : e.kind === 'join' ? plural(e.weight, 'joining call') : plural(e.weight, 'write transaction')
    showTip(evt, e.a + ' — ' + e.b + '\n' + what + (e.crossContext ? '\ncrosses contexts: ' + contextOf[e.a] + ' / ' + contextOf[e.b] : ''))
  })
  cy.on('mouseover', 'node[kind = "context"]', function (evt) {
    var c = data.contexts.filter(function (x) { return 'ctx:' + x.name === evt.target.id() })[0]
    if (c) showTip(evt, c.name + '\nowner: ' + (c.owner || '(none)') + '\nlevel: ' + (c.level === null ? '?' : c.level) + '\n' + plural(c.tables.length, 'table') + (c.description ? '\n' + c.description : ''))
  })
  cy.on('mouseout', function () { tip.hidden = true; cy.elements().removeClass('faded') })

  // ---- access matrix
  var heat = document.getElementById('heatmap')
  if (data.matrix.cells.length === 0) {
    heat.appendChild(el('caption', null, 'No workload: nothing to show.'))
  } else {
    var max = 1
    var cell = {}
    data.matrix.cells.forEach(function (c) { cell[c.service + '\u0000' + c.table] = c; max = Math.max(max, c.read + c.write) })
    var thead = el('thead'), hr = el('tr')
    hr.appendChild(el('th'))
    var prev = null
    data.matrix.tables.forEach(function (t) {
      var th = el('th', {title: t + ' (' + (contextOf[t] || 'no context') + ')'})
      if (contextOf[t] !== prev) th.className = 'ctx-start'
      prev = contextOf[t]
      th.appendChild(el('span', null, t))
      hr.appendChild(th)
    })
    thead.appendChild(hr)
    heat.appendChild(thead)
    var tbody = el('tbody')
    data.matrix.services.forEach(function (s) {
      var tr = el('tr')
      tr.appendChild(el('th', null, s))
      data.matrix.tables.forEach(function (t) {
        var c = cell[s + '\u0000' + t]
        var td = el('td')
        if (c) {
          var alpha = 0.15 + 0.85 * Math.log(1 + c.read + c.write) / Math.log(1 + max)
          td.style.background = (c.write > 0 ? 'rgba(207,34,46,' : 'rgba(9,105,218,') + alpha.toFixed(3) + ')'
          if (c.foreign) td.className = 'foreign'
          td.title = s + ' → ' + t + ' (' + (contextOf[t] || 'no context') + ')\nreads: ' + c.read + '\nwrites: ' + c.write + (c.foreign ? '\nanother context owns this table' : '')
          td.setAttribute('data-calls', String(c.read + c.write))
        }
        tr.appendChild(td)
      })
      tbody.appendChild(tr)
    })
    heat.appendChild(tbody)
  }

  // ---- maturity
  var levels = document.getElementById('levels')
  levels.className = 'cards'
  data.contexts.forEach(function (c) {
    var card = el('div', {'class': 'card', 'data-context': c.name})
    var h = el('h3')
    h.appendChild(el('span', null, c.name + (c.owner ? ' · ' + c.owner : '')))
    var badge = el('span', {'class': 'level'}, c.level === null ? '?' : 'L' + c.level)
    badge.style.background = c.level === null ? '#6e7781' : LEVEL_COLORS[c.level]
    h.appendChild(badge)
    card.appendChild(h)
    if (c.next) card.appendChild(el('div', {'class': 'next'}, 'next: ' + c.next))
    var ul = el('ul')
    c.checks.forEach(function (k) {
      var li = el('li')
      li.appendChild(el('span', {'class': k.ok ? 'ok' : 'no'}, (k.ok ? '✓ ' : '✗ ') + 'L' + k.level + ' '))
      li.appendChild(document.createTextNode(k.message))
      ul.appendChild(li)
    })
    card.appendChild(ul)
    levels.appendChild(card)
  })

  // ---- plan progress
  var progress = document.getElementById('progress')
  if (!data.plan) {
    progress.appendChild(el('p', {'class': 'help'}, 'No plan given (carve report --plan DIR --db URL shows where a plan stands).'))
  } else {
    var p = data.plan, total = p.steps.length || 1
    progress.appendChild(el('p', null, p.name + ': ' + p.applied + ' of ' + p.steps.length + ' steps applied, ' + p.pending + ' pending' + (p.failed ? ', ' + p.failed + ' failed' : '')))
    var bar = el('div', {'class': 'bar'})
    ;[[p.applied, '#1a7f37'], [p.failed, '#cf222e'], [p.pending, '#d1d9e0']].forEach(function (part) {
      var s = el('span'); s.style.width = (100 * part[0] / total) + '%'; s.style.background = part[1]; bar.appendChild(s)
    })
    progress.appendChild(bar)
    var table = el('table', {'class': 'steps'})
    var head = el('tr')
    ;['step', 'context', 'state', 'when'].forEach(function (x) { head.appendChild(el('th', null, x)) })
    table.appendChild(head)
    p.steps.forEach(function (s) {
      var tr = el('tr')
      tr.appendChild(el('td', null, s.id))
      tr.appendChild(el('td', null, s.context || ''))
      tr.appendChild(el('td', {'class': 'state-' + s.state.split(' ')[0]}, s.state))
      tr.appendChild(el('td', null, s.when || ''))
      table.appendChild(tr)
    })
    progress.appendChild(table)
  }
  document.body.setAttribute('data-rendered', 'true')
})()
