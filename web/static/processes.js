/* 流程管理: draw one deployed version's diagram with the vendored bpmn-js viewer. */
(function () {
  "use strict";
  var container = document.getElementById("diagram");
  var status = document.getElementById("diagram-status");
  if (!container) { return; }
  function say(text) { if (status) { status.textContent = text; } }
  if (typeof window.BpmnJS !== "function") { say("流程图查看器未能加载，请查看下方的元素列表。"); return; }
  var viewer = new window.BpmnJS({ container: container });
  fetch(container.getAttribute("data-xml-url"), { credentials: "same-origin" })
    .then(function (response) {
      if (!response.ok) { throw new Error("HTTP " + response.status); }
      return response.text();
    })
    .then(function (xml) { return viewer.importXML(xml); })
    .then(function () {
      viewer.get("canvas").zoom("fit-viewport", "auto");
      container.setAttribute("data-drawn", "true");
      say("流程图已加载：可拖动、滚轮缩放。");
    })
    .catch(function (error) { say("流程图无法显示：" + error.message); });
}());
