"""The command line as a user meets it: output formats, exit codes, one-line errors."""

from __future__ import annotations

import argparse
import json
import re

from .conftest import REPO, SAMPLE_ARTICLE, run_cli

TEXT = "Kenya's parliament approved sending police to Haiti despite a court challenge, officials said."


def test_tag_json_for_the_seed_page(seed_page):
    done = run_cli("tag", str(seed_page), "--json")
    assert done.returncode == 0, done.stderr
    [line] = done.stdout.splitlines()
    result = json.loads(line)
    assert result["source"] == seed_page.name
    assert result["tags"]["region"][0]["label"] == "asia-pacific"
    assert result["tags"]["stance"][0]["label"] == "restraint"
    assert len(result["tags"]["stance"]) == 1
    assert result["errors"] == []
    recommendations = " ".join(r["text"] for r in result["recommendations"])
    assert "must resist calls to frame" in recommendations
    assert "resuscitate ideas from the 2017" in recommendations
    assert "Saudi" not in recommendations and "Subscribe" not in recommendations


def test_tag_human_output_and_stdin():
    done = run_cli("tag", "-", input=TEXT)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("-\n") or "region" in done.stdout
    assert "  region   " in done.stdout and "  stance   " in done.stdout


def test_several_sources_give_json_lines_and_failures_exit_1(tmp_path):
    good = tmp_path / "a.txt"
    good.write_text(TEXT)
    binary = tmp_path / "b.bin"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    done = run_cli("tag", str(good), str(tmp_path / "missing.txt"), str(binary), "--json")
    assert done.returncode == 1
    lines = [json.loads(x) for x in done.stdout.splitlines()]
    assert [x["source"] for x in lines] == ["a.txt", str(tmp_path / "missing.txt"), str(binary)]
    assert lines[0]["tags"]["region"]
    assert "no such file" in lines[1]["errors"][0]["message"]
    assert "binary" in lines[2]["errors"][0]["message"]
    errors = done.stderr.strip().splitlines()
    assert len(errors) == 2 and all(e.startswith("policytag: ") for e in errors)
    assert "Traceback" not in done.stderr


def test_usage_errors_exit_2():
    assert run_cli("tag").returncode == 2
    assert run_cli("frobnicate").returncode == 2
    done = run_cli("batch", "/nonexistent/input.jsonl")
    assert done.returncode == 2 and done.stderr.count("\n") == 1


def test_batch_keeps_order_and_survives_bad_lines(tmp_path):
    lines = [
        json.dumps({"id": "a", "text": TEXT}),
        "{not json",
        json.dumps({"id": "c", "nothing": 1}),
        json.dumps({"id": "d", "text": ""}),
        json.dumps({"id": 5, "text": "Moscow and Kyiv swapped prisoners under a deal brokered by the UAE."}),
        '{"id": "truncated", "text": "cut off he',
    ]
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(lines))
    out = tmp_path / "out.jsonl"
    done = run_cli("batch", str(source), "-o", str(out), "--no-summary")
    assert done.returncode == 1
    results = [json.loads(x) for x in out.read_text().splitlines()]
    assert [r["id"] for r in results] == ["a", 2, "c", "d", 5, 6]
    assert results[0]["tags"]["region"] and results[4]["tags"]["region"][0]["label"] == "europe"
    assert "not valid JSON" in results[1]["errors"][0]["message"]
    assert "needs a \"text\" or \"url\"" in results[2]["errors"][0]["message"]
    assert "empty text" in results[3]["errors"][0]["message"]
    assert "not valid JSON" in results[5]["errors"][0]["message"]


def test_plugins_lists_the_bundled_classifiers():
    done = run_cli("plugins", "--json")
    listing = json.loads(done.stdout)
    classifiers = {c["name"]: c for p in listing["plugins"] for c in p["classifiers"]}
    assert set(classifiers) >= {"topic", "stance", "region"}
    assert classifiers["stance"]["labels"] == ["restraint", "hawkish", "neutral"]
    assert classifiers["region"]["multi_label"] is True
    human = run_cli("plugins").stdout
    assert "classifier region" in human and "featurizer words" in human


def test_broken_plugin_switched_off_and_reported(tmp_path):
    done = run_cli("tag", "-", "--json", "--no-summary", input=TEXT, env={"POLICYTAG_DISABLE_PLUGINS": "topic"})
    result = json.loads(done.stdout)
    assert "topic" not in result["tags"] and result["tags"]["region"]


def test_sample_article_in_examples_tags():
    done = run_cli("tag", str(SAMPLE_ARTICLE))
    assert done.returncode == 0, done.stderr
    assert "region" in done.stdout


def test_evaluate_on_a_labelled_file_writes_a_report(tmp_path):
    report = tmp_path / "report"
    done = run_cli("evaluate", str(REPO / "seeds" / "dev"), "--report", str(report))
    assert done.returncode == 0, done.stderr
    assert "== region" in done.stdout and "micro-F1" in done.stdout and "confusion" in done.stdout
    assert re.fullmatch(rf"policytag: tagging the \d+ labelled passages in {re.escape(str(REPO / 'seeds' / 'dev'))}\n", done.stderr)
    assert "== recommendations" in done.stdout and "== summary" in done.stdout  # seeds/dev has sentence marks
    html = (report / "index.html").read_text()
    assert "confusion-stance.png" in html and (report / "confusion-stance.png").stat().st_size > 1000


