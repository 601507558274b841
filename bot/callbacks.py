"""Every callback-data format the bot puts on a button, with encode/decode helpers.

Callback data comes back from the client, so it is untrusted input: each format is a short prefix
plus typed fields, decoded strictly (anything else matches no handler and gets the "expired button"
reply), and every handler re-checks permission against the database after decoding. Telegram caps
callback data at 64 bytes; `tests/bot/test_callbacks.py` checks every format at its largest.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from knowledge.entry import Entry

__all__ = [
    "ALL_FORMATS",
    "FEEDBACK",
    "FORWARD_QUESTION",
    "HELP_ACK",
    "HELP_START",
    "HELP_VISIT",
    "ITEM_ADD",
    "ITEM_ADD_SUBCATEGORY",
    "ITEM_DONE",
    "ITEM_EVIDENCE",
    "ITEM_PAGE",
    "ITEM_PROGRESS",
    "ITEM_RETURN",
    "ITEM_VERIFY",
    "ITEM_VIEW",
    "LANGUAGE",
    "MAX_BYTES",
    "MENTEE_ITEMS",
    "MENTEE_PAGE",
    "NOOP",
    "REPLY_QUESTION",
    "REQUEST_CALL",
    "REQUEST_CLOSE",
    "REQUEST_SOONEST",
    "REQUEST_VIEW",
    "SETTING_TOGGLE",
    "SUGGESTION",
    "TOPIC_CATEGORY",
    "TOPIC_ENTRY",
    "TOPIC_ROOT",
    "TOPIC_SUBCATEGORY",
    "CallbackFormat",
    "entry_by_ref",
    "entry_ref",
]

MAX_BYTES = 64

# Field kinds, each bounded to what it stands for, so a forged value is refused here as a stale
# button instead of failing deeper down (an id above int64 overflows SQLite's driver; one above
# int32 overflows PostgreSQL's ``integer``):
#   id     a database id: 1 .. 2**31 - 1, the range of the tables' `Integer` primary keys
#   int    a small number (page, list index, 0/1 flag, a day as yyyymmdd): 0 .. 2**31 - 1
#   stamp  a local wall-clock minute, yyyymmddhhmm (twelve digits)
#   word   a knowledge-base or taxonomy id
_KIND_PATTERNS = {
    "id": r"\d{1,10}",
    "int": r"\d{1,10}",
    "stamp": r"\d{12}",
    "word": r"[a-z0-9_\-]{1,58}",
}
_INT32_MAX = 2**31 - 1
_KIND_RANGES = {"id": range(1, _INT32_MAX + 1), "int": range(0, _INT32_MAX + 1)}


@dataclass(frozen=True, slots=True)
class CallbackFormat:
    """One callback-data format: ``prefix:field1:field2``.

    Attributes:
        prefix: a short unique tag routed by the handler's ``pattern``.
        fields: the kinds of the fields that follow: ``"id"``, ``"int"``, ``"stamp"`` or
            ``"word"`` (see ``_KIND_PATTERNS``).
    """

    prefix: str
    fields: tuple[str, ...] = ()

    @property
    def regex(self) -> re.Pattern[str]:
        """The shape of this format's data (ranges are checked by `decode`)."""
        parts = [re.escape(self.prefix), *(f"({_KIND_PATTERNS[k]})" for k in self.fields)]
        return re.compile("^" + ":".join(parts) + "$")

    @property
    def pattern(self) -> Callable[[object], bool]:
        """What a handler registers as its ``pattern`` to receive exactly this format.

        A predicate rather than a regular expression, so that values out of their range (a
        forged ``iv:9999999999``) match no handler and get the "expired button" reply.
        """
        return self.matches

    def matches(self, data: object) -> bool:
        """Whether ``data`` is of this format with every value in range."""
        if not isinstance(data, str):
            return False
        try:
            self.decode(data)
        except ValueError:
            return False
        return True

    def encode(self, *values: int | str) -> str:
        """Build the callback data for these field values.

        Raises:
            ValueError: if the values do not fit the format or the 64-byte limit.
        """
        if len(values) != len(self.fields):
            raise ValueError(f"{self.prefix}: expected {len(self.fields)} values")
        data = ":".join([self.prefix, *(str(v) for v in values)])
        if len(data.encode()) > MAX_BYTES or not self.matches(data):
            raise ValueError(f"callback data {data!r} does not fit format {self.prefix!r}")
        return data

    def decode(self, data: str | None) -> tuple[int | str, ...]:
        """Return the typed field values of ``data``.

        Raises:
            ValueError: if ``data`` is not of this format, or a value is out of its range
                (forged or stale buttons).
        """
        match = self.regex.match(data or "")
        if match is None:
            raise ValueError(f"not a {self.prefix!r} callback: {data!r}")
        values: list[int | str] = []
        for kind, raw in zip(self.fields, match.groups(), strict=True):
            if kind == "word":
                values.append(raw)
                continue
            number = int(raw)
            bounds = _KIND_RANGES.get(kind)
            if bounds is not None and number not in bounds:
                raise ValueError(f"{self.prefix!r} callback: {kind} {number} out of range")
            values.append(number)
        return tuple(values)

    def ints(self, data: str | None) -> tuple[int, ...]:
        """Like `decode` for formats made only of numbers, typed as such."""
        return tuple(int(v) for v in self.decode(data))


