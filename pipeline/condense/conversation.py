"""The conversation format: a key-points script told by two hosts, as turns.

The lead host carries each point's extracted sentences verbatim, at most
MAX_TURN_SENTENCES to a turn; the co-host opens each point and bridges between
the lead's turns with a line of a small bank (LINES), keyed to what comes next:
the first point, a section heading, a figure that changed, a contrast, a cause,
the closing take-away. No line recurs in an episode. A co-host line holds no
number, unless it names the point's title and every number of that title is in
the lead's sentences of the point: the co-host never brings a figure of its own.

    script.yaml, format: conversation
      hosts: [{name: Claire, voice: kokoro:af_heart}, {name: Hugo, voice: piper}]
                            (an online voice, gtts:co.uk, also names its `offline:` one)
      intro: ...            spoken by the lead host, naming both
      points:
        - title: ...
          text: ...         the point's sentences (show notes, feed)
          turns: [{speaker: Hugo, text: ...}, {speaker: Claire, text: ...}, ...]
      outro: ...            spoken by the co-host
"""

from __future__ import annotations

import hashlib
import re

from .. import numbers
from ..config.hosts import Host
from ..contracts import Point, Post, Script
from ..errors import InputError
from ..text import de
from ..tts.sentences import sentence_spans
from .dates import spoken_date

MAX_TURN_SENTENCES = 3

# What a lead turn opens on or says, per language: it keys the co-host's line before it.
CONTRAST_RE = {
    "en": re.compile(r"^\W*(but|however|yet|still|although|though|instead)\b", re.I),
    "fr": re.compile(r"^\W*(mais|cependant|pourtant|toutefois|en revanche|or|néanmoins)\b", re.I),
}
CAUSE_RE = {
    "en": re.compile(r"\b(because|due to|thanks to|as a result|therefore|that is why)\b", re.I),
    "fr": re.compile(r"\b(parce que|grâce à|en raison|puisque|c'est pourquoi)\b", re.I),
}
CHANGE_RE = {
    "en": re.compile(r"\b(up|down|rose|fell|grew|increased?|decreased?|dropped|jumped|doubled|"
                     r"tripled|from \S+ to|faster|slower|higher|lower|more than|less than)\b", re.I),
    "fr": re.compile(r"\b(hausse|baisse|augment\w*|diminu\w*|progress\w*|recul\w*|pass\w* de|"
                     r"plus de|moins de|fois)\b", re.I),
}
# A title's first word said mid-sentence in lower case ("What about the risks ahead?").
COMMON_FIRST = {"the", "a", "an", "what", "who", "why", "how", "when", "where", "our", "your", "le", "la",
                "les", "un", "une", "des", "ce", "ces", "pourquoi", "comment", "qui", "quoi", "quand", "où"}

# The co-host's lines, by what they lead into. "{title}" is the point's title.
LINES: dict[str, dict[str, list[str]]] = {
    "en": {
        "first": ["So, where does it start?", "Let's begin. What's the first thing to know?",
                  "Where do we start?"],
        "heading": ["Next up: {title}.", "Let's move on to {title}.", "What about {title}?",
                    "Now, {title}. What happened there?", "Tell me about {title}."],
        "figure": ["What do the numbers say?", "And how much did that change?",
                   "Give me the figures.", "How big was the change?", "So what moved?"],
        "contrast": ["But there's a catch, right?", "Is there another side to it?",
                     "Was it all good news?", "And the flip side?"],
        "cause": ["Why is that?", "What's behind it?", "How did that come about?",
                  "What explains it?"],
        "closing": ["And to wrap up, what's the take-away?", "So what should we remember?",
                    "One last point?", "How does it end?"],
        "more": ["Go on.", "And then?", "Interesting. What else?", "Okay, tell me more.",
                 "Right. And?", "Keep going."],
        "generic": ["What's next?", "What else is in the post?", "Anything else worth knowing?",
                    "What comes after that?", "Let's keep going.", "Okay. Next?"],
    },
    "fr": {
        "first": ["Alors, par quoi commence-t-on ?", "Commençons. Quel est le premier point ?",
                  "On commence par quoi ?"],
        "heading": ["Passons à : {title}.", "Parlons maintenant de : {title}.",
                    "Et du côté de : {title} ?", "Ensuite : {title}. Que s'est-il passé ?",
                    "Dis-m'en plus sur : {title}."],
        "figure": ["Que disent les chiffres ?", "Et de combien cela a-t-il changé ?",
                   "Donne-moi les chiffres.", "Le changement est de quelle ampleur ?",
                   "Qu'est-ce qui a bougé ?"],
        "contrast": ["Mais il y a un bémol, non ?", "Et l'autre côté de la médaille ?",
                     "Tout n'est pas rose, alors ?", "Et le revers ?"],
        "cause": ["Pourquoi ?", "Qu'est-ce qui explique cela ?", "Comment en est-on arrivé là ?",
                  "D'où cela vient-il ?"],
        "closing": ["Et pour conclure, que faut-il retenir ?", "Qu'en retient-on, alors ?",
                    "Un dernier point ?", "Et pour finir ?"],
        "more": ["Continue.", "Et ensuite ?", "Intéressant. Quoi d'autre ?", "D'accord, dis-m'en plus.",
                 "Je vois. Et ?", "Vas-y."],
        "generic": ["Et après ?", "Qu'y a-t-il d'autre dans l'article ?", "Autre chose à savoir ?",
                    "Quelle est la suite ?", "Continuons.", "D'accord. La suite ?"],
    },
}

