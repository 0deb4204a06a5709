// Batch renderer for the book's Mermaid diagrams.
//
// One Node process drives one Chromium with one page in which Mermaid is loaded once;
// every diagram is then rendered in that page. Starting a browser per diagram (what
// `mmdc` does) costs seconds each; a render in an open page costs milliseconds.
//
// Input (argv[2]): a JSON file {"mermaid": path to mermaid.min.js, "config": {...},
//   "jobs": [{"key", "code", "svgId", "svg": out path, "pdf": out path or null, "label"}]}
// Output: one JSON line per job on stdout: {"key", "ok": true} or {"key", "ok": false,
//   "error": message}. Progress goes to stderr.

import { readFile, writeFile, rename } from "node:fs/promises";

import puppeteer from "puppeteer";

// Mermaid draws some shapes with rough.js, whose path data carries 16 significant digits:
// one handover diagram weighed 155 KB. A hundredth of a pixel is below anything a screen
// or printer shows, so path coordinates are rounded to two decimals.
function compactPaths(svg) {
  return svg.replace(/ d="([^"]*)"/g, (_, d) =>
    ` d="${d.replace(/-?\d+\.\d{3,}/g, (n) => String(Math.round(Number(n) * 100) / 100))}"`);
}

const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
  "--font-render-hinting=none",
];

async function writeAtomic(path, data) {
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, data);
  await rename(tmp, path);
}

async function main() {
  const request = JSON.parse(await readFile(process.argv[2], "utf8"));
  const browser = await puppeteer.launch({
    executablePath: process.env.PUPPETEER_EXECUTABLE_PATH || "/usr/bin/chromium",
    args: CHROMIUM_FLAGS,
    headless: true,
  });
  try {
    const page = await browser.newPage();
    // Nothing the renderer loads may come from the network.
    await page.setRequestInterception(true);
    page.on("request", (req) =>
      req.url().startsWith("data:") || req.url() === "about:blank" ? req.continue() : req.abort(),
    );
    await page.setContent("<!doctype html><html><head></head><body style='margin:0'><div id='stage'></div></body></html>");
    await page.addScriptTag({ content: await readFile(request.mermaid, "utf8") });
    await page.evaluate((config) => {
      window.mermaid.initialize({ startOnLoad: false, ...config });
    }, request.config);

    const total = request.jobs.length;
    let n = 0;
    for (const job of request.jobs) {
      n += 1;
      process.stderr.write(`mermaid: [${n}/${total}] ${job.label}\n`);
      let result;
      try {
        const svg = compactPaths(await page.evaluate(async (id, code) => {
          const stage = document.getElementById("stage");
          stage.innerHTML = "";
          await window.mermaid.parse(code);
          const { svg } = await window.mermaid.render(id, code, stage);
          // Some diagram types (timeline) name their inner ids "undefined-…" instead of
          // prefixing them with the diagram's id; two such diagrams on a page would clash.
          return svg.replaceAll('"undefined-', `"${id}-`).replaceAll("#undefined-", `#${id}-`);
        }, job.svgId, job.code));
        await writeAtomic(job.svg, svg);
        if (job.pdf) {
          await page.evaluate((svg) => {
            document.getElementById("stage").innerHTML = svg;
          }, svg);
          const box = await page.evaluate(() => {
            const el = document.querySelector("#stage svg");
            // Print at the diagram's natural size, not at the page's width.
            const vb = el.viewBox.baseVal;
            el.setAttribute("width", String(vb.width));
            el.setAttribute("height", String(vb.height));
            el.style.maxWidth = "none";
            const r = el.getBoundingClientRect();
            return { width: Math.ceil(r.width), height: Math.ceil(r.height) };
          });
          const pdf = await page.pdf({
            width: `${box.width + 2}px`,
            height: `${box.height + 2}px`,
            printBackground: true,
            pageRanges: "1",
            margin: { top: 0, right: 0, bottom: 0, left: 0 },
          });
          await writeAtomic(job.pdf, pdf);
        }
        result = { key: job.key, ok: true };
      } catch (err) {
        const message = String(err && err.message ? err.message : err)
          .replace(/^Error: /, "")
          .split("\n")
          .slice(0, 6)
          .join("\n");
        result = { key: job.key, ok: false, error: message };
      }
      process.stdout.write(JSON.stringify(result) + "\n");
    }
  } finally {
    await browser.close();
  }
}

main().catch((err) => {
  process.stderr.write(`mermaid renderer failed: ${err && err.stack ? err.stack : err}\n`);
  process.exit(2);
});
