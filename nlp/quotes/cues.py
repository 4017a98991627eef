"""The lexicon of speech cues and the patterns that find them next to a quote."""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

# Cues that take a clause as their object with no comma between: 他认为这是……
CLAUSE_CUES = "认为|宣布|指出|透露|声称|宣称|表明|强调指出"
# Characters that end the clause a speaker and cue must sit in; a bracket closes a byline (（记者刘加文）).
CLAUSE_BREAK = "。！？；，、：:,;!?\n“”「」『』（）()"
# A speaker's clause may hold a title chain joined by 、 (党支部书记、总经理刘昌).
SUBJECT_BREAK = CLAUSE_BREAK.replace("、", "")
SENTENCE_END = "。！？!?"
# Words that can stand between the speaker and the cue (他也说, 刘昌曾表示, 她笑着说).
ADVERBS = "也|还|又|都|则|就|便|曾|曾经|再次|一再|多次|特别|同时|进一步|明确|反复|深有感触地|感慨地|笑着|激动地|动情地|坦率地|认真地|高兴地|自豪地|风趣地|郑重地"
# 说 after these is a discourse phrase, no one's speech: 可以说, 也就是说, 具体说, 俗话说 (a proverb).
DISCOURSE_SAY = re.compile(
    "(?:可以|应当|应该|也就是|这就是|就是|具体|具体地|总的来|一般来|一般地|老实|坦率地|换句话|确切地|严格地|比如|"
    "俗话|常言|老话|不用|所以|因而|因此|再|反过来|相对来|客观地|总体上|实事求是地|不客气地|毫不夸张地|这么一|这样一|那么一)$"
)
# 对作家来说, 对于初中孩子来说: a point of view, no one's speech (but 站起来说 is)
FOR_SOMEONE = re.compile("(?:对|对于|就)[^，。：；“”]{1,20}来$")
# 问 inside a word that asks nothing: 慰问, 访问, 顾问, 学问
NOT_ASKING_BEFORE = set("慰访顾学疑审拷责")
# a cue after these is a noun: 进行了严厉批评, 作出承诺
NOMINAL_USE = re.compile("(?:进行|给予|予以|加以|受到|遭到|作出|做出|提出)了?[\u4e00-\u9fff]{0,2}$")
# 称 is a naming verb in these words, not a verb of saying.
NAMING_BEFORE_CHENG = set("被号堪俗简昵人统自誉或并素通泛名")


@lru_cache(maxsize=1)
def cue_words() -> tuple[str, ...]:
    lines = resources.files("nlp.quotes").joinpath("cues.txt").read_text("utf-8").splitlines()
    words = {line.strip() for line in lines if line.strip() and not line.startswith("#")}
    return tuple(sorted(words, key=len, reverse=True))


@lru_cache(maxsize=1)
def cue_pattern() -> str:
    return "(?:" + "|".join(re.escape(w) for w in cue_words()) + ")"


@lru_cache(maxsize=1)
def cue_before_quote() -> re.Pattern:
    """A cue ending just before an opening mark: 说：“ / 表示，“ / 称“ / 告诉记者：“ (an addressee
    may stand between the cue and a colon; the caller checks the colon)."""
    return re.compile(f"(?P<cue>{cue_pattern()})(?:道|着|起来|过|了)?(?P<addressee>[^，。：；“”、？！?!\\n]{{0,12}}?)(?P<punct>[：:，,]?)\\s*$")


@lru_cache(maxsize=1)
def cue_after_quote() -> re.Pattern:
    """A short subject clause and a cue just after a closing mark: ”刘璇说， / ”他表示。"""
    return re.compile(
        f"[，,]?(?P<subject>[^{SUBJECT_BREAK}]{{1,30}}?)(?:{ADVERBS})?(?P<cue>{cue_pattern()})(?:道)?(?=[{CLAUSE_BREAK}]|时|$)"
    )


DATELINE_CHARS = 20  # how far back a dateline's 记者 may stand before its 报道

# who may be told between a cue and the comma that opens what they are told (崔老汉告诉我，……)
SHORT_ADDRESSEES = "我们|我|大家|他们|他|她们|她|你们|你|记者|笔者"


@lru_cache(maxsize=1)
def cue_opening_indirect() -> re.Pattern:
    """A cue followed by a comma or colon that opens reported content without quote marks, or
    one of the cues whose object is always a clause (认为……, 宣布……; not 宣布了他的发现)."""
    return re.compile(
        f"(?:(?P<cue>{cue_pattern()})(?:{SHORT_ADDRESSEES}|的)?(?P<punct>[：:，,])|(?P<cue_clause>{CLAUSE_CUES})(?![了着过出的]))(?![“「『])"
    )


def is_not_a_cue(text: str, cue_start: int, cue: str) -> bool:
    """称 naming something (俗称, 被称), 说 in a discourse phrase (可以说, 也就是说, 俗话说), or a
    dateline's 报道 (新华社记者李佩报道：), which reports, where 据上海一家报纸报道， attributes."""
    if cue == "称":
        return cue_start > 0 and text[cue_start - 1] in NAMING_BEFORE_CHENG
    if cue == "问":
        return cue_start > 0 and text[cue_start - 1] in NOT_ASKING_BEFORE
    if text[max(0, cue_start - 2) : cue_start].endswith(("被", "被人")):
        return True  # 被认为, 被人认为: what is thought of something, no one's words
    if NOMINAL_USE.search(text, max(0, cue_start - 6), cue_start):
        return True
    if cue == "报道":  # and 的专题报道， is a noun
        return "记者" in text[max(0, cue_start - DATELINE_CHARS) : cue_start] or "的" in text[max(0, cue_start - 3) : cue_start]
    return cue in ("说", "讲") and (
        DISCOURSE_SAY.search(text, max(0, cue_start - 4), cue_start) is not None
        or FOR_SOMEONE.search(text, max(0, cue_start - 24), cue_start) is not None
    )
