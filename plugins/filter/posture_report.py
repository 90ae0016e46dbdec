# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: posture_report
short_description: Render a posture audit as Markdown or as a self-contained HTML page
version_added: 0.1.0
description:
  - Takes the result of M(citadel.secrets.vault_posture_info) and returns a readable report - a summary of the
    findings per severity and every finding (severity, id, object, what is wrong, how to fix it), most severe first.
  - V(markdown) gives GitHub-flavoured Markdown (tables), for a pull request, a wiki or a terminal.
  - V(html) gives one self-contained page - inline CSS and an inline SVG bar chart of the findings per severity, no
    script and no external asset, so it can be mailed, archived or published as a CI artefact as it is.
  - Every value is escaped for the format; the audit result holds no secret values, so neither does the report.
options:
  _input:
    description:
      - The registered result of M(citadel.secrets.vault_posture_info) (a dictionary with C(findings) and
        C(summary)), or a list of findings.
    type: raw
    required: true
  format:
    description:
      - V(markdown) or V(html).
    type: str
    choices: [markdown, html]
    default: markdown
  title:
    description:
      - Heading of the report (and title of the HTML page).
    type: str
    default: Security posture report
  min_severity:
    description:
      - Leave findings below this severity out of the finding list (the summary still counts them).
    type: str
    choices: [critical, high, medium, low, info]
    default: info
author:
  - Citadel maintainers (@citadel-secrets)
"""

EXAMPLES = r"""
- name: Audit the server
  citadel.secrets.vault_posture_info:
  register: posture

- name: Write the Markdown and HTML reports
  ansible.builtin.copy:
    content: "{{ posture | citadel.secrets.posture_report(format=item.format) }}"
    dest: "/srv/reports/posture.{{ item.ext }}"
    mode: "0600"
  loop:
    - {format: markdown, ext: md}
    - {format: html, ext: html}

- name: Show the critical and high findings
  ansible.builtin.debug:
    msg: "{{ posture | citadel.secrets.posture_report(min_severity='high') }}"
"""

RETURN = r"""
_value:
  description:
    - The report, as Markdown text or as an HTML document.
  type: str
