"""``handinhand ask`` and ``handinhand kb lint|eval``: the knowledge base from the terminal."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from cli import app

if TYPE_CHECKING:
    from knowledge import Matcher, Outcome
    from knowledge.evaluation import Report

kb_app = typer.Typer(help="Check and evaluate the knowledge base.", no_args_is_help=True)
app.add_typer(kb_app, name="kb")


def _matcher() -> Matcher:
    from bot.settings import Settings
    from knowledge import KnowledgeBaseError, Matcher, load_knowledge_base

    settings = Settings()
    try:
        return Matcher(
            load_knowledge_base(settings.knowledge_dir), cache_dir=settings.knowledge_cache_dir
        )
    except KnowledgeBaseError as exc:
        typer.echo(
            f"Knowledge base is broken: {exc}\nRun `handinhand kb lint` for every problem.",
            err=True,
        )
        raise typer.Exit(1) from exc


def _outcome_json(outcome: Outcome) -> dict[str, Any]:
    return {
        "status": outcome.status,
        "entry_id": outcome.entry.id if outcome.entry else None,
        "answer": outcome.answer,
        "citation": outcome.citation,
        "score": outcome.score,
        "suggestions": [
            {"entry_id": s.entry_id, "question": s.question, "score": s.score}
            for s in outcome.suggestions
        ],
        "lang": outcome.lang,
        "first_steps": [entry.id for entry in outcome.first_steps],
        "trouble": outcome.trouble,
    }


@app.command()
def ask(
    question: Annotated[str, typer.Argument(help="The question, as a manager would type it.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the outcome as JSON.")] = False,
) -> None:
    """Ask the knowledge base a question and print the outcome."""
    from catalog import text
    from knowledge.trouble import penalty_last

    outcome = _matcher().ask(question)
    if as_json:
        typer.echo(json.dumps(_outcome_json(outcome), ensure_ascii=False, indent=2))
        return
    typer.echo(f"[{outcome.status}] score {outcome.score:.1f} ({outcome.lang})")
    if outcome.status == "smalltalk":
        typer.echo(text(outcome.lang, "answer.smalltalk"))
    for step in outcome.first_steps:  # a question reporting trouble: what to do now, first
        steps = penalty_last(step.answer_for(outcome.lang))
        typer.echo(f"! {step.title_for(outcome.lang)}\n{steps}\n")
    if outcome.status == "answered" and outcome.entry is not None:
        typer.echo(f"{outcome.entry.id}\n\n{outcome.answer}\n\n{outcome.citation}")
    for number, suggestion in enumerate(outcome.suggestions, 1):
        typer.echo(
            f"  {number}. {suggestion.question}  ({suggestion.entry_id}, {suggestion.score:.1f})"
        )


@kb_app.command("lint")
def lint_command(
    directory: Annotated[
        Path | None, typer.Argument(help="Knowledge-base directory (default: the packaged one).")
    ] = None,
) -> None:
    """Validate every knowledge-base file; list each problem with file, entry and field."""
    from bot.settings import Settings
    from knowledge import lint, load_knowledge_base

    directory = directory or Settings().knowledge_dir
    problems = lint(directory)
    for problem in problems:
        typer.echo(str(problem))
    if problems:
        typer.echo(f"{len(problems)} problem(s) found.", err=True)
        raise typer.Exit(1)
    typer.echo(f"{len(load_knowledge_base(directory))} entries, no problems.")


def _print_report(report: Report) -> None:
    typer.echo(
        f"{'lang':8} {'correct':>13} {'wrong':>11} {'suggest+right':>13} {'suggest-right':>13}"
        f" {'unanswered':>10} {'OOS answered':>13} {'small talk':>10}"
    )
    for lang in [*report.languages, None]:
        f = report.figures(lang)
        typer.echo(
            f"{lang or 'all':8} {f.correct:>4}/{f.answerable:<3} {f.accuracy:>5.1%}"
            f" {f.wrong:>4} {f.wrong_rate:>6.1%} {f.suggest_with:>13} {f.suggest_without:>13}"
            f" {f.unanswered:>10} {f.out_of_scope_answered:>5}/{f.out_of_scope:<3}"
            f" {f.out_of_scope_rate:>4.0%} {f.smalltalk_handled:>6}/{f.smalltalk:<3}"
        )
    failures = report.failures
    typer.echo(f"\nFailures ({len(failures)}), worst first:")
    for r in failures:
        entry = r.outcome.entry.id if r.outcome.entry else "-"
        typer.echo(
            f"  {r.case.id} [{r.case.lang}] {r.verdict} {entry} "
            f"{r.outcome.score:.1f}  {r.case.question}"
        )
    overall = report.figures()
    typer.echo("")
    typer.echo(
        f"correct: {overall.correct}/{overall.answerable} = {overall.accuracy:.1%} (goal ≥ 95%)"
    )
    typer.echo(
        f"wrong (answered, not right): {overall.wrong} = {overall.wrong_rate:.1%} (goal ≤ 1%)"
    )
    typer.echo(
        f"out-of-scope answered: {overall.out_of_scope_answered}/{overall.out_of_scope}"
        f" = {overall.out_of_scope_rate:.1%} (goal ≤ 2%)"
    )
    in_domain = overall.out_of_scope - overall.off_domain
    typer.echo(
        f"  of which off the domain: {overall.off_domain_answered}/{overall.off_domain};"
        f" in the domain, not in the knowledge base:"
        f" {overall.out_of_scope_answered - overall.off_domain_answered}/{in_domain}"
    )
    typer.echo(
        f"right entry among suggestions when not answered: {overall.suggest_hit_rate:.1%}"
        " (goal ≥ 80%)"
    )
    typer.echo(f"small talk handled: {overall.smalltalk_handled}/{overall.smalltalk}")
    typer.echo("targets met" if report.meets_targets else "targets NOT met")


@kb_app.command("eval")
def eval_command(
    file: Annotated[Path, typer.Argument(help="Question set in the format of dev.yaml.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as JSON.")] = False,
) -> None:
    """Evaluate the matcher on a question set: correct, wrong, suggestions, out of scope."""
    from knowledge import KnowledgeBaseError
    from knowledge.evaluation import evaluate, load_cases

    try:
        cases = load_cases(file)
    except KnowledgeBaseError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from exc
    report = evaluate(_matcher(), cases)
    if as_json:
        payload = {
            "overall": report.figures().as_dict(),
            "by_lang": {lang: report.figures(lang).as_dict() for lang in report.languages},
            "failures": [
                {"id": r.case.id, "question": r.case.question, "lang": r.case.lang}
                | _outcome_json(r.outcome)
                for r in report.failures
            ],
            "targets_met": report.meets_targets,
        }
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        _print_report(report)
    if not report.meets_targets:
        raise typer.Exit(1)
