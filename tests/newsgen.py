"""A generator of plausible, invented news articles for tests and benchmarks.

Everything here is fiction assembled from templates: the countries, towns, companies, outlets and
people are made up (the Norland setting of ``examples/corpus`` plus more), and the numbers, dates
and names vary per story and per article. Several outlets report each story, in their own words
and formats (scraped text with page clutter, full HTML pages, JSON Lines rows), so ingesting a
generated corpus exercises cleaning, extraction, clustering and corroboration like real news.

Deterministic for a seed, and streaming: ``iter_articles`` yields one article at a time and
``write_corpus`` writes each as soon as it is made, so 100,000 articles never sit in memory.

    from newsgen import write_corpus
    write_corpus(Path("corpus"), n=10_000, seed=7)        # folders of .txt / .html / .jsonl
"""

from __future__ import annotations

import html
import json
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

FIRST_NAMES = [
    "Maren", "Jonas", "Sofie", "Ilse", "Kari", "Liv", "Tomas", "Anneli", "Henrik", "Elin", "Mikael", "Astrid",
    "Rafael", "Clara", "Omar", "Leila", "Priya", "Daniel", "Marta", "Viktor", "Hanna", "Oskar", "Nadia",
    "Erik", "Greta", "Felix", "Sigrid", "Amir", "Lucia", "Pavel", "Rosa", "Tobias", "Yuki", "Aiko", "Femi",
    "Ingrid", "Magnus", "Selma", "Anton", "Freya", "Lars", "Mira", "Jakob", "Thea", "Nils", "Vera", "Karim",
    "Ebba", "Stefan", "Irene", "Gustav", "Lotta", "Samuel", "Alma", "Dario", "Noor", "Petra", "Runa",
]
SURNAMES = [
    "Holt", "Lund", "Brandt", "Moen", "Sandberg", "Korpela", "Berg", "Varga", "Lindahl", "Okafor", "Castell",
    "Morrow", "Pettersen", "Aldana", "Kessler", "Navarro", "Stroud", "Halvorsen", "Ekdal", "Rasku", "Vidal",
    "Quist", "Falk", "Norberg", "Tamsen", "Ruud", "Ahlgren", "Strand", "Mattila", "Kovacs", "Delmar", "Ferro",
    "Solheim", "Virtanen", "Arnesen", "Brekke", "Carver", "Dahlgren", "Engel", "Fjeld", "Grahn", "Hedlund",
    "Iversen", "Juhl", "Kvist", "Lorentz", "Marsh", "Nyquist", "Orvik", "Prell", "Rosen", "Skogen", "Tveit",
]
TOWNS = [
    "Brennholm", "Tarnvik", "Ostholm", "Hellevik", "Kvarnsund", "Vesterby", "Solbakk", "Idrasund", "Fennwick",
    "Lorrach", "Marrow Point", "Calder Falls", "Drayton", "Aurelby", "Skarvhamn", "Nordvik", "Eastmere",
    "Halden Cross", "Ravnsberg", "Kelmouth", "Stavna", "Greyhaven", "Ulvik", "Breda Sound",
]
REGIONS = ["the north coast", "the western fjords", "the capital region", "the southern lowlands", "the islands"]
COUNTRY = "Norland"
FOREIGN = [("Estvia", "Estvian"), ("Caldoria", "Caldorian"), ("Veranth", "Veranthi"), ("Japan", "Japanese"),
           ("Canada", "Canadian"), ("Finland", "Finnish")]
COMPANIES = [
    "Veltra Energy", "Kestrel Mining", "Nordlys Shipping", "Arkona Foods", "Hallmark Steelworks",
    "Polar Grid", "Skarva Lines", "Brennholm Cement", "Tidewater Batteries", "Fjordtech", "Lumen Pharma",
    "Osprey Aerospace", "Granit Rail", "Bluefin Aquaculture", "Northstar Telecom", "Halcyon Paper",
]
UNIONS = ["Norland Transport Workers' Union", "Federation of Health Workers", "Dockworkers' Association",
          "Teachers' Union of Norland", "Metalworkers' Federation"]
