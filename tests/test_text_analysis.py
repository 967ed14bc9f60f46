"""Pasted-page cleaning, sentence splitting, summary and recommendations."""

from __future__ import annotations

from policytag import Document, Tagger
from policytag.cleaning import main_text
from policytag.labelled import load_seeds
from policytag.plugins.artifacts import load_artifact, shipped_seeds_dir
from policytag.plugins.cues import find_actor
from policytag.plugins.recommendations import MAX_RECOMMENDATIONS, eligible, phrased_as_prescription, prescriptions
from policytag.plugins.sentence_models import analyse
from policytag.plugins.summary import central_sentences
from policytag.sentences import split_sentences
from policytag.tagger import prepare


def seed_article(seed_page) -> Document:
    page = main_text(seed_page.read_text(encoding="utf-8"))
    return Document(text=page.text, title=page.title, extracted=True)


def test_seed_page_is_cut_down_to_its_article(seed_page):
    page = main_text(seed_page.read_text(encoding="utf-8"))
    assert page.title == "Reinvesting in US-Japan-South Korea strategic relations"
    assert page.text.startswith("As foreign policy experts in the United States, Japan, and South Korea")
    assert page.text.endswith("reimagine what is possible.")
    for noise in ("Follow us", "Pope Francis", "Saudi", "Afghanistan", "Subscribe", "keep reading", "State Department photo"):
        assert noise not in page.text


def test_a_paragraph_mentioning_a_newsletter_in_passing_is_kept_and_a_credit_line_is_not():
    passing = ("Diplomats in Hanoi read the foreign ministry's output closely for signals about the South China "
               "Sea, and this month its weekly newsletter dropped the usual line on freedom of navigation; "
               "officials in Manila noticed the omission within hours of its publication on Monday morning.")
    credit = ("Vietnamese and Philippine coast guard vessels hold a joint drill near the Spratly Islands in "
              "the South China Sea on June 3, 2024, in a picture released by the ministry. (Photo by Reuters)")
    body = ("Officials in both capitals have since traded cautious statements about the episode, "
            "each insisting that nothing in their long-standing maritime positions has changed at all.")
    page = main_text("\n\n".join([passing, credit, body]))
    assert passing in page.text and body in page.text and "Photo by" not in page.text


def test_a_one_line_paragraph_stays_in_its_article_and_does_not_cut_it_short():
    first = ("The administration said on Monday that it would send another air-defence battery to the Gulf, "
             "the third this year, and that the deployment would last at least until the spring.")
    rest = ("Critics in Congress point out that the deployments have no end date, no stated objective and "
            "no vote behind them, while their cost has grown with every rotation since the first.")
    page = main_text("\n\n".join([first, first, first, "That would be a mistake.", rest, "Share", "Up next"]))
    assert page.text.endswith("That would be a mistake.\n\n" + rest)
    # A short sentence line never starts a run: a lone caption above the article is not kept.
    assert main_text("\n\n".join(["Soldiers board a plane.", first, rest])).text == f"{first}\n\n{rest}"


def test_a_headed_closing_section_stays_in_its_article_and_headed_teasers_do_not():
    body = ("Egypt's debt has grown faster than its economy for a decade, and each rescue has bought time rather "
            "than reform, because the lenders who matter most have treated Cairo as too important to fail. "
            "The army's firms still dominate construction, and the promised sales of state assets have mostly stalled.")
    section = ("First, let the Fund hold Cairo to the conditions it signed, including the sale of military-owned "
               "firms, without signals from Washington that geopolitics will override them.")
    teasers = ["Sudan's forgotten refugees: Chad's border camps run short of water as the rains fail.",
               "Europe's defence bonds: Brussels tests joint borrowing for artillery shells."]
    page = main_text("\n\n".join([body, body, "What Washington should do", section]))
    assert page.text.endswith(section)  # shorter than 0.4 of the article, kept as its section
    page = main_text("\n\n".join([body, body, "Elsewhere in the region", *teasers]))
    assert page.text == f"{body}\n\n{body}"
    page = main_text("\n\n".join([body, body, "What Washington should do", "Three steps", section]))
    assert section not in page.text  # two headlines in a row: a list of other pages, not a section


