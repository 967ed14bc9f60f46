"""Deterministic writing specs: what each writer's 50 passages should be (form, stance,
region, subject, voice, length, and whether Washington acts, the page comes with its
furniture, the spelling is British).

    python annotation/specs.py t07 7      # writes annotation/specs/t07.json
    python annotation/specs.py t49 49 --contrast 10   # 10 subjects, each once per stance
    python annotation/specs.py t57 57 --prescribing    # 24 passages, prescriptions in real shapes
    python annotation/specs.py t68 68 --rights         # 30 passages, rights inside wars, arms and borders

The weights below are the final ones. They changed as error analysis on real articles
showed forms the seeds lacked (see annotation/README.md); specs/*.json hold what each
writer was actually given, and t47/t48 (think-tank pieces with soft recommendations)
were drawn from these specs with their forms replaced.
"""
import json
import random
import sys
from pathlib import Path

SUBJECTS = {
    "asia-pacific": [
        "Taiwan arms sales backlog and delivery delays", "Philippine resupply missions to a grounded ship in the South China Sea",
        "North Korean missile tests and sanctions enforcement at sea", "Japan's counterstrike missiles and defence budget doubling",
        "AUKUS submarine programme costs and timelines", "India-China border standoff in Ladakh", "Pakistan's debt crisis and IMF programme",
        "Afghanistan under the Taliban: aid, girls' schooling and recognition", "Myanmar's civil war after the 2021 coup",
        "Quad summitry and maritime domain awareness", "US export controls on chips to China and their effect on Asian suppliers",
        "South Korea's nuclear debate and extended deterrence", "Pacific island states, Chinese policing deals and US embassies",
        "Solomon Islands security pact with Beijing", "Vietnam's hedging between Washington and Beijing", "Cambodia's Ream naval base",
        "Hong Kong's national security law and foreign firms", "Xinjiang forced-labour import bans", "Sri Lanka's debt restructuring",
        "Bangladesh's Rohingya camps and funding cuts", "Indonesia's non-alignment and nickel industry", "Thailand's politics and the US alliance",
        "Kashmir after the revocation of Article 370", "China-Japan dispute over the Senkaku islands", "Mongolia's third-neighbour policy",
        "Nepal between India and China", "US troop presence in Japan and Okinawa base relocation", "China's Belt and Road lending in Laos",
        "Taiwan Strait transits by US and allied navies", "India's purchase of Russian oil and arms", "Australia-China trade thaw",
        "Korean peninsula diplomacy and prospects for talks", "Chinese coast guard pressure on Taiwan's outlying Kinmen islands",
        "Malaysia, Brunei and South China Sea energy claims", "Papua New Guinea defence cooperation agreement with the US",
        "Japan-South Korea reconciliation over wartime labour", "Indian Ocean naval competition and the Maldives",
        "China's nuclear arsenal build-up seen from Tokyo and Seoul", "Uyghur diaspora and transnational repression", "Timor-Leste joining ASEAN",
    ],
    "middle-east": [
        "Iran's uranium enrichment and IAEA access", "Gaza ceasefire negotiations and hostage releases", "Houthi attacks on Red Sea shipping",
        "US troops in Syria and Iraq and militia attacks on them", "Saudi-Israeli normalisation and a US defence pact", "Lebanon's economic collapse and Hezbollah",
        "Turkey's purchase of Russian S-400s and F-16 deal", "Egypt's debt, IMF loans and Gulf bailouts", "Yemen's war and the humanitarian blockade",
        "Iraq's oil revenues and the US dollar", "Jordan's stability and refugee burden", "Libya's rival governments and foreign mercenaries",
        "Tunisia's democratic backsliding and EU migration deals", "Algeria's gas exports to Europe", "Iran's drone exports and sanctions",
        "US arms sales to the UAE and Qatar", "West Bank settlements and settler violence", "Syrian refugees' return from Turkey and Lebanon",
        "Kurdish forces in northeast Syria and Turkish strikes", "Oman's mediation between Washington and Tehran", "Israel's strikes on Iranian targets",
        "Qatar as a mediator and host of Al Udeid", "Iran's protests and the morality police", "The Abraham Accords and Morocco's Western Sahara claim",
        "Iraq's water crisis and Turkish dams", "Saudi Arabia's Vision 2030 and OPEC+ cuts", "Captagon trafficking from Syria",
        "Iran-Saudi rapprochement brokered by China", "Bahrain's security agreement with the US", "Kuwait's politics and oil",
        "Israel's judicial overhaul and the US relationship", "Palestinian Authority finances and succession", "Hezbollah-Israel border exchanges",
        "Maritime security in the Strait of Hormuz", "Egypt's Grand Ethiopian Renaissance Dam dispute with Ethiopia",
    ],
    "europe": [
        "Ukraine's counteroffensive and Western tank deliveries", "Frozen Russian central bank assets and Ukraine's reconstruction",
        "NATO's eastern flank brigades in Poland and the Baltics", "Finland and Sweden joining NATO", "Moldova, Transnistria and Russian pressure",
        "Georgia's foreign agents law and EU candidacy", "Armenia-Azerbaijan peace talks after Nagorno-Karabakh", "Serbia-Kosovo tensions in the north",
        "Belarus's hosting of Russian tactical nuclear weapons", "Hungary's vetoes of EU aid to Ukraine", "Germany's defence spending and the special fund",
        "Black Sea grain corridor", "Russian sabotage of undersea cables in the Baltic", "EU sanctions packages and the oil price cap",
        "Kazakhstan and Central Asia's balancing between Russia and China", "UK-EU defence cooperation after Brexit", "France's nuclear deterrent and European defence",
        "Air defence shortages in Ukraine", "Long-range missiles for Ukraine and escalation risk", "Negotiations to end the war in Ukraine",
        "Bosnia's Republika Srpska secession threats", "Turkey's role in NATO and the Bosphorus", "Russia's shadow fleet of tankers",
        "European gas storage and LNG from the US", "Poland-Ukraine grain dispute", "Romania's elections and Russian interference",
        "EU migration pact and Mediterranean crossings", "Kaliningrad and the Suwalki gap", "US troop levels in Europe", "Nord Stream sabotage investigation",
        "Ukraine's EU accession talks", "Wagner's legacy and Russian private military companies", "Uzbekistan's reforms and water disputes",
        "Arctic security and Norway's Svalbard", "Russian dissidents and political prisoners",
    ],
    "africa": [
        "Sudan's civil war between the army and the Rapid Support Forces", "Coups in the Sahel and the expulsion of French troops",
        "Niger's junta and the US drone base at Agadez", "Ethiopia's Tigray peace deal and Eritrean troops", "Somalia's fight against al-Shabaab and AU troop drawdown",
        "DR Congo, M23 rebels and Rwanda", "Cobalt and critical minerals deals in Central Africa", "Nigeria's security crisis and arms purchases",
        "Kenya-led police mission to Haiti (seen from Nairobi)", "South Africa's non-alignment and the BRICS", "Chinese lending and debt in Zambia",
        "Mozambique's Cabo Delgado insurgency and LNG", "Russia's Africa Corps in Mali and Burkina Faso", "Famine risk in the Horn of Africa",
        "Djibouti's foreign military bases", "AGOA trade preferences and their renewal", "Cameroon's Anglophone conflict", "Uganda's anti-homosexuality law and aid",
        "Chad's transition and Sudanese refugees", "Zimbabwe's elections and sanctions", "Ghana's debt restructuring", "Lobito rail corridor investment",
        "Ethiopia's Red Sea access ambitions and Somaliland", "Gulf states' investments in the Horn of Africa", "Malaria vaccine rollout and health funding",
        "Central African Republic and Russian mercenaries", "Senegal's elections and democratic resilience", "Piracy off the Gulf of Guinea",
        "Tanzania's opposition crackdown", "South Sudan's delayed elections",
    ],
    "latin-america": [
        "Venezuela's elections, oil licences and sanctions relief", "Haiti's gangs and the multinational security mission", "Mexico's cartels, fentanyl and US military strikes talk",
        "Cuba's economic crisis and the embargo", "Colombia's total peace talks with armed groups", "Nicaragua's repression and exiled dissidents",
        "Brazil's Amazon deforestation and climate finance", "Argentina's economic shock therapy and IMF debt", "Panama Canal drought and Chinese ports",
        "Migration through the Darién Gap", "Ecuador's security emergency and gangs", "El Salvador's mass incarceration under Bukele",
        "Lithium in Chile, Bolivia and Argentina", "Chinese space and port facilities in South America", "Guatemala's anti-corruption fight and elections",
        "Peru's political instability and protests", "US-Mexico trade under the USMCA review", "Honduras switching recognition from Taiwan to China",
        "Remittances and Central American economies", "Guyana's oil boom and Venezuela's Essequibo claim", "Caribbean climate vulnerability and debt",
        "Drug interdiction at sea in the Caribbean", "Brazil's mediation offers on Ukraine", "Bolivia's gas decline and politics", "Paraguay's Taiwan ties",
        "Cuban migration by sea", "Mexico's judicial reform and investors", "Argentina-UK Falklands dispute",
    ],
    "north-america": [
        "Congress's war powers votes on strikes abroad", "The annual defence authorization bill and its add-ons", "Pentagon budget growth and audits",
        "Lobbying by foreign governments in Washington", "Defence industry consolidation and munitions production", "Public opinion polls on foreign aid and alliances",
        "Presidential campaign debates over NATO and Ukraine aid", "Senate confirmation fights over ambassadors", "The State Department's budget and reorganisation",
        "Think-tank funding by foreign governments", "Veterans and the politics of forever wars", "Canada's defence spending and NORAD modernisation",
        "Arms export rules and congressional notification", "Partisan splits on China policy in the House", "The 2001 AUMF and efforts to repeal it",
        "Military recruitment shortfalls", "Sanctions policy made by executive order versus statute", "Tariff politics and Rust Belt voters",
        "Inspector general reports on aid oversight", "Canada's foreign interference inquiry", "The CHIPS Act and industrial policy as national security",
        "Supplemental funding fights in Congress", "Evangelical and diaspora lobbies and foreign policy", "Shipbuilding and the Navy's fleet size debate",
        "Nuclear modernisation costs and the Sentinel ICBM", "Foreign students and research security on US campuses",
    ],
    "global": [
        "Overseas military basing worldwide", "Arms control after the expiry of New START and the future of treaties", "Climate security and military planning",
        "UN Security Council reform and the veto", "The WHO pandemic agreement", "Religious freedom worldwide", "Global food prices and fertiliser",
        "The dollar's role and de-dollarisation", "BRICS expansion and a multipolar order", "Nuclear Non-Proliferation Treaty review conferences",
        "Great-power competition as an organising idea", "Autonomous weapons and AI in warfare regulation", "Global debt crisis for poor countries",
        "Sanctions as a tool of statecraft worldwide", "Refugee numbers worldwide and UNHCR funding", "Undersea cables and internet governance",
        "Space debris and anti-satellite tests", "The WTO's dispute system", "Global minimum tax and tax havens", "Critical minerals supply chains worldwide",
        "Peacekeeping missions and their record", "The arms trade treaty and global arms exports", "Foreign aid cuts across donor countries",
        "Nuclear power expansion and proliferation risk worldwide", "Cyber norms at the UN", "International Criminal Court warrants and their reach",
        "The G20 and climate finance", "Pandemic preparedness and vaccine equity", "Shipping chokepoints and global trade", "The liberal international order debate",
    ],
}

