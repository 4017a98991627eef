"""Who said it: the speaker mention in the subject of a cue.

The subject region is the text between the start of the cue's clause and the cue. Inside it the
speaker is, in order: a person entity (the first: the subject comes before objects such as
董建华告诉库克), a pronoun resolved to the last person named before it, a name right after a title
(副局长严斌), an organisation, or else a short description (一位村民, 许多人). When the clause holds
no subject (春姑离开茶楼的那天早上，对女儿说), the earlier clauses of the sentence are searched for
a person.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import jieba.posseg
from spacy.tokens import Doc, Span

from nlp.corpus import doc_text
from nlp.ner import HONORIFIC_SURNAMES, TITLE_WORDS
from nlp.quotes.cues import SENTENCE_END, SUBJECT_BREAK
from nlp.quotes.marks import TOP_LEVEL_OPENERS

PRONOUNS = re.compile("他们|她们|他|她")
PLURAL = ("他们", "她们")
# a person named in a description: 一位叫扎西的老牧民
CALLED = re.compile("[位名个]叫(?P<name>[\u4e00-\u9fff·]{2,4}?)的")
# When, between a subject and its cue: 萨达姆２９日表示, 他今天说.
TIME = r"[０-９0-9]{1,2}[日号]|今天|昨天|前天|今日|昨日|日前|近日|当天|当日|今年|去年|上午|下午|晚上|早些时候|最近|此前"
# Connectives and framing words before a subject (但, 对此, 据). Used with .match(text, pos): no ^,
# which would only ever match at the start of the whole text.
LEADING = re.compile(
    r"(?:[０-９0-9一二三四五六七八九十几]+年前|第[一二三四五六七八九十两]+天|次日|这几年|这些年|近几年|近年来|多年来|几年来|" + TIME + "|根据|按照|依照|依据|但是|但|而且|而后|而|并且|并|同时|此外|对此|为此|因此|所以|随后|然后|接着|于是|这时|最后|首先|其中|后来|以后|此后|之后|当时|如今|据|正如|如同|就像|另一方面|一方面|没想到|不料|谁知|只见|忽然|突然|临了|末了|就连|甚至连|甚至)+"
    # 曾有观众问 -> 观众, 有一个村电工 -> 一个村电工; 有人 is no source, and 有位诗人, 有的同志 are
    # the whole description (gold)
    r"|(?:曾|也|还|又|另)?有个?(?![人关些的点所位名])"
)
# the first or second person as the whole subject of a cue (with what may stand before a cue)
SPEAKING_PERSON = re.compile(
    f"(?:{TIME}|[０-９0-9]{{1,2}}月)*(?P<pronoun>我们|我|你们|你|您)(?:来信|在信中|在电话里|也|还|又|就|便|曾|都)?"
)
# two-character adverbs whose first character may end a name the NER gave (许老|总是)
ADVERB_PAIRS = re.compile("总是|常常|一直|始终|仍然|依然|曾经|再次|一再|反复")
# What stands between a subject and its cue: adverbs, manner (兴奋地, never taking the pronoun of
# 他们激动地), time, an addressee (对记者).
MANNER = r"(?![他她们])[\u4e00-\u9fff]{1,4}地"
MANNER_AT = re.compile(MANNER)
# what a manner word can open with: a degree (无比感激地) or the face or voice it shows in (神色凝重地)
MANNER_LEAD = re.compile("(?:十分|非常|无比|很|特别|格外|极为|极其|更加|颇为|有些|有点|神色|神情|表情|面色|脸色|语气|口气|语调)$")
TRAILING = re.compile(
    r"(?:(?:对|向|跟|给|(?<![合共协相等陪伙如一不])同(?![学志事伴行乡胞龄类样时期]))[^，。：]{1,15}?|" + MANNER + "|大声|高声|小声|轻声|" + TIME + "|也|还|又|都|则|就|便|曾|曾经|再次|一再|多次|同时|进一步|明确|反复|更|却|只是|一直|仍然|仍|依然|始终|总是|早就|特别|撰文|来信|连连|连声|连忙|连|齐声|在[^，。：]{1,20}?(?:中|上|里|下|前|旁)|这样|这么|如此|(?:一)?边[\u4e00-\u9fff]{1,4}?(?:一)?边)+$"
)
# Titles that stand before a name; one-character ones (总, 董) are also surnames: 董建华 is no 董 + 建华.
TITLES = "|".join(t for t in TITLE_WORDS.split("|") if len(t) > 1 and t not in ("先生", "女士", "小姐", "同志"))
# A name right after a title that ends the subject (管委会副主任张建文): found even when NER misses it.
NAME_AFTER_TITLE = re.compile(f"(?:{TITLES})(?P<name>[\\u4e00-\\u9fff]{{2,3}})$")
# what may stand before a title: 副主任, 总经理, 常务副市长
TITLE_PREFIXES = ("副", "总", "常务")
# 老吴, 小李, 刘大爷, 王女士, 李某, 周教授: a surname standing for a person named in full elsewhere.
SURNAME_WITH_HONORIFIC = re.compile(
    "(?:老|小)(?P<surname_after>[\u4e00-\u9fff])|(?P<surname_before>[\u4e00-\u9fff])"
    f"(?:女士|先生|师傅|大爷|大妈|大娘|大姐|大哥|阿姨|老汉|老师|某|(?:{'|'.join(TITLE_PREFIXES)})?(?P<title>{TITLES}))"
)
# What a person's name can head that speaks for itself: 克林顿政府, 希拉克一方, 安南夫人.
PERSON_BODY = re.compile("政府|当局|内阁|一方|方面|家人|一家|夫人|太太|妻子|丈夫")
FULL_NAME = re.compile("[\u4e00-\u9fff]{2,3}")
TITLE_AFTER_NAME = re.compile(f"(?:{TITLES})$")
TITLE_AT = re.compile(f"(?:{'|'.join(TITLE_PREFIXES)})?(?:{TITLES})")
TITLE_SET = frozenset(TITLES.split("|"))
# Before a second person, it is the one addressed (莱奇法官对……的伊格尔森说): the first speaks.
ADDRESSEE = re.compile("对|向|跟|给|问|同")
# before a person met, spoken to or acted on, who is not the subject (与普里马科夫会谈, 对关治瀛……欣赏)
COMPANION = set("与对向跟给同和")
# what joins two who speak together: 朱亚男和同学们, 该户主及其亲戚, 柳欣、朱光华等人
CONJUNCTION = re.compile("和|与|及其|以及|及|、")
# Two people who say it together: 赵化勇和晚会总策划邹友开
JOINED = re.compile(f"(?:和|与|及|、)(?:[\u4e00-\u9fff]{{0,8}}?(?:{TITLES}))?")
# Subjects that name no source: the speaker is null, not a guess.
NO_SOURCE = re.compile("(?:立即|当即|马上|又|也|还|常|常常|经常|时常|总|总是)?有人|人们|有的人|据说")
# A short subject right before the cue that NER did not tag is most likely a name (王磊说).
BARE_NAME = re.compile("[\u4e00-\u9fff]{2,3}")
NOT_A_NAME = ("v", "a", "c", "d", "p", "u", "f", "s", "i", "l", "z")  # i, l: idioms (红着脸); s: places (嘴里)
DESCRIPTION_TAGS = ("n", "r", "m", "q", "a", "b", "d", "f", "s", "u", "t", "j", "vn")
HEAD_TAGS = ("n", "r", "j")  # j: abbreviations, mostly nouns (中医, 外长)
YOUTH = {"青年", "少年"}
# a verb of appearing before the person who appears: 左侧茶厅闪出一个小伙, 车中部站起一个商人打扮的男人
ARRIVAL = re.compile("(?:闪出|出来|走来|走过来|走出|站起|站出来|跑来|跑过来|进来)(?=[一两几][位个名])")
ASPECT = ("uz", "ul", "ug")  # jieba's 着, 了, 过
# where a person is, not who acts: 送到刘少宇跟前说
PLACE_AFTER_PERSON = re.compile("跟前|面前|身边|身旁|手里|手中|家里|家中|那里|这里|处")
QUOTED_NAME = 10  # characters at most of a quoted name inside a subject's clause
DETERMINERS = {"这位", "那位", "一位", "这名", "那名", "一名", "该", "这个", "那个", "另一位", "另一名", "另一个"}  # jieba: 另一名/i
DEMONSTRATIVES = {"这", "那", "这是", "那是", "此", "其", "这里", "那里"}
MAX_DESCRIPTION = 16
LEDE_CLAUSES = 2  # clauses of the sentence after a paragraph's opening quote that may name its speaker
# Last characters of nouns for people: 小伙子, 村民, 老人, 工人, 爷爷, 姑娘, 茶客, 司机, 代表.
PERSON_NOUN_ENDS = set("子民人员者爷奶娘妈爸哥姐弟妹客长机表友生师傅工汉戚属")
REPORTERS = {"记者", "笔者", "本报记者"}
# A description pointing back at someone just named: 这位老人, 这名少年 (not 一位, which introduces).
ASCRIBED = re.compile("[。，]?这是")  # “……”这是李纪周在……说的: the lede ascribes the words after them
# an old person the text has just named, or names elsewhere with a surname (老汉 -> 崔老汉)
ELDERS = "老人家|老人|老汉|老太太|老太|老大爷|老大娘|老奶奶|老爷爷|老伯|老先生|老婆婆"
# an old person is the subject, not a modifier (老人协会, 老人们, 老人的儿子)
ANAPHORIC = re.compile(f"这位|这名|此人|该人|(?P<elder>{ELDERS})(?![们的院节协公活中群家])")
# how the text may name an old person with a surname (王大爷, 袁老太)
SURNAMED_ELDER = re.compile(f"[{HONORIFIC_SURNAMES}](?:{ELDERS}|大爷|大娘|大妈|奶奶|爷爷|婆婆|伯伯)")
# A law or an article of one quoted with 规定 speaks itself (GUIDELINES: 刑事诉讼法第一百二十二条规定：“…”).
NUMBER = "[一二三四五六七八九十百千零〇]+"
LAW = re.compile(
    f"(?:根据|依据|依照|按照)?(?:我国|本)?(?P<law>[\u4e00-\u9fff]{{0,20}}?(?:法|条例|章程|公约|宪章)(?:第{NUMBER}条)?(?:第{NUMBER}款)?"
    f"|第{NUMBER}条(?:第{NUMBER}款)?)(?:明确|也|还|都)?(?:规定)?"
)
# A document as the subject (贺词说, 贺信指出) stands for its author when the text names one.
BOOK = re.compile("(?P<title>《[^》]{1,30}》)(?:上|中|里|一书中|一书)?(?:记载|载|写道|所说)?")
# a titled text opening the subject, with its article: 《贷款通则》规定, 《华盛顿邮报》去年……时指出,
# 我国《环境保护法》第三十九条规定, 国务院发布的《道路交通事故处理办法》（以下简称办法）第二十条规定
TITLED = re.compile(f"(?:我国|[^，。：；《》]{{0,20}}的)?(?P<title>《[^》]{{1,40}}》(?:（[^）]{{1,20}}）)?(?:第{NUMBER}条(?:第{NUMBER}款)?)?)")
# who may speak after a titled text, for it: 《人民日报》记者, 《求是》杂志评论员
WRITERS = re.compile("记者|编辑|作者|评论员|社长|主编|总编")
DOCUMENTS = re.compile("报道|评论|贺词|贺信|贺电|电文|唁电|来电|来信|信中|信|通知|声明|公报|社论|讲话|致辞|题词")
OWN_WORDS = re.compile(f"(?:一番|这番|那番|这些|那些)?(?:{DOCUMENTS.pattern}|话|发言|回答|答复|意见|观点|看法|态度|说法|肺腑之言|心声|忏悔)")
# 林遵将军的这句话：, 歌德的一句话：: the words quoted are the owner's, whoever recalls them
OWNED_WORDS = re.compile("的(?:这|那|一)?[句番段]?话$")


class Passage:
    """A doc with its text and entities taken once: Doc.text and Doc.ents build new objects
    on every access, which made the quote stage quadratic in the length of a document."""

    def __init__(self, doc: Doc):
        self.doc = doc
        self.text = doc_text(doc)
        self.ents = tuple(doc.ents)


def find_speaker(passage: Passage, start: int, end: int, search_back: bool = True) -> Span | None:
    """The speaker mentioned in the subject region passage.text[start:end], else (SEARCH_BACK) in
    an earlier clause of its sentence."""
    start, end = _trim(passage, start, end)
    if NO_SOURCE.fullmatch(passage.text, start, end):
        return None
    if DOCUMENTS.fullmatch(passage.text, start, end):
        return _author(passage, start) or mention(passage, start, end)
    book = BOOK.fullmatch(passage.text, start, end) or _titled(passage, start, end)
    if book:  # 《荀子》上说, 《苏州府志》载: the book, marks and all (GUIDELINES: a document speaks)
        return mention(passage, *book.span("title"))
    law = _law(passage, start, end)
    if law is not None:
        return law
    arrival = ARRIVAL.search(passage.text, start, end)
    if arrival:  # 左侧茶厅闪出一个小伙：the one who appears speaks, not the place
        start = arrival.end()
    if start < end:
        speaker = (
            _named_speaker(passage, start, end) or _anaphoric(passage, start, end)
            or _description(passage, start, end) or _relative_head(passage, start, end)
            or _organisation(passage, start, end) or _bare_name(passage, start, end)
        )
        if speaker is not None and not speaker.label_ and not names_people(speaker) and search_back:
            # 童志成……，顺势用夹着烟的右手……指了指说: a thing opening the clause is no speaker when a
            # person opens the sentence
            speaker = sentence_subject(passage, start) or speaker
        if speaker is not None:
            return _with_joined(passage, speaker, end)
    if search_back:
        sentence_start = _sentence_start(passage.text, start)
        if sentence_start < start:
            # 一位车站工作人员走了过来，问清情况后对我说: the subject of an earlier clause; a person
            # is the sentence's first, a description opens the nearest clause that has one
            earlier = _named_speaker(passage, sentence_start, start) or next(
                filter(None, (
                    _description(passage, *region) or _relative_head(passage, *region)
                    for region in (
                        _trim(passage, a, b) for a, b in _clauses_before(passage.text, sentence_start, start)
                        if passage.text[a - 1 : a] not in TOP_LEVEL_OPENERS  # 楼门上“春花茶楼”: a quoted name speaks not
                    )
                )),
                None,
            )
            # 人们……，都会关切地问一句：: people at large, no source
            return None if earlier is not None and NO_SOURCE.fullmatch(earlier.text) else earlier
    return None


def _with_joined(passage: Passage, speaker: Span | Mention, end: int) -> Span | Mention:
    """The speaker with the people joined to it before the cue: 朱亚男和同学们齐声回答,
    冯惠芳和同事李文……唤着, 该户主及其亲戚……说 (QUOTE_CONVENTIONS: all who say it)."""
    joined = CONJUNCTION.match(passage.text, speaker.end_char, end)
    if joined is None:
        return speaker
    other = _description(passage, joined.end(), end)
    if other is None or not (other.label_ == "PER" or names_people(other) or other.text.endswith(("们", "等人"))):
        return speaker
    return mention(passage, speaker.start_char, other.end_char) or speaker


def words_owner(passage: Passage, start: int, end: int) -> Span | None:
    """The person whose words a colon clause ending in 的这句话 quotes: the name (and title)
    right before 的 (她常提起的倒是林遵将军的这句话： -> 林遵)."""
    owned = OWNED_WORDS.search(passage.text, start, end)
    if owned is None:
        return None
    owner = next((
        e for e in passage.ents
        if e.label_ == "PER" and start <= e.start_char and e.end_char <= owned.start()
        and (e.end_char == owned.start() or TITLE_AT.fullmatch(passage.text, e.end_char, owned.start()))
    ), None)
    return None if owner is None else _as_named(passage, owner)


def subject_after(passage: Passage, end: int) -> Span | None:
    """The person a sentence of narrative right after a quote opens with: “……”蒋先生心有余悸,
    “……”缓过神来的李少英边喊边追, “……”这位家庭主妇面带笑容 (QUOTE_CONVENTIONS: a quote with no
    attributing clause takes the speaker of the neighbouring sentence of the same turn)."""
    text = passage.text
    clause_end = _clause_end(text, end, MAX_DESCRIPTION)
    if clause_end == end:
        return None
    person = _subject_person(passage, end, clause_end)
    if person is not None:
        return person
    pronoun = PRONOUNS.match(text, end, clause_end)
    if pronoun:
        return (None if pronoun.group() in PLURAL else resolve_person(passage, end)) or mention(passage, *pronoun.span())
    described = _description(passage, end, clause_end)
    if described is None or any(text.startswith(word, end) for word in DETERMINERS):
        return described
    # a bare noun opening the narrative speaks only if it is a kind of person (小伙子很坦率), and
    # not the reporter, who acting after a quote has heard it (记者想看一看)
    return described if described.text[-1] in PERSON_NOUN_ENDS and described.text not in REPORTERS else None


def ascribed_after(passage: Passage, end: int) -> Span | None:
    """The person a news lede ascribes the quote to after it: “……”这是公安部副部长李纪周在……
    (the first person of the clause after 这是, titles or a description before the name allowed),
    or the description it names when it names no one (这是一位同行……发出的感叹)."""
    text = passage.text
    lead = ASCRIBED.match(text, end)
    if lead is None:
        return None
    after = lead.end()
    clause_end = _clause_end(text, after, MAX_DESCRIPTION * 2)
    person = next((e for e in passage.ents if e.label_ == "PER" and after <= e.start_char < clause_end), None)
    if person is None:  # “……”这是一位同行在参观过上述两所学校后发出的: a description never named
        described = _description(passage, after, clause_end)
        return described if described is not None and described.text.startswith(tuple(DETERMINERS)) else None
    if _verb_in(text, after, person.start_char):  # 这是记者采访李先生时: not his words
        return None
    return fullest_name(passage, person)


def _clause_end(text: str, start: int, limit: int) -> int:
    """Where the clause starting at START ends, LIMIT characters on at most."""
    end = start
    while end < len(text) and end - start < limit and text[end] not in SUBJECT_BREAK:
        end += 1
    return end


def subject_before(passage: Passage, start: int) -> Span | None:
    """The person the sentence before START opens with (……的梁军从……离休了。“……”), by name
    or by a pronoun opening one of its clauses (……，但他没有妥协。“……”): a quoted sentence
    standing alone after it continues that person's turn."""
    text = passage.text
    sentence_end = start
    while sentence_end > 0 and text[sentence_end - 1].isspace():
        sentence_end -= 1
    if sentence_end == 0 or text[sentence_end - 1] not in SENTENCE_END:
        return None
    sentence_start = _sentence_start(text, sentence_end - 1)
    # the subject may follow a clause of time or place (１９９０年５月，刚刚满６０岁的梁军从……)
    clauses = list(reversed(_clauses_before(text, sentence_start, sentence_end)))
    return next(filter(None, (_subject_person(passage, a, b) for a, b in clauses)), None) or next(
        filter(None, (_subject_pronoun(passage, a, b) for a, b in clauses)), None
    )


