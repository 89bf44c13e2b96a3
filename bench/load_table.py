"""Print the "load" figures of bench/results.json as Markdown tables (for bench/README.md and README.md)."""

import json
import sys
from pathlib import Path

results = json.loads((Path(__file__).resolve().parent / "results.json").read_text())["load"]
pages = results["pages"]
users = sorted({int(u) for by_page in pages.values() for p in by_page.values() for u in p if u.isdigit()})
print(f"Run {results['date']}, machine: {json.dumps(results['machine'])}\n")
print("| data | page | " + " | ".join(f"{u} users p50 / p95 ms" for u in users) + " |")
print("|---|---|" + "---|" * len(users))
for name, by_page in pages.items():
    for page, figures in by_page.items():
        cells = " | ".join(
            f"{figures[str(u)]['p50_ms']:.0f} / {figures[str(u)]['p95_ms']:.0f}" if str(u) in figures else "-"
            for u in users
        )
        print(f"| {name} | {page} | {cells} |")
mixed = results.get("mixed")
if mixed:
    print(
        f"\nMixed: {mixed['users']} users for {mixed['seconds']:.0f} s: {mixed['requests']} requests, "
        f"p50 {mixed['p50_ms']} ms, p95 {mixed['p95_ms']} ms, saves acknowledged {mixed['saves_acknowledged']}, "
        f"in the database {mixed['saves_in_database']}, lost {mixed['lost_writes']}, errors {mixed['errors']}"
    )
print("\nImport:", results.get("import") or "not measured (bench/import_bench.py not present)")
print("Checks:", json.dumps(results.get("checks")))
sys.exit(0)