# Questions and answers
FEEDBACK = CallbackFormat("fb", ("id", "int"))  # question log id, 1 = 👍 / 0 = 👎
SUGGESTION = CallbackFormat("sg", ("id", "word"))  # question log id, entry ref
FORWARD_QUESTION = CallbackFormat("fw", ("id",))  # question log id
REPLY_QUESTION = CallbackFormat("rp", ("id",))  # question log id
# Topics
TOPIC_ROOT = CallbackFormat("tp")
TOPIC_CATEGORY = CallbackFormat("tc", ("word",))
TOPIC_SUBCATEGORY = CallbackFormat("ts", ("word",))
TOPIC_ENTRY = CallbackFormat("te", ("word",))  # entry ref
# Rectification items
ITEM_PAGE = CallbackFormat("il", ("int",))  # page
ITEM_VIEW = CallbackFormat("iv", ("id",))  # item id
ITEM_PROGRESS = CallbackFormat("ip", ("id",))
ITEM_DONE = CallbackFormat("id", ("id",))
ITEM_VERIFY = CallbackFormat("iok", ("id",))
ITEM_RETURN = CallbackFormat("irt", ("id",))
ITEM_EVIDENCE = CallbackFormat("ie", ("id",))  # item id: send its photos, documents, notes
# Mentors
MENTEE_PAGE = CallbackFormat("ml", ("int",))  # page
MENTEE_ITEMS = CallbackFormat("me", ("id", "int"))  # enterprise id, page
ITEM_ADD = CallbackFormat("ia", ("id",))  # enterprise id
# Help requests; HELP_VISIT is the hook the visit-booking feature takes over.
HELP_ACK = CallbackFormat("ha", ("id",))
HELP_VISIT = CallbackFormat("hv", ("id",))
HELP_START = CallbackFormat("hs")  # opens /helpme from an answer to a question reporting trouble
# Preferences
LANGUAGE = CallbackFormat("lg", ("word",))
SETTING_TOGGLE = CallbackFormat("st", ("word",))
NOOP = CallbackFormat("nop")

ALL_FORMATS: tuple[CallbackFormat, ...] = (
    FEEDBACK,
    SUGGESTION,
    FORWARD_QUESTION,
    REPLY_QUESTION,
    TOPIC_ROOT,
    TOPIC_CATEGORY,
    TOPIC_SUBCATEGORY,
    TOPIC_ENTRY,
    ITEM_PAGE,
    ITEM_VIEW,
    ITEM_PROGRESS,
    ITEM_DONE,
    ITEM_VERIFY,
    ITEM_RETURN,
    ITEM_EVIDENCE,
    MENTEE_PAGE,
    MENTEE_ITEMS,
    ITEM_ADD,
    HELP_ACK,
    HELP_VISIT,
    HELP_START,
    LANGUAGE,
    SETTING_TOGGLE,
    NOOP,
)

ITEM_ADD_SUBCATEGORY = CallbackFormat("ias", ("word",))  # sub-category id, while adding an item
ALL_FORMATS = (*ALL_FORMATS, ITEM_ADD_SUBCATEGORY)