def _subject_pronoun(passage: Passage, start: int, end: int) -> Span | Mention | None:
    """The person a clause opening with 他 or 她 (after connectives: 但他没有妥协) stands for, or
    the pronoun itself when the text never names them."""
    lead = LEADING.match(passage.text, start, end)
    pronoun = PRONOUNS.match(passage.text, lead.end() if lead else start, end)
    if pronoun is None or pronoun.group() in PLURAL:
        return None
    return _antecedent(passage, pronoun.start()) or mention(passage, *pronoun.span())


def next_sentence_subject(passage: Passage, end: int) -> Span | None:
    """The person who opens a clause of the sentence after a quote that opens its paragraph:
    “……”说到公司的近期目标，徐杰手握胜券地说 / “……”在控制室，２８岁的蒙古族工人朝戈…… (a lede)."""
    text = passage.text
    sentence_end = end
    while sentence_end < len(text) and text[sentence_end] not in SENTENCE_END + "\n“":
        sentence_end += 1
    clauses = list(reversed(_clauses_before(text, end, sentence_end)))[:LEDE_CLAUSES]
    return next(filter(None, (_subject_person(passage, a, b) for a, b in clauses)), None)


def sentence_subject(passage: Passage, offset: int) -> Span | None:
    """The person the sentence around OFFSET opens with, in its first clause (科雷眨了眨眼，…)."""
    sentence_start = _sentence_start(passage.text, offset)
    first = next(reversed(_clauses_before(passage.text, sentence_start, offset)), None)
    return _subject_person(passage, *first) if first else None


