"""The tagging pipeline: documents in, :class:`Result` objects out.

The host featurises each batch once per featurizer, hands the features to every
classifier that asked for them, checks what comes back against the classifier's
declared contract, and records any failure against the plugin that caused it, so one
broken plugin never takes the others' tags down.

Every plugin call (each featurizer, each classifier, the summary hook, the
recommendations hook) runs in a thread of its own with a time budget per batch
(``POLICYTAG_CLASSIFIER_TIMEOUT`` seconds, default 20), one after another: one that
overruns is reported as timed out and the others' results come back without it. A
Python thread cannot be killed, so the overrunning call is left to finish in the
background, and that step is not started again until it has. (Only a process can be
killed: the bot runs its work in worker processes for that.)

A plugin is foreign code, so anything it raises, ``SystemExit`` included, is caught at
each call and reported against it; only ``KeyboardInterrupt`` goes through.
"""

from __future__ import annotations

import math
import os
import threading
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future
from concurrent.futures import TimeoutError as Overran
from typing import Any

from .classifier import Classifier, featurizer_names
from .cleaning import main_text
from .errors import InputError, PolicytagError, one_line
from .plugin_manager import PluginManager, Registry, collect, get_plugin_manager
from .schema import Document, ErrorReport, Recommendation, Result, Tag

CORE = "policytag"
DEFAULT_CLASSIFIER_TIMEOUT = 20.0
MAX_TEXT_CHARS = 10 * 1024 * 1024  # as the CLI's file cap; a text this long takes ~10 s and ~0.5 GB to tag


def timeout_setting() -> float:
    """``POLICYTAG_CLASSIFIER_TIMEOUT`` in seconds (``inf``: no limit), else 20."""
    raw = os.environ.get("POLICYTAG_CLASSIFIER_TIMEOUT", "").strip()
    if not raw:
        return DEFAULT_CLASSIFIER_TIMEOUT
    try:
        value = float(raw)
    except ValueError:
        value = 0.0
    if not value > 0:  # also refuses nan
        raise PolicytagError(f"POLICYTAG_CLASSIFIER_TIMEOUT must be a positive number of seconds, not {raw!r}")
    return value


def in_thread(name: str, call: Callable[[], Any]) -> Future:
    """Run ``call`` in a daemon thread (a hung plugin must not keep the process from exiting)."""
    future: Future = Future()

    def run() -> None:
        try:
            future.set_result(call())
        except BaseException as exc:  # handed to the waiting thread, which reports it
            future.set_exception(exc)

    threading.Thread(target=run, name=name, daemon=True).start()
    return future


def as_document(item: str | Document) -> Document:
    """Accept a plain string or a :class:`Document`."""
    if isinstance(item, Document):
        return item
    if isinstance(item, str):
        return Document(text=item)
    raise InputError(f"expected text or a Document, got {type(item).__name__}")


def prepare(document: Document) -> Document:
    """Strip page noise from pasted text so tags and summaries come from the article."""
    if document.extracted or len(document.text) > MAX_TEXT_CHARS:  # too long: check_text refuses it
        return document
    page = main_text(document.text)
    return document.model_copy(update={"text": page.text, "title": document.title or page.title, "extracted": True})


def check_text(text: str) -> None:
    """Refuse what cannot be tagged, with a reason a person understands."""
    if not text.strip():
        raise InputError("empty text: there is nothing to tag")
    if len(text) > MAX_TEXT_CHARS:
        raise InputError(f"the text is {len(text) / 1024 / 1024:.1f} MB, more than the {MAX_TEXT_CHARS // 1024 // 1024} MB policytag tags")
    if "\x00" in text:
        raise InputError("the text contains NUL bytes: it looks like a binary file, not an article")


