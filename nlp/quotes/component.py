"""The quote stage: direct and indirect speech with speaker, cue and kind, in doc.spans["quotes"].

A quotation-mark span is speech only when something attributes it:
- a cue before it (某某说：“……” / 某某表示，“……” / 称“太恐怖”), or a colon clause (胡富国双眼含泪：“……”);
- a cue after it (“……”某某说);
- reported speech it sits in (他说，……“标志着……”。);
- a neighbouring speech quote of the same turn that it continues (“……”王磊说。“……”);
- or nothing but itself: a paragraph that is one quote of speech (its speaker, if any, is that of
  the quote opening the next paragraph).
Every other quoted span (terms, names, slogans, scare quotes) is left alone; in Chinese news they
outnumber speech several times. Indirect speech is 某某表示/指出/认为，…… up to the end of the sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import jieba.posseg
from spacy.language import Language
from spacy.tokens import Doc, Span

from nlp.corpus import word_offsets
from nlp.ner import split_at
from nlp.quotes import cues
from nlp.quotes.marks import quote_spans
from nlp.quotes.speakers import (
    TITLE_AFTER_NAME,
    Mention,
    Passage,
    ascribed_after,
    clause_start,
    find_speaker,
    has_no_subject,
    may_speak,
    mention,
    names_people,
    next_sentence_subject,
    object_of_verb,
    resolve_person,
    sentence_subject,
    subject_after,
    subject_before,
    words_owner,
)

# What may follow a quote that is the whole object of a cue or a clause of speech (称“太恐怖”。).
AFTER_SPEECH = set("。，！？；、…：,.!?;\n")
SPEECH_PUNCT = set("。！？，；…!?,;")
# Verbs and the aspect particles that only follow verbs (着, 了, 过): evidence of a clause.
VERBAL = ("v", "uz", "ul", "ug", "a")  # a predicative adjective is a verb: 实在是“徒劳而昂贵的”
SENTENCE_CLOSE = set("。！？…!?\n") | {""}
FIRST_PERSON = re.compile("[我咱]")
# 称之为“……”, 誉为“……”, 叫作“……”: the quote is a name given, not words said; 提出的“……”: a term.
NAMING_AFTER_OBJECT = set("为作做成叫的")
# 的 and what the quote before it is: someone's call, proposal, worry or rule, in their words
WORDS_NAMED = re.compile("的(?:问题|提问|诗句|名句|妙笔|意见|号召|指示|要求|说法|论调|担心|规定|观点|主张|建议|承诺|呼吁|讲话|心愿|愿望|誓言|忠告|嘱托|教导|名言|告诫|批示|答复|结论|预言|许诺|表态)")
# answering cues, and the question a quote before 的 is: 回答记者“……”的问题
ANSWERING = {"回答", "答复"}
QUESTION_NAMED = re.compile("的(?:问题|提问)")
# 称X为“……”, 誉为“……”, 取名“……”: the quote is a name given
NAMED_AS = re.compile("(?:称|誉|叫|命名|取名|名|封)[^，。：；“”]{0,6}(?:为|作|做)$|取名$|命名$")
# 传来呼救声：, 听到有人喊：: a voice heard (but 大吼一声： is the subject's own)
HEARD_VOICE = re.compile("(?:传来|听到|听见|响起)[^，。：]{0,8}(?:声|喊)$")
# cues whose object is the one told, the quote what they are told to do
INSTRUCTING = {"要求", "叮嘱", "嘱咐", "吩咐", "指示", "告诫", "希望", "呼吁", "号召", "劝", "劝说", "交代", "提醒"}
CLAUSE_CHARS = 8  # a quote this long after a quote of speech, or named as someone's call, is words, not a term
LONG_WORDS = 15  # a quote this long after the doings of the sentence's person (何大爷……激动不已，“……”) is theirs
SHORT_ATTITUDE = 4  # characters at most of a quoted object of 表示 that names an attitude
# 正如北京武术队队员们在总结中说的“……”: the words said, though 的 stands between cue and mark
AS_SAID = re.compile("正如|如同|就像|诚如|恰如")
# A colon after these introduces a name, a sign, an amended text or a thought (感到：), not speech.
NOT_SPEECH_COLON = re.compile(
    r"(?:修改为|改为|题为|名为|写着|口号是?|标语|横幅|主题是?|称号|简称|全称|包括|例如|比如|如下|战略|歌词|诗句|对联|横批是?|碑文|"
    r"春联|上书|上写|标语是|信念|心里|心中|默念|标着|印着|刻着|贴着|为铭|铭文|荣誉|景致|感到|意识到|想到|心想|觉得|优先|"
    r"第[一二三四五六七八九十百\d０-９]+[项条款])$"
)

# a colon clause that speaks of slogans or folk sayings introduces them, not words said
# (……提出的一些标语口号已成为人们的共识：“少坐着说，多站着干”; 我们江南农村流传着：“……”)
SAYINGS = re.compile("标语|口号|歌谣|民谣|顺口溜|谚语|俗语|流传")
# the words after a quote that neither a cue nor a colon introduces name it a saying or a song
# (“……”这句顺口溜眼下……, “……”这是西班牙的一首民谣, “……”不少观众可能都知道这首名为《大中国》的歌)
NAMED_SAYING_AFTER = re.compile("[^。！？“]{0,20}?(?:歌谣|民谣|顺口溜|谚语|俗语|口号|标语|歌词|首歌|的歌|大合唱)")
# cues that a fact may be the subject of as well as a person
SHOWING_CUES = {"表明", "证实", "说明"}
# cues of a question, whose object is the one asked
QUESTION_CUES = {"问", "问道", "追问", "询问", "反问", "质问"}
# a proverb's or couplet's lines and their length in characters
VERSE_BREAK = re.compile("[，。；、,;]+")
VERSE_LINE = (3, 7)
# what marks a line as spoken to someone: persons, questions, exclamations, particles, a request
SPOKEN = re.compile("[我你您咱？！?!呢吗吧啊呀啦哟请]")


def _mention_extension(name: str):
    """Span._.speaker / Span._.cue as Spans, stored as character offsets: Doc.to_bytes (used
    by nlp.pipe with n_process > 1) can serialise offsets but not Span objects."""
    def key(span: Span) -> tuple:
        return ("quotes", name, span.start_char, span.end_char)

    def getter(span: Span) -> Span | None:
        offsets = span.doc.user_data.get(key(span))
        return None if offsets is None else span.doc.char_span(*offsets, alignment_mode="expand")

    def setter(span: Span, value: Span | None) -> None:
        span.doc.user_data[key(span)] = None if value is None else (value.start_char, value.end_char)

    return getter, setter


if not Span.has_extension("kind"):
    Span.set_extension("kind", default=None)
for _name in ("speaker", "cue"):
    if not Span.has_extension(_name):
        _getter, _setter = _mention_extension(_name)
        Span.set_extension(_name, getter=_getter, setter=_setter)


@dataclass
class Attribution:
    speaker: Span | Mention | None
    cue: Span | Mention | None
    clause_end: int = -1  # where a cue after a quote ends: reported content may follow it
    addressee: Span | Mention | None = None  # the one asked (问一位迎面而来的中年农民：): who answers
    continues: bool = False  # taken from a neighbouring quote, not from words next to this one


@Language.factory("quotes", default_config={"spans_key": "quotes", "max_subject_chars": 30})
def make_quote_finder(nlp: Language, name: str, spans_key: str, max_subject_chars: int) -> "QuoteFinder":
    return QuoteFinder(spans_key, max_subject_chars)


class QuoteFinder:
    def __init__(self, spans_key: str = "quotes", max_subject_chars: int = 30):
        self.spans_key = spans_key
        self.max_subject_chars = max_subject_chars

    def __call__(self, doc: Doc) -> Doc:
        passage = Passage(doc)
        marks = quote_spans(passage.text)
        direct: dict[tuple[int, int], Attribution] = {}
        for start, end in marks:
            if NAMED_AS.search(passage.text, max(0, start - 8), start):
                continue  # 称徐虎为“徐校长”: a name given, whatever follows it
            found = (
                self._before(passage, start, end, direct) or self._after(passage, start, end)
                or _ascribed(passage, start, end) or self._words_named(passage, start, end)
                or _after_name(passage, start, end)
            )
            if found is not None:
                direct[(start, end)] = found
        indirect = self._indirect(passage, marks, direct)
        for start, end in marks:
            if (start, end) not in direct:
                found = _follows_speech(passage.text, start, end, direct)
                if found is not None:
                    direct[(start, end)] = found
            if (start, end) not in direct and _reads_as_speech(passage.text, start, end):
                found = _same_turn(passage, (start, end), direct)
                if found is not None:
                    direct[(start, end)] = found
        for run in _adjacent_runs(passage.text, marks):
            _take_turns(passage, run, direct)
        for (start, end), attribution in list(direct.items()):
            colon = start > 0 and passage.text[start - 1] in "：:"
            if attribution.cue is None and not colon and NAMED_SAYING_AFTER.match(passage.text, end):
                del direct[(start, end)]
        found = [(s, e, "direct", a) for (s, e), a in direct.items()] + [(s, e, "indirect", a) for (s, e), a in indirect.items()]
        # speakers and cues as offsets before any token is split: a Span's offsets come from its tokens
        found = [(s, e, kind, _offsets(a.speaker), _offsets(a.cue)) for s, e, kind, a in found]
        _split_tokens_at(doc, [m for *_, speaker, cue in found for m in (speaker, cue) if m is not None])
        spans = [_quote_span(doc, *quote) for quote in found]
        doc.spans[self.spans_key] = sorted((q for q in spans if q is not None), key=lambda q: q.start_char)
        return doc

    # ------------------------------------------------------------ direct speech

    def _before(self, passage: Passage, start: int, end: int, direct: dict[tuple[int, int], Attribution]) -> Attribution | None:
        """某某说：“…” / 某某表示，“…” / 称“…” / 某某双眼含泪：“…”"""
        text = passage.text
        follows = text[end : end + 1]
        match = self._cue_before(text, start, end)
        if match is not None and not match["punct"] and _listed(text, start, end):
            match = None  # 分析了“没有发现就没有新闻”、“从哪里发现新闻”: objects in a list are topics
        if match is not None and _shown_attitude(text, start, end):
            match = None
        if match is not None and match["punct"] in ("：", ":") and NOT_SPEECH_COLON.search(match["addressee"]):
            match = None  # 提出了跨世纪发展的总体战略：“接轨上海、开发乍浦”: what the cue's object is called
        if match is not None and not cues.is_not_a_cue(text, match.start("cue"), match["cue"]):
            closes_sentence = text[end - 2 : end - 1] in cues.SENTENCE_END  # 说：“恭喜发财！”我国……
            if follows and follows not in AFTER_SPEECH and not closes_sentence and not (match["punct"] and _reads_as_speech(text, start, end)):
                return None  # 表示“……”改革 / 他表示，“放管服”改革: a quoted term, not the words said
            cue_start, cue_end = match.span("cue")
            subject_start = clause_start(text, cue_start, self.max_subject_chars)
            speaker = find_speaker(passage, subject_start, cue_start)
            if speaker is None and has_no_subject(passage, subject_start, cue_start):
                # the subject left out is the one speaking, or the person the sentence opens with
                # (布莱尔将这一政策的基调定为……，并表示“……”)
                speaker = _last_speaker(text, direct, start) or sentence_subject(passage, cue_start)
            addressee = None
            if match["cue"] in QUESTION_CUES and match["addressee"] and match["punct"]:
                addressee = find_speaker(passage, *match.span("addressee"), search_back=False)
            return Attribution(speaker, mention(passage, cue_start, cue_end), addressee=addressee)
        if start > 0 and text[start - 1] in "：:":
            subject_start = clause_start(text, start - 1, self.max_subject_chars)
            if text[start - 3 : start - 1] == "报道":
                # 本报讯记者盖金东报道：“……”这是李纪周在……: the reporter reports the words of another
                # (报道：“中日长江水利环境经济技术研讨会”８日在重庆举行: a name, no words)
                return Attribution(ascribed_after(passage, end), None) if _reads_as_speech(text, start, end) else None
            # a short quote going on into its sentence is a term: 这一事件警示我们：“扫黄打非”，荡涤……
            term = not _clause_long(text, start, end) and text[end - 2] not in SPEECH_PUNCT and text[end : end + 1] not in SENTENCE_CLOSE | {"（", "("}
            named_saying = SAYINGS.search(text, subject_start, start - 1) is not None
            if subject_start < start - 1 and not term and not named_saying and not NOT_SPEECH_COLON.search(text, subject_start, start - 1):
                # 忽听身后传来呼救声：“……”: a voice heard, whose speaker the sentence does not give
                heard = HEARD_VOICE.search(text, subject_start, start - 1) is not None
                speaker = words_owner(passage, subject_start, start - 1) or find_speaker(passage, subject_start, start - 1, search_back=not heard)
                if speaker is not None and speaker.end_char == start - 1 and subject_start < speaker.start_char and object_of_verb(passage, subject_start, speaker.start_char):
                    # 他找到李兴桂：“……”: with no cue, a person after a verb is the one spoken to
                    speaker = find_speaker(passage, subject_start, speaker.start_char)
                if text[start - 2] == "是" and not may_speak(speaker):
                    # 理由是：“……”, 战略方针是：“……”: what the quote is, not who says it; the
                    # speaker, if any, is the subject of an earlier clause (职工……抗议，理由是)
                    speaker = find_speaker(passage, subject_start, subject_start)
                elif speaker is None:
                    # 说着，便从兜里掏出５０００元钱，硬往张晓伟手里塞：“……”: no subject in the
                    # sentence, the one speaking goes on
                    speaker = _last_speaker(text, direct, start)
                return Attribution(speaker, None)
        return None

    def _cue_before(self, text: str, start: int, end: int) -> re.Match | None:
        """The first cue before the mark at START whose words up to the mark may stand there: a
        cue further on is tried when an earlier one fails (讲话中郑重表示的那样，“: 表示, not 讲)."""
        position = max(0, start - self.max_subject_chars - 12)
        while (match := cues.cue_before_quote().search(text, position, start)) is not None:
            addressee = match["addressee"]
            before_cue = text[clause_start(text, match.start(), self.max_subject_chars) : match.start()]
            as_said = addressee in ("的", "的那样") and AS_SAID.search(before_cue)
            if addressee in cues.cue_words() and not before_cue.strip():
                position = match.start() + 1  # 评论说，“: the cue is 说, and 评论 the one speaking
                continue
            if not addressee or as_said or not (
                (not match["punct"] and not _object_of_cue(text, addressee, start, end))
                # more than four characters before a comma or no mark: a term's context (称这一地区是“海明威的故乡”),
                # unless the cue tells someone to do what the quote says (要求各级领导干部和政治工作机关“……”)
                or (match["punct"] != "：" and match["punct"] != ":" and len(addressee) > 4 and match["cue"] not in INSTRUCTING)
            ):
                return match
            position = match.start() + 1  # an addressee (告诫我们，/ 告诉库克：) stands between this cue and the mark
        return None

    def _after(self, passage: Passage, start: int, end: int) -> Attribution | None:
        """“…”某某说"""
        text = passage.text
        match = cues.cue_after_quote().match(text, end)
        if match is None or cues.is_not_a_cue(text, match.start("cue"), match["cue"]):
            return None
        speaker = find_speaker(passage, *match.span("subject"), search_back=False)
        if speaker is None or not (_reads_as_speech(text, start, end) or speaker.label_ == "PER" or names_people(speaker)):
            return None
        if speaker.start_char == end and text[end - 2] not in SPEECH_PUNCT and (
            not _reads_as_speech(text, start, end) or speaker.label_ != "PER"
        ):
            # “空中客车”飞机制造公司负责人曾说, “和平统一，一国两制”方针和……的八项主张: a name
            # inside the subject, not the words said
            return None
        cue_start, cue_end = match.span("cue")
        return Attribution(speaker, mention(passage, cue_start, cue_end), cue_end)

    def _words_named(self, passage: Passage, start: int, end: int) -> Attribution | None:
        """邓小平同志“要作出贡献，还是回国好”的号召, 周恩来向淮安县委提出“……”的意见: a clause
        quoted as what someone called for, proposed or feared is their words."""
        text = passage.text
        if not WORDS_NAMED.match(text, end) or not _clause_long(text, start, end):
            return None
        subject_start = clause_start(text, start, self.max_subject_chars)
        cue = cues.cue_before_quote().search(text, subject_start, start)
        if cue is not None and cue["cue"] in ANSWERING and QUESTION_NAMED.match(text, end):
            # 在回答记者“……”的问题时: the question is the one answered's
            speaker = find_speaker(passage, cue.end("cue"), start, search_back=False)
            return Attribution(speaker, None) if may_speak(speaker) else None
        speaker = find_speaker(passage, subject_start, cue.start("cue") if cue else start, search_back=False)
        if not may_speak(speaker):
            return None
        return Attribution(speaker, mention(passage, *cue.span("cue")) if cue else None)

    # ------------------------------------------------------------ indirect speech

    def _indirect(self, passage: Passage, marks: list[tuple[int, int]], direct: dict) -> dict[tuple[int, int], Attribution]:
        """某某表示，……。: the content up to the end of its sentence, or up to a quote of the
        speaker's own words inside it, which becomes direct speech of the same speaker."""
        text = passage.text
        found = {}
        after_quote = {a.clause_end: a for a in direct.values() if a.clause_end >= 0}
        for match in cues.cue_opening_indirect().finditer(text):
            cue_start, cue_end = match.span("cue" if match["cue"] else "cue_clause")
            if (
                any(s <= cue_start < e for s, e in [*marks, *found])
                or text[max(0, cue_start - 1) : cue_start] in ("边", "的")  # 边说，边……; 的要求，: a noun
                or cues.is_not_a_cue(text, cue_start, text[cue_start:cue_end])
            ):
                continue  # inside a quote or reported speech already found, 边说，边……, 可以说，……
            attribution = after_quote.get(cue_end)
            if attribution is None:
                subject_start = clause_start(text, cue_start, self.max_subject_chars)
                speaker = find_speaker(passage, subject_start, cue_start)
                if speaker is None or (text[cue_start:cue_end] in SHOWING_CUES and not (may_speak(speaker) or _a_place(passage, speaker))):
                    continue  # 这些数字都表明, 智商测试表明: what a fact shows (美国还表明 is a country speaking)
                attribution = Attribution(speaker, mention(passage, cue_start, cue_end))
            content_start = match.end()
            content_end = _sentence_end(text, content_start)
            inner = [(s, e) for s, e in marks if content_start <= s and e <= content_end]
            for s, e in inner:
                if (s, e) not in direct and _reported_words(text, s, e) and not _shown_attitude(text, s, e):
                    direct[(s, e)] = Attribution(attribution.speaker, attribution.cue)
            first_speech = min((s for s, e in inner if (s, e) in direct), default=content_end)
            content_end = _strip_end(text, content_start, first_speech)
            if content_end - content_start >= 4:
                found[(content_start, content_end)] = attribution
        return found