def _subject_person(passage: Passage, start: int, end: int) -> Span | None:
    """The person a clause opens with, bare or after a modifier ending in 的 (缓过神来的李少英,
    孔繁森逝世前就已经入党的孔玲), but not one that is itself a modifier (丁玉珍的女儿)."""
    text = passage.text
    heads = [
        e for e in passage.ents
        if e.label_ == "PER" and start <= e.start_char and e.end_char <= end
        and (text[e.end_char : e.end_char + 1] != "的" or _owns_words(passage, e))  # 李文辉的肺腑之言: the words are his
    ]
    modified = [e for e in heads if e.start_char > start and text[e.start_char - 1] == "的"]
    # a name opening the clause, after a title chain, or after a noun for people it stands beside
    # (华人新移民李文辉; not a byline's 记者许宏治报道)
    opening = [
        e for e in heads
        if e.start_char == start or _title_chain(text, start, e.start_char)
        or (text[e.start_char - 1] in PERSON_NOUN_ENDS and text[e.start_char - 2 : e.start_char] != "记者")
    ]
    return fullest_name(passage, (modified or opening)[0]) if modified or opening else None


def _title_chain(text: str, start: int, end: int) -> bool:
    """text[start:end] is an organisation and a title, nothing else: 天津市师范大学中文系教授(汤吉夫)."""
    return TITLE_AFTER_NAME.search(text, start, end) is not None and all(
        pair.flag.startswith(("n", "j")) or pair.word in TITLE_SET or pair.word in TITLE_PREFIXES for pair in jieba.posseg.cut(text[start:end])
    )