PARTIES = ["Coastal Alliance", "Social Democrats", "Green Left", "Liberal Centre", "Norland First"]
MINISTRIES = ["Transport", "Finance", "Health", "Energy", "Fisheries", "Education", "Defence", "Justice"]
VESSELS = ["Skarva Star", "Northern Light", "Tarn Princess", "Hellevik Spirit", "Polar Wind", "Sea Falcon"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]


@dataclass(frozen=True)
class Outlet:
    name: str
    domain: str
    fmt: str  # "txt", "html" or "jsonl": how this outlet's pages reach us
    agency: bool = False  # writes datelines and "(Reporting by ...)" lines


OUTLETS = [
    Outlet("The Norland Herald", "norlandherald.example", "txt"),
    Outlet("NBN News", "nbn.example", "txt"),
    Outlet("Tarnvik Harbour Gazette", "harbourgazette.example", "txt"),
    Outlet("The Vesterby Post", "vesterbypost.example", "txt"),
    Outlet("Coastline Daily", "coastlinedaily.example", "html"),
    Outlet("Northline Business Review", "northline.example", "html"),
    Outlet("The Calder Observer", "calderobserver.example", "html"),
    Outlet("Eastwind News", "eastwind.example", "html"),
    Outlet("Meridian Press Agency", "meridianpress.example", "jsonl", agency=True),
    Outlet("Polar Wire", "polarwire.example", "jsonl", agency=True),
]


@dataclass
class GeneratedArticle:
    """One invented article, before rendering to a file format."""

    number: int
    story: int
    outlet: Outlet
    title: str
    authors: list[str]
    published: datetime
    paragraphs: list[str]
    url: str
    tags: list[str] = field(default_factory=list)

    @property
    def words(self) -> int:
        return sum(len(p.split()) for p in self.paragraphs)


# Most surnames are compounds, as in the Nordic setting: tens of thousands of people, a few names
# common and most rare, so entity linking meets the name collisions of a real news archive.
SURNAME_HEADS = [
    "Berg", "Lind", "Holm", "Sand", "Ek", "Dahl", "Nord", "Strand", "Fjell", "Ask", "Hag", "Lange", "Sol",
    "Vik", "Bratt", "Kvarn", "Ros", "Eng", "Sten", "Ul", "Gran", "Alm", "Bjerk", "Lie", "Ness", "Ås", "Øster",
    "Wester", "Haug", "Mo", "Ravn", "Skog", "Tor", "Vass", "Hjelm", "Karl", "Nyg", "Fager", "Lil", "Stor",
]
SURNAME_TAILS = [
    "strom", "gren", "qvist", "berg", "dal", "lund", "vik", "by", "heim", "land", "sen", "son", "man",
    "ner", "stad", "mark", "vold", "rud", "ness", "holt", "ström", "bakken", "lie", "seth", "ard",
]
MORE_FIRST_NAMES = [
    "Aksel", "Bodil", "Cecilie", "Dag", "Eirik", "Frida", "Geir", "Hedda", "Ivar", "Johanne", "Kjell", "Linnea",
    "Mats", "Nora", "Ola", "Pernille", "Ragnar", "Silje", "Trond", "Unni", "Vidar", "Wenche", "Yngve", "Åse",
    "Bjørn", "Sølvi", "Halvard", "Ingeborg", "Jørgen", "Kristin", "Leif", "Marit", "Njål", "Oddny", "Per",
    "Randi", "Sverre", "Tove", "Ulrik", "Vibeke", "Arvid", "Brit", "Carsten", "Dorthe", "Espen", "Fredrik",
]


def person(rng: random.Random) -> str:
    first = rng.choice(FIRST_NAMES) if rng.random() < 0.6 else rng.choice(MORE_FIRST_NAMES)
    if rng.random() < 0.3:
        return f"{first} {rng.choice(SURNAMES)}"
    return f"{first} {rng.choice(SURNAME_HEADS)}{rng.choice(SURNAME_TAILS)}"


def _slug(text: str) -> str:
    return "-".join("".join(ch.lower() if ch.isalnum() else " " for ch in text).split())[:70]


def _money(rng: random.Random, low: int, high: int) -> str:
    value = rng.randint(low, high)
    if value >= 1000:
        return f"{value / 1000:.1f} billion crowns"
    return f"{value} million crowns"