# Visits (bot/handlers/visit*.py). Pickers carry their choices so far, so a picker message works
# after a restart; times are local wall-clock numbers (day 20260601, start 202606011430);
# purpose and phase are indexes into `bot.handlers.visits.PURPOSES` / `PHASES` (append-only).
VISIT_HAND = CallbackFormat("vh", ("id",))  # small hand id
VISIT_DAY = CallbackFormat("vd", ("id", "int"))  # small hand id, day
VISIT_TIME = CallbackFormat("vt", ("id", "stamp"))  # small hand id, start
VISIT_PURPOSE = CallbackFormat("vu", ("id", "stamp", "int"))  # ..., purpose index
VISIT_BOOK = CallbackFormat("vb", ("id", "stamp", "int", "int"))  # ..., phase index
VISIT_CONFIRM = CallbackFormat("vc", ("id",))  # visit id
VISIT_MOVE = CallbackFormat("vm", ("id",))  # visit id: pick a new day
VISIT_MOVE_DAY = CallbackFormat("vmd", ("id", "int"))  # visit id, day
VISIT_MOVE_TIME = CallbackFormat("vmt", ("id", "stamp"))  # visit id, start: then the reason
VISIT_CANCEL = CallbackFormat("vx", ("id",))  # visit id: then the reason
VISIT_ICS = CallbackFormat("vi", ("id",))  # visit id
VISIT_OUTCOME = CallbackFormat("vr", ("id",))  # visit id: the after-visit dialogue
VISIT_VERIFIED = CallbackFormat("vv", ("id",))  # item id, toggled in the dialogue
VISIT_ITEMS_DONE = CallbackFormat("vn")
VISIT_FINDING_SUB = CallbackFormat("vfs", ("word",))  # sub-category of a new finding
VISIT_BOOK_ANYWAY = CallbackFormat("vba", ("id", "stamp", "int", "int"))  # as VISIT_BOOK, warned
ALL_FORMATS = (
    *ALL_FORMATS,
    VISIT_HAND,
    VISIT_DAY,
    VISIT_TIME,
    VISIT_PURPOSE,
    VISIT_BOOK,
    VISIT_CONFIRM,
    VISIT_MOVE,
    VISIT_MOVE_DAY,
    VISIT_MOVE_TIME,
    VISIT_CANCEL,
    VISIT_ICS,
    VISIT_OUTCOME,
    VISIT_VERIFIED,
    VISIT_ITEMS_DONE,
    VISIT_FINDING_SUB,
    VISIT_BOOK_ANYWAY,
)


# The bureau's desk (bot/handlers/broadcast.py, curation.py). BROADCAST_ACK is also what a
# broadcast notice's `Action.acknowledge_broadcast` button becomes (bot.notifier). Audience
# values are ids (round, big hand) or indexes into the lists the picker showed (towns,
# industries, roles, phases).
BROADCAST_ACK = CallbackFormat("ba", ("id",))  # broadcast id: "收到 / Acknowledged"
BROADCAST_FILTER = CallbackFormat("bf", ("word",))  # audience criterion to pick a value for
BROADCAST_VALUE = CallbackFormat("bv", ("word", "int"))  # criterion, value id or index
BROADCAST_PREVIEW = CallbackFormat("bp")
BROADCAST_ACK_TOGGLE = CallbackFormat("bq")
BROADCAST_SEND = CallbackFormat("bs")  # the explicit confirmation: send now
BROADCAST_SCHEDULE = CallbackFormat("bt")  # then the time as text
BROADCAST_STOP = CallbackFormat("bx", ("id",))  # broadcast id: cancel while sending
BROADCAST_REPORT = CallbackFormat("br", ("id",))  # broadcast id: who acknowledged
CURATE_LINK = CallbackFormat("cl", ("id",))  # question id: pick an entry
CURATE_ENTRY = CallbackFormat("ce", ("id", "word"))  # question id, entry ref
CURATE_DRAFT = CallbackFormat("cd", ("id",))  # question id: then the answer as text
CURATE_REVIEWED = CallbackFormat("cr", ("id",))  # question id
ALL_FORMATS = (
    *ALL_FORMATS,
    BROADCAST_ACK,
    BROADCAST_FILTER,
    BROADCAST_VALUE,
    BROADCAST_PREVIEW,
    BROADCAST_ACK_TOGGLE,
    BROADCAST_SEND,
    BROADCAST_SCHEDULE,
    BROADCAST_STOP,
    BROADCAST_REPORT,
    CURATE_LINK,
    CURATE_ENTRY,
    CURATE_DRAFT,
    CURATE_REVIEWED,
)


# Help requests as a workflow (bot/handlers/requests.py, visit_hook.py). REQUEST_VIEW's format is
# also built by `scheduler.help_escalation` for its "open" button: keep the two in step.
REQUEST_VIEW = CallbackFormat("rq", ("id",))  # help request id: open it
REQUEST_CALL = CallbackFormat("rc", ("id",))  # help request id: show the phone to call
REQUEST_CLOSE = CallbackFormat("rx", ("id",))  # help request id: then the outcome as text
REQUEST_SOONEST = CallbackFormat("hf", ("id",))  # help request id: the first free slot
ALL_FORMATS = (*ALL_FORMATS, REQUEST_VIEW, REQUEST_CALL, REQUEST_CLOSE, REQUEST_SOONEST)


def entry_ref(entry_id: str) -> str:
    """A 10-character reference to a knowledge-base entry for callback data.

    Entry ids run to 55 characters and more, too long next to a question id in 64 bytes; the
    reference is a hash of the id, so it stays valid across restarts and knowledge-base edits.
    """
    return hashlib.blake2s(entry_id.encode(), digest_size=5).hexdigest()


def entry_by_ref(entries: Iterable[Entry], ref: object) -> Entry | None:
    """The entry whose `entry_ref` is ``ref``, or None (a stale or forged button)."""
    return next((entry for entry in entries if entry_ref(entry.id) == ref), None)