def _clauses_before(text: str, sentence_start: int, end: int) -> list[tuple[int, int]]:
    """(start, end) of the clauses between sentence_start and end, nearest first."""
    bounds = [sentence_start] + [i + 1 for i in range(sentence_start, end) if text[i] in SUBJECT_BREAK] + [end]
    return [(a, b) for a, b in reversed(list(zip(bounds, bounds[1:]))) if a < b]


def _named_speaker(passage: Passage, start: int, end: int) -> Span | None:
    """A name right before the cue, else a pronoun or the first person of the region (the
    subject comes before an object: 董建华告诉库克), else a name after a title that NER missed,
    else an organisation."""
    inside = [e for e in passage.ents if start <= e.start_char and e.end_char <= end and not _in_quoted_name(passage.text, e)]
    # a person who modifies a noun is not the one speaking (谭量顺的妻子补充), unless the noun is
    # what the person wrote or said (梅迪纳的题词为, 李宁的态度) or the person is its name (一位叫扎西的老牧民,
    # a name whatever label the NER gave it)
    people = [
        e for e in inside
        if _is_called(passage, e) or _owns_words(passage, e)
        or e.label_ == "PER" and passage.text[e.end_char : e.end_char + 1] != "的" and not PLACE_AFTER_PERSON.match(passage.text, e.end_char)
    ]
    addressed = len(people) > 1 and ADDRESSEE.search(passage.text, people[0].end_char, people[-1].start_char)
    if people and people[-1].end_char == end and not addressed:
        joined = [e for e in people[:-1] if JOINED.fullmatch(passage.text, e.end_char, people[-1].start_char)]
        if joined:  # 赵化勇和晚会总策划邹友开告诉记者们: both say it
            return mention(passage, joined[-1].start_char, end)
        return _as_named(passage, people[-1])
    called = CALLED.search(passage.text, start, end)
    if not people and called:  # 一位叫席国胜的司机 where the NER missed the name
        return mention(passage, *called.span("name"))
    pronoun = PRONOUNS.search(passage.text, start, end)
    # a subject opens the region (而他, （３）他); in 妈妈没招呼她吃饭 and 瞪着他吼道 the pronoun is an object
    opening = max(start, clause_start(passage.text, pronoun.start(), 30)) if pronoun else 0
    if pronoun and pronoun.start() - opening <= 3 and not _verb_in(passage.text, opening, pronoun.start()) and (
        passage.text[pronoun.start() - 1 : pronoun.start()] not in COMPANION  # 我们与她拉起呱来: 她 is met
    ) and (
        not people or pronoun.start() < people[0].start_char
    ):
        # 他们 stands for a group, never for the last person named (gold: mostly 他们 itself)
        referent = None if pronoun.group() in PLURAL else _antecedent(passage, pronoun.start())
        return _kin_of(passage, pronoun) or referent or mention(passage, *pronoun.span())
    if people:
        first = people[0]
        body = PERSON_BODY.match(passage.text, first.end_char, end)
        if body:  # 克林顿政府表示: the government, not the man
            return mention(passage, first.start_char, body.end())
        return _as_named(passage, first)  # 克林顿总统今天宣布: not 今天 after the title
    titled = _name_after_title(passage, start, end)
    if titled is not None:
        return titled
    organisations = [e for e in inside if e.label_ == "ORG"]
    if organisations and organisations[-1].end_char == end:
        return organisations[-1]  # 新华社说; 天津市津利华展览中心的经理 is a description
    speaking = SPEAKING_PERSON.fullmatch(passage.text, start, end)
    if speaking:  # 你来信说, 我说: the writer or the one written to, as the text names them
        return mention(passage, *speaking.span("pronoun"))
    return None