def _date_phrase(day: datetime) -> str:
    return f"{WEEKDAYS[day.weekday()]}, {day.day} {MONTHS[day.month - 1]}"


class _Story:
    """The facts of one invented event; every article about it draws on them."""

    KINDS = ("ferry", "rates", "plant", "storm", "strike", "election", "call", "court", "fire", "science",
             "budget", "outbreak")

    def __init__(self, index: int, rng: random.Random, start: datetime) -> None:
        self.index = index
        self.kind = self.KINDS[rng.randrange(len(self.KINDS))]
        self.day = start + timedelta(days=rng.randint(0, 364), hours=rng.randint(6, 20), minutes=rng.randint(0, 59))
        self.town = rng.choice(TOWNS)
        self.town2 = rng.choice([t for t in TOWNS if t != self.town])
        self.region = rng.choice(REGIONS)
        self.official = person(rng)
        self.official2 = person(rng)
        self.company = rng.choice(COMPANIES)
        self.ministry = rng.choice(MINISTRIES)
        self.n1 = rng.randint(12, 480)
        self.n2 = rng.randint(2, 60)
        self.pct = round(rng.uniform(0.5, 9.5), 1)
        self.pct2 = round(self.pct + rng.choice([-0.5, -0.25, 0.25, 0.5]), 2)
        self.money = _money(rng, 40, 9000)
        self.vessel = rng.choice(VESSELS)
        self.union = rng.choice(UNIONS)
        self.party = rng.choice(PARTIES)
        self.party2 = rng.choice([p for p in PARTIES if p != self.party])
        self.foreign, self.foreign_adj = rng.choice(FOREIGN)
        self.foreign_leader = person(rng)
        self.minutes = rng.choice([15, 20, 25, 30, 40, 45, 50, 60, 90])
        self.hectares = rng.randint(30, 9000)
        self.follow_up = self.day + timedelta(days=rng.randint(3, 40))

    def title(self, rng: random.Random) -> str:
        s = self
        options = {
            "ferry": [f"{s.n1} rescued after fire on ferry {s.vessel} off {s.town}",
                      f"Ferry {s.vessel} evacuated near {s.town}, {s.n2} injured",
                      f"Investigation opened into {s.vessel} fire"],
            "rates": [f"Central Bank of {COUNTRY} raises key rate to {s.pct2}%",
                      f"{COUNTRY} lifts interest rates as inflation stays at {s.pct}%",
                      f"Rate rise to {s.pct2}% surprises few in {s.town}"],
            "plant": [f"{s.company} to build plant in {s.town}, creating {s.n1} jobs",
                      f"{s.company} picks {s.town} for {s.money} factory",
                      f"{s.town} wins {s.company} investment"],
            "storm": [f"Storm floods {s.town}; {s.n1} homes evacuated",
                      f"Thousands without power after storm hits {s.region}",
                      f"Storm brings record rain to {s.town}"],
            "strike": [f"{s.union} calls strike over pay",
                       f"{s.n1 * 10} workers walk out in {s.town}",
                       f"Strike halts services in {s.town} as talks fail"],
            "election": [f"{s.party} wins {s.town} mayoral race with {s.n2}% of the vote",
                         f"{s.official} elected mayor of {s.town}",
                         f"{s.party} takes {s.town} from {s.party2}"],
            "call": [f"{s.official} and {s.foreign_leader} discuss trade in {s.minutes}-minute call",
                     f"{COUNTRY} and {s.foreign} agree to revive talks",
                     f"{s.foreign_adj} leader invites {s.official} to visit"],
            "court": [f"Court fines {s.company} {s.money} over pollution",
                      f"{s.company} loses appeal in {s.town} court",
                      f"Judge orders {s.company} to pay {s.money}"],
            "fire": [f"Forest fire near {s.town} burns {s.hectares} hectares",
                     f"Villages evacuated as wildfire spreads in {s.region}",
                     f"Firefighters battle blaze outside {s.town}"],
            "science": [f"Astronomers in {s.town} confirm new comet",
                        f"{s.town} observatory spots comet to pass Earth in {MONTHS[s.follow_up.month - 1]}",
                        f"New comet named after {s.town} researchers"],
            "budget": [f"Government adds {s.money} to {s.ministry.lower()} budget",
                       f"Minister {s.official} unveils {s.money} plan",
                       f"{s.ministry} spending to rise by {s.pct}%"],
            "outbreak": [f"{s.n1} cases of norovirus reported in {s.town}",
                         f"Health officials trace outbreak in {s.town} to school canteen",
                         f"Schools in {s.town} close after outbreak"],
        }[s.kind]
        return rng.choice(options)

    def facts(self, rng: random.Random) -> list[str]:
        """Paragraphs stating the story's facts, in one of several wordings each."""
        s = self
        when = _date_phrase(s.day)
        rng_pick = rng.choice
        if s.kind == "ferry":
            return [
                rng_pick([
                    f"A fire broke out in the engine room of the passenger ferry {s.vessel} off {s.town} on {when}, "
                    f"forcing the crew to evacuate {s.n1} passengers, the coast guard said.",
                    f"Rescue crews took {s.n1} people off the ferry {s.vessel} near {s.town} on {when} after a fire "
                    f"started below deck, according to the coast guard.",
                ]),
                f"{s.n2} people were treated for smoke inhalation and {max(1, s.n2 // 4)} were taken to hospital in "
                f"{s.town2}, officials said. No deaths were reported.",
                rng_pick([
                    f"The ferry, operated by Skarva Lines, was sailing from {s.town} to {s.town2} with "
                    f"{s.n1 + 9} people on board, including the crew.",
                    f"Skarva Lines said the {s.vessel} had left {s.town} for {s.town2} shortly before the alarm.",
                ]),
                f"The Maritime Safety Authority has opened an investigation, its director {s.official} told reporters.",
            ]
        if s.kind == "rates":
            return [
                rng_pick([
                    f"The Central Bank of {COUNTRY} raised its key interest rate to {s.pct2}% from {s.pct}% on "
                    f"{when}, its third increase this year.",
                    f"On {when} the central bank lifted its policy rate by a quarter point to {s.pct2}%, "
                    f"citing stubborn inflation.",
                ]),
                f"Consumer prices rose {s.pct}% in the year to last month, well above the bank's 2% target.",
                f"Governor {s.official} said the board had voted {s.n2 % 5 + 3} to 2 for the increase and did not "
                f"rule out another move in {MONTHS[s.follow_up.month - 1]}.",
                f"Economists at {s.company} had expected the decision, which adds about {s.n1} crowns a month to "
                f"a typical mortgage.",
            ]
        if s.kind == "plant":
            return [
                rng_pick([
                    f"{s.company} said on {when} it would build a factory in {s.town}, an investment of {s.money} "
                    f"that will create {s.n1} jobs.",
                    f"The town of {s.town} has won a {s.money} plant from {s.company}, the company announced on "
                    f"{when}, with {s.n1} jobs promised.",
                ]),
                f"Construction is due to start in {MONTHS[s.follow_up.month - 1]} and the plant should open within "
                f"{s.n2 % 4 + 2} years, chief executive {s.official} said.",
                f"The {s.ministry} Ministry will contribute {s.pct}% of the cost through a regional development fund.",
                f"{s.town2} and two other towns had also bid for the project.",
            ]
        if s.kind == "storm":
            return [
                rng_pick([
                    f"A storm dumped {s.n1} millimetres of rain on {s.town} on {when}, flooding streets and forcing "
                    f"the evacuation of {s.n1 // 3 + 5} homes.",
                    f"Heavy rain and winds of up to {s.n2 + 80} kilometres per hour hit {s.region} on {when}, and "
                    f"{s.n1 // 3 + 5} homes in {s.town} were evacuated.",
                ]),
                f"About {s.n1 * 40:,} households were without power on {WEEKDAYS[(s.day.weekday() + 1) % 7]} "
                f"morning, the grid operator Polar Grid said.",
                f"The Meteorological Institute said it was the wettest day in {s.town} since records began "
                f"{s.n2 + 60} years ago.",
                f"Mayor {s.official} asked residents to stay away from the harbour until the water receded.",
            ]
        if s.kind == "strike":
            return [
                rng_pick([
                    f"About {s.n1 * 10:,} members of the {s.union} walked out on {when} after talks with "
                    f"employers broke down.",
                    f"The {s.union} began a strike on {when}, with {s.n1 * 10:,} workers in {s.town} and "
                    f"{s.town2} taking part.",
                ]),
                f"The union is demanding a pay rise of {s.pct}% a year over two years; employers have offered "
                f"{round(s.pct / 2, 1)}%.",
                f"Union leader {s.official} said the strike would last {s.n2 % 5 + 2} days unless the employers "
                f"returned to the table.",
                f"Employers' spokesperson {s.official2} called the walkout \"disproportionate\".",
            ]
        if s.kind == "election":
            return [
                rng_pick([
                    f"{s.official} of the {s.party} won the mayoral election in {s.town} on {when} with "
                    f"{s.n2}% of the vote.",
                    f"Voters in {s.town} elected {s.official} of the {s.party} as mayor on {when}; "
                    f"{s.official.split()[1]} took {s.n2}% of the vote.",
                ]),
                f"Turnout was {min(95, s.n2 + 30)}%, up from the last election, the electoral commission said.",
                f"The {s.party2} candidate, {s.official2}, conceded defeat late on election night.",
                f"{s.official.split()[1]} will take office on {_date_phrase(s.follow_up)}.",
            ]
        if s.kind == "call":
            return [
                rng_pick([
                    f"President {s.official} and {s.foreign_adj} Prime Minister {s.foreign_leader} spoke by phone "
                    f"for {s.minutes} minutes on {when}, the presidential office said.",
                    f"In a {s.minutes}-minute call on {when}, {s.official} and {s.foreign_leader} agreed to revive "
                    f"a ministerial dialogue on trade.",
                ]),
                f"{s.foreign_leader} invited {s.official} to visit {s.foreign}, and {s.official.split()[1]} "
                f"accepted, according to spokesperson {s.official2}.",
                f"Trade between {COUNTRY} and {s.foreign} was worth {s.money} last year.",
                f"The two leaders also discussed shipping routes and {s.company}'s plans in {s.foreign}.",
            ]
        if s.kind == "court":
            return [
                rng_pick([
                    f"A court in {s.town} fined {s.company} {s.money} on {when} for releasing waste water into "
                    f"the river.",
                    f"{s.company} must pay {s.money} after the {s.town} district court found on {when} that it had "
                    f"polluted the river for years.",
                ]),
                f"Judge {s.official} said the company had ignored {s.n2} warnings from the environmental agency.",
                f"{s.company} said it would appeal. Its lawyer, {s.official2}, called the fine \"excessive\".",
                f"Prosecutors had asked for {s.pct}% of the company's annual turnover.",
            ]
        if s.kind == "fire":
            return [
                rng_pick([
                    f"A forest fire near {s.town} had burned {s.hectares:,} hectares by {when}, the rescue "
                    f"service said.",
                    f"Firefighters were battling a wildfire outside {s.town} on {when} that had spread over "
                    f"{s.hectares:,} hectares.",
                ]),
                f"{s.n1} people from {s.n2 % 6 + 2} villages were evacuated, and the road to {s.town2} was closed.",
                f"Incident commander {s.official} said dry weather and strong winds made the fire hard to contain.",
                f"Two water-bombing aircraft were sent from {s.foreign} to help.",
            ]
        if s.kind == "science":
            return [
                rng_pick([
                    f"Astronomers at the {s.town} observatory confirmed on {when} the discovery of a new comet.",
                    f"A comet first spotted by researchers in {s.town} was confirmed on {when} by the "
                    f"International Astronomical Union.",
                ]),
                f"The comet will pass closest to Earth on {_date_phrase(s.follow_up)}, at about {s.n1} million "
                f"kilometres, team leader {s.official} said.",
                f"It may be visible with binoculars from {s.region} for {s.n2 % 9 + 3} nights.",
                f"The find was made with a telescope funded by {s.company}.",
            ]
        if s.kind == "budget":
            return [
                rng_pick([
                    f"The government will add {s.money} to the {s.ministry.lower()} budget next year, Minister "
                    f"{s.official} said on {when}.",
                    f"On {when}, {s.ministry} Minister {s.official} announced {s.money} in extra spending.",
                ]),
                f"The increase amounts to {s.pct}% and will pay for {s.n1} new posts, the ministry said.",
                f"The opposition {s.party} said the plan was \"too little, too late\".",
                f"Parliament will vote on the budget on {_date_phrase(s.follow_up)}.",
            ]
        return [  # outbreak
            rng_pick([
                f"Health officials in {s.town} reported {s.n1} cases of norovirus on {when}, most of them children.",
                f"An outbreak of norovirus has sickened {s.n1} people in {s.town}, health officials said on {when}.",
            ]),
            f"{s.n2 % 8 + 1} schools were closed for cleaning, and {s.n2 // 5 + 1} people were treated in hospital.",
            f"Chief medical officer {s.official} said the outbreak had been traced to a school canteen.",
            f"Inspectors from the {s.ministry} Ministry were sent to {s.town} on "
            f"{WEEKDAYS[(s.day.weekday() + 1) % 7]}.",
        ]


