// Suggestions as you type in the site's search box: asks /search.json (this server) and fills the
// box's <datalist>; choosing a suggestion opens its page. Without JavaScript the box still
// submits to /search.
(function () {
  const input = document.getElementById("site-q");
  if (!input) return;
  const list = document.getElementById(input.getAttribute("list"));
  let hrefs = new Map();
  let timer = null;
  let asked = "";
  input.addEventListener("input", () => {
    const href = hrefs.get(input.value);
    if (href) { window.location.assign(href); return; }
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const q = input.value.trim();
      if (q.length < 2 || q === asked) return;
      asked = q;
      const reply = await fetch(input.dataset.suggest + "?q=" + encodeURIComponent(q));
      if (!reply.ok || q !== input.value.trim()) return;
      const found = await reply.json();
      hrefs = new Map();
      list.replaceChildren(...found.map((f) => {
        const option = document.createElement("option");
        const text = f.label + (f.detail ? " (" + f.detail + ")" : "");
        option.value = text;
        option.label = f.kind;
        hrefs.set(text, f.href);
        return option;
      }));
    }, 150);
  });
})();