def _in_quoted_name(text: str, entity: Span) -> bool:
    """The entity is part of a short quoted name (楼门上“春花茶楼”的招牌): it names a thing, no speaker.
    A name quoted whole (“支行营业员”又一次重复道) may still speak."""
    opening = text.rfind("“", max(0, entity.start_char - QUOTED_NAME), entity.start_char + 1)
    closing = text.find("”", entity.end_char - 1, entity.end_char + QUOTED_NAME)
    return opening >= 0 and closing >= 0 and "”" not in text[opening + 1 : entity.start_char] and (opening, closing) != (entity.start_char - 1, entity.end_char)


def _name_after_title(passage: Passage, start: int, end: int) -> Span | Mention | None:
    """A name the NER missed or took for a place, right after a title that ends the region
    (管委会副主任张建文, 英国学者圣约翰); a title, a verb or an adverb is none (厂长经理, 演员竟然要求, 记者点评)."""
    titled = NAME_AFTER_TITLE.search(passage.text, start, end)
    if titled is None or TITLE_AFTER_NAME.search(titled["name"]) or any(pair.flag.startswith((*NOT_A_NAME, "t", "m", "r")) for pair in jieba.posseg.cut(titled["name"])):
        return None  # 厂长经理: titles, no name; 负责人不久前: a time
    return mention(passage, *titled.span("name"), label="PER")


def may_speak(speaker: Span | Mention | None) -> bool:
    """A person, an organisation or a noun for people (职工, 记者), not a thing (理由, 方针)."""
    return speaker is not None and (speaker.label_ in ("PER", "ORG") or names_people(speaker) or PRONOUNS.search(speaker.text) is not None)


def names_people(speaker: Span | Mention) -> bool:
    """A description that ends in a noun for people or a title: 职工, 记者, 该经理."""
    return speaker.text[-1] in PERSON_NOUN_ENDS or TITLE_AFTER_NAME.search(speaker.text) is not None


def _verb_in(text: str, start: int, end: int) -> bool:
    return any(pair.flag.startswith(("v", "u")) for pair in jieba.posseg.cut(text[start:end]))


def object_of_verb(passage: Passage, start: int, end: int) -> bool:
    """A subject (a pronoun or a person) and a verb stand in text[start:end], before what follows
    it: 他找到(李兴桂)."""
    text = passage.text
    subject = PRONOUNS.match(text, start, end) or any(e.label_ == "PER" and e.start_char == start for e in passage.ents)
    return bool(subject) and _verb_in(text, start, end)


def _owns_words(passage: Passage, entity: Span) -> bool:
    """李宁的态度: a name whose words follow, whatever label the NER gave it (李宁 is also a brand)."""
    text = passage.text
    return entity.label_ != "LOC" and text[entity.end_char : entity.end_char + 1] == "的" and OWN_WORDS.match(text, entity.end_char + 1) is not None


def _is_called(passage: Passage, entity: Span) -> bool:
    text = passage.text
    return text[entity.start_char - 1 : entity.start_char] == "叫" and text[entity.end_char : entity.end_char + 1] == "的"


def resolve_person(passage: Passage, before: int) -> Span | None:
    """The fullest name of the most recent person mentioned before a character offset, leaving
    out the names of a list (刘习成、罗成群、崔占福等职工家庭遇到困难时，他……: 他 is none of them)
    and the object of a verb going on (孙书记抚摸着金金的头说……，他还叮咛: not 金金)."""
    text = passage.text
    recent = [
        e for e in passage.ents
        if e.label_ == "PER" and e.end_char <= before and "、" not in text[max(0, e.start_char - 1) : e.end_char + 1]
        and text[e.start_char - 1 : e.start_char] != "着"  # 记者见到了王保庆。他说 is his
    ]
    return fullest_name(passage, recent[-1]) if recent else None