NEUTRAL_FORMS = [("wire", 22), ("news-analysis", 20), ("explainer", 9), ("report-readout", 9), ("analysis-technocratic-recs", 16),
                 ("feature", 8), ("balanced-analysis", 16)]
ARGUED_FORMS = [("oped-implicit", 14), ("oped-explicit", 9), ("thinktank-recs", 12), ("editorial", 4), ("commentary-short", 4),
                ("ridicule", 5), ("critical-analysis", 24), ("slanted-news", 28)]
VOICES = {
    "neutral": ["wire-service reporter", "newspaper foreign correspondent", "explainer journalist at a digital outlet",
                "centrist think-tank analyst", "regional newspaper reporter", "trade and economics journalist", "investigative reporter",
                "magazine features writer"],
    "restraint": ["reporter at an anti-war or restraint-minded news site", "restraint-minded think-tank fellow", "academic realist writing in a magazine", "former diplomat", "progressive anti-war writer",
                  "regional columnist from the country concerned", "retired officer sceptical of intervention", "libertarian policy writer",
                  "development economist", "newspaper editorial board", "substack newsletter writer"],
    "hawkish": ["reporter at a conservative or national-security news site", "national-security think-tank fellow", "retired general or admiral", "conservative columnist", "newspaper editorial board",
                "regional columnist from a frontline ally", "former defence official", "human-rights hawk urging pressure on a regime",
                "congressional staffer turned analyst", "substack newsletter writer"],
}
RESTRAINT_LEANING_FORMS = ("slanted-news", "critical-analysis")
LENGTHS = [("short", "80-250 words", 12), ("medium", "300-500 words", 38), ("long", "500-700 words", 35), ("longer", "700-900 words", 15)]