INTRO = {
    "en": "Welcome. I'm {lead}, and with me is {co}. Today: the key points of the post{by}: {title}.",
    "fr": "Bonjour, je suis {lead}, et avec moi, {co}. Aujourd'hui : les points clés de l'article{by} : {title}.",
}
BY = {"en": " by {author}", "fr": " {de_author}"}
DATED = {"en": " It was published on {date}.", "fr": " Il a été publié le {date}."}
OUTRO = {
    "en": "That's it from {lead} and me, {co}: those were the key points of {title}. The full post, "
          "with its sources, is linked in the show notes. Thanks for listening.",
    "fr": "C'est tout pour {lead} et moi, {co} : c'étaient les points clés de l'article {title}. "
          "L'article complet et ses sources sont dans les notes de l'épisode. Merci de votre écoute.",
}


def split_turns(text: str, lang: str, most: int = MAX_TURN_SENTENCES) -> list[str]:
    """The point's sentences, verbatim, in runs of at most `most`, as even as they can be."""
    spans = sentence_spans(text, lang)
    if not spans:
        return [text.strip()] if text.strip() else []
    count = -(-len(spans) // most)            # the fewest turns that hold them
    size, extra = divmod(len(spans), count)
    out, i = [], 0
    for k in range(count):
        n = size + (k < extra)
        out.append(text[spans[i][0]:spans[i + n - 1][1]].strip())
        i += n
    return out


def lead_key(chunk: str, lang: str, where: str) -> str:
    """What a co-host line before `chunk` should be keyed to."""
    if CONTRAST_RE[lang].search(chunk):
        return "contrast"
    if CAUSE_RE[lang].search(chunk):
        return "cause"
    if numbers.extract(chunk, lang) and CHANGE_RE[lang].search(chunk):
        return "figure"
    return where


class LineBank:
    """The co-host's lines of one episode: each used once; a seed varies them between posts."""

    def __init__(self, lang: str, seed: str):
        self.lines = LINES[lang]
        self.used: set[str] = set()
        self.offset = int(hashlib.sha256(seed.encode("utf-8")).hexdigest()[:8], 16)

    def take(self, key: str, title: str | None = None) -> str:
        for k in (key, "generic", "more"):
            if k == "heading" and not title:
                continue
            options = self.lines[k]
            for j in range(len(options)):
                line = options[(self.offset + j) % len(options)]
                if line not in self.used:
                    self.used.add(line)
                    return line.format(title=title) if title else line
        raise InputError("the co-host's line bank ran out of lines for this episode",
                         "shorten the script (fewer points) or edit script.yaml by hand")


def title_for_cohost(title: str, lead_text: str, lang: str) -> str | None:
    """The point's title when the co-host may say it: every number in it is in the lead's lines."""
    title = title.rstrip(" .?!:")
    if not title or title.endswith("…"):
        return None          # a sentence cut short is no title to say
    first = title.split()[0]
    if first.casefold() in COMMON_FIRST and not first.isupper():
        title = title[0].lower() + title[1:]
    said = numbers.extract(title, lang)
    if said and any(o is None for o in numbers.trace(said, numbers.extract(lead_text, lang), lang)):
        return None
    return title


def point_turns(point: Point, index: int, last: bool, lang: str, hosts: tuple[Host, Host],
                bank: LineBank) -> list[dict[str, str]]:
    """One point as turns: the co-host's opener, then the lead's runs with a bridge between."""
    lead, co = hosts
    chunks = split_turns(point["text"], lang)
    where = "first" if index == 1 else "closing" if last else "heading"
    key = lead_key(chunks[0], lang, where) if where == "heading" else where
    title = title_for_cohost(point.get("title") or "", point["text"], lang) if key == "heading" else None
    turns = [{"speaker": co.name, "text": bank.take(key, title)}]
    for k, chunk in enumerate(chunks):
        if k:
            turns.append({"speaker": co.name, "text": bank.take(lead_key(chunk, lang, "more"))})
        turns.append({"speaker": lead.name, "text": chunk})
    return turns


def as_conversation(script: Script, post: Post, hosts: tuple[Host, Host]) -> Script:
    """A narration script (condense.make_script) told by two hosts."""
    lang = script["language"]
    lead, co = hosts
    bank = LineBank(lang, str(post.get("title") or "") + str(post.get("source") or ""))
    points = script["points"]
    for i, p in enumerate(points, 1):
        p["turns"] = point_turns(p, i, i == len(points) and len(points) > 1, lang, hosts, bank)
    intro, outro = intro_outro(post, hosts)
    return {**script, "format": "conversation",
            "hosts": [h.as_script(lang) for h in hosts],
            "intro": intro, "outro": outro}


def intro_outro(post: Post, hosts: tuple[Host, Host]) -> tuple[str, str]:
    """The intro (the lead names both hosts, the post, its author and date) and the outro."""
    lang = post["language"]
    title = (post.get("title") or "").rstrip(" .")
    author = post.get("author") or ""
    by = BY[lang].format(author=author, de_author=de(author)) if author else ""
    intro = INTRO[lang].format(lead=hosts[0].name, co=hosts[1].name, by=by, title=title)
    if date := spoken_date(post.get("date"), lang):
        intro += DATED[lang].format(date=date)
    return intro, OUTRO[lang].format(lead=hosts[0].name, co=hosts[1].name, title=title)
