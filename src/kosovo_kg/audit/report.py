"""The audit as a readable text report (`kosovo-kg audit`; `--json` prints the dict instead)."""

from __future__ import annotations

from typing import Any

from kosovo_kg.audit.editions import KINDS, printed

EXPLAIN_LIMIT = 12  # states named per reason in the text report (all of them in --json)
SHORT = {"RecognisingStates": "recognising", "NonRecognisingStates": "not recognising",
         "Withdrawals": "withdrawn", "EverRecognisingStates": "ever recognised"}  # fmt: skip
VIEWS = ("kosovo", "serbia", "article", "all")


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
    out += counts_lines(report["claimed_counts"])
    out += ["", "== Wikipedia editions: latest figures against computed counts =="]
    out += editions_lines(report["wikipedia_latest"])
    return "\n".join(out) + "\n"


def _states(items: list[dict[str, Any]], key: str | None = None) -> str:
    shown = [i["state"] + (f" ({','.join(i[key])})" if key else "") for i in items[:EXPLAIN_LIMIT]]
    more = f" (+{len(items) - EXPLAIN_LIMIT} more)" if len(items) > EXPLAIN_LIMIT else ""
    return " ".join(shown) + more


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _explanation(r: dict[str, Any]) -> list[str]:
    ex, out = r["explanation"], []
    if r.get("as_of_shared_with"):
        others = ", ".join(
            f"{o['value']} ({o['edition']} via {o['carrier']})" for o in r["as_of_shared_with"]
        )
        out.append(f"    as-of date not trusted: also printed with {others}")
    if r.get("members_unknown"):
        out.append(f"    members then unknown: {r['members_unknown']}")
    if ex.get("missing"):
        out.append("    counted elsewhere, not here: " + _states(ex["missing"], "counted_by"))
    if ex.get("contested"):
        out.append(
            "    counted here, not everywhere: " + _states(ex["contested"], "not_counted_by")
        )
    if ex.get("not_un_members"):
        out.append("    counted here, not UN members: " + _states(ex["not_un_members"]))
    if ex["uncertain"]:
        out.append("    possibly, not definitely: " + _states(ex["uncertain"]))
    if ex["unexplained"] > 0:
        out.append(
            f"    {ex['unexplained']} more than any perspective counts: no claim in the graph"
            if r["verdict"] == "above"
            else f"    {ex['unexplained']} fewer, among the others counted here: "
            + _states(ex["others_counted"])
        )
    return out


def counts_lines(rows: list[dict[str, Any]]) -> list[str]:
    """The claimed-vs-computed table as text lines."""
    out = [
        "(days: the claim's date, from its first to its last day; definite..possible: the "
        "claimant's perspective in the claim's scope; within / above / below and by how much; "
        "a range or bound agrees when it overlaps definite..possible)"
    ]
    for r in rows:
        n = _ordinal(r["value"]) if r["kind"] == "ordinal" else printed(r)
        scope = f" of {r['scope'].rsplit('/', 1)[-1]}" if r["scope"] else ""
        who = (r["claimant_label"] or r["claimant"].rsplit("/", 1)[-1])[:60]
        if r.get("edition"):
            who = r["edition"] + (f" via {r['carrier']}" if r.get("carrier") else "")
        diff = f" by {abs(r['difference'])}" if r["difference"] else ""
        date = f"{r['date']}, " if r["date"] else ""
        days = r["from"] if r["from"] == r["to"] else f"{r['from']}..{r['to']}"
        computed = "?" if r["definite"] is None else f"{r['definite']}..{r['possible']}"
        out.append(
            f"{days} {n} {SHORT.get(r['category'], r['category'])}{scope} [{who}; {date}"
            f"{r['dated_by']}] {r['perspective']} {computed}: {r['verdict']}{diff}"
        )
        out += _explanation(r)
    return out


def editions_lines(entries: list[dict[str, Any]]) -> list[str]:
    """Each edition's latest figures next to every perspective's computed count."""
    out = [
        "(states recognising (now) or that ever recognised (ever), among UN members or all "
        "states, at the latest as-of date a stored copy prints (undated: the audit date); "
        "computed: definite..possible per perspective " + "/".join(VIEWS) + ", ? where the "
        "members then are unknown)",
        f"{'edition':22} {'as of':10} {'figure':>8} kind among      computed",
    ]
    for e in entries:
        computed = " ".join(
            "?" if v is None else f"{v[0]}..{v[1]}" for v in (e["computed"].get(n) for n in VIEWS)
        )
        flag = (
            f"  [date also printed with {e['as_of_shared_with']}]" if e["as_of_shared_with"] else ""
        )
        words = f' "{e["words"]}"' if e["value"] is None and e.get("words") else ""
        out.append(
            f"{e['edition']:22} {e['as_of'] or 'undated':10} {e['figure']:>8} "
            f"{KINDS[e['category']]:4} {e['among']:10} {computed}  via "
            f"{', '.join(e['carriers'])}{words}{flag}"
        )
    return out
