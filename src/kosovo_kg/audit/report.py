"""The audit as a readable text report (`kosovo-kg audit`; `--json` prints the dict instead)."""

from __future__ import annotations

from typing import Any

from kosovo_kg.audit.counts import render_lines
from kosovo_kg.audit.editions import render_lines as editions_lines


def _short(iri: str | None) -> str:
    return (iri or "").rsplit("/", 1)[-1]


def _claim(c: dict[str, Any]) -> str:
    who = c.get("claimant_label") or _short(c["claimant"])
    side = f" [{c['claimant_side']}]" if c.get("claimant_side") else ""
    when = f" date {c['stated_date']}" if c.get("stated_date") else ""
    made = f" said {c['claim_made_on']}" if c.get("claim_made_on") else ""
    char = f' calls it "{c["characterisation"]}"' if c.get("characterisation") else ""
    lines = [f"    - {who}{side}{when}{made}{char}"]
    for ev in c.get("evidence", [])[:3]:
        where = ev.get("url") or _short(ev["document"])
        if ev.get("row"):
            where += f" row {ev['row']}"
        elif ev.get("line"):
            where += f" line {ev['line']}"
        quote = f' "{ev["quote"][:110]}"' if ev.get("quote") else ""
        lines.append(f"        {where}{quote}")
    if len(c.get("evidence", [])) > 3:
        lines.append(f"        (+{len(c['evidence']) - 3} more pieces of evidence)")
    return "\n".join(lines)


def render(report: dict[str, Any]) -> str:
    out: list[str] = [f"kosovo-kg audit as of {report['date']}", ""]
    cov = report["coverage"]
    spe = cov["sources_per_event"]
    out += [
        "== Coverage ==",
        f"events (recognitions, resumptions, withdrawals, annulments, invalidations): "
        f"{cov['events']}",
        f"  with a stated date: {cov['events_with_stated_date']} "
        f"({cov['share_with_stated_date']:.1%}); derived date only: "
        f"{cov['events_with_derived_date_only']}; undated: {cov['events_undated']}",
        f"  sources (documents) per event: min {spe['min']}, median {spe['median']}, "
        f"mean {spe['mean']}, max {spe['max']}; histogram {spe['histogram']}",
        f"claims about these events: {cov['claims']} ({cov['claims_with_quote']} with a quote)",
    ]
    for kind, counts in cov["by_kind"].items():
        out.append(f"  {kind}: {counts}")
    out += ["", "== Perspective counts (definitely / possibly recognising) =="]
    for c in report["perspective_counts"]:
        only = c["possibly_only_states"]
        out.append(
            f"{c['date']} {c['perspective']:8} {c['definitely']:4} / {c['possibly']:<4}"
            + (f" possibly also: {' '.join(only)}" if only else "")
        )
    out += ["", f"== Contradictions ({len(report['contradictions'])}) =="]
    for item in report["contradictions"]:
        out.append(f"{item['state']} {item['kind']} <{_short(item['event'])}>")
        out.append("  affirmed by:")
        out += [_claim(c) for c in item["affirmed_by"]]
        out.append("  denied by:")
        out += [_claim(c) for c in item["denied_by"]]
    out += ["", f"== Date conflicts between sources ({len(report['date_conflicts'])}) =="]
    for item in report["date_conflicts"]:
        out.append(f"{item['state']} {item['kind']} <{_short(item['event'])}>")
        for d in item["dates"]:
            who = sorted({c.get("claimant_label") or _short(c["claimant"]) for c in d["claims"]})
            out.append(f"  {'/'.join(d['stated'])}: {'; '.join(w[:60] for w in who)}")
    out += ["", f"== Facts resting on a single source ({len(report['single_source'])}) =="]
    for item in report["single_source"]:
        who = sorted({c.get("claimant_label") or "" for c in item["claims"]})
        out.append(
            f"{item['state']} {item['kind']} <{_short(item['event'])}>: "
            f"{_short(item['document'])} ({'; '.join(who)})"
        )
    out += ["", f"== Events whose only date is derived ({len(report['derived_only_dates'])}) =="]
    for item in report["derived_only_dates"]:
        for d in item["derived"]:
            out.append(
                f"{item['state']} {item['kind']}: {d['earliest']}..{d['latest']} derived from "
                + ", ".join(_short(f) for f in d["derived_from"])
            )
    hedged = report.get("hedged", [])
    out += ["", f"== Hedged claims: not asserted as fact ({len(hedged)}) =="]
    for h in hedged:
        what = (
            h["state"]
            or _short(h["about"])
            or (f"count {h['claimed_value']}" if h["claimed_value"] is not None else "position")
        )
        who = h["claimant_label"] or _short(h["claimant"])
        out.append(f"{h['modality']:12} {what} ({who}) {h['url'] or _short(h['document'])}")
        out += [f'    "{q[:150]}"' for q in h["quotes"]]
    out += ["", "== The article's figures against its rows and each perspective =="]
    out.append("(+X: counted by the perspective but not in the article's rows; -X: the reverse)")
    explained: set[tuple[str | None, str | None]] = set()
    for f in report["figures"]:
        scope = f" of {_short(f['scope'])}" if f["scope"] else ""
        of = f"/{f['out_of']}" if f["out_of"] else ""
        approx = "~" if f["approximate"] else ""
        views = "  ".join(
            f"{k} {v['definitely']}"
            + (f"-{v['possibly']}" if v["possibly"] != v["definitely"] else "")
            for k, v in f["perspectives"].items()
        )
        out.append(
            f"{approx}{f['value']}{of} {f['category']}{scope} (claimed by "
            f"{f['claimant_label'] or _short(f['claimant'])}): article rows "
            f"{f['rows']['count']}; {views}"
        )
        if (f["scope"], f["category"]) in explained:
            continue
        explained.add((f["scope"], f["category"]))
        for name, v in f["perspectives"].items():
            for d in v["differs_from_rows"]:
                mark = "+" if d["counted"] else "-"
                out.append(
                    f"    {name:8} {mark}{d['state']} ({d['status']}): " + "; ".join(d["why"][:3])
                )
    out += ["", f"== Claimed counts against computed ones ({len(report['claimed_counts'])}) =="]
    out += render_lines(report["claimed_counts"])
    out += ["", "== Wikipedia editions: latest figures against computed counts =="]
    out += editions_lines(report["wikipedia_latest"])
    return "\n".join(out) + "\n"