def _a_place(passage: Passage, mention: Span | Mention) -> bool:
    return any(e.label_ == "LOC" and (e.start_char, e.end_char) == (mention.start_char, mention.end_char) for e in passage.ents)


def _ascribed(passage: Passage, start: int, end: int) -> Attribution | None:
    """“……”这是青年词作者张俊以……: a lede that names who said the words after them."""
    person = ascribed_after(passage, end) if _reads_as_speech(passage.text, start, end) else None
    return None if person is None else Attribution(person, None)


def _after_name(passage: Passage, start: int, end: int) -> Attribution | None:
    """首席执行官万历斯“对长时间没有发现交易损失和错误定价表示遗憾”。: a clause of words right after
    a titled person's name, ending its clause, is what that person said (a title, since the NER
    also takes places for persons: 罗布泊“广袤三百里……”)."""
    text = passage.text
    if not _clause_long(text, start, end) or text[end : end + 1] not in AFTER_SPEECH | {""}:
        return None
    person = next((e for e in passage.ents if e.end_char == start and e.label_ == "PER"), None)
    if person is None or not TITLE_AFTER_NAME.search(text, max(0, person.start_char - 8), person.start_char):
        return None
    return Attribution(person, None)


def _answers(text: str, direct: dict[tuple[int, int], Attribution], end: int, para_end: int, person: Span | Mention) -> bool:
    """PERSON speaks the next speech quote of the paragraph after END."""
    later = [(s, a) for (s, e), a in direct.items() if end <= s and e <= para_end]
    if not later:
        return False
    speaker = min(later, key=lambda item: item[0])[1].speaker
    return speaker is not None and speaker.text == person.text


