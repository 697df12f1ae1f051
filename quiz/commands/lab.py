"""`quiz lab list` and `quiz lab run`: the labs, headless."""

from __future__ import annotations

import argparse
import json
import sys

from quiz.errors import QuizError

HELD = {True: "held", False: "did not hold", None: "inconclusive"}


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("lab", help="list the labs, or run them for real (torch, onnx, onnxruntime)")
    lab_sub = p.add_subparsers(dest="lab_command", metavar="ACTION", required=True)

    lp = lab_sub.add_parser("list", help="the labs, what they check, and their last run")
    lp.add_argument("--deck", help="deck whose claims to show (default: the shipped deck)")
    lp.add_argument("--json", action="store_true")
    lp.set_defaults(func=cmd_list)

    rp = lab_sub.add_parser("run", help="run labs and show what they measured")
    rp.add_argument("ids", nargs="*", metavar="ID", help="lab ids (see `quiz lab list`)")
    rp.add_argument("--all", action="store_true", help="run every lab")
    rp.add_argument(
        "--quick", action="store_true", help="small sizes and few repeats (about 5 s a lab)"
    )
    rp.add_argument("--deck", help="deck whose claims get verdicts (default: the shipped deck)")
    rp.add_argument(
        "--json", action="store_true", help="print the run as JSON (a list when several labs run)"
    )
    rp.set_defaults(func=cmd_run)

    ep = lab_sub.add_parser(
        "export", help="write the recorded lab runs as JSON files (one per run, per lab folder)")
    ep.add_argument("--out", metavar="DIR",
                    help="folder to write into (default: lab-runs/ in the data folder)")
    ep.add_argument("--lab", metavar="ID", help="only this lab's runs")
    ep.set_defaults(func=cmd_export)


def cmd_export(args) -> int:
    """`quiz lab export`: the runs kept in the study database, as the JSON files runs were
    once saved as (``<DIR>/<lab>/<UTC start>.json``)."""
    from quiz.labs_service import export_runs, registry, runs_dir

    if args.lab and args.lab not in registry() and args.lab not in _shipped_ids():
        raise QuizError(f"no lab {args.lab!r} (labs: {', '.join(registry())})")
    out = args.out or runs_dir(args.data_dir)
    paths = export_runs(args.data_dir, out, lab_id=args.lab)
    for p in paths:
        print(p)
    print(f"quiz: lab export: {len(paths)} run(s) written under {out}", file=sys.stderr)
    return 0


def _shipped_ids() -> list[str]:
    import labs

    return list(labs.MODULES)


def cmd_list(args) -> int:
    from quiz.deck.loader import load_deck
    from quiz.labs_service import catalogue, last_run
    from quiz.session.factcheck import outcome

    deck = load_deck(args.deck)
    rows = []
    known, broken = catalogue()
    for lab_id in _order(known, broken):
        if lab_id in broken:  # a module that does not load: one row with its error
            rows.append({"id": lab_id, "error": broken[lab_id]})
            continue
        lab = known[lab_id]
        last = last_run(args.data_dir, lab_id)
        rows.append(
            {
                "id": lab_id,
                "title": dict(lab.title),
                "statements": [{"id": s.id, "text": dict(s.text)} for s in lab.statements],
                # the sizes a quick and a full run measure at (declared on the Lab)
                "params": {"quick": lab.quick.to_json(), "full": lab.full.to_json()},
                "claims": [
                    {"card": c.id, "claim": cl.id, "finding": cl.finding}
                    for c, cl in deck.claims_for_lab(lab_id)
                ],
                "last_run": None
                if last is None
                else {
                    "started": last.get("started"),
                    "status": last.get("status"),
                    "quick": last.get("quick"),
                    "verdicts": [
                        {"card": c["card"], "claim": c["claim"], "verdict": c.get("verdict"),
                         # the verdict in the card's terms: partly / outdated claims keep theirs
                         "outcome": outcome(c.get("deck_verdict"), c.get("held"),
                                            c.get("verdict"))}
                        for c in last.get("claims") or ()
                    ],
                },
            }
        )
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    for r in rows:
        if "error" in r:
            print(f"{r['id']:14} [does not load] {r['error']}")
            continue
        last = r["last_run"]
        when = f"last run {last['started']} ({last['status']})" if last else "never run"
        print(f"{r['id']:14} {r['title']['en']}  [{when}]")
        for s in r["statements"]:
            print(f"    - {s['id']}: {s['text']['en']}")
        if r["params"]["quick"]:
            print(f"    quick: {_params_text(r['params']['quick'])}; "
                  f"full: {_params_text(r['params']['full'])}")
        cards = sorted({c["card"] for c in r["claims"]})
        if cards:
            print(f"    checks {len(r['claims'])} claim(s) on: {', '.join(cards)}")
    return 0