_BACKGROUND = [
    "{town} has a population of about {pop:,} and is one of the busiest ports on {region}.",
    "It was the {ordinal} such incident in {town} in {years} years, according to local records.",
    "Officials said a full report would be published within {weeks} weeks.",
    "The news was welcomed by local businesses, which have struggled since the pandemic.",
    "Critics in parliament called for an inquiry, saying warnings had been ignored for years.",
    "The opposition said it would raise the matter in parliament next week.",
    "Residents of {town} gathered in the main square on the evening after the announcement.",
    "Analysts said the decision could affect prices across {region} for months.",
    "Local radio reported long queues at the {town} town hall as people sought information.",
    "A spokesperson for the regional council said it was too early to estimate the cost.",
    "The regional council in {town} met in an emergency session on the same evening, and councillor {name2} "
    "said the town would ask the national government for help with the cost of the clean-up.",
    "According to figures from the statistics office, {town} has lost about {pct}% of its jobs in the past "
    "decade, and unemployment in {region} stands at {pct2}%, above the national average.",
    "The last comparable case was in {year}, when {count} people were affected and the government promised "
    "new rules. Those rules were never passed, {name2} of the Institute for Public Policy said.",
    "Opposition politicians were quick to react. {name2}, who leads the {party} group in parliament, said "
    "the government had been warned \"again and again\" and had done nothing.",
    "Local newspapers in {region} devoted their front pages to the news on the following day, and several "
    "radio stations interrupted their programmes with special reports.",
    "A survey published last month by the polling firm Nordic Pulse found that {pct3}% of people in {region} "
    "were worried about the state of public services, up from {pct4}% a year earlier.",
    "The authorities said they would hold a public meeting in {town} next week, where residents could put "
    "their questions to officials from the {ministry} Ministry.",
    "Historians note that {town} was founded as a fishing village in the {century}th century and grew "
    "quickly after the railway from {town2} arrived.",
    "Business owners in the centre of {town} said trade had slowed in the days that followed, and some "
    "estimated their losses at several thousand crowns.",
    "Further updates are expected later in the week, when officials will brief journalists in {town2}.",
    "The government has faced mounting criticism over its handling of regional affairs since the last "
    "election, and its approval rating fell to {pct3}% in a poll published in {month}.",
    "Transport links between {town} and {town2} were running normally by the end of the day, the rail "
    "operator said, although some buses were delayed by up to {weeks}0 minutes.",
    "Emergency services in {region} received more than {count} calls in the first 24 hours, a spokesperson "
    "for the rescue service said, many of them from people asking for information.",
    "{name2}, a professor at the University of {town2}, said the events showed how exposed small coastal "
    "communities had become. \"The margins are very thin,\" {name2} said.",
]
_VOICES = [
    '"We did not expect this at all," said {name}, {age}, who lives in {town}.',
    '"It has been a difficult week for everyone here," {name}, {job} from {town}, told {outlet}.',
    '{name}, {age}, {job}, said the authorities had to learn lessons. "We need answers," {first} said.',
    '"People are worried, but they are calm," said {name}, who runs a {shop} in {town}.',
    '{name}, {job} in {town}, said the mood had changed. "Everyone is talking about it," {first} said.',
]
_JOBS = ["teacher", "fisherman", "nurse", "shop owner", "taxi driver", "student", "engineer", "retired sailor",
         "bus driver", "baker", "electrician", "farmer"]