def pick(rng, weighted):
    """A weighted choice among tuples whose last item is the weight (the rest is returned)."""
    chosen = rng.choices(weighted, weights=[w[-1] for w in weighted])[0]
    return chosen[0] if len(chosen) == 2 else chosen[:-1]


def draw_length(rng, form: str) -> tuple[str, str]:
    """A length for a form: short commentary is always short, and only wires and
    editorials besides it may be."""
    length = pick(rng, LENGTHS)
    if form == "commentary-short":
        return ("short", "80-250 words")
    if length[0] == "short" and form not in ("wire", "editorial"):
        return ("medium", "300-500 words")
    return length


def draw_stance_and_form(rng) -> tuple[str, str, tuple[str, str]]:
    """A stance (about 35% neutral), a form for it and a length for the form."""
    stance = rng.choices(["neutral", "restraint", "hawkish"], weights=[35, 33, 32])[0]
    form = pick(rng, NEUTRAL_FORMS if stance == "neutral" else ARGUED_FORMS)
    if form in RESTRAINT_LEANING_FORMS:  # advocacy reporting is more often restraint's (from t38 on)
        stance = "restraint" if rng.random() < 0.6 else "hawkish"
    return stance, form, draw_length(rng, form)


def page_traits(rng, region: str, length: tuple[str, str], acts: bool | None = None) -> dict:
    """Whether Washington acts on a foreign subject (drawn unless given), the text comes
    with page furniture, the spelling is British."""
    if acts is None:
        acts = region != "north-america" and rng.random() < 0.45
    return {"washington_acts": acts, "page_furniture": length[0] != "short" and rng.random() < 0.18,
            "british_spelling": rng.random() < 0.3}


