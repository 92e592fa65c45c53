"""Messages that carry no question: "@citebot thanks!", "hi", "ok", "lol", "how?", "more";
and questions to the bot itself, not to the docs: "are you a bot?", "what's your name?".

Searched, such a message finds nothing ("The indexed documents don't cover this question" and
three unrelated sources) or quotes a random sentence ("more" → "The more Python projects you
have…"). They are recognised by their form, before any search, from small word lists (English,
plus greetings and thanks in a few other languages).

Conservative on purpose: every word of the message must be one of these words (after
lower-casing, dropping punctuation and emoji, and shortening stretched letters: "thaaanks",
"hiii"); a single other word ("logging", "cookies", "help"), a digit or anything that looks
like code (`url_for`, `--help`, `a.b`, `/ask`) makes it a question, searched as before. A
message of only function words (the BM25 stopword list of `retrieval.lexical`) is content-free
too, unless its words are all Python keywords ("with", "is not", "and": real docs queries).
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Iterable
from enum import StrEnum

from retrieval.knowledge import PREFIX as KNOWLEDGE
from retrieval.lexical import STOPWORDS
from retrieval.models import SourceInfo
from retrieval.question import clean_text, without_mentions


class Chat(StrEnum):
    """What a message without a question is."""

    GREETING = "greeting"  # hi, hello, good morning, hola
    THANKS = "thanks"  # thanks, thank you so much, ty, merci
    ACK = "ack"  # ok, got it, cool, makes sense, 👍
    LAUGHTER = "laughter"  # lol, haha, lmao, xD
    FAREWELL = "farewell"  # bye, see you, good night
    VAGUE = "vague"  # a lone question word or only function words: "how?", "what is it?"
    FILLER = "filler"  # a content-free word: "more", "hmm", "anyone?"
    ABOUT_BOT = "about_bot"  # a question to the bot itself: "are you a bot?", "who made you?"
    EMPTY = "empty"  # nothing at all (only the mention)

    @property
    def social(self) -> bool:
        """Said to the bot as to a person (a reaction answers it; nothing to search)."""
        return self in _SOCIAL


_SOCIAL = {Chat.GREETING, Chat.THANKS, Chat.ACK, Chat.LAUGHTER, Chat.FAREWELL}

MAX_WORDS = 8  # longer messages are taken as saying something

_GREETING = {
    "hi", "hey", "heya", "hiya", "hello", "helo", "hallo", "hullo", "howdy", "yo", "sup",
    "wassup", "greetings", "morning", "afternoon", "evening", "gm", "hola", "bonjour", "salut",
    "coucou", "ciao", "moin", "servus", "hej", "hei", "olá", "ola", "oi", "namaste", "привет",
    "здравствуйте", "你好", "こんにちは", "안녕", "안녕하세요", "مرحبا", "shalom",
}
_THANKS = {
    "thanks", "thank", "thanx", "thnx", "thx", "tnx", "ty", "tysm", "tyvm", "cheers",
    "appreciated", "appreciate", "kudos", "merci", "danke", "dank", "bedankt", "dankjewel",
    "gracias", "grazie", "obrigado", "obrigada", "спасибо", "дякую", "dzięki", "dzieki",
    "dziękuję", "tack", "takk", "kiitos", "teşekkürler", "arigato", "arigatou", "ありがとう",
    "ありがとうございます", "谢谢", "谢谢你", "謝謝", "多谢", "감사합니다", "고마워", "شكرا",
    "धन्यवाद",
}
_ACK = {
    "ok", "okay", "okey", "okie", "oki", "k", "kk", "alright", "allright", "aight", "right",
    "sure", "yes", "yep", "yup", "yeah", "yea", "no", "nope", "nah", "cool", "nice", "great",
    "good", "fine", "perfect", "awesome", "amazing", "excellent", "brilliant", "sweet", "neat",
    "noted", "understood", "roger", "gotcha", "ack", "agreed", "indeed", "exactly", "correct",
    "np", "nvm", "nevermind", "wow", "d'accord", "vale", "genau",
}
_LAUGHTER = re.compile(
    r"(?:a?h+a+)+h?|(?:h+e+){2,}h?|(?:h+i+){2,}|(?:j+a+){2,}|(?:j+e+){2,}|l+o+l+(?:o+l+)*|"
    r"lmf?a+o+|rofl(?:mao)?|kek|lul|heh|xd+"
)
_FAREWELL = {
    "bye", "goodbye", "cya", "cu", "later", "laters", "ttyl", "gn", "goodnight", "night",
    "nite", "adios", "tschüss", "tschuss", "au", "revoir",
}
# words that only carry the social word they come with ("thank you so much", "got it",
# "makes sense", "thanks for the help"): never a kind of their own
_MODIFIERS = {
    "you", "u", "ya", "yall", "y'all", "so", "very", "much", "lot", "lots", "bunch", "tons",
    "again", "man", "bro", "buddy", "dude", "mate", "guys", "all", "everyone", "everybody",
    "folks", "bot", "citebot", "there", "for", "the", "your", "help", "helped", "helps",
    "that", "this", "it", "works", "worked", "just", "really", "super", "got", "see", "i",
    "makes", "make", "sense", "sounds", "fair", "enough", "will", "do", "worries", "problem",
    "mind", "bad", "my", "now", "too", "a", "big", "many", "oh", "ah", "well", "then",
    "muchas", "mucho", "beaucoup", "schön", "schon", "sehr", "vielen", "mille", "muito",
    "good", "take", "care", "talk", "soon", "day", "have", "nice", "one", "sir", "and",
    "please", "pls", "plz", "fixed", "solved", "sorted", "resolved",
}
# content-free words with no social meaning: a hint, not a search
_FILLER = {
    "more", "again", "hmm", "hm", "um", "umm", "uh", "er", "erm", "aha", "ooh",
    "huh", "eh", "meh", "bruh", "anyone", "anybody", "someone", "somebody", "please", "pls",
    "plz", "oh", "ah",
}
_QUESTION_WORDS = {
    "what", "who", "whom", "whose", "which", "when", "where", "why", "how", "wat", "wut",
    "wot", "que", "qué", "quoi", "pourquoi", "warum", "wie", "wieso",
}
_VAGUE_EXTRA = {"so", "now", "come", "else", "exactly", "then", "about", "mean"}
# several words standing for one ("what's up" is a greeting, not a question)
_PHRASES = [
    (re.compile(r"\bwhat'?s\s+up\b|\bhow\s+(?:are|r)\s+(?:you|u|ya)\b|\bhow'?s\s+it\s+going\b"),
     "hi"),
    (re.compile(r"\bgood\s+(?:night|bye)\b|\bsee\s+(?:you|ya|u)\b|\btake\s+care\b"), "bye"),
    (re.compile(r"\bi\s+see\b|\bgot\s+it\b|\bmakes\s+sense\b|\bsounds\s+good\b"), "ok"),
]
# a question about the bot itself ("are you a bot?", "what's your name?", "who made you?"):
# every word from these lists, at least one of them "you", one of them what it asks about.
# Searched, such a question is answered from any sentence holding its one content word ("The
# option's names are…", "Llama-bot enables…"; session 14, 8 of 41 off-topic questions answered
# across 10 docs folders). "what's your license?", "do you have examples?" stay questions.
_YOU = {"you", "u", "your", "ur", "yourself"}
_ABOUT_BOT = {"bot", "robot", "human", "person", "ai", "chatgpt", "gpt", "llm", "machine",
              "name", "made", "created", "built", "wrote", "programmed", "coded", "trained"}
_ABOUT_BOT_EXTRA = {"citebot", "are", "r", "is", "a", "an", "the", "real", "actual", "actually",
                    "or", "just", "what", "what's", "whats", "who", "whom", "by", "hey", "so",
                    "even", "some", "kind", "of", "sort"}
_PYTHON_WORDS = {w.lower() for w in [*keyword.kwlist, *keyword.softkwlist] if w.isalpha()}
_PRIORITY = [Chat.THANKS, Chat.GREETING, Chat.FAREWELL, Chat.LAUGHTER, Chat.ACK]

# single emoji and emoticons sent on their own ("@citebot 🙏", "@citebot :)")
_EMOJI = {
    "🙏": Chat.THANKS, "❤": Chat.THANKS, "♥": Chat.THANKS, "💙": Chat.THANKS,
    "💜": Chat.THANKS, "💚": Chat.THANKS, "🧡": Chat.THANKS, "💛": Chat.THANKS,
    "🤍": Chat.THANKS, "🖤": Chat.THANKS, "<3": Chat.THANKS,
    "👍": Chat.ACK, "👌": Chat.ACK, "✅": Chat.ACK, "🆗": Chat.ACK, "💯": Chat.ACK,
    "🫡": Chat.ACK, "🙂": Chat.ACK, "😊": Chat.ACK, ":)": Chat.ACK, ":-)": Chat.ACK,
    ";)": Chat.ACK, "(:": Chat.ACK,
    "😂": Chat.LAUGHTER, "🤣": Chat.LAUGHTER, "😆": Chat.LAUGHTER, "😄": Chat.LAUGHTER,
    "😁": Chat.LAUGHTER, "😹": Chat.LAUGHTER, ":D": Chat.LAUGHTER, ":-D": Chat.LAUGHTER,
    "👋": Chat.GREETING,
}
# skin tones, variation selectors and zero-width joiners do not change what an emoji says
_EMOJI_NOISE = re.compile("[\U0001f3fb-\U0001f3ff\ufe0e\ufe0f\u200d]")

_WORD = re.compile(r"[\w']+", re.UNICODE)
# code or a reference, not chat: `x`, a_b, --opt, a.b, a/b, f(, a[, a=b, ::, digits
_CODE = re.compile(r"`|\w_|_\w|--\w|\w\.\w|\w/|/\w|\w\(|\w\[|\w=|=\w|::|\d")
_EMOTICON = re.compile(r"(?<!\S)(?:<3+|[:;]-?[()DPp]+|\(:)(?!\S)")
_RUN3 = re.compile(r"(.)\1{2,}")
_RUN2 = re.compile(r"(.)\1+")


def classify(question: str) -> Chat | None:
    """What kind of non-question `question` is, or None for a question (the usual case).

    `question` is the message as written (mentions and markup are dropped here, as for the
    search)."""
    text = clean_text(question)
    if not text:
        return Chat.EMPTY
    if _CODE.search(_EMOTICON.sub(" ", without_mentions(question))):
        return None
    words = _WORD.findall(_EMOTICON.sub(" ", text).lower().replace("\u2019", "'"))
    if not words:
        return _emoji_only(text)
    if len(words) > MAX_WORDS:
        return None
    lowered = " ".join(words)
    for pattern, stands_for in _PHRASES:
        lowered = pattern.sub(stands_for, lowered)
    words = lowered.split()
    if (_YOU.intersection(words) and _ABOUT_BOT.intersection(words)
            and all(w in _YOU or w in _ABOUT_BOT or w in _ABOUT_BOT_EXTRA for w in words)):
        return Chat.ABOUT_BOT
    kinds: set[Chat] = set()
    for w in words:
        kind = _social_kind(w)
        if kind is not None:
            kinds.add(kind)
        elif not _variants(w) & _MODIFIERS:
            break
    else:
        for kind in _PRIORITY:
            if kind in kinds:
                return kind
    return _content_free(words)


def _variants(word: str) -> set[str]:
    """The word as written and with stretched letters shortened ("thaaanks" → "thanks")."""
    return {word, _RUN3.sub(r"\1\1", word), _RUN2.sub(r"\1", word)}


def _social_kind(word: str) -> Chat | None:
    if _LAUGHTER.fullmatch(word):  # the pattern allows stretched letters itself
        return Chat.LAUGHTER
    for w in dict.fromkeys((word, _RUN3.sub(r"\1\1", word), _RUN2.sub(r"\1", word))):
        if w in _THANKS:
            return Chat.THANKS
        if w in _GREETING:
            return Chat.GREETING
        if w in _FAREWELL:
            return Chat.FAREWELL
        if w in _ACK:
            return Chat.ACK
    return None


def _content_free(words: list[str]) -> Chat | None:
    """"how?", "what is it", "it?" (VAGUE); "more", "hmm", "anyone?" (FILLER); else None."""
    if all(_variants(w) & _FILLER for w in words):
        return Chat.FILLER
    if any(w in _QUESTION_WORDS for w in words):
        if all(w in _QUESTION_WORDS or w in STOPWORDS or w in _VAGUE_EXTRA for w in words):
            return Chat.VAGUE
        return None
    if all(w in STOPWORDS or w in _FILLER for w in words) and not all(
        w in _PYTHON_WORDS for w in words
    ):
        return Chat.VAGUE
    return None


def _emoji_only(text: str) -> Chat | None:
    """A message of a few emoji or emoticons that all say one social thing, else None."""
    kinds: set[Chat] = set()
    for piece in text.split():
        kind = _EMOJI.get(piece)
        if kind is None:
            chars = _EMOJI_NOISE.sub("", piece)
            found = {_EMOJI.get(c) for c in chars}
            if not chars or None in found:
                return None
            kinds |= {k for k in found if k is not None}
        else:
            kinds.add(kind)
    return next((k for k in _PRIORITY if k in kinds), None)


# -------------------------------------------------------------------------- the hint

MAX_TOPIC_CHARS = 40
MAX_TOPIC_WORDS = 6

_OPENERS = {
    Chat.THANKS: "You're welcome! ",
    Chat.GREETING: "Hi! ",
    Chat.FAREWELL: "Bye! ",
    Chat.VAGUE: "That is not a whole question. ",
    Chat.ABOUT_BOT: "I am a bot that quotes the indexed documents, word for word. ",
}


def example_topics(sources: Iterable[SourceInfo], n: int = 2) -> list[str]:
    """Up to `n` titles of indexed documents to name in the hint: the documents with the most
    chunks whose title is short and is not their file name (knowledge entries left out)."""
    out: list[str] = []
    seen: set[str] = set()
    ranked = sorted(sources, key=lambda s: (-s.chunks, s.title))
    for s in ranked:
        title = " ".join(s.title.split())
        if (
            s.source.startswith(KNOWLEDGE)
            or not title
            or title == s.source
            or title == s.source.rsplit("/", 1)[-1]
            or len(title) > MAX_TOPIC_CHARS
            or len(title.split()) > MAX_TOPIC_WORDS
            or title.casefold() in seen
        ):
            continue
        seen.add(title.casefold())
        out.append(title)
        if len(out) == n:
            break
    return out


def hint(kind: Chat, topics: list[str]) -> str:
    """A short, friendly line saying how to ask; the example names indexed titles only."""
    line = "Ask me a question about the documents"
    if topics:
        named = " or ".join(f"“{t}”" for t in topics)
        line += f", for example about {named}"
    return _OPENERS.get(kind, "") + line + "."


_MORE = {"more", "next", "continue", "another", "others"}
_MORE_EXTRA = {"please", "pls", "plz", "show", "me", "some", "any", "excerpts", "excerpt",
               "quotes", "quote", "results", "answers", "give", "can", "i", "have", "see", "the"}


def wants_more(text: str) -> bool:
    """"more", "next", "show me more please": a reply to an answer asking for its next
    excerpts (what the answer's More excerpts button gives)."""
    words = [w for w in re.findall(r"[^\W\d_]+", text.lower())]
    return bool(words) and len(words) <= MAX_WORDS and any(w in _MORE for w in words) and all(
        w in _MORE or w in _MORE_EXTRA for w in words
    )
