"""The ``policytag`` command line: tag, batch, train, evaluate, plugins, bot, feedback.

Exit codes: 0 ok, 1 some sources failed (the rest still printed), 2 usage or input
error. Errors are one line on stderr; ``--debug`` shows the traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from . import __version__
from .errors import PolicytagError, one_line

OK, SOME_FAILED, USAGE = 0, 1, 2
DESCRIPTION = """\
Tag foreign-policy writing with its region, topics and stance, and pull out a
summary and the author's recommendations."""
EPILOG = """exit status: 0 ok; 1 some sources or lines failed (the others are still written);
2 a usage or input error. Errors are one line on stderr; --debug shows the traceback.
Settings are environment variables (POLICYTAG_MODELS, POLICYTAG_LOAD_PLUGINS, ...):
see the README's "Settings". "policytag COMMAND --help" describes each command."""


def _say(message: str) -> None:
    """An error, a warning or what a long command is doing: one line on stderr, so the
    results on stdout stay clean."""
    print(f"policytag: {message}", file=sys.stderr, flush=True)


def cmd_tag(args) -> int:
    from .render import render_result
    from .schema import ErrorReport, Result
    from .sources import read_source
    from .tagger import Tagger

    tagger = Tagger(summarize=not args.no_summary)
    # Plugins that failed to load, and switches naming no plugin, are said once here
    # rather than under every result (the JSON results still list them).
    warned = list(tagger.registry.errors)
    for error in warned:
        _say(f"warning: {error.plugin}: {error.message}")
    status = OK
    for source in args.sources:
        name = "standard input" if source == "-" else source
        try:
            result = tagger.tag(read_source(source))
            result.source = result.source or source
        except PolicytagError as exc:
            _say(f"{name}: {exc}")
            status = SOME_FAILED
            result = Result(source=source, errors=[ErrorReport(plugin="policytag", message=str(exc))])
            if not args.json:
                continue
        else:
            if not result.tags:  # nothing could tag it: a failure, whatever else came back
                reason = next((e.message for e in result.errors if e not in warned), "no classifier is loaded")
                _say(f"{name}: no tags: {reason}")
                status = SOME_FAILED
                if not args.json:
                    continue
        if args.json:
            print(result.model_dump_json(exclude_none=False), flush=True)
        else:
            shown = result.model_copy(update={"errors": [e for e in result.errors if e not in warned]})
            print(render_result(shown) + "\n", flush=True)
    return status


def cmd_batch(args) -> int:
    from .batch import run_batch

    return run_batch(args.input, args.output, summarize=not args.no_summary, jobs=args.jobs, scheduler=args.scheduler,
                     resume=args.resume)


def default_models_dir() -> Path:
    """Where ``policytag train`` writes without ``--out``: the user's data folder, never
    the installed package (which may be shared, read-only, or replaced by the next install)."""
    from platformdirs import user_data_dir

    return Path(user_data_dir("policytag")) / "models"


def cmd_train(args) -> int:
    from policytag.plugins.artifacts import shipped_seeds_dir
    from policytag.plugins.training import FOLDS, train

    from .labelled import load_seeds

    where = Path(args.seeds) if args.seeds else shipped_seeds_dir()
    seeds = load_seeds(where)
    if args.with_feedback:
        from policytag.bot.storage import feedback_seeds, with_feedback

        feedback = feedback_seeds()
        seeds = with_feedback(seeds, feedback)
        print(f"using {len(feedback)} feedback passages from the Slack bot (they win over seeds with the same text)")
    out = Path(args.out) if args.out else default_models_dir()
    _say(f"training on {len(seeds)} passages from {where}: {FOLDS}-fold cross-validation to calibrate the scores "
         "and choose thresholds, then the final models")
    started = time.perf_counter()
    store = train(seeds, out)
    took = time.perf_counter() - started
    print(f"trained on {len(seeds)} passages in {took:.1f} s; models written to {out}")
    for dimension, figures in store.manifest["cross_validation"]["metrics"].items():
        shown = ", ".join(f"{k} {v}" for k, v in figures.items() if k != "passages")
        print(f"  {dimension:<7} cross-validated: {shown}")
    print(f"tag with them: POLICYTAG_MODELS={out} policytag tag ...")
    return OK