def validate_tags(classifier: Classifier, tags: Any) -> list[Tag]:
    """Check one document's tags against the classifier's declared contract."""
    if not isinstance(tags, list) or not all(isinstance(t, Tag) for t in tags):
        raise TypeError(f"returned {type(tags).__name__}, not a list of Tag")
    unknown = [t.label for t in tags if t.label not in classifier.labels]
    if unknown:
        raise ValueError(f"returned labels outside its declared set: {', '.join(map(repr, unknown))}")
    if len({t.label for t in tags}) != len(tags):
        raise ValueError("returned the same label twice")
    if not classifier.multi_label and len(tags) != 1:
        raise ValueError(f"is single-label but returned {len(tags)} tags")
    return sorted(tags, key=lambda t: t.score, reverse=True)


class Tagger:
    """Tags documents with every loaded classifier, plus a summary and recommendations.

    Build one and reuse it: plugins are loaded once and models lazily on first use.
    """

    def __init__(
        self, plugin_manager: PluginManager | None = None, *, summarize: bool = True, classifier_timeout: float | None = None
    ) -> None:
        self.pm = plugin_manager if plugin_manager is not None else get_plugin_manager()
        self.summarize = summarize
        self.classifier_timeout = classifier_timeout or timeout_setting()
        self._registry: Registry | None = None
        self._overdue: dict[str, Future] = {}  # dimension -> a call that ran over its budget
        self._overdue_lock = threading.Lock()

    @property
    def registry(self) -> Registry:
        if self._registry is None:
            self._registry = collect(self.pm)
        return self._registry

    @property
    def classifiers(self) -> dict[str, Classifier]:
        return self.registry.classifiers

    def tag(self, item: str | Document) -> Result:
        """Tag one text; raise :class:`InputError` when it cannot be tagged."""
        document = as_document(item)
        check_text(document.text)
        return self.tag_many([document])[0]

    def tag_many(self, items: Iterable[str | Document]) -> list[Result]:
        """Tag a batch; a document that cannot be tagged gets a result holding its error."""
        documents = [prepare(as_document(item)) for item in items]
        results = [self._empty_result(doc) for doc in documents]
        ok = []
        for index, doc in enumerate(documents):
            try:
                check_text(doc.text)
            except InputError as exc:
                results[index].errors.append(ErrorReport(plugin=CORE, message=str(exc)))
            else:
                ok.append(index)
        if ok:
            batch = [documents[i] for i in ok]
            for dimension, per_doc in self._classify(batch, [results[i] for i in ok]).items():
                for i, tags in zip(ok, per_doc):
                    results[i].tags[dimension] = tags
            if self.summarize:
                self._add_text_analysis(batch, [results[i] for i in ok])
        for result in results:
            result.errors[:0] = [e for e in self.registry.errors]
        return results

    @staticmethod
    def _empty_result(doc: Document) -> Result:
        return Result(
            source=doc.source, title=doc.title, url=doc.url, site=doc.site,
            published=doc.published, length=len(doc.text),
        )

    def _call(self, step: str, owner: str, what: str, call: Callable[[], Any]) -> tuple[Any, ErrorReport | None]:
        """``(call(), None)``, or ``(None, error)`` when the call raised, overran its budget
        or is still busy with an earlier batch that overran. ``step`` names the call for the
        overrun book-keeping, ``what`` for the error message ("classifier 'topic'")."""
        with self._overdue_lock:
            late = self._overdue.get(step)
            if late is not None and not late.done():
                return None, ErrorReport(plugin=owner, message=(
                    f"{what} is still busy with an earlier batch that ran over its "
                    f"{self.classifier_timeout:g} s budget (POLICYTAG_CLASSIFIER_TIMEOUT)"))
            self._overdue.pop(step, None)
        future = in_thread(f"policytag-{step}", call)
        try:
            return future.result(None if math.isinf(self.classifier_timeout) else self.classifier_timeout), None
        except Overran:
            with self._overdue_lock:
                self._overdue[step] = future
            return None, ErrorReport(plugin=owner, message=(
                f"{what} timed out after {self.classifier_timeout:g} s (POLICYTAG_CLASSIFIER_TIMEOUT)"))
        except KeyboardInterrupt:
            raise
        except BaseException as exc:  # a plugin's sys.exit() is its failure, not the caller's exit
            return None, ErrorReport(plugin=owner, message=f"{what}: {one_line(exc)}")

    def _classify(self, batch: Sequence[Document], results: Sequence[Result]) -> dict[str, list[list[Tag]]]:
        registry = self.registry
        features: dict[str, Any] = {}
        feature_errors: dict[str, ErrorReport] = {}
        for classifier in registry.classifiers.values():
            for name in featurizer_names(classifier):
                if name in features or name in feature_errors:
                    continue
                featurizer = registry.featurizers.get(name)
                if featurizer is None:
                    feature_errors[name] = ErrorReport(
                        plugin=registry.owner(classifier), message=f"no featurizer named {name!r} is registered"
                    )
                    continue
                value, error = self._call(f"featurizer-{name}", registry.owner(featurizer), f"featurizer {name!r}",
                                          lambda f=featurizer: f.transform(batch))
                if error is None:
                    features[name] = value
                else:
                    feature_errors[name] = error

        tagged: dict[str, list[list[Tag]]] = {}
        errors: dict[str, ErrorReport] = {}
        for dimension, classifier in registry.classifiers.items():
            owner = registry.owner(classifier)
            wanted = featurizer_names(classifier)
            failed = [feature_errors[name] for name in wanted if name in feature_errors]
            if failed:
                errors[dimension] = failed[0]
                continue
            given = tuple(features[name] for name in wanted) if wanted else batch
            if isinstance(classifier.featurizer, str):
                given = given[0]
            # One classifier at a time: run side by side, they fought over the GIL and
            # took longer together than one after another.
            predicted, error = self._call(f"classifier-{dimension}", owner, f"classifier {dimension!r}",
                                          lambda c=classifier, g=given: c.predict_many(g, batch))
            if error is not None:
                errors[dimension] = error
                continue
            try:
                if not isinstance(predicted, list) or len(predicted) != len(batch):
                    got = len(predicted) if isinstance(predicted, list) else type(predicted).__name__
                    raise ValueError(f"returned {got} results for {len(batch)} documents")
                tagged[dimension] = [validate_tags(classifier, tags) for tags in predicted]
            except Exception as exc:
                errors[dimension] = ErrorReport(plugin=owner, message=f"classifier {dimension!r}: {one_line(exc)}")
        # A featurizer's failure is one error, however many classifiers read it.
        for error in {id(error): error for error in errors.values()}.values():
            for result in results:
                result.errors.append(error)
        return tagged

    def _add_text_analysis(self, batch: Sequence[Document], results: Sequence[Result]) -> None:
        """The summary and the recommendations, each hook over the whole batch within one
        budget: on an overrun the documents it finished keep their answers, the rest get
        the error, and the thread stops at the next document."""
        for hook_name, field, convert in (
            ("summarize", "summary", lambda found: list(found or [])),
            ("extract_recommendations", "recommendations",
             lambda found: [r if isinstance(r, Recommendation) else Recommendation(text=str(r)) for r in found or []]),
        ):
            hook = getattr(self.pm.hook, hook_name)
            answers: list[tuple[Any, BaseException | None]] = []
            stop = threading.Event()

            def answer_all(hook=hook, convert=convert, answers=answers, stop=stop) -> None:
                for doc in batch:
                    if stop.is_set():
                        return
                    try:
                        answers.append((convert(hook(document=doc)), None))
                    except KeyboardInterrupt:
                        raise
                    except BaseException as exc:  # reported against the hook, document by document
                        answers.append((None, exc))

            _, overran = self._call(f"hook-{hook_name}", hook_name, hook_name, answer_all)
            stop.set()
            done = list(answers)
            for index, result in enumerate(results):
                if index >= len(done):
                    result.errors.append(overran)
                elif done[index][1] is not None:
                    message = one_line(done[index][1])
                    # One failure is reported once: the bundled hooks read the models the
                    # featurizers read, and a missing model would otherwise be named thrice.
                    if not any(error.message.endswith(message) for error in result.errors):
                        result.errors.append(ErrorReport(plugin=hook_name, message=message))
                else:
                    setattr(result, field, done[index][0])


def tag(text: str | Document) -> Result:
    """Tag one text with a fresh :class:`Tagger` (build a Tagger yourself to tag many)."""
    return Tagger().tag(text)