_SHOPS = ["bakery", "hardware store", "cafe", "bookshop", "fish market stall", "pharmacy"]
_ORDINALS = ["second", "third", "fourth", "fifth"]


def _a(noun: str) -> str:
    return ("an " if noun[0] in "aeiou" else "a ") + noun


def _article(number: int, story: _Story, rng: random.Random) -> GeneratedArticle:
    outlet = rng.choice(OUTLETS)
    facts = story.facts(rng)
    lead, rest = facts[0], facts[1:]
    rng.shuffle(rest)
    values = {
        "town": story.town, "region": story.region, "pop": rng.randint(8, 400) * 1000,
        "ordinal": rng.choice(_ORDINALS), "years": rng.randint(3, 30), "weeks": rng.randint(2, 12),
        "name2": person(rng), "pct": rng.randint(3, 25), "pct2": round(rng.uniform(2, 14), 1),
        "year": rng.randint(1995, 2024), "count": rng.randint(20, 5000), "party": rng.choice(PARTIES),
        "pct3": rng.randint(30, 80), "pct4": rng.randint(20, 70), "ministry": story.ministry,
        "century": rng.randint(12, 18), "town2": story.town2, "month": rng.choice(MONTHS),
    }
    background = [b.format(**values) for b in rng.sample(_BACKGROUND, rng.randint(8, 14))]
    voices = [
        v.format(name=(name := person(rng)), first=name.split()[0], age=rng.randint(19, 88), town=story.town, job=_a(rng.choice(_JOBS)),
                 shop=rng.choice(_SHOPS), outlet=outlet.name)
        for v in rng.sample(_VOICES, rng.randint(2, 4))
    ]
    body = [lead, *rest[: rng.randint(2, len(rest))]]
    extra = background + voices
    rng.shuffle(extra)
    body += extra
    published = story.day + timedelta(hours=rng.randint(1, 40), minutes=rng.randint(0, 59))
    authors = [person(rng) for _ in range(rng.choice([1, 1, 1, 2]))]
    if outlet.agency:  # wire copy: a dateline and a reporting credit
        body[0] = f"{story.town.upper()}, {MONTHS[story.day.month - 1]} {story.day.day} ({outlet.name.split()[0]}) " \
                  f"- {body[0]}"
        body.append(f"(Reporting by {authors[0]}; Editing by {person(rng)})")
    title = story.title(rng)
    url = f"https://www.{outlet.domain}/news/{published:%Y/%m/%d}/{_slug(title)}-{number}"
    return GeneratedArticle(number, story.index, outlet, title, authors, published, body, url, [story.kind])