def test_the_report_explains_itself_and_names_the_models_and_date(tmp_path):
    """Readable without the README: definitions, why support and the matrix differ,
    which models (their version is the hash of the seeds they were trained on) and when."""
    from policytag.report import write_report
    from policytag.evaluation import score_dimension

    gold = [["diplomacy", "trade-economy"], ["trade-economy"], ["military", "diplomacy"]]
    predicted = [["diplomacy"], ["diplomacy"], ["military"]]
    score = score_dimension("topic", gold, predicted)
    index = write_report(tmp_path, "a title", {"topic": score}, {"model version (seeds sha256)": "abc123"})
    html = index.read_text()
    for term in ("precision", "recall", "F1", "support", "micro-F1", "macro-F1", "top-1 accuracy", "confusion matrix"):
        assert f"<dt>{term}</dt>" in html
    assert "counts <em>every</em> gold label" in html and "<em>first labels only</em>" in html
    assert "<th>model version (seeds sha256)</th><td>abc123</td>" in html
    assert re.search(r"<th>evaluated</th><td>\d{4}-\d\d-\d\d \d\d:\d\d UTC</td>", html)
    # diplomacy: support 2 (every gold label) but one passage has it first: its matrix row holds 1.
    assert "<tr><td>diplomacy</td><td>0.500</td><td>0.500</td><td>0.500</td><td>2</td><td>1</td></tr>" in html


def test_evaluate_and_train_name_a_missing_path_in_one_line():
    for args in (("evaluate", "/nonexistent"), ("train", "--seeds", "/nonexistent")):
        done = run_cli(*args)
        assert (done.returncode, done.stderr) == (2, "policytag: /nonexistent: no such file or folder\n"), args


def test_a_link_of_another_scheme_is_refused_and_a_missing_file_named_once():
    done = run_cli("tag", "ftp://x/y", "file:///etc/passwd", "nosuchfile.txt")
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.splitlines() == [
        "policytag: ftp://x/y: refused: only http and https links can be fetched, not ftp",
        "policytag: file:///etc/passwd: refused: only http and https links can be fetched, not file",
        "policytag: nosuchfile.txt: no such file",
    ]


def test_a_plugin_switch_naming_no_plugin_is_warned():
    done = run_cli("tag", "-", input=TEXT, env={"POLICYTAG_LOAD_PLUGINS": "features,region,nosuch"})
    assert done.returncode == 0 and "  region   " in done.stdout and "nosuch" not in done.stdout
    assert done.stderr.splitlines() == ["policytag: warning: nosuch: POLICYTAG_LOAD_PLUGINS names 'nosuch', but no "
                                        "plugin has that name (installed: features, recommendations, region, stance, summary, topic)"]
    nothing = run_cli("tag", "-", input=TEXT, env={"POLICYTAG_LOAD_PLUGINS": "nosuch"})
    assert nothing.returncode == 1 and nothing.stdout == ""
    assert nothing.stderr.splitlines()[1:] == ["policytag: standard input: no tags: no classifier is loaded"]


def test_a_missing_models_folder_is_reported_once_and_fails(tmp_path):
    (tmp_path / "a.txt").write_text(TEXT)
    env = {"POLICYTAG_MODELS": str(tmp_path / "missing")}
    done = run_cli("tag", str(tmp_path / "a.txt"), env=env)
    assert done.returncode == 1 and done.stdout == ""
    [line] = done.stderr.splitlines()
    assert line.startswith(f"policytag: {tmp_path / 'a.txt'}: no tags: ") and f"no manifest.json in {tmp_path / 'missing'}" in line
    as_json = run_cli("tag", str(tmp_path / "a.txt"), "--json", env=env)
    assert as_json.returncode == 1 and len(json.loads(as_json.stdout)["errors"]) == 1


def test_text_too_short_to_tag_is_refused_as_a_page_would_be():
    done = run_cli("tag", "-", input="hello\n")
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr == "policytag: standard input: too short to tag: 1 word, and policytag needs at least 10\n"
    enough = run_cli("tag", "-", input="Kenya sent police officers to Haiti despite a court challenge.")
    assert enough.returncode == 0 and "  region   " in enough.stdout


def test_train_without_out_writes_to_the_users_data_folder_not_the_package(tmp_path, some_seeds):
    shipped = (REPO / "models" / "manifest.json").read_bytes()
    done = run_cli("train", "--seeds", str(some_seeds), env={"XDG_DATA_HOME": str(tmp_path)})
    assert done.returncode == 0, done.stderr
    out = tmp_path / "policytag" / "models"
    assert json.loads((out / "manifest.json").read_text())["artifacts"]
    assert (REPO / "models" / "manifest.json").read_bytes() == shipped
    assert f"models written to {out}" in done.stdout and f"POLICYTAG_MODELS={out} policytag tag" in done.stdout
    assert re.match(r"policytag: training on \d+ passages from ", done.stderr)


def test_help_lists_every_command_and_option_with_help_and_no_markup():
    from policytag.cli import build_parser

    top = run_cli("--help")
    assert top.returncode == 0 and "``" not in top.stdout and "`" not in top.stdout
    commands = build_parser()._subparsers._group_actions[0].choices
    assert set(commands) == {"tag", "batch", "train", "evaluate", "plugins", "bot", "feedback"}
    for name in commands:
        assert re.search(rf"^    {name} +\w", top.stdout, re.MULTILINE), name

    def undocumented(parser, path):
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, child in action.choices.items():
                    yield from undocumented(child, f"{path} {name}")
            elif not action.help or action.help == argparse.SUPPRESS:
                yield f"{path}: {action.dest}"

    assert list(undocumented(build_parser(), "policytag")) == []
    assert run_cli("--version").stdout == "policytag 0.1.0\n"
