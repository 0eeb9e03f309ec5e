/* The ticket page's process diagram: bpmn-js (vendored NavigatedViewer) draws the exact
   deployed version the ticket runs; the page routes say which elements ran how often, which
   are active now and which sequence flows were taken. No inline script: the URLs come in
   data-xml and data-state of #diagram. */
(function () {
  "use strict";

  function fetchText(url) {
    return fetch(url, { credentials: "same-origin" }).then(function (response) {
      if (!response.ok) { throw new Error(url + ": " + response.status); }
      return response.text();
    });
  }

  function badge(runs, active) {
    var span = document.createElement("span");
    span.className = "dg-count" + (active ? " dg-count-active" : "");
    span.textContent = "×" + runs;
    span.title = "运行 " + runs + " 次";
    return span;
  }

  function paint(viewer, state) {
    var canvas = viewer.get("canvas");
    var overlays = viewer.get("overlays");
    var registry = viewer.get("elementRegistry");
    Object.keys(state.elements).forEach(function (id) {
      var info = state.elements[id];
      if (!registry.get(id)) { return; }
      canvas.addMarker(id, info.active ? "dg-active" : "dg-done");
      overlays.add(id, "dg-runs", {
        position: { top: -12, right: 12 },
        html: badge(info.runs, info.active)
      });
    });
    Object.keys(state.flows).forEach(function (id) {
      if (registry.get(id)) { canvas.addMarker(id, "dg-taken"); }
    });
  }

  // Fit the whole diagram; when that makes it too small to read, show the current step
  // at a readable scale instead (the tools above switch between the two).
  function focusActive(viewer, state) {
    var canvas = viewer.get("canvas");
    var element = state.active.length ? viewer.get("elementRegistry").get(state.active[0]) : null;
    if (!element) { return false; }
    var outer = canvas.viewbox().outer;
    var scale = 0.9;
    var width = outer.width / scale, height = outer.height / scale;
    canvas.viewbox({
      x: element.x + element.width / 2 - width / 2,
      y: element.y + element.height / 2 - height / 2,
      width: width,
      height: height
    });
    return true;
  }

  function tool(label, action) {
    var button = document.createElement("button");
    button.type = "button";
    button.textContent = label;
    button.addEventListener("click", action);
    return button;
  }

  function tools(container, viewer, state) {
    var canvas = viewer.get("canvas");
    var bar = document.createElement("div");
    bar.className = "dg-tools";
    bar.setAttribute("role", "group");
    bar.setAttribute("aria-label", "流程图视图");
    bar.appendChild(tool("放大", function () { canvas.zoom(canvas.zoom() * 1.25); }));
    bar.appendChild(tool("缩小", function () { canvas.zoom(canvas.zoom() / 1.25); }));
    bar.appendChild(tool("显示全图", function () { canvas.zoom("fit-viewport", "auto"); }));
    if (state.active.length) {
      bar.appendChild(tool("定位当前步骤", function () { focusActive(viewer, state); }));
    }
    container.parentNode.insertBefore(bar, container);
  }

  function show(container) {
    var loading = container.querySelector(".diagram-loading");
    var viewer = new window.BpmnJS({ container: container });
    Promise.all([fetchText(container.dataset.xml), fetchText(container.dataset.state)])
      .then(function (answers) {
        var state = JSON.parse(answers[1]);
        return viewer.importXML(answers[0]).then(function () {
          var canvas = viewer.get("canvas");
          canvas.zoom("fit-viewport", "auto");
          if (canvas.zoom() < 0.6) { focusActive(viewer, state); }
          paint(viewer, state);
          tools(container, viewer, state);
          if (loading) { loading.remove(); }
          container.classList.add("dg-ready");
          container.dataset.active = state.active.join(" ");
        });
      })
      .catch(function () {
        if (loading) { loading.textContent = "流程图无法显示，请参阅下方步骤列表。"; }
        container.classList.add("dg-failed");
      });
  }

  var container = document.getElementById("diagram");
  if (container && window.BpmnJS) { show(container); }
})();