def iter_articles(n: int, seed: int = 7, per_story: int = 8, start: datetime | None = None) -> Iterator[
        GeneratedArticle]:
    """``n`` articles about ``n / per_story`` stories on average, interleaved as a news feed would be.

    A small window of open stories is kept (never all of them), so memory stays flat for any ``n``.
    """
    rng = random.Random(seed)
    start = start or datetime(2026, 1, 5)
    open_stories: list[_Story] = []
    next_story = 0
    for number in range(n):
        if not open_stories or rng.random() < 1 / per_story or len(open_stories) < 4:
            open_stories.append(_Story(next_story, rng, start))
            next_story += 1
            if len(open_stories) > 12:
                open_stories.pop(0)
        yield _article(number, rng.choice(open_stories), rng)


# ---------------------------------------------------------------- rendering


def render_txt(a: GeneratedArticle) -> str:
    """A scraped page as text: the outlet's menu, byline and stamps, body, related list, footer."""
    stamp = a.published.strftime("%d %b %Y, %H:%M")
    lines = [
        a.outlet.name,
        "Home | News | Politics | Business | World | Sport | Weather",
        "Subscribe   Log in",
        "",
        a.title,
        "",
        "By " + " and ".join(name.upper() for name in a.authors),
        f"Published: {stamp}",
        "",
        *[p + "\n" for p in a.paragraphs],
        "To write comments, please log in.",
        "",
        "Related articles",
        f"More news from {a.outlet.name}",
        "2 Min read",
        "",
        f"© {a.published.year} {a.outlet.name}. All rights reserved.",
    ]
    return "\n".join(lines) + "\n"