def specs(job: str, seed: int, n: int = 50) -> list[dict]:
    rng = random.Random(f"{job}-{seed}")
    regions = list(SUBJECTS)
    out = []
    for k in range(n):
        region = regions[(k + seed) % len(regions)] if k < 49 else rng.choice(regions)
        stance, form, length = draw_stance_and_form(rng)
        out.append({
            "n": k + 1, "stance": stance, "region": region, "form": form,
            "subject": rng.choice(SUBJECTS[region]), "voice": rng.choice(VOICES[stance]), "length": length[1],
            **page_traits(rng, region, length),
        })
    rng.shuffle(out)
    for k, s in enumerate(out):
        s["n"] = k + 1
    return out


def contrast_specs(job: str, seed: int, n_subjects: int = 10, regions: list[str] | None = None,
                   washington: float = 0.45) -> list[dict]:
    """Each subject three times, once per stance, in forms drawn as above (from t49 on).

    Real articles were misread where a subject's vocabulary stands in for a stance
    (diplomacy read as restraint, military operations as hawkish, wars as argued): the
    same subject argued both ways and reported evenly teaches that the stance is the
    author's, not the subject's.
    """
    rng = random.Random(f"{job}-{seed}-contrast")
    regions = regions or list(SUBJECTS)
    out = []
    for k in range(n_subjects):
        region = regions[(k + seed) % len(regions)]
        subject = rng.choice(SUBJECTS[region])
        acts = region != "north-america" and rng.random() < washington
        for stance in ("neutral", "restraint", "hawkish"):
            forms = NEUTRAL_FORMS if stance == "neutral" else ARGUED_FORMS
            form = pick(rng, forms)
            length = draw_length(rng, form)
            out.append({
                "stance": stance, "region": region, "form": form,
                "subject": f"{subject} (a different angle or moment from the batch's other pieces on it)",
                "voice": rng.choice(VOICES[stance]), "length": length[1], **page_traits(rng, region, length, acts),
            })
    rng.shuffle(out)
    return [{"n": k + 1, **s} for k, s in enumerate(out)]