def _shown_attitude(text: str, start: int, end: int) -> bool:
    """表示“深切忏悔”: a short quote right after 表示 names an attitude shown, as in 表示感谢, not words said."""
    return text[max(0, start - 2) : start] == "表示" and end - start - 2 <= SHORT_ATTITUDE


def _last_speaker(text: str, direct: dict[tuple[int, int], Attribution], before: int) -> Span | Mention | None:
    """The speaker of the last speech quote before BEFORE in the same paragraph: 邓小平……强调：“……”
    指出：“……” (a cue with its subject left out goes on with the one speaking)."""
    earlier = [(s, a) for (s, e), a in direct.items() if e <= before and a.speaker is not None and "\n" not in text[e:before]]
    return max(earlier, key=lambda item: item[0])[1].speaker if earlier else None


def _offsets(mention: Span | Mention | None) -> Mention | None:
    return None if mention is None else Mention(mention.start_char, mention.end_char, mention.text, mention.label_)


def _split_tokens_at(doc: Doc, mentions: list[Mention]) -> None:
    """Make the edges of every speaker and cue token edges, so that each is exactly the text it
    names (pkuseg's 叫席|国胜的 would give 国胜); the record keeps the segmenter's words."""
    cuts = {o for m in mentions for o in (m.start_char, m.end_char)}
    if not cuts or all(doc.char_span(m.start_char, m.end_char) is not None for m in mentions):
        return
    if doc._.words is None:
        doc._.words = word_offsets(doc)
    split_at(doc, cuts)