def _kin_of(passage: Passage, pronoun: re.Match) -> Span | Mention | None:
    """他的儿子, 她的同事: a person of the pronoun's, not the pronoun's referent (but 用他的话说 is his)."""
    text = passage.text
    if text[pronoun.end() : pronoun.end() + 1] != "的":
        return None
    following = next(iter(jieba.posseg.cut(text[pronoun.end() + 1 : pronoun.end() + 6])), None)
    if following is None or not following.flag.startswith("n") or following.word[-1] not in PERSON_NOUN_ENDS:
        return None
    return mention(passage, pronoun.start(), pronoun.end() + 1 + len(following.word))


def _antecedent(passage: Passage, pronoun_start: int) -> Span | Mention | None:
    """The person a pronoun stands for: the last person named before it, unless that person is
    the one met or spoken to, or the pronoun opens its sentence and the person stood in an earlier
    one (then the subject of that sentence), or its own sentence or the one before opens with a
    name the NER missed and jieba knows (高国珠听了很生气，他说 -> 高国珠; 何长工曾多次要求……。他指示 -> 何长工);
    never a person its own clause names after it (他对张祖德说: none)."""
    person = resolve_person(passage, pronoun_start)
    if person is not None and person.text in _named_with(passage, pronoun_start):
        return None  # 他对张祖德说: not 张祖德, whom he speaks to
    sentence_start = _sentence_start(passage.text, pronoun_start)
    opens = not passage.text[sentence_start:pronoun_start].strip()
    if person is not None and (
        passage.text[person.start_char - 1 : person.start_char] in COMPANION
        or (opens and person.end_char <= sentence_start)
    ):
        person = _subject_of(passage, person) or person
    if person is not None and person.end_char > sentence_start:
        return person
    opening = _opening_name(passage, sentence_start, pronoun_start)
    if opening is None and sentence_start > 0:
        previous_end = sentence_start - 1
        while previous_end > 0 and passage.text[previous_end - 1] in SENTENCE_END + "”」』…":
            previous_end -= 1  # ……思想”。: back into the sentence, past its closing marks
        previous_start = _sentence_start(passage.text, previous_end)
        if person is None or person.end_char <= previous_start:
            opening = _opening_name(passage, previous_start, sentence_start)
    return opening or person


def _named_with(passage: Passage, pronoun_start: int) -> set[str]:
    """The people named in the pronoun's own clause after it: never the pronoun's referent."""
    clause_end = _clause_end(passage.text, pronoun_start, MAX_DESCRIPTION * 2)
    return {e.text for e in passage.ents if e.label_ == "PER" and pronoun_start < e.start_char and e.end_char <= clause_end}


def _subject_of(passage: Passage, companion: Span) -> Span | Mention | None:
    """Who a sentence is about when the last person named in it is the one met or spoken to (他在与
    普里马科夫会谈后……。他说 -> the 他 before; 许永跃对关治瀛……十分欣赏，他…… -> 许永跃)."""
    sentence_start = _sentence_start(passage.text, companion.start_char)
    pronoun = PRONOUNS.match(passage.text, sentence_start, companion.start_char)
    if pronoun is not None and pronoun.group() not in PLURAL:
        return _antecedent(passage, pronoun.start()) if sentence_start > 0 else None
    return sentence_subject(passage, companion.start_char)


def _opening_name(passage: Passage, start: int, end: int) -> Span | Mention | None:
    """A name (jieba's nr) opening the first clause of text[start:end], a clause before END."""
    text = passage.text
    clause_end = next((i for i in range(start, end) if text[i] in SUBJECT_BREAK), end)
    if clause_end == end:
        return None
    first = next(iter(jieba.posseg.cut(text[start:clause_end])), None)
    if first is None or first.flag != "nr" or not 2 <= len(first.word) <= 4:
        return None
    return mention(passage, start, start + len(first.word))


def _anaphoric(passage: Passage, start: int, end: int) -> Span | None:
    """这位乌兹别克族汉子 after 他是教师塔吉耶夫。: an anaphoric description stands for the person
    named in the sentence before or its own (QUOTE_CONVENTIONS: the fullest name of the referent),
    unless the text introduced it unnamed (一位女工……。这位女工说), when it stays the speaker."""
    anaphoric = ANAPHORIC.match(passage.text, start, end)
    if not anaphoric:
        return None
    if anaphoric["elder"]:
        surnamed = SURNAMED_ELDER.search(passage.text)
        if surnamed:
            return mention(passage, *surnamed.span())
    head = passage.text[anaphoric.end() : end]
    if head and re.search(f"[一两][位名个]{re.escape(head)}", passage.text[:start]):
        return None  # 一位女工正麻利地……。这位女工说: the one introduced, never named
    previous_start = _sentence_start(passage.text, max(0, _sentence_start(passage.text, start) - 1))
    recent = [e for e in passage.ents if e.label_ == "PER" and len(e.text) > 1 and previous_start <= e.start_char and e.end_char <= start]
    return fullest_name(passage, recent[-1]) if recent else None


def _author(passage: Passage, before: int) -> Span | None:
    """The subject of the last sentence before BEFORE that names a person: its first person
    (希拉克发给社长杨咏桔的贺词。贺词指出 -> 希拉克, who wrote it, not the addressee)."""
    people = [e for e in passage.ents if e.label_ == "PER" and e.end_char <= before]
    if not people:
        return None
    sentence_start = _sentence_start(passage.text, people[-1].start_char)
    return fullest_name(passage, next(e for e in people if e.start_char >= sentence_start))


def _as_named(passage: Passage, person: Span) -> Span:
    """A person named where the words are attributed is the speaker as named there (GUIDELINES §3:
    the attribution's mention), save a surname with an honorific or title, which stands for the
    full name (周教授 -> 周小燕)."""
    title = TITLE_AT.match(passage.text, person.end_char) if len(person.text) == 1 else None
    if title:  # the NER's 周 of 周总理 (MSRA marks the surname alone): the surname and its title
        person = mention(passage, person.start_char, title.end(), label="PER")
    return fullest_name(passage, person) if SURNAME_WITH_HONORIFIC.fullmatch(person.text) else person


