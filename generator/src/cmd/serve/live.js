// The preview's live reload (`generator serve`): listens to the server's events and reloads
// this page when it was rebuilt, or shows the build's errors over the last good page.
(() => {
  const here = location.pathname;
  const source = new EventSource("/__preview/events?path=" + encodeURIComponent(here));
  let overlay = null;
  // For tests and tools: whether the stream is open.
  source.addEventListener("open", () => { window.generatorPreviewConnected = true; });

  function showErrors(text) {
    if (!overlay) {
      overlay = document.createElement("div");
      overlay.id = "generator-preview-errors";
      overlay.setAttribute("role", "alert");
      overlay.style.cssText = "position:fixed;inset:0;z-index:2147483647;overflow:auto;" +
        "background:#141414;color:#fff;padding:1.5rem;font:14px/1.5 monospace";
      const heading = document.createElement("p");
      heading.style.cssText = "font:bold 16px/1.5 sans-serif;margin:0 0 1rem";
      heading.textContent = "内容にエラーがあります。直して保存すると、この表示は消えて最新のページに切り替わります（表示中のページは前回正しく生成できたものです）。";
      const pre = document.createElement("pre");
      pre.style.cssText = "white-space:pre-wrap;margin:0";
      overlay.append(heading, pre);
      document.body.append(overlay);
    }
    overlay.querySelector("pre").textContent = text;
  }

  source.addEventListener("error-report", (e) => showErrors(JSON.parse(e.data)));
  source.addEventListener("fixed", () => {
    if (overlay) { overlay.remove(); overlay = null; }
  });
  source.addEventListener("reload", (e) => {
    const paths = JSON.parse(e.data);
    if (paths.includes("*") || paths.includes(here)) location.reload();
  });
})();