def cmd_evaluate(args) -> int:
    from .labelled import load_seeds, seeds_hash

    if args.labelled:
        from policytag.plugins.artifacts import bundled_store

        from .evaluation import evaluate_labelled
        from .tagger import Tagger

        seeds = load_seeds(Path(args.labelled))
        _say(f"tagging the {len(seeds)} labelled passages in {args.labelled}")
        scores, sentence_scores = evaluate_labelled(Tagger(), seeds)
        title = f"policytag on {args.labelled} ({len(seeds)} passages)"
        models = _models_described(bundled_store())
    else:
        from policytag.plugins.artifacts import shipped_seeds_dir
        from policytag.plugins.training import FOLDS, SHIPPED, cross_validate

        seeds = load_seeds(shipped_seeds_dir())
        _say(f"cross-validating on the shipped seeds: {len(seeds)} passages, {FOLDS} folds (training {FOLDS} times)")
        scores, sentence_scores = cross_validate(seeds), []
        title = f"{FOLDS}-fold cross-validation on the shipped seeds ({len(seeds)} passages)"
        models = {"models": f"trained fold by fold from the shipped seeds ({SHIPPED.name})",
                  "model version (seeds sha256)": seeds_hash(seeds)}
    print(title)
    for score in [*scores.values(), *sentence_scores]:
        print(score.render() + "\n")
    if args.report:
        from .report import write_report

        print(f"report written to {write_report(Path(args.report), title, scores, models, sentence_scores)}")
    return OK


def _models_described(store) -> dict[str, str]:
    """Which models were evaluated: their folder, the hash of the seeds they were trained
    on (their version) and how they were built, as the manifest records them."""
    from .errors import ModelError

    try:
        manifest = store.manifest
    except ModelError as exc:
        return {"models": f"{store.directory} ({exc})"}
    return {"models": str(store.directory), "model version (seeds sha256)": manifest.get("seeds_sha256", "not recorded"),
            "design": manifest.get("design", "not recorded"),
            "built with": ", ".join(f"{k} {v}" for k, v in manifest.get("versions", {}).items())}


def cmd_plugins(args) -> int:
    from .plugin_manager import collect, get_plugin_manager

    pm = get_plugin_manager()
    registry = collect(pm)
    rows = []
    for name, plugin in pm.list_name_plugin():
        if plugin is None:  # blocked by POLICYTAG_DISABLE_PLUGINS
            continue
        hooks = sorted(impl.name for impl in pm.get_hookcallers(plugin) or [])
        rows.append({
            "name": name,
            "distribution": pm.distributions.get(name),
            "hooks": hooks,
            "classifiers": [
                {"name": c.name, "labels": list(c.labels), "multi_label": c.multi_label, "version": c.version}
                for c in registry.classifiers.values() if registry.owner(c) == name
            ],
            "featurizers": [f.name for f in registry.featurizers.values() if registry.owner(f) == name],
        })
    errors = [e.model_dump() for e in registry.errors]
    if args.json:
        print(json.dumps({"plugins": rows, "errors": errors}, indent=2))
        return OK
    for row in rows:
        print(f"{row['name']}  ({row['distribution'] or 'built in'})  hooks: {', '.join(row['hooks'])}")
        for c in row["classifiers"]:
            kind = "multi-label" if c["multi_label"] else "single-label"
            print(f"    classifier {c['name']} v{c['version']} ({kind}): {', '.join(c['labels'])}")
        for f in row["featurizers"]:
            print(f"    featurizer {f}")
    for e in errors:
        print(f"error: {e['plugin']}: {e['message']}")
    return OK


def cmd_bot(args) -> int:
    from policytag.bot.run import main as run_bot

    return run_bot(http=args.http, console=args.console, host=args.host, port=args.port)


def cmd_feedback_export(args) -> int:
    from policytag.bot.storage import export_feedback

    if not args.output:
        count = export_feedback(sys.stdout)
    else:
        with open(args.output, "w", encoding="utf-8") as handle:
            count = export_feedback(handle)
    print(f"exported {count} feedback passages", file=sys.stderr)
    return OK