def fullest_name(passage: Passage, person: Span) -> Span:
    """The longest person mention of the document that names the same person: one containing
    this one (谢里夫 -> 纳瓦兹·谢里夫), or, for a surname with an honorific (老吴, 刘大爷), a full
    name with that surname (吴天祥)."""
    people = [e for e in passage.ents if e.label_ == "PER"]
    # a name is completed before it (谢里夫 -> 纳瓦兹·谢里夫, 小平 -> 邓小平); a longer mention that
    # goes on after it is the NER running into the next word (李鹏 -> 李鹏祝 of 李鹏祝贺)
    fuller = [e for e in people if len(e.text) > len(person.text) and (e.text.endswith(person.text) or "·" in e.text and person.text in e.text)]
    honorific = SURNAME_WITH_HONORIFIC.fullmatch(person.text)
    if not fuller and honorific:
        surname = honorific["surname_before"] or honorific["surname_after"]
        fuller = [
            e for e in people
            if e.text.startswith(surname) and FULL_NAME.fullmatch(e.text) and not SURNAME_WITH_HONORIFIC.fullmatch(e.text)
            and not _titled_otherwise(passage, e, honorific["title"])
        ]
    return max(fuller, key=lambda e: (len(e.text), -e.start_char)) if fuller else person


def _titled_otherwise(passage: Passage, person: Span, title: str | None) -> bool:
    """馆长李象益 is not the 李教授 he speaks to: a full name under another title is someone else."""
    before = TITLE_AFTER_NAME.search(passage.text, max(0, person.start_char - 8), person.start_char)
    return bool(title and before and before.group() != title)


def _titled(passage: Passage, start: int, end: int) -> re.Match | None:
    """A titled text that opens the subject, when no one named after it speaks for it."""
    titled = TITLED.match(passage.text, start, end)
    if titled is None or WRITERS.search(passage.text, titled.end(), end):
        return None
    if any(titled.end() <= e.start_char and e.end_char <= end for e in passage.ents if e.label_ == "PER"):
        return None
    return titled


def _law(passage: Passage, start: int, end: int) -> Span | None:
    """The law when the subject is one (numbering such as ３３． before it aside)."""
    first_han = next((i for i in range(start, end) if "\u4e00" <= passage.text[i] <= "\u9fff"), end)
    match = LAW.fullmatch(passage.text, first_han, end)
    return mention(passage, match.start("law"), match.end("law")) if match else None


def _organisation(passage: Passage, start: int, end: int) -> Span | None:
    return next((e for e in passage.ents if e.label_ == "ORG" and start <= e.start_char and e.end_char <= end), None)


def _bare_name(passage: Passage, start: int, end: int) -> Span | None:
    """Two or three characters the NER missed, when jieba takes them for no verb, adjective or
    function word (唱道, 充满, 所致, 包里塞 before a colon are none)."""
    if not BARE_NAME.fullmatch(passage.text, start, end):
        return None
    if any(pair.flag.startswith(NOT_A_NAME) for pair in jieba.posseg.cut(passage.text[start:end])):
        return None
    return mention(passage, start, end)


def _description(passage: Passage, start: int, end: int) -> Span | None:
    """The noun phrase opening the subject (一位山东口音的旅客挤过来 -> 一位山东口音的旅客)."""
    text = passage.text[start:end]
    pairs = list(jieba.posseg.cut(text))
    if [pair.word for pair in pairs[:2]] == ["有", "的"]:  # 有的服务小姐: a determiner, not a verb
        pairs[:2] = [jieba.posseg.pair("有的", "r")]
    # a relative clause (verbs before a 的) can stand inside a phrase that opens with a determiner
    # or a place: 那位不让爱人回来的中医, 天津市津利华展览中心的经理
    relative = bool(pairs) and (pairs[0].word in DETERMINERS or pairs[0].flag in ("ns", "nt", "m"))
    kept = length = 0
    for i, pair in enumerate(pairs):
        inside = pair.word == "、" or (relative and any(p.word == "的" for p in pairs[i + 1 : i + 4]))
        # jieba tags some as idioms (发言人/l, 中年男人/l), some as times (青年/t, 壮汉/t)
        is_title = pair.word in TITLE_SET or pair.word in YOUTH or (pair.flag in ("l", "t") and pair.word[-1] in PERSON_NOUN_ENDS)
        if pair.word == "们" and kept and kept == length:
            length = kept = length + 1  # the plural of the head: 队员们
            continue
        if pair.flag in ASPECT and not inside:
            if kept and kept < length:
                break  # 歹徒慌了: the head came before the verb
            return None  # 红着脸, 呼唤(nr)着: a verb phrase, whatever jieba tagged its verb, no noun phrase
        # jieba's zg (村 of 一个村电工, but also 很 of 小伙子很坦率) may stand before the head only
        modifier = pair.flag == "zg" and not kept
        if not pair.flag.startswith(DESCRIPTION_TAGS) and not inside and not is_title and not modifier and pair.word not in DETERMINERS:
            break
        if kept and pair.flag.startswith("d") and not inside:
            break  # an adverb after the head noun opens the predicate: 妈妈不生气 -> 妈妈
        if kept and kept == length and text[kept - 1] in PERSON_NOUN_ENDS and pair.flag.startswith(("a", "m", "nz")) and not inside:
            break  # what follows a person noun is no part of it: 志愿者|流畅热情的回答, 妈妈|第二个饺子, 职工|闻讯
        length += len(pair.word)
        if (pair.flag.startswith(HEAD_TAGS) or is_title) and pair.word not in DEMONSTRATIVES:
            kept = length  # a description ends in its head noun
    phrase = text[:kept]
    title = TITLE_AFTER_NAME.search(phrase)
    # 省委书记 is no 省委 + title, 有位诗人 no 有位 + title: the part before the title is no name
    named = title and pairs[0].flag not in ("r", "m") and not any(
        e.label_ != "PER" and e.start_char < start + title.start() and e.end_char > start for e in passage.ents
    )
    if named and (FULL_NAME.fullmatch(phrase[: title.start()]) or "·" in phrase[: title.start()]):
        phrase = phrase[: title.start()]  # 李渭清教授: the title goes; 该县供电局负责人 keeps its head
    if not phrase.strip() or len(phrase) > MAX_DESCRIPTION or not any(c >= "\u4e00" for c in phrase):
        return None
    phrase_end = start + len(phrase)
    titled = _name_after_title(passage, start, phrase_end)
    if titled is not None:
        return titled
    if PLACE_AFTER_PERSON.match(passage.text, phrase_end) and any(e.end_char == phrase_end and e.label_ == "PER" for e in passage.ents):
        return None  # 硬往张晓伟手里塞: where the money goes, not who speaks
    # a modifier before a name (曾经三次任总统的希门尼斯): the name speaks, whatever label the NER gave it
    named = next((e for e in passage.ents if e.end_char == phrase_end and e.start_char > start and passage.text[e.start_char - 1] == "的"), None)
    return named or mention(passage, start, phrase_end)


