"""The table printed at the end, the goals of issue 8 and where the run stands against them."""

from __future__ import annotations

from typing import Any


def table(results: dict[str, Any]) -> str:
    lines = [f"{'db':<10} {'persons':>9} {'w':>2} {'case':<19} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} "
             f"{'err':>4} {'x floor':>8} {'cpu ms':>7} {'x cpu':>6} {'wrk cpu':>8}  note"]
    for row in results["http"]:
        if "skipped" in row:
            lines.append(f"{row['db']:<10} {row['persons']:>9,} {row['workers']:>2} {row['case']:<19} "
                         f"{'-':>8} {'-':>8} {'-':>8} {'-':>4} {'-':>8} {'-':>7} {'-':>6} {'-':>8}  "
                         f"skipped: {row['skipped']}")
            continue
        ratio = f"{row['x_floor']:.2f}" if row.get("x_floor") else "-"
        cpu = f"{row['wrk_cpu_s'] / row['seconds']:.0%}" if row.get("seconds") else "-"
        spent = f"{row['cpu_ms']:.2f}" if row.get("cpu_ms") else "-"
        cpu_ratio = f"{row['x_floor_cpu']:.2f}" if row.get("x_floor_cpu") else "-"
        lines.append(f"{row['db']:<10} {row['persons']:>9,} {row['workers']:>2} {row['case']:<19} "
                     f"{row['req_per_s']:>8.1f} {row['p50_ms']:>8.2f} {row['p99_ms']:>8.2f} {row['errors']:>4} "
                     f"{ratio:>8} {spent:>7} {cpu_ratio:>6} {cpu:>8}  {row.get('path', '')}{_rounds(row)}")
    for db, found in results.get("ingestion", {}).items():
        if "ingest" in found:
            ingest, rebuild = found["ingest"], found["rebuild"]
            lines.append(f"ingestion {db}: {ingest['resources']:,} resources in {ingest['seconds']} s = "
                         f"{ingest['resources_per_s']:,}/s{_cpu(ingest)}, peak {ingest['peak_mib']} MiB"
                         f"{_input(ingest)}; rebuild "
                         f"{rebuild['replayed']:,} in {rebuild['seconds']} s = {rebuild['seconds_per_million']} s "
                         f"per million{_cpu(rebuild)}, peak {rebuild['peak_mib']} MiB")
    for name, page in results.get("pages", {}).items():
        lines.append(f"page {name}: {page}")
    return "\n".join(lines)


def _rounds(row: dict[str, Any]) -> str:
    if not row.get("rounds"):
        return ""
    return "  (req/s by round: " + ", ".join(f"{run['req_per_s']:.0f}" for run in row["rounds"]) + ")"


def _input(ingest: dict[str, Any]) -> str:
    return f" (of which the generated input {ingest['input_mib']} MiB)" if "input_mib" in ingest else ""


