// The explorables on the BPTT and LSTM chapters: sliders that rerun the scalar RNN (and a one-unit
// LSTM) in the reader's browser and redraw the tables and drawings on every change.
//
// This is a second copy of lstmgrad's math, kept for the browser only. It mirrors, operation for
// operation:
//   bpttSteps  <- lstmgrad.models.rnn.bptt_steps (scalar_forward, local_factors, cumulative_factors)
//   lstmPath   <- lstmgrad.studies.article.lstm_path_rows (lstmgrad.models.lstm.forward and
//                 lstm.cell_path, H = 1)
//   repeated   <- lstmgrad.tasks.anchor.repeated_sequence
//   lossTerms  <- lstmgrad.studies.loss_terms.loss_terms (the BPTT page's head, target and loss); the
//                 page's dL/dx_t is that function's dz_t times W_x
// and prints numbers as Python's format specs do ("{:.4f}", "{:.2e}", "{:g}"): the BPTT tables in the
// columns of `lstmgrad bptt` (lstmgrad.present.tables.bptt_steps_table); the LSTM table's products,
// the summaries and the underflow marks in 3 significant digits, compared with `lstmgrad lstm --json`
// and `lstmgrad bptt --json` formatted with "{:.2e}"; the loss, its sums and each day's terms in "{:.2e}"
// too, compared with loss_terms. The strip's widths and the bars' heights are log10 of the values.
// tests/test_explorable.py drives this file in Chromium and compares every number it shows with
// those functions' output for the same inputs; change both sides together.
// The mount points (and their default values) are printed by lstmgrad.present.explorable.
(function () {
  "use strict";

  var MAX_VALUES = 100; // typed sequence values
  var MAX_T = 1000; // after "repeat to length T"
  var SVG_NS = "http://www.w3.org/2000/svg";
  var counter = 0;

  // ---- math -------------------------------------------------------------------------------------

  // lstmgrad.models.rnn.bptt_steps: z_t = W_h h_{t-1} + W_x x_t + b, h_t = tanh(z_t);
  // local_t = W_h (1 - h_t^2) = dh_t/dh_{t-1}; cumulative_t = local_T ... local_t = dh_T/dh_{t-1}.
  function bpttSteps(x, Wh, Wx, b, h0) {
    var T = x.length;
    var z = new Float64Array(T), h = new Float64Array(T);
    var local = new Float64Array(T), cumulative = new Float64Array(T);
    var hPrev = h0;
    for (var t = 0; t < T; t++) {
      z[t] = Wh * hPrev + Wx * x[t] + b;
      h[t] = Math.tanh(z[t]);
      hPrev = h[t];
    }
    for (t = 0; t < T; t++) local[t] = Wh * (1.0 - h[t] * h[t]); // tanh'(z_t) = 1 - h_t^2
    var acc = 1.0;
    for (t = T - 1; t >= 0; t--) { acc *= local[t]; cumulative[t] = acc; } // np.cumprod(local[::-1])[::-1]
    return { x: x, z: z, h: h, local: local, cumulative: cumulative };
  }

  // lstmgrad.studies.article.lstm_path_rows with lstmgrad.models.lstm.forward for one unit: every gate
  // has input weight wx and recurrent weight wh; biases b = [b_i, b_f, b_g, b_o]. As in lstm.forward,
  // the sigmoid is computed as 0.5 tanh(a/2) + 0.5, with the halving folded into the weights and bias.
  function lstmPath(x, wx, wh, b) {
    var T = x.length;
    var f = new Float64Array(T), path = new Float64Array(T);
    var scale = [0.5, 0.5, 1.0, 0.5], offset = [0.5, 0.5, 0.0, 0.5];
    var gate = [0, 0, 0, 0];
    var h = 0.0, C = 0.0;
    for (var t = 0; t < T; t++) {
      for (var k = 0; k < 4; k++) {
        var a = x[t] * (wx * scale[k]) + b[k] * scale[k]; // W_x x_t + b, pre-scaled
        a += h * (wh * scale[k]); // + W_h h_{t-1}
        gate[k] = Math.tanh(a) * scale[k] + offset[k];
      }
      C = gate[1] * C + gate[0] * gate[2]; // C_t = f_t C_{t-1} + i_t C~_t
      h = gate[3] * Math.tanh(C); // h_t = o_t tanh(C_t)
      f[t] = gate[1];
    }
    var acc = 1.0;
    for (t = T - 1; t >= 0; t--) { acc *= f[t]; path[t] = acc; } // lstm.cell_path: f_t ... f_T = dC_T/dC_{t-1}
    return { f: f, path: path };
  }

  function repeated(sequence, T) {
    var out = new Array(T);
    for (var i = 0; i < T; i++) out[i] = sequence[i % sequence.length];
    return out;
  }

  // ---- numbers as Python formats them -----------------------------------------------------------

  // JavaScript's toFixed/toExponential round an exact tie away from zero; Python rounds it to even.
  // A tie at k digits after the point means a * 10^k ends in exactly .5 (a >= 0).
  function isTie(a, k) {
    if (k >= 0) {
      var y = a * Math.pow(2, k + 1); // exact: a tie needs a = odd / 2^(k+1)
      return Number.isInteger(y) && y % 2 === 1;
    }
    if (!Number.isInteger(a)) return false;
    var p = BigInt(10) ** BigInt(-k);
    return BigInt(a) % p === p / BigInt(2);
  }

  function nonFinite(v) {
    return isNaN(v) ? "nan" : v > 0 ? "inf" : "-inf";
  }

  function negative(v) {
    return v < 0 || Object.is(v, -0);
  }

  // Drop the tie digit of an exact one-digit-longer rendering, then keep it only if its last digit is even.
  function halfEven(rounded, longer) {
    var down = longer.slice(0, -1).replace(/\.$/, "");
    var last = down.replace(".", "").slice(-1);
    return Number(last) % 2 === 0 ? down : rounded;
  }

  // f"{v:.{d}f}"
  function fixed(v, d) {
    if (!isFinite(v)) return nonFinite(v);
    var a = Math.abs(v);
    if (a >= 1e21) return (negative(v) ? "-" : "") + BigInt(a).toString() + (d ? "." + "0".repeat(d) : "");
    var s = a.toFixed(d); // (toFixed switches to exponents from 1e21 on; such a double is a whole number)
    if (isTie(a, d)) s = halfEven(s, a.toFixed(d + 1));
    return (negative(v) ? "-" : "") + s;
  }

  // f"{v:.{d}e}"
  function expo(v, d) {
    if (!isFinite(v)) return nonFinite(v);
    var a = Math.abs(v);
    var parts = a.toExponential(d).split("e");
    var mant = parts[0], e = parseInt(parts[1], 10);
    if (a !== 0 && isTie(a, d - e)) mant = halfEven(mant, a.toExponential(d + 1).split("e")[0]);
    var ae = Math.abs(e);
    return (negative(v) ? "-" : "") + mant + "e" + (e < 0 ? "-" : "+") + (ae < 10 ? "0" : "") + ae;
  }

  // f"{v:g}": 6 significant digits, no trailing zeros, scientific outside 1e-4 <= |v| < 1e6
  function general(v) {
    if (!isFinite(v)) return nonFinite(v);
    var e = v === 0 ? 0 : parseInt(expo(v, 5).split("e")[1], 10);
    var s;
    if (e >= -4 && e < 6) {
      s = fixed(v, 5 - e);
      if (s.indexOf(".") >= 0) s = s.replace(/0+$/, "").replace(/\.$/, "");
      return s;
    }
    s = expo(v, 5).split("e");
    return s[0].replace(/0+$/, "").replace(/\.$/, "") + "e" + s[1];
  }

  // lstmgrad.present.tables._cumulative_cell: 6 decimals, unless that would print a nonzero product as 0.000000
  function cumulativeCell(v) {
    var s = fixed(v, 6);
    return /^-?0\.0+$/.test(s) && v !== 0 ? expo(v, 2) : s;
  }

  var SUB = "₀₁₂₃₄₅₆₇₈₉", SUP = "⁰¹²³⁴⁵⁶⁷⁸⁹";
  function sub(n) { return String(n).replace(/\d/g, function (c) { return SUB[c]; }); }
  function sup(n) { return String(n).replace(/\d/g, function (c) { return SUP[c]; }).replace("-", "⁻"); }

  // ---- DOM helpers -----------------------------------------------------------------------------

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    for (var k in attrs || {}) node.setAttribute(k, attrs[k]);
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function svgEl(tag, attrs) {
    var node = document.createElementNS(SVG_NS, tag);
    for (var k in attrs || {}) node.setAttribute(k, attrs[k]);
    return node;
  }

  // A slider with a number box beside it; both hold the same value. The slider's step is the grid the
  // value lives on: a typed number snaps to it, and the box then shows the value in use.
  function slider(parent, id, name, help, min, max, step, value) {
    var row = el("div", { class: "explorable__control explorable__control--slider" });
    var label = el("label", { for: id, title: help }, name);
    var input = el("input", { type: "range", id: id, min: min, max: max, step: step, value: value });
    var box = el("input", { type: "number", id: id + "-box", min: min, max: max, step: step, value: value,
      "aria-label": name + " (number)", class: "explorable__box" });
    row.append(label, input, box);
    parent.appendChild(row);
    input.addEventListener("input", function () { box.value = input.value; });
    box.addEventListener("change", function () {
      if (box.value === "" || !isFinite(Number(box.value))) { box.value = input.value; return; }
      input.value = box.value;
      box.value = input.value;
      input.dispatchEvent(new Event("input", { bubbles: true }));
    });
    return input;
  }

  function setValue(input, value) {
    input.value = value;
    input.dispatchEvent(new Event("input", { bubbles: true }));
  }

  // Buttons that set the controls to a case the prose discusses: [{name, values: [[input, value], ...]}]
  function presets(parent, cases, after) {
    var row = el("div", { class: "explorable__presets", role: "group", "aria-label": "Try a case from the text" });
    row.appendChild(el("span", { class: "explorable__presets-label" }, "Try:"));
    cases.forEach(function (c) {
      var button = el("button", { type: "button", class: "md-button explorable__preset" }, c.name);
      button.addEventListener("click", function () {
        c.values.forEach(function (pair) { pair[0].value = pair[1]; pair[0].dispatchEvent(new Event("input")); });
        after();
      });
      row.appendChild(button);
    });
    parent.appendChild(row);
  }

  // Significant digits for every product shown outside the tables: 3 of them, in e-notation (Python's
  // f"{v:.2e}"), so 1e-93 and 1e-43 can be told apart.
  function sig(v) { return expo(v, 2); }

  // The first k (1-based, steps back) at which a product stored as `back[k - 1]` is exactly 0 although
  // its factors are not: the product fell below the smallest double (about 4.9e-324). 0 if none.
  function underflowAt(back, factors) {
    for (var k = 1; k <= back.length; k++) {
      if (factors[k - 1] === 0) return 0; // a factor is exactly 0: the product is 0, not an underflow
      if (back[k - 1] === 0) return k;
    }
    return 0;
  }

  // A table whose body is rewritten as one string. Up to FULL_ROWS rows are all in the page; a longer
  // table (T up to 1,000) keeps only the rows in and near its scroll box, between two spacer rows
  // that keep the scroll bar honest, because laying out thousands of rows takes longer than the
  // 50 ms a redraw may take. Every row is formatted on every redraw either way.
  var FULL_ROWS = 200, MARGIN_ROWS = 15;

  function rowsHtml(rows, from, to) {
    var html = new Array(to - from);
    for (var i = from; i < to; i++) html[i - from] = "<tr><td>" + rows[i].join("</td><td>") + "</td></tr>";
    return html.join("");
  }

  function table(parent, name, caption, header) {
    var wrap = el("div", { class: "explorable__table", tabindex: "0" }); // it scrolls: reachable by keyboard
    var t = el("table", { "data-table": name });
    t.appendChild(el("caption", {}, caption));
    var head = el("tr");
    header.forEach(function (h) { head.appendChild(el("th", { scope: "col" }, h)); });
    t.appendChild(el("thead")).appendChild(head);
    var body = t.appendChild(el("tbody"));
    wrap.appendChild(t);
    parent.appendChild(wrap);
    var rows = [], rowHeight = 0, shown = [-1, -1], pending = false;
    var spacer = function (px) {
      return '<tr class="explorable__spacer" aria-hidden="true" style="height:' + px + 'px"><td colspan="' +
        header.length + '"></td></tr>';
    };
    function paint(force) {
      if (rows.length <= FULL_ROWS) {
        body.innerHTML = rowsHtml(rows, 0, rows.length);
        shown = [0, rows.length];
        return;
      }
      if (!rowHeight) { // measured once, on a few real rows
        body.innerHTML = rowsHtml(rows, 0, 2);
        rowHeight = body.rows[1].getBoundingClientRect().height || 30;
      }
      var top = wrap.scrollTop - t.tHead.offsetHeight - (t.caption ? t.caption.offsetHeight : 0);
      var first = Math.max(0, Math.floor(top / rowHeight) - MARGIN_ROWS);
      var last = Math.min(rows.length, first + Math.ceil(wrap.clientHeight / rowHeight) + 2 * MARGIN_ROWS);
      if (!force && first === shown[0] && last === shown[1]) return;
      body.innerHTML = (first ? spacer(first * rowHeight) : "") + rowsHtml(rows, first, last) +
        (last < rows.length ? spacer((rows.length - last) * rowHeight) : "");
      shown = [first, last];
    }
    wrap.addEventListener("scroll", function () {
      if (pending || rows.length <= FULL_ROWS) return;
      pending = true;
      requestAnimationFrame(function () { pending = false; paint(false); });
    });
    return {
      table: t, head: head,
      set: function (newRows) { rows = newRows; paint(true); },
    };
  }

  function parseSequence(text) {
    var tokens = text.split(/[\s,;]+/).filter(function (s) { return s !== ""; });
    if (!tokens.length) return { error: "Type at least one number." };
    if (tokens.length > MAX_VALUES) return { error: "At most " + MAX_VALUES + " values; use “repeat to length T” for more." };
    var values = [];
    for (var i = 0; i < tokens.length; i++) {
      var v = Number(tokens[i]);
      if (!isFinite(v)) return { error: "x" + sub(i + 1) + " = “" + tokens[i] + "” is not a finite number." };
      values.push(v);
    }
    return { values: values };
  }

  // ---- drawings --------------------------------------------------------------------------------

  // Log-scale line plot of |values| against k = 1..n steps back; series = [{values, cls, marker}].
  // Zeros are gaps; `underflow` (a k, or 0) draws a dashed line where the products fell to 0.
  function logPlot(svg, series, xLabel, yLabel, underflow) {
    var W = 360, H = 220, L = 52, R = 12, Tp = 12, B = 38;
    var lo = Infinity, hi = -Infinity, n = 0;
    series.forEach(function (s) {
      n = Math.max(n, s.values.length);
      for (var i = 0; i < s.values.length; i++) {
        var a = Math.abs(s.values[i]);
        if (a > 0 && isFinite(a)) { var l = Math.log10(a); if (l < lo) lo = l; if (l > hi) hi = l; }
      }
    });
    if (lo === Infinity) { lo = -1; hi = 0; }
    lo = Math.floor(lo); hi = Math.ceil(hi);
    if (hi === lo) hi = lo + 1;
    var sx = function (k) { return L + (n > 1 ? ((k - 1) / (n - 1)) * (W - L - R) : (W - L - R) / 2); };
    var sy = function (l) { return Tp + ((hi - l) / (hi - lo)) * (H - Tp - B); };
    var parts = [];
    var every = [1, 2, 5, 10, 20, 25, 50, 100, 200, 500].find(function (e) { return e >= (hi - lo) / 6; }) || 1000;
    for (var d = Math.ceil(lo / every) * every; d <= hi; d += every) {
      var y = sy(d).toFixed(1);
      parts.push('<line class="explorable__grid" x1="' + L + '" x2="' + (W - R) + '" y1="' + y + '" y2="' + y + '"/>');
      parts.push('<text class="explorable__tick" x="' + (L - 4) + '" y="' + y + '" dy="0.35em" text-anchor="end">' +
        (d === 0 ? "1" : "10" + sup(d)) + "</text>");
    }
    var xt = n <= 1 ? [1] : [1, Math.round((n + 1) / 2), n].filter(function (v, i, a) { return a.indexOf(v) === i; });
    xt.forEach(function (k, i) {
      var anchor = i === xt.length - 1 && xt.length > 1 ? "end" : "middle";
      parts.push('<text class="explorable__tick" x="' + sx(k).toFixed(1) + '" y="' + (H - B + 14) + '" text-anchor="' + anchor + '">' + k + "</text>");
    });
    parts.push('<text class="explorable__axis" x="' + ((L + W - R) / 2) + '" y="' + (H - 4) + '" text-anchor="middle">' + xLabel + "</text>");
    parts.push('<text class="explorable__axis" transform="rotate(-90)" x="' + (-(Tp + H - B) / 2) + '" y="12" text-anchor="middle">' + yLabel + "</text>");
    series.forEach(function (s) {
      var d = "", pen = "M", marks = [], everyMark = Math.max(1, Math.round(s.values.length / 12));
      for (var i = 0; i < s.values.length; i++) {
        var a = Math.abs(s.values[i]);
        if (!(a > 0) || !isFinite(a)) { pen = "M"; continue; }
        var px = sx(i + 1).toFixed(1), py = sy(Math.log10(a)).toFixed(1);
        d += pen + px + " " + py;
        pen = "L";
        if (i % everyMark === 0) marks.push(s.marker === "square"
          ? '<rect x="' + (px - 3.5) + '" y="' + (py - 3.5) + '" width="7" height="7"/>'
          : '<circle cx="' + px + '" cy="' + py + '" r="3.5"/>');
      }
      parts.push('<g class="' + s.cls + '"><path d="' + d + '"/>' + marks.join("") + "</g>");
    });
    if (underflow) {
      var ux = sx(underflow).toFixed(1);
      parts.push('<g class="explorable__underflow" data-underflow="' + underflow + '"><line x1="' + ux + '" x2="' + ux +
        '" y1="' + Tp + '" y2="' + (H - B) + '"/><text x="' + ux + '" y="' + (Tp + 10) + '" dx="-3" text-anchor="end">' +
        "underflow to 0 at k = " + underflow + "</text></g>");
    }
    svg.innerHTML = parts.join("");
    svg.setAttribute("viewBox", "0 0 " + W + " " + H);
  }

  // The unrolled chain h_0 -> ... -> h_T. Backward arrows: the one into h_{t-1} is as thick as
  // log10 |dh_T/dh_{t-1}| on a scale from the largest product (12 units) down to the smallest nonzero
  // one (1 unit), with a legend in powers of ten; dashed where the product is negative, and missing
  // (marked) where it underflowed to 0.
  function chain(svg, cumulative, underflow) {
    var T = cumulative.length, W = 720, H = 132, pad = 24, yF = 30, yB = 66, yL = 112;
    var hi = 0, lo = 0; // log10 of the seed, 1, and of the smallest nonzero finite product
    for (var i = 0; i < T; i++) {
      var a = Math.abs(cumulative[i]);
      if (a > 0 && isFinite(a)) { var l = Math.log10(a); if (l > hi) hi = l; if (l < lo) lo = l; }
    }
    hi = Math.ceil(hi); lo = Math.floor(lo);
    if (hi - lo < 1) lo = hi - 1;
    var thick = function (g) {
      var a = Math.abs(g);
      if (!isFinite(a)) return 12;
      if (!(a > 0)) return 0;
      return 1 + (11 * (Math.log10(a) - lo)) / (hi - lo);
    };
    var gap = (W - 2 * pad - 40) / Math.max(T, 1);
    var px = function (t) { return pad + t * gap; };
    var labelled = T <= 20;
    var parts = [];
    parts.push('<line class="explorable__guide" x1="' + px(0) + '" x2="' + (W - pad) + '" y1="' + yB + '" y2="' + yB + '"/>');
    // the seed: dL/dh_T enters h_T with factor 1
    parts.push('<line class="explorable__grad" x1="' + (W - pad).toFixed(1) + '" x2="' + px(T).toFixed(1) +
      '" y1="' + yB + '" y2="' + yB + '" stroke-width="' + thick(1).toFixed(3) + '"/>');
    if (T <= 100) {
      for (var t = T; t >= 1; t--) {
        var g = cumulative[t - 1];
        if (thick(g) === 0) continue;
        parts.push('<line class="explorable__grad' + (g < 0 ? " explorable__grad--neg" : "") + '" x1="' + px(t).toFixed(1) +
          '" x2="' + px(t - 1).toFixed(1) + '" y1="' + yB + '" y2="' + yB + '" stroke-width="' + thick(g).toFixed(3) + '"/>');
      }
    } else { // too many arrows to draw one by one: one band, as thick at each step as its arrow would be
      var upper = [], lower = [];
      for (t = T; t >= 1; t--) {
        var half = thick(cumulative[t - 1]) / 2;
        upper.push(px(t).toFixed(1) + "," + (yB - half).toFixed(3), px(t - 1).toFixed(1) + "," + (yB - half).toFixed(3));
        lower.push(px(t).toFixed(1) + "," + (yB + half).toFixed(3), px(t - 1).toFixed(1) + "," + (yB + half).toFixed(3));
      }
      parts.push('<polygon class="explorable__band" points="' + upper.concat(lower.reverse()).join(" ") + '"/>');
    }
    if (underflow) { // products stored as 0 from h_{T-k} on: steps back k, into h_{T-k}
      var ux = px(T - underflow + 1).toFixed(1);
      parts.push('<g class="explorable__underflow"><line x1="' + ux + '" x2="' + ux + '" y1="' + (yB - 14) + '" y2="' + (yB + 14) +
        '"/><text x="' + ux + '" y="' + (yB + 26) + '" text-anchor="end" dx="-2">0 from here on (underflow)</text></g>');
    }
    parts.push('<line class="explorable__fwd" x1="' + px(0) + '" x2="' + px(T).toFixed(1) + '" y1="' + yF + '" y2="' + yF + '"/>');
    if (labelled) {
      for (t = 0; t <= T; t++) {
        parts.push('<circle class="explorable__node" cx="' + px(t).toFixed(1) + '" cy="' + yF + '" r="12"/>');
        parts.push('<text class="explorable__tick" x="' + px(t).toFixed(1) + '" y="' + yF + '" dy="0.35em" text-anchor="middle">h' + sub(t) + "</text>");
      }
    } else {
      parts.push('<text class="explorable__tick" x="' + px(0) + '" y="' + (yF - 6) + '" text-anchor="middle">h₀</text>');
      parts.push('<text class="explorable__tick" x="' + px(T).toFixed(1) + '" y="' + (yF - 6) + '" text-anchor="middle">h' + sub(T) + "</text>");
    }
    // legend: the width of 10^hi ... 10^lo, at up to 5 powers of ten
    var legend = ['<g class="explorable__legend-widths" data-decades="' + hi + "," + lo + '">'];
    legend.push('<text class="explorable__axis" x="' + pad + '" y="' + (yL + 4) + '">width of |∂h' + sub(T) + "/∂hₜ|, log scale:</text>");
    var steps = Math.min(4, hi - lo), x0 = pad + 250;
    for (var j = 0; j <= steps; j++) {
      var e = Math.round(hi - ((hi - lo) * j) / steps);
      var xj = x0 + j * 88;
      legend.push('<line class="explorable__grad" x1="' + xj + '" x2="' + (xj + 30) + '" y1="' + yL + '" y2="' + yL +
        '" stroke-width="' + thick(Math.pow(10, e)).toFixed(3) + '"/>');
      legend.push('<text class="explorable__tick" x="' + (xj + 34) + '" y="' + yL + '" dy="0.35em">' + (e === 0 ? "1" : "10" + sup(e)) + "</text>");
    }
    legend.push("</g>");
    parts.push(legend.join(""));
    parts.push('<text class="explorable__axis" x="' + (W - pad) + '" y="' + (yB - 16) + '" text-anchor="end">← gradient from the loss</text>');
    svg.innerHTML = parts.join("");
    svg.setAttribute("viewBox", "0 0 " + W + " " + H);
  }

  // lstmgrad.studies.loss_terms.loss_terms, head and loss as on the BPTT page (docs/bptt.md#weight-gradient,
  // lstmgrad.tasks.anchor.ANCHOR_HEAD and ANCHOR_TARGET): y_hat = W_y h_T + b_y, L = (y_hat - y)^2 / 2.
  // dL/dz_t = dL/dh_T * dh_T/dh_t * tanh'(z_t); step t's terms: dz_t h_{t-1} (W_h), dz_t x_t (W_x);
  // dL/dx_t = dz_t W_x. Sums run t = 1..T, left to right, as Python's sum does.
  var HEAD = { Wy: 1.0, by: 0.0, y: 1.0 };
  function lossTerms(s, Wx, h0) {
    var T = s.h.length;
    var yHat = HEAD.Wy * s.h[T - 1] + HEAD.by;
    var dLdhT = (yHat - HEAD.y) * HEAD.Wy;
    var dz = new Float64Array(T), wh = new Float64Array(T), wx = new Float64Array(T), dx = new Float64Array(T);
    var sumH = 0, sumX = 0; // the loss below is 0.5 * (y_hat - y) ** 2: the square first, as in Python
    for (var t = 0; t < T; t++) {
      var chainT = t < T - 1 ? s.cumulative[t + 1] : 1.0; // dh_T/dh_t (lstmgrad.studies.article.dh_T_dh_t)
      dz[t] = dLdhT * chainT * (1.0 - s.h[t] * s.h[t]);
      wh[t] = dz[t] * (t ? s.h[t - 1] : h0);
      wx[t] = dz[t] * s.x[t];
      dx[t] = dz[t] * Wx;
      sumH += wh[t]; sumX += wx[t];
    }
    return { yHat: yHat, loss: 0.5 * ((yHat - HEAD.y) * (yHat - HEAD.y)), dz: dz, wh: wh, wx: wx, dx: dx,
      sumH: sumH, sumX: sumX };
  }

  // Bars of |value| per day t = 1..T on a log axis, one group of bars per day; series = [{values, cls,
  // name, key}]. Each bar carries its day and its value as printed (data-t, data-value). A bar grows from the bottom decade to its value; a term that is exactly 0 has no bar, and a
  // "0" at the foot of its place while the days are few enough to label.
  var MANY = 100; // beyond this many days, the bars and points are drawn as one path each

  function logBars(svg, series, yLabel) {
    var W = 360, H = 220, L = 52, R = 12, Tp = 22, B = 38;
    var n = series[0].values.length, lo = Infinity, hi = -Infinity;
    series.forEach(function (s) {
      for (var i = 0; i < n; i++) {
        var a = Math.abs(s.values[i]);
        if (a > 0 && isFinite(a)) { var l = Math.log10(a); if (l < lo) lo = l; if (l > hi) hi = l; }
      }
    });
    if (lo === Infinity) { lo = 0; hi = 0; }
    lo = Math.floor(lo) - 1; hi = Math.ceil(hi); // the foot one decade below the smallest, so every bar shows
    if (hi === lo) lo = hi - 1;
    var sy = function (l) { return Tp + ((hi - l) / (hi - lo)) * (H - Tp - B); };
    var slot = (W - L - R) / n, bar = Math.max(0.4, (slot * 0.8) / series.length);
    var parts = [];
    var every = [1, 2, 5, 10, 20, 25, 50, 100, 200, 500].find(function (e) { return e >= (hi - lo) / 6; }) || 1000;
    for (var d = Math.ceil(lo / every) * every; d <= hi; d += every) {
      var y = sy(d).toFixed(1);
      parts.push('<line class="explorable__grid" x1="' + L + '" x2="' + (W - R) + '" y1="' + y + '" y2="' + y + '"/>');
      parts.push('<text class="explorable__tick" x="' + (L - 4) + '" y="' + y + '" dy="0.35em" text-anchor="end">' +
        (d === 0 ? "1" : "10" + sup(d)) + "</text>");
    }
    var ticks = n <= 10 ? Array.from({ length: n }, function (_, i) { return i + 1; }) : [1, Math.round((n + 1) / 2), n];
    ticks.forEach(function (t) {
      parts.push('<text class="explorable__tick" x="' + (L + (t - 0.5) * slot).toFixed(1) + '" y="' + (H - B + 14) +
        '" text-anchor="middle">' + t + "</text>");
    });
    parts.push('<text class="explorable__axis" x="' + ((L + W - R) / 2) + '" y="' + (H - 4) + '" text-anchor="middle">day t</text>');
    parts.push('<text class="explorable__axis" transform="rotate(-90)" x="' + (-(Tp + H - B) / 2) + '" y="12" text-anchor="middle">' + yLabel + "</text>");
    series.forEach(function (s, j) {
      var g = ['<g class="' + s.cls + '" data-series="' + s.key + '">'], many = n > MANY, d = "";
      for (var i = 0; i < n; i++) {
        var v = s.values[i], a = Math.abs(v), x = L + i * slot + slot * 0.1 + j * bar;
        if (a > 0 && isFinite(a)) {
          var top = sy(Math.log10(a));
          if (many && j === 0) { d += "M" + x.toFixed(2) + " " + (H - B) + "V" + top.toFixed(2) + "h" + bar.toFixed(2) + "V" + (H - B) + "z"; continue; }
          if (many) { d += (d ? "L" : "M") + (x + bar / 2).toFixed(2) + " " + top.toFixed(2); continue; } // later series: their tops, as a line
          g.push('<rect class="explorable__bar" data-t="' + (i + 1) + '" data-value="' + sig(v) + '" x="' + x.toFixed(2) +
            '" y="' + top.toFixed(2) + '" width="' + bar.toFixed(2) + '" height="' + (H - B - top).toFixed(2) + '"/>');
        } else if (n <= 20) {
          g.push('<text class="explorable__tick" data-t="' + (i + 1) + '" data-value="' + sig(v) + '" x="' + (x + bar / 2).toFixed(1) +
            '" y="' + (H - B - 3) + '" text-anchor="middle">0</text>');
        }
      }
      if (many) g.push('<path class="' + (j ? "explorable__tops" : "explorable__bars") + '" d="' + d + '"/>');
      g.push("</g>");
      parts.push(g.join(""));
      var lx = L + 6 + j * 130;
      parts.push('<g class="' + s.cls + '"><rect x="' + lx + '" y="4" width="10" height="10"/></g>' +
        '<text class="explorable__tick" x="' + (lx + 14) + '" y="13">' + s.name + "</text>");
    });
    svg.innerHTML = parts.join("");
    svg.setAttribute("viewBox", "0 0 " + W + " " + H);
  }

  // tanh and its slope tanh' = 1 - tanh^2 (dashed), with the current z_t on both: circles on tanh at
  // (z_t, h_t), squares on the slope at (z_t, tanh'(z_t)). The axis spans -3..3, wider (up to ±10)
  // when a z_t lies beyond; a z_t beyond ±10 sits at the edge.
  function tanhPlot(svg, s) {
    var W = 360, H = 200, L = 34, R = 12, Tp = 24, B = 34, T = s.z.length, top = 3;
    for (var i = 0; i < T; i++) top = Math.max(top, Math.min(10, Math.ceil(Math.abs(s.z[i]))));
    var sx = function (z) { return L + ((Math.max(-top, Math.min(top, z)) + top) / (2 * top)) * (W - L - R); };
    var sy = function (v) { return Tp + ((1 - v) / 2) * (H - Tp - B); };
    var parts = [];
    [-1, 0, 1].forEach(function (v) {
      parts.push('<line class="explorable__grid" x1="' + L + '" x2="' + (W - R) + '" y1="' + sy(v) + '" y2="' + sy(v) + '"/>');
      parts.push('<text class="explorable__tick" x="' + (L - 4) + '" y="' + sy(v) + '" dy="0.35em" text-anchor="end">' + (v < 0 ? "−1" : v) + "</text>");
    });
    [-top, 0, top].forEach(function (z) {
      parts.push('<text class="explorable__tick" x="' + sx(z).toFixed(1) + '" y="' + (H - B + 14) + '" text-anchor="middle">' +
        (z < 0 ? "−" + -z : z) + "</text>");
    });
    parts.push('<text class="explorable__axis" x="' + ((L + W - R) / 2) + '" y="' + (H - 4) + '" text-anchor="middle">zₜ</text>');
    var curve = "", slope = "";
    for (var k = 0; k <= 120; k++) {
      var z = -top + (2 * top * k) / 120, th = Math.tanh(z);
      curve += (k ? "L" : "M") + sx(z).toFixed(1) + " " + sy(th).toFixed(1);
      slope += (k ? "L" : "M") + sx(z).toFixed(1) + " " + sy(1 - th * th).toFixed(1);
    }
    var dots = [], squares = [];
    if (T > MANY) { // one path of round dots per series: a thousand elements would slow every redraw
      var dd = "", sd = "";
      for (i = 0; i < T; i++) {
        dd += "M" + sx(s.z[i]).toFixed(1) + " " + sy(s.h[i]).toFixed(1) + "h0";
        sd += "M" + sx(s.z[i]).toFixed(1) + " " + sy(1 - s.h[i] * s.h[i]).toFixed(1) + "h0";
      }
      dots.push('<path class="explorable__dots" d="' + dd + '"/>');
      squares.push('<path class="explorable__dots explorable__dots--square" d="' + sd + '"/>');
      T = 0;
    }
    for (i = 0; i < T; i++) {
      var px = sx(s.z[i]).toFixed(1), attrs = ' data-t="' + (i + 1) + '" data-z="' + fixed(s.z[i], 4) + '"';
      dots.push('<circle' + attrs + ' cx="' + px + '" cy="' + sy(s.h[i]).toFixed(1) + '" r="3.5"/>');
      var py = sy(1 - s.h[i] * s.h[i]);
      squares.push('<rect' + attrs + ' x="' + (px - 3.5) + '" y="' + (py - 3.5).toFixed(1) + '" width="7" height="7"/>');
    }
    parts.push('<g class="explorable__line" data-series="tanh"><path d="' + curve + '"/>' + dots.join("") + "</g>");
    parts.push('<g class="explorable__line2" data-series="slope"><path d="' + slope + '"/>' + squares.join("") + "</g>");
    parts.push('<text class="explorable__tick" x="' + (L + 4) + '" y="12">● tanh(zₜ) = hₜ, solid</text>');
    parts.push('<text class="explorable__tick" x="' + (W - R) + '" y="12" text-anchor="end">■ slope tanh′(zₜ), dashed</text>');
    svg.innerHTML = parts.join("");
    svg.setAttribute("viewBox", "0 0 " + W + " " + H);
  }

  // A drawing in its own box, which scrolls sideways on a phone rather than shrink its text below 9 px.
  function figure(parent, label, cls) {
    var box = el("div", { class: "explorable__figure " + (cls || ""), tabindex: "0" });
    var svg = svgEl("svg", { role: "img", "aria-label": label, class: "explorable__svg" });
    box.appendChild(svg);
    parent.appendChild(box);
    return svg;
  }

  // ---- the BPTT explorable ---------------------------------------------------------------------

  function mountBptt(root) {
    var id = "explorable-" + ++counter;
    var d = root.dataset;
    var controls = el("div", { class: "explorable__controls" });
    var Wh = slider(controls, id + "-wh", "W_h", "recurrent weight", -3, 3, 0.01, d.wH);
    var Wx = slider(controls, id + "-wx", "W_x", "input weight", -0.1, 0.1, 0.001, d.wX);
    var b = slider(controls, id + "-b", "b", "bias", -5, 5, 0.01, d.b);

    var seqRow = el("div", { class: "explorable__control explorable__control--wide" });
    seqRow.appendChild(el("label", { for: id + "-seq" }, "sequence x₁ … x_T"));
    var seq = el("textarea", { id: id + "-seq", rows: "2", spellcheck: "false", "aria-describedby": id + "-msg" });
    seq.value = d.sequence.split(",").map(function (s) { return general(Number(s)); }).join(", ");
    seqRow.appendChild(seq);
    controls.appendChild(seqRow);

    var lenRow = el("div", { class: "explorable__control" });
    lenRow.appendChild(el("label", { for: id + "-T" }, "repeat to length T"));
    var len = el("input", { type: "number", id: id + "-T", min: 1, max: MAX_T, step: 1 });
    lenRow.appendChild(len);
    controls.appendChild(lenRow);

    var msg = el("p", { class: "explorable__message", id: id + "-msg", "aria-live": "polite" });
    var summary = el("p", { class: "explorable__summary", "aria-live": "polite" });
    var figs = el("div", { class: "explorable__figures" });
    var plot = figure(figs, "Log-scale plot of the product dh_T/dh_(T-k) against k steps back, as in the static plot above");
    var curve = figure(figs, "tanh and its slope tanh′ against z, with the current z_t marked on both", "explorable__tanh");
    var drawing = figure(figs, "The unrolled chain h_0 to h_T; each backward arrow's width is the log of the gradient crossing it",
      "explorable__chain");
    var tables = el("div", { class: "explorable__tables" });
    var fwd = table(tables, "forward", "Forward pass", ["t", "x_t", "z_t", "h_t"]);
    var back = table(tables, "bptt", "BPTT, from t = T back to 1", ["t", "local ∂hₜ/∂hₜ₋₁", "cumulative"]);
    // the loss of docs/bptt.md#weight-gradient, and what each day contributes to the weights' gradient
    var lossBox = el("div", { class: "explorable__loss" });
    lossBox.appendChild(el("p", { class: "explorable__heading" }, "The loss, day by day"));
    var lossSummary = el("p", { class: "explorable__summary", "aria-live": "polite" });
    var lossFigs = el("div", { class: "explorable__figures" });
    var inputBars = figure(lossFigs, "Log-scale bars: the size of dL/dx_t for each day t");
    var termBars = figure(lossFigs, "Log-scale bars: each day's term of dL/dW_h (filled) and of dL/dW_x (outlined)");
    var lossTables = el("div", { class: "explorable__tables" });
    var terms = table(lossTables, "loss", "Each day's share of the gradient",
      ["t", "∂L/∂xₜ", "term of ∂L/∂W_h", "term of ∂L/∂W_x"]);
    lossBox.append(lossSummary, lossFigs, lossTables);

    var base = parseSequence(d.sequence.replace(/,/g, " ")).values;
    len.value = base.length;
    var lenTouched = false;
    var anchorSeq = seq.value;
    var buttons = el("div");
    presets(buttons, [
      { name: "the anchor (W_h = " + general(Number(d.wH)) + ")", values: [[Wh, d.wH], [Wx, d.wX], [b, d.b], [seq, anchorSeq]] },
      { name: "W_h = 1.5", values: [[Wh, "1.5"]] },
      { name: "W_x near 0", values: [[Wx, "0.001"]] },
      { name: "T = 1000", values: [[len, "1000"]] },
    ], function () { lenTouched = Number(len.value) !== parseSequence(seq.value).values.length; redraw(); });
    root.replaceChildren(controls, buttons.firstChild, msg, summary, figs, tables, lossBox);

    function redraw() {
      var parsed = parseSequence(seq.value);
      if (parsed.error) { msg.textContent = parsed.error; return; }
      var T = parseInt(len.value, 10);
      if (!lenTouched) { T = parsed.values.length; len.value = T; }
      if (!(T >= 1 && T <= MAX_T)) { msg.textContent = "T must be a whole number from 1 to " + MAX_T + "."; return; }
      msg.textContent = "";
      var x = repeated(parsed.values, T);
      var s = bpttSteps(x, Number(Wh.value), Number(Wx.value), Number(b.value), 0.0);
      var fRows = new Array(T), bRows = new Array(T);
      for (var t = 1; t <= T; t++) {
        fRows[t - 1] = [t, general(s.x[t - 1]), fixed(s.z[t - 1], 4), fixed(s.h[t - 1], 4)];
        bRows[T - t] = [t, fixed(s.local[t - 1], 4), cumulativeCell(s.cumulative[t - 1])];
      }
      fwd.set(fRows);
      back.set(bRows);
      back.head.lastChild.textContent = "cumulative ∂h" + sub(T) + "/∂hₜ₋₁";
      // k steps back: the product dh_T/dh_{T-k} is cumulative[T - k], the factor local[T - k]
      var backs = new Float64Array(T), factors = new Float64Array(T);
      for (var k = 1; k <= T; k++) { backs[k - 1] = s.cumulative[T - k]; factors[k - 1] = s.local[T - k]; }
      var under = underflowAt(backs, factors);
      summary.innerHTML = "T = " + T + ": the whole chain ∂h" + sub(T) + "/∂h₀ is <strong data-value=\"chain\">" +
        sig(s.cumulative[0]) + "</strong>; one step back it is <span data-value=\"first\">" + sig(s.cumulative[T - 1]) +
        "</span>." + (under ? ' <span class="explorable__underflow-note" data-value="underflow" data-k="' + under +
        '">From k = ' + under + " steps back the product is below the smallest double (about 4.9e-324) and is stored " +
        "as exactly 0: it underflowed; no factor is 0.</span>" : "");
      logPlot(plot, [{ values: backs, cls: "explorable__line", marker: "circle" }],
        "steps back from the last state, k", "∂h" + sub(T) + "/∂h" + sub(T) + "₋ₖ (log)", under);
      chain(drawing, s.cumulative, under);
      tanhPlot(curve, s);
      var wx = Number(Wx.value), lt = lossTerms(s, wx, 0.0), lRows = new Array(T);
      for (t = 1; t <= T; t++) lRows[t - 1] = [t, sig(lt.dx[t - 1]), sig(lt.wh[t - 1]), sig(lt.wx[t - 1])];
      terms.set(lRows);
      var ratio = T < 2 ? "" : lt.wx[0] === 0 ? " Day 1's W_x term is stored as exactly 0 (x₁ = 0, or a product " +
        "on its way fell below the smallest double)." :
        " Day " + T + "'s W_x term is <strong data-value=\"ratio\">" + sig(Math.abs(lt.wx[T - 1]) / Math.abs(lt.wx[0])) +
        "</strong> times the size of day 1's.";
      lossSummary.innerHTML = "With the chapter's head and loss (ŷ = W_y h" + sub(T) + " + b_y, W_y = 1, b_y = 0, target y = 1, " +
        "L = ½(ŷ − y)²): ŷ = <span data-value=\"y-hat\">" + sig(lt.yHat) + "</span> and L = <span data-value=\"loss\">" +
        sig(lt.loss) + "</span>. ∂L/∂W_h = <strong data-value=\"dW_h\">" + sig(lt.sumH) + "</strong> and ∂L/∂W_x = " +
        "<strong data-value=\"dW_x\">" + sig(lt.sumX) + "</strong>, each a sum of one term per day." + ratio;
      logBars(inputBars, [{ values: lt.dx, cls: "explorable__line", name: "|∂L/∂xₜ|", key: "dx" }], "|∂L/∂xₜ| (log)");
      logBars(termBars, [
        { values: lt.wh, cls: "explorable__line", name: "term of ∂L/∂W_h", key: "W_h" },
        { values: lt.wx, cls: "explorable__line2", name: "term of ∂L/∂W_x", key: "W_x" },
      ], "|term| (log)");
    }

    [Wh, Wx, b, seq].forEach(function (input) { input.addEventListener("input", redraw); });
    len.addEventListener("input", function () { lenTouched = true; redraw(); });
    root.redraw = redraw;
    redraw();
  }

  // ---- the LSTM explorable ---------------------------------------------------------------------

  var LAGS = [1, 2, 5, 10, 20, 30, 45, 60, 90, 100, 200, 500, 1000];

  function mountLstm(root) {
    var id = "explorable-" + ++counter;
    var d = root.dataset;
    var base = parseSequence(d.sequence.replace(/,/g, " ")).values;
    var gates = d.gateBiases.split(",").map(Number); // b_i, b_f, b_g, b_o
    var controls = el("div", { class: "explorable__controls" });
    // One W_h and one W_x for both models: the RNN's weights and every LSTM gate's (lstm_explorable checks
    // that the page's defaults agree).
    var Wh = slider(controls, id + "-wh", "W_h", "recurrent weight: the RNN's and every LSTM gate's", -3, 3, 0.01, d.wH);
    var Wx = slider(controls, id + "-wx", "W_x", "input weight: the RNN's and every LSTM gate's", -0.1, 0.1, 0.001, d.wX);
    var bf = slider(controls, id + "-bf", "b_f", "forget-gate bias", -4, 6, 0.1, gates[1]);
    var lenRow = el("div", { class: "explorable__control" });
    lenRow.appendChild(el("label", { for: id + "-T" }, "days T (the prices repeated)"));
    var len = el("input", { type: "number", id: id + "-T", min: 1, max: MAX_T, step: 1, value: d.t || base.length });
    lenRow.appendChild(len);
    controls.appendChild(lenRow);
    var buttons = el("div");
    presets(buttons, [
      { name: "the worked example (b_f = " + general(gates[1]) + ")", values: [[Wh, d.wH], [Wx, d.wX], [bf, gates[1]]] },
      { name: "b_f = −3", values: [[bf, "-3"]] },
      { name: "W_h = 1.5", values: [[Wh, "1.5"]] },
      { name: "W_x near 0", values: [[Wx, "0.001"]] },
      { name: "T = 1000", values: [[len, "1000"]] },
    ], function () { redraw(); });
    var msg = el("p", { class: "explorable__message", "aria-live": "polite" });
    var summary = el("p", { class: "explorable__summary", "aria-live": "polite" });
    var figs = el("div", { class: "explorable__figures" });
    var plot = figure(figs, "Log-scale plot, per step back: the RNN's chain against the LSTM cell path, the product of forget gates");
    var legend = el("p", { class: "explorable__legend" });
    legend.innerHTML = '<span class="explorable__key explorable__line">● solid line</span> RNN chain ∏ W_h tanh′(z_t) &nbsp; ' +
      '<span class="explorable__key explorable__line2">■ dashed, thick</span> LSTM cell path ∏ f_t';
    var tables = el("div", { class: "explorable__tables" });
    var tab = table(tables, "lstm", "At lags k (row t = T − k + 1)",
      ["lag k", "RNN local", "RNN ∂h_T/∂hₜ₋₁", "fₜ", "LSTM cell path ∏ f"]);
    root.replaceChildren(controls, buttons.firstChild, msg, summary, figs, legend, tables);

    function redraw() {
      var T = parseInt(len.value, 10);
      if (!(T >= 1 && T <= MAX_T)) { msg.textContent = "T must be a whole number from 1 to " + MAX_T + "."; return; }
      msg.textContent = "";
      var x = repeated(base, T);
      var wh = Number(Wh.value), wx = Number(Wx.value);
      var rnn = bpttSteps(x, wh, wx, 0.0, 0.0);
      var b = gates.slice();
      b[1] = Number(bf.value);
      var lstm = lstmPath(x, wx, wh, b);
      var lags = LAGS.filter(function (k) { return k < T; }).concat([T]);
      tab.set(lags.map(function (k) {
        var i = T - k; // row t = T - k + 1, 0-based
        return [k, fixed(rnn.local[i], 4), sig(rnn.cumulative[i]), fixed(lstm.f[i], 4), sig(lstm.path[i])];
      }));
      tab.head.children[2].textContent = "RNN ∂h" + sub(T) + "/∂hₜ₋₁";
      var rnnBack = new Float64Array(T), cellBack = new Float64Array(T), rnnF = new Float64Array(T), cellF = new Float64Array(T);
      for (var k = 1; k <= T; k++) {
        rnnBack[k - 1] = rnn.cumulative[T - k]; cellBack[k - 1] = lstm.path[T - k];
        rnnF[k - 1] = rnn.local[T - k]; cellF[k - 1] = lstm.f[T - k];
      }
      var under = underflowAt(rnnBack, rnnF) || underflowAt(cellBack, cellF);
      summary.innerHTML = "Over all T = " + T + " days: the RNN's chain is <strong data-value=\"rnn\">" + sig(rnn.cumulative[0]) +
        "</strong>, the LSTM cell path <strong data-value=\"cell\">" + sig(lstm.path[0]) + "</strong>." +
        (under ? ' <span class="explorable__underflow-note" data-value="underflow" data-k="' + under + '">From k = ' + under +
        " steps back a product is below the smallest double (about 4.9e-324) and is stored as exactly 0: it underflowed.</span>" : "");
      logPlot(plot, [
        { values: rnnBack, cls: "explorable__line", marker: "circle" },
        { values: cellBack, cls: "explorable__line2", marker: "square" },
      ], "steps back from the last state, k", "factor over k steps (log)", under);
    }

    [Wh, Wx, bf].forEach(function (input) { input.addEventListener("input", redraw); });
    len.addEventListener("input", redraw);
    root.redraw = redraw;
    redraw();
  }

  var MOUNT = { bptt: mountBptt, lstm: mountLstm };

  // Material swaps pages in place (instant navigation): mount whatever the new page holds, now (site.js
  // loads this file once a page has an explorable) and after every swap.
  function mountAll() {
    document.querySelectorAll("[data-explorable]").forEach(function (root) {
      if (root.dataset.mounted) return;
      var mount = MOUNT[root.dataset.explorable];
      if (!mount) return;
      root.dataset.mounted = "1";
      mount(root);
    });
  }
  mountAll();
  document$.subscribe(mountAll);

  // For tests and the curious: the same functions the page uses.
  window.lstmgradExplorable = { bpttSteps: bpttSteps, lstmPath: lstmPath, lossTerms: lossTerms, fixed: fixed, expo: expo, general: general, underflowAt: underflowAt };
})();