def _params_text(params: dict) -> str:
    return ", ".join(f"{k} {v}" for k, v in params.items())


def _order(known: dict, broken: dict) -> list[str]:
    """The labs' ids, working and broken, in the registry's order."""
    import labs

    ids = [i for i in labs.MODULES if i in known or i in broken]
    return ids + [i for i in known if i not in ids]


def cmd_run(args) -> int:
    from quiz.deck.loader import load_deck
    from quiz.labs_service import registry, run_lab

    known = registry()
    ids = list(known) if args.all else args.ids
    if not ids:
        raise QuizError("name the labs to run (see `quiz lab list`), or pass --all")
    unknown = [i for i in ids if i not in known]
    if unknown:
        raise QuizError(f"no lab {', '.join(map(repr, unknown))} (labs: {', '.join(known)})")
    deck = load_deck(args.deck)
    runs = []
    for lab_id in ids:
        bar = _Bar(lab_id)
        run = run_lab(
            lab_id,
            quick=args.quick,
            progress=bar.update,
            log=bar.log,
            data_dir=args.data_dir,
            deck=deck,
        )
        bar.done()
        runs.append(run)
        if not args.json:
            print(render_run(run))
            if run.get("run_id") is None:
                # Not in the database: the run as JSON is the only copy, so it goes to
                # stdout whole.
                print("   the run, as JSON (copy it before it scrolls away):")
                print(json.dumps(run, ensure_ascii=False, indent=2, default=str))
    if args.json:
        print(
            json.dumps(
                runs[0] if len(runs) == 1 else runs, ensure_ascii=False, indent=2, default=str
            )
        )
    unsaved = [r["lab"] for r in runs if r.get("run_id") is None]
    if unsaved:
        print(f"quiz: lab run: {', '.join(unsaved)} not saved (see the warnings above); "
              "free some space in the data folder and run again", file=sys.stderr)
    return 0 if all(r["status"] == "ok" for r in runs) and not unsaved else 1


def render_run(run: dict) -> str:
    mode = "quick" if run["quick"] else "full"
    out = [
        f"== {run['lab']}: {run['title']['en']} ({mode} mode, {run['duration_s']:.1f} s): "
        f"{run['status']}"
    ]
    if run.get("error"):
        out.append(f"   {run['error']}")
    for f in run["findings"]:
        out.append(f"   [{HELD[f.get('held')]:>12}] {f['id']}: {f.get('summary', '')}")
    from quiz.session.factcheck import outcome, outcome_text

    for c in run["claims"]:
        said = outcome_text(outcome(c.get("deck_verdict"), c.get("held"), c.get("verdict")), "en")
        out.append(f"   claim {c['card']}/{c['claim']} (deck: {c['deck_verdict']}): {said}")
    env = run.get("env", {})
    libs = ", ".join(
        f"{k} {env[k]}"
        for k in ("torch", "onnx", "onnxruntime", "executorch", "litert-torch")
        if env.get(k)
    )
    if libs:
        out.append(f"   env: {libs}; threads {env.get('threads', '?')}; {env.get('cpu', '')}")
    for w in run.get("warnings") or ():
        out.append(f"   warning: {w}")
    if run.get("run_id") is None:
        out.append("   saved: NOT SAVED")
    else:
        out.append(f"   saved: run {run['run_id']} in the study database"
                   + (f"; exported to {run['path']}" if run.get("path") else ""))
    return "\n".join(out)


class _Bar:
    """A progress bar on a terminal; plain lines when stderr is not one (CI, pipes)."""

    def __init__(self, lab_id: str):
        self.lab_id = lab_id
        self.tty = sys.stderr.isatty()
        self.last = ""

    def update(self, fraction: float, message: str) -> None:
        if self.tty:
            filled = int(fraction * 24)
            bar = "#" * filled + "." * (24 - filled)
            line = f"\r{self.lab_id:14} [{bar}] {fraction:4.0%} {message}"
            sys.stderr.write(line[:120].ljust(120))
            sys.stderr.flush()
        elif message != self.last:
            print(f"{self.lab_id}: {fraction:4.0%} {message}", file=sys.stderr)
        self.last = message

    def log(self, line: str) -> None:
        if self.tty:
            sys.stderr.write("\r" + " " * 120 + "\r")
        print(f"{self.lab_id}: {line}", file=sys.stderr)

    def done(self) -> None:
        if self.tty:
            sys.stderr.write("\r" + " " * 120 + "\r")
            sys.stderr.flush()