def goals(results: dict[str, Any]) -> list[dict[str, Any]]:
    http = [row for row in results["http"] if "skipped" not in row]
    found: list[dict[str, Any]] = []
    journal = [r for r in http if r["case"] == "api_journal" and r["db"] == "postgresql" and r["persons"] == 100_000
               and r["workers"] == 4]
    found.append(_goal("journal API, 100k, PostgreSQL, 4 workers: >= 500 req/s, p99 <= 50 ms", journal,
                       lambda r: r["req_per_s"] >= 500 and r["p99_ms"] <= 50,
                       lambda r: f"{r['req_per_s']} req/s, p99 {r['p99_ms']} ms"))
    api = [r for r in http if r["case"].startswith("api_") and r.get("x_floor")]
    worst = max(api, key=lambda r: r["x_floor"], default=None)
    found.append(_goal("every API case within 2.5x the floor", [worst] if worst else [],
                       lambda r: r["x_floor"] <= 2.5,
                       lambda r: f"worst {r['x_floor']:.2f}x ({r['case']}, {r['db']}, {r['persons']:,}, "
                                 f"{r['workers']} workers)"))
    found.append(_scale_goal(http, results.get("scale")))
    ingestion = results.get("ingestion", {}).get("postgresql", {})
    found.append(_goal("ingestion >= 10,000 resources/s into PostgreSQL", [ingestion] if "ingest" in ingestion else [],
                       lambda r: r["ingest"]["resources_per_s"] >= 10_000,
                       lambda r: f"{r['ingest']['resources_per_s']:,}/s"))
    rebuilds = [v for v in results.get("ingestion", {}).values() if "rebuild" in v]
    found.append(_goal("rebuild <= 120 s per million resources", rebuilds,
                       lambda r: r["rebuild"]["seconds_per_million"] <= 120,
                       lambda r: f"{r['rebuild']['seconds_per_million']} s per million"))
    pages = results.get("pages", {})
    scored = [p for p in pages.values() if "performance" in p]
    found.append(_goal("Lighthouse mobile performance and accessibility 100", scored,
                       lambda p: p["performance"] == 100 and p["accessibility"] == 100,
                       lambda p: f"{p['path']}: performance {p['performance']}, accessibility {p['accessibility']}"))
    journal_page = [p for name, p in pages.items() if name == "journal" and "bytes" in p]
    found.append(_goal("journal page <= 50 KB compressed in <= 5 requests", journal_page,
                       lambda p: p["bytes"] <= 50_000 and p["requests"] <= 5,
                       lambda p: f"{p['bytes']:,} bytes, {p['requests']} requests"))
    return found


def _goal(name: str, rows: list, met, describe) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    if not rows:
        return {"goal": name, "status": "not measured"}
    return {"goal": name, "status": "met" if all(met(r) for r in rows) else "not met",
            "measured": "; ".join(describe(r) for r in rows)}


def _scale_goal(http: list[dict[str, Any]], side_by_side: dict[str, Any] | None) -> dict[str, Any]:
    name = "p50 at 1,000,000 persons <= 1.2x p50 at 10,000"
    measured = [row for row in (side_by_side or {}).get("cases", []) if "ratio" in row]
    if measured:  # the sizes measured in alternation (bench/scale.py): what the goal is judged on
        worst_case = max(measured, key=lambda row: row["ratio"])
        return {"goal": name, "status": "met" if worst_case["ratio"] <= 1.2 else "not met",
                "measured": f"worst {worst_case['ratio']:.2f}x ({worst_case['case']}, medians of "
                            f"{side_by_side['rounds']} alternating rounds)"}  # type: ignore[index]
    pairs = []
    # The portal's own cases: the floor is the yardstick, not what the goal is about.
    for big in (r for r in http if r["persons"] == 1_000_000 and not r["case"].startswith("floor")):
        small = next((r for r in http if r["persons"] == 10_000 and r["case"] == big["case"]
                      and r["db"] == big["db"] and r["workers"] == big["workers"]), None)
        if small:
            pairs.append((big, small))
    if not pairs:
        return {"goal": name, "status": "not measured (run with --million)"}
    worst = max(pairs, key=lambda pair: pair[0]["p50_ms"] / pair[1]["p50_ms"])
    ratio = worst[0]["p50_ms"] / worst[1]["p50_ms"]
    return {"goal": name, "status": "met" if ratio <= 1.2 else "not met",
            "measured": f"worst {ratio:.2f}x ({worst[0]['case']}, {worst[0]['db']})"}


def machine(run: dict[str, Any]) -> str:
    reference = run.get("reference_ms") or {}
    return (f"machine: the reference work (bench/reference.py) took {reference.get('start', '-')} ms at the start and "
            f"{reference.get('end', '-')} ms at the end; more ms, a slower machine for portal and floor alike")


def print_goals(found: list[dict[str, Any]]) -> str:
    return "\n".join(f"[{g['status']}] {g['goal']}" + (f": {g['measured']}" if g.get("measured") else "")
                     for g in found)


def _cpu(step: dict) -> str:
    """CPU µs per resource, client + database, when the run measured it."""
    if "cpu_us" not in step:
        return ""
    return f" ({step['cpu_us']} + {step['db_cpu_us']} µs CPU per resource)"