def _quote_span(doc: Doc, start: int, end: int, kind: str, speaker: Mention | None, cue: Mention | None) -> Span | None:
    span = doc.char_span(start, end, alignment_mode="contract") or doc.char_span(start, end, alignment_mode="expand")
    if span is not None:
        span._.kind = kind
        span._.speaker = speaker
        span._.cue = cue
    return span


def _sentence_end(text: str, start: int) -> int:
    depth = 0
    for i in range(start, len(text)):
        char = text[i]
        if char == "\n":
            return _strip_end(text, start, i)
        if char in "“「『":
            depth += 1
        elif char in "”」』":
            depth = max(0, depth - 1)
        elif char in cues.SENTENCE_END and depth == 0:
            return i + 1
    return _strip_end(text, start, len(text))


def _strip_end(text: str, start: int, end: int) -> int:
    while end > start and (text[end - 1].isspace() or (end < len(text) and text[end - 1] in "，、：")):
        end -= 1
    return end


def _reported_words(text: str, start: int, end: int) -> bool:
    """A quote inside reported speech that carries the speaker's own clause (他说，……“标志着……时刻”。),
    not a quoted term (……开发了“行业‘白名单’功能”，): it ends the sentence (after it, or inside
    it: ……按劳分配，“每一个生产者……。”“……”) and holds a verb."""
    if (text[end : end + 1] not in SENTENCE_CLOSE and text[end - 2] not in cues.SENTENCE_END) or end - start - 2 < 4:
        return False  # 是“编外市民”，…: a quoted phrase inside the sentence, not its end
    content = text[start + 1 : end - 1]
    # jieba tags some verb phrases as set phrases (统一指挥/l)
    return _reads_as_speech(text, start, end) or any(pair.flag.startswith((*VERBAL, "l")) for pair in jieba.posseg.cut(content))


