"""The report as one self-contained HTML page: the Vega, Vega-Lite and vega-embed JavaScript
inline (from vl-convert-python's bundle), each chart's spec with its data inline, drawn as SVG.
Nothing is fetched: the page works offline and from a file:// URL."""

from __future__ import annotations

import html
import json
import os
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import altair as alt
import vl_convert

from orchestration.report.sections import Section

VEGA_LITE = alt.SCHEMA_VERSION.lstrip("v").rsplit(".", 1)[0]  # "6.4" from "v6.4.1"


def _json_in_script(value) -> str:
    """JSON placed inside <script> must not close it early ("</" is "<\\/" in a JS string)."""
    text = json.dumps(value, separators=(",", ":"), allow_nan=False)
    return text.replace("</", "<\\/").replace("<!--", "<\\u0021--")


def bundle_cache() -> Path:
    """Where the bundle is kept: the user's cache ($XDG_CACHE_HOME, else ~/.cache), shared by
    every home, so a fresh home (a test's, a new demo) does not bundle again."""
    root = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(root) / "alignment-warehouse"


def javascript_bundle(cache_dir: Path | None = None) -> str:
    """Vega-Embed, Vega-Lite and Vega as one script defining window.vegaEmbed. Bundling takes
    seconds, so the result is kept per vl-convert and Vega-Lite version."""
    cache = (cache_dir or bundle_cache()) / f"vega-bundle-{vl_convert.__version__}-vl{VEGA_LITE}.js"
    if cache.exists():
        return cache.read_text(encoding="utf-8")
    bundle = vl_convert.javascript_bundle(vl_version=VEGA_LITE)
    if "</script" in bundle.lower() or "<!--" in bundle:
        # The HTML parser would end (or escape) the inline script there.
        raise RuntimeError("the Vega bundle contains </script> or <!-- and cannot be inlined")
    try:
        write_atomically(cache, bundle)
    except OSError:
        pass  # a read-only cache costs time, not the report
    return bundle