# Batches t57-t61: real articles prescribe in shapes our writers' passages rarely took,
# and the recommendation model scored most real prescriptions near zero. Each passage
# that prescribes takes one of these shapes for at least one prescription; the others
# are reports whose calls are someone else's (what the model must not list).
PRESCRIBING_FORMS = (["thinktank-recs"] * 5 + ["thinktank-soft-recs"] * 4 + ["oped-explicit"] * 4 + ["editorial"] * 2
                     + ["analysis-technocratic-recs"] * 4 + ["wire"] * 2 + ["report-readout"] * 2 + ["oped-implicit"])
PRESCRIPTION_SHAPES = [
    "a long sentence whose prescription comes after a subordinate clause (\"Having watched three ceasefires collapse, "
    "European capitals would be better served by...\")",
    "a conditional (\"If the goal is X, the place to start is Y\", \"If Congress wants leverage, it has one tool left: ...\")",
    "a contrast without a modal (\"The answer lies not in more patrols but in...\", \"Less X, more Y.\")",
    "a sentence naming the task (\"Washington's task now is to...\", \"The job for Tokyo is...\")",
    "a negative prescription (\"None of this argues for X; it argues for Y\", \"No deal is worth signing unless...\")",
    "an impersonal one (\"Aid ought to be tied to...\", \"It makes sense to...\", \"There is a strong case for...\")",
    "a prescription carried over two or three sentences, the later ones spelling it out (\"That means funding X. It also "
    "means Y.\"): mark each of them",
    "a list of steps, each a short paragraph opening with its verb or with \"First,\" / \"Second,\"",
    "a hedged, academic one (\"Policymakers may wish to consider...\", \"A more promising avenue would be...\")",
    "a closing line that prescribes as an aphorism (\"Better a cold peace than a hot war.\")",
]
REPORTED_CALLS = ("the calls, demands and plans in it are other people's: officials, lawmakers, a report, analysts "
                  "(\"urged\", \"pressed for\", \"wants\", \"is pushing for\", \"insisted that\", \"the report "
                  "recommends\", \"is expected to\"); none is the author's")


def prescribing_specs(job: str, seed: int) -> list[dict]:
    """24 passages in prescribing forms, each prescription shape used, and reports of others' calls."""
    rng = random.Random(f"{job}-{seed}-prescribing")
    regions = list(SUBJECTS)
    out = []
    for k, form in enumerate(PRESCRIBING_FORMS):
        stance = ("neutral" if form in ("analysis-technocratic-recs", "wire", "report-readout")
                  else rng.choice(["restraint", "hawkish"]))
        region = regions[(k + seed) % len(regions)]
        length = draw_length(rng, form)
        out.append({
            "stance": stance, "region": region, "form": form, "subject": rng.choice(SUBJECTS[region]),
            "voice": rng.choice(VOICES[stance]), "length": length[1],
            "prescriptions": REPORTED_CALLS if form in ("wire", "report-readout", "oped-implicit")
            else " and ".join(rng.sample(PRESCRIPTION_SHAPES, 2)),
            **page_traits(rng, region, length),
        })
    rng.shuffle(out)
    return [{"n": k + 1, **s} for k, s in enumerate(out)]