def _object_of_cue(text: str, addressee: str, start: int, end: int) -> bool:
    """Words said to someone or of something, with no punctuation after the cue's object:
    他指示部供应司“要搞好……”。, 说这是“领导捞油水，百姓吃苦头”。 (an object of more than four
    characters is left out before this: 称这一地区是“海明威的故乡”)
    Not a name given (称之为“……”), a term the object modifies (提出的“中国光明工程”), a short
    term equated (说是“水落石出”), nor a quoted term inside a longer clause (表示对“……”的支持)."""
    size = end - start - 2
    return (
        (end == len(text) or text[end] in AFTER_SPEECH)
        and addressee[-1] not in NAMING_AFTER_OBJECT
        and size >= (6 if addressee[-1] == "是" else 4)
    )


def _listed(text: str, start: int, end: int) -> bool:
    """A quote in a list of quotes joined by 、: titles, slogans or topics."""
    return text[end : end + 2] in ("、“", "、「", "、『") or text[max(0, start - 2) : start] in ("”、", "」、", "』、")


def _reads_as_speech(text: str, start: int, end: int) -> bool:
    """A quote whose content is a clause: it holds clause punctuation or ends a sentence."""
    content = text[start + 1 : end - 1]
    return len(content) >= 6 and any(ch in SPEECH_PUNCT for ch in content)