def render_html(a: GeneratedArticle) -> str:
    """A full news page: meta tags, navigation, the article, an aside and a footer."""
    e = html.escape
    iso = a.published.strftime("%Y-%m-%dT%H:%M:%S+01:00")
    paragraphs = "\n".join(f"      <p>{e(p)}</p>" for p in a.paragraphs)
    return f"""<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>{e(a.title)} | {e(a.outlet.name)}</title>
  <meta property="og:title" content="{e(a.title)}">
  <meta property="og:site_name" content="{e(a.outlet.name)}">
  <meta property="og:url" content="{e(a.url)}">
  <meta name="author" content="{e(', '.join(a.authors))}">
  <meta property="article:published_time" content="{iso}">
</head>
<body>
  <nav><a href="/">Home</a> <a href="/news">News</a> <a href="/business">Business</a> <a href="/sport">Sport</a></nav>
  <div class="cookie-banner">We use cookies to improve your experience. <button>Accept</button></div>
  <main>
    <article>
      <h1>{e(a.title)}</h1>
      <p class="byline">By {e(' and '.join(a.authors))}</p>
      <time datetime="{iso}">{a.published:%d %B %Y %H:%M}</time>
{paragraphs}
    </article>
    <aside><h2>Related</h2><ul><li><a href="/news/1">More from {e(a.outlet.name)}</a></li></ul></aside>
  </main>
  <footer>© {a.published.year} {e(a.outlet.name)}</footer>
</body>
</html>
"""