def write_atomically(path: Path, text: str) -> None:
    """Write next to the target and rename: a reader sees the old file or the new, whole."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _section_html(section: Section) -> str:
    parts = [f'<section id="{section.key}" class="card">',
             f"<h2>{html.escape(section.title)}</h2>"]
    if section.empty:
        parts.append(f'<p class="empty">{html.escape(section.empty)}</p>')
    else:
        if section.headline:
            parts.append(f'<p class="headline">{html.escape(section.headline)}</p>')
        if section.chart is not None:
            parts.append(f'<div class="chart" id="chart-{section.key}" '
                         f'data-chart="{section.key}" role="img" '
                         f'aria-label="{html.escape(section.headline or section.title)}"></div>')
        parts.append(section.body)
        if section.note:
            parts.append(f'<p class="note">{html.escape(section.note)}</p>')
    parts.append("</section>")
    return "\n".join(parts)


def render(sections: list[Section], as_of: str, source: str, bundle: str,
           generated_at: datetime | None = None) -> str:
    generated_at = generated_at or datetime.now(UTC)
    specs = {f"chart-{s.key}": s.chart for s in sections if s.chart is not None and not s.empty}
    body = "\n".join(_section_html(s) for s in sections)
    return PAGE.format(
        title="Marketing & sales alignment",
        as_of=html.escape(as_of),
        generated=f"{generated_at:%d %B %Y %H:%M} UTC",
        source=html.escape(source),
        toc="".join(f'<a href="#{s.key}">{html.escape(s.title)}</a>' for s in sections),
        sections=body,
        bundle=bundle,
        specs=_json_in_script(specs),
        vega_lite=VEGA_LITE,
    )


PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}: as of {as_of}</title>
<style>
  :root {{ --ink: #1f2933; --muted: #5f6b76; --line: #e3e7eb; --bg: #f5f7f9;
           --good: #2e8540; --bad: #c0392b; --warn: #b7791f; }}
  * {{ box-sizing: border-box; }}
  body {{ margin: 0; background: var(--bg); color: var(--ink);
          font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }}
  header {{ background: #1f3a5f; color: #fff; padding: 28px 32px 20px; }}
  header h1 {{ margin: 0 0 4px; font-size: 28px; font-weight: 650; }}
  header .meta {{ opacity: .85; font-size: 14px; }}
  nav {{ margin-top: 14px; display: flex; flex-wrap: wrap; gap: 6px 16px; font-size: 14px; }}
  nav a {{ color: #cfe0f5; text-decoration: none; }}
  nav a:hover {{ text-decoration: underline; }}
  main {{ max-width: 1040px; margin: 0 auto; padding: 24px 20px 48px; }}
  .card {{ background: #fff; border: 1px solid var(--line); border-radius: 10px;
           padding: 20px 24px; margin-bottom: 20px; }}
  h2 {{ margin: 0 0 6px; font-size: 14px; text-transform: uppercase; letter-spacing: .05em;
        color: var(--muted); font-weight: 600; }}
  .headline {{ font-size: 20px; line-height: 1.35; margin: 0 0 14px; font-weight: 550; }}
  .chart {{ width: 100%; min-height: 120px; }}
  .chart .vega-embed {{ width: 100%; display: block; }}
  .note {{ color: var(--muted); font-size: 13px; margin: 10px 0 0; }}
  .empty {{ color: var(--muted); font-style: italic; }}
  details {{ margin: 8px 0; }}
  summary {{ cursor: pointer; font-weight: 600; }}
  table.contract {{ width: 100%; border-collapse: collapse; margin: 8px 0 4px; font-size: 14px; }}
  table.contract th {{ text-align: left; color: var(--muted); font-weight: 600;
                       border-bottom: 2px solid var(--line); padding: 6px 8px; }}
  table.contract td {{ border-bottom: 1px solid var(--line); padding: 6px 8px; }}
  table.contract td.num {{ text-align: right; font-variant-numeric: tabular-nums; }}
  td.name {{ font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 13px; }}
  td.status.met {{ color: var(--good); font-weight: 600; }}
  td.status.failed {{ color: var(--bad); font-weight: 600; }}
  td.severity.error {{ color: var(--bad); }}
  td.severity.warn {{ color: var(--warn); }}
  ul.symptoms {{ list-style: none; padding: 0; margin: 14px 0 0; }}
  ul.symptoms li {{ border-left: 4px solid var(--bad); padding: 6px 12px; margin: 8px 0;
                    background: #fdf4f3; }}
  ul.symptoms .when {{ color: var(--muted); font-size: 13px; margin-left: 6px; }}
  footer {{ color: var(--muted); font-size: 13px; text-align: center; padding-bottom: 32px; }}
  @media print {{ header {{ background: none; color: var(--ink); }} nav {{ display: none; }}
                  .card {{ break-inside: avoid; }} }}
</style>
<script>
// Vega, Vega-Lite v{vega_lite} and vega-embed, inlined: the page fetches nothing.
{bundle}
</script>
</head>
<body>
<header>
  <h1>{title}</h1>
  <div class="meta">Data as of <strong>{as_of}</strong> · generated {generated} ·
    from {source}</div>
  <nav>{toc}</nav>
</header>
<main>
{sections}
</main>
<footer>Alignment Warehouse · the marts behind each chart are named under it ·
  docs/report.md</footer>
<script>
(function () {{
  const specs = {specs};
  for (const [id, spec] of Object.entries(specs)) {{
    const el = document.getElementById(id);
    vegaEmbed(el, spec, {{renderer: "svg", actions: false}})
      .then(function () {{ el.dataset.drawn = "true"; }})
      .catch(function (error) {{
        el.dataset.drawn = "error";
        el.textContent = "This chart could not be drawn: " + error;
      }});
  }}
}})();
</script>
</body>
</html>
"""