def _clause_long(text: str, start: int, end: int) -> bool:
    """A quote that reads as a clause of words: clause punctuation inside, or CLAUSE_CHARS long."""
    return _reads_as_speech(text, start, end) or end - start - 2 >= CLAUSE_CHARS


def _follows_speech(text: str, start: int, end: int, direct: dict) -> Attribution | None:
    """董建华说：“……”，“……”；“……”: a clause-long quote right after a quote of speech, a comma or
    semicolon between them, goes on with its words."""
    if text[start - 1 : start] not in ("，", "；") or not _clause_long(text, start, end):
        return None
    previous = next((a for (_, e), a in direct.items() if e == start - 1), None)
    return None if previous is None else Attribution(previous.speaker, None, continues=True)


def _adjacent_runs(text: str, marks: list[tuple[int, int]]) -> list[list[tuple[int, int]]]:
    """Quotes that follow each other with nothing but spaces between: “……？”“……。”"""
    runs: list[list[tuple[int, int]]] = []
    for span in marks:
        if runs and not text[runs[-1][-1][1] : span[0]].strip(" \u3000"):
            runs[-1].append(span)
        else:
            runs.append([span])
    return [run for run in runs if len(run) > 1]


def _take_turns(passage: Passage, run: list[tuple[int, int]], direct: dict[tuple[int, int], Attribution]) -> None:
    """A dialogue with no cues: a quote after a question that asks nothing is the answer of the one
    asked, and a question after an answer is the asker's again (“大嫂，电费多少钱１度？”“７角多。”“满意不满意？”
    “满意，满意。”这位家庭主妇……). Each side speaks as its one quote with words next to it names it,
    or, for the side never named, as the question's cue names the one asked; a short answer next to
    a question of speech is speech too."""
    text = passage.text

    def asks(span: tuple[int, int]) -> bool:
        return text[span[1] - 2] in "？?"

    if not any(asks(span) and span in direct for span in run[:-1]):
        return
    sides, switched = [0], False
    for previous, current in zip(run, run[1:]):
        # two questions in a row are one asker's (姜春云问主人：“……够不够？”“……准备好了吗？”)
        switched = (asks(previous) and not asks(current)) or (switched and asks(current))
        sides.append(1 - sides[-1] if switched else sides[-1])
    if len(set(sides)) < 2:
        return
    named: dict[int, Attribution] = {}
    for span, side in zip(run, sides):
        attribution = direct.get(span)
        if attribution is not None and not attribution.continues and attribution.speaker is not None:
            named.setdefault(side, attribution)
    speakers = {side: attribution.speaker for side, attribution in named.items()}
    for side, attribution in named.items():
        if attribution.addressee is not None:
            speakers.setdefault(1 - side, attribution.addressee)
    if sides[-1] not in speakers:
        # “你想上学吗？”“想！”金金沉默片刻，爽快地回答: the person the narrative after the last
        # turn opens with gives it
        person = next_sentence_subject(passage, run[-1][1])
        if person is not None:
            speakers[sides[-1]] = person
    for span, side in zip(run, sides):
        attribution = direct.get(span)
        if side in speakers and (attribution is None or attribution.continues):
            direct[span] = Attribution(speakers[side], None, continues=True)