def _positive(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got {value!r}")
    return int(value)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="policytag", description=DESCRIPTION, epilog=EPILOG,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"policytag {__version__}")
    parser.add_argument("--debug", action="store_true", help="show the traceback of an error instead of one line")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("tag", help="tag text or PDF files, standard input (-) or URLs",
                       description="Tag each SOURCE and print its region, topics, stance, summary and recommendations.")
    p.add_argument("sources", nargs="+", metavar="SOURCE",
                   help="a text or PDF file, - for standard input, or an http(s) URL to fetch "
                        "(texts of fewer than 10 words are refused as too short)")
    p.add_argument("--json", action="store_true", help="one JSON object per source (JSON Lines), failures included")
    p.add_argument("--no-summary", action="store_true", help="tags only: skip the summary and the recommendations")
    p.set_defaults(func=cmd_tag)

    p = sub.add_parser("batch", help="tag a JSONL or Parquet file of {id, text} or {id, url} lines",
                       description="Tag every line of INPUT: one JSON result per line, in input order; a bad line "
                                   "gets an error object and the rest go on. A file given with -o is written "
                                   "beside it as OUT.partial and put in place only when every line is in.")
    p.add_argument("input", help="JSONL input, - for standard input, or a .parquet file")
    p.add_argument("-o", "--output", metavar="OUT", help="JSONL output file (default: standard output)")
    p.add_argument("--resume", action="store_true",
                   help="keep the finished lines of an interrupted run into OUT (OUT.partial) and tag only the rest")
    p.add_argument("--no-summary", action="store_true", help="tags only: skip the summary and the recommendations")
    p.add_argument("--jobs", type=_positive, default=1, metavar="N", help="tag on N local processes (default 1)")
    p.add_argument("--scheduler", metavar="ADDRESS", help="tag on a Dask cluster, e.g. tcp://host:8786")
    p.set_defaults(func=cmd_batch)

    p = sub.add_parser("train", help="train the bundled classifiers' models from seeds",
                       description="Train the models from labelled seeds, deterministically, and write them with "
                                   "their manifest. Tag with them by pointing POLICYTAG_MODELS at the folder.")
    p.add_argument("--seeds", metavar="DIR", help="seed folder or JSONL file (default: the shipped seeds)")
    p.add_argument("--out", metavar="DIR",
                   help=f"output folder (default: {default_models_dir()}; never the installed package)")
    p.add_argument("--with-feedback", action="store_true", help="add the Slack bot's stored feedback (POLICYTAG_DB) as seeds")
    p.set_defaults(func=cmd_train)

    p = sub.add_parser("evaluate", help="score the models: cross-validation, or against labelled JSONL",
                       description="Per-label precision, recall and F1, averages and confusion matrices.")
    p.add_argument("labelled", nargs="?", metavar="LABELLED",
                   help="labelled JSONL file or folder, in the seeds' format (default: cross-validate the shipped seeds)")
    p.add_argument("--report", metavar="DIR", help="also write an HTML report with confusion-matrix plots into DIR")
    p.set_defaults(func=cmd_evaluate)

    p = sub.add_parser("plugins", help="list loaded plugins, their classifiers and load errors")
    p.add_argument("--json", action="store_true", help="print the listing as one JSON object")
    p.set_defaults(func=cmd_plugins)

    p = sub.add_parser("bot", help="run the Slack bot (Socket Mode, --http, or --console to try it)")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--http", action="store_true", help="serve /slack/events over HTTP instead of Socket Mode")
    mode.add_argument("--console", action="store_true", help="chat with the bot in this terminal, no Slack needed")
    p.add_argument("--port", type=int, default=3000, help="HTTP port (default 3000; 0 picks a free one)")
    p.add_argument("--host", default="127.0.0.1", help="HTTP address to bind (default 127.0.0.1)")
    p.set_defaults(func=cmd_bot)

    p = sub.add_parser("feedback", help="export the feedback people gave the Slack bot")
    feedback = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    p = feedback.add_parser("export", help="write the feedback as seeds JSONL")
    p.add_argument("-o", "--output", metavar="FILE", help="output file (default: standard output)")
    p.set_defaults(func=cmd_feedback_export)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except PolicytagError as exc:
        if args.debug:
            raise
        _say(str(exc))
        return USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return OK
    except Exception as exc:  # a bug, or a library's surprise: still one line
        if args.debug:
            raise
        _say(f"unexpected error: {one_line(exc)} (--debug shows the traceback)")
        return SOME_FAILED


if __name__ == "__main__":
    sys.exit(main())