"""

import html

from ansible.errors import AnsibleFilterError

SEVERITIES = ("critical", "high", "medium", "low", "info")
COLOURS = {"critical": "#8b0000", "high": "#d9480f", "medium": "#e8a200", "low": "#2f7fbf", "info": "#6c757d"}
FORMATS = ("markdown", "html")


def _normalise(data):
    """``(findings, summary, meta)`` from a module result or a list of findings."""
    if isinstance(data, list):
        findings, meta = data, {}
    elif isinstance(data, dict):
        if data.get("failed"):
            raise AnsibleFilterError("posture_report: the audit failed: %s" % data.get("msg", "no message"))
        findings, meta = data.get("findings"), data
        if findings is None:
            raise AnsibleFilterError("posture_report: expected the result of citadel.secrets.vault_posture_info "
                                     "(with findings), got a dictionary with %s" % (", ".join(sorted(data)) or "no keys"))
    else:
        raise AnsibleFilterError("posture_report: expected the result of citadel.secrets.vault_posture_info or a "
                                 "list of findings, got %s" % type(data).__name__)
    clean = []
    for index, item in enumerate(findings):
        if not isinstance(item, dict) or item.get("severity") not in SEVERITIES:
            raise AnsibleFilterError("posture_report: finding %d is not a finding (a dictionary with id, severity, "
                                     "object, message and fix)" % index)
        clean.append(item)
    clean.sort(key=lambda f: (SEVERITIES.index(f["severity"]), str(f.get("id")), str(f.get("object"))))
    summary = {name: 0 for name in SEVERITIES}
    for item in clean:
        summary[item["severity"]] += 1
    summary["total"] = len(clean)
    return clean, summary, meta


def _meta_lines(meta):
    lines = []
    server = meta.get("server") or {}
    if server.get("url"):
        lines.append(("Server", "%s (%s)" % (server["url"], server.get("type") or "unknown")))
    if meta.get("generated"):
        lines.append(("Generated", meta["generated"]))
    if meta.get("checks"):
        lines.append(("Checks", ", ".join(meta["checks"])))
    if meta.get("checked"):
        lines.append(("Examined", ", ".join("%s %s" % (count, what) for what, count in sorted(meta["checked"].items()))))
    if meta.get("ttl_targets"):
        targets = ", ".join("%s %s" % (name, value) for name, value in meta["ttl_targets"].items())
        lines.append(("Lifetime targets", targets))
    if meta.get("ignored"):
        lines.append(("Ignored", "%d finding(s) matched the ignore list" % meta["ignored"]))
    return lines


# -- Markdown ----------------------------------------------------------------------------------------------
def _md(text):
    """One table cell: pipes escaped, line breaks folded, Markdown emphasis characters neutralised."""
    text = " ".join(str(text if text is not None else "").split())
    for char in ("\\", "|", "*", "_", "`", "<", ">", "[", "]"):
        text = text.replace(char, "\\" + char)
    return text


def _md_code(text):
    text = " ".join(str(text or "").split()).replace("|", "\\|")
    fence = "``" if "`" in text else "`"
    return "%s%s%s" % (fence, " %s " % text if "`" in text else text, fence)


def markdown(findings, summary, meta, title, min_rank):
    out = ["# %s" % _md(title), ""]
    for label, value in _meta_lines(meta):
        out.append("- **%s:** %s" % (label, _md(value)))
    out += ["", "## Summary", "", "| Severity | Findings |", "|---|---:|"]
    out += ["| %s | %d |" % (name, summary[name]) for name in SEVERITIES]
    out += ["| **total** | **%d** |" % summary["total"], ""]
    shown = [f for f in findings if SEVERITIES.index(f["severity"]) <= min_rank]
    out += ["## Findings", ""]
    if not shown:
        out += ["No findings%s." % ("" if min_rank == len(SEVERITIES) - 1 else " at this severity or above"), ""]
    for name in SEVERITIES:
        group = [f for f in shown if f["severity"] == name]
        if not group:
            continue
        out += ["### %s (%d)" % (name.capitalize(), len(group)), "",
                "| ID | Object | Finding | Fix |", "|---|---|---|---|"]
        out += ["| %s | %s | %s | %s |" % (_md_code(f.get("id")), _md_code(f.get("object")),
                                           _md(f.get("message")), _md(f.get("fix"))) for f in group]
        out.append("")
    return "\n".join(out)


# -- HTML --------------------------------------------------------------------------------------------------
CSS = """
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1d2330;background:#f6f7f9}
main{max-width:1100px;margin:0 auto;padding:24px}
h1{font-size:26px;margin:0 0 8px}h2{font-size:20px;margin:28px 0 10px}h3{font-size:17px;margin:22px 0 8px}
dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:2px 14px;margin:0 0 12px;color:#4a5263}
dl.meta dt{font-weight:600}dl.meta dd{margin:0}
.card{background:#fff;border:1px solid #dde1e8;border-radius:8px;padding:16px 18px}
.summary{display:flex;flex-wrap:wrap;gap:24px;align-items:center}
table{border-collapse:collapse;width:100%;background:#fff}
th,td{border:1px solid #dde1e8;padding:7px 9px;text-align:left;vertical-align:top}
th{background:#eef0f4;font-weight:600}
td.count{text-align:right;font-variant-numeric:tabular-nums}
code{font:13px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;overflow-wrap:anywhere}
table.findings{table-layout:fixed}td{overflow-wrap:anywhere}
.sev{display:inline-block;min-width:64px;padding:1px 8px;border-radius:10px;color:#fff;font-size:12px;
font-weight:600;text-align:center;text-transform:uppercase}
""" + "".join(".sev-%s{background:%s}" % (name, colour) for name, colour in COLOURS.items()) + "\n"


def _h(text):
    return html.escape(str(text if text is not None else ""), quote=True)


def svg_chart(summary):
    """A horizontal bar chart of the findings per severity, as inline SVG."""
    bar_h, gap, label_w, bar_w, pad = 22, 8, 80, 300, 4
    peak = max([summary[name] for name in SEVERITIES] + [1])
    height = len(SEVERITIES) * (bar_h + gap) + pad
    width = label_w + bar_w + 48
    parts = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" role="img" '
             'aria-labelledby="chart-title" class="chart">' % (width, height, width, height),
             '<title id="chart-title">Findings per severity: %s</title>'
             % _h(", ".join("%s %d" % (name, summary[name]) for name in SEVERITIES))]
    for index, name in enumerate(SEVERITIES):
        y = pad + index * (bar_h + gap)
        length = int(round(bar_w * summary[name] / peak))
        parts.append('<text x="%d" y="%d" text-anchor="end" font-size="13" font-family="sans-serif" fill="#1d2330">'
                     '%s</text>' % (label_w - 8, y + bar_h - 6, _h(name)))
        parts.append('<rect x="%d" y="%d" width="%d" height="%d" rx="3" fill="#eef0f4"/>'
                     % (label_w, y, bar_w, bar_h))
        if length:
            parts.append('<rect class="bar-%s" x="%d" y="%d" width="%d" height="%d" rx="3" fill="%s"/>'
                         % (name, label_w, y, length, bar_h, COLOURS[name]))
        parts.append('<text x="%d" y="%d" font-size="13" font-family="sans-serif" font-weight="600" fill="#1d2330">'
                     '%d</text>' % (label_w + max(length, 0) + 6, y + bar_h - 6, summary[name]))
    parts.append("</svg>")
    return "".join(parts)


def html_page(findings, summary, meta, title, min_rank):
    shown = [f for f in findings if SEVERITIES.index(f["severity"]) <= min_rank]
    out = ["<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           "<title>%s</title>" % _h(title), "<style>%s</style>" % CSS, "</head>", "<body>", "<main>",
           "<h1>%s</h1>" % _h(title)]
    lines = _meta_lines(meta)
    if lines:
        out.append('<dl class="meta">%s</dl>' % "".join("<dt>%s</dt><dd>%s</dd>" % (_h(k), _h(v)) for k, v in lines))
    out += ['<h2>Summary</h2>', '<div class="card summary">', svg_chart(summary),
            '<table class="counts" style="width:auto"><thead><tr><th>Severity</th><th>Findings</th></tr></thead>'
            '<tbody>']
    out += ['<tr><td><span class="sev sev-%s">%s</span></td><td class="count">%d</td></tr>'
            % (name, name, summary[name]) for name in SEVERITIES]
    out += ['<tr><th>total</th><th class="count">%d</th></tr>' % summary["total"], "</tbody></table>", "</div>",
            "<h2>Findings</h2>"]
    if not shown:
        out.append("<p>No findings%s.</p>" % ("" if min_rank == len(SEVERITIES) - 1 else
                                              " at this severity or above"))
    for name in SEVERITIES:
        group = [f for f in shown if f["severity"] == name]
        if not group:
            continue
        out += ['<h3 id="%s"><span class="sev sev-%s">%s</span> %d finding%s</h3>'
                % (name, name, name, len(group), "" if len(group) == 1 else "s"),
                '<table class="findings"><colgroup><col style="width:17%"><col style="width:21%">'
                '<col style="width:32%"><col style="width:30%"></colgroup>'
                '<thead><tr><th>ID</th><th>Object</th><th>Finding</th><th>Fix</th></tr></thead><tbody>']
        out += ['<tr class="finding sev-row-%s"><td><code>%s</code></td><td><code>%s</code></td><td>%s</td>'
                '<td>%s</td></tr>' % (name, _h(f.get("id")), _h(f.get("object")), _h(f.get("message")),
                                      _h(f.get("fix"))) for f in group]
        out.append("</tbody></table>")
    out += ["</main>", "</body>", "</html>", ""]
    return "\n".join(out)


def posture_report(data, format="markdown", title="Security posture report", min_severity="info"):
    # pylint: disable=redefined-builtin
    if format not in FORMATS:
        raise AnsibleFilterError("posture_report: format must be markdown or html, got %r" % (format,))
    if min_severity not in SEVERITIES:
        raise AnsibleFilterError("posture_report: min_severity must be one of %s, got %r"
                                 % (", ".join(SEVERITIES), min_severity))
    findings, summary, meta = _normalise(data)
    render = markdown if format == "markdown" else html_page
    return render(findings, summary, meta, str(title), SEVERITIES.index(min_severity))


class FilterModule:
    def filters(self):
        return {"posture_report": posture_report}