# Batches t68-t69: in real coverage of wars, arms sales, borders and sanctions, rights
# (war crimes, civilian harm, detention, a partner's abuses, accountability) are often
# one theme among several; the seeds held "war crimes" in 14 of 3,231 passages, and
# realdev's human-rights topic, always a second or third one there, was never found.
RIGHTS_SUBJECTS = {
    "europe": ["Strikes on Ukraine's power grid in winter and the war-crimes case files", "Ukrainian children taken to Russia",
               "Prisoners of war and exchanges between Russia and Ukraine", "Belarus's political prisoners and EU sanctions",
               "Karabakh Armenians' exodus and Azerbaijan's peace terms", "Georgia's police and protesters after the election"],
    "middle-east": ["US arms transfers to Israel and the Leahy law", "Saudi-led air strikes in Yemen and Western arms sales",
                    "Syria's detainees, mass graves and sanctions relief", "Iran's executions of protesters and European talks",
                    "Egypt's political prisoners and conditions on US military aid", "Iraq's militias, disappearances and US security aid"],
    "africa": ["The Rapid Support Forces in Darfur and foreign arms supplies", "Tigray: the peace deal and transitional justice",
               "Sahel juntas, Russian mercenaries and killings of civilians", "Cobalt mining in Congo, child labour and supply-chain rules",
               "Nigerian military air strikes that hit civilians and US aircraft sales", "Refugees from Sudan in Chad and Egypt"],
    "asia-pacific": ["Myanmar's junta air strikes and an arms embargo", "Xinjiang forced labour and import bans",
                     "The Philippines' drug war and the International Criminal Court", "Afghan women under the Taliban and aid conditions",
                     "North Korean overseas workers and sanctions", "Rohingya refugees, camp violence and resettlement"],
    "latin-america": ["El Salvador's mass detention and deportations from the US", "Venezuela's political prisoners and oil licences",
                      "Mexico's militarised policing and the disappeared", "Haiti's gangs and the security mission's conduct",
                      "Nicaragua's expulsion of priests and stripping of citizenship", "Migrants at the Darién Gap and border deals"],
    "global": ["Human-rights criteria in arms export rules worldwide", "Spyware exports and the surveillance of dissidents",
               "Humanitarian exemptions in sanctions regimes", "International Criminal Court warrants and states' cooperation",
               "Targeted sanctions on rights abusers across countries", "Civilian harm from drone strikes worldwide"],
    "north-america": ["Congress and the Leahy vetting of foreign units", "A senator's hold on an arms sale over abuses",
                      "Refugee admissions caps in US politics", "The Global Magnitsky Act and its use"],
}
RIGHTS_WEIGHT = [
    ("central: rights, abuses or accountability are what the piece is mostly about", 30),
    ("one theme of several: the war, sale, border or sanctions come first, with a substantial part on civilian harm, "
     "abuses, detention, war crimes or accountability", 45),
    ("absent or a passing mention: the piece is about the military, diplomatic or economic side", 25),
]


def rights_specs(job: str, seed: int, n: int = 30) -> list[dict]:
    """Passages on wars, arms, borders and sanctions in which rights weigh more or less,
    in the usual stances and forms; writer and reader decide whether human-rights is a topic."""
    rng = random.Random(f"{job}-{seed}-rights")
    regions = list(RIGHTS_SUBJECTS)
    out = []
    for k in range(n):
        region = regions[(k + seed) % len(regions)]
        stance, form, length = draw_stance_and_form(rng)
        out.append({
            "stance": stance, "region": region, "form": form, "subject": rng.choice(RIGHTS_SUBJECTS[region]),
            "rights": pick(rng, RIGHTS_WEIGHT), "voice": rng.choice(VOICES[stance]), "length": length[1],
            **page_traits(rng, region, length),
        })
    rng.shuffle(out)
    return [{"n": k + 1, **s} for k, s in enumerate(out)]


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("job")
    parser.add_argument("seed", type=int)
    parser.add_argument("--contrast", type=int, metavar="SUBJECTS",
                        help="draw SUBJECTS subjects, each written once per stance")
    parser.add_argument("--regions", help="comma-separated regions to draw subjects from (with --contrast)")
    parser.add_argument("--washington", type=float, default=0.45,
                        help="share of foreign subjects written from Washington's side (with --contrast)")
    parser.add_argument("--prescribing", action="store_true",
                        help="24 passages in prescribing forms, their prescriptions in shapes real articles use")
    parser.add_argument("--rights", action="store_true",
                        help="30 passages on wars, arms, borders and sanctions in which rights weigh more or less")
    args = parser.parse_args()
    if args.rights:
        drawn = rights_specs(args.job, args.seed)
    elif args.prescribing:
        drawn = prescribing_specs(args.job, args.seed)
    elif args.contrast:
        drawn = contrast_specs(args.job, args.seed, args.contrast,
                               args.regions.split(",") if args.regions else None, args.washington)
    else:
        drawn = specs(args.job, args.seed)
    path = Path(__file__).resolve().parent / "specs" / f"{args.job}.json"
    path.write_text(json.dumps(drawn, indent=0))
    print(path)