def render_jsonl(a: GeneratedArticle) -> str:
    """One JSON Lines row as a news agency feed carries it (no trailing newline)."""
    return json.dumps({
        "text": "\n".join(a.paragraphs), "url": a.url, "title": a.title, "outlet": a.outlet.name,
        "published": a.published.strftime("%Y-%m-%dT%H:%M:%S+01:00"), "authors": a.authors,
    }, ensure_ascii=False)


def write_corpus(root: Path, n: int, seed: int = 7, per_folder: int = 1000, rows_per_feed: int = 500,
                 formats: tuple[str, ...] = ("txt", "html", "jsonl")) -> dict[str, int]:
    """Write ``n`` articles under ``root``, each as soon as it is generated (streaming).

    Each article takes its outlet's format when that format is in ``formats`` (else the first
    of ``formats``): text and HTML pages are one file each, in folders of ``per_folder`` files;
    JSON Lines rows go into feeds of ``rows_per_feed`` rows. Returns counts: ``articles``,
    ``files``, ``words`` and one per format.
    """
    root.mkdir(parents=True, exist_ok=True)
    counts = {"articles": 0, "files": 0, "words": 0, **{f: 0 for f in formats}}
    feed = None
    feed_rows = 0
    try:
        for a in iter_articles(n, seed):
            fmt = a.outlet.fmt if a.outlet.fmt in formats else formats[0]
            counts[fmt] += 1
            counts["articles"] += 1
            counts["words"] += a.words
            if fmt == "jsonl":
                if feed is None or feed_rows >= rows_per_feed:
                    if feed is not None:
                        feed.close()
                    feed = (root / f"feed-{counts['files']:06d}.jsonl").open("w", encoding="utf-8")
                    counts["files"] += 1
                    feed_rows = 0
                feed.write(render_jsonl(a) + "\n")
                feed_rows += 1
                continue
            folder = root / f"{a.outlet.domain.split('.')[0]}-{a.number // per_folder:04d}"
            folder.mkdir(exist_ok=True)
            text = render_txt(a) if fmt == "txt" else render_html(a)
            (folder / f"{a.number:06d}-{_slug(a.title)[:40]}.{fmt}").write_text(text, encoding="utf-8")
            counts["files"] += 1
    finally:
        if feed is not None:
            feed.close()
    return counts
