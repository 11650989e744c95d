"""Fixed locutions: runs of words that name nothing on their own ("au sein de", "a number of").

A chapter title made of a point's words never opens inside one: "au sein de l'Urssaf Caisse
Nationale" gives "L'Urssaf Caisse Nationale", not "Sein de l'Urssaf …"; "un certain nombre
d'instruments de politique" gives "Instruments de politique", not "Certain nombre d'…".
"""

import functools
import re

_DE = r"(?:de|du|des|d['’])"
LOCUTIONS = {
    "fr": (rf"au sein {_DE}", rf"en matière {_DE}", rf"un certain nombre {_DE}", rf"(?:un )?(?:grand|bon) nombre {_DE}",
           rf"à hauteur {_DE}", rf"en termes {_DE}", rf"dans le cadre {_DE}", rf"à l['’]égard {_DE}",
           rf"au cours {_DE}", rf"en raison {_DE}", r"grâce (?:à|aux?)", r"à (?:grande|petite) échelle",
           rf"au fil {_DE}", rf"à l['’]aide {_DE}", rf"au niveau {_DE}", rf"en fonction {_DE}",
           r"en ce qui concerne", r"par rapport (?:à|aux?)", rf"à la suite {_DE}", rf"en vue {_DE}",
           rf"par le biais {_DE}", rf"en faveur {_DE}", rf"à titre {_DE}", rf"au moyen {_DE}",
           rf"à l['’]issue {_DE}", rf"de la part {_DE}", rf"à l['’]instar {_DE}", rf"la plupart {_DE}",
           rf"une partie {_DE}", rf"tout au long {_DE}", r"à l['’]heure actuelle", rf"à l['’]échelle {_DE}",
           rf"en cours {_DE}", rf"au-delà {_DE}", r"en tant que", r"au total", rf"à destination {_DE}",
           rf"la majorité {_DE}", rf"une (?:vaste |large |longue )?série {_DE}",
           r"à (?:long|court|moyen) terme", r"de (?:façon|manière)",
           # verbs said with a noun: "mise en œuvre de la gestion", "faites partie d'une équipe"
           r"(?:mise?s?|mettre) en (?:œuvre|place)", rf"(?:fai\w*|font|fer\w*) partie {_DE}",
           rf"(?:ten\w*|tien\w*) compte {_DE}", r"(?:prend\w*|pris\w*) en compte"),
    "en": (r"a (?:large |small |growing )?number of",
           r"in terms of", r"as part of", r"on behalf of",
           r"(?:in|into) the hands of", r"on top of", r"in front of", r"a lot of", r"lots of", r"a couple of",
           r"a bit of", r"in spite of", r"by means of", r"with regards? to", r"with respect to", r"in favou?r of",
           r"the (?:overwhelming |vast )?majority of", r"a (?:wide |broad )?(?:variety|range|series|set|total) of",
           r"in light of", r"at the (?:end|start|beginning) of", r"in the middle of", r"the rest of",
           r"at scale", r"on average", r"at least", r"in particular", r"in order to", r"because of",
           r"instead of", r"in addition to", r"as well as", r"kind of", r"sort of", r"due to", r"thanks to",
           r"according to"),
}


@functools.lru_cache(maxsize=2)
def locutions_re(lang: str) -> re.Pattern:
    forms = sorted(LOCUTIONS.get(lang, ()), key=len, reverse=True)
    return re.compile(r"(?<![\w'’-])(?:" + "|".join(forms) + r")(?:(?<=['’])|(?![\w-]))", re.I)


def without_locutions(text: str, lang: str) -> str:
    """The text with each fixed locution replaced by a stop, so that no run of words taken as a
    title starts inside one; the noun phrase after it stands on its own."""
    return locutions_re(lang).sub(" | ", text)