def test_plain_text_passes_through():
    text = "A single paragraph about talks in Geneva that has no page around it at all."
    assert main_text(text).text == text and main_text(text).title is None


def test_splitter_survives_abbreviations_and_quotes():
    text = ('The U.S. envoy met Gen. Milley on Dec. 5 in Washington. "We must act," he said. '
            "Then the Jan. 6 panel met.\n\nA new paragraph starts here")
    assert split_sentences(text) == (
        "The U.S. envoy met Gen. Milley on Dec. 5 in Washington.",
        '"We must act," he said.',
        "Then the Jan. 6 panel met.",
        "A new paragraph starts here",
    )


def test_seed_page_recommendations(seed_page):
    found = prescriptions(seed_article(seed_page))
    texts = [r.text for r in found]
    assert 1 <= len(found) <= MAX_RECOMMENDATIONS
    [resist] = [r for r in found if r.text.startswith("The United States must resist calls to frame")]
    assert resist.actor == "The United States"
    assert any(t.startswith("One way is to resuscitate ideas from the 2017") for t in texts)
    assert not any("Saudi" in t or "Subscribe" in t for t in texts)  # the teasers and menus prescribe nothing
    assert all(a.score >= b.score for a, b in zip(found, found[1:]))


def test_a_prescriptive_headline_is_listed_and_a_news_headline_is_not():
    body = ("Three rotations of air-defence batteries have gone to the Gulf since January, each announced as temporary. "
            "Washington should bring the batteries home and let the Gulf states buy their own. "
            "Every month they stay, the Navy's stocks of interceptors fall further behind what a war in Asia would need.")
    found = [r.text for r in prescriptions(Document(title="Bring the Batteries Home", text=body, extracted=True))]
    assert "Bring the Batteries Home" in found
    assert "Washington should bring the batteries home and let the Gulf states buy their own." in found
    found = [r.text for r in prescriptions(Document(title="Batteries Head to the Gulf for a Third Rotation", text=body,
                                                    extracted=True))]
    assert "Batteries Head to the Gulf for a Third Rotation" not in found and found


def test_each_document_of_a_batch_reads_its_own_headline():
    texts = ["Talks resumed in Geneva on Monday after a pause of three weeks.",
             "The fleet sailed from Kiel on Tuesday for the Baltic exercise.",
             "Ministers met in Cairo to discuss the border crossings."]
    documents = [Document(title="Stop Arming the Junta", text=texts[0], extracted=True),
                 Document(text=texts[1], extracted=True),
                 Document(title="Aid Convoys Wait at Rafah", text=texts[2], extracted=True)]
    first, untitled, last = analyse(documents)
    assert untitled.headline is None
    assert (first.headline[0], last.headline[0]) == ("Stop Arming the Junta", "Aid Convoys Wait at Rafah")
    assert first.headline[1] > last.headline[1]  # an imperative against a news headline
    assert phrased_as_prescription(first.headline[2][None])[0] and not phrased_as_prescription(last.headline[2][None])[0]


def test_a_report_of_other_peoples_calls_has_no_recommendations():
    report = ("CAIRO (staff) - The ministers met in Cairo on Tuesday to discuss border crossings and aid deliveries. "
              "The foreign minister said Israel must open more crossings, and aid groups urged donors to pay for fuel. "
              "Officials said the talks would continue next week, according to a statement from the ministry.")
    assert prescriptions(Document(text=report, extracted=True)) == []