def _verse(content: str) -> bool:
    """Lines of equal length, three to seven characters each, in the third person and neither asked
    nor exclaimed: a proverb, a couplet or a slogan (庄稼一枝花，全靠肥当家), not a line of dialogue
    (请坐请坐，喝杯早茶 is spoken: 请; 我没有身份证，怎么去领奖呢 too: 我, 呢)."""
    lines = [line for line in VERSE_BREAK.split(content) if line]
    return (
        len(lines) >= 2 and len({len(line) for line in lines}) == 1 and VERSE_LINE[0] <= len(lines[0]) <= VERSE_LINE[1]
        and not SPOKEN.search(content)
    )


def _same_turn(passage: Passage, span: tuple[int, int], direct: dict) -> Attribution | None:
    """The attribution of the speech this quote continues: the person the narrative right after
    it opens with, else the nearest speech quote of its paragraph, or, for a paragraph that is one
    quote, the quote opening the next paragraph; a quoted sentence standing alone among sentences
    takes the person the sentence before it opens with, if any."""
    text = passage.text
    start, end = span
    if _verse(text[start + 1 : end - 1]):
        return None  # “鸟无头雁难飞远，班子不强业难成。” with no one saying it: a saying, not words said
    para_start = text.rfind("\n", 0, start) + 1
    para_end = text.find("\n", end)
    para_end = len(text) if para_end < 0 else para_end
    before = text[para_start:start].rstrip()
    if before and before[-1] not in cues.SENTENCE_END + "；”」』）)":
        if before[-1] in "，," and (FIRST_PERSON.search(text, start, end) or end - start - 2 >= LONG_WORDS):
            # 科雷眨了眨眼，用右手食指按住脑门穴，“这个嘛，让我……”: words in the first person after
            # the doings of the person the sentence opens with
            opener = sentence_subject(passage, start)
            if opener is not None:
                return Attribution(opener, None)
        return None  # 上面写着：“……” / ……的“老吾老”: part of a sentence of narrative
    full_sentence = text[end - 2] in cues.SENTENCE_END + "…"
    if not full_sentence and text[end : end + 1] not in SENTENCE_CLOSE | set("“「『；"):
        return None
    following = subject_after(passage, end)
    if following is not None:
        if text[end - 2] in "？?" and _answers(text, direct, end, para_end, following):
            return Attribution(None, None)  # “来年有什么打算？”老张……说：“……”: 老张 answers; the question is another's
        return Attribution(following, None)
    same_paragraph = [(s, e) for (s, e) in direct if para_start <= s and e <= para_end]
    if same_paragraph and full_sentence and before and before[-1] in cues.SENTENCE_END:
        person = subject_before(passage, start)
        if person is not None:
            return Attribution(person, None)
    if same_paragraph:
        nearest = min(same_paragraph, key=lambda q: min(abs(q[0] - end), abs(start - q[1])))
        return Attribution(direct[nearest].speaker, None, continues=True)
    if not text[para_start:start].strip() and not text[end:para_end].strip(" 。\t"):
        next_start = len(text) - len(text[para_end:].lstrip())
        following = next((a for (s, _), a in direct.items() if s == next_start), None)
        return Attribution(following.speaker if following else None, None, continues=True)
    if full_sentence and (not before or before[-1] in cues.SENTENCE_END):
        person = subject_before(passage, start) if before else next_sentence_subject(passage, end)
        if person is None and FIRST_PERSON.search(text, start, end):
            # words in the first person among sentences about someone: the paragraph's last person
            person = resolve_person(passage, start)
            person = person if person is not None and person.start_char >= para_start else None
        return Attribution(person, None)
    return None