def _relative_head(passage: Passage, start: int, end: int) -> Span | Mention | None:
    """The noun phrase a relative clause opens, up to the person noun it ends in: 最护着孙女的爷爷不干了
    -> 最护着孙女的爷爷; from a determiner or a number when one comes first: 车中部站起一个商人打扮的男人
    -> 一个商人打扮的男人 (QUOTE_CONVENTIONS: an unnamed speaker is the whole description)."""
    offset, phrase_start, after_clause, verb = start, start, False, False
    for pair in jieba.posseg.cut(passage.text[start:end]):
        if after_clause and pair.flag.startswith("n") and (pair.word[-1] in PERSON_NOUN_ENDS or TITLE_AFTER_NAME.search(pair.word)):
            return mention(passage, phrase_start, offset + len(pair.word))
        if pair.word in DETERMINERS or pair.flag == "m":
            phrase_start, verb = offset, False
        after_clause = pair.word == "的" and verb  # a clause, not 有的学者
        # an idiom before 的 is a clause too: 闻讯赶来(i)的村支书
        verb = verb or pair.flag.startswith(("v", "i")) and pair.word != "有"
        offset += len(pair.word)
    return None


def _trim(passage: Passage, start: int, end: int) -> tuple[int, int]:
    """The subject region without framing words before it and adverbs or manner after it; the
    manner pattern never cuts into an entity (王磊高兴地 is 王磊, not nothing)."""
    text = passage.text
    while start < end and text[start].isspace():
        start += 1
    lead = LEADING.match(text, start, end)
    if lead:
        start = lead.end()
    cut = _trailing_start(text, start, end)
    # an entity running into a plain adverb is the NER's error (贺高声 of 小贺高声说), and so is one
    # taking the first character of a two-character adverb (许老总 of 许老总是谦逊地说)
    manner = "地" in text[cut:end]
    entity_ends = [
        e.end_char for e in passage.ents
        if manner and start <= e.start_char <= cut < e.end_char <= end and not (e.end_char == cut + 1 and ADVERB_PAIRS.match(text, cut))
    ]
    end = max([cut, *entity_ends])
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def has_no_subject(passage: Passage, start: int, end: int) -> bool:
    """Nothing but framing words and adverbs before a cue: 并要求, 另一方面又强调, ……。”指出."""
    start, end = _trim(passage, start, end)
    return start >= end


def _trailing_start(text: str, start: int, end: int) -> int:
    """Where the adverbs, manner, time and addressee before a cue begin (END if there are none)."""
    trail = TRAILING.search(text, start, end)
    if trail is None:
        return end
    manner = MANNER_AT.match(text, trail.start(), end)
    if manner:
        # the leftmost match reaches four characters back from 地 (童志成认真地 -> 志成认真地): the
        # manner is the dictionary word that ends at 地 (认真), what stands before it is the subject
        mark = manner.end() - 1
        jieba.dt.check_initialized()
        word_start = next((mark - k for k in (4, 3, 2) if mark - k >= trail.start() and jieba.dt.FREQ.get(text[mark - k : mark])), trail.start())
        lead = MANNER_LEAD.search(text, trail.start(), word_start)
        word_start = lead.start() if lead else word_start
        if word_start > trail.start():
            return _trailing_start(text, start, word_start)
    return trail.start()


def _sentence_start(text: str, offset: int) -> int:
    """Where the sentence holding OFFSET starts: after a sentence end, a line break, or a quote
    that ends a sentence inside its marks (“……。”); a quoted term (定为“积极的”，, “……”的意见) ends none."""
    i = offset
    while i > 0 and text[i - 1] not in SENTENCE_END and text[i - 1] != "\n" and not (
        text[i - 1] in "”」』" and (i < 2 or text[i - 2] in SENTENCE_END + "…")
    ):
        i -= 1
    return i


def clause_start(text: str, cue_start: int, limit: int) -> int:
    """Where the clause holding the cue at CUE_START begins, LIMIT characters back at most; a short
    quoted name inside it belongs to it (涅姆佐夫又在“莫斯科回声”电台发表谈话说)."""
    start = cue_start
    while start > 0 and cue_start - start < limit:
        if text[start - 1] == "”":
            opening = text.rfind("“", max(0, start - QUOTED_NAME - 2), start - 1)
            if opening >= 0 and not any(c in SUBJECT_BREAK for c in text[opening + 1 : start - 1]):
                start = opening
                continue
        if text[start - 1] in SUBJECT_BREAK:
            break
        start -= 1
    return max(start, cue_start - limit)


@dataclass(frozen=True)
class Mention:
    """A speaker or cue as the text gives it, whose edges may fall inside the segmenter's tokens
    (叫席|国胜的: 席国胜); the quote stage splits the tokens at its edges before it stores it."""

    start_char: int
    end_char: int
    text: str
    label_: str = ""


def mention(passage: Passage, start: int, end: int, label: str = "") -> Span | Mention | None:
    """text[start:end] as a Span when it falls on token edges, else as a Mention."""
    if start >= end:
        return None
    return passage.doc.char_span(start, end, label=label) or Mention(start, end, passage.text[start:end], label)