def test_a_text_lists_recommendations_only_when_its_strongest_clears_the_text_gate():
    """On the 200 dev passages: a text whose strongest eligible sentence (a headline
    phrased as a prescription one of them) is over the sentence cut-off but under the
    text-level gate lists nothing; over it, everything over the cut-off and every
    sentence phrased as the author's prescription."""
    thresholds = load_artifact("sentences")["thresholds"]
    cut, gate, phrased_cut = thresholds["prescribes"], thresholds["prescribing_text"], thresholds["phrased"]
    assert phrased_cut < cut < gate < 1
    documents = [prepare(Document(text=s.text)) for s in load_seeds(shipped_seeds_dir() / "dev")]
    gated = phrased_only = headlines = 0
    for document, analysis in zip(documents, analyse(documents)):
        scored = list(zip(analysis.sentences, analysis.prescribes.tolist(), phrased_as_prescription(analysis.cues)))
        if analysis.headline is not None and phrased_as_prescription(analysis.headline[2][None])[0]:
            scored.insert(0, (*analysis.headline[:2], True))
            headlines += 1
        found = prescriptions(document)
        if not any(eligible(sentence, p, gate) for sentence, p, _ in scored):
            gated += any(eligible(sentence, p, cut) for sentence, p, _ in scored)
            assert found == []
            continue
        listable = [sentence for sentence, p, phrased in scored if eligible(sentence, p, phrased_cut if phrased else cut)]
        assert len(found) == min(len(listable), MAX_RECOMMENDATIONS)
        phrased_only += sum(phrased_cut <= p < cut for _, p, phrased in scored if phrased)
    assert gated >= 1 and phrased_only >= 3 and headlines >= 3  # each rule decides some dev passages


def test_a_sentence_phrased_as_someone_elses_call_is_not_phrased_as_a_prescription():
    text = ("The alliance needs a standing maritime force in the Baltic. "
            "More patrol ships are needed before the winter storms. "
            "Stop pretending that the pipeline was an accident. "
            "The minister said the alliance must spend more. "
            "Critics urged the government to stay out. "
            "Should Berlin pay for it? "
            "The fleet sailed from Kiel on Monday.")
    [analysis] = analyse([prepare(Document(text=text, extracted=True))])
    assert phrased_as_prescription(analysis.cues).tolist() == [True, True, True, False, False, False, False]


def test_implicit_prescriptions_are_found():
    text = ("The sanctions have now run for six years, and the regime is richer than when they began. "
            "Each new round was sold as the one that would finally bite, and each was evaded within months. "
            "Washington would be wise to trade the oil licences for a binding election timetable.")
    [found] = prescriptions(Document(text=text, extracted=True))
    assert found.text.startswith("Washington would be wise to") and found.actor == "Washington"


def test_actor_is_the_subject_of_the_modal():
    assert find_actor("Tokyo should lift its export curbs on Seoul.") == "Tokyo"
    assert find_actor("In the end, the United States must talk to Tehran.") == "the United States"
    assert find_actor("So the United States should put its weight behind diplomacy.") == "the United States"
    assert find_actor("It is time to talk.") is None
    # A headline's modal is capitalised like its other words.
    assert find_actor("The Pentagon Must Stop Buying Ships It Cannot Crew", headline=True) == "The Pentagon"
    assert find_actor("Why Europe Should Pay for Its Own Air Defence", headline=True) == "Europe"
    assert find_actor("The Pentagon Must Stop Buying Ships It Cannot Crew") is None


def test_summary_is_three_sentences_of_the_main_article_in_article_order(seed_page):
    document = seed_article(seed_page)
    summary = central_sentences(document)
    assert len(summary) == 3
    positions = [document.sentences.index(s) for s in summary]
    assert positions == sorted(positions)
    assert not any(word in " ".join(summary) for word in ("Pope Francis", "Saudi", "Afghanistan"))  # not the teasers
    assert central_sentences(Document(text="Too short.", extracted=True)) == []
    one = "One sentence that is long enough to keep as it is."
    assert central_sentences(Document(text=one, extracted=True)) == [one]


def test_summary_never_repeats_the_title():
    title = "Talks on the border resume in Geneva after a year of deadlock"
    body = [title + ".", "Negotiators from both sides arrived on Monday with new maps and a list of crossings.",
            "The last round collapsed over the sequencing of troop withdrawals from the ridge.",
            "Both delegations said they hoped to agree on a first set of confidence-building steps."]
    [result] = Tagger().tag_many([Document(text="\n\n".join(body), title=title, extracted=True)])
    assert len(result.summary) == 3 and title + "." not in result.summary
